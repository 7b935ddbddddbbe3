from django import template

from editorial.editing import blank_forms

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
