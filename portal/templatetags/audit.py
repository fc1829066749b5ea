"""``{% load audit %}{% record_history object %}``: the audit history card of a detail page."""

from django import template

from ..history import history_entries

register = template.Library()


@register.inclusion_tag("portal/record_history.html")
def record_history(obj, limit=50):
    return {"entries": history_entries(obj, limit=limit), "limit": limit, "object": obj}
