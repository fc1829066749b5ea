"""The tables of the services lists (``portal.tables``): page, ``?export=xlsx`` and, for visits,
the background visit-detail export (reports.exports.jobs) read their columns from here."""

from operator import itemgetter

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from clients.privacy import REVEAL_ID_ROLES, mask_id, phone_for
from portal.tables import DETAIL, Col, Table

from .models import Visit


def names(items):
    return "、".join(str(item) for item in items)


def full_id_numbers_allowed(user):
    """Whether an export shows full ID numbers (otherwise 410621********123X): only to the
    roles that may reveal a client's number (clients.privacy), for the stations they work with."""
    if user.is_superuser:
        return True
    staff = getattr(user, "staff", None)
    return staff is not None and staff.role in REVEAL_ID_ROLES


def id_number_for(number, user):
    return number if full_id_numbers_allowed(user) else mask_id(number)


def choice_label(model, field):
    labels = dict(model._meta.get_field(field).flatchoices)

    def label(value):
        return labels.get(value, value or "")
    return label


class ServiceTable(Table):
    empty_text = _("No records match.")


class VisitTable(ServiceTable):
    """The visits list, its export and the background visit-detail export (``background=True``
    columns, read from ``values_list`` tuples: a million rows at openpyxl's speed)."""

    columns = [
        Col(_("Visit no."), "id", page=False, export=False, background=True, values="id", width=10),
        Col(_("visit date"), "visited_on", link=DETAIL, fields=("visited_on",), background=True,
            values="visited_on", width=12),
        Col(_("Station"), "station.name", page=False, export=False, background=True, values="station__name",
            width=24),
        Col(_("client"), "client.name", fields=("client", "client__name"), background=True, values="client__name",
            width=10),
        Col(_("ID number"), page=False, export=False, background=True, values="client__id_number",
            convert=id_number_for, user=True, width=21),
        Col(_("station"), "station.short_name", fields=("station", "station__short_name")),
        Col(_("village / community"), "client.village", page=False, background=True, values="client__village"),
        Col(_("kind"), "get_kind_display", fields=("kind",), background=True, values="kind",
            convert=choice_label(Visit, "kind"), width=10),
        Col(_("workers"), lambda v: names(v.workers_listed()), fields=(), width=16),
        Col(_("what was found"), "findings", page=False, background=True, values="findings", width=40),
        Col(_("needs"), "needs", page=False, background=True, values="needs", width=30),
        Col(_("risk update"), "get_risk_level_display", fields=("risk_level",), background=True, values="risk_level",
            convert=choice_label(Visit, "risk_level"), width=10),
        Col(_("follow-up date"), "follow_up_on", fields=("follow_up_on",), background=True, values="follow_up_on",
            width=12),
        Col(_("Entered at"), page=False, export=False, background=True, values="created_at", width=18),
        Col(_("campaign tags"), lambda v: names(v.tags_listed()), page=False, width=16),
    ]


class ResourceLinkTable(ServiceTable):
    columns = [
        Col(_("description"), "description", link=DETAIL, width=30), Col(_("date"), "linked_on", width=12),
        Col(_("station"), "station.short_name"), Col(_("kind"), "get_kind_display"),
        Col(_("value (yuan)"), "value", width=12), Col(_("source"), "source_name", width=20),
        Col(_("client"), "client.name"),
        Col(_("source kind"), "get_source_kind_display", page=False),
        Col(_("visit"), lambda link: link.visit.visited_on if link.visit_id else None, page=False),
        Col(_("case"), "case.title", page=False), Col(_("activity"), "activity.title", page=False),
    ]


class CaseTable(ServiceTable):
    columns = [
        Col(_("title"), "title", link=DETAIL, width=24), Col(_("intake date"), "intake_on", width=12),
        Col(_("station"), "station.short_name"), Col(_("stage"), "get_stage_display"),
        Col(_("case manager"), "manager.name"), Col(_("clients"), lambda c: names(c.clients.all()), width=16),
        Col(_("closing date"), "closed_on", width=12),
        Col(_("goals"), "goals", page=False, width=40), Col(_("closure reason"), "get_closure_reason_display", page=False),
    ]


class GroupTable(ServiceTable):
    columns = [
        Col(_("theme"), "theme", link=DETAIL, width=24), Col(_("start date"), "created_on", width=12),
        Col(_("station"), "station.short_name"), Col(_("group leader"), "leader.name"),
        Col(_("members"), "member_count"), Col(_("sessions"), "session_count"),
        Col(_("attendance"), "attendance_total"),
        Col(_("first session"), "first_session_on", page=False, width=12), Col(_("goals"), "goals", page=False, width=40),
    ]


