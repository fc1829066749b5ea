"""The tables of the training lists (``portal.tables``): each list's page and ``?export=xlsx``
read their columns from here."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.tables import DETAIL, Col, Table


def _badge(colour, label):
    return format_html('<span class="badge text-bg-{}">{}</span>', colour, label)


def _whole(value):
    """As floatformat:0."""
    return "" if value is None else f"{value:.0f}"


class TrainingTable(Table):
    empty_text = _("No trainings match.")
    columns = [
        Col(_("Date"), "held_on", export_header=_("date"), width=12),
        Col(_("Topic"), "topic", link=DETAIL, classes="wrap", export_header=_("training topic"), width=36),
        Col(_("Hours"), "hours", end=True, export_header=_("hours"), width=8),
        Col(_("Format"), "get_format_display", export_header=_("format")),
        Col(_("Organiser"), "organiser", export="organiser.name", export_header=_("organiser"), width=26),
        Col(_("Trainers"), "trainer_names", classes="wrap", export_header=_("trainers"), width=24),
        Col(_("Attendees"), "attendee_count", end=True, export_header=_("attendees"), width=10),
        Col(_("location"), "location", page=False, width=20), Col(_("county"), "county.name", page=False),
    ]


def _supervisor(supervision):
    return format_html('{} <span class="badge text-bg-light border">{}</span>', supervision.supervisor_name,
                       supervision.supervisor_kind)


def _follow_up(supervision):
    if supervision.follow_up_overdue:
        return _badge("danger", gettext("Overdue"))
    if supervision.follow_up_done:
        return _badge("success", gettext("Done"))
    return None if not supervision.follow_up_on else f"{supervision.follow_up_on:%Y-%m-%d}"


class SupervisionTable(Table):
    empty_text = _("No supervisions match.")
    columns = [
        Col(_("Date"), "supervised_on", link=DETAIL, export_header=_("date"), width=12),
        Col(_("station"), "station.name", page=False, width=20),
        Col(_("Station"), "station.short_name", export=False),
        Col(_("Supervisor"), "supervisor_name", html=_supervisor, export_header=_("supervisor")),
        Col(_("supervisor kind"), "supervisor_kind", page=False, width=16),
        Col(_("Mode"), "get_mode_display", export_header=_("mode")),
        Col(_("Hours"), "hours", end=True, export_header=_("hours"), width=8),
        Col(_("Topic"), "topic", classes="wrap", export_header=_("supervision topic"), width=24),
        Col(_("Workers"), "worker_count", end=True, export_header=_("workers supervised"), width=8),
        Col(_("findings"), "findings", page=False, width=40), Col(_("advice"), "advice", page=False, width=40),
        Col(_("follow-up"), "follow_up", page=False, width=30),
        Col(_("Follow-up"), "follow_up_on", html=_follow_up, export_header=_("follow-up by"), width=12),
    ]


def _rating(evaluation):
    return _badge("primary", evaluation.rating) if evaluation.rating else None


def _open_items(evaluation):
    return _badge("warning", evaluation.open_items) if evaluation.open_items else "0"


class StationEvaluationTable(Table):
    empty_text = _("No evaluations match.")
    columns = [
        Col(_("Date"), "evaluated_on", link=DETAIL, export_header=_("evaluation date"), width=12),
        Col(_("station"), "station.name", page=False, width=20),
        Col(_("Station"), "station.short_name", export=False),
        Col(_("Scheme"), "scheme", classes="wrap", export="scheme.name", export_header=_("scheme"), width=24),
        Col(_("period from"), "period_start", page=False, width=12),
        Col(_("period to"), "period_end", page=False, width=12),
        Col(_("Total score"), "total", end=True, export_header=_("total score"), width=10),
        Col(_("Rating"), "rating", html=_rating, export_header=_("rating")),
        Col(_("Open items"), "open_items", html=_open_items, end=True, export_header=_("open rectification items"),
            width=10),
        Col(_("evaluators"), "evaluators", page=False, width=20), Col(_("findings"), "findings", page=False, width=40),
    ]


def _rectification_status(item):
    if item.is_overdue:
        return _badge("danger", gettext("Overdue"))
    return _badge("success" if item.status == "done" else "warning", item.get_status_display())


class RectificationTable(Table):
    empty_text = _("No rectification items match.")

    def row_class(self, item):
        return "table-danger" if item.is_overdue else None

    def get_columns(self):
        can_change = self.user is not None and self.user.has_perm("training.change_rectificationitem")
        edit_label = gettext("Edit")

        def edit(item):
            if not can_change:
                return mark_safe("")
            return format_html('<a href="{}" class="btn btn-outline-secondary btn-sm" aria-label="{}">'
                               '<i class="bi bi-pencil"></i></a>',
                               reverse("training:rectification_edit", args=[item.pk]), edit_label)
        return [
            Col(_("station"), "evaluation.station.name", page=False, width=20),
            Col(_("Station"), "evaluation.station.short_name", export=False),
            Col(_("evaluation date"), "evaluation.evaluated_on", page=False, width=12),
            Col(_("What to fix"), "description", classes="wrap", export_header=_("what to fix"), width=40),
            Col(_("Owner"), "owner", export="owner.name", export_header=_("owner")),
            Col(_("Deadline"), "deadline", empty="", export_header=_("rectification deadline"), width=12),
            Col(_("Status"), "get_status_display", html=_rectification_status, export_header=_("status")),
            Col(_("overdue"), lambda r: gettext("yes") if r.is_overdue else "", page=False),
            Col(_("done on"), "done_on", page=False, width=12), Col(_("progress note"), "note", page=False, width=30),
            Col(_("Evaluation"), "evaluation.evaluated_on", link=lambda r: r.evaluation.get_absolute_url(),
                link_class="", export=False),
            Col("", html=edit, export=False),
        ]


def _scheme_county(scheme):
    if scheme.county_id:
        return scheme.county.name
    return format_html('<span class="badge text-bg-light border">{}</span>', gettext("shared standard"))


def _scheme_evaluations(scheme):
    if not scheme.evaluation_count:
        return "0"
    return format_html('<a href="{}?scheme={}">{}</a>', reverse("training:evaluation_list"), scheme.pk,
                       scheme.evaluation_count)


def _in_use_icon(scheme):
    if not scheme.is_active:
        return None
    return format_html('<i class="bi bi-check-circle-fill text-success" role="img" aria-label="{}"></i>', gettext("yes"))


class SchemeTable(Table):
    empty_text = _("No schemes yet.")
    columns = [
        Col(_("Scheme"), "name", link=DETAIL, classes="wrap", export_header=_("scheme name"), width=36),
        Col(_("County"), lambda s: s.county.name if s.county_id else gettext("shared standard"), html=_scheme_county,
            export_header=_("county"), width=16),
        Col(_("Items"), "item_count", end=True, export_header=_("items"), width=8),
        Col(_("Full marks"), lambda s: s.max_total or 0, end=True, export="max_total", export_header=_("full marks"),
            width=10),
        Col(_("Station evaluations"), "evaluation_count", html=_scheme_evaluations, end=True,
            export_header=_("station evaluations"), width=10),
        Col(_("In use"), lambda s: gettext("yes") if s.is_active else "", html=_in_use_icon,
            export_header=_("in use")),
        Col(_("description"), "description", page=False, width=50),
    ]


def _three(first, second, third):
    return lambda p: " / ".join(_whole(getattr(p, name)) for name in (first, second, third))


class PolicyTable(Table):
    empty_text = _("No incentive policies yet.")
    columns = [
        Col(_("Policy"), "name", link=DETAIL, classes="wrap", export_header=_("policy name"), width=30),
        Col(_("Region"), "region", export="region.name", export_header=_("region"), width=14),
        Col(_("policy document"), "document", page=False, width=30),
        Col(_("Valid"), lambda p: f"{p.valid_from:%Y-%m-%d} – {f'{p.valid_to:%Y-%m-%d}' if p.valid_to else '…'}",
            export=False),
        Col(_("valid from"), "valid_from", page=False, width=12), Col(_("valid until"), "valid_to", page=False, width=12),
        Col(_("Awards (assistant / intermediate / senior)"), _three("award_assistant", "award_intermediate",
                                                                  "award_senior"), end=True, export=False),
        Col(_("one-off award, assistant level"), "award_assistant", page=False, width=12),
        Col(_("one-off award, intermediate level"), "award_intermediate", page=False, width=12),
        Col(_("one-off award, senior level"), "award_senior", page=False, width=12),
        Col(_("Monthly subsidies"), _three("subsidy_assistant", "subsidy_intermediate", "subsidy_senior"), end=True,
            export=False),
        Col(_("monthly subsidy, assistant level"), "subsidy_assistant", page=False, width=12),
        Col(_("monthly subsidy, intermediate level"), "subsidy_intermediate", page=False, width=12),
        Col(_("monthly subsidy, senior level"), "subsidy_senior", page=False, width=12),
        Col(_("tuition reimbursed (%)"), "tuition_rate", page=False, width=10),
        Col(_("tuition reimbursement cap"), "tuition_cap", page=False, width=12),
        Col(_("Entitlements"), lambda p: f"{p.entitlement_count} · {p.entitlement_total or 0:.2f}", end=True,
            export=False),
        Col(_("entitlements"), "entitlement_count", page=False, width=10),
        Col(_("amount"), "entitlement_total", page=False, width=12),
    ]


def _period(entitlement):
    if entitlement.period is None:
        return None
    return f"{entitlement.period:%Y-%m}" if entitlement.kind == "subsidy" else f"{entitlement.period:%Y-%m-%d}"


def _payout_status(entitlement):
    return _badge("success" if entitlement.status == "paid" else "warning", entitlement.get_status_display())


def _pay_link(entitlement, user):
    """A due payout's "mark paid" button, for those who may change payouts."""
    if entitlement.status != "due" or user is None or not user.has_perm("training.change_entitlement"):
        return ""
    return format_html('<a class="btn btn-outline-primary btn-sm" href="{}">{}</a>',
                       reverse("training:entitlement_pay", args=[entitlement.pk]), gettext("Mark paid"))


