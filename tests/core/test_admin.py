"""Every admin page an editor works in answers, and nobody anonymous gets in."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import TradeFlowFactory, VisitFactory

pytestmark = pytest.mark.django_db

MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)


# Reference or computed data: editors read it but cannot add to it (a news report comes in
# through the intake pages, which read it into proposals).
def read_only_for_editors(model) -> bool:
    return model._meta.label in ("directory.Country", "intake.Report") or model._meta.app_label == "timelines"


# Users, tokens and schedules are the admin role's alone.
ADMIN_ONLY = [
    m
    for m in MODELS
    if m._meta.app_label in ("auth", "django_celery_beat", "axes") or m._meta.label == "chancery.ApiToken"
]
CHANCERY_MODELS = [m for m in MODELS if m not in ADMIN_ONLY]


def url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", CHANCERY_MODELS, ids=lambda m: m._meta.label)
def test_an_editor_can_open_every_changelist(editor_client, model):
    assert editor_client.get(url(model, "changelist")).status_code == 200


@pytest.mark.parametrize("model", CHANCERY_MODELS, ids=lambda m: m._meta.label)
def test_an_editor_can_open_every_add_page_except_for_reference_data(editor_client, model):
    expected = 403 if read_only_for_editors(model) else 200
    assert editor_client.get(url(model, "add")).status_code == expected


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
@pytest.mark.parametrize("action", ["changelist", "add"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, model, action):
    response = client.get(url(model, action))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_analyst_cannot_use_the_admin(client, analyst):
    client.force_login(analyst)
    response = client.get(reverse("admin:visits_visit_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("model", ADMIN_ONLY, ids=lambda m: m._meta.label)
def test_users_tokens_and_schedules_are_for_admins_only(client, editor, admin_user, model):
    client.force_login(editor)
    assert client.get(url(model, "changelist")).status_code == 403
    client.force_login(admin_user)
    assert client.get(url(model, "changelist")).status_code == 200
    # Login-attempt records are written by django-axes alone; the rest can be added by hand.
    assert client.get(url(model, "add")).status_code == (403 if model._meta.app_label == "axes" else 200)


# Timeline entries are computed by the refresh jobs and import runs recorded by importers; news
# reports and feeds come in through the intake pages: none is demo content (their pages are
# tested in test_import_upload, tests/intake and below).
DEMO_MODELS = [
    m
    for m in CHANCERY_MODELS
    if m._meta.app_label not in ("timelines", "intake") and m._meta.label != "imports.ImportRun"
]


@pytest.mark.parametrize("model", DEMO_MODELS, ids=lambda m: m._meta.label)
def test_every_demo_record_change_page_opens_for_an_editor(editor_client, model):
    call_command("load_demo", verbosity=0)
    TradeFlowFactory()  # the demo case states claims; statistics come from the importers
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the demo data has no {model._meta.verbose_name}"
    assert editor_client.get(url(model, "change", obj.pk)).status_code == 200
    assert editor_client.get(url(model, "history", obj.pk)).status_code == 200


def test_the_visit_list_costs_the_same_queries_for_many_rows_as_for_few(editor_client):
    VisitFactory.create_batch(2)
    editor_client.get(
        url(VisitFactory._meta.model, "changelist")
    )  # the editor's permissions now cached, as after any first page
    with CaptureQueriesContext(connection) as few:
        editor_client.get(url(VisitFactory._meta.model, "changelist"))
    VisitFactory.create_batch(30)
    with CaptureQueriesContext(connection) as many:
        editor_client.get(url(VisitFactory._meta.model, "changelist"))
    assert len(many) == len(few)


def test_adding_a_visit_in_the_admin_starts_its_status_history(editor_client, editor):
    from visits.models import Visit

    person = VisitFactory().visitor
    response = editor_client.post(
        url(Visit, "add"),
        {
            "visitor": person.pk,
            "visitor_country": "RUS",
            "host_country": "KGZ",
            "locale": "Bishkek",
            "start_date": "2017-02-28",
            "start_precision": "day",
            "end_precision": "day",
            "kind": "official",
            "level": "head",
            "status": "announced",
            "summary": "",
            **{
                f"{prefix}-{field}": value
                for prefix in (
                    "participants",
                    "agenda_items",
                    "status_changes",
                    "directory-citation-content_type-object_id",
                )
                for field, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
            },
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    visit = Visit.objects.get(host_country="KGZ")
    assert list(visit.status_changes.values_list("from_status", "to_status", "recorded_by")) == [
        ("", "announced", editor.pk)
    ]


def test_the_admin_shows_status_read_only_on_an_existing_visit(editor_client):
    visit = VisitFactory(status="announced")
    response = editor_client.get(url(type(visit), "change", visit.pk))
    assert b'name="status"' not in response.content


def test_a_timeline_entry_is_shown_read_only(editor_client):
    import datetime

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from timelines.models import TimelineEntry

    visit = VisitFactory()
    entry = TimelineEntry.objects.create(
        key=f"visit:{visit.pk}",
        kind="visit",
        date=datetime.date(2017, 2, 27),
        title="Putin in Dushanbe",
        country_a_id="RUS",
        country_b_id="TJK",
        content_type=ContentType.objects.get_for_model(visit),
        object_id=str(visit.pk),
        source_updated_at=timezone.now(),
    )
    response = editor_client.get(url(TimelineEntry, "change", entry.pk))
    assert response.status_code == 200
    assert b"Putin in Dushanbe" in response.content
    assert b'name="title"' not in response.content


def test_a_report_and_a_feed_open_in_the_admin_for_an_editor(editor_client):
    from intake.models import Feed, Publication, Report

    report = Report.objects.create(
        title="A report", text="Text.", published_on="2017-02-01", origin="pasted", fingerprint="1" * 64
    )
    Publication.objects.create(report=report, title="A report", published_on="2017-02-01")
    feed = Feed.objects.create(url="https://feeds.example/a.xml")
    for model, record in ((Report, report), (Feed, feed)):
        assert editor_client.get(url(model, "change", record.pk)).status_code == 200
        assert editor_client.get(url(model, "history", record.pk)).status_code == 200
