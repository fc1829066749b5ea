"""The tables of the clients lists (``portal.tables``): each list's page and ``?export=xlsx``
read their columns from here."""

from operator import itemgetter

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from portal.html import text
from portal.tables import DETAIL, Col, Table, display
from portal.xlsx import choice_labels

from . import privacy
from .models import CategoryMembership, Client
from .templatetags.clients_badges import due_badge, risk_badge


def _category_label(code):
    return choice_labels(CategoryMembership, "category").get(code, code)


def categories_text(client):
    return "、".join(str(_category_label(m.category)) for m in client.current_categories)


def categories_badges(client):
    """Today's categories as light badges, ``—`` when none."""
    return mark_safe("".join(f'<span class="badge text-bg-light border">{text(_category_label(m.category))}</span> '
                             for m in client.current_categories) or "—")


def client_risk_badge(client):
    # the label from the field's choices translated once per language (``portal.xlsx.choice_labels``)
    return risk_badge(client.risk_level, choice_labels(Client, "risk_level").get(client.risk_level, client.risk_level))


def client_phone(client, user):
    return privacy.phone_for(user, client.phone)


def masked_id(client):
    return privacy.mask_id(client.id_number)


# Export-only columns both client lists share.
GENDER = Col(_("gender"), "get_gender_display", page=False, width=6)
BIRTH = Col(_("date of birth"), "birth_date", page=False, width=12)
# Roles that may not reveal the ID number get the age instead (issue 21: the birth date is eight
# of the number's eighteen characters).
AGE = Col(_("age"), "age", page=False, width=6)


class PrivateBirthDateTable(Table):
    """The export's date of birth becomes the age for a user who may not reveal ID numbers."""

    def get_columns(self):
        columns = super().get_columns()
        if privacy.sees_birth_date(self.user):
            return columns
        return [AGE if column is BIRTH else column for column in columns]
VILLAGE = Col(_("village / community"), "village", page=False, width=14)
STATUS = Col(_("status"), "get_status_display", page=False, width=8)
REGISTERED = Col(_("registration date"), "registered_on", page=False, width=12)
WORKER = Col(_("responsible worker"), "worker.name", page=False, width=10)


class ClientTable(PrivateBirthDateTable):
    """The registry: masked ID, the phone as the user may see it, today's categories, risk and
    next-visit badges; the export adds the record's other fields."""

    classes = "client-table"
    empty_text = _("No clients match.")
    extra_fields = ("worker", "worker__name")
    columns = [
        Col(_("Full name"), "name", link=DETAIL, classes="text-nowrap", note_class="d-md-none",
            note=lambda c: f"{c.station.short_name} · {c.age}{gettext('y')}", fields=("name", "birth_date"),
            export_header=_("full name"), width=10),
        Col(_("ID number"), masked_id, classes="text-nowrap font-monospace small", fields=("id_number",), width=22),
        GENDER, BIRTH,
        Col(_("Age"), "age", phone=False, fields=("birth_date",), export=False),
        Col(_("Categories"), categories_text, html=categories_badges, fields=(), export_header=_("categories"),
            width=22),
        Col(_("Station"), "station.short_name", phone=False, classes="text-nowrap",
            fields=("station", "station__short_name"), export_header=_("station"), width=10),
        VILLAGE,
        Col(_("Phone"), client_phone, user=True, wide=True, classes="text-nowrap", fields=("phone",),
            export_header=_("phone"), width=14),
        Col(_("Risk"), "get_risk_level_display", html=client_risk_badge, fields=("risk_level",),
            export_header=_("risk level"), width=10),
        STATUS, REGISTERED,
        Col(_("last visit"), "last_visit_on", page=False, width=12),
        Col(_("Next visit"), "next_visit_due", html=due_badge, classes="text-nowrap",
            fields=("next_visit_due", "status"), export_header=_("next visit due"), width=12),
        WORKER,
    ]


