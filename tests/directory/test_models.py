import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from directory.models import Citation, Country, Person
from tests.factories import (
    CitationFactory,
    PersonAliasFactory,
    PersonFactory,
    PositionFactory,
    SourceFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db


def test_the_migration_loads_current_and_withdrawn_states_and_world():
    assert Country.objects.get(pk="TJK").numeric == "762"
    assert Country.objects.get(pk="RUS").name == "Russia"
    soviet_union = Country.objects.get(pk="SUN")
    assert soviet_union.is_historical and soviet_union.name == "Soviet Union"
    assert {"YUG", "CSK", "DDR"} <= set(Country.objects.historical().values_list("pk", flat=True))
    assert Country.objects.get(pk=Country.WORLD).kind == Country.Kind.AGGREGATE
    assert Country.objects.current().count() == 250  # ISO 3166-1 plus Kosovo (XKX)


@pytest.mark.parametrize("code", ["TJK", "tj", "762", "TJ"])
def test_a_country_is_found_by_any_of_its_codes(code):
    assert list(Country.objects.current().by_code(code)) == [Country.objects.get(pk="TJK")]


def test_a_person_is_found_by_an_alias_in_any_case():
    rahmon = PersonFactory(name="Emomali Rahmon")
    PersonAliasFactory(person=rahmon, name="Emomali Rakhmonov")

    assert list(Person.objects.named("emomali  RAKHMONOV")) == [rahmon]
    assert list(Person.objects.named("Emomali Rahmon")) == [rahmon]


def test_a_post_ending_before_it_starts_is_refused_by_the_form_and_the_database():
    position = PositionFactory.build(start_date="2012-05-07", end_date="2010-01-01", person=PersonFactory())
    with pytest.raises(ValidationError) as excinfo:
        position.full_clean()
    assert "end_date" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        position.save()


def test_a_citation_of_a_field_the_record_does_not_have_is_refused():
    citation = CitationFactory.build(field_name="no_such_field", source=SourceFactory())
    citation.content_type = CitationFactory().content_type
    citation.object_id = "1"
    with pytest.raises(ValidationError) as excinfo:
        citation.clean()
    assert "has no field 'no_such_field'" in str(excinfo.value)


def test_saving_an_edit_bumps_the_version():
    person = PersonFactory()
    assert person.version == 1
    person.summary = "Changed"
    person.save()
    person.refresh_from_db()
    assert person.version == 2


def test_saving_named_fields_still_bumps_the_version():
    person = PersonFactory()
    person.summary = "Changed"
    person.save(update_fields=["summary"])
    person.refresh_from_db()
    assert person.version == 2


def test_every_edit_is_kept_in_the_audit_history():
    person = PersonFactory(name="Igor Shuvalov")
    person.summary = "First Deputy Prime Minister"
    person.save()
    assert [h.history_type for h in person.history.order_by("history_date")] == ["+", "~"]


def test_two_people_cannot_share_an_external_id():
    PersonFactory(external_id="hsg:putin")
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(external_id="hsg:putin")


def test_a_post_still_held_reads_as_since_its_start():
    assert PositionFactory(start_date=datetime.date(2012, 5, 7)).period_display == "since 7 May 2012"
    ended = PositionFactory(
        start_date=datetime.date(2008, 5, 1),
        start_precision="month",
        end_date=datetime.date(2018, 5, 1),
        end_precision="month",
    )
    assert ended.period_display == "May 2008 – May 2018"


def test_a_citation_cites_chancerys_records_only(editor):
    for record in (VisitFactory(), PersonFactory()):
        CitationFactory(record=record).full_clean()  # a visit, a person cited for who they are
    for outside in (editor, ContentType.objects.get_for_model(Citation)):
        citation = Citation(
            source=SourceFactory(),
            content_type=ContentType.objects.get_for_model(outside),
            object_id=str(outside.pk),
            reliability="media_report",
        )
        with pytest.raises(ValidationError) as refused:
            citation.full_clean()
        assert "Only Chancery's records can be cited" in str(refused.value.message_dict["content_type"])
