"""Reading draft texts editors upload, and showing what changed between two versions."""

import difflib
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe

from core.docx_text import DocxError, DocxTooLarge, docx_text
from core.text_files import BREAKS, NotText, NotUtf8, decode_text

MAX_DRAFT_BYTES = 5 * 1024 * 1024
# A .docx is a zip: 5 MB of it can unpack to gigabytes (a zip bomb; core.docx_text). A real
# draft of any length unpacks to a few megabytes.
MAX_DOCX_UNPACKED_BYTES = 50 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".md"}
DOCX_SUFFIX = ".docx"


def text_from_upload(upload) -> str:
    """The text of an uploaded .txt, .md or .docx file, or a ValidationError saying why not."""
    suffix = PurePath(upload.name).suffix.lower()
    if suffix not in TEXT_SUFFIXES | {DOCX_SUFFIX}:
        raise ValidationError("Upload a .txt, .md or .docx file.")
    if upload.size > MAX_DRAFT_BYTES:
        raise ValidationError(
            f"The file is {upload.size // 1024} KB; drafts are limited to {MAX_DRAFT_BYTES // (1024 * 1024)} MB."
        )
    content = upload.read()
    if suffix == DOCX_SUFFIX:
        return _docx_text(content).translate(BREAKS)
    try:
        return decode_text(content)
    except NotText:
        raise ValidationError("This is not a text file.") from None
    except NotUtf8:
        raise ValidationError("The file is not UTF-8 text; save it as UTF-8 and upload it again.") from None


def _docx_text(content: bytes) -> str:
    try:
        return docx_text(content, max_unpacked_bytes=MAX_DOCX_UNPACKED_BYTES)
    except DocxTooLarge as exc:
        raise ValidationError(
            f"This .docx file unpacks to {exc.unpacked // (1024 * 1024)} MB; drafts are limited to "
            f"{MAX_DOCX_UNPACKED_BYTES // (1024 * 1024)} MB unpacked."
        ) from None
    except DocxError as exc:
        raise ValidationError(f"This .docx file cannot be read ({exc}).") from None


def side_by_side_diff(old_text: str, new_text: str, *, old_label: str, new_label: str, context_lines: int = 3) -> str:
    """An HTML table of the two texts side by side, changed lines and words highlighted.

    difflib escapes the texts itself; unchanged stretches longer than the context collapse.
    """
    table = difflib.HtmlDiff(tabsize=4, wrapcolumn=72).make_table(
        old_text.splitlines(), new_text.splitlines(), old_label, new_label, context=True, numlines=context_lines
    )
    return mark_safe(table)  # noqa: S308 - built by difflib from escaped text


def diff_summary(old_text: str, new_text: str) -> dict[str, int]:
    """Lines added, removed and changed, for lists of versions."""
    added = removed = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
        None, old_text.splitlines(), new_text.splitlines()
    ).get_opcodes():
        if tag in ("replace", "delete"):
            removed += i2 - i1
        if tag in ("replace", "insert"):
            added += j2 - j1
    return {"added": added, "removed": removed}
