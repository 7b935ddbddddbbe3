"""What every builder returns: the entry a record should produce, as plain values."""

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from timelines.models import TimelineEntry

TITLE_LENGTH = TimelineEntry._meta.get_field("title").max_length
SUMMARY_LENGTH = 1000  # a timeline shows a short summary; the record keeps the full text


@dataclass(frozen=True)
class EntrySpec:
    """One timeline entry as the records say it should be.

    The refresh compares these with the stored rows field by field (SCALAR_FIELDS plus the
    person and topic sets) and writes only the differences.
    """

    key: str
    unit: str
    kind: str
    date: datetime.date
    precision: str
    title: str
    content_type_id: int
    object_id: str
    source_updated_at: datetime.datetime
    source_version: int = 1
    summary: str = ""
    end_date: datetime.date | None = None
    country_a_id: str | None = None
    country_b_id: str | None = None
    agreement_id: int | None = None
    person_ids: frozenset[int] = field(default_factory=frozenset)
    topic_ids: frozenset[int] = field(default_factory=frozenset)

    def scalar_values(self) -> dict:
        return {name: getattr(self, name) for name in SCALAR_FIELDS}


SCALAR_FIELDS = (
    "key",
    "unit",
    "kind",
    "date",
    "precision",
    "end_date",
    "title",
    "summary",
    "country_a_id",
    "country_b_id",
    "agreement_id",
    "content_type_id",
    "object_id",
    "source_updated_at",
    "source_version",
)


def ordered_pair(first: str | None, second: str | None) -> tuple[str | None, str | None]:
    """The (country_a, country_b) columns: alphabetical when both are known, else the one that is."""
    known = sorted({code for code in (first, second) if code})
    if len(known) == 2:
        return known[0], known[1]
    return (known[0], None) if known else (None, None)


def pair_of(countries: set[str] | list[str]) -> tuple[str | None, str | None]:
    """The pair for a record with a set of countries: both of two, the one of one, none of more."""
    known = sorted(set(countries))
    if len(known) == 2:
        return known[0], known[1]
    return (known[0], None) if len(known) == 1 else (None, None)


def clip(text: str, length: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def title(text: str) -> str:
    return clip(text, TITLE_LENGTH)


def summary(text: str) -> str:
    return clip(text, SUMMARY_LENGTH)


def content_type_id(model: type[Model]) -> int:
    return ContentType.objects.get_for_model(model).id


def lower_first(text: str) -> str:
    """'Official visit' -> 'official visit', for use mid-sentence; 'TJK–RUS' stays as it is."""
    if len(text) > 1 and text[1].islower():
        return text[:1].lower() + text[1:]
    return text
