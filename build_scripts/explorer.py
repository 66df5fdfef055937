"""The speeches' metadata in, the explorer out: its page (drawn by the theme's explorer.html) and its data as a script that sets a global, since a page opened from file:// may run scripts but not fetch JSON.

The data is columnar and compact: each category (year, office, province, topic, completeness,
collection, place) is listed once with its count, and a row names its categories by their index
in those lists. Rows are in the archive's order, which is the order by date, so sorting by date
needs no data of its own. The categories are the browse sections', so a filter gives the same
speeches as the browse page of the same name.
"""

from __future__ import annotations

import json

from .browse import TREES, UNKNOWN
from .extract import date_label
from .writer import _COMPLETENESS, place_label

EXPLORER_DIR = "explorer"
DATA_SCRIPT = "data.js"
TITLE = "讲话一览"
GLOBAL = "jianghuaExplorer"
UNKNOWN_PROVINCE = f"省份{UNKNOWN}"


def _index(categories: list, members: list[list[dict]]) -> tuple[list, dict[str, int]]:
    """Categories in, each with the speeches in it; the categories with their counts, and the category of each speech id."""
    of = {meta["id"]: i for i, metas in enumerate(members) for meta in metas}
    return [[*category, len(metas)] for category, metas in zip(categories, members)], of


def province_groups(metas: list[dict]) -> list[tuple[str, str | None, list[dict]]]:
    """The provinces of the place tree, most speeches first, then the speeches whose province is not known: name, folder under places/ (none for the unknown), speeches."""
    named = {(m.get("place") or {}).get("province") for m in metas} - {None}
    groups = [(node.name, node.key, node.metas) for node in TREES["places"](metas).children.values() if node.name in named]
    unknown = [m for m in metas if (m.get("place") or {}).get("province") not in named]
    return groups + ([(UNKNOWN_PROVINCE, None, unknown)] if unknown else [])


def _completeness(meta: dict) -> str | None:
    return meta.get("completeness") if meta.get("completeness") in _COMPLETENESS else None


def explorer_data(metas: list[dict]) -> str:
    """The speeches, in the archive's order, in; the script that holds the explorer's data out."""
    years = list(TREES["timeline"](metas).children.values())
    year_list, year_of = _index([[node.name] for node in years], [node.metas for node in years])
    levels = TREES["speakers"](metas).children.values()
    offices = [(level.name, office) for level in levels for office in level.children.values()]
    office_list, office_of = _index([[office.name, level] for level, office in offices], [office.metas for _, office in offices])
    provinces = province_groups(metas)
    province_list, province_of = _index([[name] for name, _, _ in provinces], [members for _, _, members in provinces])
    topics = list(TREES["topics"](metas).children.values())
    topic_list = [[node.name, len(node.metas)] for node in topics]
    topic_index = {node.name: i for i, node in enumerate(topics)}
    collections = list(TREES["collections"](metas).children.values())
    collection_list, collection_of = _index([[node.name] for node in collections], [node.metas for node in collections])
    kinds = [kind for kind in (*_COMPLETENESS, None) if any(_completeness(m) == kind for m in metas)]
    completeness_of = [kinds.index(_completeness(meta)) for meta in metas]
    completeness_list = [
        [_COMPLETENESS.get(kind, UNKNOWN), kind or "unknown", completeness_of.count(i)] for i, kind in enumerate(kinds)
    ]
    places = sorted({place_label(m) for m in metas})
    place_index = {label: i for i, label in enumerate(places)}
    rows = [
        [
            meta["id"],
            meta["title"],
            date_label(meta),
            year_of[meta["id"]],
            office_of[meta["id"]],
            place_index[place_label(meta)],
            province_of[meta["id"]],
            [topic_index[t["name"]] for t in meta.get("topics") or []] or [topic_index["未归类"]],
            completeness_of[n],
            collection_of[meta["id"]],
        ]
        for n, meta in enumerate(metas)
    ]
    data = {
        "fields": ["id", "title", "date", "year", "office", "place", "province", "topics", "completeness", "collection"],
        "years": year_list,
        "offices": office_list,
        "places": places,
        "provinces": province_list,
        "topics": topic_list,
        "completeness": completeness_list,
        "collections": collection_list,
        "speeches": rows,
    }
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"// The explorer's data ({TITLE}), written by the archive's build.\nwindow.{GLOBAL} = {body};\n"


def explorer_page(count: int) -> str:
    """The explorer's page: its title and what it does; the theme's explorer.html adds the filters and the table."""
    return (
        f"---\ntitle: {TITLE}\ntemplate: explorer.html\nhide:\n  - navigation\n  - toc\n---\n\n# {TITLE}\n\n"
        f"本档案的 {count} 篇讲话列在一张表里：可以按讲话年份、省份、讲话人、议题、完整性和文集筛选，"
        "按标题中的字词查找（几个词用空格隔开），点击表头按这一列排序，再点一次倒过来排。"
        "日期后注“推断”的，是从讲话内容推断出的年份。\n\n"
        "这张表由页面上的脚本生成，不需要联网；"
        "也可以看[全部讲话](../speeches/index.md)的分页列表，或[下载](../data/index.md)全部元数据。\n"
    )


def explorer_files(metas: list[dict]) -> dict[str, str]:
    """The explorer's page and data, keyed by their path under docs/."""
    return {
        f"{EXPLORER_DIR}/index.md": explorer_page(len(metas)),
        f"{EXPLORER_DIR}/{DATA_SCRIPT}": explorer_data(metas),
    }
