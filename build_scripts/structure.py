"""Cleaned text in, the speech's blocks out: headings with their levels, paragraphs, and gaps."""

from __future__ import annotations

import re

from .boilerplate import GAP
from .speech import Block, Speech

_NUM = "一二三四五六七八九十"
# Heading forms of Chinese official speeches, outermost first. A line is a heading
# when it opens with one of these and is short, with no full stop inside it.
HEADING_FORMS = (
    (2, re.compile(rf"^[{_NUM}]+、")),
    (2, re.compile(rf"^第[{_NUM}]+[，、：]?(?:是|点|部分)?[，、：]?")),
    (3, re.compile(rf"^（[{_NUM}]+）")),
    (4, re.compile(r"^\d{1,2}[、.．]")),
)
_MAX_HEADING = 40
_GAP_LINE = re.compile(rf"^{GAP}gap:(\w+):(\d+){GAP}$")
_SALUTATION = re.compile(r"^((?:各位|尊敬的)?[^，。：\n]{0,12}同志们[：:])(?=\S)")


def heading_level(line: str) -> int:
    """The heading level of a line, or 0 when it is running text.

    >>> heading_level("一、提高认识，提振士气"), heading_level("一是要抓好落实。要……")
    (2, 0)
    """
    if len(line) > _MAX_HEADING or "。" in line.rstrip("。")[:-1]:
        return 0
    for level, form in HEADING_FORMS:
        if form.match(line):
            return level
    return 0


def split_blocks(text: str) -> list[Block]:
    """Split cleaned text into blocks, one paragraph per line of the speech."""
    blocks: list[Block] = []
    for raw_line in text.split("\n"):
        line = raw_line.strip()
        if not line:
            continue
        gap = _GAP_LINE.match(line)
        if gap:
            blocks.append(Block("gap", gap.group(1), level=int(gap.group(2))))
            continue
        salutation = _SALUTATION.match(line)
        if salutation and not blocks:
            blocks.append(Block("paragraph", salutation.group(1)))
            line = line[salutation.end() :]
        level = heading_level(line)
        blocks.append(Block("heading", line, level=level) if level else Block("paragraph", line))
    return _anchor(blocks)


def _anchor(blocks: list[Block]) -> list[Block]:
    """Number paragraphs and headings in reading order; the numbers are the stable anchors."""
    counts = {"paragraph": 0, "heading": 0, "gap": 0}
    prefix = {"paragraph": "p", "heading": "h", "gap": "gap"}
    out = []
    for block in blocks:
        counts[block.kind] += 1
        out.append(Block(block.kind, block.text, block.level, f"{prefix[block.kind]}{counts[block.kind]}"))
    return out


def outline(blocks: list[Block]) -> list[dict]:
    """The heading tree of the speech, as nested dicts of title, anchor and children."""
    root: list[dict] = []
    stack: list[tuple[int, list]] = [(1, root)]
    for block in blocks:
        if block.kind != "heading":
            continue
        while stack[-1][0] >= block.level:
            stack.pop()
        node = {"title": block.text, "anchor": block.anchor, "children": []}
        stack[-1][1].append(node)
        stack.append((block.level, node["children"]))
    return root


def structure(speech: Speech) -> Speech:
    """Speech with cleaned text in, speech with `blocks` and `meta['outline']` out."""
    blocks = split_blocks(speech.text)
    return speech.evolve(blocks=tuple(blocks)).with_meta(outline=outline(blocks))
