"""A speech page as a reader uses it, on the served site and from the offline bundle: how to cite it, how to report a problem, the speeches before and after it, what it lacks."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from build_scripts.cite import bibtex, gbt7714

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
COMPLETENESS = {"complete": "完整", "truncated": "节选", "gaps": "有缺漏"}
PHONE, DESKTOP = 375, 1280


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml as plain data: its environment tags read as nothing."""


_ConfigLoader.add_constructor("!ENV", lambda loader, node: None)


def repository() -> str:
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_ConfigLoader)["extra"]["repository"]


def corpus(archive) -> list[dict]:
    """The archive's speeches in its order, as data/speeches.jsonl lists them."""
    lines = (archive["docs"] / "data" / "speeches.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def parse_bibtex(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """The entries of a BibTeX text: type, key and fields as written; fails when a brace, escaped ones aside, is left open or closes nothing."""
    entries, pos = [], 0
    while text[pos:].strip():
        head = re.compile(r"\s*@(\w+)\{([^,\s]+),").match(text, pos)
        assert head, f"not an entry: {text[pos:pos + 40]!r}"
        fields, i = {}, head.end()
        while field := re.compile(r"\s*(\w+)\s*=\s*\{").match(text, i):
            j, depth = field.end(), 1
            while depth:
                assert j < len(text), "unbalanced braces"
                if text[j] == "\\":
                    j += 2
                    continue
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                j += 1
            fields[field.group(1)] = text[field.end() : j - 1]
            i = j + 1 if text[j : j + 1] == "," else j
        end = re.compile(r"\s*\}").match(text, i)
        assert end, f"entry not closed: {text[i:i + 40]!r}"
        entries.append((head.group(1), head.group(2), fields))
        pos = end.end()
    return entries


# --- the citation, without a browser --------------------------------------------------------------------


def test_bibtex_of_a_title_full_of_special_characters_is_one_balanced_entry():
    title = r'“回头看”{上} \ 50% & #1 _ ^ ~ "引号"} {'
    meta = {"id": "0123456789ab", "title": title, "subtitle": "{副}", "speaker": {"office": "县委书记"}}
    [(kind, key, fields)] = parse_bibtex(bibtex(meta, "https://example.org/speeches/0123456789ab/", "档案 & 文集"))
    assert (kind, key) == ("misc", "jianghua-0123456789ab")
    assert fields["author"] == "{县委书记}"
    assert "\\{上\\}" in fields["title"] and "\\textbackslash{}" in fields["title"] and "50\\%" in fields["title"]
    assert fields["urldate"] == "YYYY-MM-DD" and fields["note"] == "档案 \\& 文集"
    assert "date" not in fields, "no publication date is known"


def test_gbt7714_names_the_office_the_archive_inferred_in_brackets():
    meta = {"title": "领导在会上的讲话", "speaker": {"office": "县主要领导", "inferred": True}}
    assert gbt7714(meta, "U") == "[县主要领导]. 领导在会上的讲话[EB/OL]. [引用日期]. U."


# --- the built pages ------------------------------------------------------------------------------------


def page_file(root: Path, speech_id: str) -> Path:
    served = root / "speeches" / speech_id / "index.html"
    return served if served.exists() else root / "speeches" / f"{speech_id}.html"


@pytest.fixture(scope="module")
def built(archive, offline_bundle):
    return {"site": archive["site"], "bundle": offline_bundle}


@pytest.mark.parametrize("where", ["site", "bundle"])
def test_report_link_opens_a_prefilled_issue_in_the_repository(archive, built, where):
    for meta in corpus(archive):
        soup = BeautifulSoup(page_file(built[where], meta["id"]).read_text(encoding="utf-8"), "lxml")
        link = soup.select_one(".jh-report a")
        assert link.get_text() == "报告问题"
        assert link["href"].startswith(repository().rstrip("/") + "/issues/new?")
        query = parse_qs(urlsplit(link["href"]).query)
        assert meta["id"] in query["title"][0] and meta["title"] in query["title"][0]
        assert meta["id"] in query["body"][0] and f"speeches/{meta['id']}/" in query["body"][0]


@pytest.mark.parametrize("where", ["site", "bundle"])
def test_badge_outline_and_toc_follow_the_front_matter(archive, built, where):
    for meta in corpus(archive):
        soup = BeautifulSoup(page_file(built[where], meta["id"]).read_text(encoding="utf-8"), "lxml")
        assert soup.select_one(".jh-card .jh-completeness .jh-badge").get_text() == COMPLETENESS[meta["completeness"]]
        nodes, stack = [], list(meta.get("outline") or [])
        while stack:
            node = stack.pop(0)
            nodes.append(node)
            stack[:0] = node.get("children") or []
        items = soup.select(".jh-outline li")
        assert len(items) == len(nodes)
        for node, item in zip(nodes, items):
            own = item.find(["a", "span"], recursive=False) or item
            assert node["title"] in item.get_text()
            if node.get("in_text") is False:
                assert "jh-unseen" in own.get("class", []) and "（正文缺）" in item.find("small", recursive=False).get_text()
            else:
                assert own.name == "a" and own["href"] == f"#{node['anchor']}"
        toc = [a["href"] for a in soup.select(".md-sidebar--secondary a.md-nav__link")]
        assert toc == [f"#{n['anchor']}" for n in nodes if n.get("in_text") is not False], "the headings, no paragraphs"
        if meta.get("damaged_spans"):
            damaged = soup.select_one(".jh-damaged").get_text()
            assert all(span["repaired"] in damaged for span in meta["damaged_spans"])


@pytest.mark.parametrize("where", ["site", "bundle"])
def test_previous_and_next_follow_the_archive_order_to_existing_pages(archive, built, where):
    order = corpus(archive)
    for i, meta in enumerate(order):
        path = page_file(built[where], meta["id"])
        nav = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml").select_one("nav.jh-neighbours")
        for side, other in (("previous", order[i - 1] if i else None), ("next", order[i + 1] if i + 1 < len(order) else None)):
            link = nav.select_one(f"a.jh-{side}")
            if other is None:
                assert link is None
                continue
            target = (path.parent / unquote(link["href"])).resolve()
            target = target / "index.html" if target.is_dir() else target
            assert target == page_file(built[where], other["id"]).resolve()
            assert other["title"] in link.get_text()


# --- in the browser -------------------------------------------------------------------------------------


def speech_url(where: str, served_site: str, offline_bundle: Path, speech_id: str) -> str:
    if where == "site":
        return urljoin(served_site, f"speeches/{speech_id}/")
    return (offline_bundle / "speeches" / f"{speech_id}.html").as_uri()


@pytest.fixture(scope="module")
def cited(archive) -> dict:
    """The speech the browser tests read: one with a subtitle and a publication date, so every part of a reference is there."""
    return next(m for m in corpus(archive) if m.get("subtitle") and m.get("published"))


@pytest.mark.parametrize("where", ["site", "bundle"])
def test_citation_gives_title_speaker_and_address_and_copies(browser, served_site, offline_bundle, cited, where):
    url = speech_url(where, served_site, offline_bundle, cited["id"])
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900})
    if where == "site":
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served_site.rstrip("/"))
    outside = []

    def watch(route):
        if route.request.url.startswith((served_site, "file://")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", watch)
    page = context.new_page()
    page.goto(url + "#s1")
    page.get_by_text("引用本篇").click()
    reference = page.locator("#jh-cite-gbt7714").inner_text()
    office = cited["speaker"]["office"]
    assert reference.startswith(f"{office}. {cited['title']}: {cited['subtitle']}[EB/OL]. ({cited['published']})[引用日期]. ")
    assert reference.endswith(f" {url}."), "the page's own address, without the fragment"
    assert page.locator(".jh-cite-local").is_visible() == (where == "bundle")

    page.get_by_role("button", name="复制 GB/T 7714 格式").click()
    page.locator(".jh-copy-status").filter(has_text=re.compile(".")).wait_for()
    assert page.evaluate("getSelection().toString()") == reference, "the text is selected, ready to copy by hand"
    if where == "site":
        assert page.locator(".jh-copy-status").inner_text() == "已复制到剪贴板。"
        assert page.evaluate("navigator.clipboard.readText()") == reference

    page.get_by_role("button", name="复制 BibTeX").click()
    entry = page.locator("#jh-cite-bibtex").inner_text()
    [(kind, key, fields)] = parse_bibtex(entry)
    assert (kind, key) == ("misc", f"jianghua-{cited['id']}")
    assert fields["author"] == "{" + office + "}" and fields["url"] == url and fields["date"] == cited["published"]
    assert cited["title"] in fields["title"]
    if where == "site":
        page.wait_for_function("async (entry) => (await navigator.clipboard.readText()) === entry", arg=entry)
    else:
        assert page.evaluate("getSelection().toString()") == entry
    assert outside == [], f"the page asked the network for {outside}"
    context.close()


@pytest.mark.parametrize("where", ["site", "bundle"])
def test_next_links_walk_the_whole_archive_in_its_order(browser, served_site, offline_bundle, archive, where):
    order = [m["id"] for m in corpus(archive)]
    page = browser.new_page(viewport={"width": PHONE, "height": 800})
    page.goto(speech_url(where, served_site, offline_bundle, order[0]))
    assert page.locator(".jh-neighbours a[rel=prev]").count() == 0
    walked = [order[0]]
    while page.locator(".jh-neighbours a[rel=next]").count():
        assert page.get_by_role("navigation", name="按讲话日期的前后篇").count() == 1
        page.locator(".jh-neighbours a[rel=next]").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == corpus(archive)[len(walked)]["title"]
        walked.append(urlsplit(page.url).path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html"))
    assert walked == order
    page.close()


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_speech_page_fits_the_screen(browser, served_site, cited, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(urljoin(served_site, f"speeches/{cited['id']}/"))
    page.locator(".jh-outline summary").click()
    page.get_by_text("引用本篇").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "nothing wider than the screen"
    assert page.get_by_role("link", name="报告问题").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"speech-{width}.png"), full_page=True)
    page.close()
