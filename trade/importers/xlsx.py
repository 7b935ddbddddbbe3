"""Checks an xlsx file must pass before openpyxl reads any of it: a real, intact, modest zip.

An xlsx workbook is a zip of XML parts. openpyxl in read-only mode streams the sheets, but
reads the shared strings whole, and it decompresses whatever the zip's directory declares, so
a hostile file is refused here, from the zip's own directory and a CRC check, first:

- not a zip (an xlsx must start with the zip signature); an OLE compound file (D0 CF 11 E0)
  is what Excel writes for a password-protected workbook (and the old .xls format);
- a zip that cannot be read, or whose parts fail their CRC (truncated, corrupted);
- a "zip bomb": too many parts, a part larger than its kind ever is in a workbook, a total
  past TOTAL_LIMIT, or a part compressed more than MAX_RATIO to one (XML compresses
  about 10:1; a bomb, 1000:1). Python's zipfile never inflates past the size a part
  declares, so the declared sizes checked here bound what is read.

`sheet_dimension` then reads a sheet's declared `<dimension ref="A1:AE196"/>` from the first
bytes of its part, so the importer can refuse an oversized sheet before openpyxl parses it.
"""

import re
import zipfile
import zlib
from pathlib import Path

from imports.importer import FileRefused

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header; an empty archive's end record
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

MB = 1024 * 1024
MAX_MEMBERS = 200
TOTAL_LIMIT = 256 * MB
MAX_RATIO = 100  # uncompressed / compressed, for parts above RATIO_FLOOR
RATIO_FLOOR = 1 * MB
# Largest part of each kind; the 224 DOTS workbooks' largest are 0.7 MB (a sheet), 156 KB
# (shared strings) and 7 KB (styles).
SHEET_LIMIT = 64 * MB
SHARED_STRINGS_LIMIT = 16 * MB
OTHER_PART_LIMIT = 4 * MB
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")

DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?\"")
SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData[\s>/]")
DIMENSION_SEARCH_BYTES = 64 * 1024


def magic(path: Path) -> str:
    """'zip', 'ole' or '' from the file's first bytes."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head == OLE_MAGIC:
        return "ole"
    return ""


def refuse_ole(path: Path) -> None:
    raise FileRefused(
        f"{path.name}: an OLE compound file (D0 CF 11 E0), not an xlsx workbook: a password-protected "
        "workbook (remove the password and save it again) or an old Excel .xls file (save it as .xlsx)"
    )


def part_limit(name: str) -> int:
    if name.startswith("xl/worksheets/"):
        return SHEET_LIMIT
    if name == "xl/sharedStrings.xml":
        return SHARED_STRINGS_LIMIT
    return OTHER_PART_LIMIT


def check_zip(path: Path) -> zipfile.ZipFile:
    """The workbook's zip, open, once its directory and every part's CRC have been checked."""
    kind = magic(path)
    if kind == "ole":
        refuse_ole(path)
    if kind != "zip":
        raise FileRefused(f"{path.name}: not an xlsx workbook (an xlsx file is a zip archive; this one is not)")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRefused(f"{path.name}: a damaged zip archive, not a readable xlsx workbook ({exc})") from None
    try:
        check_parts(path, archive)
    except BaseException:
        archive.close()
        raise
    return archive


def check_parts(path: Path, archive: zipfile.ZipFile) -> None:
    parts = archive.infolist()
    if len(parts) > MAX_MEMBERS:
        raise FileRefused(
            f"{path.name}: {len(parts)} parts in the zip, more than a workbook has (at most {MAX_MEMBERS})"
        )
    names = {part.filename for part in parts}
    missing = [name for name in REQUIRED_PARTS if name not in names]
    if missing:
        raise FileRefused(f"{path.name}: a zip archive but not an xlsx workbook (no {', '.join(missing)})")
    total = 0
    for part in parts:
        if part.flag_bits & 0x1:
            raise FileRefused(f"{path.name}: part {part.filename} is encrypted")
        limit = part_limit(part.filename)
        if part.file_size > limit:
            raise FileRefused(
                f"{path.name}: part {part.filename} is {part.file_size / MB:.0f} MB uncompressed, more than "
                f"{limit / MB:.0f} MB (refused as a possible zip bomb)"
            )
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise FileRefused(
                f"{path.name}: part {part.filename} is compressed {ratio:.0f} to 1 (at most {MAX_RATIO} to 1; "
                "refused as a possible zip bomb)"
            )
        total += part.file_size
    if total > TOTAL_LIMIT:
        raise FileRefused(
            f"{path.name}: {total / MB:.0f} MB uncompressed in all, more than {TOTAL_LIMIT / MB:.0f} MB "
            "(refused as a possible zip bomb)"
        )
    try:
        damaged = archive.testzip()
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise FileRefused(f"{path.name}: a damaged zip archive ({exc})") from None
    if damaged is not None:
        raise FileRefused(f"{path.name}: part {damaged} of the zip is damaged (bad CRC); the file is corrupt")


def content_identity(archive: zipfile.ZipFile) -> tuple:
    """What the parts hold, from the zip's directory: the same for two saves of one workbook."""
    return tuple(sorted((part.filename, part.CRC, part.file_size) for part in archive.infolist()))


def sheet_dimension(archive: zipfile.ZipFile, part: str) -> tuple[int, int] | None:
    """(rows, columns) the sheet's <dimension> declares, or None if it declares none."""
    with archive.open(part) as handle:
        head = handle.read(DIMENSION_SEARCH_BYTES)
    data = SHEET_DATA.search(head)
    found = DIMENSION.search(head, 0, data.start() if data else len(head))
    if not found:
        return None
    last_column, last_row = (found.group(3), found.group(4)) if found.group(3) else (found.group(1), found.group(2))
    return int(last_row), column_number(last_column.decode())


def column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number