class ActivityTable(ServiceTable):
    columns = [
        Col(_("title"), "title", link=DETAIL, width=24), Col(_("date"), "held_on", width=12),
        Col(_("station"), "station.short_name"), Col(_("kind"), "get_kind_display"),
        Col(_("participants"), "participant_count"),
        Col(_("campaign tags"), lambda a: names(a.tags_listed()), width=16),
        Col(_("location"), "location", page=False, width=20), Col(_("highlight"), "highlight", page=False, width=40),
    ]


class ReferralTable(ServiceTable):
    columns = [
        Col(_("client"), "client.name", link=DETAIL), Col(_("referral date"), "referred_on", width=12),
        Col(_("station"), "station.short_name"), Col(_("referred to"), "to_organisation", width=20),
        Col(_("status"), "get_status_display"), Col(_("resolution date"), "resolved_on", width=12),
        Col(_("reason"), "reason", page=False, width=40), Col(_("outcome"), "outcome", page=False, width=40),
    ]


class DispatchTable(ServiceTable):
    columns = [
        Col(_("task"), "title", link=DETAIL, width=24), Col(_("dispatch date"), "sent_on", width=12),
        Col(_("station"), "station.short_name"), Col(_("dispatched by"), "issued_by.short_name"),
        Col(_("deadline"), "deadline", width=12), Col(_("status"), "get_status_display"),
        Col(_("overdue"), lambda d: gettext("overdue") if d.is_overdue else ""),
        Col(_("reported back on"), "reported_on", width=12),
        Col(_("source"), "get_source_display", page=False), Col(_("details"), "description", page=False, width=40),
        Col(_("report back"), "report", page=False, width=40),
    ]


def _on_time(report):
    if report.on_time is None:
        return ""
    return gettext("yes") if report.on_time else gettext("no")


class MonthlyReportTable(ServiceTable):
    columns = [
        Col(_("month"), lambda r: f"{r.month:%Y-%m}", link=DETAIL, width=10), Col(_("station"), "station.short_name"),
        Col(_("status"), "get_status_display"), Col(_("submitted at"), "submitted_at", width=18),
        Col(_("submitted on time"), _on_time), Col(_("latest comment"), "comment", width=30),
    ]


class CampaignTagTable(ServiceTable):
    columns = [
        Col(_("name"), "name", link="services:campaigntag_edit", arg="pk", width=20),
        Col(_("description"), "description", width=40),
        Col(_("active"), lambda t: gettext("yes") if t.is_active else gettext("no")),
    ]


def _follow_up_state(follow_up):
    if not follow_up.is_open:
        return gettext("answered %(date)s") % {"date": follow_up.answered_on.isoformat()}
    return gettext("overdue") if follow_up.is_overdue else gettext("open")


def _log_visit_button(follow_up):
    if not follow_up.is_open:
        return mark_safe("")
    return format_html('<a class="btn btn-sm btn-outline-primary text-nowrap" href="{}">{}</a>',
                       follow_up.log_visit_url(), gettext("Log a visit"))


class FollowUpTable(ServiceTable):
    empty_text = _("No follow-ups match.")
    columns = [
        Col(_("due on"), "due_on", link=DETAIL, classes="text-nowrap", width=12),
        Col(_("client"), "client.name", fields=("client", "client__name"), width=10),
        Col(_("station"), "station.short_name", fields=("station", "station__short_name")),
        Col(_("kind"), "get_kind_display", fields=("kind",)),
        Col(_("worker"), "worker.name", fields=("worker", "worker__name"), phone=False),
        Col(_("note"), "note", phone=False, width=30),
        Col(_("state"), _follow_up_state, fields=("answered_on",), width=14),
        Col(_("Log a visit"), html=_log_visit_button, export=False, fields=("client", "kind", "answered_on")),
    ]


class CaseGoalTable(ServiceTable):
    empty_text = _("No goals match.")
    columns = [
        Col(_("goal"), "description", link=DETAIL, width=30),
        Col(_("measurable target"), "target", width=30),
        Col(_("review date"), "review_on", classes="text-nowrap", width=12),
        Col(_("met on"), "met_on", empty="", width=12),
        Col(_("case"), "case.title", link=lambda goal: goal.case.get_absolute_url(), width=20),
        Col(_("station"), "case.station.short_name", phone=False),
    ]


class CaseTaskTable(ServiceTable):
    empty_text = _("No tasks match.")
    columns = [
        Col(_("task"), "description", link=DETAIL, width=30),
        Col(_("owner"), "owner.name", width=10),
        Col(_("due on"), "due_on", classes="text-nowrap", width=12),
        Col(_("done on"), "done_on", empty="", width=12),
        Col(_("goal"), "goal.description", phone=False, width=24),
        Col(_("case"), "case.title", link=lambda task: task.case.get_absolute_url(), width=20),
        Col(_("station"), "case.station.short_name", phone=False),
    ]


def _volunteer_phone(volunteer, user):
    return phone_for(user, volunteer.phone)


