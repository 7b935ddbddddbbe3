import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.factories import VisitFactory
from timelines.models import TimelineEntry

pytestmark = pytest.mark.django_db


def entry(key, a, b, **extra):
    visit = VisitFactory()
    return TimelineEntry.objects.create(
        key=key,
        kind="visit",
        date=datetime.date(2017, 2, 27),
        title="Visit",
        country_a_id=a,
        country_b_id=b,
        content_type=ContentType.objects.get_for_model(visit),
        object_id=str(visit.pk),
        source_updated_at=timezone.now(),
        **extra,
    )


def test_a_pair_is_found_whichever_order_it_is_asked_in():
    stored = entry("visit:1", "RUS", "TJK")
    assert list(TimelineEntry.objects.for_pair("TJK", "RUS")) == [stored]
    assert list(TimelineEntry.objects.for_pair("RUS", "TJK")) == [stored]


def test_a_pair_stored_out_of_order_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        entry("visit:1", "TJK", "RUS")


def test_the_natural_key_is_unique():
    entry("visit:1", "RUS", "TJK")
    with pytest.raises(IntegrityError), transaction.atomic():
        entry("visit:1", "RUS", "TJK")


def test_a_country_timeline_finds_entries_on_either_side():
    first = entry("visit:1", "RUS", "TJK")
    second = entry("visit:2", "KGZ", "RUS")
    entry("visit:3", "KGZ", "TJK")
    assert set(TimelineEntry.objects.for_country("RUS")) == {first, second}
