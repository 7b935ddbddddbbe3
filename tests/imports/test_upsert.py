"""Importers with upsert_in_sql write a batch in a few statements on both databases, whatever its size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imports.runner import SET_BASED, run_import
from tests.trade.test_importers import api_file
from trade.importers import TradeImporter
from trade.models import FlowRevision, TradeFlow

pytestmark = pytest.mark.django_db


def figures(tmp_path, years: int, value="10", name="flows.csv"):
    """A figure a year: one reporter and partner, so the keys differ by year alone."""
    rows = [{"refYear": str(1900 + n), "refPeriodId": f"{1900 + n}0101", "primaryValue": value} for n in range(years)]
    return api_file(tmp_path, *rows, name=name)


def write_queries(tmp_path, years, value="10"):
    path = figures(tmp_path, years, value=value, name=f"{years}-{value}.csv")
    with CaptureQueriesContext(connection) as queries:
        run = run_import(TradeImporter(), [path])
    written = [q["sql"] for q in queries.captured_queries if "trade_tradeflow" in q["sql"].lower()]
    return run, written


def test_this_database_has_a_set_based_writer():
    assert connection.vendor in SET_BASED


def test_a_batch_is_written_in_the_same_statements_whether_it_holds_two_figures_or_two_hundred(tmp_path):
    # Through the ORM, SQLite's limit on query parameters would split 200 rows into several
    # inserts of the rows and several of their history.
    small_run, small = write_queries(tmp_path, 2)
    TradeFlow.objects.all().delete()
    TradeFlow.history.all().delete()
    large_run, large = write_queries(tmp_path, 200)

    assert (small_run.created, large_run.created) == (2, 200)
    assert len(small) == len(large) <= 8, large


def test_an_update_batch_is_as_few_statements_and_versions_and_revisions_follow(tmp_path):
    write_queries(tmp_path, 200)
    run, updates = write_queries(tmp_path, 200, value="11")

    assert (run.created, run.updated, run.unchanged) == (0, 200, 0)
    assert len(updates) <= 8, updates
    assert set(TradeFlow.objects.values_list("version", flat=True)) == {2}
    # Figures are statistics: a revision each, in the same statements, and no history rows.
    assert FlowRevision.objects.filter(old_value=10, new_value=11, import_run=run).count() == 200
    assert not TradeFlow.history.exists()


class AuditedTradeImporter(TradeImporter):
    """An importer of records that are audited row by row (no `revisions`) on the same path."""

    revisions = None


def test_without_revisions_the_same_statements_write_an_audit_row_per_record_created_or_changed(tmp_path, editor):
    run_import(AuditedTradeImporter(user=editor), [figures(tmp_path, 3)])
    run = run_import(AuditedTradeImporter(user=editor), [figures(tmp_path, 3, value="11", name="later.csv")])

    assert (run.created, run.updated) == (0, 3)
    history = TradeFlow.history.all()
    assert sorted(history.values_list("history_type", flat=True)) == ["+", "+", "+", "~", "~", "~"]
    assert {h.history_user for h in history} == {editor}
    assert {h.history_change_reason for h in history.filter(history_type="~")} == {f"import (import run {run.pk})"}
    assert not FlowRevision.objects.exists()
