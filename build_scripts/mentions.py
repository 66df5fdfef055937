"""The speeches' metadata and paragraphs in, the people and places worth a page of their own with every sentence naming them out."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from .places import ANONYMISED, gazetteer, parent, short_name

# A person or place named in one speech only is best read in that speech; a page of its
# own pays when it gathers several.
MIN_SPEECHES = 2
# A one-character "name" (刘 of 刘县长) is a surname with a title, not one person.
MIN_NAME = 2
# Characters that end a place's full name: a short form followed by one of them is part of
# another name (吉安 of 吉安县 is not 吉安市).
_PLACE_END = frozenset("省市县区旗盟州乡镇村")
_SENTENCE = re.compile(r"[^。！？；]+[。！？；”」』）]*")


@dataclass(frozen=True)
class Named:
    """A person or place with a page: who it is (a name, an adcode, a town's kind and name), its name, kind, the forms searched for, and how it is shown."""

    key: str
    name: str
    kind: str  # "person", or a place's kind: province, city, county, town, village
    forms: tuple[str, ...]
    label: str


@dataclass(frozen=True)
class Sentence:
    """A sentence naming someone: the speech, the paragraph's anchor, the sentence and the span of the name in it."""

    speech_id: str
    anchor: str
    text: str
    start: int
    end: int


def _anonymised(name: str) -> bool:
    return "*" in name or bool(ANONYMISED.fullmatch(name)) or bool(re.search(r"[A-Za-z×]", name))


def full_name(adcode: str) -> str:
    """A division with the divisions above it, as an address writes it.

    >>> full_name("370725")
    '山东省潍坊市昌乐县'
    """
    by_code, _ = gazetteer()
    place = by_code[adcode]
    chain = [p.name for rank in range(place.rank) if (p := parent(place, rank)) is not None and p != place]
    return "".join([*chain, place.name])


def people(metas: list[dict]) -> list[Named]:
    """The people named in at least MIN_SPEECHES speeches, by name; anonymised names and lone surnames left out."""
    speeches: dict[str, set[str]] = defaultdict(set)
    for meta in metas:
        for person in meta.get("people") or []:
            if len(person["name"]) >= MIN_NAME and not person.get("anonymised") and not _anonymised(person["name"]):
                speeches[person["name"]].add(meta["id"])
    return [
        Named(name, name, "person", (name,), name)
        for name in sorted(speeches)
        if len(speeches[name]) >= MIN_SPEECHES
    ]


def places(metas: list[dict], in_tree: set[str]) -> list[Named]:
    """Divisions of the gazetteer named in at least MIN_SPEECHES speeches or standing in the place tree (`in_tree`, adcodes), and towns and villages named in several."""
    by_code, _ = gazetteer()
    coded: dict[str, set[str]] = defaultdict(set)
    local: dict[tuple[str, str], set[str]] = defaultdict(set)
    for meta in metas:
        for place in meta.get("places") or []:
            if place.get("adcode") in by_code:
                coded[place["adcode"]].add(meta["id"])
            elif place["kind"] in ("town", "village") and not _anonymised(place["name"]):
                local[(place["kind"], place["name"])].add(meta["id"])
    found = []
    for adcode in sorted(set(in_tree) | {code for code, ids in coded.items() if len(ids) >= MIN_SPEECHES}):
        place = by_code[adcode]
        forms = (place.name, short) if (short := short_name(place.name)) else (place.name,)
        found.append(Named(adcode, place.name, place.kind, forms, full_name(adcode)))
    for (kind, name), ids in sorted(local.items()):
        if len(ids) >= MIN_SPEECHES:
            found.append(Named(f"{kind}:{name}", name, kind, (name,), name))
    return found


def _spans(sentence: str, named: Named) -> list[tuple[int, int]]:
    """Where a sentence names someone, by any of their forms; a place's short form only where no other name goes on."""
    spans = []
    for form in named.forms:
        for match in re.finditer(re.escape(form), sentence):
            end = match.end()
            short = form != named.name and named.kind != "person"
            if short and end < len(sentence) and sentence[end] in _PLACE_END:
                continue
            spans.append((match.start(), end))
    return sorted(set(spans))


def sentences(named: list[Named], speeches: list[tuple[dict, list[tuple[str, str]]]]) -> dict[str, list[Sentence]]:
    """Each page's sentences, in the archive's order: a speech is searched only for the people and places its metadata lists.

    `speeches` holds each speech's metadata and paragraphs (anchor, text), in the archive's order.
    """
    by_name: dict[str, list[Named]] = defaultdict(list)
    for entry in named:
        by_name[entry.name].append(entry)
    found: dict[str, list[Sentence]] = {entry.key: [] for entry in named}
    for meta, paragraphs in speeches:
        listed = {p["name"] for p in meta.get("people") or []} | {p["name"] for p in meta.get("places") or []}
        codes = {p.get("adcode") for p in meta.get("places") or []}
        wanted = [
            entry
            for name in sorted(listed)
            for entry in by_name.get(name, [])
            if entry.kind in ("person", "town", "village") or entry.key in codes
        ]
        for anchor, text in paragraphs:
            # Most paragraphs name none of the speech's people and places: only the named are cut into sentences.
            named_here = [entry for entry in wanted if any(form in text for form in entry.forms)]
            if not named_here:
                continue
            for match in _SENTENCE.finditer(text):
                sentence = match.group(0).strip()
                for entry in named_here:
                    spans = _spans(sentence, entry)
                    if spans:
                        start, end = spans[0]
                        found[entry.key].append(Sentence(meta["id"], anchor, sentence, start, end))
    return found


# --------------------------------------------------------------------------- the pages

PEOPLE_DIR = "people"
PLACENAMES_DIR = "placenames"
TITLES = {PEOPLE_DIR: "人物", PLACENAMES_DIR: "地名"}
KIND_LABELS = {"person": "人物", "province": "省级", "city": "地级", "county": "县级", "town": "乡镇", "village": "村"}
CONTEXT = 60  # characters shown each side of the name when a sentence is longer than twice this


def tree_codes(metas: list[dict]) -> dict[tuple[str, ...], str]:
    """Each place of the place tree (its path of names: province, city, county) with its adcode."""
    by_code, _ = gazetteer()
    codes = {}
    for meta in metas:
        place = meta.get("place") or {}
        home = by_code.get(place.get("adcode") or "")
        if home is None:
            continue
        chain = [d for rank in range(home.rank) if (d := parent(home, rank)) is not None and d != home] + [home]
        path = tuple(name for name in (place.get("province"), place.get("city"), place.get("county")) if name)
        if tuple(d.name for d in chain) == path:
            codes.update({path[: i + 1]: d.adcode for i, d in enumerate(chain)})
    return codes


def page_keys(named: list[Named]) -> dict[str, str]:
    """Each page's folder: a place's adcode, else the name's pinyin (with a hash where it is long or shared)."""
    from .browse import term_keys  # noqa: PLC0415 - browse writes the pages this module feeds

    spelled = term_keys([entry.key for entry in named if not entry.key.isdigit()])
    return {entry.key: entry.key if entry.key.isdigit() else spelled[entry.key] for entry in named}


def _sentence_cell(sentence: Sentence, page: str) -> str:
    from .render import escape  # noqa: PLC0415

    text, start, end = sentence.text, sentence.start, sentence.end
    left, right = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
    before = ("…" if left else "") + text[left:start]
    after = text[end:right] + ("…" if right < len(text) else "")
    return f"{escape(before)}[**{escape(text[start:end])}**]({page}){escape(after)}"


def _entity_pages(folder: str, entry: Named, key: str, found: list[Sentence], metas: dict[str, dict], tree: str | None) -> dict[str, str]:
    """One person's or place's pages: who or where, how many speeches name them, then the sentences PAGE_SIZE to a page."""
    from .browse import speech_cell, yaml_text  # noqa: PLC0415
    from .render import escape  # noqa: PLC0415
    from .writer import SPEECH_DIR, chunked, page_name, pager  # noqa: PLC0415

    up = "../../"
    chunks = chunked(found)
    speeches = len({s.speech_id for s in found})
    pages = {}
    for number, chunk in enumerate(chunks, start=1):
        title = entry.label + (f"（第 {number} 页）" if number > 1 else "")
        parts = [f"---\ntitle: {yaml_text(TITLES[folder] + '：' + title)}\n---\n", f"[{TITLES[folder]}](../index.md)\n"]
        parts.append(f"# {escape(title)}\n")
        summary = f"{KIND_LABELS[entry.kind]}。" if entry.kind != "person" else ""
        summary += f"见于 {speeches} 篇讲话，共 {len(found)} 句。" if found else "没有讲话提到这个名称。"
        if tree:
            summary += f"在此地所作的讲话见[按地点浏览]({up}{tree})。"
        parts.append(summary + "\n")
        if len(chunks) > 1:
            parts.append(pager(number, len(chunks)) + "\n")
        if chunk:
            rows = ["| 出处 | 句子 |", "| --- | --- |"]
            previous = None
            for sentence in chunk:
                link = f"{up}{SPEECH_DIR}/{sentence.speech_id}.md#{sentence.anchor}"
                where = speech_cell(sentence, metas, up) if sentence.speech_id != previous else ""
                rows.append(f"| {where}[第 {sentence.anchor[1:]} 段]({link}) | {_sentence_cell(sentence, link)} |")
                previous = sentence.speech_id
            parts.append("\n".join(rows) + "\n")
        pages[f"{folder}/{key}/{page_name(number)}"] = "\n".join(part.rstrip("\n") + "\n" for part in parts)
    return pages


def _index_pages(folder: str, named: list[Named], keys: dict[str, str], found: dict[str, list[Sentence]]) -> dict[str, str]:
    """The list of a section's people or places, the most widely named first, PAGE_SIZE to a page."""
    from .browse import yaml_text  # noqa: PLC0415
    from .render import escape  # noqa: PLC0415
    from .writer import chunked, page_name, pager  # noqa: PLC0415

    spread = {entry.key: len({s.speech_id for s in found[entry.key]}) for entry in named}
    ordered = sorted(named, key=lambda e: (-spread[e.key], -len(found[e.key]), keys[e.key]))
    chunks = chunked(ordered)
    intro = {
        PEOPLE_DIR: f"在 {MIN_SPEECHES} 篇以上讲话中提到的人，每人一页，列出提到他的每一句话，链接到所在段落。",
        PLACENAMES_DIR: f"在 {MIN_SPEECHES} 篇以上讲话中提到的地方，以及按地点浏览中的每个地方，每处一页，列出提到它的每一句话，链接到所在段落。",
    }[folder]
    pages = {}
    for number, chunk in enumerate(chunks, start=1):
        parts = [f"---\ntitle: {yaml_text(TITLES[folder] + (f'（第 {number} 页）' if number > 1 else ''))}\n---\n"]
        parts.append(f"# {TITLES[folder]}\n")
        parts.append(intro + (pager(number, len(chunks)) if len(chunks) > 1 else "") + "\n")
        rows = ["| 名称 | 类别 | 篇数 | 句数 |", "| --- | --- | --- | --- |"]
        rows += [
            f"| [{escape(e.label)}]({keys[e.key]}/index.md) | {KIND_LABELS[e.kind]} | {spread[e.key]} | {len(found[e.key])} |"
            for e in chunk
        ]
        parts.append("\n".join(rows) + "\n")
        pages[f"{folder}/{page_name(number)}"] = "\n".join(part.rstrip("\n") + "\n" for part in parts)
    return pages


def named_pages(speeches: list, tree_pages: dict[str, str]) -> dict[str, str]:
    """The speeches, in the archive's order, and the place tree's page of each adcode in; the people's and places' pages (path under docs/ → Markdown) out."""
    metas = [s.meta for s in speeches]
    paragraphs = [(s.meta, [(b.anchor, b.text) for b in s.blocks if b.kind == "paragraph"]) for s in speeches]
    by_id = {meta["id"]: meta for meta in metas}
    pages: dict[str, str] = {}
    for folder, named in ((PEOPLE_DIR, people(metas)), (PLACENAMES_DIR, places(metas, set(tree_pages)))):
        found = sentences(named, paragraphs)
        keys = page_keys(named)
        pages.update(_index_pages(folder, named, keys, found))
        for entry in named:
            pages.update(_entity_pages(folder, entry, keys[entry.key], found[entry.key], by_id, tree_pages.get(entry.key)))
    return pages
