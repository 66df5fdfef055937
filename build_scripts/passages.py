"""Speeches in archive order in; for each speech, its paragraphs whose text other speeches hold too, each with links to those paragraphs, out.

A passage is a long sentence, or a long paragraph made of short sentences. Passages that are
the same text are grouped by their text first; the distinct texts are clustered with MinHash
LSH over character shingles, each cluster gathered around one text that all its members
resemble, so the work grows with the archive, never with its square. A passage links to the
places nearest it in the archive's order (the same formula the year before and the year after),
at most PASSAGE_LINKS of them, each at least SIMILAR to it, and every link has its way back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

from .speech import Block, Speech

SHINGLE = 4  # characters a shingle: two words of Chinese, specific enough that unrelated sentences share few
# Characters (punctuation aside) a passage has at least: shorter sentences are the genre's set
# phrases (同志们、下面我讲三点意见、坚持以人民为中心) that every speech repeats without quoting another.
LONG = 30
SIMILAR = 0.7  # Jaccard of the shingles from which two passages are one text: a few characters changed in thirty
NUM_PERM = 64  # MinHash permutations: enough to find the pairs above SIMILAR; each pair found is then checked exactly
PASSAGE_LINKS = 4  # places a passage links to at most: the two before it and the two after it in the archive's order
_SENTENCE = re.compile(r"[^。！？；]+[。！？；]*")
_NOT_TEXT = re.compile(r"[\W_]+")


def normalized(text: str) -> str:
    """The characters two editions of a passage are compared on: punctuation, spaces and marks dropped.

    >>> normalized("一是抓 落实，二是“抓整改”。□")
    '一是抓落实二是抓整改'
    """
    return _NOT_TEXT.sub("", text)


def shingles(text: str, size: int = SHINGLE) -> frozenset[str]:
    """The overlapping runs of `size` characters of a normalized text (the text itself when shorter).

    >>> sorted(shingles("脱贫攻坚战", 4))
    ['脱贫攻坚', '贫攻坚战']
    """
    if len(text) <= size:
        return frozenset([text]) if text else frozenset()
    return frozenset(text[i : i + size] for i in range(len(text) - size + 1))


def jaccard(a: frozenset, b: frozenset) -> float:
    if a is b:  # one text's shingles, met often in a cluster: no need to intersect them
        return 1.0 if a else 0.0
    return len(a & b) / len(a | b) if a or b else 0.0


@lru_cache(maxsize=1)
def _unhashed() -> MinHash:
    """A MinHash of nothing, whose (seeded) permutations every signature copies, so equal sets give equal hashes."""
    return MinHash(num_perm=NUM_PERM)


def signature(text: str) -> np.ndarray:
    """A normalized text in; the hash values of the MinHash of its shingles out."""
    minhash = _unhashed().copy()
    minhash.update_batch([shingle.encode("utf-8") for shingle in sorted(shingles(text))])
    return minhash.hashvalues


def signatures(texts: Sequence[str]) -> list[np.ndarray]:
    """Normalized texts in; their signatures out, in order."""
    return [signature(text) for text in texts]


Signer = Callable[[Sequence[str]], list[np.ndarray]]  # `signatures`, or the same worked out elsewhere (on all cores, once a build)


def passages(blocks: Sequence[Block]) -> list[tuple[str, str]]:
    """A speech's passages as (anchor of their paragraph, normalized text), in reading order.

    >>> passages([Block("paragraph", "好。这是一个很长很长的句子，有三十多个字，讲的是脱贫攻坚的各项工作要求和具体安排。", 0, "p1"),
    ...           Block("paragraph", "短句。", 0, "p2")])
    [('p1', '这是一个很长很长的句子有三十多个字讲的是脱贫攻坚的各项工作要求和具体安排')]
    """
    found = []
    for block in blocks:
        if block.kind != "paragraph":
            continue
        sentences = [normalized(s) for s in _SENTENCE.findall(block.text)]
        long = [s for s in sentences if len(s) >= LONG]
        if long:
            found += [(block.anchor, s) for s in long]
        elif len(whole := "".join(sentences)) >= LONG:
            found.append((block.anchor, whole))
    return found


@lru_cache(maxsize=1)
def bands() -> list[tuple[int, int]]:
    """The bands of the signatures that datasketch's LSH index takes for SIMILAR: texts that agree on a whole band are candidates."""
    return MinHashLSH(threshold=SIMILAR, num_perm=NUM_PERM).hashranges


def buckets(hashes: np.ndarray) -> list[tuple[list[int], dict[int, list[int]]]]:
    """The texts' signatures (a row each) in; for each band, the number of each text's bucket and the texts of each bucket that holds more than one."""
    found = []
    for start, end in bands():
        _, which = np.unique(hashes[:, start:end], axis=0, return_inverse=True)
        which = which.ravel()
        shared = np.flatnonzero(np.bincount(which)[which] > 1)
        order = shared[np.argsort(which[shared], kind="stable")]
        runs = np.split(order, np.flatnonzero(np.diff(which[order])) + 1) if len(order) else []
        found.append((which.tolist(), {int(which[run[0]]): run.tolist() for run in runs}))
    return found


