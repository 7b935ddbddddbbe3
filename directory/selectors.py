"""Reads of the directory that other apps use: a record's citations, country pickers, the names
news intake matches in reports."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from directory.models import Citation, Country, Person, PersonAlias, Position


def citations_of(*records: Model) -> QuerySet:
    """The citations of these records (of one model), with their sources, best-graded first in time order.

    One query; the content type comes from Django's per-process cache.
    """
    if not records:
        return Citation.objects.none()
    content_type = ContentType.objects.get_for_model(records[0])
    return (
        Citation.objects.filter(content_type=content_type, object_id__in=[str(record.pk) for record in records])
        .select_related("source__outlet", "speaker", "speaker_organisation")
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


def names_for_matching() -> dict[str, list[tuple]]:
    """The directory's names as plain rows, for a matcher of names in text (intake): people
    (id, name), aliases (person id, person's name, alias), countries (alpha-3, name, official
    name), and posts held for a country (person id, name, title, alpha-3, start, end)."""
    return {
        "people": list(Person.objects.values_list("id", "name")),
        "aliases": list(PersonAlias.objects.values_list("person_id", "person__name", "name")),
        "countries": list(Country.objects.values_list("alpha3", "name", "official_name")),
        "posts": list(
            Position.objects.filter(country__isnull=False).values_list(
                "person_id", "person__name", "title", "country_id", "start_date", "end_date"
            )
        ),
    }
