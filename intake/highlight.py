"""A report's text cut where proposals' spans begin and end, for the page to mark each
proposal on its words. Spans may overlap (a tour and its legs share a sentence): each piece
knows every proposal that covers it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    text: str
    proposals: tuple[int, ...]  # the ids of the proposals whose span covers it

    @property
    def marked(self) -> bool:
        return bool(self.proposals)

    @property
    def ids(self) -> str:
        return " ".join(f"proposal-{pk}" for pk in self.proposals)


def segments(text: str, proposals) -> list[Segment]:
    """The text in order, each piece with the proposals covering it (spans clipped to the text)."""
    spans = [(max(0, p.span_start), min(len(text), p.span_end), p.pk) for p in proposals]
    spans = [(start, end, pk) for start, end, pk in spans if start < end]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    pieces = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = tuple(pk for s, e, pk in spans if s <= start and end <= e)
        if pieces and pieces[-1].proposals == covering:
            pieces[-1] = Segment(pieces[-1].text + text[start:end], covering)
        else:
            pieces.append(Segment(text[start:end], covering))
    return pieces
