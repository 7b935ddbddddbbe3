"""export_data and import_data round-trip everything, audit history included."""

import datetime
import io
import json

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import CommandError, call_command

from core.backup import EXCLUDED_FROM_BACKUP
from core.exact_json import FORMAT
from tests.factories import TradeFlowFactory, VisitFactory

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, str]:
    """A fingerprint of every backed-up table: its rows, serialised in key order, to the microsecond."""
    result = {}
    for model in apps.get_models():
        label = model._meta.label
        if (
            model._meta.app_label in [e for e in EXCLUDED_FROM_BACKUP if "." not in e]
            or label.lower() in EXCLUDED_FROM_BACKUP
        ):
            continue
        # Natural primary keys too: a user is restored by username, whatever id it then gets.
        rows = serializers.serialize(
            FORMAT, model._default_manager.order_by("pk"), use_natural_foreign_keys=True, use_natural_primary_keys=True
        )
        result[label] = json.dumps(json.loads(rows), sort_keys=True)
    return result


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restores_every_record_and_its_history(tmp_path, editor):
    call_command("load_demo", verbosity=0)
    visit = VisitFactory(locale="Dushanbe")
    visit.locale = "Khujand"
    visit.save()
    TradeFlowFactory()
    before = snapshot()
    path = tmp_path / "backup.json"

    call_command("export_data", str(path), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    assert not apps.get_model("visits.Visit").objects.exists()
    call_command("import_data", str(path), verbosity=0)

    after = snapshot()
    changed = {
        label: _first_difference(before[label], after.get(label, ""))
        for label in before
        if after.get(label) != before[label]
    }
    assert not changed, changed
    assert apps.get_model("visits.Visit").history.filter(locale="Dushanbe").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_keeps_timestamps_to_the_microsecond(tmp_path):
    """Django's JSON cuts times to milliseconds: 00.000456 came back as 00, 1 run in ~5 (found by the test above)."""
    visit = VisitFactory()
    Visit = apps.get_model("visits.Visit")
    stamps = {
        "updated_at": datetime.datetime(2025, 3, 1, 12, 0, 0, 456, tzinfo=datetime.UTC),
        "created_at": datetime.datetime(2025, 3, 1, 11, 59, 59, 123456, tzinfo=datetime.UTC),
    }
    Visit.objects.filter(pk=visit.pk).update(**stamps)
    history_date = datetime.datetime(2025, 3, 1, 12, 0, 0, 7, tzinfo=datetime.UTC)
    Visit.history.filter(id=visit.pk).update(history_date=history_date)
    path = tmp_path / "backup.json"

    call_command("export_data", str(path), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("import_data", str(path), verbosity=0)

    restored = Visit.objects.get(pk=visit.pk)
    assert (restored.updated_at, restored.created_at) == (stamps["updated_at"], stamps["created_at"])
    assert set(Visit.history.filter(id=visit.pk).values_list("history_date", flat=True)) == {history_date}


def test_restoring_over_existing_records_is_refused(tmp_path):
    VisitFactory()
    path = tmp_path / "backup.json"
    call_command("export_data", str(path), verbosity=0)
    with pytest.raises(CommandError, match="already holds records"):
        call_command("import_data", str(path), stdout=io.StringIO())


def _first_difference(a: str, b: str) -> str:
    at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return f"...{a[max(0, at - 80) : at + 80]}... vs ...{b[max(0, at - 80) : at + 80]}..."
