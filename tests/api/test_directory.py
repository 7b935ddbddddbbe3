import pytest
from django.urls import reverse

from directory.models import Citation
from tests.factories import PersonAliasFactory, PersonFactory, SourceFactory, VisitFactory

pytestmark = pytest.mark.django_db


def test_countries_include_withdrawn_states_and_filter_by_kind(analyst_api):
    response = analyst_api.get(reverse("countries-list"), {"kind": "historical", "page_size": 100})
    codes = {row["alpha3"] for row in response.json()["results"]}
    assert {"SUN", "YUG", "CSK", "DDR"} <= codes
    assert "RUS" not in codes
    assert analyst_api.get(reverse("countries-detail", args=["SUN"])).json()["kind_label"] == "Historical state"


def test_an_unknown_country_is_a_404_with_the_error_shape(analyst_api):
    response = analyst_api.get(reverse("countries-detail", args=["XYZ"]))
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


def test_people_are_found_by_an_alias(analyst_api):
    rahmon = PersonFactory(name="Emomali Rahmon")
    PersonAliasFactory(person=rahmon, name="Emomali Rakhmonov")
    response = analyst_api.get(reverse("people-list"), {"name": "emomali rakhmonov"})
    assert [row["id"] for row in response.json()["results"]] == [rahmon.pk]
    assert response.json()["results"][0]["aliases"] == ["Emomali Rakhmonov"]


def test_an_editor_cites_a_source_on_a_visit_field(editor_api):
    visit = VisitFactory()
    source = SourceFactory()
    response = editor_api.post(
        reverse("citations-list"),
        {
            "source": source.pk,
            "record_type": "visit",
            "object_id": str(visit.pk),
            "field_name": "start_date",
            "quote": "on February 28",
            "reliability": "anonymous_source",
            "stance": "reports",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Citation.objects.get().record == visit
    assert response.json()["record_type"] == "visit"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"object_id": "999999"}, "object_id", "No visit with id 999999."),
        ({"field_name": "colour"}, "field_name", "visit has no field 'colour'."),
        ({"reliability": "rumour"}, "reliability", '"rumour" is not a valid choice.'),
    ],
)
def test_a_citation_of_something_that_is_not_there_is_refused(editor_api, changes, field, message):
    body = {
        "source": SourceFactory().pk,
        "record_type": "visit",
        "object_id": str(VisitFactory().pk),
        "reliability": "media_report",
    }
    response = editor_api.post(reverse("citations-list"), body | changes, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"][field] == [message]
    assert not Citation.objects.exists()
