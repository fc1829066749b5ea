"""The tables of the funding lists (``portal.tables``): each list's page and ``?export=xlsx``
read their columns from here. Amounts show as 1,200,000.00 on the page; the workbook keeps
the numbers."""

from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from portal.tables import DETAIL, Col, Table

from .templatetags.funding import yuan


def _station_names(contract):
    return "、".join(s.short_name for s in contract.stations.all())


def _money(header, value, export_header, **kwargs):
    return Col(header, value, format=yuan, end=True, classes="money " + kwargs.pop("classes", ""),
               export_header=export_header, width=16, **kwargs)


class FundingSourceTable(Table):
    empty_text = _("No funding sources match.")
    columns = [
        Col(_("Year"), "year", export_header=_("year"), width=8),
        Col(_("region"), "region.name", page=False),
        Col(_("Funding source"), "name", link=DETAIL, classes="wrap",
            note=lambda s: f"{s.region} · {s.get_source_type_display()}", export_header=_("name"), width=30),
        Col(_("source type"), "get_source_type_display", page=False, width=26),
        Col(_("Share rule"), "rule_display", export_header=_("share rule")),
        _money(_("Base amount"), "base_amount", _("base amount")),
        _money(_("Available for services"), "available_amount", _("available for purchased services"),
               classes="fw-semibold"),
        _money(_("Contracted"), "contracted_amount", _("contracted")),
        _money(pgettext_lazy("funding", "Paid"), "paid_amount", _("paid")),
        Col(_("allocation document"), "document", page=False, width=24),
    ]


def _status_badge(contract):
    colour = {"active": "text-bg-primary", "completed": "text-bg-success"}.get(contract.status, "text-bg-secondary")
    return format_html('<span class="badge {}">{}</span>', colour, contract.get_status_display())


class ContractTable(Table):
    empty_text = _("No contracts match.")
    columns = [
        Col(_("contract number"), "code", page=False, width=18),
        Col(_("Contract"), "name", link=DETAIL, classes="wrap", note=lambda c: f"{c.code} · {c.year}",
            export_header=_("project name"), width=34),
        Col(_("year"), "year", page=False, width=8),
        Col(_("Buyer"), "buyer_display", phone=False, export_header=_("buyer"), width=16),
        Col(_("Contractor"), "contractor", export="contractor.name", export_header=_("contractor"), width=28),
        Col(_("stations covered"), _station_names, page=False, width=40),
        Col(_("Stations"), "station_count", end=True, title=lambda c: "".join(f"{s.short_name} " for s in c.stations.all()),
            export=False),
        _money(_("Amount"), "amount", _("contract amount")),
        Col(_("funded"), "funded_amount", page=False, width=16),
        _money(pgettext_lazy("funding", "Paid"), "paid_amount", _("paid")),
        Col(pgettext_lazy("funding", "Period"), lambda c: f"{c.start_on:%Y-%m-%d} – {c.end_on:%Y-%m-%d}",
            classes="small", export=False),
        Col(pgettext_lazy("funding", "period from"), "start_on", page=False, width=12),
        Col(_("period until"), "end_on", page=False, width=12),
        Col(_("Status"), "get_status_display", html=_status_badge, export_header=_("status"), width=10),
    ]


def _in_use(system):
    if system.is_active:
        return format_html('<span class="badge text-bg-success">{}</span>', gettext("In use"))
    return format_html('<span class="badge text-bg-secondary">{}</span>', gettext("Retired"))


class IndicatorSystemTable(Table):
    empty_text = _("No indicator systems match.")
    exportable = False
    columns = [
        Col(_("Name"), "name", link=DETAIL, note="county"), Col(_("In use from"), "year"),
        Col(pgettext_lazy("funding", "Categories"), "category_count", end=True),
        Col(_("Indicators"), "indicator_count", end=True), Col(_("Evaluations"), "evaluation_count", end=True),
        Col(_("Status"), html=_in_use),
    ]


