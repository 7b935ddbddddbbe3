"""The demo case as real records: the Russian president's February 2017 visit to Dushanbe.

The content is data, demo/content/dushanbe-2017.json (see SOURCE.md beside it): an Asia-Plus
report of early February 2017 (which also cites EurasiaNet), told in our own words. Each record is kept as the report knew it, with a citation graded by who
said it, except for the Dushanbe visit, which then moves through the status service to how it
actually went (27–28 Feb 2017).

In the file, fields are named as in the models, choices as stored, dates in ISO form beside
their precision, countries by alpha-3 code, other records by the "key" the file gives them
("comment" is for readers). "first_recorded" holds fields set only at creation; a record's
"status_history" is written through core.status, its first step the status it is created in.

Loading is idempotent. Every record has a natural key (NATURAL_KEYS), is created when missing,
saved only when a field differs from the demo content, and left alone otherwise, so a second
run writes nothing and bumps no version. Statuses and the dates a status change moves are set
only at creation: after that they belong to the record's status history, whose later steps
are applied only while the record still has the status of the step before.
"""

import datetime
import itertools
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from agreements.models import Agreement, AgreementParty
from core.dates import DatePrecision
from core.status import change_status, record_first_status
from directory.models import Citation, Country, Organisation, Person, PersonAlias, Position, Source
from trade.models import TradeClaim
from visits.models import AgendaItem, NegotiationTopic, Participant, TopicStance, Tour, Visit

CONTENT = Path(__file__).resolve().parent / "content" / "dushanbe-2017.json"

# The file's sections in loading order (trade claims come last, in _trade_claims).
SECTIONS = {
    "organisations": Organisation,
    "people": Person,
    "person_aliases": PersonAlias,
    "sources": Source,
    "tours": Tour,
    "visits": Visit,
    "topics": NegotiationTopic,
    "agenda_items": AgendaItem,
    "topic_stances": TopicStance,
    "agreements": Agreement,
}
NATURAL_KEYS: dict[type[models.Model], tuple[str, ...]] = {
    Organisation: ("external_id",),
    Person: ("external_id",),
    Position: ("person", "title"),
    PersonAlias: ("person", "name"),
    Source: ("external_id",),
    Citation: ("source", "content_type", "object_id", "field_name"),
    Tour: ("title",),
    Visit: ("external_source", "external_id"),
    Participant: ("visit", "person"),
    NegotiationTopic: ("slug",),
    AgendaItem: ("visit", "topic"),
    TopicStance: ("topic", "country", "as_of"),
    Agreement: ("external_source", "external_id"),
    AgreementParty: ("agreement", "country"),
    TradeClaim: ("reporter", "partner", "year", "month", "metric", "stated_by"),
}
# Fields always brought in line with the file, blank where it leaves them out.
DAY = DatePrecision.DAY
DEFAULTS: dict[type[models.Model], dict[str, Any]] = {
    Organisation: {"abbreviation": "", "url": "", "country": None, "parent": None},
    Position: {
        **dict.fromkeys(("organisation", "start_date", "end_date")),
        "start_precision": DAY,
        "end_precision": DAY,
    },
    Citation: {"field_name": "", "quote": "", "speaker": None, "reported_on": None, "note": ""},
}
# What an entry of the file holds besides its model's fields.
NOT_FIELDS = {"key", "comment", "first_recorded", "status_history", "citations", "parties", "positions", "participants"}

RecordCallback = Callable[[str, models.Model], None]
Refs = dict[type[models.Model], dict[Any, models.Model]]


class DemoLoad:
    """Reconciles records with the demo content and counts, per model, what it did."""

    CREATED, UPDATED, PRESENT = "created", "updated", "already present"

    def __init__(self, *, on_record: RecordCallback | None = None):
        self.tallies: dict[type[models.Model], Counter] = {}
        self.on_record = on_record

    def count(self, model: type[models.Model], outcome: str, record: models.Model) -> None:
        self.tallies.setdefault(model, Counter())[outcome] += 1
        if self.on_record:
            self.on_record(outcome, record)

    def summary(self) -> list[tuple[str, int, int, int]]:
        """(model name, created, updated, already present) per model, in loading order."""
        return [
            (str(model._meta.verbose_name_plural), tally[self.CREATED], tally[self.UPDATED], tally[self.PRESENT])
            for model, tally in self.tallies.items()
        ]

    def ensure(
        self,
        model: type[models.Model],
        lookup: dict[str, Any],
        values: dict[str, Any] | None = None,
        *,
        on_create: dict[str, Any] | None = None,
        m2m: dict[str, Iterable[models.Model]] | None = None,
    ) -> tuple[Any, bool]:
        """The record with this natural key, created or brought in line with `values`.

        `on_create` holds fields set only when the record is new. Returns (record, created).
        """
        values, m2m = values or {}, m2m or {}
        try:
            record = model.objects.get(**lookup)
        except model.DoesNotExist:
            record = model(**lookup, **values, **(on_create or {}))
            record.full_clean()
            record.save()
            for name, targets in m2m.items():
                getattr(record, name).set(targets)
            self.count(model, self.CREATED, record)
            return record, True

        changed = [name for name, wanted in values.items() if _differs(record, name, wanted)]
        if changed:
            for name in changed:
                setattr(record, name, values[name])
            record.full_clean()
            record.save(update_fields=changed)
        m2m_changed = [
            name
            for name, targets in m2m.items()
            if set(getattr(record, name).values_list("pk", flat=True)) != {target.pk for target in targets}
        ]
        for name in m2m_changed:
            getattr(record, name).set(m2m[name])
        self.count(model, self.UPDATED if changed or m2m_changed else self.PRESENT, record)
        return record, False


