"""The access log's table (``portal.tables``): the page and its ``?export=xlsx``."""

from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from portal.tables import Col, Table

from .templatetags.access_log import result_label, role_label


def _record(entry):
    return format_html('{} <span class="text-body-secondary small">{} {}</span>', entry.object_repr,
                       entry.object_type, entry.object_id)


def _result_badge(entry):
    colour = "success" if entry.result == "ok" else "danger"
    return format_html('<span class="badge text-bg-{}">{}</span>', colour, result_label(entry.result))


class AccessLogTable(Table):
    classes = "table-sm"
    empty_text = _("No entries match.")
    columns = [
        Col(_("Time"), lambda e: date_format(localtime(e.at), "Y-m-d H:i:s") if e.at else None, export="at",
            export_header=_("time"), width=20),
        Col(_("User"), "username", export_header=_("username")),
        Col(_("Role"), lambda e: role_label(e.role), export="role", export_header=_("role")),
        Col(_("Action"), "get_action_display", export_header=_("action")),
        Col(_("record type"), "object_type", page=False, width=18), Col(_("record"), "object_id", page=False),
        Col(_("description"), "object_repr", page=False, width=40),
        Col(_("Record"), html=_record, classes="wrap", export=False),
        Col(_("Result"), "result", html=_result_badge, export_header=_("result")),
        Col(_("IP address"), "ip", empty=""),
    ]


def _notice(notification):
    weight = "fw-semibold" if notification.read_at is None else ""
    return format_html('<a href="{}" class="{}">{}</a>', reverse("accounts:notification_open", args=[notification.pk]),
                       weight, notification.title)


class NotificationTable(Table):
    empty_text = _("No notifications.")
    columns = [
        Col(_("Time"), lambda n: date_format(localtime(n.created_at), "Y-m-d H:i"), export="created_at",
            export_header=_("time"), classes="text-nowrap", width=18),
        Col(_("Kind"), "get_kind_display", phone=False, export_header=_("kind"), width=20),
        Col(_("Notice"), "title", html=_notice, export_header=_("notice"), width=50),
        Col(_("Read at"), lambda n: date_format(localtime(n.read_at), "Y-m-d H:i") if n.read_at else None,
            export="read_at", export_header=_("read at"), phone=False, empty="", width=18),
    ]
