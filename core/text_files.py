"""The text of a file someone sends: UTF-8 (a byte-order mark allowed), never a binary file.

Shared by agreements' drafts, intake's uploaded reports and the `intake_report` command, which
word their refusals each for their own readers: NotText for a binary file, NotUtf8 with the
byte where the decoding fails. A page break or a vertical tab is a break in the text: as
characters they are among the control characters no stored text may hold (core.values).
"""

BREAKS = str.maketrans({"\x0c": "\n", "\x0b": "\n"})
# Control characters a text file does not hold (tab, line feed, carriage return, form feed and
# vertical tab aside); one among them marks a binary file.
_CONTROL = {chr(code) for code in range(32)} - set("\t\n\r\x0b\x0c")


class NotText(ValueError):
    """The file is binary (a NUL byte, or another control character), not text."""


class NotUtf8(ValueError):
    """The file is not UTF-8; `position` is the first byte that is not."""

    def __init__(self, position: int):
        super().__init__(f"not UTF-8 at byte {position}")
        self.position = position


def decode_text(data: bytes) -> str:
    """The file's text, its page breaks as line breaks; NotText or NotUtf8 when it has none."""
    if b"\x00" in data:
        raise NotText("a NUL byte")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotUtf8(exc.start) from None
    if _CONTROL.intersection(text):
        raise NotText("a control character")
    return text.translate(BREAKS)
