"""The risk and next-visit badges of client rows, written in Python: as included templates they
cost ~0.4 ms a row, most of a client list's rendering time. ``clients.tables`` writes them into
the lists' tables."""

from django import template
from django.utils.safestring import mark_safe

from portal.html import text

register = template.Library()

RISK_CLASSES = {"high": "danger", "medium": "warning"}


@register.simple_tag
def risk_badge(level, label):
    if not level:
        return "—"
    return mark_safe(f'<span class="badge text-bg-{RISK_CLASSES.get(level, "success")}">{text(label)}</span>')


@register.simple_tag
def due_badge(client):
    """The next visit's date, red when overdue, amber within 7 days (``Client.due_state``); the
    status for a closed client. f-strings (``portal.html``): the date is digits and dashes."""
    state = client.due_state
    if state == "closed":
        return mark_safe(f'<span class="badge text-bg-secondary">{text(client.get_status_display())}</span>')
    due = client.next_visit_due
    if not due:
        return "—"
    day = due.isoformat()  # Y-m-d (dateformat's parser took a third of the badge's time)
    if state == "overdue":
        return mark_safe(f'<span class="badge text-bg-danger"><i class="bi bi-exclamation-circle"></i> {day}</span>')
    if state == "soon":
        return mark_safe(f'<span class="badge text-bg-warning">{day}</span>')
    return mark_safe(f'<span class="text-body-secondary">{day}</span>')
