"""Template filters for account pages and mails."""

from django import template

from idnumbers.numbers import mask_number

register = template.Library()


@register.filter
def masked(number: str | None) -> str:
    """Render a CCCD/CMND masked (0790******12) where the full number is not needed."""
    return mask_number(number or "")
