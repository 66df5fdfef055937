"""Cleaned text and its change log in, the text with its paragraph ends restored where a PDF flattened them out.

A PDF converted to text by the document sites keeps the page's lines: a line the
layout wrapped ends in a space, and a line that ends a paragraph or a heading ends
in nothing, so the next paragraph runs on in the same string. The cleaner removes
the wrap spaces (and records where). With those positions the page's lines come
back, and their widths tell the paragraphs apart: every line is as wide as the
page, except a paragraph's last line, and a paragraph's first line, which is
indented by two characters.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import pairwise

from .lexicon import jieba_words
from .speech import Change

_SENTENCE_END = "。！？：；…”"
_PUNCTUATION = "，、。！？：；…”’）》"
_MARKS = _PUNCTUATION + "“‘（《"
_INDENT = 2
_SPACE = re.compile(r"[ \t\u3000]+")
_MIN_LINES = 20  # fewer wrapped lines than this do not show a page width
_MIN_SHARE = 0.4  # share of lines at the commonest width for the text to count as a PDF's lines
_MIN_WIDTH = 10  # narrower "lines" are words a text spaced out, not a page's lines
# Prices of the line cutting, in characters of width missing or in excess.
_NO_STOP = 3.0  # a paragraph (a heading) ending without a stop
_PARAGRAPH = 0.5  # each paragraph end, so that a full line is not cut where a stop happens to fall
_INLINE_SPACE = 1.5  # a space inside a line rather than at its end
_NUMBERED = 1.0  # taken off where a stop is followed by a heading's number
_LOOK_AHEAD = 8
_IN_WORD = 0.25  # a heading ending inside a word: breaks ties that widths leave


def _passes(changes: Sequence[Change]) -> list[list[Change]]:
    """The change log cut into the passes that made it (one pass: one kind, positions increasing)."""
    passes: list[list[Change]] = []
    key = None
    for change in changes:
        this = (change.stage, change.kind, getattr(change, "step", None))
        if this != key or change.position < passes[-1][-1].position:
            passes.append([])
            key = this
        passes[-1].append(change)
    return passes


def _through(position: int, changes: list[Change]) -> int:
    """Where a position of a pass's input lands in its output."""
    shift = 0
    for change in changes:
        end = change.position + len(change.original)
        if end <= position:
            shift += len(change.replacement) - len(change.original)
        elif change.position < position:
            return change.position + shift
        else:
            break
    return position + shift


def wrap_breaks(changes: Sequence[Change]) -> list[int]:
    """Positions in the final text where the cleaner removed a space that wrapped a line.

    >>> wrap_breaks([Change("spacing", "line-wrap-space", 2, " ", ""), Change("spacing", "line-wrap-space", 5, " ", "")])
    [2, 4]
    """
    passes = _passes(changes)
    first = next((i for i, p in enumerate(passes) if (p[0].stage, p[0].kind) == ("spacing", "line-wrap-space")), None)
    if first is None:
        return []
    breaks, removed = [], 0
    for change in passes[first]:
        breaks.append(change.position - removed)
        removed += len(change.original) - len(change.replacement)
    for later in passes[first + 1 :]:
        breaks = [_through(b, later) for b in breaks]
    return breaks


def width(text: str) -> float:
    """Width of text on the page, in Chinese characters.

    Latin letters and digits take half, and so does a mark next to a mark, as
    Chinese typesetting compresses them.

    >>> width("8月份工作，"), width("“三必看”、“三必问”")
    (5.5, 9.5)
    """
    total, previous = 0.0, ""
    for ch in text:
        if ch.isspace():
            continue
        total += 0.5 if ord(ch) < 128 or ch in _MARKS and previous in _MARKS else 1.0
        previous = ch
    return total


def page_width(pieces: list[str]) -> float | None:
    """The width of a full line when the pieces look like a page's lines, else None."""
    if len(pieces) < _MIN_LINES:
        return None
    counts = Counter(round(width(p)) for p in pieces)
    common, count = counts.most_common(1)[0]
    return float(common) if count / len(pieces) >= _MIN_SHARE else None


