"""Placeholder until the intake-fetch branch lands its dedup module (same names)."""

import hashlib
import re

_WORDS = re.compile(r"\w+")


def _words(text):
    return _WORDS.findall(text.lower())


def fingerprint(text: str) -> str:
    return hashlib.sha256(" ".join(_words(text)).encode()).hexdigest()


def signature(text: str) -> list[int]:
    words = _words(text)
    shingles = {" ".join(words[i : i + 5]) for i in range(max(1, len(words) - 4))}
    return sorted({int(hashlib.blake2b(s.encode(), digest_size=4).hexdigest(), 16) for s in shingles})[:200]


def similar(a, b) -> float:
    a, b = set(a), set(b)
    return len(a & b) / len(a | b) if a or b else 0.0
