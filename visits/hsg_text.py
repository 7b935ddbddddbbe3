"""How the Office of the Historian writes a visit: its kind ("State Visit", "Attended a summit")
and the visitor's title ("Prime Minister-elect Jane Doe"), read into Chancery's terms."""

import re

from visits.models import Visit
from visits.titles import TITLE_LEVELS

# (words that open the text, kind). Longest first, so "official working visit" wins over
# "official visit" and "working visit".
KIND_PHRASES = [
    ("official working visit", Visit.Kind.WORKING),
    ("state visit", Visit.Kind.STATE),
    ("official visit", Visit.Kind.OFFICIAL),
    ("working visit", Visit.Kind.WORKING),
    ("private visit", Visit.Kind.PRIVATE),
    ("informal visit", Visit.Kind.PRIVATE),
    ("unofficial visit", Visit.Kind.PRIVATE),
    ("transit", Visit.Kind.TRANSIT),
]


_SUMMIT = re.compile(r"\bsummit\b", re.IGNORECASE)


def parse_kind(text: str) -> tuple[str, str]:
    """(kind, rest of the text). The kind phrase is taken off the start of the text when it
    opens it; otherwise the kind is inferred from the text, which is kept whole."""
    text = " ".join(text.split())
    lowered = text.lower()
    for phrase, kind in KIND_PHRASES:
        if lowered.startswith(phrase) and (len(text) == len(phrase) or not text[len(phrase)].isalnum()):
            rest = text[len(phrase) :].lstrip(" .;,:")
            return kind, rest[:1].upper() + rest[1:]
    for phrase, kind in KIND_PHRASES:
        if phrase in lowered and kind != Visit.Kind.TRANSIT:
            return kind, text
    if _SUMMIT.search(text):
        return Visit.Kind.SUMMIT, text
    return "", text


_MODIFIERS = ("Acting", "Interim", "Provisional", "Transitional", "Federal")


_SUFFIXES = ("elect", "designate")


_TITLE = re.compile(
    r"^(?P<modifier>(?:%s) )?(?P<title>%s)(?:-(?P<suffix>%s))?(?=[\s]|[A-Z])\s*(?P<name>.+)$"  # noqa: UP031 (a regex: braces would need escaping)
    % (
        "|".join(_MODIFIERS),
        "|".join(re.escape(t) for t in sorted(TITLE_LEVELS, key=len, reverse=True)),
        "|".join(_SUFFIXES),
    ),
    re.IGNORECASE,
)


def split_title(visitor: str) -> tuple[str, str, str]:
    """'Prime Minister George Papandreou' -> ('Prime Minister', 'George Papandreou', 'head').

    An unrecognised title gives ('', whole text, ''): the person is still found or created,
    and the importer counts it so an editor can look.
    """
    text = " ".join(visitor.replace("- ", "-").split())
    match = _TITLE.match(text)
    if not match:
        return "", text, ""
    canonical = next(t for t in TITLE_LEVELS if t.lower() == match["title"].lower())
    title = " ".join(filter(None, [match["modifier"] and match["modifier"].strip().capitalize(), canonical]))
    if match["suffix"]:
        title = f"{title}-{match['suffix'].lower()}"
    return title, match["name"].strip(), TITLE_LEVELS[canonical]
