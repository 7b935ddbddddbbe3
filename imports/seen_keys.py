"""The keys an import run has read, and where each was first read: a duplicate in a file is named."""

from array import array


class SeenKeys:
    """The keys read so far in a run, and where each was first read, in 16 bytes a key.

    A dict of key strings grew to some 300 MB over a million rows. This keeps only a 64-bit
    hash of each key (Python's string hash, salted per process) in an open-addressing table
    of two arrays, beside the key's file and line, packed in 8 bytes. Two different keys
    with the same hash would make the second look like a duplicate of the first; for n keys
    the chance that any pair collides is about n^2 / 2^65, some 3 in 100 million at a
    million keys, and the row would be rejected (never silently merged) with both lines
    named, so that a user could see the mistake.
    """

    EMPTY = 0
    LINE_BITS = 40

    def __init__(self, capacity: int = 1 << 16):
        self._files: dict[str, int] = {}
        self._names: list[str] = []
        self._hashes = array("Q", bytes(8 * capacity))
        self._places = array("Q", bytes(8 * capacity))
        self._used = 0

    def first_read(self, key: str, file: str, line: int) -> tuple[str, int] | None:
        """Record the key as read at file:line; if it was read before, where it was read first."""
        wanted = hash(key) & 0xFFFF_FFFF_FFFF_FFFF or 1  # 0 marks an empty slot
        hashes = self._hashes
        mask = len(hashes) - 1
        slot = wanted & mask
        while (found := hashes[slot]) != self.EMPTY:
            if found == wanted:
                place = self._places[slot]
                return self._names[place >> self.LINE_BITS], place & ((1 << self.LINE_BITS) - 1)
            slot = (slot + 1) & mask
        file_number = self._files.get(file)
        if file_number is None:
            file_number = self._files[file] = len(self._names)
            self._names.append(file)
        hashes[slot] = wanted
        self._places[slot] = file_number << self.LINE_BITS | line
        self._used += 1
        if self._used * 2 > len(hashes):  # kept at most half full, so probes stay short
            self._grow()
        return None

    def _grow(self) -> None:
        old_hashes, old_places = self._hashes, self._places
        capacity = 2 * len(old_hashes)
        self._hashes = hashes = array("Q", bytes(8 * capacity))
        self._places = places = array("Q", bytes(8 * capacity))
        mask = capacity - 1
        for wanted, place in zip(old_hashes, old_places, strict=False):
            if wanted != self.EMPTY:
                slot = wanted & mask
                while hashes[slot] != self.EMPTY:
                    slot = (slot + 1) & mask
                hashes[slot] = wanted
                places[slot] = place
