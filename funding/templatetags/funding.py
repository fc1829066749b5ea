from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def yuan(value):
    """An amount in yuan with thousands separators and two decimals: 1,200,000.00."""
    try:
        return f"{Decimal(value):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return "—"
