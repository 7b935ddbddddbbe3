"""Directory pages, and the directory reads other apps' pages share (citations, country pickers).

Pages that show a country with its visits, trade and timeline are in timelines/views.py:
directory depends on no other app.
"""

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from chancery.pages import page_view, paginate, render_page
from directory.models import Citation, Country


def citations_of(*records: Model) -> QuerySet:
    """The citations of these records (of one model), with their sources, best-graded first in time order.

    One query; the content type comes from Django's per-process cache.
    """
    if not records:
        return Citation.objects.none()
    content_type = ContentType.objects.get_for_model(records[0])
    return (
        Citation.objects.filter(content_type=content_type, object_id__in=[str(record.pk) for record in records])
        .select_related("source__outlet", "speaker")
        .order_by("reported_on", "id")
    )


def country_choices(*, world: bool = False, historical: bool = True) -> list[tuple[str, str]]:
    """(alpha-3, 'Name (ABC)') for a <select>, in one query; World first when asked for."""
    kinds = [Country.Kind.STATE] + ([Country.Kind.HISTORICAL] if historical else [])
    rows = Country.objects.filter(kind__in=kinds + ([Country.Kind.AGGREGATE] if world else [])).values_list(
        "alpha3", "name", "kind"
    )
    aggregates = [(code, name) for code, name, kind in rows if kind == Country.Kind.AGGREGATE and code == Country.WORLD]
    return aggregates + [
        (code, f"{name} ({code})" if kind == Country.Kind.STATE else f"{name} ({code}, former)")
        for code, name, kind in rows
        if kind != Country.Kind.AGGREGATE
    ]


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


@page_view("directory.view_country")
def country_list(request):
    """Every state, current and former, a page at a time; each links to its country page."""
    countries = Country.objects.exclude(kind=Country.Kind.AGGREGATE).only("alpha3", "name", "kind", "withdrawn_on")
    query = request.GET.get("q", "").strip()[:100]
    if query:
        countries = countries.filter(name__icontains=query) | countries.filter(alpha3__iexact=query)
    page = paginate(request, countries.order_by("name"), per_page=60)
    return render_page(
        request,
        "directory/country_list.html",
        {"page": page, "query": query},
        fragments={"country-results": "directory/_country_results.html"},
    )