def _score(evaluation):
    def two(value):  # as floatformat:"-2": 85 → 85, 85.5 → 85.50
        if value is None:
            return ""
        shown = f"{value:.2f}"
        return shown[:-3] if shown.endswith(".00") else shown
    return f"{two(evaluation.total)} / {two(evaluation.max_total)}"


def _grade_badge(evaluation):
    return format_html('<span class="badge grade-{}">{}</span>', evaluation.grade, evaluation.get_grade_display())


class PerformanceEvaluationTable(Table):
    empty_text = pgettext_lazy("funding", "No evaluations match.")
    columns = [
        Col(_("contract number"), "contract.code", page=False, width=18),
        Col(_("Contract"), "contract.name", link=lambda e: e.contract.get_absolute_url(), link_class="",
            classes="wrap", note=lambda e: f"{e.contract.code} · {e.contract.contractor}",
            export_header=_("project name"), width=34),
        Col(_("contractor"), "contract.contractor.name", page=False, width=28),
        Col(_("Stage"), "get_stage_display", export_header=_("stage"), width=10),
        Col(_("Date"), "evaluated_on", link=DETAIL, link_class="",
            export_header=pgettext_lazy("funding", "evaluation date"), width=12),
        Col(_("Evaluator"), "evaluator", export_header=_("evaluator"), width=24),
        Col(_("total score"), "total", page=False), Col(_("maximum total"), "max_total", page=False),
        Col(_("score (%)"), "percentage", page=False),
        Col(_("Score"), _score, end=True, classes="money", export=False),
        Col(_("Grade"), "get_grade_display", html=_grade_badge, export_header=_("grade"), width=10),
        Col(pgettext_lazy("funding", "findings"), "findings", page=False, width=50),
    ]


def _applicant(application):
    return str(application.applicant)


class VentureCallTable(Table):
    empty_text = _("No venture calls yet.")
    columns = [
        Col(pgettext_lazy("venture call", "Title"), "title", link=DETAIL, classes="wrap", export_header=_("title"),
            width=30),
        Col(_("Year"), "year", export_header=_("year"), width=8),
        _money(_("Budget"), "budget", _("total budget")),
        Col(_("Applications"), "application_count", end=True, phone=False, export_header=_("applications"), width=10),
        _money(_("Awarded"), "awarded_amount", _("awarded")),
        Col(_("Closes on"), "closes_on", phone=False, export_header=_("closes on"), width=12),
        Col(_("Status"), "get_status_display", export_header=_("status"), width=12),
    ]


class VentureApplicationTable(Table):
    empty_text = _("No applications match.")
    columns = [
        Col(_("Project title"), "project_title", link=DETAIL, classes="wrap", export_header=_("project title"),
            width=30),
        Col(_("Applicant"), _applicant, export_header=_("applicant"), width=24),
        Col(_("Theme"), "theme", phone=False, export_header=_("theme"), width=14),
        _money(_("Requested"), "amount_requested", _("amount requested")),
        Col(_("Average score"), "average_score", end=True, export_header=_("average score"), width=10),
        Col(_("Reviews"), "review_count", end=True, phone=False, export_header=_("reviews"), width=8),
        Col(_("Status"), "get_status_display", export_header=_("status"), width=12),
    ]


class VentureProjectTable(Table):
    empty_text = _("No funded projects match.")
    columns = [
        Col(_("Project title"), "application.project_title", link=DETAIL, classes="wrap",
            export_header=_("project title"), width=30),
        Col(_("Applicant"), lambda p: str(p.application.applicant), export_header=_("applicant"), width=24),
        _money(_("Awarded"), "amount_awarded", _("amount awarded")),
        Col(_("Milestones done"), lambda p: f"{p.milestones_done}/{p.milestone_count}", end=True, phone=False,
            export_header=_("milestones done"), width=10),
        Col(_("Status"), "get_status_display", export_header=_("status"), width=16),
    ]
