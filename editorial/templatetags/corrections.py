"""The "Correct" form on each row of a record's status history (editorial.corrections)."""

from django import template

from editorial.corrections import correction_forms

register = template.Library()


@register.simple_tag(takes_context=True)
def status_rows(context, changes, citations=None) -> list:
    """(row, form or None) for each status row; `citations`: the record's, as the page read them."""
    # A page that gives no citations leaves the variable empty: the forms read them themselves.
    return correction_forms(context["request"], list(changes), None if citations in ("", None) else citations)
