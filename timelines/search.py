"""Search over the records: each word the start of a word in a record, on both backends.

PostgreSQL answers with full-text search (a word is a prefix of a lexeme), SQLite with a
regular expression anchored at a word boundary; either way "xi" finds "Xi Jinping" and not
"Mexico".
"""

import re

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from agreements.models import Agreement
from directory.models import Country, Person, PersonAlias, Source
from visits.models import NegotiationTopic, Visit
from visits.selectors import VISIT_RELATIONS

SEARCH_WORDS = 8


def search_words(text: str) -> list[str]:
    return re.findall(r"\w+", text)[:SEARCH_WORDS]


def word_start(field: str, word: str) -> Q:
    """`field` has a word that begins with `word`, in any case (SQLite's search).

    Python's regular expressions (Django's REGEXP on SQLite) know Unicode word characters, so
    "Душанбе" and "Jinping" are words alike; a substring match would find "xi" in "Mexico".
    """
    return Q(**{f"{field}__iregex": rf"(^|\W){re.escape(word)}"})


def fulltext(queryset, words: list[str], fields: list[str], *, also=None):
    """Rows in which every word starts a word of one of the fields, best first.

    PostgreSQL: full-text search with the 'simple' configuration (names are not English),
    each word a prefix of a lexeme, ranked by SearchRank with the first field weighted
    highest. SQLite: every word at the start of a word in one of the fields (word_start),
    by primary key. `also` is an extra condition that also matches (a person's aliases).
    """
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        query = SearchQuery(" & ".join(f"{word}:*" for word in words), search_type="raw", config="simple")
        vector = SearchVector(fields[0], weight="A", config="simple")
        for field in fields[1:]:
            vector += SearchVector(field, weight="B", config="simple")
        matches = Q(_search=query) if also is None else Q(_search=query) | also(query)
        return queryset.annotate(_search=vector, rank=SearchRank(vector, query)).filter(matches).order_by("-rank", "pk")
    condition = Q()
    for word in words:
        condition &= Q(*[word_start(field, word) for field in fields], _connector=Q.OR)
    if also is not None:
        condition |= also(words)
    return queryset.filter(condition).order_by("pk")


def alias_match(query_or_words):
    aliases = PersonAlias.objects.filter(person=OuterRef("pk"))
    if isinstance(query_or_words, SearchQuery):
        aliases = aliases.annotate(_search=SearchVector("name", config="simple")).filter(_search=query_or_words)
    else:
        for word in query_or_words:
            aliases = aliases.filter(word_start("name", word))
    return Q(Exists(aliases))


# Each section: permission, queryset, fields searched (first weighs most), how a row shows.
SEARCH_SECTIONS = {
    "people": (
        "directory.view_person",
        lambda: Person.objects.select_related("country"),
        ["name", "sort_name"],
        alias_match,
        lambda p: (p.name, p.country.name if p.country_id else "", reverse("person", args=[p.pk])),
    ),
    "countries": (
        "directory.view_country",
        lambda: Country.objects.exclude(kind=Country.Kind.AGGREGATE),
        ["name", "official_name", "alpha3"],
        None,
        lambda c: (c.name, c.alpha3 + (" (former state)" if c.is_historical else ""), reverse("country", args=[c.pk])),
    ),
    "visits": (
        "visits.view_visit",
        lambda: Visit.objects.select_related(*VISIT_RELATIONS),
        ["visitor__name", "locale", "summary", "visitor_country__name", "host_country__name"],
        None,
        lambda v: (str(v), v.get_status_display(), reverse("visit", args=[v.pk])),
    ),
    "agreements": (
        "agreements.view_agreement",
        lambda: Agreement.objects.all(),
        ["title", "summary"],
        None,
        lambda a: (a.title, a.get_status_display(), reverse("agreement", args=[a.pk])),
    ),
    "topics": (
        "visits.view_negotiationtopic",
        lambda: NegotiationTopic.objects.all(),
        ["title", "description"],
        None,
        lambda t: (t.title, t.get_status_display(), reverse("topic", args=[t.slug])),
    ),
    "sources": (
        "directory.view_source",
        lambda: Source.objects.select_related("outlet"),
        ["title", "outlet__name"],
        None,
        lambda s: (s.title, s.outlet.name if s.outlet_id else s.get_kind_display(), s.url or None),
    ),
}


SECTION_LABELS = {
    "people": "People",
    "countries": "Countries",
    "visits": "Visits",
    "agreements": "Agreements",
    "topics": "Topics",
    "sources": "Sources",
}


PREVIEW = 5
