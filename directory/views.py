"""The directory's own pages: the country list.

Pages that show a country with its visits, trade and timeline are in timelines/pages/;
the reads other apps' pages share (citations, country pickers) are in directory/selectors.py.
"""

from core.pages import page_view, paginate, render_page
from directory.models import Country


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