def _differs(record: models.Model, name: str, wanted: Any) -> bool:
    field = record._meta.get_field(name)
    if field.is_relation:
        # Compare keys, not instances: no query per foreign key.
        return getattr(record, field.attname) != (wanted.pk if wanted is not None else None)
    return getattr(record, name) != wanted


@transaction.atomic
def load_demo(*, on_record: RecordCallback | None = None) -> DemoLoad:
    """Load (or re-load) the demo case in one transaction; returns what was done per model."""
    data = json.loads(CONTENT.read_text(encoding="utf-8"))
    load = DemoLoad(on_record=on_record)
    refs: Refs = defaultdict(dict)
    refs[Country] = {code: Country.objects.get(pk=code) for code in data["countries"]}
    for section, model in SECTIONS.items():
        for entry in data[section]:
            _record(load, model, entry, refs)
    _trade_claims(load, data, refs)
    return load


def _trade_claims(load: DemoLoad, data: dict, refs: Refs) -> None:
    """The last step: the minister's figures."""
    for entry in data["trade_claims"]:
        _record(load, TradeClaim, entry, refs)


def _value(model: type[models.Model], name: str, value: Any, refs: Refs) -> Any:
    """A value of the file as the model's field takes it: a record for a key, a date, a decimal."""
    field = model._meta.get_field(name)
    if value is None:
        return None
    if field.many_to_many:
        return [refs[field.related_model][key] for key in value]
    if field.is_relation:
        return refs[field.related_model][value]
    if isinstance(field, models.DateField):
        return datetime.date.fromisoformat(value)
    if isinstance(field, models.DecimalField):
        return Decimal(value)
    return value


def _record(load: DemoLoad, model: type[models.Model], entry: dict, refs: Refs, **parent) -> models.Model:
    """Ensure the record an entry of the file describes, then its parties, citations, history, posts."""
    values = {name: _value(model, name, value, refs) for name, value in entry.items() if name not in NOT_FIELDS}
    values = {**DEFAULTS.get(model, {}), **values, **parent}
    lookup = {name: values.pop(name) for name in NATURAL_KEYS[model]}
    m2m = {name: values.pop(name) for name in list(values) if model._meta.get_field(name).many_to_many}
    on_create = {name: _value(model, name, value, refs) for name, value in entry.get("first_recorded", {}).items()}
    if "status_history" in entry:
        on_create["status"] = entry["status_history"][0]["status"]
    record, created = load.ensure(model, lookup, values, on_create=on_create, m2m=m2m)
    if "key" in entry:
        refs[model][entry["key"]] = record
    for code in entry.get("parties", []):
        _record(load, AgreementParty, {"country": code}, refs, agreement=record)
    for citation in entry.get("citations", []):
        about = {"content_type": ContentType.objects.get_for_model(record), "object_id": str(record.pk)}
        _record(load, Citation, citation, refs, **about)
    if "status_history" in entry:
        _status_history(load, record, created, entry["status_history"], refs)
    for position in entry.get("positions", []):
        _record(load, Position, position, refs, person=record)
    for participant in entry.get("participants", []):
        _record(load, Participant, participant, refs, visit=record)
    return record


def _status_history(load: DemoLoad, record: Any, created: bool, steps: list[dict], refs: Refs) -> None:
    """A record's history rows, through core.status only; rows already there are counted as present."""
    history = type(record).status_changes.rel.related_model

    def step_args(step: dict) -> dict[str, Any]:
        citation = refs[Citation][step["citation"]] if step.get("citation") else None
        on, precision, note = datetime.date.fromisoformat(step["on"]), step["precision"], step.get("note", "")
        return {"on": on, "precision": precision, "user": None, "note": note, "citation": citation}

    if created:
        load.count(history, DemoLoad.CREATED, record_first_status(record, **step_args(steps[0])))
    else:
        load.count(history, DemoLoad.PRESENT, record.status_changes.first())
    for previous, step in itertools.pairwise(steps):
        if record.status != previous["status"]:
            load.count(history, DemoLoad.PRESENT, record.status_changes.last())
            continue
        # A visit's new dates: new_start_date, new_end_date (and their precisions).
        changes = {name: value for name, value in step.items() if name.startswith("new_")}
        changes = {name: datetime.date.fromisoformat(v) if name.endswith("_date") else v for name, v in changes.items()}
        change = change_status(record, to_status=step["status"], **step_args(step), **changes)
        load.count(history, DemoLoad.CREATED, change)
