"""The intake pages: a report pasted in, its page with each proposal marked on its words, and
the editor's Accept, Edit, Reject and "accept all confident". The reports are ours."""

import datetime

import pytest
from django.urls import reverse

from intake.models import Proposal, Report
from intake.services import store_report
from visits.models import Visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo", "empty_cache")]

REPORT = (
    "Astana, 2 March 2017. The President of Russia will travel to Kyrgyzstan on 15 March for a working "
    "visit, the Kremlin said in a statement. Unnamed diplomats said he may also stop in Kazakhstan."
)


def _paste(client, **extra):
    data = {"text": REPORT, "published": "2017-03-02", "language": "en", "outlet": "Wire A", **extra}
    return client.post(reverse("intake-new"), data)


def test_an_editor_pastes_a_report_and_lands_on_its_page_with_the_proposals_marked(editor_client):
    response = _paste(editor_client)
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("intake-report", args=[report.pk])
    page = editor_client.get(response["Location"])
    visit = report.proposals.get(kind="visit", fields__host_country="KGZ")
    html = page.content.decode()
    assert f'data-proposals="proposal-{visit.pk}"' in html
    assert f'id="proposal-{visit.pk}"' in html and "Accept all confident" in html
    # the Edit page is the entry form, pre-filled from the proposal
    assert reverse("intake-edit", args=[visit.pk]) in html
    form = editor_client.get(reverse("intake-edit", args=[visit.pk])).context["form"]
    assert form.initial["host_country"] == "KGZ" and form.initial["start"] == "2017-03-15"


def test_a_paste_without_text_or_with_a_month_for_a_date_is_refused_on_the_form(editor_client):
    response = _paste(editor_client, text=" ")
    assert (
        response.status_code == 200
        and "Paste the report&#x27;s text, upload a file or give its link." in response.content.decode()
    )
    response = _paste(editor_client, published="2017-03")
    assert "Give the day" in response.content.decode()
    assert Report.objects.count() == 0


def test_accept_edit_and_reject_from_the_page(editor_client, editor):
    report, _ = store_report(text=REPORT, published_on=datetime.date(2017, 3, 2))
    visit = report.proposals.get(kind="visit", fields__host_country="KGZ")
    rumour = report.proposals.exclude(pk=visit.pk).filter(kind="visit").first()

    # Edit: the editor corrects the day before accepting
    edited = {
        "edited": "1",
        "proposal_version": visit.version,
        "visitor": "Vladimir Putin",
        "visitor_country": "RUS",
        "host_country": "KGZ",
        "start": "2017-03-16",
        "status": "announced",
        "kind": "working",
        "reliability": "official_statement",
        "speaker_is": "person",
    }
    response = editor_client.post(reverse("intake-accept", args=[visit.pk]), edited)
    assert response.status_code == 302
    made = Visit.objects.get(host_country="KGZ", start_date=datetime.date(2017, 3, 16))
    visit.refresh_from_db()
    assert visit.state == "accepted" and visit.record == made and visit.decided_by == editor

    if rumour is not None:
        editor_client.post(reverse("intake-reject", args=[rumour.pk]), {"reason": "Only a rumour."})
        rumour.refresh_from_db()
        assert (rumour.state, rumour.note) == ("rejected", "Only a rumour.")


def test_an_edit_the_form_refuses_shows_the_form_again_with_its_error(editor_client):
    report, _ = store_report(text=REPORT, published_on=datetime.date(2017, 3, 2))
    visit = report.proposals.get(kind="visit", fields__host_country="KGZ")
    bad = {"edited": "1", "host_country": "KGZ", "visitor_country": "RUS", "start": "15 March", "status": "announced"}
    response = editor_client.post(reverse("intake-accept", args=[visit.pk]), bad)
    assert response.status_code == 200 and "is not a date" in response.content.decode()
    visit.refresh_from_db()
    assert visit.state == "pending"


def test_accept_all_confident_accepts_those_that_can_go_through(editor_client):
    report, _ = store_report(text=REPORT, published_on=datetime.date(2017, 3, 2))
    editor_client.post(reverse("intake-accept-confident", args=[report.pk]))
    states = dict(report.proposals.values_list("fields__host_country", "state"))
    assert states["KGZ"] == "accepted"
    assert Visit.objects.filter(host_country="KGZ", start_date=datetime.date(2017, 3, 15)).exists()


