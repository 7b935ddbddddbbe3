"""The review queue's intake sections, for the queue's template (editorial renders the queue
and cannot import intake, which sits above it: the template loads these tags)."""

from django import template

from intake.selectors import conflicting_proposals, reports_waiting

register = template.Library()


@register.inclusion_tag("intake/_review_queue.html")
def intake_review():
    return {"conflicts": conflicting_proposals(), "waiting": list(reports_waiting())}