class EntitlementTable(Table):
    empty_text = _("No entitlements match.")
    columns = [
        Col(_("Name"), "staff.name", link="training:worker_training", arg="staff_id", link_class="",
            export_header=_("worker")),
        Col(_("station"), "staff.station.name", page=False, width=20),
        Col(_("Station"), "staff.station.short_name", export=False),
        Col(_("Kind"), "get_kind_display", export_header=_("kind"), width=16),
        Col(_("Certificate level"), "get_level_display", export_header=_("certificate level"), width=16),
        Col(_("certificate number"), "certificate.number", page=False, width=16),
        Col(_("For"), _period, export="period", export_header=_("for"), width=12),
        Col(_("Amount"), "amount", end=True, export_header=_("amount"), width=10),
        Col(_("Status"), "get_status_display", html=_payout_status, export_header=_("status")),
        Col(_("paid on"), "paid_on", page=False, width=12), Col(_("policy"), "policy.name", page=False, width=30),
        Col(_("Payment"), html=_pay_link, user=True, export=False, empty=""),
    ]


class CompetitionTable(Table):
    empty_text = _("No competitions yet.")
    exportable = False
    columns = [
        Col(_("Date"), "held_on"), Col(_("Competition"), "name", link=DETAIL, classes="wrap"),
        Col(_("Entries"), "entries", end=True), Col(_("Awards"), "awards", end=True),
    ]


