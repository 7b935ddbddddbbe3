"""Every admin URL and action of every tracked model leaves status and version to the services.

The walk posts each admin page back as a browser would, then with the status and the version
of its choosing, and each action on a selection. Whatever it posts, a record's version never
goes back and moves by one save at most, and its status changes only with the history row the
status service writes. An admin URL or action the walk cannot fill fails it, so a new one is
checked the day it appears (issue 19, finding 1: History → Revert wrote an old row back).
"""

import datetime
import re

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.urls import reverse

from imports.models import ImportRun
from intake.models import Feed, Report
from tests import factories
from tests.core.admin_forms import admin_form_data, page_form
from timelines.models import RefreshRun

pytestmark = pytest.mark.django_db

FACTORIES = {
    "agreements.Agreement": factories.AgreementFactory,
    "directory.Citation": factories.CitationFactory,
    "directory.Organisation": factories.OrganisationFactory,
    "directory.Person": factories.PersonFactory,
    "directory.Position": factories.PositionFactory,
    "directory.Source": factories.SourceFactory,
    "trade.TradeClaim": factories.TradeClaimFactory,
    "trade.TradeFlow": factories.TradeFlowFactory,
    "visits.AgendaItem": factories.AgendaItemFactory,
    "visits.NegotiationTopic": factories.NegotiationTopicFactory,
    "visits.TopicStance": factories.TopicStanceFactory,
    "visits.Tour": factories.TourFactory,
    "visits.Visit": factories.VisitFactory,
    "intake.Feed": lambda **fields: Feed.objects.create(
        **{"url": "https://feeds.example/world.xml", "title": "World", **fields}
    ),
    "intake.Report": lambda **fields: Report.objects.create(
        **{
            "title": "A report",
            "text": "Text.",
            "published_on": datetime.date(2017, 2, 1),
            "origin": "pasted",
            "fingerprint": "2" * 64,
            **fields,
        }
    ),
    "imports.ImportRun": lambda **fields: ImportRun.objects.create(
        importer="trade", files="flows.csv", status="succeeded"
    ),
    "timelines.RefreshRun": lambda **fields: RefreshRun.objects.create(
        scope="full", trigger="command", status="succeeded"
    ),
}


def tracked(model) -> bool:
    names = {field.name for field in model._meta.get_fields()}
    return "version" in names or "status" in names


TRACKED = sorted((m for m in admin.site._registry if tracked(m)), key=lambda m: m._meta.label)


def record_patterns(model):
    """Every admin URL pattern of the model that names a record: routes with converters
    ("<path:object_id>/change/") and regular expressions with groups (simple_history's)."""
    return [p for p in admin.site._registry[model].get_urls() if p.pattern.converters or p.pattern.regex.groups]


class _EditorRequest:
    """Enough of a request for has_change_permission: an editor's."""

    @property
    def user(self):
        return get_user_model().objects.get(username="editor")


EDITOR_REQUEST = _EditorRequest()

URLS = [(model, pattern) for model in TRACKED for pattern in record_patterns(model)]


# What tells a second record apart where a unique key would take the first one's.
SECOND = {
    "trade.TradeFlow": {"year": 2015},
    "trade.TradeClaim": {"year": 2015},
    "intake.Feed": {"url": "https://feeds.example/other.xml"},
    "intake.Report": {"fingerprint": "3" * 64},
}


def with_history(model, **fields):
    """A record of the model with three versions: made, edited, edited; a status record moves
    through its machine twice on the way."""
    record = FACTORIES[model._meta.label](**fields)
    for _ in range(2):
        if hasattr(model, "status_machine"):
            from core.status import change_status

            machine = model.status_machine
            target = next(t for t in machine.allowed_targets(record.status) if machine.allowed_targets(t))
            change_status(record, to_status=target, on=datetime.date(2017, 3, 1))
        else:
            record.save()
        record.refresh_from_db()
    return record


def governs_status(model) -> bool:
    """A status only the services change: one with a machine, or any status of a record the
    admin only shows (an import run's, a refresh run's). A topic's status is an ordinary field."""
    model_admin = admin.site._registry[model]
    return hasattr(model, "status_machine") or not model_admin.has_change_permission(EDITOR_REQUEST)


def state(record):
    """What only the services may change: the version, and the status with its history."""
    row = type(record)._default_manager.filter(pk=record.pk).values().first()
    if row is None:
        return None
    rows = list(record.status_changes.values_list("to_status", flat=True)) if hasattr(record, "status_changes") else []
    status = row.get("status") if governs_status(type(record)) else None
    return {"version": row.get("version"), "status": status, "status_rows": rows}


