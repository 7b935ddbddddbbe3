"""With htmx, filters and paging replace only their part of the page; without it, the page works the same."""

import pytest
from django.urls import reverse

from tests.factories import VisitFactory
from timelines.selectors import pair_timeline

pytestmark = pytest.mark.django_db


def htmx(client, url, target):
    return client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET=target)


def test_a_filter_answers_an_htmx_request_with_the_results_alone(analyst_client):
    VisitFactory.create_batch(3)

    response = htmx(analyst_client, reverse("visit-list") + "?status=announced", "visit-results")

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="visit-results">')
    assert "<html" not in html and "Putin" not in html
    assert "HX-Target" in response["Vary"]


def test_the_same_url_without_htmx_is_the_whole_page(analyst_client):
    html = analyst_client.get(reverse("visit-list") + "?status=announced").content.decode()

    assert html.startswith("<!doctype html>") and 'id="visit-results"' in html


def test_a_timeline_page_answers_with_the_next_entries_alone(analyst_client, demo):
    first = pair_timeline("RUS", "TJK", limit=5)

    html = htmx(
        analyst_client, reverse("pair", args=["RUS-TJK"]) + f"?after={first.next_cursor}", "timeline"
    ).content.decode()

    assert html.startswith('<div id="timeline">')
    assert "Back to the start" in html
    assert first.entries[0].title not in html


def test_a_history_restore_gets_the_whole_page(analyst_client):
    response = analyst_client.get(
        reverse("visit-list"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="visit-results",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )

    assert response.content.decode().startswith("<!doctype html>")