def _from_case(submission):
    return f"{gettext('From case')}: {submission.case.title}" if submission.case_id else None


def _award(submission):
    if not submission.award:
        return mark_safe("")
    return format_html('<span class="badge text-bg-warning"><i class="bi bi-trophy"></i> {}</span>',
                       submission.get_award_display())


class SubmissionTable(Table):
    empty_text = _("No entries match.")
    columns = [
        Col(_("Competition"), "event.name", link="training:competition_detail", arg="event_id", link_class="",
            classes="wrap", note="event.held_on", export_header=_("competition"), width=30),
        Col(_("date"), "event.held_on", page=False, width=12),
        Col(_("station"), "station.name", page=False, width=20),
        Col(_("Entry"), "title", link=DETAIL, classes="wrap", note=_from_case, export_header=_("title"), width=36),
        Col(_("Station"), "station.short_name", export=False),
        Col(_("Authors"), lambda s: "、".join(a.name for a in s.authors.all()), export_header=_("authors"),
            width=20),
        Col(_("case"), "case.title", page=False, width=24),
        Col(_("Judges"), "judge_count", end=True, export_header=_("judges' scores"), width=8),
        Col(_("Average"), "score", end=True, classes="fw-semibold", export_header=_("average score"), width=10),
        Col(_("Award"), "get_award_display", html=_award, export_header=_("award"), width=12),
    ]


