"""The speeches and the archive's other pages in, the home page and its charts out: ways in, the corpus in figures, speeches per year, province and topic, the newest additions."""

from __future__ import annotations

from collections.abc import Collection
from html import escape as html_escape
from typing import NamedTuple

from .browse import GLOSSARY_DIR, GLOSSARY_TITLE, TREES
from .charts import WIDTH, Bar, bar_chart, chart_height
from .downloads import DATA_DIR, FEED, feed_date
from .explorer import EXPLORER_DIR, province_groups
from .explorer import TITLE as EXPLORER_TITLE
from .mentions import PEOPLE_DIR, PLACENAMES_DIR, TITLES
from .render import escape
from .writer import PAGE_SIZE, SPEECH_DIR, listing, place_label

# A chart's links are relative to its file in this folder and name the index.html of the
# page, which the served site and the offline bundle both have.
CHARTS_DIR = "charts"
NEWEST = 10


def _count(pages: Collection[str], folder: str) -> int:
    """How many entries a section has: each term, person or place is a folder with its own index.md."""
    return sum(1 for name in pages if name.startswith(f"{folder}/") and name.endswith("/index.md") and name.count("/") == 2)


# --------------------------------------------------------------------------- the charts


def year_bars(metas: list[dict]) -> list[Bar]:
    """A bar for each year of speaking from the first to the last (an empty year too), then the timeline's rows for a range of years and an unknown date."""
    nodes = list(TREES["timeline"](metas).children.values())
    years = {int(node.key): node for node in nodes if node.key.isdigit()}
    bars = []
    for year in range(min(years, default=0), max(years, default=-1) + 1):
        node = years.get(year)
        if node is None:
            bars.append(Bar(f"{year}年", 0))
        else:
            inferred = sum(1 for m in node.metas if m.get("date_inferred"))
            bars.append(Bar(node.name, len(node.metas), inferred, f"../timeline/{node.key}/index.html"))
    for node in nodes:
        if not node.key.isdigit():
            inferred = sum(1 for m in node.metas if m.get("date_inferred"))
            bars.append(Bar(node.name, len(node.metas), inferred, f"../timeline/{node.key}/index.html"))
    return bars


def province_bars(metas: list[dict]) -> list[Bar]:
    """A bar for each province the speakers govern, most speeches first, then one for the speeches whose province is not known."""
    bars = []
    for name, key, members in province_groups(metas):
        inferred = sum(1 for m in members if (m.get("place") or {}).get("inferred"))
        bars.append(Bar(name, len(members), inferred, f"../places/{key}/index.html" if key else "../places/index.html"))
    return bars


def topic_bars(metas: list[dict]) -> list[Bar]:
    """A bar for each topic, most speeches first (the taxonomy's order among equals)."""
    nodes = TREES["topics"](metas).children.values()
    ordered = sorted(enumerate(nodes), key=lambda item: (-len(item[1].metas), item[0]))
    return [Bar(node.name, len(node.metas), 0, f"../topics/{node.key}/index.html") for _, node in ordered]


class Chart(NamedTuple):
    """A chart of the home page: its file under docs/, title, description, bars, and what the shaded part of a bar is."""

    path: str
    title: str
    desc: str
    bars: list[Bar]
    part: str


def _charts(metas: list[dict]) -> list[Chart]:
    n = len(metas)
    return [
        Chart(
            f"{CHARTS_DIR}/years.svg",
            "各年讲话篇数",
            f"按讲话年份（注明的或推断的）统计本档案的 {n} 篇讲话，每年一行，没有讲话的年份也列出；"
            "只知年份范围的和讲话日期不详的各列一行。浅色部分和括号内的数字是日期为推断的篇数。",
            year_bars(metas),
            "日期是推断的",
        ),
        Chart(
            f"{CHARTS_DIR}/provinces.svg",
            "各省讲话篇数",
            f"按讲话人所在的省统计本档案的 {n} 篇讲话，篇数多的在前；不知道在哪个省的列在最后。"
            "浅色部分和括号内的数字是地点为推断的篇数。",
            province_bars(metas),
            "地点是推断的",
        ),
        Chart(
            f"{CHARTS_DIR}/topics.svg",
            "各议题讲话篇数",
            f"按议题统计本档案的 {n} 篇讲话，篇数多的在前；一篇讲话可以属于几个议题。",
            topic_bars(metas),
            "",
        ),
    ]


def _chart_figures(charts: list[Chart]) -> str:
    """The charts side by side where there is room, each an <object> (its links work in the page) with its counts as text inside for a browser that shows no SVG."""
    figures = []
    for chart in charts:
        fallback = "、".join(f"{bar.label} {bar.count} 篇" for bar in chart.bars)
        figures.append(
            f"<figure><figcaption>{html_escape(chart.title)}</figcaption>"
            f'<object data="{chart.path}" type="image/svg+xml" aria-label="{html_escape(chart.title)}" '
            f'style="aspect-ratio: {WIDTH} / {chart_height(chart.bars)}">'
            f"{html_escape(chart.title)}：{html_escape(fallback)}</object></figure>"
        )
    return '<section class="jh-charts">\n' + "\n".join(figures) + "\n</section>\n"


# --------------------------------------------------------------------------- the page


def _years(metas: list[dict]) -> list[int]:
    years = set()
    for meta in metas:
        if meta.get("speech_date"):
            years.add(int(meta["speech_date"][:4]))
        span = meta.get("speech_years") or {}
        years.update(y for y in (span.get("from"), span.get("to")) if y)
    return sorted(years)


