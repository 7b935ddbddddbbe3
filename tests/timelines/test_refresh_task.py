"""The incremental refresh: queued after commit, idempotent, and indifferent to the order tasks run in."""

import datetime
from pathlib import Path

import pytest
from django.db import transaction

from core.status import change_status, record_first_status
from imports.runner import run_import
from tests.factories import PersonFactory, TopicStanceFactory, TradeFlowFactory, VisitFactory, country
from timelines.models import TimelineEntry
from timelines.queue import _PendingRefresh
from timelines.tasks import refresh_timeline_units
from timelines.units import visit_unit
from trade.models import TradeFlow
from visits.importers import HsgTravelsImporter
from visits.models import Visit

pytestmark = pytest.mark.django_db


def snapshot():
    """Everything stored, comparable across runs (ids included: an idempotent run keeps them)."""
    return sorted(
        (
            e.id,
            e.key,
            e.unit,
            e.title,
            e.date,
            e.source_version,
            e.computed_at,
            tuple(sorted(e.persons.values_list("pk", flat=True))),
        )
        for e in TimelineEntry.objects.all()
    )


def refreshes(callbacks) -> list:
    """Of one transaction's on_commit callbacks, the timeline refreshes (other apps register
    their own: news intake marks its names matcher out of date when a person is saved)."""
    return [callback for callback in callbacks if isinstance(callback, _PendingRefresh)]


def units_queued(callbacks) -> set[str]:
    """The units the on_commit callbacks of one transaction would send to the worker."""
    return set().union(*(callback.units for callback in refreshes(callbacks)))


def test_a_change_asks_for_its_units_once_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            visit = VisitFactory()
            record_first_status(visit, on=datetime.date(2017, 2, 1))
            stance = TopicStanceFactory()

    assert len(refreshes(callbacks)) == 1, "one refresh for the whole transaction, not one per save"
    assert units_queued(callbacks) >= {visit_unit(visit.pk), f"stances:{stance.topic_id}"}


def test_a_rolled_back_change_asks_for_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            VisitFactory()
            transaction.set_rollback(True)

    assert callbacks == []


def test_a_renamed_person_refreshes_the_visits_they_made():
    putin = PersonFactory(name="Vladimir Putin")
    visit = VisitFactory(visitor=putin)
    refresh_timeline_units.apply(args=[[visit_unit(visit.pk)]])

    putin.name = "V. V. Putin"
    putin.save()
    refresh_timeline_units.apply(args=[[f"person:{putin.pk}"]])

    assert TimelineEntry.objects.get(kind="visit").title.startswith("Official visit by V. V. Putin")


def test_the_same_task_run_twice_leaves_the_same_rows_and_writes_nothing_the_second_time():
    visit = VisitFactory()
    record_first_status(visit, on=datetime.date(2017, 2, 1))
    task = refresh_timeline_units.s([visit_unit(visit.pk)])

    task.apply()
    first = snapshot()
    task.apply()

    assert snapshot() == first
    assert len(first) == 2


def test_two_tasks_run_out_of_order_leave_the_latest_state():
    visit = VisitFactory(status=Visit.Status.ANNOUNCED)
    change_status(visit, to_status=Visit.Status.CONFIRMED, on=datetime.date(2017, 2, 10))
    after_first_edit = refresh_timeline_units.s([visit_unit(visit.pk)])
    change_status(
        visit,
        to_status=Visit.Status.POSTPONED,
        on=datetime.date(2017, 2, 20),
        new_start_date=datetime.date(2017, 4, 1),
        new_end_date=datetime.date(2017, 4, 2),
    )
    after_second_edit = refresh_timeline_units.s([visit_unit(visit.pk)])

    after_second_edit.apply()
    after_first_edit.apply()  # late: it must not bring back the state it was queued for

    span = TimelineEntry.objects.get(kind="visit")
    assert (span.date, span.title, span.source_version) == (
        datetime.date(2017, 4, 1),
        f"Official visit by {visit.visitor.name} to Tajikistan, Dushanbe (postponed)",
        visit.version,
    )
    statuses = TimelineEntry.objects.filter(kind="visit_status").order_by("date")
    assert [e.title.split(":")[0] for e in statuses] == ["Confirmed", "Postponed"]


