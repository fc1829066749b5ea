"""``{% load audit %}{% record_history object %}``: the audit history card of a detail page."""

from django import template

from ..history import history_entries

register = template.Library()


@register.inclusion_tag("stations/record_history.html")
def record_history(obj, limit=50):
    return {"entries": history_entries(obj, limit=limit), "limit": limit, "object": obj}


@register.filter
def role_label(code):
    """An access-log entry's role code as the role's name (``social_worker`` → 社工)."""
    from django.utils.translation import gettext as _

    from ..choices import Role

    if code == "superuser":
        return _("Superuser")
    try:
        return Role(code).label
    except ValueError:
        return code or "—"


@register.filter
def result_label(code):
    from django.utils.translation import gettext as _

    return {"ok": _("OK"), "failed": _("Failed"), "denied": _("Denied")}.get(code, code)
