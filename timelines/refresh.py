"""Make the stored entries of some units match what their records say.

`refresh_units` is the one write path into TimelineEntry: incremental refreshes, the
reconciliation batches and the outbox all come through it. It is safe to run any number of
times, in any order, concurrently:

* it recomputes from the committed records, never from a task's arguments (tasks carry unit
  names only), so a task that runs late or twice reads the same truth as any other;
* it writes only what differs, so a second run writes nothing;
* on PostgreSQL it takes a transaction-scoped advisory lock per unit (hashed into a fixed
  number of buckets, in bucket order, so two refreshes cannot deadlock on each other) before
  reading, so two refreshes of one unit run one after the other and the later one reads
  everything the earlier one did not see. SQLite allows one writer at a time anyway.
"""

import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from psycopg2.extras import execute_values

from timelines import units as unit_names
from timelines.builders import SCALAR_FIELDS, EntrySpec, build_entries
from timelines.models import TimelineEntry

LOCK_NAMESPACE = 0x544C  # "TL": the first key of pg_advisory_xact_lock(int, int), ours alone
LOCK_BUCKETS = 1024  # at most this many locks a transaction (PostgreSQL's lock table is finite)
QUERY_CHUNK = 2000  # ids per IN (...) list

PersonLink = TimelineEntry.persons.through
TopicLink = TimelineEntry.topics.through


@dataclass
class Change:
    """One entry the refresh created, updated or deleted; kept for reconciliation reports."""

    key: str
    action: str  # TimelineRepair.Action values
    fields: list[str] = field(default_factory=list)
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)


@dataclass
class RefreshOutcome:
    units: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    changes: list[Change] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


def refresh_units(units: Iterable[str], *, keep_changes: bool = False) -> RefreshOutcome:
    """Recompute the entries of these units (direct or indirect names) and store the differences.

    With `keep_changes`, every difference is described in the outcome (reconciliation
    records them as repairs).
    """
    outcome = RefreshOutcome()
    with transaction.atomic():
        pending = unit_names.expand(units)
        done: set[str] = set()
        while pending:
            lock_units(pending)
            moved_from = _sync(pending, outcome, keep_changes)
            done |= pending
            # An entry that moved here from another unit (a stance moved to another topic)
            # leaves that unit to be recomputed too.
            pending = moved_from - done
        outcome.units = len(done)
    return outcome


def lock_units(units: Iterable[str]) -> None:
    if connection.vendor != "postgresql":
        return
    buckets = sorted({zlib.crc32(unit.encode()) % LOCK_BUCKETS for unit in units})
    with connection.cursor() as cursor:
        # unnest() yields the sorted array in order, so the locks are taken in bucket order.
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(%s, bucket)) FROM unnest(%s::int[]) AS bucket",
            [LOCK_NAMESPACE, buckets],
        )


def _chunks(values: Iterable, size: int = QUERY_CHUNK) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _stored(units: set[str], keys: Iterable[str]) -> dict[str, dict]:
    """The stored rows of these units, and rows elsewhere that have one of these keys."""
    columns = ("id", *SCALAR_FIELDS)
    rows = {}
    for chunk in _chunks(units):
        rows.update({row["key"]: row for row in TimelineEntry.objects.filter(unit__in=chunk).values(*columns)})
    for chunk in _chunks(set(keys) - rows.keys()):
        rows.update({row["key"]: row for row in TimelineEntry.objects.filter(key__in=chunk).values(*columns)})
    if rows:
        by_id = {row["id"]: row for row in rows.values()}
        for row in rows.values():
            row["person_ids"], row["topic_ids"] = set(), set()
        for chunk in _chunks(by_id):
            for entry_id, person_id in PersonLink.objects.filter(timelineentry_id__in=chunk).values_list(
                "timelineentry_id", "person_id"
            ):
                by_id[entry_id]["person_ids"].add(person_id)
            for entry_id, topic_id in TopicLink.objects.filter(timelineentry_id__in=chunk).values_list(
                "timelineentry_id", "negotiationtopic_id"
            ):
                by_id[entry_id]["topic_ids"].add(topic_id)
    return rows


def _differences(row: dict, spec: EntrySpec) -> list[str]:
    names = [name for name in SCALAR_FIELDS if row[name] != getattr(spec, name)]
    names += [name for name in ("person_ids", "topic_ids") if row[name] != getattr(spec, name)]
    return names