def test_the_order_tasks_run_in_makes_no_difference():
    first_visit, second_visit = VisitFactory(), VisitFactory()
    first, second = (
        refresh_timeline_units.s([visit_unit(first_visit.pk)]),
        refresh_timeline_units.s([visit_unit(first_visit.pk), visit_unit(second_visit.pk)]),
    )
    content = lambda: sorted(TimelineEntry.objects.values_list("key", "unit", "title", "date", "source_version"))  # noqa: E731

    first.apply()
    second.apply()
    in_order = content()
    TimelineEntry.objects.all().delete()
    second.apply()
    first.apply()

    assert content() == in_order
    assert len(in_order) == 2


def test_a_trade_figure_with_the_world_refreshes_every_partner_of_its_reporter():
    # Both flows each time: a share is of the turnover, which one flow alone is not.
    for flow in (TradeFlow.Flow.EXPORT, TradeFlow.Flow.IMPORT):
        TradeFlowFactory(reporter=country("TJK"), partner=country("RUS"), flow=flow)
        TradeFlowFactory(reporter=country("TJK"), partner=country("KGZ"), flow=flow)
        world = TradeFlowFactory(reporter=country("TJK"), partner=country("W00"), flow=flow, value_usd=4 * 10**6)

    refresh_timeline_units.apply(args=[["trade-reporter:TJK"]])

    assert set(TimelineEntry.objects.values_list("unit", flat=True)) == {"trade:TJK:RUS", "trade:TJK:KGZ"}
    assert all("25.00 % of Tajikistan's trade turnover" in e.summary for e in TimelineEntry.objects.all()), world


TRIPS = b"""<?xml version="1.0" encoding="UTF-8"?>
<trips><trip role="president" who="obama-barack"><id>2961</id><name>Barack Obama</name>
<start-date>2009-03-31</start-date><end-date>2009-04-03</end-date><country id="united-kingdom">United Kingdom</country>
<locale>London</locale><remarks>Attended the G-20 Economic Summit Meeting.</remarks></trip></trips>"""


def test_records_an_importer_writes_in_bulk_are_refreshed_too(tmp_path: Path, django_capture_on_commit_callbacks):
    path = tmp_path / "trips.xml"
    path.write_bytes(TRIPS)

    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            run_import(HsgTravelsImporter(), [path])
    refresh_timeline_units.apply(args=[sorted(units_queued(callbacks))])

    visit = Visit.objects.get()
    assert visit_unit(visit.pk) in units_queued(callbacks)
    span = TimelineEntry.objects.get(unit=visit_unit(visit.pk), kind="visit")
    assert "by Barack Obama to United Kingdom, London" in span.title


def test_trade_figures_written_in_bulk_ask_for_each_pair_once(django_capture_on_commit_callbacks):
    from imports.signals import records_imported
    from trade.models import TradeFlow

    # Written as an importer writes them: in bulk, without a save signal each.
    flows = TradeFlow.objects.bulk_create(
        [
            TradeFlowFactory.build(reporter=country("TJK"), partner=country("RUS"), year=2020),
            TradeFlowFactory.build(reporter=country("TJK"), partner=country("RUS"), year=2021),
            TradeFlowFactory.build(reporter=country("RUS"), partner=country("TJK"), year=2021),
            TradeFlowFactory.build(reporter=country("KGZ"), partner=country("W00"), year=2021),
        ]
    )

    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            records_imported.send(TradeFlow, pks=[flow.pk for flow in flows])

    from timelines.units import trade_unit

    assert units_queued(callbacks) == {trade_unit("TJK", "RUS"), trade_unit("RUS", "TJK"), "trade-reporter:KGZ"}
