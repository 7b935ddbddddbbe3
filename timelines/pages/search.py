"""The search page: people, visits, agreements, topics and sources matching a few words."""

from core.pages import page_view, paginate, render_page
from timelines.search import PREVIEW, SEARCH_SECTIONS, SECTION_LABELS, fulltext, search_words


@page_view("directory.view_person")
def search(request):
    """One box across people, countries, visits, agreements, topics and sources.

    Without `type`, the best five of each kind (one query each); with it, that kind alone,
    paginated.
    """
    text = request.GET.get("q", "").strip()[:200]
    words = search_words(text)
    only = request.GET.get("type", "")
    sections = []
    for name, (permission, rows, fields, also, show) in SEARCH_SECTIONS.items():
        if not words or (only and only != name) or not request.user.has_perm(permission):
            continue
        found = fulltext(rows(), words, fields, also=also)
        if only:
            page = paginate(request, found)
            sections.append(
                {"name": name, "label": SECTION_LABELS[name], "results": [show(row) for row in page], "page": page}
            )
        else:
            preview = list(found[: PREVIEW + 1])
            sections.append(
                {
                    "name": name,
                    "label": SECTION_LABELS[name],
                    "results": [show(row) for row in preview[:PREVIEW]],
                    "more": len(preview) > PREVIEW,
                }
            )
    return render_page(
        request,
        "timelines/search.html",
        {"q": text, "only": only, "sections": sections, "searched": bool(words), "labels": SECTION_LABELS},
        fragments={"search-results": "timelines/_search_results.html"},
    )