class WorklistTable(PrivateBirthDateTable):
    """Dynamic monitoring: who is overdue or due soon, most overdue first."""

    empty_text = _("Nobody is overdue or due soon.")
    columns = [
        Col(_("Due"), "next_visit_due", html=due_badge, classes="text-nowrap", export_header=_("next visit due"),
            width=12),
        Col(_("Follow-up"), "follow_up_on", classes="text-nowrap", empty="", export_header=_("follow-up due"),
            width=12),
        Col(_("Full name"), "name", link=DETAIL, classes="text-nowrap", note="station.short_name",
            export_header=_("full name"), width=10),
        Col(_("ID number"), masked_id, page=False, width=22),
        GENDER, BIRTH,
        Col(_("station"), "station.short_name", page=False, width=10),
        Col(_("Categories"), categories_text, html=categories_badges, export_header=_("categories"), width=22),
        Col(_("Risk"), "get_risk_level_display", html=client_risk_badge, export_header=_("risk level"), width=10),
        STATUS, REGISTERED,
        Col(_("Last visit"), "last_visit_on", phone=False, classes="text-nowrap", empty=_("never"),
            export_header=_("last visit"), width=12),
        Col(_("Worker"), "worker.name", phone=False, export_header=_("responsible worker"), width=10),
        Col(_("Village / community"), "village", wide=True, empty="", export_header=_("village / community"),
            width=14),
        Col(_("Phone"), client_phone, user=True, wide=True, classes="text-nowrap", export_header=_("phone"),
            width=14),
    ]


def _overdue_link(query):
    """The overdue count of a summary row, a link to those people (red when any)."""
    # an f-string: the query is of ids and the count a number, nothing to escape (format_html
    # escaping each part was half of the by-worker table: a county's 100 rows, ~2.5 ms)
    def cell(row):
        overdue = row["overdue"]
        return mark_safe(f'<a href="?{query(row)}&amp;overdue=yes" class="{_OVERDUE_CLASS if overdue else ""}">'
                         f"{display(overdue)}</a>")
    return cell


_OVERDUE_CLASS = "text-danger fw-semibold"


def _station_query(row):
    return f"station={row['station_id']}"


def _worker_query(row):
    return f"worker={row['worker_id']}"


class WorklistStationTable(Table):
    """The worklist's summary by station (rows of ``clients.views.worklist_summary``), written by
    the core's renderer: the template's loop over a county's rows cost more than their count."""

    classes = "table-sm"
    exportable = False
    empty_text = "—"
    columns = [
        Col(_("Station"), itemgetter("station__short_name"), link=lambda row: f"?{_station_query(row)}",
            link_class=""),
        Col(_("Overdue"), html=_overdue_link(_station_query), end=True),
        Col(_("Due within 7 days"), itemgetter("due_soon"), link=lambda row: f"?{_station_query(row)}&overdue=soon",
            link_class="", end=True),
        Col(_("Registered"), itemgetter("total"), end=True),
    ]


class WorklistWorkerTable(Table):
    """The worklist's summary by responsible worker (rows of ``clients.views.worklist_summary``)."""

    classes = "table-sm"
    exportable = False
    empty_text = "—"
    columns = [
        Col(_("Worker"), itemgetter("worker__name"), link=lambda row: f"?{_worker_query(row)}", link_class=""),
        Col(_("Station"), itemgetter("station__short_name")),
        Col(_("Overdue"), html=_overdue_link(_worker_query), end=True),
        Col(_("Due within 7 days"), itemgetter("due_soon"), link=lambda row: f"?{_worker_query(row)}&overdue=soon",
            link_class="", end=True),
    ]


def _head(household):
    return household.heads[0].name if household.heads else f"#{household.pk}"


def _distress_badge(household):
    if not household.in_distress:
        return mark_safe("")
    return format_html('<span class="badge text-bg-danger">{}</span>', gettext("family in distress"))


