"""The speeches' metadata in, the browse pages out: by topic, occasion, speaker, time and place, as {path under docs/: Markdown}.

Each category is a folder of pages: `index.md` with the counts of its subcategories and the first
PAGE_SIZE of its speeches, `page-2.md` … with the rest, so no page grows with the archive beyond a
fixed size. Folder names come from the category's name (its pinyin), never from an order.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from pypinyin import lazy_pinyin

from .extract import LEVELS, occasion_types
from .render import escape
from .topics import topic_names
from .writer import PAGE_SIZE, SPEECH_DIR, listing

# The browse sections: folder, title, what its categories are.
SECTIONS = {
    "topics": ("按议题浏览", ("议题",)),
    "occasions": ("按场合浏览", ("会议类型",)),
    "speakers": ("按讲话人浏览", ("层级", "职务")),
    "timeline": ("按时间浏览", ("年份", "月份")),
    "places": ("按地点浏览", ("省", "市", "县")),
}
UNKNOWN = "不详"


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
}


# --------------------------------------------------------------------------- the pages


def _page_name(number: int) -> str:
    return "index.md" if number == 1 else f"page-{number}.md"


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
    chunks = [metas[i : i + PAGE_SIZE] for i in range(0, len(metas), PAGE_SIZE)] or [[]]
    pages = {}
    for number, chunk in enumerate(chunks, start=1):
        parts = [f"---\ntitle: {_yaml_text(title + (f'（第 {number} 页）' if number > 1 else ''))}\n---\n"]
        if crumbs:
            parts.append(crumbs + "\n")
        parts.append(f"# {escape(title)}\n")
        parts.append(f"共 {len(node.metas)} 篇讲话。" + (f"{escape(node.note)}。" if node.note else "") + "\n")
        if number == 1 and node.children:
            parts.append(_children_table(node, labels, len(trail)))
        if chunk:
            if len(chunks) > 1:
                parts.append(
                    "页码："
                    + " · ".join(f"**{n}**" if n == number else f"[{n}]({_page_name(n)})" for n in range(1, len(chunks) + 1))
                    + "\n"
                )
            parts.append(listing(chunk, f"{up}{SPEECH_DIR}/"))
        pages[f"{folder}/{_page_name(number)}"] = "\n".join(part.rstrip("\n") + "\n" for part in parts)
    for child in node.children.values():
        pages.update(_node_pages(f"{folder}/{child.key}", child, [*trail, node.name], labels))
    return pages


def _yaml_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def browse_pages(metas: list[dict]) -> dict[str, str]:
    """Every browse page, keyed by its path under docs/; `metas` in the archive's order."""
    pages = {}
    for folder, (title, labels) in SECTIONS.items():
        tree = TREES[folder](metas)
        tree.name = title
        pages.update(_node_pages(folder, tree, [], labels))
    return pages


def section_index() -> str:
    """Links to the browse sections, for the home page."""
    return " · ".join(f"[{title}]({folder}/index.md)" for folder, (title, _) in SECTIONS.items())



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
