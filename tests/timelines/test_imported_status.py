"""An imported visit arrives already in its status: its first status row is no entry of its own."""

import datetime
import io

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from core.status import change_status, record_first_status
from tests.data import HSG, build_timelines
from tests.factories import VisitFactory
from tests.timelines.test_worker import wait_until
from timelines.models import RefreshRun, TimelineEntry, TimelineRepair
from timelines.tasks import reconcile_timelines
from timelines.units import visit_unit
from visits.models import Visit

pytestmark = pytest.mark.django_db


def trips(tmp_path, *trips):
    body = "".join(
        f"""<trip role="president" who="doe-jane"><id>{ident}</id><name>Jane Doe</name>
        <start-date>{start}</start-date><end-date>{end}</end-date><country id="china">China</country>
        <locale>Beijing</locale><remarks>State visit.</remarks></trip>"""
        for ident, start, end in trips
    )
    path = tmp_path / "trips.xml"
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<trips>{body}</trips>', encoding="utf-8")
    call_command("import_hsg_travels", str(path), no_progress=True, stdout=io.StringIO())
    return path


def entries_of(visit):
    return list(TimelineEntry.objects.filter(unit=visit_unit(visit.pk)).order_by("kind").values_list("kind", "title"))


def store_repeat(visit):
    """The entry the timeline stored for an imported visit's first status before this rule."""
    first = visit.status_changes.get(from_status="")
    return TimelineEntry.objects.create(
        key=f"visit_status:{first.pk}",
        unit=visit_unit(visit.pk),
        kind=TimelineEntry.Kind.VISIT_STATUS,
        date=first.changed_on,
        title="Completed: state visit by Jane Doe to China",
        country_a_id="CHN",
        country_b_id="USA",
        content_type=ContentType.objects.get_for_model(Visit),
        object_id=str(visit.pk),
        source_updated_at=timezone.now(),
    )


def test_an_imported_completed_visit_gives_one_entry_not_two(tmp_path):
    trips(tmp_path, ("1", "1998-06-25", "1998-07-03"))
    build_timelines()

    visit = Visit.objects.get(external_id="1")
    assert visit.status == Visit.Status.COMPLETED
    assert visit.status_changes.count() == 1  # the history keeps its first row
    assert entries_of(visit) == [("visit", "State visit by Jane Doe to China, Beijing")]


def test_a_later_status_change_of_an_imported_visit_still_gives_its_entry(tmp_path):
    today = timezone.localdate()
    start, end = today + datetime.timedelta(days=30), today + datetime.timedelta(days=32)
    trips(tmp_path, ("2", start.isoformat(), end.isoformat()))
    visit = Visit.objects.get(external_id="2")
    assert visit.status == Visit.Status.CONFIRMED  # a trip still to come

    change_status(visit, to_status=Visit.Status.CANCELLED, on=today)
    build_timelines()

    assert entries_of(visit) == [
        ("visit", "State visit by Jane Doe to China, Beijing (cancelled)"),
        ("visit_status", "Cancelled: state visit by Jane Doe to China"),
    ]


def test_a_visit_an_editor_records_keeps_the_entry_of_its_first_status():
    visit = VisitFactory(status=Visit.Status.ANNOUNCED, external_source="demo")
    record_first_status(visit, on=datetime.date(2017, 2, 1))
    build_timelines()

    kinds = [kind for kind, _ in entries_of(visit)]
    assert kinds == ["visit", "visit_status"]  # the announcement is news of its own


def test_the_imported_files_no_longer_repeat_each_visit_on_the_pair_timeline():
    call_command(
        "import_hsg_travels",
        str(HSG / "president-travels" / "obama-barack.xml"),
        no_progress=True,
        stdout=io.StringIO(),
    )
    build_timelines()

    visits = Visit.objects.filter(external_source="hsg-travels").count()
    assert visits > 40
    assert TimelineEntry.objects.filter(kind="visit").count() == visits
    assert not TimelineEntry.objects.filter(kind="visit_status").exists()


def test_a_full_refresh_drops_the_repeats_already_stored_and_reports_them(tmp_path):
    trips(tmp_path, ("1", "1998-06-25", "1998-07-03"), ("3", "2009-11-15", "2009-11-18"))
    build_timelines()
    repeats = [store_repeat(visit) for visit in Visit.objects.all()]

    call_command("refresh_timelines", "--full", "--no-progress", stdout=io.StringIO())

    assert not TimelineEntry.objects.filter(pk__in=[r.pk for r in repeats]).exists()
    assert TimelineEntry.objects.filter(kind="visit").count() == 2
    deleted = TimelineRepair.objects.filter(action="deleted")
    assert sorted(deleted.values_list("key", flat=True)) == sorted(r.key for r in repeats)


def test_the_scheduled_reconciliation_repairs_a_database_with_stored_repeats(
    tmp_path, transactional_db, django_db_serialized_rollback, celery_app
):
    trips(tmp_path, ("1", "1998-06-25", "1998-07-03"))
    visit = Visit.objects.get()
    celery_app.control.purge()  # the refresh the import queued: the run is to do the work
    TimelineEntry.objects.all().delete()
    build_timelines()
    repeat = store_repeat(visit)

    with start_worker(celery_app, pool="threads", concurrency=1, perform_ping_check=False, shutdown_timeout=10):
        reconcile_timelines.delay()  # what beat sends every night
        run = wait_until(
            lambda: RefreshRun.objects.filter(trigger="schedule", status="succeeded").first(),
            timeout=20,
            what="the scheduled run",
        )

    assert run.entries_deleted == 1
    assert not TimelineEntry.objects.filter(pk=repeat.pk).exists()
    assert entries_of(visit) == [("visit", "State visit by Jane Doe to China, Beijing")]