def clusters(texts: Sequence[str], weights: Sequence[int], sign: Signer = signatures) -> list[list[int]]:
    """Distinct texts grouped into clusters of near-duplicates, as lists of indices into `texts`; `sign` gives the texts' signatures.

    A cluster forms around the heaviest text not yet taken (then the first), and takes every
    text the LSH buckets offer whose Jaccard with that centre is at least SIMILAR; so every
    member resembles the centre, and a chain of small changes never joins unlike texts.
    """
    if not texts:
        return []
    banded = buckets(np.array(sign(texts)))
    taken: set[int] = set()
    found = []
    for centre in sorted(range(len(texts)), key=lambda k: (-weights[k], k)):
        if centre in taken:
            continue
        taken.add(centre)
        members = [centre]
        offered = {other for which, shared in banded for other in shared.get(which[centre], ())}
        if offered:
            # Shingles are made again where a pair is checked: kept for every text, they would outweigh the rest.
            near = shingles(texts[centre])
            for other in sorted(offered):
                if other not in taken and jaccard(near, shingles(texts[other])) >= SIMILAR:
                    taken.add(other)
                    members.append(other)
        found.append(sorted(members))
    return found


def clustered(speeches: Sequence[Speech], sign: Signer = signatures) -> tuple[list[tuple[int, str, str]], list[list[int]]]:
    """Speeches in; their passages (speech number, paragraph anchor, text) and the clusters of near-identical ones that two speeches or more hold (sorted passage numbers) out.

    `sign` gives the signatures of the distinct passage texts.
    """
    units = [(n, anchor, text) for n, speech in enumerate(speeches) for anchor, text in passages(speech.blocks)]
    same: dict[str, list[int]] = {}
    for unit, (_, _, text) in enumerate(units):
        same.setdefault(text, []).append(unit)
    texts = list(same)
    found = []
    for cluster in clusters(texts, [len(same[text]) for text in texts], sign):
        members = sorted(unit for k in cluster for unit in same[texts[k]])
        if len({units[unit][0] for unit in members}) > 1:
            found.append(members)
    return units, found


def shared_passages(speeches: Sequence[Speech], sign: Signer = signatures) -> dict[str, list[dict]]:
    """For each speech id, its paragraphs that hold a passage found in other speeches, in reading order; `sign` as for `clustered`.

    Each is {"anchor", "count": how many other speeches hold its passages, "also": [{"id", "title", "anchor",
    "paragraph"}]}, the places linked to being the ones nearest in the archive's order; `speeches` are in that order.
    """
    units, found = clustered(speeches, sign)
    linked: dict[int, set[int]] = {}
    holders: dict[int, int] = {}
    for members in found:
        held_by = len({units[unit][0] for unit in members})
        # Most members of a cluster are one text in many speeches: its shingles are made once.
        sets = {text: shingles(text) for text in {units[unit][2] for unit in members}}
        for place, unit in enumerate(members):
            holders[unit] = held_by - 1
            for other in members[place + 1 : place + 1 + PASSAGE_LINKS // 2]:
                # Two members both like the centre may be less like each other: a link needs them alike.
                if units[other][0] != units[unit][0] and jaccard(sets[units[unit][2]], sets[units[other][2]]) >= SIMILAR:
                    linked.setdefault(unit, set()).add(other)
                    linked.setdefault(other, set()).add(unit)
    by_paragraph: dict[tuple[int, str], tuple[set[tuple[int, str]], int]] = {}
    for unit in sorted(linked):
        n, anchor, _ = units[unit]
        targets, count = by_paragraph.get((n, anchor), (set(), 0))
        targets |= {units[other][:2] for other in linked[unit]}
        by_paragraph[n, anchor] = (targets, max(count, holders[unit]))
    ordinals = [_ordinals(speech.blocks) for speech in speeches]
    result: dict[str, list[dict]] = {speech.meta["id"]: [] for speech in speeches}
    for (n, anchor), (targets, count) in by_paragraph.items():
        also = [
            {"id": speeches[m].meta["id"], "title": speeches[m].meta["title"], "anchor": a, "paragraph": ordinals[m][a]}
            for m, a in sorted(targets, key=lambda target: (target[0], ordinals[target[0]][target[1]]))
        ]
        count = max(count, len({m for m, _ in targets}))
        result[speeches[n].meta["id"]].append({"anchor": anchor, "count": count, "also": also})
    return result


def _ordinals(blocks: Sequence[Block]) -> dict[str, int]:
    """Each paragraph's anchor → its number among the speech's paragraphs, from 1."""
    paragraphs = [block.anchor for block in blocks if block.kind == "paragraph"]
    return {anchor: number for number, anchor in enumerate(paragraphs, start=1)}