def test_an_analyst_reads_the_pages_but_cannot_decide(analyst_client):
    report, _ = store_report(text=REPORT, published_on=datetime.date(2017, 3, 2))
    proposal = report.proposals.first()
    page = analyst_client.get(reverse("intake-report", args=[report.pk]))
    assert page.status_code == 200 and "Accept all confident" not in page.content.decode()
    assert analyst_client.post(reverse("intake-accept", args=[proposal.pk])).status_code == 403
    assert analyst_client.post(reverse("intake-reject", args=[proposal.pk])).status_code == 403
    assert analyst_client.post(reverse("intake-accept-confident", args=[report.pk])).status_code == 403
    assert _paste(analyst_client).status_code == 403
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.PENDING


def test_a_report_page_costs_as_many_queries_with_many_proposals_as_with_few(
    editor_client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    few, _ = store_report(text=REPORT, published_on=datetime.date(2017, 3, 2))
    hosts = ["Kyrgyzstan", "Kazakhstan", "Uzbekistan", "Turkmenistan", "Armenia", "Azerbaijan", "Belarus", "Mongolia"]
    many_text = " ".join(
        f"The President of Russia will travel to {host} on {day} March 2018 for a working visit, the Kremlin said."
        for day, host in zip(range(1, 25, 3), hosts, strict=True)
    )
    many, _ = store_report(text=many_text, published_on=datetime.date(2018, 2, 1))
    assert many.proposals.count() > few.proposals.count()
    counts = []
    for report in (few, many):
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(reverse("intake-report", args=[report.pk])).status_code == 200
        counts.append(len(captured))
    assert counts[1] <= counts[0]


def test_the_review_queue_lists_a_report_that_contradicts_the_record(client, admin_user):
    report, _ = store_report(
        text="The President of Russia will arrive in Dushanbe on 3 March for an official visit, a government source said.",
        published_on=datetime.date(2017, 2, 21),
    )
    proposal = report.proposals.get(conflict=True)
    client.force_login(admin_user)
    html = client.get(reverse("review-queue")).content.decode()
    assert "Reports that contradict the record (1)" in html
    assert f"{reverse('intake-report', args=[report.pk])}#proposal-{proposal.pk}" in html
    assert "start_date recorded 2017-02-27, reported 2017-03-03" in html


def test_a_report_uploaded_as_a_file_or_given_by_its_link_is_read(editor_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.intake.local_server import answer, serve

    upload = SimpleUploadedFile("report.txt", REPORT.encode(), content_type="text/plain")
    response = editor_client.post(reverse("intake-new"), {"file": upload, "published": "2017-03-02", "language": "en"})
    assert response.status_code == 302 and Report.objects.get().origin == "uploaded"

    story = "Bishkek, 3 March 2017. The Kyrgyz foreign minister will visit Moscow next week, the ministry said. " * 3
    page = f"<html><head><title>Onward to Moscow</title></head><body><article><p>{story}</p></article></body></html>"
    with serve({"/story": answer(200, page.encode())}) as (base, _):
        response = editor_client.post(
            reverse("intake-new"), {"url": f"{base}/story", "published": "2017-03-03", "language": "en"}
        )
    fetched = Report.objects.get(origin="fetched")
    assert response.status_code == 302 and fetched.title == "Onward to Moscow"
    assert fetched.publications.get().url == f"{base}/story"


def test_a_bad_file_or_an_unreachable_link_is_refused_on_the_form(editor_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("report.exe", b"MZ\x00\x00", content_type="application/octet-stream")
    response = editor_client.post(reverse("intake-new"), {"file": bad, "published": "2017-03-02", "language": "en"})
    assert response.status_code == 200 and "report.exe" in response.content.decode()
    response = editor_client.post(reverse("intake-new"), {"url": "http://127.0.0.1:9/x", "language": "en"})
    assert response.status_code == 200 and "loopback" in response.content.decode()
    assert Report.objects.count() == 0


def test_html_with_scripts_pasted_as_text_is_shown_as_text_never_run(editor_client):
    hostile = '<script>document.title="owned"</script><img src=x onerror=alert(1)> ' + REPORT
    _paste(editor_client, text=hostile)
    report = Report.objects.get()
    html = editor_client.get(reverse("intake-report", args=[report.pk])).content.decode()
    assert "<script>document.title" not in html and "&lt;script&gt;document.title" in html
    assert "<img src=x" not in html
