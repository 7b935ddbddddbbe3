"""The same story twice: the same wire report from three outlets is one report, not three.

Two measures, both on the text's words (case, accents' composition, punctuation and spacing
aside, so "Talks began." and "talks  BEGAN" are the same words):

- `fingerprint`: the sha256 of the normalised words, for the exact copy (a page fetched twice,
  an upload of a page already fetched);
- `signature` and `similar`: the near copy, which differs in its headline, byline, dateline or
  a sentence. A text is the set of its word 4-grams (shingles); two texts are as similar as
  those sets overlap (Jaccard: shared shingles over all shingles). A signature keeps the
  SIGNATURE_SIZE smallest of the shingles' 63-bit hashes (a bottom-k sketch), so it is stored
  as a list of at most 128 ints whatever the text's length, and two signatures estimate the
  Jaccard of their texts (exactly, for texts of fewer shingles than that; within about ±0.04
  around 0.8 for longer ones).

NEAR_DUPLICATE is 0.7: in tests/intake/test_dedup.py a 275-word wire story under another
outlet's headline, byline and dateline, four of its phrases changed, scores 0.80; the story
without its last two paragraphs of eight 0.73; a different story on the same visit, in the same
words of diplomacy, 0.04. Each changed word breaks the four shingles it is in, and a text cut to
a share s of itself scores about s, so a story rewritten further, or cut by more than a
quarter, is taken for another report; an editor can still merge the two.

A signature holds only hashes of the words (no text); one made with other SHINGLE_WORDS or
hashing is not comparable, so changing either means computing stored signatures again.
"""

import hashlib
import re
import unicodedata

SHINGLE_WORDS = 4
SIGNATURE_SIZE = 128
NEAR_DUPLICATE = 0.7
_WORDS = re.compile(r"\w+")
_MASK = (1 << 63) - 1  # 63 bits: a signed 64-bit integer column holds every value


def normalised_words(text: str) -> list[str]:
    """The text's words, case-folded, in one Unicode form, punctuation and spacing aside."""
    return _WORDS.findall(unicodedata.normalize("NFKC", text).casefold())


def fingerprint(text: str) -> str:
    """The sha256 (hex) of the text's normalised words: equal for texts with the same words."""
    return hashlib.sha256(" ".join(normalised_words(text)).encode()).hexdigest()


def signature(text: str) -> list[int]:
    """The smallest SIGNATURE_SIZE hashes of the text's word shingles, ascending ([] for no words)."""
    words = normalised_words(text)
    count = max(len(words) - SHINGLE_WORDS + 1, 1 if words else 0)
    hashes = {_hash(" ".join(words[start : start + SHINGLE_WORDS])) for start in range(count)}
    return sorted(hashes)[:SIGNATURE_SIZE]


def similar(signature_a: list[int], signature_b: list[int]) -> float:
    """The estimated Jaccard similarity (0 to 1) of the texts the two signatures were made from.

    The smallest hashes of both together stand for a random sample of the shingles of both;
    the share of them that each signature holds is the share of shingles the texts share.
    """
    if not signature_a or not signature_b:
        return 0.0
    set_a, set_b = set(signature_a), set(signature_b)
    # The smallest hashes of the two texts' shingles together: each signature holds all of
    # its own text's among them, so one held by both is a shingle the texts share.
    sample = sorted(set_a | set_b)[:SIGNATURE_SIZE]
    return sum(1 for value in sample if value in set_a and value in set_b) / len(sample)


def near_duplicate(text_a: str, text_b: str) -> bool:
    """True when the texts are the same words, or their similarity is at least NEAR_DUPLICATE."""
    if fingerprint(text_a) == fingerprint(text_b):
        return True
    return similar(signature(text_a), signature(text_b)) >= NEAR_DUPLICATE


def _hash(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big") & _MASK
