import datetime

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def cell(row, column):
    """The value of an export ``Column`` for a row, shown as the list page shows it."""
    value = column.value(row)
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.datetime):
        return formats.date_format(value, "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
