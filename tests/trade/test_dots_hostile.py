"""import_trade on hostile and broken xlsx files, each made here with openpyxl or zipfile.

What the importer refuses before parsing refuses the command (nothing is stored, as for a
CSV it cannot read); a DOTS workbook whose structure is wrong stores nothing of itself while
the other files import; a cell that cannot be a figure is rejected with its sheet and cell.
"""

import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError

from imports.models import ImportRun
from tests.trade.test_dots import last_run, run, write_dots
from trade.importers.xlsx import MB, OLE_MAGIC
from trade.models import TradeFlow

pytestmark = pytest.mark.django_db


def rewrite(source: Path, target: Path, change=lambda name, data: data, add: dict[str, bytes] | None = None) -> Path:
    """A copy of a zip with change(name, bytes) -> bytes applied to each part, and parts added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for part in old.infolist():
            new.writestr(part.filename, change(part.filename, old.read(part)))
        for name, data in (add or {}).items():
            new.writestr(name, data)
    return target


def _not_a_zip(tmp_path: Path) -> Path:
    path = tmp_path / "bad.xlsx"
    path.write_text("FREQ,REF_AREA\nA,RU\n", encoding="utf-8")
    return path


def _password_protected(tmp_path: Path) -> Path:
    path = tmp_path / "bad.xlsx"  # Excel's encrypted workbooks are OLE compound files
    path.write_bytes(OLE_MAGIC + bytes(504) + b"EncryptionInfo" + bytes(1000))
    return path


def _truncated(tmp_path: Path) -> Path:
    good = write_dots(tmp_path / "whole.xlsx")
    path = tmp_path / "bad.xlsx"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    return path


def _bad_crc(tmp_path: Path) -> Path:
    good = write_dots(tmp_path / "whole.xlsx")
    with zipfile.ZipFile(good) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(good.read_bytes())
    start = sheet.header_offset + 30 + len(sheet.filename) + len(sheet.extra)
    data[start + sheet.compress_size // 2] ^= 0xFF  # one byte of the sheet's compressed data
    path = tmp_path / "bad.xlsx"
    path.write_bytes(bytes(data))
    return path


def _plain_zip(tmp_path: Path) -> Path:
    path = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "not a workbook")
    return path


def _huge_shared_strings(tmp_path: Path) -> Path:
    # openpyxl writes its strings inline; Excel puts them in xl/sharedStrings.xml, read whole
    strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    strings += b"<si><t>x</t></si>" * (17 * MB // 17 + 1) + b"</sst>"  # 17 MB that deflate to a few KB
    return rewrite(write_dots(tmp_path / "whole.xlsx"), tmp_path / "bad.xlsx", add={"xl/sharedStrings.xml": strings})


def _compressed_too_well(tmp_path: Path) -> Path:
    padding = b" " * (8 * MB)  # whitespace XML allows: 8 MB that deflate 1000 to 1
    return rewrite(
        write_dots(tmp_path / "whole.xlsx"),
        tmp_path / "bad.xlsx",
        lambda name, data: data.replace(b"<sheetData>", padding + b"<sheetData>") if "sheet1" in name else data,
    )


def _huge_dimension(tmp_path: Path) -> Path:
    return rewrite(
        write_dots(tmp_path / "whole.xlsx"),
        tmp_path / "bad.xlsx",
        lambda name, data: (
            re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data)
            if "worksheets/sheet2" in name
            else data
        ),
    )


def _no_dimension(tmp_path: Path) -> Path:
    return rewrite(
        write_dots(tmp_path / "whole.xlsx"),
        tmp_path / "bad.xlsx",
        lambda name, data: re.sub(rb"<dimension [^>]*/>", b"", data) if "worksheets/" in name else data,
    )


def _other_sheets(tmp_path: Path) -> Path:
    return write_dots(tmp_path / "bad.xlsx", sheets=("Sheet1", "Sheet2"))


def _other_unit(tmp_path: Path) -> Path:
    return write_dots(tmp_path / "bad.xlsx", unit="US Dollars")


@pytest.mark.parametrize(
    "write, message",
    [
        (_not_a_zip, "bad.xlsx: not an xlsx workbook (an xlsx file is a zip archive; this one is not)"),
        (
            _password_protected,
            "bad.xlsx: an OLE compound file (D0 CF 11 E0), not an xlsx workbook: a password-protected",
        ),
        (_truncated, "bad.xlsx: a damaged zip archive, not a readable xlsx workbook"),
        (_bad_crc, "bad.xlsx: "),
        (_plain_zip, "bad.xlsx: a zip archive but not an xlsx workbook (no [Content_Types].xml, xl/workbook.xml)"),
        (_huge_shared_strings, "bad.xlsx: part xl/sharedStrings.xml is 17 MB uncompressed, more than 16 MB"),
        (_compressed_too_well, "bad.xlsx: part xl/worksheets/sheet1.xml is compressed"),
        (_huge_dimension, "bad.xlsx: xl/worksheets/sheet2.xml declares 1,048,576 rows and 16,384 columns"),
        (_no_dimension, "declares no dimension, so its size cannot be checked before reading"),
        (_other_sheets, "bad.xlsx: an xlsx workbook but not an IMF DOTS workbook (no sheet 'Exports, FOB' or"),
        (_other_unit, "bad.xlsx: not an IMF DOTS workbook: sheet 'Exports, FOB', cell B5 is 'US Dollars'"),
    ],
    ids=[
        "not-a-zip",
        "password-protected",
        "truncated",
        "bad-crc",
        "zip-not-xlsx",
        "huge-shared-strings",
        "compression-ratio",
        "huge-dimension",
        "no-dimension",
        "other-sheets",
        "other-unit",
    ],
)
def test_a_file_that_is_not_a_safe_dots_workbook_is_refused_before_parsing_and_the_good_file_beside_it_imports(
    tmp_path, write, message
):
    good = write_dots(tmp_path / "good.xlsx")
    bad = write(tmp_path)

    with pytest.raises(CommandError, match="Refused, nothing imported: ") as excinfo:
        run(bad)
    assert message in str(excinfo.value)
    assert not TradeFlow.objects.exists()
    assert (last_run().status, last_run().created) == (ImportRun.Status.REFUSED, 0)

    with pytest.raises(CommandError, match="Refused 1 of 2 files") as excinfo:
        run(good, bad)
    assert message in str(excinfo.value)
    assert set(TradeFlow.objects.values_list("reporter", flat=True)) == {"TJK"}
    assert (last_run().status, last_run().created) == (ImportRun.Status.SUCCEEDED, 4)


def test_a_damaged_part_is_named(tmp_path):
    with pytest.raises(
        CommandError, match=r"bad\.xlsx: (part xl/worksheets/sheet1\.xml of the zip is damaged|a damaged zip)"
    ):
        run(_bad_crc(tmp_path))


@pytest.mark.parametrize(
    "changes, reason",
    [
        ({"header_row": 8}, "broken.xlsx, sheet 'Exports, FOB', row 7: no year header where a DOTS workbook has it"),
        (
            {"header_row": 6},
            "broken.xlsx, sheet 'Exports, FOB', cell B7: 'Russian Federation' where the year header has no heading",
        ),
        (
            {"exports": {"Russian Federation": {"2015": 1.0, "Total": 2.0}}},
            "broken.xlsx, sheet 'Exports, FOB', cell D7: header 'Total' is not a year (the year header must be row 7",
        ),
        ({"reporter": "Atlantis"}, "broken.xlsx, sheet 'Exports, FOB', cell B4: unknown reporter 'Atlantis'"),
    ],
    ids=["header-below", "header-above", "text-header", "unknown-reporter"],
)
def test_a_workbook_with_a_broken_structure_stores_nothing_of_itself_and_the_other_files_import(
    tmp_path, changes, reason
):
    good = write_dots(tmp_path / "good.xlsx")
    broken = write_dots(tmp_path / "broken.xlsx", **{"reporter": "Kyrgyz Rep.", **changes})

    with pytest.raises(CommandError, match="Refused 1 of 2 files") as excinfo:
        run(broken, good)

    assert reason in str(excinfo.value)
    assert last_run().status == ImportRun.Status.SUCCEEDED
    assert last_run().errors == []
    assert set(TradeFlow.objects.values_list("reporter", flat=True)) == {"TJK"}
    assert TradeFlow.objects.count() == 4  # good.xlsx: 3 figures with Russia and 1 with the World


@pytest.mark.parametrize(
    "value, reason",
    [
        ("abc", "sheet 'Exports, FOB', cell D9: text 'abc' is neither a number nor an IMF estimate ('1,234.5 e')"),
        ("12.5", "sheet 'Exports, FOB', cell D9: text '12.5' is neither a number nor an IMF estimate ('1,234.5 e')"),
        (
            "1,23.4 e",
            "sheet 'Exports, FOB', cell D9: text '1,23.4 e' is neither a number nor an IMF estimate ('1,234.5 e')",
        ),
        (-4.8, "sheet 'Exports, FOB', cell D9: negative trade value -4.8 (USD millions)"),
        ("-2.5 e", "sheet 'Exports, FOB', cell D9: negative trade value -2.5 e (USD millions)"),
        (True, "sheet 'Exports, FOB', cell D9: True is not a number"),
    ],
    ids=["text", "number-as-text", "bad-grouping", "negative", "negative-estimate", "boolean"],
)
def test_a_cell_that_cannot_be_a_figure_is_rejected_with_its_sheet_and_cell(tmp_path, value, reason):
    path = write_dots(
        tmp_path / "DOTS_192.xlsx",
        exports={"Russian Federation": {"2015": 1.0}, "Kyrgyz Rep.": {"2015": 2.0, "2016": value}},
        imports={},
    )

    out = run(path, skip_bad_rows=True)

    assert "read 3, created 2, updated 0, unchanged 0, rejected 1" in out
    assert last_run().errors == [{"file": "DOTS_192.xlsx", "line": 9, "reason": reason}]
    assert f"rejected DOTS_192.xlsx line 9: {reason}" in out
    assert TradeFlow.objects.get(partner="KGZ").value_usd == Decimal("2000000.00")


def test_a_year_outside_1900_2100_and_an_unknown_partner_reject_their_cells(tmp_path):
    path = write_dots(
        tmp_path / "DOTS_192.xlsx",
        exports={"Russian Federation": {"1850": 1.0, "2015": 2.0}, "Atlantis": {"2015": 3.0}, "": {"2015": 4.0}},
        imports={},
    )

    run(path, skip_bad_rows=True)

    assert last_run().errors == [
        {
            "file": "DOTS_192.xlsx",
            "line": 8,
            "reason": "sheet 'Exports, FOB', cell C8: year 1850 is outside 1900-2100 (header cell C7)",
        },
        {
            "file": "DOTS_192.xlsx",
            "line": 9,
            "reason": "sheet 'Exports, FOB', cell D9: unknown partner 'Atlantis' in cell B9 (not in trade.importers.imf_names)",
        },
        {
            "file": "DOTS_192.xlsx",
            "line": 10,
            "reason": "sheet 'Exports, FOB', cell D10: a figure with no partner name in cell B10",
        },
    ]
    assert list(TradeFlow.objects.values_list("partner", "year", "value_usd")) == [("RUS", 2015, Decimal("2000000.00"))]


def test_estimates_with_thousands_separators_are_read_whole(tmp_path):
    path = write_dots(tmp_path / "e.xlsx", exports={"Germany": {"2015": "2,528.04 e", "2016": "0.00 e"}}, imports={})

    run(path)

    figures = TradeFlow.objects.order_by("year")
    assert [(f.value_usd, f.estimated) for f in figures] == [(Decimal("2528040000.00"), True), (Decimal("0.00"), True)]


def test_a_non_zip_with_another_name_still_goes_to_the_csv_formats(tmp_path):
    path = tmp_path / "flows.txt"
    path.write_text("country,year\nRUS,2021\n", encoding="utf-8")

    with pytest.raises(
        CommandError, match="flows.txt: the header matches no trade format.*or an IMF Direction of Trade"
    ):
        run(path)
