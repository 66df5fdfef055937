"""Processed speeches in; the same speeches out, with the editions of one speech from different sources made one speech.

Two texts are editions of one speech when the longer holds nearly all of the shorter: speeches that
share a passage few others hold are the candidates, the shingles of their whole texts decide. The most complete
edition is the text; a gap in it (a paywall, a truncation, a □ for a character lost to mojibake) is
filled from another edition that has the text around it, each fill a Change of the cleaning record;
the others are listed in `meta["editions"]` with their source and where they differ.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
from collections import Counter
from collections.abc import Sequence
from itertools import combinations

from .boilerplate import GAP
from .passages import Signer, clustered, normalized, shingles, signatures
from .speech import Change, Speech
from .structure import structure

# Share of the shorter text's shingles the longer holds, from which two texts are editions of one
# speech. Containment, not Jaccard: an excerpt (a site showing the first third) is an edition too.
CONTAINMENT = 0.8
EXCERPT = 0.9  # an edition shorter than this share of the longest is an excerpt, whatever its own metadata says
# Speeches a passage may be held by and still name editions: more, and it is a formula of the genre
# that would pair every speech using it; one speech is seldom found in more editions than this.
MAX_EDITIONS = 20
# Share of the shorter speech's passages two speeches must share to be compared as editions: below
# the containment asked of their texts, since a damaged or edited passage may fall out of its cluster.
SHARED_PASSAGES = 0.5
CONTEXT = 12  # characters on each side of a gap that must occur once, exactly, in the edition it is filled from
DIFFERENCES = 20  # differences listed for each edition; the count gives the rest
SHOWN = 80  # characters of each side of a difference shown
_AROUND = 8  # characters of unchanged text shown around a change
_MARKER = re.compile(rf"\s*{GAP}gap:\w+:\d+{GAP}\s*")
_SQUARES = re.compile("□+")
_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]*")
_RANK = {"complete": 0, "gaps": 1, "truncated": 2}
# A text ending in anything else broke off in mid-sentence. A paywall alone marks a speech truncated
# too, but a text that still ends a sentence has its end.
_SENTENCE_END = "。！？…”’）》"
LOST = "〔缺〕"  # a gap, where a difference shows it


def _chars(text: str) -> int:
    return len(normalized(_MARKER.sub("", text)))


def edition_groups(speeches: Sequence[Speech], sign: Signer = signatures) -> list[list[int]]:
    """Indices of the speeches that are editions of one speech, in groups of two or more, each sorted; `sign` gives passages' signatures (see `clustered`).

    Candidates are the pairs of speeches that share a passage few others hold (passages.py finds
    them in LSH buckets); the shingles of their whole texts decide.
    """
    units, found = clustered(speeches, sign)
    held = Counter(n for n, _, _ in units)
    shared: Counter[tuple[int, int]] = Counter()
    for members in found:
        holders = sorted({units[unit][0] for unit in members})
        if len(holders) <= MAX_EDITIONS:
            shared.update(combinations(holders, 2))
    # Editions share most of their passages; speeches that quote one another share a few, and
    # comparing their whole texts would cost the most where the archive repeats itself most.
    pairs = {pair for pair, count in shared.items() if count >= SHARED_PASSAGES * min(held[pair[0]], held[pair[1]])}
    sets: dict[int, frozenset] = {}
    parent = list(range(len(speeches)))

    def root(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for pair in sorted(pairs):
        for n in pair:
            if n not in sets:
                sets[n] = shingles(normalized(_MARKER.sub("", speeches[n].text)))
        small, large = sorted((sets[n] for n in pair), key=len)
        if len(small & large) >= CONTAINMENT * len(small):
            a, b = sorted(map(root, pair))
            parent[b] = a
    groups: dict[int, list[int]] = {}
    for n in range(len(speeches)):
        groups.setdefault(root(n), []).append(n)
    return [members for members in groups.values() if len(members) > 1]


def ranked(editions: Sequence[Speech]) -> list[Speech]:
    """Editions most complete first: a full text before an excerpt, then by completeness, length, source."""
    chars = {id(e): _chars(e.text) for e in editions}
    longest = max(chars.values())
    return sorted(
        editions,
        key=lambda e: (
            chars[id(e)] < EXCERPT * longest,
            _RANK.get(e.meta.get("completeness"), len(_RANK)),
            -chars[id(e)],
            e.source_file,
        ),
    )


def _holes(speech: Speech) -> list[tuple[int, int, str]]:
    """Where the text lacks what the speech said: gap markers, runs of □, and an open end; (start, end, kind)."""
    text = speech.text
    found = [(m.start(), m.end(), "end" if m.end() == len(text) else "gap") for m in _MARKER.finditer(text)]
    found += [(m.start(), m.end(), "lost") for m in _SQUARES.finditer(text)]
    body = text.rstrip()
    if speech.meta.get("truncated") and body and body[-1] not in (GAP + _SENTENCE_END):
        found.append((len(body), len(text), "end"))
    return sorted(found)


def _whole(text: str) -> bool:
    return GAP not in text and "□" not in text


def _once(text: str, part: str, start: int = 0) -> int:
    """Where `part` occurs in `text` after `start`, if it occurs there exactly once; else -1."""
    at = text.find(part, start)
    return at if at >= 0 and text.find(part, at + 1) < 0 else -1


def _cover(hole: tuple[int, int, str], text: str, edition: Speech) -> str | None:
    """Another edition's text for a hole, found between the CONTEXT characters on either side of it.

    An open end is covered only by an edition whose own end is not open.
    """
    start, end, kind = hole
    other = edition.text
    if kind == "end" and any(k == "end" for *_, k in _holes(edition)):
        return None
    before = text[:start][-CONTEXT:]
    after = text[end:][:CONTEXT] if kind != "end" else ""
    if len(before) < CONTEXT or not _whole(before) or kind != "end" and (len(after) < CONTEXT or not _whole(after)):
        return None
    at = _once(other, before)
    if at < 0:
        return None
    begin = at + len(before)
    stop = len(other.rstrip()) if kind == "end" else _once(other, after, begin)
    if stop < begin:
        return None
    filling = other[begin:stop]
    if not filling.strip() or not _whole(filling) or kind == "lost" and len(filling) != end - start:
        return None
    return filling + ("\n" if kind == "end" else "")


def fill(kept: Speech, others: Sequence[Speech]) -> tuple[Speech, list[str], bool]:
    """The kept edition with each hole filled from the first other edition that covers it.

    Out: the speech, the source of each fill, and whether a gap or an open end is left. The
    fills are one pass of the change log (stage `editions`, kind `edition-fill`), so the text
    and its record still give back the raw text.
    """
    pieces, changes, sources, cursor, left = [], [], [], 0, False
    for hole in _holes(kept):
        start, end, kind = hole
        filled = next(((o, f) for o in others if (f := _cover(hole, kept.text, o)) is not None), None)
        if filled is None:
            left = left or kind != "lost"
            continue
        other, filling = filled
        note = f"据另一版本 {other.source_file} 补足"
        changes.append(Change("editions", "edition-fill", start, kept.text[start:end], filling, note=note))
        pieces += [kept.text[cursor:start], filling]
        sources.append(other.source_file)
        cursor = end
    if not changes:
        return kept, [], left
    text = "".join([*pieces, kept.text[cursor:]])
    return kept.with_text(text, changes).with_meta(**_shifted(kept.meta, changes)), sources, left


def _shifted(meta: dict, changes: list[Change]) -> dict:
    """The metadata's positions in the text moved past the fills before them."""

    def moved(position: int) -> int:
        return position + sum(
            len(c.replacement) - len(c.original) for c in changes if c.position + len(c.original) <= position
        )

    out = {}
    for field, key in (("date_evidence", "position"), ("people", "first"), ("places", "first"), ("organisations", "first")):
        if meta.get(field):
            out[field] = [{**item, key: moved(item[key])} for item in meta[field]]
    return out


