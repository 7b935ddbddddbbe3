"""The text of a .docx file, read without letting a zip bomb fill memory.

Shared by agreements' drafts and intake's uploaded reports, which word their refusals each for
their own readers: DocxError carries the reason, and DocxTooLarge the unpacked size.

A .docx is a zip: a few megabytes of it can unpack to gigabytes, all of which python-docx would
read into memory. zipfile never unpacks more of a member than its stated size, so the sum of
the stated sizes, read from the archive's directory before any member is opened, is the bound.
"""

import io
import zipfile


class DocxError(ValueError):
    """A .docx that cannot be read; the message is the reason ("it is not a zip archive")."""


class DocxTooLarge(DocxError):
    """A .docx whose members unpack to more than the limit."""

    def __init__(self, unpacked: int, limit: int):
        super().__init__(f"it unpacks to {unpacked // (1024 * 1024)} MB, over {limit // (1024 * 1024)} MB")
        self.unpacked = unpacked
        self.limit = limit


def docx_text(content: bytes, *, max_unpacked_bytes: int) -> str:
    """The document's paragraphs, one a line."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise DocxError("it is not a zip archive") from None
    if unpacked > max_unpacked_bytes:
        raise DocxTooLarge(unpacked, max_unpacked_bytes)
    try:
        document = docx.Document(io.BytesIO(content))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise DocxError(str(exc)) from None
    except Exception as exc:  # a zip that is not a document, a corrupt archive
        raise DocxError(type(exc).__name__) from None
    return "\n".join(paragraph.text for paragraph in document.paragraphs)
