"""One run, several files: a file refused is left out whole, before or while it is read; the others import."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from imports.importer import FileRefused
from imports.models import ImportRun
from imports.runner import run_import
from tests.trade.test_importers import api_file
from trade.importers import TradeImporter
from trade.models import TradeFlow

pytestmark = pytest.mark.django_db


class RefusedAtItsThirdRow(TradeImporter):
    """The trade importer, except that a file named cut.csv turns out bad at its third row, after
    a batch of it was written (a truncation or a bomb found only while streaming). Files are
    read on the row path, row by row (on PostgreSQL a Comtrade CSV is otherwise read in SQL,
    imports.staged, where a file COPY refuses is refused before anything of it is written)."""

    def staged_format(self, path):
        return None

    def read(self, path):
        for number, row in enumerate(super().read(path), 1):
            if path.name == "cut.csv" and number == 3:
                raise FileRefused(f"{path.name} line {row[0]}: found bad while reading")
            yield row


def partners(tmp_path, name, *codes):
    numeric = {"TJK": "762", "KAZ": "398", "KGZ": "417", "UZB": "860", "TKM": "795", "CHN": "156"}
    return api_file(tmp_path, *({"partnerCode": numeric[c], "partnerISO": c} for c in codes), name=name)


def test_a_file_refused_while_read_leaves_nothing_and_the_files_around_it_import(tmp_path):
    before = partners(tmp_path, "before.csv", "TJK")
    cut = partners(tmp_path, "cut.csv", "KAZ", "KGZ", "UZB")
    after = partners(tmp_path, "after.csv", "TKM", "CHN")

    run = run_import(RefusedAtItsThirdRow(), [before, cut, after], batch_size=1)

    assert sorted(TradeFlow.objects.values_list("partner", flat=True)) == ["CHN", "TJK", "TKM"]
    assert (run.status, run.rows_read, run.created, run.rejected) == (ImportRun.Status.SUCCEEDED, 3, 3, 0)
    assert run.refused == ["cut.csv line 4: found bad while reading"]
    assert run.message == "Refused, nothing of it imported: cut.csv line 4: found bad while reading."


def test_the_command_imports_the_good_files_names_the_refused_one_and_exits_with_an_error(tmp_path):
    good = partners(tmp_path, "good.csv", "TJK", "KAZ")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    out = io.StringIO()

    with pytest.raises(CommandError, match=r"Refused 1 of 2 files, nothing of them imported .*binary\.csv"):
        call_command("import_trade", str(good), str(binary), no_progress=True, stdout=out)

    assert "read 2, created 2, updated 0, unchanged 0, rejected 0" in out.getvalue()
    assert TradeFlow.objects.count() == 2


def test_a_dry_run_with_a_refused_file_still_saves_nothing(tmp_path):
    good = partners(tmp_path, "good.csv", "TJK")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")

    with pytest.raises(CommandError, match="empty.csv"):
        call_command("import_trade", str(good), str(empty), dry_run=True, no_progress=True, stdout=io.StringIO())

    assert not TradeFlow.objects.exists()


def test_the_keys_of_a_file_refused_while_read_go_with_it_so_a_later_file_may_hold_them(tmp_path):
    # Set-based runs keep the keys read in the database (imports.seen_sql), inside the file's
    # savepoint: cut.csv's KAZ, written in a batch before the file was refused, is not "read".
    cut = partners(tmp_path, "cut.csv", "KAZ", "KGZ", "UZB")
    after = partners(tmp_path, "after.csv", "KAZ", "TJK", "TJK")

    run = run_import(RefusedAtItsThirdRow(), [cut, after], batch_size=1, skip_bad_rows=True)

    assert sorted(TradeFlow.objects.values_list("partner", flat=True)) == ["KAZ", "TJK"]
    assert run.refused == ["cut.csv line 4: found bad while reading"]
    assert run.errors == [
        {
            "file": "after.csv",
            "line": 4,
            "reason": "duplicate id 'A/2021/52/RUS/TJK/X/TOTAL': already read at after.csv line 3",
        }
    ]
