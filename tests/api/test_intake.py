"""The intake API: a report's text in, the report with its proposals out (the same as the
command and the pages give), and an editor's accept and reject. The reports are ours."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from intake.models import Proposal, Report
from visits.models import Visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo", "empty_cache")]

TEXT = (
    "Astana, 2 March 2017. The President of Russia will travel to Kyrgyzstan on 15 March for a working "
    "visit, the Kremlin said in a statement."
)
REPORTS = reverse("intake-reports-list")


def _post(client, **body):
    return client.post(REPORTS, {"text": TEXT, "published_on": "2017-03-02", "outlet": "Wire A", **body}, format="json")


def _visit(body):
    return next(p for p in body["proposals"] if p["type"] == "visit" and p["fields"]["host_country"] == "KGZ")


def test_a_report_posted_comes_back_with_its_proposals_as_the_command_prints_them(editor_api, tmp_path, capsys):
    response = _post(editor_api)
    assert response.status_code == 201
    body = response.json()
    proposal = _visit(body)
    assert proposal["fields"]["start_date"] == "2017-03-15" and proposal["state"] == "pending"
    assert TEXT[proposal["span"][0] : proposal["span"][1]] == proposal["quote"]
    assert body["publications"][0]["outlet_name"] == "Wire A"

    path = tmp_path / "report.txt"
    path.write_text(TEXT)
    call_command("intake_report", str(path), "--published", "2017-03-02", "--json")
    printed = __import__("json").loads(capsys.readouterr().out)
    keys = ("type", "fields", "quote", "span", "reliability", "speaker", "confidence", "matches")
    assert [{k: p[k] for k in keys} for p in printed["proposals"]] == [
        {k: p[k] for k in keys} for p in body["proposals"]
    ]

    again = _post(editor_api, outlet="Paper B")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert len(again.json()["publications"]) == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "a\u0000b"}, "text"),
        ({"published_on": "2017-02-31"}, "published_on"),
        ({"published_on": "next week"}, "published_on"),
        ({"url": "not a url"}, "url"),
    ],
)
def test_bad_reports_get_a_field_error_and_nothing_is_stored(editor_api, body, field):
    response = _post(editor_api, **body)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert Report.objects.count() == 0


def test_accept_writes_the_record_once_and_reject_refuses_a_decided_proposal(editor_api):
    proposal = _visit(_post(editor_api).json())
    url = reverse("intake-proposals-accept", args=[proposal["id"]])
    corrected = editor_api.post(url, {"fields": {"start_date": "2017-03-16"}}, format="json")
    assert corrected.status_code == 200, corrected.content
    body = corrected.json()
    assert body["state"] == "accepted" and body["record"]["type"] == "visits.visit"
    visit = Visit.objects.get(pk=body["record"]["id"])
    assert visit.start_date == datetime.date(2017, 3, 16) and "Corrected: start_date" in body["note"]
    # the proposal keeps what the pipeline read
    assert body["fields"]["start_date"] == "2017-03-15"

    assert editor_api.post(url, {}, format="json").json()["record"] == body["record"]
    assert Visit.objects.filter(host_country="KGZ", start_date__month=3).count() == 1

    refused = editor_api.post(reverse("intake-proposals-reject", args=[proposal["id"]]), {}, format="json")
    assert refused.status_code == 409 and "accepted already" in refused.json()["error"]["message"]


def test_an_unknown_correction_or_a_stale_etag_is_refused_and_the_proposal_stays_pending(editor_api):
    proposal = _visit(_post(editor_api).json())
    url = reverse("intake-proposals-accept", args=[proposal["id"]])
    unknown = editor_api.post(url, {"fields": {"colour": "red"}}, format="json")
    assert unknown.status_code == 400 and "colour" in unknown.json()["error"]["fields"]
    invalid = editor_api.post(url, {"fields": {"start_date": "the ides of March"}}, format="json")
    assert invalid.status_code == 400
    stale = editor_api.post(url, {}, format="json", HTTP_IF_MATCH=f'"proposal-{proposal["id"]}-v99"')
    assert stale.status_code == 412
    assert Proposal.objects.get(pk=proposal["id"]).state == "pending"


def test_an_analyst_reads_reports_but_neither_posts_nor_decides(analyst_api, editor_api):
    proposal = _visit(_post(editor_api).json())
    assert analyst_api.get(REPORTS).status_code == 200
    assert analyst_api.get(reverse("intake-proposals-list"), {"state": "pending"}).status_code == 200
    assert _post(analyst_api).status_code == 403
    assert analyst_api.post(reverse("intake-proposals-accept", args=[proposal["id"]]), {}).status_code == 403
    assert analyst_api.post(reverse("intake-proposals-reject", args=[proposal["id"]]), {}).status_code == 403


def test_the_endpoints_are_in_the_schema(analyst_api):
    paths = analyst_api.get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()["paths"]
    assert {
        "/api/v1/intake/reports/",
        "/api/v1/intake/proposals/{id}/accept/",
        "/api/v1/intake/proposals/{id}/reject/",
    } <= set(paths)


def test_a_report_given_by_its_link_is_fetched_and_a_private_one_is_refused(editor_api):
    from tests.intake.local_server import answer, serve

    page = f"<html><head><title>Onward</title></head><body><article><p>{TEXT}</p></article></body></html>"
    with serve({"/story": answer(200, page.encode())}) as (base, _):
        response = editor_api.post(REPORTS, {"url": f"{base}/story", "published_on": "2017-03-02"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["origin"] == "fetched" and _visit(response.json())["fields"]["start_date"] == "2017-03-15"
    refused = editor_api.post(REPORTS, {"url": "http://10.0.0.1/story"}, format="json")
    assert refused.status_code == 400 and "private" in refused.json()["error"]["fields"]["url"][0]
    missing = editor_api.post(REPORTS, {"text": TEXT}, format="json")
    assert missing.status_code == 400 and "published_on" in missing.json()["error"]["fields"]


def test_ten_megabytes_of_text_is_refused_before_it_is_read(editor_api):
    response = editor_api.post(REPORTS, {"text": "word " * 2_000_000, "published_on": "2017-03-02"}, format="json")
    assert response.status_code == 413 and response.json()["error"]["status"] == 413
    assert Report.objects.count() == 0