def _progress_status(row):
    if row.required is None:
        return _badge("secondary", gettext("No certificate"))
    if row.is_behind:
        return _badge("danger", gettext("Behind"))
    return _badge("info", gettext("Keeping pace")) if row.gap else _badge("success", gettext("Met"))


class ProgressTable(Table):
    """Every worker in scope against their hours requirement (rows: ``services.HoursProgress``)."""

    empty_text = _("No workers match.")
    columns = [
        Col(_("Name"), "staff.name", link="training:worker_training", arg="staff.pk", export_header=_("worker")),
        Col(_("station"), "staff.station.name", page=False, width=20),
        Col(_("Station"), "staff.station.short_name", export=False),
        Col(_("Certificate"), "level_label", export_header=_("certificate"), width=16),
        Col(_("Registration period"),
            lambda r: f"{r.period_start:%Y-%m-%d} – {r.period_end:%Y-%m-%d}" if r.required else None,
            classes="small", export=False),
        Col(_("period from"), "period_start", page=False, width=12),
        Col(_("period to"), "period_end", page=False, width=12),
        Col(_("Hours"), "hours", end=True, export_header=_("hours"), width=8),
        Col(_("Required"), lambda r: r.required or None, end=True, export="required", export_header=_("required"),
            width=8),
        Col(_("Gap"), "gap", end=True, export_header=_("gap"), width=8),
        Col(_("expected by now"), "expected", page=False, width=10),
        Col(_("behind"), lambda r: gettext("yes") if r.is_behind else "", page=False),
        Col(_("Status"), html=_progress_status, export=False),
    ]


class ExpertTable(Table):
    empty_text = _("No experts yet.")
    columns = [
        Col(_("Name"), "name", link=DETAIL, export_header=_("expert name"), width=12),
        Col(_("Kind"), "get_kind_display", export_header=_("kind"), width=16),
        Col(_("Affiliation"), "affiliation", classes="wrap", export_header=_("affiliation"), width=30),
        Col(_("Professional title"), "title", phone=False, export_header=_("professional title"), width=16),
        Col(_("county"), "county.name", page=False, width=12),
    ]


def _claim_status(claim):
    return gettext("Computed") if getattr(claim, "computed", False) else gettext("Not yet computed")


class TuitionClaimTable(Table):
    empty_text = _("No tuition claims match.")
    columns = [
        Col(_("Paid on"), "paid_on", link=DETAIL, export_header=_("paid on"), width=12),
        Col(_("Name"), "staff.name", export_header=_("worker"), width=10),
        Col(_("station"), "staff.station.name", page=False, width=20),
        Col(_("Station"), "staff.station.short_name", export=False),
        Col(_("Course"), "course", classes="wrap", export_header=_("course"), width=30),
        Col(_("Amount paid"), "amount_paid", end=True, export_header=_("amount paid"), width=12),
        Col(_("Reimbursement"), _claim_status, export_header=_("reimbursement"), width=14),
        Col(_("policy"), "policy.name", page=False, width=30),
    ]

