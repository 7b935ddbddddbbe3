"""Forms the content apps' list pages share."""

from django import forms

from directory.selectors import country_choices


class ListFilterForm(forms.Form):
    """A list page's filters, with a country to choose among all of them.

    Each field's value narrows the list through the lookup `lookups` gives it, or through the
    form's `filter_<field>(queryset, value)` method when it needs more; an empty field is
    not applied.
    """

    lookups: dict[str, str] = {}
    country = forms.ChoiceField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "Any country")] + country_choices()

    def filter(self, queryset):
        for name, value in self.cleaned_data.items():
            if value in (None, "", [], False):
                continue
            method = getattr(self, f"filter_{name}", None)
            queryset = method(queryset, value) if method else queryset.filter(**{self.lookups[name]: value})
        return queryset
