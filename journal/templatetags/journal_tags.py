from django import template
from django.utils.safestring import mark_safe

from ..richtext import sanitise

register = template.Library()


@register.filter
def rich(text):
    """The journal's rich text, sanitised again as it is shown (it was on save): paragraphs,
    bold and lists only."""
    return mark_safe(sanitise(text))  # noqa: S308 (sanitised by nh3 just above)
