import datetime

import pytest
from django.core.exceptions import ValidationError

from core.statemachine import StaleEdit
from core.status import change_status
from tests.factories import VisitFactory
from visits.models import Visit, VisitStatusChange

pytestmark = pytest.mark.django_db
FEB_28 = datetime.date(2017, 2, 28)


def test_an_allowed_change_updates_the_visit_and_appends_one_history_row(editor):
    visit = VisitFactory(status="announced")

    change = change_status(visit, to_status="completed", on=FEB_28, user=editor, note="Took place.")

    visit.refresh_from_db()
    assert visit.status == "completed"
    assert visit.version == 2
    assert (change.from_status, change.to_status, change.changed_on, change.recorded_by) == (
        "announced",
        "completed",
        FEB_28,
        editor,
    )
    assert VisitStatusChange.objects.filter(visit=visit).count() == 1


def test_an_impossible_change_is_refused_with_the_allowed_targets_and_writes_nothing():
    visit = VisitFactory(status="completed")

    with pytest.raises(ValidationError) as excinfo:
        change_status(visit, to_status="rumoured", on=FEB_28)

    assert excinfo.value.message_dict["to_status"] == [
        "A visit cannot go from Completed to Rumoured. Allowed from Completed: none (it is final)."
    ]
    visit.refresh_from_db()
    assert (visit.status, visit.version) == ("completed", 1)
    assert not VisitStatusChange.objects.exists()


def test_a_stale_edit_is_refused():
    visit = VisitFactory(status="announced")
    change_status(visit, to_status="confirmed", on=FEB_28)

    with pytest.raises(StaleEdit):
        change_status(visit, to_status="postponed", on=FEB_28, expected_version=1)

    visit.refresh_from_db()
    assert visit.status == "confirmed"


def test_a_postponed_visit_is_announced_again_with_new_dates():
    visit = VisitFactory(status="announced")
    change_status(visit, to_status="postponed", on=datetime.date(2017, 2, 20))

    change_status(
        visit,
        to_status="announced",
        on=datetime.date(2017, 3, 1),
        new_start_date=datetime.date(2017, 4, 1),
        new_start_precision="month",
        new_end_date=datetime.date(2017, 4, 1),
    )

    visit.refresh_from_db()
    assert (visit.status, visit.start_date, visit.start_precision) == ("announced", datetime.date(2017, 4, 1), "month")
    assert list(visit.status_changes.values_list("to_status", flat=True)) == ["postponed", "announced"]


def test_a_month_precise_change_is_stored_at_the_start_of_its_month():
    visit = VisitFactory(status="rumoured")
    change = change_status(visit, to_status="announced", on=FEB_28, precision="month")
    assert change.changed_on == datetime.date(2017, 2, 1)


@pytest.mark.parametrize(
    ("current", "targets"),
    [
        ("rumoured", ["announced", "confirmed", "under_way", "completed", "postponed", "cancelled"]),
        ("under_way", ["completed", "cancelled"]),
        ("postponed", ["announced", "confirmed", "cancelled"]),
        ("cancelled", []),
    ],
)
def test_the_transition_table_offers_these_targets(current, targets):
    assert Visit.status_machine.allowed_targets(current) == targets


def test_a_visit_gets_only_one_first_status_row():
    from core.status import record_first_status

    visit = VisitFactory(status="rumoured")
    record_first_status(visit, on=FEB_28)
    with pytest.raises(ValueError, match="already has a status history"):
        record_first_status(visit, on=FEB_28)
    assert visit.status_changes.count() == 1