def _figures(metas: list[dict], characters: int, pages: Collection[str]) -> str:
    places = {place_label(m) for m in metas} - {"—"}
    provinces = {(m.get("place") or {}).get("province") for m in metas} - {None}
    years = _years(metas)
    collections = TREES["collections"](metas).children
    named = [
        f"{title} **{_count(pages, folder)}** {unit}"
        for folder, title, unit in ((GLOSSARY_DIR, GLOSSARY_TITLE, "个"), (PEOPLE_DIR, TITLES[PEOPLE_DIR], "位"), (PLACENAMES_DIR, TITLES[PLACENAMES_DIR], "处"))
    ]
    return (
        f"本档案收录讲话 **{len(metas)}** 篇，分属 **{len(collections)}** 个文集，正文共 **{characters:,}** 字"
        + (f"；讲话年份从 **{years[0]}** 年到 **{years[-1]}** 年" if years else "")
        + (f"；讲话人所在的地方 **{len(places)}** 处，涉及 **{len(provinces)}** 个省" if places else "")
        + "；从讲话中整理出" + "，".join(named) + "。"
    )


def _ways_in(metas: list[dict], pages: Collection[str]) -> str:
    """The ways into the archive, each with what it holds."""
    trees = {folder: TREES[folder](metas).children for folder in ("topics", "occasions", "speakers", "timeline", "places", "collections")}
    years = _years(metas)
    topics = [name for name, node in sorted(trees["topics"].items(), key=lambda kv: -len(kv[1].metas))][:3]
    offices = {office for level in trees["speakers"].values() for office in level.children}
    provinces = {(m.get("place") or {}).get("province") for m in metas} - {None}
    lines = [
        f"- [{EXPLORER_TITLE}]({EXPLORER_DIR}/index.md)：全部讲话一张表，按年份、省份、讲话人、议题、完整性和文集筛选，按任一列排序，按标题查找",
        f"- [按议题浏览](topics/index.md)：{len(trees['topics'])} 个议题" + (f"，如{'、'.join(escape(t) for t in topics)}" if topics else ""),
        "- [按时间浏览](timeline/index.md)：按讲话的年、月" + (f"，{years[0]}—{years[-1]} 年" if years else "") + "，推断的日期注明“推断”",
        f"- [按地点浏览](places/index.md)：省 → 市 → 县，{len(provinces)} 个省",
        f"- [按讲话人浏览](speakers/index.md)：层级和职务，{len(offices)} 种职务",
        f"- [按场合浏览](occasions/index.md)：{len(trees['occasions'])} 类会议",
        f"- [按文集浏览](collections/index.md)：{'、'.join(escape(name) for name in trees['collections'])}",
        f"- [{GLOSSARY_TITLE}]({GLOSSARY_DIR}/index.md)：讲话中的口号、带数字的提法和固定搭配，{_count(pages, GLOSSARY_DIR)} 个，每个都有出处",
    ]
    for folder, what in ((PEOPLE_DIR, "讲话中提到的人，{} 位"), (PLACENAMES_DIR, "讲话中提到的地方，{} 处")):
        if _count(pages, folder):
            lines.append(f"- [{TITLES[folder]}]({folder}/index.md)：{what.format(_count(pages, folder))}，列出提到的每一句话")
    lines += [
        f"- [全部讲话]({SPEECH_DIR}/index.md)：按讲话日期排列，每页 {PAGE_SIZE} 篇",
        f"- [最新收录](#newest)：最近发布的 {min(NEWEST, len(metas))} 篇，另有 [Atom 订阅]({FEED})",
        f"- [数据下载]({DATA_DIR}/index.md)：全部元数据和正文（JSONL、CSV）",
    ]
    return "\n".join(lines) + "\n"


def home_files(speeches: list, pages: Collection[str], refused: list[tuple[str, str]]) -> dict[str, str]:
    """The speeches, in the archive's order, the paths under docs/ of the archive's other pages (the glossary, people and places are counted from them) and the refused files in; the home page and its charts (path under docs/ → content) out."""
    metas = [s.meta for s in speeches]
    charts = _charts(metas)
    files = {chart.path: bar_chart(chart.title, chart.desc, chart.bars, part_name=chart.part) for chart in charts}
    characters = sum(len("".join(s.text.split())) for s in speeches)
    files["index.md"] = _home_page(metas, characters, charts, pages, refused)
    return files


def _home_page(metas: list[dict], characters: int, charts: list[Chart], pages: Collection[str], refused: list[tuple[str, str]]) -> str:
    # The archive records no date a speech was added, so the newest additions are the feed's:
    # by publication date, else speaking date.
    newest = sorted(metas, key=lambda m: (feed_date(m), m["id"]), reverse=True)[:NEWEST]
    report = f"另有 {len(refused)} 个文件未收录，见[构建报告](report.md)。\n\n" if refused else ""
    return (
        "---\ntitle: 讲话稿档案\nhide:\n  - navigation\n  - toc\n---\n\n# 讲话稿档案\n\n"
        "县委书记、市委组织部、乡镇党委在脱贫攻坚、驻村帮扶、基层党建等工作会议上的讲话稿，"
        "由网上流传的文本整理而成：修复乱码、去除网站附加文字、转为简体，每处改动都记入校勘记，原始文本一并公开。\n\n"
        + _figures(metas, characters, pages) + "\n\n" + report
        + "## 从这里进入\n\n" + _ways_in(metas, pages)
        + "\n## 图表\n\n每一条都链接到它的浏览页。\n\n" + _chart_figures(charts)
        + "\n## 最新收录 {#newest}\n\n"
        + f"按发布日期排列，没有发布日期的按讲话日期，与 [Atom 订阅]({FEED}) 相同。\n\n"
        + listing(newest, f"{SPEECH_DIR}/")
        + f"\n[全部 {len(metas)} 篇讲话 →]({SPEECH_DIR}/index.md)\n"
    )
