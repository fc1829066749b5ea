"""The journal's lists (``portal.tables``): the archive of issues and the station highlights."""

from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.tables import DETAIL, Col, Table

from .choices import IssueStatus

STATUS_COLOURS = {IssueStatus.DRAFT: "warning", IssueStatus.PUBLISHED: "success", IssueStatus.SUPERSEDED: "secondary"}


def _status(issue):
    return format_html('<span class="badge text-bg-{}">{}</span>', STATUS_COLOURS[issue.status],
                       issue.get_status_display())


class IssueTable(Table):
    empty_text = _("No issues yet.")
    columns = [
        Col(_("No."), lambda issue: f"总第{issue.number}期", fields=("number",), export="number", width=10),
        Col(_("title"), "title", link=DETAIL, classes="wrap", fields=("title",), width=40),
        Col(_("month"), "month_code", fields=("month",), width=10),
        Col(_("version"), "version", end=True, fields=("version",), width=8),
        Col(_("status"), html=_status, fields=("status",), export="get_status_display"),
        Col(_("published at"), "published_at", phone=False, fields=("published_at",), width=18),
    ]


class HighlightTable(Table):
    empty_text = _("No highlights match.")
    columns = [
        Col(_("issue"), "issue.title", phone=False, fields=("issue__title",), width=40),
        Col(_("station"), "station.short_name", fields=("station__short_name",)),
        Col(_("title"), lambda h: h.title or "—", link=DETAIL, classes="wrap", fields=("title",), export="title",
            width=30),
        Col(_("date"), "held_on", phone=False, fields=("held_on",)),
        Col(_("in the issue"), lambda h: "✓" if h.included else "", fields=("included",), width=8),
    ]
