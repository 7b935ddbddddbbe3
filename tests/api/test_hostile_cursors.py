"""Hostile parameters never give a 500 (issue 19, findings 4 and 5): a crafted cursor with null or
out-of-range values is a 400 naming the cursor, and the server's own `next` links walk a list
ordered by a field that may be empty, on both databases, without gaps or repeats; path ids beyond
64 bits are 404s and an edit form for the wrong kind of record is too."""

import base64
import datetime
import json

import pytest
from django.urls import reverse

from tests.factories import AgreementFactory, TradeFlowFactory, VisitFactory

pytestmark = pytest.mark.django_db


def cursor(ordering, values) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": ordering, "v": values}).encode()).decode()


@pytest.mark.parametrize(
    ("list_name", "ordering", "values"),
    [
        ("agreements-list", ["-id"], [None]),
        ("visits-list", ["-start_date", "-id"], [None, None]),
        ("people-list", ["name", "id"], [None, None]),
        ("agreements-list", ["-id"], [1e22]),
        ("visits-list", ["-start_date", "-id"], ["2017-02-27", 2**70]),
        ("trade-flows-list", ["year", "id"], [2016, 1e22]),
    ],
)
def test_a_crafted_cursor_is_a_400_naming_it(analyst_api, list_name, ordering, values):
    response = analyst_api.get(reverse(list_name), {"cursor": cursor(ordering, values)})
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == ["cursor"]


def test_next_links_walk_a_list_ordered_by_a_field_that_may_be_empty(analyst_api):
    signed = [AgreementFactory(signed_on=datetime.date(2017, 2, day)) for day in (1, 2, 3)]
    unsigned = [AgreementFactory(signed_on=None) for _ in range(3)]
    for ordering in ("signed_on", "-signed_on"):
        seen, url = [], reverse("agreements-list") + f"?ordering={ordering}&page_size=1"
        while url:
            response = analyst_api.get(url)
            assert response.status_code == 200, (ordering, response.content)
            seen += [row["id"] for row in response.json()["results"]]
            url = response.json()["next"]
        assert sorted(seen) == sorted(a.pk for a in signed + unsigned), ordering
        assert len(seen) == len(set(seen)) == 6, ordering
        dated = [pk for pk in seen if pk in {a.pk for a in signed}]
        expected = [a.pk for a in signed]
        assert dated == (expected if ordering == "signed_on" else expected[::-1]), ordering


def test_edit_forms_for_the_wrong_kind_of_record_are_not_found(editor_client):
    visit, agreement = VisitFactory(), AgreementFactory()
    for name, pk in (("agenda", agreement.pk), ("dates", agreement.pk)):
        assert editor_client.post(reverse(f"edit-{name}", args=["agreement", pk]), {}).status_code == 404
    assert editor_client.post(reverse("edit-draft", args=["visit", visit.pk]), {}).status_code == 404
    assert editor_client.post(reverse("edit-draft", args=["agreement", agreement.pk]), {}).status_code == 200


def test_a_flow_cursor_survives_its_own_next_link(analyst_api):
    for year in (2014, 2015, 2016):
        TradeFlowFactory(year=year)
    response = analyst_api.get(reverse("trade-flows-list"), {"page_size": 1})
    assert response.status_code == 200 and response.json()["next"]
    assert analyst_api.get(response.json()["next"]).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/agreements/99999999999999999999/timeline.json",
        "/people/9223372036854775808/timeline.json",
        "/agreements/1/drafts/99999999999999999999/",
        "/visits/99999999999999999999/",
        "/history/visit/9223372036854775808/",
    ],
)
def test_a_path_id_beyond_64_bits_is_not_found(analyst_client, path):
    assert analyst_client.get(path).status_code == 404
