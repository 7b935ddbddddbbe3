"""Merging duplicate people, organisations and sources."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from directory.merging import merge_records
from directory.models import Organisation, Person, Source
from tests.factories import (
    CitationFactory,
    OrganisationFactory,
    ParticipantFactory,
    PersonAliasFactory,
    PersonFactory,
    PositionFactory,
    SourceFactory,
    VisitFactory,
)
from visits.models import Participant

pytestmark = pytest.mark.django_db


def test_every_reference_moves_to_the_survivor_and_the_duplicate_name_becomes_an_alias(editor):
    rahmon = PersonFactory(name="Emomali Rahmon")
    rakhmonov = PersonFactory(name="Emomali Rakhmonov", external_id="hsg:rakhmonov")
    PersonAliasFactory(person=rakhmonov, name="E. Rakhmonov")
    visit = VisitFactory(visitor=rakhmonov)
    PositionFactory(person=rakhmonov, title="President", start_date=datetime.date(1994, 11, 16))
    both = VisitFactory(visitor=None)
    ParticipantFactory(visit=both, person=rahmon)
    ParticipantFactory(visit=both, person=rakhmonov)
    CitationFactory(record=rakhmonov)

    moved = merge_records(survivor=rahmon, duplicate=rakhmonov, user=editor)

    assert not Person.objects.filter(pk=rakhmonov.pk).exists()
    visit.refresh_from_db()
    rahmon.refresh_from_db()
    assert visit.visitor == rahmon
    assert set(rahmon.aliases.values_list("name", flat=True)) == {"Emomali Rakhmonov", "E. Rakhmonov"}
    assert rahmon.positions.get().title == "President"
    assert list(Participant.objects.filter(visit=both).values_list("person", flat=True)) == [rahmon.pk]
    assert rahmon.external_id == "hsg:rakhmonov"
    assert moved["visits.Visit.visitor"] == 1
    assert moved["citations"] == 1
    assert rahmon.history.first().history_change_reason.startswith("Merged Emomali Rakhmonov")
    assert rahmon.history.first().history_user == editor
    assert list(Person.objects.named("Emomali Rakhmonov")) == [rahmon]


def test_organisations_and_sources_merge_too():
    keep, other = OrganisationFactory(name="Asia-Plus"), OrganisationFactory(name="Asia Plus")
    source = SourceFactory(outlet=other)
    merge_records(survivor=keep, duplicate=other)
    source.refresh_from_db()
    assert source.outlet == keep and not Organisation.objects.filter(pk=other.pk).exists()

    first, second = SourceFactory(), SourceFactory()
    visit = VisitFactory()
    CitationFactory(source=first, record=visit)
    CitationFactory(source=second, record=visit)
    merge_records(survivor=first, duplicate=second)
    assert first.citations.count() == 1  # the same citation twice collapses into one
    assert not Source.objects.filter(pk=second.pk).exists()


@pytest.mark.parametrize("kind", ["self", "mixed"])
def test_impossible_merges_are_refused(kind):
    person = PersonFactory()
    other = person if kind == "self" else OrganisationFactory()
    with pytest.raises(ValidationError):
        merge_records(survivor=person, duplicate=other)


def test_an_editor_merges_two_people_from_the_admin_list(editor_client):
    keep, other = PersonFactory(name="Igor Shuvalov"), PersonFactory(name="Igor Ivanovich Shuvalov")
    VisitFactory(visitor=other)
    url = reverse("admin:directory_person_changelist")
    chosen = {"action": "merge_selected", "_selected_action": [keep.pk, other.pk]}

    confirm = editor_client.post(url, chosen)
    assert "Keep one of these" in confirm.content.decode()
    response = editor_client.post(url, {**chosen, "survivor": keep.pk}, follow=True)

    assert (
        "Merged Igor Ivanovich Shuvalov into Igor Shuvalov; moved 1 visits.Visit.visitor" in response.content.decode()
    )
    assert list(Person.objects.values_list("name", flat=True)) == ["Igor Shuvalov"]