def _plain(value: Any) -> Any:
    """A JSON-friendly copy of a field value, for repair reports."""
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if value is None or isinstance(value, (int, str)):
        return value
    return str(value)


def _sync(units: set[str], outcome: RefreshOutcome, keep_changes: bool) -> set[str]:
    """Make the stored rows of `units` match; returns the other units entries moved from."""
    specs = build_entries(units)
    stored = _stored(units, specs.keys())
    moved_from = {row["unit"] for key, row in stored.items() if row["unit"] not in units}

    to_create = [spec for key, spec in specs.items() if key not in stored]
    to_update = []
    for key, row in stored.items():
        if key in specs and (names := _differences(row, specs[key])):
            to_update.append((row, specs[key], names))
    to_delete = [row for key, row in stored.items() if key not in specs]

    if to_delete:
        ids = [row["id"] for row in to_delete]
        for chunk in _chunks(ids):
            TimelineEntry.objects.filter(id__in=chunk).delete()  # and their person and topic links
    now = timezone.now()
    if to_update:
        entries = [TimelineEntry(id=row["id"], computed_at=now, **spec.scalar_values()) for row, spec, _ in to_update]
        TimelineEntry.objects.bulk_update(entries, [*SCALAR_FIELDS, "computed_at"], batch_size=500)
        _replace_links(
            [(row["id"], spec) for row, spec, names in to_update if {"person_ids", "topic_ids"} & set(names)]
        )
    if to_create:
        _add_links(list(zip(_insert(to_create, now), to_create, strict=False)))

    outcome.created += len(to_create)
    outcome.updated += len(to_update)
    outcome.deleted += len(to_delete)
    if keep_changes:
        outcome.changes += [Change(spec.key, "created", after={"title": spec.title}) for spec in to_create]
        outcome.changes += [
            Change(
                spec.key,
                "updated",
                fields=names,
                before={name: _plain(row[name]) for name in names},
                after={name: _plain(getattr(spec, name)) for name in names},
            )
            for row, spec, names in to_update
        ]
        outcome.changes += [Change(row["key"], "deleted", before={"title": row["title"]}) for row in to_delete]
    return moved_from


def _insert(specs: list[EntrySpec], now) -> list[int]:
    """Insert new entries; their ids, in order.

    A full rebuild inserts hundreds of thousands of rows, and bulk_create spends most of its
    time building and preparing model instances; on PostgreSQL the rows go straight to
    execute_values instead (same columns, same values, one statement per thousand rows).
    """
    if connection.vendor != "postgresql":
        entries = TimelineEntry.objects.bulk_create(
            [TimelineEntry(computed_at=now, **spec.scalar_values()) for spec in specs], batch_size=1000
        )
        return [entry.id for entry in entries]
    columns = [TimelineEntry._meta.get_field(name).column for name in SCALAR_FIELDS] + ["computed_at"]
    rows = [(*(getattr(spec, name) for name in SCALAR_FIELDS), now) for spec in specs]
    with connection.cursor() as cursor:
        ids = execute_values(
            cursor.cursor,
            f"INSERT INTO {TimelineEntry._meta.db_table} ({', '.join(columns)}) VALUES %s RETURNING id",
            rows,
            page_size=1000,
            fetch=True,
        )
    return [row[0] for row in ids]


def _link_rows(link, entries: list[tuple[int, EntrySpec]], attribute: str, column: str) -> None:
    rows = [(entry_id, pk) for entry_id, spec in entries for pk in getattr(spec, attribute)]
    if not rows:
        return
    if connection.vendor != "postgresql":
        link.objects.bulk_create(
            [link(**{"timelineentry_id": entry_id, column: pk}) for entry_id, pk in rows], batch_size=2000
        )
        return
    with connection.cursor() as cursor:
        execute_values(
            cursor.cursor,
            f"INSERT INTO {link._meta.db_table} (timelineentry_id, {column}) VALUES %s",
            rows,
            page_size=2000,
        )


def _replace_links(entries: list[tuple[int, EntrySpec]]) -> None:
    for chunk in _chunks([entry_id for entry_id, _ in entries]):
        PersonLink.objects.filter(timelineentry_id__in=chunk).delete()
        TopicLink.objects.filter(timelineentry_id__in=chunk).delete()
    _add_links(entries)


def _add_links(entries: list[tuple[int, EntrySpec]]) -> None:
    _link_rows(PersonLink, entries, "person_ids", "person_id")
    _link_rows(TopicLink, entries, "topic_ids", "negotiationtopic_id")