def _splits_word(line: str, position: int) -> bool:
    """Whether a word of jieba's dictionary runs across the position.

    >>> _splits_word("强大合力习近平", 3), _splits_word("强大合力习近平", 4)
    (True, False)
    """
    words = jieba_words()
    return any(
        line[a:b] in words
        for a in range(max(0, position - 2), position)
        for b in range(position + 1, min(len(line), position + 2) + 1)
    )


def _paragraph_ends(line: str, cuts: list[int], full: float, starts_heading: Callable[[str], bool]) -> list[int]:
    """Positions in a line of text where a paragraph of the PDF ended.

    The line is cut into the page's lines at least cost: a line that wrapped ends at
    a cut and is as wide as the page, or two characters narrower when it opens a
    paragraph; a line that ends a paragraph ends in a stop (a heading ends in
    none, at a price) and may be narrower. A cut inside a line (a space the PDF put
    between words) costs a little, so that the cuts that end lines are preferred.
    """
    soft = set(cuts)
    n = len(line)
    prices: dict[int, float] = {}

    def end_price(j: int) -> float:
        """The price of a paragraph ending at j, whatever line it closes."""
        if j not in prices:
            price = _PARAGRAPH + (_INLINE_SPACE if j in soft else 0)
            if line[j - 1] in _SENTENCE_END and starts_heading(line[j : j + _LOOK_AHEAD]):
                price -= _NUMBERED  # a numbered point after a stop begins a line of its own
            if line[j - 1] not in _SENTENCE_END:
                price += _NO_STOP + (_IN_WORD if _splits_word(line, j) else 0)
            prices[j] = price
        return prices[j]

    best: dict[tuple[int, bool], tuple[float, tuple[int, bool] | None]] = {(0, True): (0.0, None)}
    for i in range(n):
        for after_end in (True, False):
            if (i, after_end) not in best:
                continue
            cost = best[(i, after_end)][0]
            skipped, seg_width, previous = 0, 0.0, ""
            for j in range(i + 1, n + 1):
                ch = line[j - 1]
                if not ch.isspace():
                    seg_width += 0.5 if ord(ch) < 128 or ch in _MARKS and previous in _MARKS else 1.0
                    previous = ch
                if seg_width > full + 2:
                    break
                options = []
                if j in soft:
                    # A mark may hang past the edge; compressed marks let a line hold one more.
                    hang = 1.0 if ch in _PUNCTUATION else 0.0
                    off = max(0.0, seg_width - full - hang) if seg_width > full else full - seg_width
                    if after_end:
                        off = min(abs(seg_width - (full - _INDENT)), off + 1)
                    options.append((cost + off + _INLINE_SPACE * skipped, (j, False)))
                options.append((cost + end_price(j) + _INLINE_SPACE * skipped, (j, True)))
                for total, state in options:
                    if state not in best or total < best[state][0]:
                        best[state] = (total, (i, after_end))
                if j in soft:
                    skipped += 1
    ends, state = [], (n, True)
    if state not in best:
        return []
    while best[state][1] is not None:
        previous = best[state][1]
        if state[1] and state[0] < n:
            ends.append(state[0])
        state = previous
    return sorted(ends)


def reflow(text: str, changes: Sequence[Change], starts_heading: Callable[[str], bool] = lambda _: False) -> str:
    """Put a line break at every paragraph end a flattened PDF lost; other texts come back unchanged.

    `starts_heading` tells whether a text opens with a heading's number; after a stop,
    such a number is taken to start a line.
    """
    removed = wrap_breaks(changes)
    if not removed:
        return text
    lines, offset = [], 0
    for line in text.split("\n"):
        # Spaces the cleaner kept (next to Latin letters) may end a line of the page too.
        cuts = {b - offset for b in removed if offset < b < offset + len(line)}
        cuts |= {m.end() for m in _SPACE.finditer(line) if 0 < m.end() < len(line)}
        lines.append((line, sorted(cuts)))
        offset += len(line) + 1
    full = page_width([line[a:b] for line, cuts in lines for a, b in pairwise(cuts)])
    if full is None or full < _MIN_WIDTH:
        return text
    out = []
    for line, cuts in lines:
        ends = _paragraph_ends(line, cuts, full, starts_heading) if len(cuts) > 1 else []
        out.append("\n".join(line[a:b].strip() for a, b in zip([0, *ends], [*ends, len(line)])))
    return "\n".join(out)
