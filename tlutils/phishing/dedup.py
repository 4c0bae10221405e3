"""Near-duplicate e-mails found by their bodies, whatever their subjects: MinHash over word shingles.

A campaign or a thread sends nearly the same body many times with small changes (a name, a
link, a quoted reply). Two e-mails whose normalised bodies share most of their 5-word shingles
(estimated Jaccard similarity, :data:`SIMILAR`) are one group; groups are closed under "similar
to any member" (union-find). The build script keeps a group whole inside one split and one
collection, so a near-copy never sits on both sides of a test.

>>> a = "Your parcel is waiting at the depot. Pay the customs fee of 2.99 at the link below to release it today."
>>> b = a.replace("2.99", "3.49") + " Thank you."
>>> c = "Minutes of Tuesday's meeting: the budget was approved and the next review is in March."
>>> groups([a, b, c])
[0, 0, 2]
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

SHINGLE = 5  # words per shingle
BANDS, ROWS = 20, 4  # 80 hash functions; pairs above about 0.5 Jaccard share a band with high probability
SIMILAR = 0.6  # estimated Jaccard similarity from which two bodies are near-duplicates
_RNG = np.random.default_rng(20261207)
_A = (_RNG.integers(1, 2**63, BANDS * ROWS, dtype=np.uint64) | np.uint64(1))[:, None]  # odd multipliers
_B = _RNG.integers(0, 2**63, BANDS * ROWS, dtype=np.uint64)[:, None]


def normalised_words(text: str) -> list[str]:
    """Lower-case words with links, addresses and numbers blanked (they vary within a campaign)."""
    text = re.sub(r"(?:https?|ftp)://\S+|\S+@\S+", " ", text.lower())
    return re.findall(r"[^\W\d_]+", text)


def shingles(text: str) -> set[int]:
    """64-bit hashes of the text's 5-word shingles (the words themselves when it is shorter)."""
    words = normalised_words(text)
    pieces = [" ".join(words[i:i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))]
    return {int.from_bytes(hashlib.blake2b(p.encode(), digest_size=8).digest(), "big") for p in pieces if p}


def signature(found: set[int]) -> tuple[int, ...]:
    """The MinHash signature of a shingle set (all -1 for an empty set, which matches nothing)."""
    if not found:
        return tuple([-1] * (BANDS * ROWS))
    values = np.fromiter(found, dtype=np.uint64, count=len(found))[None, :]
    with np.errstate(over="ignore"):  # multiply-add modulo 2**64, then the high 32 bits: a universal hash
        return tuple((((_A * values) + _B) >> np.uint64(32)).min(axis=1).tolist())


def groups(texts: Sequence[str]) -> list[int]:
    """A group number per text (the index of its group's first member); near-duplicates share one."""
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    sigs = [signature(shingles(t)) for t in texts]
    buckets: dict[tuple, list[int]] = {}
    for i, sig in enumerate(sigs):
        if sig[0] == -1:
            continue
        for band in range(BANDS):
            buckets.setdefault((band, sig[band * ROWS:(band + 1) * ROWS]), []).append(i)
    for members in buckets.values():
        for j in members[1:]:
            i = members[0]
            if find(i) != find(j) and np.mean(np.equal(sigs[i], sigs[j])) >= SIMILAR:
                parent[max(find(i), find(j))] = min(find(i), find(j))
    return [find(i) for i in range(len(texts))]