def _titles(outline: list[dict]) -> list[str]:
    return [title for node in outline for title in (node["title"], *_titles(node.get("children") or []))]


def _completed(speech: Speech, sources: list[str], truncated: bool) -> Speech:
    """A filled speech with its completeness restated and its blocks made again from the filled text."""
    meta = speech.meta
    status = meta["completeness"]
    if status == "truncated" and not truncated:
        status = "gaps" if meta.get("damaged_spans") else "complete"
    filled = f"{len(sources)}处缺漏据另一版本（{'、'.join(dict.fromkeys(sources))}）补足（见校勘记）"
    speech = speech.with_meta(
        completeness=status,
        truncated=status == "truncated",
        completeness_note="；".join(filter(None, [meta.get("completeness_note"), filled])),
        # The outline's titles stand for the source's outline, so that the headings only it gave keep their place.
        source_outline=_titles(meta.get("outline") or []),
    )
    return structure(speech)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(_MARKER.sub(f"\n{LOST}\n", text)) if s.strip()]


def _side(text: str, head: int, tail: int) -> str:
    start, stop = max(0, head - _AROUND), min(len(text), len(text) - tail + _AROUND)
    shown = text[start:stop]
    if len(shown) > SHOWN:
        return ("…" if start else "") + shown[:SHOWN] + f"……（共{len(shown)}字）"
    return ("…" if start else "") + shown + ("…" if stop < len(text) else "")


