"""Cleaned speech in, its blocks out: the speech's own paragraphs, its headings at their levels, gaps, and the outline."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .boilerplate import GAP, gap_marker
from .fixes import full_width_punctuation
from .reflow import reflow
from .speech import Block, Speech

_NUM = "一二三四五六七八九十"
_CN = rf"[{_NUM}]{{1,3}}"


@dataclass(frozen=True)
class Form:
    """A way official speeches number their points; `rank` orders the forms that always nest the same way."""

    name: str
    pattern: re.Pattern
    rank: int | None  # None: the form sits at whatever depth the speech first uses it


# Heading forms of Chinese official speeches. 一、 > （一） > 1、 > （1） always nest in
# this order; 第一/首先, 一是 and 一要 take the level where a speech first uses them
# (第一 is the top level of one speech and the second of another).
FORMS = (
    Form("一、", re.compile(rf"^{_CN}、"), 0),
    Form("（一）", re.compile(rf"^[（(]{_CN}[）)]"), 1),
    Form("1、", re.compile(r"^\d{1,2}[、．](?!\d)|^\d{1,2}\.(?!\d)"), 2),
    Form("（1）", re.compile(r"^[（(]\d{1,2}[）)]"), 3),
    Form("第一", re.compile(rf"^(?:第{_CN}(?:点|条|部分)?(?:[，、：]|(?=[要是]))|(?:首先|其次|再次)[，：])"), None),
    Form("一是", re.compile(rf"^{_CN}是"), None),
    Form("一要", re.compile(rf"^{_CN}要(?!求)"), None),
)
# "二，存在哪些突出问题？": the comma for 、 is a slip the speech makes, taken only on a line of its own.
_SLIPPED = Form("一、", re.compile(rf"^{_CN}，"), 0)
_SENTENCE = re.compile(r"^[^。！？；]*?[。！？]")
MAX_HEADING = 45  # longer first sentences are a numbered point's running text, not its heading
MAX_HEADING_LINE = 60  # a line of its own (no stop inside) may be a longer heading
_MAX_LEVEL = 6
_OPEN_END = "，、；（“《—"  # a line ending in these (or in a character) runs on
_CLOSED_END = "。！？：…”’）》"
_GAP_LINE = re.compile(rf"^{GAP}gap:(\w+):(\d+){GAP}$")
_SALUTATION = re.compile(r"^((?:各位|尊敬的)?[^，。：\n]{0,12}同志们[：:])(?=\S)")
_PUNCTUATION = re.compile(r"[\W_]+")


def heading_form(line: str) -> Form | None:
    """The numbering form a line opens with, or None.

    >>> heading_form("（一）要蹲住靠上").name, heading_form("第二点，要继续").name, heading_form("第一书记要驻村")
    ('（一）', '第一', None)
    """
    return next((form for form in FORMS if form.pattern.match(line)), None)


def split_heading(line: str) -> tuple[str, str, Form] | None:
    """A numbered line as (heading, running text, form), or None when the line is not a heading.

    A short line of its own is a heading; a numbered paragraph whose first sentence
    is short has that sentence as its heading. Numbered sentences further inside a
    paragraph (一是…二是…) are never looked at.

    >>> split_heading("1、发起脱贫攻坚总攻，只许胜、不许败。大家知道，今年以来……")[:2]
    ('1、发起脱贫攻坚总攻，只许胜、不许败。', '大家知道，今年以来……')
    >>> split_heading("首先，从第一书记和驻村工作队的参与度看，有这么几个问题比较突出，一是有的驻村工作队成员长期不下村；二是有的偶尔去作秀。")
    """
    form = heading_form(line) or (_SLIPPED if _SLIPPED.pattern.match(line) else None)
    if form is None:
        return None
    body = line.rstrip("。")
    longest = MAX_HEADING_LINE if form.rank is not None else MAX_HEADING
    if len(body) <= longest and not re.search("[。！；]", body):
        return line, "", form
    if form is _SLIPPED:
        return None
    sentence = _SENTENCE.match(line)
    if sentence and len(sentence.group(0)) <= MAX_HEADING + 1:
        return sentence.group(0), line[sentence.end() :].strip(), form
    return None


def _runs_on(line: str, following: str) -> bool:
    """A line cut in mid-sentence (at a PDF's line or page end) runs on into the next."""
    if not line or not following or _GAP_LINE.match(following) or _GAP_LINE.match(line):
        return False
    # Only a short line can be a heading of its own; a long one need not be looked at again.
    heading = split_heading(line) if len(line) <= MAX_HEADING_LINE + 1 else None
    if heading and not heading[1] or split_heading(following):
        return False
    return line[-1] in _OPEN_END or line[-1] not in _CLOSED_END and not line[-1].isspace()


def paragraphs(text: str) -> list[str]:
    """The speech's paragraphs: lines joined where a sentence runs across a line end."""
    lines = [line.strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if not line:
            continue
        if out and _runs_on(out[-1], line):
            out[-1] += line
        else:
            out.append(line)
    return out


def _levels(forms: list[Form]) -> list[int]:
    """Heading levels (2 for the speech's top points) from the forms, in reading order.

    A form seen before closes the deeper ones; a new form opens a level below the
    current one, except that a ranked form never sits below a ranked form it outranks.

    >>> [level for level in _levels([FORMS[0], FORMS[4], FORMS[4], FORMS[0], FORMS[1]])]
    [2, 3, 3, 2, 3]
    """
    stack: list[str] = []
    ranks = {form.name: form.rank for form in FORMS}
    seen_at: dict[str, int] = {}
    levels = []
    for form in forms:
        if form.name in stack:
            del stack[stack.index(form.name) + 1 :]
        else:
            if form.name in seen_at:
                # A form keeps its level through the speech, even where a heading is out of order.
                del stack[max(0, seen_at[form.name] - 2) :]
            elif form.rank is not None:
                while stack and ranks[stack[-1]] is not None and ranks[stack[-1]] > form.rank:
                    stack.pop()
            stack.append(form.name)
        level = min(len(stack) + 1, _MAX_LEVEL)
        seen_at.setdefault(form.name, level)
        levels.append(level)
    return _settle(forms, levels)


def _settle(forms: list[Form], levels: list[int]) -> list[int]:
    """Give each form the level the speech mostly uses it at, where a stray heading first set it deeper.

    A form's level is kept only as deep as one below the heading before it.
    """
    usual: dict[str, int] = {}
    for name in {form.name for form in forms}:
        seen = Counter(level for form, level in zip(forms, levels) if form.name == name)
        usual[name] = max(seen, key=lambda level: (seen[level], -level))
    settled, previous = [], 1
    for form in forms:
        previous = min(usual[form.name], previous + 1)
        settled.append(previous)
    return settled


@dataclass(frozen=True)
class _Item:
    """A block before its level and anchor are known; a heading carries its numbering form."""

    kind: str
    text: str
    form: Form | None = None
    size: int = 0


def _items(text: str) -> list[_Item]:
    """Cleaned (and reflowed) text as paragraphs, headings and gaps."""
    items: list[_Item] = []
    for line in paragraphs(text):
        gap = _GAP_LINE.match(line)
        if gap:
            items.append(_Item("gap", gap.group(1), size=int(gap.group(2))))
            continue
        salutation = _SALUTATION.match(line)
        if salutation and not items:
            items.append(_Item("paragraph", salutation.group(1)))
            line = line[salutation.end() :]
        heading = split_heading(line)
        if heading:
            title, rest, form = heading
            items.append(_Item("heading", title, form))
            if rest:
                items.append(_Item("paragraph", rest))
        else:
            items.append(_Item("paragraph", line))
    return items


def _key(title: str) -> str:
    """A heading reduced to its words, for comparing the text's headings with the source's outline."""
    return _PUNCTUATION.sub("", title)


def _same(entry: str, heading: str) -> bool:
    a, b = _key(entry), _key(heading)
    return bool(a and b) and (a.startswith(b) or b.startswith(a))


def _families(entries: list[str]) -> list[tuple[str, int]]:
    """Each outline entry's numbering form and the index of its parent entry (-1 at the top)."""
    forms = [heading_form(entry) for entry in entries]
    families, open_at = [], {}
    for index, (form, level) in enumerate(zip(forms, _levels(forms))):
        families.append((form.name, open_at.get(level - 1, -1)))
        open_at = {lvl: i for lvl, i in open_at.items() if lvl < level} | {level: index}
    return families


def _merge(items: list[_Item], source_outline: list[str]) -> tuple[list[tuple[str, _Item | None]], list[str]]:
    """The text's headings in order, with the source outline's entries that fall in text the source left out.

    An entry the text has inside a paragraph is one of the speech's inline points:
    it stays out, and so do its siblings of the same numbering form.
    """
    headings = [item for item in items if item.kind == "heading"]
    source = [full_width_punctuation(entry)[0] for entry in source_outline if _key(entry) and heading_form(entry)]
    if not source:
        return [(h.text, h) for h in headings], []
    running = _key("".join(item.text for item in items if item.kind == "paragraph"))
    families = _families(source)
    inline = {
        family
        for entry, family in zip(source, families)
        if _key(entry) in running and not any(_same(entry, h.text) for h in headings)
    }
    merged: list[tuple[str, _Item | None]] = []
    cursor = 0
    for heading in headings:
        found = next((i for i in range(cursor, len(source)) if _same(source[i], heading.text)), None)
        if found is not None:
            merged += [(i, None) for i in range(cursor, found)]
            cursor = found + 1
        merged.append((heading.text, heading))
    merged += [(i, None) for i in range(cursor, len(source))]
    has_gap = any(item.kind == "gap" for item in items)
    kept, notes = [], []
    for title, heading in merged:
        if heading is None:
            index, title = title, source[title]
            if families[index] in inline or _key(title) in running:
                continue
            if not has_gap:
                notes.append(f"the source's outline has “{title}”, which the text has not as a heading")
                continue
        kept.append((title, heading))
    return kept, notes


def _anchors(levels: list[int]) -> list[str]:
    """Anchors from the outline's numbering: the second point under the first heading is s1-2.

    >>> _anchors([2, 3, 3, 2, 3])
    ['s1', 's1-1', 's1-2', 's2', 's2-1']
    """
    numbers: list[int] = []
    anchors = []
    for level in levels:
        depth = level - 1
        numbers = (numbers + [0] * depth)[:depth]
        numbers[-1] += 1
        anchors.append("s" + "-".join(map(str, numbers)))
    return anchors


def _tree(entries: list[dict]) -> list[dict]:
    """Nest flat outline entries (each with a `level`) into a tree of children."""
    root: list[dict] = []
    stack: list[tuple[int, list]] = [(1, root)]
    for entry in entries:
        level = entry.pop("level")
        while stack[-1][0] >= level:
            stack.pop()
        entry["children"] = []
        stack[-1][1].append(entry)
        stack.append((level, entry["children"]))
    return root


def split_blocks(text: str, source_outline: list[str] | None = None) -> tuple[list[Block], list[dict], list[str]]:
    """Text in; blocks, the outline tree, and where the source's outline disagrees with the text out.

    Levels and anchors come from the whole outline, the source's entries included, so
    that a point the source left out keeps its number.
    """
    items = _items(text)
    merged, notes = _merge(items, source_outline or [])
    levels = _levels([heading.form if heading else heading_form(title) for title, heading in merged])
    anchors = _anchors(levels)
    placed = {id(heading): (level, anchor) for (_, heading), level, anchor in zip(merged, levels, anchors) if heading}
    counts = {"paragraph": 0, "gap": 0}
    blocks = []
    for item in items:
        if item.kind == "heading":
            level, anchor = placed[id(item)]
            blocks.append(Block("heading", item.text, level, anchor))
        else:
            counts[item.kind] += 1
            prefix = "p" if item.kind == "paragraph" else "gap"
            blocks.append(Block(item.kind, item.text, item.size, f"{prefix}{counts[item.kind]}"))
    entries = [
        {"title": title, "anchor": anchor, "level": level}
        if heading
        else {"title": title, "in_text": False, "level": level}
        for (title, heading), level, anchor in zip(merged, levels, anchors)
    ]
    return blocks, _tree(entries), notes


def structure(speech: Speech) -> Speech:
    """Speech with cleaned text in, speech with `blocks` and `meta['outline']` out (the source's outline dropped).

    A text that breaks off where the source stopped showing it, without the source
    saying so, ends in a gap block, so the page shows that the rest is missing.
    """
    text = reflow(speech.text, speech.changes, lambda start: bool(heading_form(start)))
    ends_open = speech.meta.get("truncated") and not text.rstrip().endswith(GAP)
    if ends_open:
        text = text.rstrip() + gap_marker("truncated")
    blocks, tree, notes = split_blocks(text, speech.meta.get("source_outline"))
    for note in notes:
        speech = speech.warn(note)
    meta = {key: value for key, value in speech.meta.items() if key != "source_outline"}
    return speech.evolve(blocks=tuple(blocks), meta={**meta, "outline": tree})
