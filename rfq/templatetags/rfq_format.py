"""Formatting of prices in RFQ pages."""
from decimal import Decimal, InvalidOperation

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def unit_price(value):
    """A unit price with 2 to 4 decimals, as many as it really has: 12,50 · 0,035 · 1 234,5678."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return value
    exponent = amount.normalize().as_tuple().exponent
    decimals = min(4, max(2, -exponent if isinstance(exponent, int) else 2))
    return floatformat(amount, f"{decimals}g")
