"""The home page (ways in, figures, charts) and the explorer (讲话一览) in Debian's chromium, on the served site and from file:// in the offline bundle, checked against data/speeches.jsonl."""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from conftest import Browse

from build_scripts.explorer import GLOBAL, explorer_data

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
COMPLETENESS = {"完整": "complete", "节选": "truncated", "有缺漏": "gaps"}
SPEECH_ID = re.compile(r"speeches/([0-9a-f]{12})(?:/|\.html)")
BAR = re.compile(r"^(.+)：(\d+) 篇")


def corpus(site: Path) -> list[dict]:
    """The speeches' metadata, as the archive publishes it, in the archive's order."""
    lines = (site / "data" / "speeches.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def year_label(meta: dict) -> str:
    if meta.get("speech_date"):
        return meta["speech_date"][:4] + "年"
    return "只知年份范围" if (meta.get("speech_years") or {}).get("from") else "讲话日期不详"


def shown_ids(page) -> list[str]:
    hrefs = page.locator(".jh-x-table tbody .jh-x-title a").evaluate_all("links => links.map(a => a.href)")
    return [SPEECH_ID.search(href).group(1) for href in hrefs]


def options(page, name: str) -> dict[str, str]:
    """The choices of a filter: category name → option value."""
    pairs = page.locator(f".jh-x-filters select[name={name}] option").evaluate_all(
        "items => items.map(o => [o.textContent, o.value])"
    )
    return {re.sub(r"（\d+）$", "", text): value for text, value in pairs if value}


def explorer(where: dict, browser, width: int = 1280) -> tuple[Browse, object]:
    browse = Browse(browser, where["root"], width)
    page = browse.open(where["page"]("explorer/"))
    page.locator(".jh-x-table tbody tr").first.wait_for()
    return browse, page


def test_the_explorer_lists_every_speech_and_filters_as_the_metadata_says(browser, where):
    metas = corpus(where["folder"])
    browse, page = explorer(where, browser)
    assert shown_ids(page) == [m["id"] for m in metas], "every speech, in the archive's order"
    assert str(len(metas)) in page.locator(".jh-x-status").inner_text()
    years = options(page, "year")
    assert set(years) == {year_label(m) for m in metas}
    for label, value in years.items():
        page.select_option("select[name=year]", value)
        assert shown_ids(page) == [m["id"] for m in metas if year_label(m) == label], label
    page.select_option("select[name=year]", "")
    for label, value in options(page, "completeness").items():
        page.select_option("select[name=completeness]", value)
        assert shown_ids(page) == [m["id"] for m in metas if m.get("completeness") == COMPLETENESS[label]], label
        assert str(len(shown_ids(page))) in page.locator(".jh-x-status").inner_text()
    page.locator(".jh-x-reset").click()
    page.locator("input[name=q]").fill("县委书记")
    assert shown_ids(page) == [m["id"] for m in metas if "县委书记" in m["title"]]
    assert 0 < len(shown_ids(page)) < len(metas)
    page.locator("input[name=q]").fill("")
    assert len(shown_ids(page)) == len(metas)
    browse.close()


def test_sorting_by_a_column_and_by_date_both_ways(browser, where):
    metas = corpus(where["folder"])
    browse, page = explorer(where, browser)
    date = page.locator("th[data-key=date]")
    title = page.locator("th[data-key=title]")
    assert date.get_attribute("aria-sort") == "ascending"
    title.locator("button").focus()
    page.keyboard.press("Enter")
    assert title.get_attribute("aria-sort") == "ascending" and date.get_attribute("aria-sort") is None
    by_title = shown_ids(page)
    assert sorted(by_title) == sorted(m["id"] for m in metas) and by_title != [m["id"] for m in metas]
    date.locator("button").click()
    assert shown_ids(page) == [m["id"] for m in metas]
    date.locator("button").click()
    assert date.get_attribute("aria-sort") == "descending"
    assert shown_ids(page) == [m["id"] for m in reversed(metas)]
    assert "sort=-date" in page.url, "the order is kept in the page's address"
    page.reload()
    page.locator(".jh-x-table tbody tr").first.wait_for()
    assert shown_ids(page) == [m["id"] for m in reversed(metas)]
    browse.close()


def test_a_title_opens_its_speech_page(browser, where):
    browse, page = explorer(where, browser)
    link = page.locator(".jh-x-table tbody .jh-x-title a").first
    title = link.inner_text()
    link.click()
    page.wait_for_load_state()
    assert page.locator("article h1").first.inner_text() == title
    browse.close()


def test_titles_are_text_and_long_results_come_in_steps(browser, archive, served_site):
    """Any title is shown as text, never as markup; a long list is drawn 200 rows at a time."""
    metas = [
        {
            "id": f"{n:012x}",
            "title": f'<img src=x onerror="window.hit=1">&amp; “讲话” {n}',
            "speech_date": f"{2000 + n % 20}",
            "speaker": {"office": "县委书记", "level": "县"},
            "place": {"province": "山东省"},
            "topics": [{"name": "脱贫攻坚"}],
            "completeness": "complete",
            "collection": "讲话稿",
        }
        for n in range(450)
    ]
    browse = Browse(browser, served_site)
    browse.page.route("**/explorer/data.js", lambda route: route.fulfill(body=explorer_data(metas), content_type="text/javascript"))
    page = browse.open("explorer/")
    page.locator(".jh-x-table tbody tr").first.wait_for()
    assert page.locator(".jh-x-table tbody tr").count() == 200
    assert page.locator(".jh-x-table tbody img").count() == 0 and page.evaluate("window.hit") is None
    assert page.locator(".jh-x-title a").first.inner_text() == metas[0]["title"]
    more = page.locator(".jh-x-more")
    more.click()
    more.click()
    assert page.locator(".jh-x-table tbody tr").count() == 450 and more.is_hidden()
    page.locator("input[name=q]").fill("“讲话”  44 ")  # every word, in any order
    assert shown_ids(page) == [m["id"] for m in metas if "“讲话”" in m["title"] and "44" in m["title"]]
    assert page.evaluate(f"typeof window.{GLOBAL}") == "object"
    browse.close()


def chart_frame(page, chart):
    """The document of a chart's <object> (Playwright gives no content frame for an <object>; it is among the page's frames)."""
    url = chart.evaluate("o => o.data")
    frame = next(f for f in page.frames if f.url == url)
    frame.wait_for_load_state()
    return frame


def chart_bars(page) -> dict[str, list[dict]]:
    """Each chart on the home page (by its caption): its bars, with their label, count and link resolved against the chart's address."""
    charts = {}
    for figure in page.locator(".jh-charts figure").all():
        bars = chart_frame(page, figure.locator("object")).evaluate(
            """() => [...document.querySelectorAll("svg > a, svg > g[role=img]")].map(bar => ({
                name: bar.getAttribute("aria-label"),
                href: bar.getAttribute("href") && new URL(bar.getAttribute("href"), document.baseURI).href,
                rects: bar.querySelectorAll("rect.bar").length,
            }))"""
        )
        charts[figure.locator("figcaption").inner_text()] = [
            {"label": BAR.match(bar["name"]).group(1), "count": int(BAR.match(bar["name"]).group(2)), **bar} for bar in bars
        ]
    return charts


def local_file(url: str, where: dict) -> Path:
    if url.startswith("file:"):
        return Path(unquote(urlparse(url).path))
    return where["folder"] / unquote(urlparse(url).path).lstrip("/")


def test_the_home_page_charts_count_what_the_metadata_says_and_link_to_browse_pages(browser, where):
    metas = corpus(where["folder"])
    browse = Browse(browser, where["root"])
    page = browse.open(where["page"](""))
    charts = chart_bars(page)
    expected = {
        "各年讲话篇数": Counter(year_label(m) for m in metas),
        "各省讲话篇数": Counter((m.get("place") or {}).get("province") or "省份不详" for m in metas),
        "各议题讲话篇数": Counter(t["name"] for m in metas for t in m.get("topics") or [{"name": "未归类"}]),
    }
    assert set(charts) == set(expected)
    for caption, counts in expected.items():
        bars = charts[caption]
        assert {bar["label"]: bar["count"] for bar in bars if bar["count"]} == dict(counts), caption
        for bar in bars:
            assert bar["rects"] == (1 if bar["count"] else 0), bar
            if bar["count"]:
                assert bar["href"] and local_file(bar["href"], where).is_file(), bar
    years = [bar["label"] for bar in charts["各年讲话篇数"] if bar["label"][:4].isdigit()]
    assert years == [f"{y}年" for y in range(int(years[0][:4]), int(years[-1][:4]) + 1)], "every year, an empty one too"
    first = next(bar for bar in charts["各年讲话篇数"] if bar["count"])
    chart_frame(page, page.locator(".jh-charts object").first).locator("a").first.click()
    page.wait_for_url(first["href"])
    assert page.locator("article h1").inner_text().startswith(first["label"])
    browse.close()


def test_the_home_page_shows_the_ways_in_the_figures_and_the_newest_additions(browser, where):
    metas = corpus(where["folder"])
    browse = Browse(browser, where["root"])
    page = browse.open(where["page"](""))
    article = page.locator("article")
    text = article.inner_text()
    assert f"本档案收录讲话 {len(metas)} 篇" in text
    for folder in ("explorer", "topics", "timeline", "places", "speakers", "occasions", "collections", "glossary", "people", "placenames"):
        link = article.locator(f"ul a[href^='{folder}/']").first
        assert link.count() == 1, folder
        assert local_file(link.evaluate("a => a.href"), where).exists(), folder
    feed = re.findall(r"urn:jianghua:speech:([0-9a-f]{12})", (where["folder"] / "feed.xml").read_text(encoding="utf-8"))
    newest = [SPEECH_ID.search(h).group(1) for h in article.locator("table a").evaluate_all("a => a.map(x => x.href)")]
    assert newest == feed[: len(newest)] and len(newest) == min(10, len(metas))
    browse.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_screenshots_of_the_home_page_and_the_explorer(browser, served_site, width):
    ARTIFACTS.mkdir(exist_ok=True)
    browse = Browse(browser, served_site, width)
    for path, name in (("", "home"), ("explorer/", "explorer")):
        page = browse.open(path)
        page.wait_for_load_state("load")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} is wider than the screen at {width} px"
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    browse.close()


@pytest.fixture(scope="module")
def served_collections(two_collections):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(two_collections["site"]))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_two_collections_in_the_explorer_and_the_charts(browser, two_collections, served_collections):
    metas = corpus(two_collections["site"])
    where = {"root": served_collections, "folder": two_collections["site"], "page": lambda path: path}
    browse, page = explorer(where, browser)
    assert len(shown_ids(page)) == len(metas)
    for label, value in options(page, "collection").items():
        page.select_option("select[name=collection]", value)
        assert shown_ids(page) == [m["id"] for m in metas if m["collection"] == label], label
    page.select_option("select[name=collection]", "")
    for label, value in options(page, "province").items():
        page.select_option("select[name=province]", value)
        assert shown_ids(page) == [m["id"] for m in metas if ((m.get("place") or {}).get("province") or "省份不详") == label]
    page = browse.open("")
    bars = chart_bars(page)["各省讲话篇数"]
    assert {b["label"]: b["count"] for b in bars} == Counter((m.get("place") or {}).get("province") or "省份不详" for m in metas)
    browse.close()