class VolunteerTable(ServiceTable):
    empty_text = _("No volunteers match.")
    columns = [
        Col(_("full name"), "name", link=DETAIL, width=12), Col(_("station"), "station.short_name"),
        Col(_("kind"), "get_kind_display", width=14),
        Col(_("organisation or school"), "organisation", phone=False, width=24),
        Col(_("phone"), _volunteer_phone, user=True, phone=False),
        Col(_("gender"), "get_gender_display", page=False, width=6), Col(_("skills"), "skills", page=False, width=30),
        Col(_("active"), lambda v: gettext("Yes") if v.is_active else gettext("No"), width=6),
    ]


def _linked(service):
    record = service.linked_record
    return str(record) if record is not None else None


class VolunteerServiceTable(ServiceTable):
    empty_text = _("No volunteer service matches.")
    columns = [
        Col(_("date"), "served_on", link=DETAIL, width=12), Col(_("volunteer"), "volunteer.name", width=12),
        Col(_("station"), "station.short_name"), Col(pgettext_lazy("volunteer", "hours"), "hours", end=True, width=8),
        Col(_("served at"), _linked, phone=False, width=30),
        Col(_("description"), "description", page=False, width=40),
    ]


def _needs_and_partners(row, user):
    """A need's kinds, each with the partners who offer that kind: a button that opens the
    resource-link form filled in for a user who may link, the partner's name otherwise."""
    can_link = user.has_perm("services.add_resourcelink")
    visit, items = row.visit, []
    for kind, label, partners in row.items:
        offers = []
        for partner in partners:
            if can_link:
                url = (f"{reverse('services:resourcelink_add')}?client={visit.client_id}&visit={visit.pk}"
                       f"&kind={kind}&partner={partner.pk}&station={visit.station_id}")
                offers.append(format_html('<a class="btn btn-outline-primary btn-sm py-0 ms-1" href="{}">{}</a>', url,
                                          gettext("Link from %(name)s") % {"name": partner.name}))
            else:
                offers.append(format_html('<span class="ms-1">{}</span>', partner.name))
        if not offers:
            offers.append(format_html('<span class="small text-body-secondary ms-1">{}</span>',
                                      gettext("No partner offers this yet.")))
        items.append(format_html('<li class="mb-1"><span class="badge text-bg-warning">{}</span>{}</li>', label,
                                 mark_safe("".join(offers))))  # each piece escaped by format_html above
    return format_html('<ul class="list-unstyled mb-0">{}</ul>', mark_safe("".join(items)))


def _needed_kinds(row, user=None):
    return "、".join(label for _kind, label, _partners in row.items)


class OpenNeedTable(ServiceTable):
    """待对接需求: one row a visit whose needs no resource link has met yet (``services.needs``)."""

    empty_text = _("No open needs.")
    columns = [
        Col(_("visit date"), "visit.visited_on", link=lambda row: row.visit.get_absolute_url()),
        Col(_("client"), "visit.client.name"), Col(_("station"), "visit.station.short_name"),
        Col(_("kinds of help needed"), _needed_kinds, html=_needs_and_partners, user=True),
    ]


_REPORT_BADGE = {"approved": "text-bg-success", "reviewed": "text-bg-info", "submitted": "text-bg-primary",
                 "returned": "text-bg-danger"}  # a draft: text-bg-warning


def _report_cell(index):
    """The html reader of the grid's month ``index``: the report as a badge linking to it (its
    status; "late" when it came in after the 5th), "missing" once the month's deadline has passed,
    else a dash (the column's empty)."""
    def cell(row):
        report, late = row["cells"][index]
        if report is not None:
            status = report.get_status_display()
            label = f"{status} · {gettext('late')}" if report.on_time is False else status
            return format_html('<a href="{}" title="{}" class="badge text-decoration-none {}">{}</a>',
                               report.get_absolute_url(), status,
                               _REPORT_BADGE.get(report.status, "text-bg-warning"), label)
        if late:
            return format_html('<span class="badge text-bg-light border text-danger">{}</span>', gettext("missing"))
        return None
    return cell


class MonthlyReportGridTable(Table):
    """The monthly reports page's grid of the year: a row per station of the scope, a column per
    month that has begun and ended, each cell that month's report or what is missing. Rows are
    ``{"station_id", "station": its short name, "cells": [(report or None, missing and late)]}``; ``months`` in the
    table's context. Through the core's renderer: a city's 100 stations x 11 months through
    template nodes were most of the city viewer's page (make bench, crawl_worst_page)."""

    classes = "table-sm table-bordered text-center"
    exportable = False

    def get_columns(self):
        return [Col(_("Station"), itemgetter("station"), classes="text-start"),
                *[Col(str(month.month), html=_report_cell(index), export=False)
                  for index, month in enumerate(self.context["months"])]]
