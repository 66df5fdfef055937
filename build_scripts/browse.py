"""The speeches' metadata in, the browse pages out: by topic, occasion, speaker, time, place and collection, as {path under docs/: Markdown}.

Each category is a folder of pages: `index.md` with the counts of its subcategories and the first
PAGE_SIZE of its speeches, `page-2.md` … with the rest, so no page grows with the archive beyond a
fixed size. Folder names come from the category's name (its pinyin), never from an order.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from pypinyin import lazy_pinyin

from .extract import LEVELS, date_label, occasion_types
from .render import escape
from .topics import topic_names
from .writer import SPEECH_DIR, chunked, listing, page_name, pager

if TYPE_CHECKING:
    from .glossary import Matcher

# The browse sections: folder, title, what its categories are.
SECTIONS = {
    "topics": ("按议题浏览", ("议题",)),
    "occasions": ("按场合浏览", ("会议类型",)),
    "speakers": ("按讲话人浏览", ("层级", "职务")),
    "timeline": ("按时间浏览", ("年份", "月份")),
    "places": ("按地点浏览", ("省", "市", "县")),
    "collections": ("按文集浏览", ("文集",)),
}
UNKNOWN = "不详"
# The glossary of the speeches' formulations, browsed beside the sections.
GLOSSARY_DIR = "glossary"
GLOSSARY_TITLE = "提法"


def slug(name: str) -> str:
    """A folder name from a category's name: its pinyin, plus a short hash when the name has more than letters and digits.

    >>> slug("脱贫攻坚"), slug("县委书记"), slug("2020"), slug("WWW县"), slug("*****县")
    ('tuopingongjian', 'xianweishuji', '2020', 'wwwxian', 'xian-fd4f1d')
    """
    syllables = lazy_pinyin(name, errors=lambda chars: list(chars))
    letters = "".join(s for s in syllables if s.isascii() and s.isalnum()).lower()
    if letters and "".join(syllables).isascii() and "".join(syllables).isalnum():
        return letters
    return (letters + "-" if letters else "") + hashlib.sha256(name.encode("utf-8")).hexdigest()[:6]


@dataclass
class Node:
    """A category: its name, the speeches in it (and in its subcategories), its subcategories."""

    name: str
    key: str = ""
    metas: list[dict] = field(default_factory=list)
    children: dict[str, Node] = field(default_factory=dict)
    note: str = ""
    see: tuple[str, str] | None = None  # another page about the category: its label and path under docs/

    def child(self, name: str, key: str | None = None) -> Node:
        if name not in self.children:
            self.children[name] = Node(name, key or slug(name))
        return self.children[name]


# --------------------------------------------------------------------------- the trees


def _ordered(node: Node, order: list[str]) -> Node:
    """Children in a fixed order (a vocabulary's); the ones it does not name by count, then name."""
    rank = {name: i for i, name in enumerate(order)}
    node.children = dict(
        sorted(node.children.items(), key=lambda kv: (rank.get(kv[0], len(rank)), -len(kv[1].metas), kv[0]))
    )
    for child in node.children.values():
        _ordered(child, order)
    return node


def _by_count(node: Node) -> Node:
    return _ordered(node, [])


def _add(node: Node, path: list[tuple[str, str | None]], meta: dict) -> None:
    node.metas.append(meta)
    for name, key in path:
        node = node.child(name, key)
        node.metas.append(meta)


def topic_tree(metas: list[dict]) -> Node:
    root = Node("议题")
    for meta in metas:
        names = [t["name"] for t in meta.get("topics") or []] or ["未归类"]
        root.metas.append(meta)
        for name in names:
            root.child(name).metas.append(meta)
    return _ordered(root, [*topic_names(), "未归类"])


def occasion_tree(metas: list[dict]) -> Node:
    root = Node("会议类型")
    for meta in metas:
        kind = (meta.get("occasion") or {}).get("type") or f"类型{UNKNOWN}"
        _add(root, [(kind, None)], meta)
    return _ordered(root, [*dict.fromkeys(kind for _, kind in occasion_types()), f"类型{UNKNOWN}"])


def speaker_tree(metas: list[dict]) -> Node:
    root = Node("讲话人")
    for meta in metas:
        speaker = meta.get("speaker") or {}
        level = f"{speaker['level']}级" if speaker.get("level") else f"层级{UNKNOWN}"
        office = speaker.get("office") or f"职务{UNKNOWN}"
        _add(root, [(level, None), (office, None)], meta)
    return _ordered(root, [*(f"{level}级" for level in LEVELS), f"层级{UNKNOWN}"])


def _when(meta: dict) -> list[tuple[str, str]]:
    """The timeline's year and month of a speech; a range of years and an unknown date are categories of their own."""
    date = meta.get("speech_date")
    years = meta.get("speech_years") or {}
    if date:
        year = date[:4]
        path = [(f"{year}年", year)]
        if len(date) >= 7:
            path.append((f"{int(date[5:7])}月", date[5:7]))
        else:
            path.append((f"月份{UNKNOWN}", "month-unknown"))
        return path
    if years.get("from"):
        return [("只知年份范围", "ranges")]
    return [(f"讲话日期{UNKNOWN}", "unknown")]


def timeline_tree(metas: list[dict]) -> Node:
    root = Node("讲话年月")
    for meta in metas:
        _add(root, _when(meta), meta)
    root.children = dict(sorted(root.children.items(), key=lambda kv: (not kv[1].key.isdigit(), kv[1].key)))
    for year in root.children.values():
        year.children = dict(sorted(year.children.items(), key=lambda kv: (not kv[1].key.isdigit(), kv[1].key)))
        for node in (year, *year.children.values()):
            inferred = sum(1 for m in node.metas if m.get("date_inferred"))
            node.note = f"其中 {inferred} 篇的日期是推断的" if inferred else ""
    for node in root.children.values():
        if not node.key.isdigit():
            node.note = "日期是推断的年份范围" if node.key == "ranges" else "只有发布日期"
    return root


def place_tree(metas: list[dict]) -> Node:
    root = Node("地点")
    for meta in metas:
        place = meta.get("place") or {}
        path = [(name, None) for name in (place.get("province"), place.get("city"), place.get("county")) if name]
        if place.get("county_anonymised"):
            path.append((f"{place['county_anonymised']}（县名隐去）", "hidden-" + slug(place["county_anonymised"])))
        _add(root, path or [(f"地点{UNKNOWN}", None)], meta)
    root = _by_count(root)
    unknown = root.children.pop(f"地点{UNKNOWN}", None)
    if unknown:
        root.children[unknown.name] = unknown
    return root


def collection_tree(metas: list[dict]) -> Node:
    root = Node("文集")
    for meta in metas:
        _add(root, [(meta.get("collection") or f"文集{UNKNOWN}", None)], meta)
    return _by_count(root)


def _unique(node: Node) -> Node:
    """Names of the same pinyin (two homophone offices) each get a short hash of the name, whichever came first."""
    keys: dict[str, int] = {}
    for child in node.children.values():
        keys[child.key] = keys.get(child.key, 0) + 1
    for child in node.children.values():
        if keys[child.key] > 1:
            child.key += "-" + hashlib.sha256(child.name.encode("utf-8")).hexdigest()[:6]
        _unique(child)
    return node


TREES = {
    "topics": lambda metas: _unique(topic_tree(metas)),
    "occasions": lambda metas: _unique(occasion_tree(metas)),
    "speakers": lambda metas: _unique(speaker_tree(metas)),
    "timeline": lambda metas: _unique(timeline_tree(metas)),
    "places": lambda metas: _unique(place_tree(metas)),
    "collections": lambda metas: _unique(collection_tree(metas)),
}


# --------------------------------------------------------------------------- the pages


def _children_table(node: Node, labels: tuple[str, ...], depth: int) -> str:
    label = labels[min(depth, len(labels) - 1)]
    if not node.children:
        return ""
    notes = any(child.note for child in node.children.values())
    rows = [f"| {label} | 篇数 |" + (" 说明 |" if notes else ""), "| --- | --- |" + (" --- |" if notes else "")]
    for child in node.children.values():
        row = f"| [{escape(child.name)}]({child.key}/index.md) | {len(child.metas)} |"
        rows.append(row + (f" {escape(child.note)} |" if notes else ""))
    return "\n".join(rows) + "\n\n"


def _node_pages(folder: str, node: Node, trail: list[str], labels: tuple[str, ...]) -> dict[str, str]:
    """The pages of one category and, recursively, of its subcategories; `trail` names the categories above it."""
    up = "../" * (folder.count("/") + 1)
    title = " · ".join([*trail[1:], node.name]) if trail else node.name
    crumbs = " › ".join(f"[{escape(name)}]({'../' * (len(trail) - i)}index.md)" for i, name in enumerate(trail))
    metas = node.metas if trail else []  # a section's own page lists its categories, not every speech again
    chunks = chunked(metas)
    pages = {}
    for number, chunk in enumerate(chunks, start=1):
        parts = [f"---\ntitle: {yaml_text(title + (f'（第 {number} 页）' if number > 1 else ''))}\n---\n"]
        if crumbs:
            parts.append(crumbs + "\n")
        parts.append(f"# {escape(title)}\n")
        parts.append(f"共 {len(node.metas)} 篇讲话。" + (f"{escape(node.note)}。" if node.note else "") + "\n")
        if node.see:
            parts.append(f"另见[{escape(node.see[0])}]({up}{node.see[1]})。\n")
        if number == 1 and node.children:
            parts.append(_children_table(node, labels, len(trail)))
        if chunk:
            if len(chunks) > 1:
                parts.append(pager(number, len(chunks)) + "\n")
            parts.append(listing(chunk, f"{up}{SPEECH_DIR}/"))
        pages[f"{folder}/{page_name(number)}"] = "\n".join(part.rstrip("\n") + "\n" for part in parts)
    for child in node.children.values():
        pages.update(_node_pages(f"{folder}/{child.key}", child, [*trail, node.name], labels))
    return pages


def yaml_text(text: str) -> str:
    """A page title as a double-quoted YAML string, for the front matter of a generated page."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _place_nodes(tree: Node, metas: list[dict]) -> Iterator[tuple[str, str, Node]]:
    """Each place of the place tree that is a division of the gazetteer: its adcode, its page's folder and its node."""
    from .mentions import tree_codes  # noqa: PLC0415 - mentions builds on this module's pages

    codes = tree_codes(metas)

    def walk(node: Node, folder: str, path: tuple[str, ...]) -> Iterator[tuple[str, str, Node]]:
        for child in node.children.values():
            here = (*path, child.name)
            if here in codes:
                yield codes[here], f"{folder}/{child.key}", child
            yield from walk(child, f"{folder}/{child.key}", here)

    return walk(tree, "places", ())


def place_pages(metas: list[dict]) -> dict[str, str]:
    """The place tree's page of each adcode in it (path under docs/)."""
    return {code: f"{folder}/index.md" for code, folder, _ in _place_nodes(TREES["places"](metas), metas)}


def browse_pages(metas: list[dict]) -> dict[str, str]:
    """Every browse page, keyed by its path under docs/; `metas` in the archive's order."""
    from .mentions import PLACENAMES_DIR, TITLES  # noqa: PLC0415 - mentions builds on this module's pages

    pages = {}
    for folder, (title, labels) in SECTIONS.items():
        tree = TREES[folder](metas)
        tree.name = title
        if folder == "places":
            for code, _, node in _place_nodes(tree, metas):
                node.see = (f"{TITLES[PLACENAMES_DIR]} · 提到{node.name}的句子", f"{PLACENAMES_DIR}/{code}/index.md")
        pages.update(_node_pages(folder, tree, [], labels))
    return pages


def memberships(metas: list[dict]) -> dict[str, list[dict]]:
    """For each speech id, the browse pages it is listed on: section, category name, depth, path under docs/."""
    found: dict[str, list[dict]] = {meta["id"]: [] for meta in metas}

    def walk(node: Node, folder: str, section: str, depth: int) -> None:
        for child in node.children.values():
            path = f"{folder}/{child.key}"
            for meta in child.metas:
                found[meta["id"]].append({"section": section, "name": child.name, "depth": depth, "path": f"{path}/index.md"})
            walk(child, path, section, depth + 1)

    for folder, (title, _) in SECTIONS.items():
        walk(TREES[folder](metas), folder, title, 0)
    return found


# --------------------------------------------------------------------------- the glossary (提法)

KWIC = 20  # characters of context on each side of a term in its list of occurrences
MAX_KEY = 40  # letters of a term's folder name: a long slogan's pinyin is cut, and the term's hash keeps it apart
_GLOSSARY_INTRO = (
    "讲话稿中的提法，由程序从全部讲话中找出：引号中的口号，带数字的提法（如三会一课、两学一做），"
    "以及在两篇以上讲话中反复出现、词与词结合得比一般汉语紧得多的固定搭配。"
    "每个提法一页，列出它在各年讲话中出现的次数、在本档案中最早和最晚的出处，以及每一处出现的上下文，链接到所在段落。"
)


def term_keys(names: list[str]) -> dict[str, str]:
    """Each term's folder: its slug, cut to MAX_KEY, with a short hash of the term where it was cut or where terms share it."""

    def hashed(name: str, key: str) -> str:
        return key.split("-")[0][: MAX_KEY - 7] + "-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:6]

    slugs = {name: slug(name) for name in names}
    keys = {name: key if len(key) <= MAX_KEY else hashed(name, key) for name, key in slugs.items()}
    shared = {key for key, count in Counter(keys.values()).items() if count > 1}
    return {name: hashed(name, key) if key in shared else key for name, key in keys.items()}


def _in_context(occurrence, speech: str, up: str) -> str:
    """One occurrence as a concordance row: where it is (the speech, when given), the text before it, the term linking to its paragraph, the text after."""
    text, start, end = occurrence.text, occurrence.start, occurrence.end
    before = ("…" if start > KWIC else "") + text[max(0, start - KWIC) : start]
    after = text[end : end + KWIC] + ("…" if len(text) > end + KWIC else "")
    page = f"{up}{SPEECH_DIR}/{occurrence.speech_id}.md#{occurrence.anchor}"
    return f"| {speech}[第 {occurrence.anchor[1:]} 段]({page}) | {escape(before)} | [**{escape(text[start:end])}**]({page}) | {escape(after)} |"


def speech_cell(occurrence, metas: dict[str, dict], up: str) -> str:
    """Where something was said: the date and the linked title of the speech holding it (`up` leads to the site's root)."""
    meta = metas[occurrence.speech_id]
    return f"{date_label(meta)}《[{escape(meta['title'])}]({up}{SPEECH_DIR}/{occurrence.speech_id}.md)》"


def _where(occurrence, metas: dict[str, dict], up: str) -> str:
    """A speech and the paragraph of an occurrence in it."""
    page = f"{up}{SPEECH_DIR}/{occurrence.speech_id}.md#{occurrence.anchor}"
    return f"{speech_cell(occurrence, metas, up)}[第 {occurrence.anchor[1:]} 段]({page})"


def _by_year(found: list, metas: dict[str, dict]) -> str:
    """The count of a term per year of speaking (a range of years and an unknown date as rows of their own)."""
    rows: dict[tuple[bool, str], list] = {}
    for occurrence in found:
        label, key = _when(metas[occurrence.speech_id])[0]
        row = rows.setdefault((not key.isdigit(), key), [label, set(), 0])
        row[1].add(occurrence.speech_id)
        row[2] += 1
    lines = ["| 讲话年份 | 篇数 | 次数 |", "| --- | --- | --- |"]
    lines += [f"| {label} | {len(ids)} | {count} |" for _, (label, ids, count) in sorted(rows.items())]
    return "\n".join(lines) + "\n"


def _term_pages(term, found: list, key: str, metas: dict[str, dict]) -> dict[str, str]:
    """A term's pages: what it is, its count per year, first and last appearance, then its occurrences PAGE_SIZE to a page."""
    from .glossary import KINDS  # noqa: PLC0415 - the glossary loads jieba's tables, needed only when the archive is written

    up = "../../"
    speeches = {occurrence.speech_id for occurrence in found}
    chunks = chunked(found)
    pages = {}
    for number, chunk in enumerate(chunks, start=1):
        title = term.name + (f"（第 {number} 页）" if number > 1 else "")
        parts = [f"---\ntitle: {yaml_text(GLOSSARY_TITLE + '：' + title)}\n---\n", f"[{GLOSSARY_TITLE}](../index.md)\n"]
        parts.append(f"# {escape(title)}\n")
        others = [form for form in term.forms if form != term.name]
        parts.append(
            f"{KINDS[term.kind]}。"
            + (f"又作：{'、'.join(escape(form) for form in others)}。" if others else "")
            + f"见于 {len(speeches)} 篇讲话，共 {len(found)} 处。\n"
        )
        if number == 1:
            if term.note:
                parts.append(f"编者按：{escape(term.note)}\n")
            parts.append(f"- 最早：{_where(found[0], metas, up)}\n- 最晚：{_where(found[-1], metas, up)}\n")
            parts.append("## 各年出现次数\n")
            parts.append(_by_year(found, metas))
            parts.append("## 出处\n")
        if len(chunks) > 1:
            parts.append(pager(number, len(chunks)) + "\n")
        rows = ["| 出处 | 上文 | 提法 | 下文 |", "| --- | ---: | :---: | --- |"]
        previous = None
        for occurrence in chunk:
            speech = speech_cell(occurrence, metas, up) if occurrence.speech_id != previous else ""
            rows.append(_in_context(occurrence, speech, up))
            previous = occurrence.speech_id
        parts.append("\n".join(rows) + "\n")
        pages[f"{GLOSSARY_DIR}/{key}/{page_name(number)}"] = "\n".join(part.rstrip("\n") + "\n" for part in parts)
    return pages


def _glossary_index(terms: list, found: dict[str, list], keys: dict[str, str], metas: dict[str, dict]) -> dict[str, str]:
    """The list of terms, most widely used first, PAGE_SIZE to a page."""
    from .glossary import KINDS  # noqa: PLC0415 - the glossary loads jieba's tables, needed only when the archive is written

    spread = {term.name: len({o.speech_id for o in found[term.name]}) for term in terms}
    ordered = sorted(terms, key=lambda term: (-spread[term.name], -len(found[term.name]), keys[term.name]))
    chunks = chunked(ordered)
    pages = {}
    for number, chunk in enumerate(chunks, start=1):
        parts = [f"---\ntitle: {yaml_text(GLOSSARY_TITLE + (f'（第 {number} 页）' if number > 1 else ''))}\n---\n"]
        parts.append(f"# {GLOSSARY_TITLE}\n")
        if number == 1:
            parts.append(_GLOSSARY_INTRO + "\n")
        parts.append(f"共 {len(terms)} 个提法，按见于讲话的篇数排列。" + (pager(number, len(chunks)) if len(chunks) > 1 else "") + "\n")
        rows = ["| 提法 | 类别 | 篇数 | 次数 | 最早 | 最晚 |", "| --- | --- | --- | --- | --- | --- |"]
        for term in chunk:
            occurrences = found[term.name]
            first, last = metas[occurrences[0].speech_id], metas[occurrences[-1].speech_id]
            rows.append(
                f"| [{escape(term.name)}]({keys[term.name]}/index.md) | {KINDS[term.kind]} | {spread[term.name]} "
                f"| {len(occurrences)} | {date_label(first)} | {date_label(last)} |"
            )
        parts.append("\n".join(rows) + "\n")
        pages[f"{GLOSSARY_DIR}/{page_name(number)}"] = "\n".join(part.rstrip("\n") + "\n" for part in parts)
    return pages


def glossary(
    speeches: list, mapper: Callable[[Callable, Sequence], Iterable] = map
) -> tuple[dict[str, str], Callable[[str], list[tuple[int, int, str]]]]:
    """The speeches in, in the archive's order; the glossary's pages (path under docs/ → Markdown) and the function that finds, in a paragraph, the terms a reader meets (start, end, address of the term's page from a speech page) out.

    `mapper` maps the work of each speech over the speeches, in order (the builtin map, or the same on all cores).
    """
    from .glossary import Matcher, find_terms, occurrences  # noqa: PLC0415 - loads jieba's tables, needed only when the archive is written

    paragraphs = [(s.meta["id"], [(b.anchor, b.text) for b in s.blocks if b.kind == "paragraph"]) for s in speeches]
    names = frozenset(
        entry["name"] for s in speeches for kind in ("people", "organisations") for entry in s.meta.get(kind) or []
    )
    terms = find_terms([[text for _, text in texts] for _, texts in paragraphs], names, mapper)
    found = occurrences(terms, paragraphs, mapper)
    terms = [term for term in terms if found[term.name]]
    keys = term_keys([term.name for term in terms])
    metas = {s.meta["id"]: s.meta for s in speeches}
    pages = _glossary_index(terms, found, keys, metas)
    for term in terms:
        pages.update(_term_pages(term, found[term.name], keys[term.name], metas))
    links = {term.name: f"../{GLOSSARY_DIR}/{keys[term.name]}/index.md" for term in terms}
    return pages, partial(_term_links, Matcher(terms), links)


def _term_links(matcher: Matcher, links: dict[str, str], text: str) -> list[tuple[int, int, str]]:
    """The terms a reader meets in a paragraph, each with the address of its page from a speech page (see `glossary`)."""
    return [(start, end, links[name]) for start, end, name in matcher.mentions(text)]
