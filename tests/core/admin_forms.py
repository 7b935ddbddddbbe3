"""Turn an admin change page into the POST data its form would send, as a browser would."""


def _put(data, name, value):
    if value is None or value is False:
        return
    if value is True:
        data[name] = "on"
    elif isinstance(value, (list, tuple)):
        data[name] = [str(v) for v in value]
    else:
        data[name] = str(value)


def page_form(response):
    """The page's admin form: a change page's, or a custom admin view's `form`."""
    context = response.context
    return context["adminform"].form if "adminform" in context else context["form"]


def admin_form_data(response) -> dict:
    """The POST data of the page's admin form (page_form) and its inlines."""
    data = {}
    context = response.context
    form = page_form(response)
    for name in form.fields:
        _put(data, form.add_prefix(name), form[name].value())
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            _put(data, management.add_prefix(name), management[name].value())
        for inline_form in formset.forms:
            for name in inline_form.fields:
                _put(data, inline_form.add_prefix(name), inline_form[name].value())
    return data
