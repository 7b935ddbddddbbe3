"""The data migrations visits 0004 and agreements 0005 repair first status rows dated the day
they were typed in (before issue 16 every record created in the admin or through the API began
so), and the timeline's reconciliation then moves the entries to the repaired dates.

The database is taken back to the migrations before the repair (the schema is the same; only
the RunPython is unapplied), filled with rows as the old code wrote them, and migrated forward.
The test is transactional (a migration runs outside a test transaction) and rolled back by
serialisation, so the countries the migrations loaded are there for the tests after it.
"""

import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from core.status import record_first_status
from tests.factories import AgreementFactory, CitationFactory, SourceFactory, VisitFactory
from timelines.models import TimelineEntry

D = datetime.date
BEFORE_REPAIR = [
    ("visits", "0003_agenda_outcome_count_status_history_audit"),
    ("agreements", "0004_expected_at_visit_status_history_audit"),
]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keep the countries for later tests
def test_typed_in_first_rows_get_the_best_date_known_and_the_timeline_follows():
    # Content type ids cached by earlier tests (a backup restored recreates them) would cite
    # the visits under another id than the migration finds by app label and model.
    ContentType.objects.clear_cache()
    _migrate(BEFORE_REPAIR)
    typed = timezone.localdate()
    old_note = "Recorded in the admin; dated the day it was recorded, as the record gives no date for it."

    completed = VisitFactory(status="completed", start_date=D(2017, 2, 27), end_date=D(2017, 2, 28))
    cited = VisitFactory(status="announced", start_date=D(2017, 3, 1), end_date=None)
    CitationFactory(record=cited, source=SourceFactory(published_on=D(2017, 2, 1), published_precision="month"))
    CitationFactory(record=cited, source=SourceFactory(published_on=D(2017, 2, 14)))
    unknown = VisitFactory(status="announced", start_date=D(2017, 4, 1), end_date=None)
    imported = VisitFactory(
        status="completed", start_date=D(2017, 2, 27), end_date=D(2017, 2, 28), external_source="hsg", external_id="x1"
    )
    agreement = AgreementFactory(status="proposed", proposed_on=D(2016, 11, 3))
    rows = {
        record: record_first_status(record, on=typed, note=old_note)
        for record in (completed, cited, unknown, imported, agreement)
    }
    call_command("refresh_timelines", "--full", "--no-progress", stdout=io.StringIO())
    assert TimelineEntry.objects.get(key=f"visit_status:{rows[cited].pk}").date == typed

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    for row in rows.values():
        row.refresh_from_db()
    assert (rows[completed].changed_on, rows[completed].changed_precision) == (D(2017, 2, 28), "day")
    assert "Dated 28 Feb 2017 from its end; was " in rows[completed].note
    # The earliest report among the visit's sources, at that report's precision.
    assert (rows[cited].changed_on, rows[cited].changed_precision) == (D(2017, 2, 1), "month")
    assert rows[cited].note.startswith(old_note + " Dated Feb 2017 from the earliest report among its sources")
    assert (rows[agreement].changed_on, rows[agreement].note.split(". ")[-1]) == (
        D(2016, 11, 3),
        f"Dated 3 Nov 2016 from its proposed on; was {typed.day} {typed:%b %Y}, the day it was recorded.",
    )
    # Nothing better known, or dated by its import: left as it was.
    assert (rows[unknown].changed_on, rows[unknown].note) == (typed, old_note)
    assert (rows[imported].changed_on, rows[imported].note) == (typed, old_note)

    out = io.StringIO()
    call_command("refresh_timelines", "--full", "--no-progress", stdout=out)
    entry = TimelineEntry.objects.get(key=f"visit_status:{rows[cited].pk}")
    assert (entry.date, entry.precision) == (D(2017, 2, 1), "month")
    assert "different" in out.getvalue()
