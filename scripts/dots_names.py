"""Write data/imf-dots/names.csv: every reporter (cell B4) and partner (column B) name in a folder of DOTS workbooks.

    .venv/bin/python scripts/dots_names.py DIR [--out data/imf-dots/names.csv]

DIR holds the IMF DOTS per-reporter workbooks (DOTS_<n>.xlsx; the full set of 224 is in the
repository data/imf-dots/SOURCE.md names). The list is what tests/trade/test_dots_names.py
checks the crosswalk (trade/importers/imf_names.py) against: every name must resolve to a
country or be a known aggregate. Columns: the name as the IMF writes it, the number of
workbooks it is the reporter of, and the number of sheets that list it as a partner.
Only column B is read, with openpyxl in read-only mode; nothing is imported.
"""

import argparse
import csv
from collections import Counter
from pathlib import Path

from openpyxl import load_workbook

HEADER_ROW = 7
REPORTER_CELL_ROW = 4


def names_in(folder: Path) -> tuple[Counter, Counter, int]:
    reporters: Counter = Counter()
    partners: Counter = Counter()
    workbooks = sorted(folder.glob("*.xlsx"))
    for path in workbooks:
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            reporter_names = set()
            for sheet in book.worksheets:
                listed = set()
                for number, (name,) in enumerate(sheet.iter_rows(min_col=2, max_col=2, values_only=True), 1):
                    if number == REPORTER_CELL_ROW and name:
                        reporter_names.add(str(name).strip())
                    elif number > HEADER_ROW and name:
                        listed.add(str(name).strip())
                partners.update(listed)
            reporters.update(reporter_names)
        finally:
            book.close()
    return reporters, partners, len(workbooks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "data/imf-dots/names.csv")
    args = parser.parse_args()
    reporters, partners, workbooks = names_in(args.folder)
    if not workbooks:
        parser.error(f"no .xlsx files in {args.folder}")
    with open(args.out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["name", "reporter_workbooks", "partner_sheets"])
        for name in sorted(set(reporters) | set(partners)):
            writer.writerow([name, reporters[name], partners[name]])
    print(f"{len(set(reporters) | set(partners))} names from {workbooks} workbooks written to {args.out}")


if __name__ == "__main__":
    main()
