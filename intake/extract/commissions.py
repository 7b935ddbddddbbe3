"""Sessions of a bilateral commission a sentence names: "the next session of the
intergovernmental commission on economic cooperation", "the 14th session of the Tajik-Russian
commission for trade and economic cooperation", "the last session of the commission".

Which session it is says which way it looks: the next one is to come, the last or previous one
has been held; a numbered one takes the sentence's tense (intake.extract.status), the caller's
to read. The commission's own name is kept as the report gives it, for the editor to match to
an organisation of kind "commission" in the directory.
"""

import re
from dataclasses import dataclass

SESSION = re.compile(
    r"\b(?:the\s+|a\s+)?(?P<which>next|last|previous|first|(?P<ordinal>\d{1,3})(?:st|nd|rd|th))?\s*"
    r"(?:session|meeting|sitting)\s+of\s+(?:the\s+|their\s+|its\s+)?"
    r"(?P<commission>(?:[\w-]+\s+){0,4}?commission(?:\s+(?:on|for)\s+[^,.;:()]+?)?)"
    r"(?=\s*[,.;:()]|\s+(?:was|were|is|are|will|would|in|at|held|to|and\s+(?:a|an|the|to)|had|has|next|last|this|on\s+\d)\b|$)",
    re.IGNORECASE,
)
_LOOKING = {"next": "announced", "last": "completed", "previous": "completed"}


@dataclass(frozen=True)
class SessionMention:
    commission: str
    ordinal: int | None
    status: str  # "announced" (the next), "completed" (the last), "" (the sentence's to say)
    quote: str
    span: tuple[int, int]


def find_sessions(sentence: str) -> list[SessionMention]:
    """Every commission session the sentence names, in order."""
    found = []
    for match in SESSION.finditer(sentence):
        which = (match["which"] or "").lower()
        ordinal = int(match["ordinal"]) if match["ordinal"] else None
        commission = " ".join(match["commission"].split())
        found.append(SessionMention(commission, ordinal, _LOOKING.get(which, ""), match.group(0).strip(), match.span()))
    return found
