"""From records to timeline entries: one builder per kind of refresh unit.

Each builder takes the ids of many units of its kind and returns the entries they should
have, in a fixed number of queries however many units it is given, so a full rebuild in
batches costs a few queries per batch, not per record.
"""

from collections import defaultdict
from collections.abc import Iterable

from timelines import units as unit_names
from timelines.builders.agreements import build_agreement_entries
from timelines.builders.base import SCALAR_FIELDS, EntrySpec
from timelines.builders.contradictions import build_contradiction_entries
from timelines.builders.stances import build_stance_entries
from timelines.builders.trade import build_trade_entries
from timelines.builders.visits import build_visit_entries

BUILDERS = {
    unit_names.VISIT: build_visit_entries,
    unit_names.AGREEMENT: build_agreement_entries,
    unit_names.STANCES: build_stance_entries,
    unit_names.CITATIONS: build_contradiction_entries,
    unit_names.TRADE: build_trade_entries,
}

__all__ = ["SCALAR_FIELDS", "EntrySpec", "build_entries"]


def build_entries(units: Iterable[str]) -> dict[str, EntrySpec]:
    """The entries these direct units should have, by key."""
    ids = defaultdict(list)
    for unit in units:
        kind, rest = unit_names.split(unit)
        ids[kind].append(rest)
    entries = {}
    for kind, kind_ids in ids.items():
        for spec in BUILDERS[kind](kind_ids):
            entries[spec.key] = spec
    return entries
