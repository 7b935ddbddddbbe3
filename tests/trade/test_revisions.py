"""Releases and revisions (issue 20, item 2): an imported figure keeps the release it came from;
the same release again writes nothing; a release that changes a figure writes one revision
(old and new value and release, the run) and no audit-history row; a figure corrected by hand
keeps its audit history."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from imports.runner import run_import
from tests.api.conftest import token_client
from tests.core.admin_forms import admin_form_data
from tests.trade.test_importers import api_file
from trade.importers import TradeImporter
from trade.models import FlowRevision, TradeFlow

pytestmark = pytest.mark.django_db

YEARS = range(2001, 2021)  # 20 figures, one a year


def release_file(tmp_path, name: str, changed: dict[int, str] | None = None):
    """Russia's exports to Tajikistan for YEARS, USD 1,000 + the year, but the `changed` years' values."""
    changed = changed or {}
    rows = [
        {"refYear": str(year), "refPeriodId": f"{year}0101", "primaryValue": changed.get(year, str(1000 + year))}
        for year in YEARS
    ]
    return api_file(tmp_path, *rows, name=name)


def load(path, release: str, **kwargs):
    return run_import(TradeImporter(release=release, **kwargs), [path])


def test_a_release_that_changes_a_tenth_of_the_figures_writes_exactly_that_many_revisions(tmp_path):
    first = load(release_file(tmp_path, "2022.csv"), "2022")
    later = load(release_file(tmp_path, "2023.csv", changed={2019: "3100", 2020: "3200"}), "2023")

    assert (first.created, later.created, later.updated, later.unchanged) == (20, 0, 2, 18)
    revisions = FlowRevision.objects.order_by("flow__year")
    assert [(r.flow.year, r.old_value, r.new_value, r.old_release, r.new_release) for r in revisions] == [
        (2019, Decimal("3019"), Decimal("3100"), "2022", "2023"),
        (2020, Decimal("3020"), Decimal("3200"), "2022", "2023"),
    ]
    assert {r.import_run_id for r in revisions} == {later.pk}
    figures = {flow.year: flow for flow in TradeFlow.objects.all()}
    assert (figures[2020].value_usd, figures[2020].release, figures[2020].version) == (Decimal("3200"), "2023", 2)
    # A figure the new release repeats keeps the release it came from, untouched.
    assert {(figures[year].release, figures[year].version) for year in YEARS if year < 2019} == {("2022", 1)}
    assert not TradeFlow.history.exists()


def test_the_same_release_again_and_a_dry_run_of_a_changed_one_write_nothing(tmp_path):
    path = release_file(tmp_path, "2022.csv")
    load(path, "2022")
    stamps = list(TradeFlow.objects.order_by("pk").values_list("pk", "updated_at", "version"))

    again = load(path, "2022")
    relabelled = load(path, "2022 (second print)")
    dry = run_import(TradeImporter(release="2023"), [release_file(tmp_path, "2023.csv", {2020: "1"})], dry_run=True)

    assert (again.updated, again.unchanged, relabelled.updated, dry.updated) == (0, 20, 0, 1)
    assert list(TradeFlow.objects.order_by("pk").values_list("pk", "updated_at", "version")) == stamps
    assert not FlowRevision.objects.exists() and not TradeFlow.history.exists()


def test_a_figure_corrected_by_hand_keeps_its_audit_history_and_a_later_release_still_revises_it(
    tmp_path, client, admin_user
):
    load(release_file(tmp_path, "2022.csv"), "2022")
    flow = TradeFlow.objects.get(year=2020)
    client.force_login(admin_user)
    url = reverse("admin:trade_tradeflow_change", args=[flow.pk])
    response = client.post(url, admin_form_data(client.get(url)) | {"value_usd": "3025.50"})
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""

    later = load(release_file(tmp_path, "2023.csv", {2020: "3030"}), "2023")

    (hand,) = flow.history.all()
    assert (hand.history_type, hand.history_user, hand.value_usd) == ("~", admin_user, Decimal("3025.50"))
    (revision,) = FlowRevision.objects.all()
    assert (revision.old_value, revision.new_value, revision.import_run_id) == (
        Decimal("3025.50"),
        Decimal("3030"),
        later.pk,
    )
    flow.refresh_from_db()
    assert (flow.value_usd, flow.release, flow.version) == (Decimal("3030"), "2023", 3)


def test_the_api_gives_a_figures_revisions_oldest_first(tmp_path, analyst):
    load(release_file(tmp_path, "2022.csv"), "2022")
    load(release_file(tmp_path, "2023.csv", {2020: "3100"}), "2023")
    last = load(release_file(tmp_path, "2024.csv", {2020: "3150"}), "2024")
    api = token_client(analyst)
    revised, untouched = TradeFlow.objects.get(year=2020), TradeFlow.objects.get(year=2001)

    answer = api.get(reverse("trade-flows-revisions", args=[revised.pk]))

    assert answer.status_code == 200, answer.content[:300]
    assert [(r["old_value"], r["new_value"], r["old_release"], r["new_release"]) for r in answer.json()] == [
        ("3020.00", "3100.00", "2022", "2023"),
        ("3100.00", "3150.00", "2023", "2024"),
    ]
    assert answer.json()[-1]["import_run"] == last.pk
    assert api.get(reverse("trade-flows-revisions", args=[untouched.pk])).json() == []
    assert api.get("/api/v1/trade/flows/99999999/revisions/").status_code == 404


def test_the_pair_page_says_which_figures_a_later_release_revised(tmp_path, analyst_client):
    load(release_file(tmp_path, "2022.csv"), "2022")
    load(release_file(tmp_path, "2023.csv", {2020: "1114246510"}), "2023")

    page = analyst_client.get(reverse("pair", args=["RUS-TJK"])).content.decode()

    assert "Revised figures" in page
    assert (
        "Russia’s exports to Tajikistan, 2020: USD 1,114,246,510 in the 2023 release, revised from USD 3,020 in "
        "the 2022 release" in " ".join(page.split())
    )


def test_the_migration_drops_the_history_imports_wrote_and_keeps_what_editors_did(tmp_path, editor):
    from tests.imports.test_upsert import AuditedTradeImporter  # writes history rows as imports used to

    run_import(AuditedTradeImporter(user=editor), [release_file(tmp_path, "old.csv")])
    flow = TradeFlow.objects.get(year=2020)
    flow.value_usd, flow._change_reason = Decimal("1"), "corrected from the ministry's release"
    flow.save()
    assert TradeFlow.history.count() == 21

    migration = importlib.import_module("trade.migrations.0008_drop_imported_flow_history")
    migration.drop_imported_history(apps, None)

    (kept,) = TradeFlow.history.all()
    assert (kept.id, kept.history_change_reason, kept.value_usd) == (
        flow.pk,
        "corrected from the ministry's release",
        Decimal("1.00"),
    )
    # The figures themselves are untouched: each row is its latest state.
    assert TradeFlow.objects.count() == 20 and TradeFlow.objects.get(pk=flow.pk).value_usd == Decimal("1.00")