def assert_kept_to_the_services(before, after, where):
    if after is None:  # deleted: a deletion changes no status and no version
        return
    if before["version"] is not None:
        assert before["version"] <= after["version"] <= before["version"] + 1, (
            f"{where}: version {before['version']} -> {after['version']}"
        )
    if after["status"] != before["status"]:
        assert after["status_rows"] == [*before["status_rows"], after["status"]], (
            f"{where}: status {before['status']} -> {after['status']} without the service's history row"
        )
    else:
        assert after["status_rows"] == before["status_rows"], f"{where}: a history row without a status change"


def hostile_form_data(response, record) -> dict:
    """The POST the page's form would send, then the status and version a hostile editor wants:
    another status, the first version, and the current version as the one loaded (so the stale
    check passes and only the path itself can refuse)."""
    data = admin_form_data(response)
    form = page_form(response)
    current_status = getattr(record, "status", None)
    for name in ("status", "to_status"):
        field = form.fields.get(name)
        choices = [value for value, _ in getattr(field, "choices", []) if value and value != current_status]
        data[name] = choices[0] if choices else "rumoured"
    data.update(
        version="1", loaded_version=str(getattr(record, "version", 1)), on=data.get("on") or "2017-03-02", post="yes"
    )
    return data


def record_url(model, pattern, record) -> str:
    """The URL of the pattern for the record: its id, then the id of its oldest past version."""
    fills = {
        "object_id": lambda: record.pk,
        "version_id": lambda: record.history.order_by("history_id")[0].history_id,
    }
    keys = list(pattern.pattern.converters) or list(fills)[: pattern.pattern.regex.groups]
    unknown = set(keys) - set(fills)
    assert not unknown, f"the walk does not know how to fill {unknown} in {pattern.pattern}: teach it, check the path"
    if pattern.name:
        return reverse(f"admin:{pattern.name}", args=[fills[key]() for key in keys])
    # Django's unnamed "<path:object_id>/" (a redirect to the change page).
    changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return changelist + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(fills[m.group(1)]()), str(pattern.pattern))


def label(value):
    return value._meta.label if hasattr(value, "_meta") else str(getattr(value, "pattern", value))


@pytest.mark.parametrize(("model", "pattern"), URLS, ids=label)
def test_no_admin_url_changes_a_status_or_a_version_outside_the_services(editor_client, model, pattern):
    record = with_history(model)
    url = record_url(model, pattern, record)
    page = editor_client.get(url)
    assert page.status_code < 500, url
    before = state(record)
    if page.status_code == 200 and page.context is not None and ("adminform" in page.context or "form" in page.context):
        data = hostile_form_data(page, record)
    else:
        data = {
            "status": "rumoured",
            "version": "1",
            "loaded_version": str(getattr(record, "version", 1)),
            "post": "yes",
        }
    answer = editor_client.post(url, data)
    assert answer.status_code < 500, url
    if url.endswith("/change/") and admin.site._registry[model].has_change_permission(EDITOR_REQUEST):
        assert answer.status_code == 302, f"{url}: the walk's post was not saved, so it proved nothing"
    assert_kept_to_the_services(before, state(record), f"POST {url}")


def test_history_revert_is_refused_and_leaves_the_record_as_it_was(editor_client):
    visit = with_history(factories.VisitFactory._meta.model)
    oldest = visit.history.order_by("history_id")[0]
    url = reverse("admin:visits_visit_simple_history", args=[visit.pk, oldest.history_id])
    page = editor_client.get(url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # the past version is shown to read, with no button to revert
    before, versions = state(visit), visit.history.count()
    answer = editor_client.post(url, hostile_form_data(page, visit))
    assert answer.status_code == 405
    assert state(visit) == before
    assert visit.history.count() == versions


ACTIONS = [(model, name) for model in TRACKED for _, name, _ in admin.site._registry[model]._get_base_actions()]


@pytest.mark.parametrize(("model", "action"), ACTIONS, ids=label)
def test_no_admin_action_changes_a_status_or_a_version_outside_the_services(editor_client, model, action):
    records = [with_history(model), with_history(model, **SECOND.get(model._meta.label, {}))]
    before = [state(record) for record in records]
    answer = editor_client.post(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [r.pk for r in records], "survivor": records[0].pk, "post": "yes"},
    )
    assert answer.status_code < 500
    for record, was in zip(records, before, strict=True):
        assert_kept_to_the_services(was, state(record), f"{action} on {record}")


@pytest.mark.parametrize("model", TRACKED, ids=lambda m: m._meta.label)
def test_no_tracked_model_is_edited_in_the_changelist(model):
    # list_editable would save rows without the form's version check: keep edits on the change page.
    assert not admin.site._registry[model].list_editable
