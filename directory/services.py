"""Writes with side effects for the directory: sources and the citations that tie them to records."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.dates import DatePrecision
from core.values import validate_text
from directory.models import Citation, Country, Organisation, Person, Position, Source

# A new organisation's kind from its name, for bodies created from a report ("the Ministry of
# Economic Development", "the presidential press service"); an editor can correct it later.
_KIND_WORDS = (
    ("statistic", Organisation.Kind.STATISTICS_OFFICE),
    ("ministry", Organisation.Kind.MINISTRY),
    ("president", Organisation.Kind.HEAD_OF_STATE_OFFICE),
    ("kremlin", Organisation.Kind.HEAD_OF_STATE_OFFICE),
    ("government", Organisation.Kind.GOVERNMENT),
    ("commission", Organisation.Kind.COMMISSION),
    ("news", Organisation.Kind.NEWS_OUTLET),
    ("agency", Organisation.Kind.NEWS_OUTLET),
)


@transaction.atomic
def add_source(
    *,
    title: str,
    kind: str,
    url: str = "",
    published_on: datetime.date | None = None,
    published_precision: str = DatePrecision.DAY,
    outlet: Organisation | None = None,
    language: str = "",
) -> Source:
    source = Source(
        title=title,
        kind=kind,
        url=url,
        published_on=DatePrecision(published_precision).truncate(published_on) if published_on else None,
        published_precision=published_precision,
        outlet=outlet,
        language=language,
    )
    source.full_clean()
    source.save()
    return source


def guess_organisation_kind(name: str, default: str = Organisation.Kind.OTHER) -> str:
    lowered = name.lower()
    return next((kind for word, kind in _KIND_WORDS if word in lowered), default)


@transaction.atomic
def add_organisation(*, name: str, kind: str = "", country: Country | None = None) -> Organisation:
    """A new organisation; its kind is guessed from the name when not given."""
    organisation = Organisation(
        name=" ".join(name.split()), kind=kind or guess_organisation_kind(name), country=country
    )
    organisation.full_clean()
    organisation.save()
    return organisation


def find_or_add_organisation(*, name: str, kind: str) -> Organisation:
    """The organisation of that name (ignoring case; the oldest of namesakes), or a new one of `kind`."""
    name = " ".join(name.split())
    found = Organisation.objects.filter(name__iexact=name).order_by("pk").first()
    return found or add_organisation(name=name, kind=kind)


@transaction.atomic
def add_person(
    *,
    name: str,
    country: Country | None = None,
    post: str = "",
) -> Person:
    """A new person and, when given, the post a report names them by ("Minister of Economic
    Development"). The post's start is left unknown: the report shows it held, not since when."""
    person = Person(name=" ".join(name.split()), country=country)
    person.full_clean()
    person.save()
    if post:
        add_position(person=person, title=post, country=country)
    return person


def add_position(*, person: Person, title: str, country: Country | None = None) -> Position:
    """A post the person holds, as a report names it; since and until when left unknown."""
    position = Position(person=person, title=title, country=country)
    position.full_clean()
    position.save()
    return position


@transaction.atomic
def cite(
    record,
    *,
    source: Source,
    reliability: str,
    field_name: str = "",
    quote: str = "",
    stance: str = Citation.Stance.REPORTS,
    reported_on: datetime.date | None = None,
    reported_precision: str = DatePrecision.DAY,
    speaker: Person | None = None,
    speaker_organisation: Organisation | None = None,
) -> Citation:
    """Attach a source to `record` (or to one of its fields). A new source on a record is an
    edit of it: the record's version moves, so an edit made before it is recognised as stale."""
    citation = Citation(
        source=source,
        content_type=ContentType.objects.get_for_model(record),
        object_id=str(record.pk),
        field_name=field_name,
        quote=quote,
        reliability=reliability,
        stance=stance,
        reported_on=reported_on,
        reported_precision=reported_precision,
        speaker=speaker,
        speaker_organisation=speaker_organisation,
    )
    citation.full_clean()
    citation.save()
    record.save(update_fields=["updated_at"])
    return citation


@transaction.atomic
def resolve_conflict(*, citations: list[Citation], standing: Citation | None, note: str, user) -> None:
    """Close a conflict: `standing` prevails and the others give way, or (None) both stand with a note."""
    if standing is not None and standing.pk not in {c.pk for c in citations}:
        raise ValueError("the claim that stands must be one of the conflicting citations")
    if standing is None and not note.strip():
        raise ValidationError({"note": "Say why both claims are kept."})
    try:
        validate_text(note)
    except ValidationError as error:
        raise ValidationError({"note": error.messages}) from error
    now = timezone.now()
    for citation in Citation.objects.select_for_update().filter(pk__in=[c.pk for c in citations]):
        citation.resolved_at = now
        citation.resolved_by = user
        citation.resolution_note = note
        citation.prevails = None if standing is None else citation.pk == standing.pk
        citation._history_user = user
        citation.save()
