import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import VisitFactory, country
from visits.models import Visit

pytestmark = pytest.mark.django_db


def test_a_visit_ending_before_it_starts_is_refused_by_the_form_and_the_database():
    visit = VisitFactory.build(start_date=datetime.date(2017, 2, 28), end_date=datetime.date(2017, 2, 27))
    visit.visitor.save()
    with pytest.raises(ValidationError) as excinfo:
        visit.full_clean()
    assert excinfo.value.message_dict["end_date"] == ["A visit cannot end before it starts."]
    with pytest.raises(IntegrityError), transaction.atomic():
        visit.save()
    assert Visit.objects.count() == 0


def test_a_country_cannot_visit_itself():
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitFactory(visitor_country=country("TJK"), host_country=country("TJK"))


def test_a_duplicate_external_id_from_the_same_importer_is_refused():
    VisitFactory(external_source="hsg-travels", external_id="t-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitFactory(external_source="hsg-travels", external_id="t-1")


def test_the_same_external_id_from_another_importer_is_a_different_record():
    VisitFactory(external_source="hsg-travels", external_id="t-1")
    VisitFactory(external_source="hsg-visits", external_id="t-1")
    assert Visit.objects.count() == 2


def test_records_without_external_ids_do_not_collide():
    VisitFactory()
    VisitFactory()
    assert Visit.objects.count() == 2


def test_a_visit_shows_its_dates_at_their_precision():
    visit = VisitFactory(start_date=datetime.date(2017, 2, 1), start_precision="month", end_date=None)
    assert visit.date_display == "Feb 2017"
    assert str(visit).endswith("to Tajikistan, Feb 2017")


def test_pair_queries_find_visits_either_way():
    there = VisitFactory(visitor_country=country("RUS"), host_country=country("TJK"))
    back = VisitFactory(visitor_country=country("TJK"), host_country=country("RUS"))
    VisitFactory(visitor_country=country("RUS"), host_country=country("KGZ"))
    assert set(Visit.objects.for_pair("TJK", "RUS")) == {there, back}


def test_upcoming_lists_open_visits_from_today_in_date_order():
    today = datetime.date(2017, 2, 1)
    later = VisitFactory(start_date=datetime.date(2017, 2, 28), end_date=None, status="announced")
    sooner = VisitFactory(start_date=datetime.date(2017, 2, 10), end_date=None, status="rumoured")
    VisitFactory(start_date=datetime.date(2017, 2, 20), end_date=None, status="cancelled")
    VisitFactory(start_date=datetime.date(2017, 1, 27), end_date=None, status="completed")
    assert list(Visit.objects.upcoming(today)) == [sooner, later]
