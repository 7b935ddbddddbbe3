"""Editors upload a file in the admin; a real Celery worker imports it; the page shows the result."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from imports.models import ImportRun
from visits.models import Visit

TRIP = b"""<?xml version="1.0" encoding="UTF-8"?>
<trips><trip role="president" who="obama-barack"><id>2961</id><name>Barack Obama</name>
<start-date>2009-03-31</start-date><end-date>2009-04-03</end-date><country id="united-kingdom">United Kingdom</country>
<locale>London</locale><remarks>Attended the G-20 Economic Summit Meeting.</remarks></trip>
<trip role="president" who="obama-barack"><id>2962</id><name>Barack Obama</name>
<start-date>2009-04-03</start-date><end-date>2009-04-01</end-date><country id="france">France</country></trip></trips>"""


def wait_for_run(pk, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = ImportRun.objects.get(pk=pk)
        if run.status not in (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING):
            return run
        time.sleep(0.2)
    pytest.fail(f"import run {pk} still {run.status} after {timeout}s")


@pytest.mark.celery_worker
def test_an_uploaded_file_is_imported_by_the_worker_and_the_page_shows_the_result(
    celery_worker, client, editor, tmp_path
):
    client.force_login(editor)
    with override_settings(MEDIA_ROOT=tmp_path):
        response = client.post(
            reverse("admin:imports_importrun_add"),
            {"importer": "hsg-travels", "upload": SimpleUploadedFile("obama.xml", TRIP, "text/xml")},
        )
        assert response.status_code == 302
        run = wait_for_run(ImportRun.objects.get().pk)

        assert (run.status, run.user, run.rows_read, run.created, run.rejected) == ("succeeded", editor, 2, 1, 1), (
            run.errors
        )
        assert Visit.objects.get().locale == "London"
        page = client.get(response["Location"]).content.decode()
    assert "Read 2: created 1, updated 0" in page
    assert "A visit cannot end before it starts." in page
    assert 'http-equiv="refresh"' not in page


@pytest.mark.django_db
def test_an_upload_over_the_limit_is_refused_with_the_sizes(editor_client, tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path, IMPORT_UPLOAD_MAX_BYTES=100):
        response = editor_client.post(
            reverse("admin:imports_importrun_add"),
            {"importer": "hsg-travels", "upload": SimpleUploadedFile("big.xml", TRIP, "text/xml")},
        )
    assert response.status_code == 200
    assert "the limit is 100\xa0bytes" in response.content.decode()
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
def test_a_file_of_the_wrong_type_for_the_importer_is_refused(editor_client, tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        response = editor_client.post(
            reverse("admin:imports_importrun_add"),
            {"importer": "trade", "upload": SimpleUploadedFile("obama.xml", TRIP, "text/xml")},
        )
    assert "This importer reads .csv files." in response.content.decode()
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
def test_a_queued_run_page_refreshes_itself_until_it_ends(editor_client, editor):
    run = ImportRun.objects.create(importer="trade", files="x.csv", user=editor)
    page = editor_client.get(reverse("admin:imports_importrun_change", args=[run.pk])).content.decode()
    assert 'http-equiv="refresh"' in page
    assert "Waiting for a worker to start it." in page


@pytest.mark.django_db
def test_an_analyst_cannot_start_an_import(client, analyst):
    client.force_login(analyst)
    response = client.get(reverse("admin:imports_importrun_add"))
    assert response.status_code == 302
