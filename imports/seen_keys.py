"""The keys an import run has read, and where each was first read: a duplicate in a file is named."""

from array import array

SEGMENT_BITS = 8  # 256 segments, chosen by a key hash's top bits


class SeenKeys:
    """The keys read so far in a run, and where each was first read, in 12 bytes a key.

    A dict of key strings grew to some 300 MB over a million rows. This keeps only a 64-bit
    hash of each key (Python's string hash, salted per process) in open-addressing tables of
    two arrays, beside the key's file and line, packed in 4 bytes (a file number under 256 and
    a line under 16,777,216; a place beyond that is kept in a dict, `_far`). Two different keys with the
    same hash would make the second look like a duplicate of the first; for n keys the chance
    that any pair collides is about n^2 / 2^65, some 3 in 100 million at a million keys, and
    the row would be rejected (never silently merged) with both lines named, so that a user
    could see the mistake.

    The table is 256 segments, each growing on its own: a growing table briefly holds its old
    arrays and new ones twice their size, and one table for 1.8 million keys (all of IMF DOTS)
    would hold 32 + 64 MB at that moment; a segment holds 1/256 of that.
    """

    EMPTY = 0
    LINE_BITS = 24
    FAR = 0xFFFF_FFFF  # the place is in _far

    def __init__(self, capacity: int = 1 << 16):
        self._files: dict[str, int] = {}
        self._names: list[str] = []
        per_segment = max(4, 1 << max(0, (capacity - 1).bit_length() - SEGMENT_BITS))
        self._hashes = [_zeros(per_segment) for _ in range(1 << SEGMENT_BITS)]
        self._places = [_zeros(per_segment, "I") for _ in range(1 << SEGMENT_BITS)]
        self._far: dict[int, tuple[int, int]] = {}
        self._used = [0] * (1 << SEGMENT_BITS)

    def first_read(self, key: str, file: str, line: int) -> tuple[str, int] | None:
        """Record the key as read at file:line; if it was read before, where it was read first."""
        wanted = hash(key) & 0xFFFF_FFFF_FFFF_FFFF or 1  # 0 marks an empty slot
        segment = wanted >> (64 - SEGMENT_BITS)
        hashes = self._hashes[segment]
        mask = len(hashes) - 1
        slot = wanted & mask
        while (found := hashes[slot]) != self.EMPTY:
            if found == wanted:
                place = self._places[segment][slot]
                file_number, line = self._far[wanted] if place == self.FAR else divmod(place, 1 << self.LINE_BITS)
                return self._names[file_number], line
            slot = (slot + 1) & mask
        file_number = self._files.get(file)
        if file_number is None:
            file_number = self._files[file] = len(self._names)
            self._names.append(file)
        hashes[slot] = wanted
        if file_number < 255 and line < 1 << self.LINE_BITS:
            self._places[segment][slot] = file_number << self.LINE_BITS | line
        else:
            self._places[segment][slot] = self.FAR
            self._far[wanted] = (file_number, line)
        self._used[segment] += 1
        if self._used[segment] * 2 > len(hashes):  # kept at most half full, so probes stay short
            self._grow(segment)
        return None

    def _grow(self, segment: int) -> None:
        old_hashes, old_places = self._hashes[segment], self._places[segment]
        capacity = 2 * len(old_hashes)
        hashes, places = _zeros(capacity), _zeros(capacity, "I")
        mask = capacity - 1
        for wanted, place in zip(old_hashes, old_places, strict=True):
            if wanted != self.EMPTY:
                slot = wanted & mask
                while hashes[slot] != self.EMPTY:
                    slot = (slot + 1) & mask
                hashes[slot] = wanted
                places[slot] = place
        self._hashes[segment], self._places[segment] = hashes, places


def _zeros(length: int, typecode: str = "Q") -> array:
    # By repetition, not from bytes(length * size): that would build a second copy first.
    return array(typecode, [0]) * length
