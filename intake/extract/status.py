"""A visit's status from the words a sentence uses of it: tense and modality.

    will / is expected to / plans to / is due to      announced (rumoured when only unnamed
                                                      sources say so)
    arrived / is visiting / is in / is on a visit     under way
    visited / held talks / wrapped up / concluded     completed
    postponed / put off                               postponed
    called off / cancelled                            cancelled

A sentence can hold several ("the visit that was to open on Friday has been called off"): the
one that ends a visit's story stands over the one that begins it, in the order of STATUSES.
The reading also says which way the sentence looks for its dates (intake.extract.dates).
"""

import re
from dataclasses import dataclass

from intake.extract.dates import Looking

# status, the direction its dates are read in, the words that say it
STATUSES = (
    (
        "cancelled",
        Looking.NEAREST,
        r"called\s+off|cancell?ed|scrapped|will\s+not\s+take\s+place|(?:has|have)\s+been\s+dropped",
    ),
    ("postponed", Looking.NEAREST, r"postponed|put\s+off|pushed\s+back|rescheduled|delayed"),
    (
        "completed",
        Looking.BACK,
        r"visited|held\s+talks|had\s+talks|wrapped\s+up|concluded|(?:ended|completed|finished)\s+(?:a|an|his|her|their)\b"
        r"|paid\s+(?:a|an)\s+(?:\w+\s+){0,2}visit|returned\s+(?:home\s+)?from|laid\s+the\s+groundwork|prepared\s+(?:the|this|that|his|her|their)",
    ),
    (
        "under_way",
        Looking.NEAREST,
        r"arrived\s+(?:in|at|on)|is\s+(?:visiting|in\s+(?=(?-i:[A-Z]))|on\s+(?:a|an)\s+(?:\w+\s+){0,2}(?:visit|tour))"
        r"|are\s+(?:visiting|in\s+(?=(?-i:[A-Z])))|began\s+(?:a|an|his|her|their)\s+(?:\w+\s+){0,2}(?:visit|tour)"
        r"|continues\s+(?:his|her|their)\s+(?:\w+\s+){0,2}(?:visit|tour)",
    ),
    (
        "announced",
        Looking.FORWARD,
        r"will|is\s+(?:expected|due|scheduled|set|planning|going)\s+to|is\s+expected\s+(?:in|at|on)\b|are\s+(?:expected|due|scheduled|set)\s+to"
        r"|plans?\s+to|intends?\s+to|is\s+to\s+(?:visit|arrive|travel|go|make|pay|hold)|announced|shall"
        r"|(?:was|were)\s+(?:expected|due|scheduled)\s+to|is\s+planned|are\s+planned|upcoming|forthcoming"
        r"|(?:could|may|might)\s+(?:travel|visit|go|fly|stop|make|pay|arrive|come)",
    ),
)
_PATTERNS = [(status, looking, re.compile(rf"\b(?:{words})\b", re.IGNORECASE)) for status, looking, words in STATUSES]


@dataclass(frozen=True)
class StatusReading:
    status: str
    looking: Looking
    cue: str
    span: tuple[int, int]


def visit_status(sentence: str, *, only_unnamed_sources: bool = False) -> StatusReading | None:
    """The status the sentence gives a visit, the words that give it and their span; None when
    it gives none. An announcement that only unnamed sources make is a rumour."""
    for status, looking, pattern in _PATTERNS:
        match = pattern.search(sentence)
        if match:
            if status == "announced" and only_unnamed_sources:
                status = "rumoured"
            return StatusReading(status, looking, match.group(0), match.span())
    return None
