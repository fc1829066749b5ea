"""``{% load access_log %}``: the access log's role and result codes as words."""

from django import template

register = template.Library()


@register.filter
def role_label(code):
    """An access-log entry's role code as the role's name (``social_worker`` → 社工)."""
    from django.utils.translation import gettext as _

    from stations.choices import Role

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
