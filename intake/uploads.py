"""A report's text from a file an editor uploads: plain text, a saved web page, or a Word file.

Each kind is read for what a reader would see: a .txt as UTF-8 text, an .html page for its
article (trafilatura, as for a fetched page: no scripts, styles or navigation), a .docx for its
paragraphs (python-docx, through core.docx_text's bound on what the zip unpacks to). Anything
else, and anything that only poses as one of these, is refused with an UploadError whose
message tells the editor what to do.
"""

from dataclasses import dataclass
from pathlib import PurePath

from core.docx_text import DocxError, DocxTooLarge, docx_text
from core.text_files import BREAKS, NotText, NotUtf8, decode_text
from intake.fetch import article_from_html

MB = 1024 * 1024
# Per kind: a report's text is a few KB, a saved page with its markup a few hundred, a Word file
# with pictures a few MB. The limits leave room and no more.
MAX_BYTES = {".txt": 2 * MB, ".html": 5 * MB, ".htm": 5 * MB, ".docx": 10 * MB}
MAX_DOCX_UNPACKED_BYTES = 50 * MB
# A title is a report's first line only if it is short enough to be one.
MAX_TITLE_CHARS = 300


class UploadError(ValueError):
    """A file that cannot be taken as a report; the message says why, for the editor."""


@dataclass(frozen=True)
class Upload:
    """An uploaded report's text and title (its page title, or its first line; "" if neither)."""

    text: str
    title: str


def read_upload(name: str, data: bytes) -> Upload:
    """The report in the file `name` holding `data`, or an UploadError saying why it is refused."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in MAX_BYTES:
        raise UploadError(f"{name}: upload a .txt, .html or .docx file.")
    if not data.strip():
        raise UploadError(f"{name} is empty.")
    if len(data) > MAX_BYTES[suffix]:
        raise UploadError(
            f"{name} is {len(data) / MB:.1f} MB; {suffix} files are limited to {MAX_BYTES[suffix] // MB} MB."
        )
    if suffix == ".docx":
        return _docx(name, data)
    if suffix == ".txt":
        return _text(name, data)
    return _html(name, data)


def _text(name: str, data: bytes) -> Upload:
    try:
        return _upload(name, decode_text(data))
    except NotText:
        raise UploadError(f"{name} is not a text file.") from None
    except NotUtf8:
        raise UploadError(f"{name} is not UTF-8 text; save it as UTF-8 and upload it again.") from None


def _html(name: str, data: bytes) -> Upload:
    if b"\x00" in data:
        raise UploadError(f"{name} is not a web page.")
    article = article_from_html(data)
    if article is None:
        raise UploadError(f"{name} holds no article text (only scripts, styles or navigation).")
    return _upload(name, article.text, title=article.title)


def _docx(name: str, data: bytes) -> Upload:
    try:
        text = docx_text(data, max_unpacked_bytes=MAX_DOCX_UNPACKED_BYTES)
    except DocxTooLarge as exc:
        raise UploadError(
            f"{name} unpacks to {exc.unpacked // MB} MB; Word files are limited to {exc.limit // MB} MB unpacked."
        ) from None
    except DocxError as exc:
        raise UploadError(f"{name} cannot be read as a Word document ({exc}).") from None
    return _upload(name, text.translate(BREAKS))


def _upload(name: str, text: str, *, title: str = "") -> Upload:
    text = text.strip()
    if not text:
        raise UploadError(f"{name} holds no text.")
    if not title:
        first_line = text.split("\n", 1)[0].strip()
        title = first_line if len(first_line) <= MAX_TITLE_CHARS else ""
    return Upload(text=text, title=title)