class HouseholdTable(Table):
    empty_text = _("No households match.")
    columns = [
        Col(_("Head of household"), _head, link=DETAIL, export=lambda h: h.heads[0].name if h.heads else "",
            export_header=_("head of household"), width=12),
        Col(_("Station"), "station.short_name", classes="text-nowrap", export_header=_("station")),
        Col(_("village / community"), "village", page=False, width=14),
        Col(_("Address"), lambda h: f"{h.village} {h.address}", phone=False, empty="", export="address",
            export_header=_("address"), width=28),
        Col(_("Members"), "member_count", end=True, export_header=_("members"), width=8),
        Col("", lambda h: gettext("yes") if h.in_distress else gettext("no"), html=_distress_badge,
            export_header=_("family in distress"), width=10),
    ]


def _interval_subject(row):
    return row.get_category_display() if row.category else row.get_risk_level_display()


class VisitIntervalTable(Table):
    empty_text = _("No county setting: the defaults apply.")
    exportable = False

    def get_columns(self):
        can_change = self.user is not None and self.user.has_perm("clients.change_visitinterval")

        def edit(row):
            if not can_change:
                return mark_safe("")
            return format_html('<a href="{}" class="btn btn-link btn-sm">{}</a>',
                               reverse("clients:visitinterval_edit", args=[row.pk]), gettext("Edit"))
        return [
            Col(_("County"), "county"), Col(_("Category or risk level"), _interval_subject),
            Col(_("Days"), "days", end=True), Col("", html=edit, end=True),
        ]


class PolicyCategoryTable(Table):
    empty_text = _("The county has added no categories of its own.")
    columns = [
        Col(_("County"), "county", export_header=_("county")),
        Col(_("Name"), "name", link=DETAIL, export_header=_("name")),
        Col(_("Counted as"), "get_maps_to_display", export_header=_("counted as")),
        Col(_("Days"), "visit_days", end=True, export_header=_("interval in days")),
        Col(_("Active"), lambda row: gettext("yes") if row.is_active else gettext("no"), export_header=_("active")),
    ]


class ScreeningCampaignTable(Table):
    empty_text = _("No campaigns.")
    exportable = False
    columns = [
        Col(pgettext_lazy("person", "Name"), "name", link=DETAIL, note="county"),
        Col(_("Period"), lambda c: f"{c.start_on:%Y-%m-%d} — {c.end_on:%Y-%m-%d}", classes="text-nowrap"),
        Col(_("Stations"), "station_count", end=True),
    ]


def _screening(client):
    return client.found[0] if client.found else None


def _result(client):
    record = _screening(client)
    if record is None:
        return format_html('<span class="text-body-secondary">{}</span>', gettext("not yet"))
    return format_html('{} <span class="small text-body-secondary">{}</span>', record.get_result_display(),
                       f"{record.screened_on:%Y-%m-%d}" if record.screened_on else "")


def _screening_risk(client):
    record = _screening(client)
    if record is None or not record.risk_level:
        return mark_safe("")
    return risk_badge(record.risk_level, record.get_risk_level_display())


class ScreeningStationTable(Table):
    """The covered clients of one station in a campaign (``context["campaign"]``), screened or not."""

    empty_text = "—"
    exportable = False

    def get_columns(self):
        campaign = self.context["campaign"]
        can_screen = self.user is not None and self.user.has_perm("clients.add_screeningrecord")

        def action(client):
            if not can_screen:
                return mark_safe("")
            return format_html('<a href="{}" class="btn btn-outline-primary btn-sm">{}</a>',
                               reverse("clients:screening_record", args=[campaign.pk, client.pk]),
                               gettext("Correct") if _screening(client) else gettext("Record"))
        return [
            Col(_("Full name"), "name", link=DETAIL, link_class=""),
            Col(_("Village / community"), "village", phone=False, empty=""),
            Col(_("Result"), html=_result), Col(_("Risk"), html=_screening_risk),
            Col("", html=action, end=True),
        ]
