"""The risk and next-visit badges of client rows, written in Python: as included templates they
cost ~0.4 ms a row, most of a client list's rendering time."""

from django import template
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from portal.html import text

from .. import privacy
from ..models import CategoryMembership

register = template.Library()

RISK_CLASSES = {"high": "danger", "medium": "warning"}


@register.simple_tag
def risk_badge(level, label):
    if not level:
        return "—"
    return format_html('<span class="badge text-bg-{}">{}</span>', RISK_CLASSES.get(level, "success"), label)


@register.simple_tag
def due_badge(client):
    state = client.due_state
    if state == "closed":
        return format_html('<span class="badge text-bg-secondary">{}</span>', client.get_status_display())
    due = client.next_visit_due
    if not due:
        return "—"
    day = date_format(due, "Y-m-d")
    if state == "overdue":
        return format_html('<span class="badge text-bg-danger"><i class="bi bi-exclamation-circle"></i> {}</span>', day)
    if state == "soon":
        return format_html('<span class="badge text-bg-warning">{}</span>', day)
    return format_html('<span class="text-body-secondary">{}</span>', day)


@register.simple_tag(takes_context=True)
def client_rows(context, clients, empty_text):
    """The rows of the client registry's table (masked ID, the phone as the user may see it,
    today's categories, risk and next-visit badges), written in Python: ~0.4 ms a row as a
    template loop. tests/clients/test_search_scale.py checks it against the template markup."""
    user = context["user"]
    years = gettext("y")
    labels = dict(CategoryMembership._meta.get_field("category").flatchoices)
    rows = []
    for client in clients:
        age = client.age
        station = text(client.station.short_name)
        categories = "".join(
            f'<span class="badge text-bg-light border">{text(labels.get(m.category, m.category))}</span> '
            for m in client.current_categories) or "—"
        phone = privacy.phone_for(user, client.phone) or "—"
        rows.append(
            f'<tr>\n      <td class="text-nowrap"><a href="{text(client.get_absolute_url())}" class="fw-semibold">'
            f'{text(client.name)}</a>\n        <div class="small text-body-secondary d-md-none">{station} · '
            f'{age}{text(years)}</div></td>\n'
            f'      <td class="text-nowrap font-monospace small">{text(privacy.mask_id(client.id_number))}</td>\n'
            f'      <td class="d-none d-md-table-cell">{age}</td>\n'
            f'      <td>{categories}</td>\n'
            f'      <td class="d-none d-md-table-cell text-nowrap">{station}</td>\n'
            f'      <td class="d-none d-lg-table-cell text-nowrap">{text(phone)}</td>\n'
            f'      <td>{risk_badge(client.risk_level, client.get_risk_level_display())}</td>\n'
            f'      <td class="text-nowrap">{due_badge(client)}</td>\n    </tr>')
    if not rows:
        return format_html('<tr><td colspan="8" class="text-center text-body-secondary py-4">{}</td></tr>', empty_text)
    return mark_safe("\n".join(rows))
