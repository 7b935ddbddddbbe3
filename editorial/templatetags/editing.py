from django import template
from django.utils.http import urlencode

from editorial.editing import blank_forms
from editorial.entry import entry_forms, recent_sources

register = template.Library()


@register.inclusion_tag("editing/panel.html", takes_context=True)
def editor_panel(context, record):
    """The editor's forms for a record, for users who may change it; nothing for others.

    A form the user just sent with errors (set on the request by the editing view) replaces
    its blank one, so the errors show where the form is.
    """
    request = context["request"]
    forms = blank_forms(record, request.user)
    if forms:
        # Also a form no longer offered (a status that has just become final): its errors must show.
        forms.update(getattr(request, "editing_forms", {}))
    return {
        "request": request,
        "record": record,
        "kind": record._meta.model_name,
        "forms": forms,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def history_kind(record) -> str:
    return {"negotiationtopic": "topic"}.get(record._meta.model_name, record._meta.model_name)


@register.inclusion_tag("editing/entry_panel.html", takes_context=True)
def source_entry_panel(context, source):
    """The forms to enter a report's facts from its source's page, for editors; nothing for others."""
    request = context["request"]
    return {**entry_forms(request, source), "source": source, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("editing/entry_links.html", takes_context=True)
def entry_links(context, *, visit=None, pair: str = ""):
    """'Enter a report' on a pair or visit page: a new source, or one already entered, opened
    with the page's countries (and visit) filled in. Nothing for users who may not enter."""
    request = context["request"]
    if not request.user.has_perms(["directory.add_source", "directory.add_citation"]):
        return {}
    query = {"visit": visit.pk} if visit is not None else {"pair": pair}
    return {"query": urlencode(query), "sources": recent_sources(), "request": request}