def differences(text: str, other: str) -> list[dict]:
    """Where two editions differ, sentence by sentence: each difference as {"text": this side, "edition": the other's}.

    >>> differences("一是抓落实。二是抓整改。三是抓督查。", "一是抓落实。二是认真抓整改。三是抓督查。")
    [{'text': '二是抓整改。', 'edition': '二是认真抓整改。'}]
    """
    ours, theirs = _sentences(text), _sentences(other)
    found = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ours, theirs, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        a, b = "".join(ours[i1:i2]), "".join(theirs[j1:j2])
        head = len(os.path.commonprefix([a, b]))
        tail = len(os.path.commonprefix([a[head:][::-1], b[head:][::-1]]))
        found.append({"text": _side(a, head, tail), "edition": _side(b, head, tail)})
    return found


def _edition(other: Speech, text: str) -> dict:
    """What the page lists of an edition that is not the text: its source, its completeness (an excerpt counted as one), where it differs."""
    found = differences(text, other.text)
    chars = _chars(other.text)
    listed = {
        "source_file": other.source_file,
        "title": other.meta.get("title"),
        "source_site": other.meta.get("source_site"),
        "source_url": other.meta.get("source_url"),
        "sha256": hashlib.sha256(other.raw).hexdigest(),
        "completeness": "truncated" if chars < EXCERPT * _chars(text) else other.meta.get("completeness"),
        "chars": chars,
        "differences": found[:DIFFERENCES],
        "differences_total": len(found),
    }
    return {key: value for key, value in listed.items() if value is not None}


def merge_editions(speeches: Sequence[Speech], sign: Signer = signatures) -> list[Speech]:
    """The speeches with each group of editions made one speech, in the order of the kept editions; `sign` as for `edition_groups`."""
    kept: dict[int, Speech] = {}
    merged: set[int] = set()
    for group in edition_groups(speeches, sign):
        editions = ranked([speeches[n] for n in group])
        first, others = editions[0], editions[1:]
        speech, sources, truncated = fill(first, others)
        if sources:
            speech = _completed(speech, sources, truncated)
        number = next(n for n in group if speeches[n] is first)
        kept[number] = speech.with_meta(editions=[_edition(other, speech.text) for other in others])
        merged.update(group)
    return [kept.get(n, speech) for n, speech in enumerate(speeches) if n not in merged or n in kept]
