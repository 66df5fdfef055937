"""The two scripts of the archive, in Debian's chromium: the Simplified pages at the root and the Traditional edition in hant/, on the served site and in the offline bundle."""

from __future__ import annotations

import json
import shutil
from urllib.parse import urlparse

import opencc
import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, SEEDS, Browse, jianghua

TERMS = ("脱贫攻坚", "脫貧攻堅")  # the same query typed in each script
FOLDED = ("脱贫攻坚", "第一书记", "贫困村", "脱贫")  # the queries of test_browser.py
S2T = opencc.OpenCC("s2t")


def speech_ids(archive) -> list[str]:
    with (archive["docs"] / "data" / "speeches.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line)["id"] for line in lines if line.strip()]


def speeches_about(archive, term: str) -> set[str]:
    with (archive["docs"] / "data" / "speeches.jsonl").open(encoding="utf-8") as lines:
        return {meta["id"] for meta in map(json.loads, lines) if term in meta["text"]}


def speech_page(where, speech_id: str) -> str:
    """A speech page's address: a folder on the served site, a file in the bundle."""
    return f"speeches/{speech_id}/" if where["root"].startswith("http") else f"speeches/{speech_id}.html"


@pytest.fixture
def reader(browser, where):
    """A browser page that may load what the site holds and nothing else (closing it checks that nothing else was asked for)."""
    browse = Browse(browser, where["root"])
    yield browse
    browse.close()


def _id(url: str) -> str:
    return urlparse(url).path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")


def search(page, term: str) -> list[str]:
    """The header search's results for a query, as the addresses they link to, in order."""
    box = page.locator(".jh-search input")
    box.fill("")  # hides the panel, so that the wait below is for this query's results
    box.fill(term)
    page.locator(".jh-result").first.wait_for(timeout=20000)
    return page.locator(".jh-result").evaluate_all("links => links.map(a => a.href)")


def test_each_edition_says_its_script(reader, where, archive):
    for edition, language in (("", "zh-Hans"), ("hant/", "zh-Hant")):
        for path in (where["page"](""), speech_page(where, speech_ids(archive)[0])):
            page = reader.open(edition + path)
            assert page.evaluate("document.documentElement.lang") == language, (edition, path)


@pytest.mark.parametrize("tree", ["site", "bundle"])
def test_traditional_text_is_the_s2t_conversion_of_the_archive(archive, offline_bundle, tree):
    root = archive["site"] if tree == "site" else offline_bundle
    name = "{}/index.html" if tree == "site" else "{}.html"
    for speech_id in speech_ids(archive):
        pages = [BeautifulSoup((base / "speeches" / name.format(speech_id)).read_text(encoding="utf-8"), "lxml")
                 for base in (root, root / "hant")]
        hans, hant = ([p.get_text() for p in soup.select("article p[id^=p]")] for soup in pages)
        assert hans and len(hant) == len(hans), speech_id
        assert hant == [S2T.convert(text) for text in hans], speech_id
        assert pages[1].select_one("h1").get_text() == S2T.convert(pages[0].select_one("h1").get_text())


def test_the_switch_keeps_the_page(reader, where, archive):
    for speech_id in speech_ids(archive):
        address = speech_page(where, speech_id)
        page = reader.open(address)
        title = page.locator("article h1").inner_text()
        page.locator(".jh-script a").click()
        page.wait_for_load_state()
        assert page.url == where["root"] + "hant/" + address
        assert page.locator("article h1").inner_text() == S2T.convert(title)
        page.locator(".jh-script a").click()
        page.wait_for_load_state()
        assert page.url == where["root"] + address
        assert page.locator("article h1").inner_text() == title


def test_raw_files_and_downloads_are_published_once_and_linked_from_both_editions(archive, where):
    tree = where["folder"]
    page = "speeches/{}/index.html" if where["root"].startswith("http") else "speeches/{}.html"
    assert not (tree / "hant" / "raw").exists() and not (tree / "hant" / "data" / "speeches.jsonl").exists()
    for speech_id in speech_ids(archive):
        for edition in (tree, tree / "hant"):
            path = edition / page.format(speech_id)
            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
            links = [a["href"] for a in soup.select(".jh-record a, .jh-downloads a")]
            assert len(links) == 5, links
            for href in links:
                assert (path.parent / href).resolve().is_file(), (path, href)
                assert (path.parent / href).resolve().is_relative_to(tree.resolve())
                assert not (path.parent / href).resolve().is_relative_to((tree / "hant").resolve()), href


def test_a_query_in_either_script_finds_the_same_speeches_in_both_editions(reader, where, archive):
    expected = speeches_about(archive, TERMS[0])
    found, shown = {}, {}
    for edition in ("", "hant/"):
        page = reader.open(edition + where["page"](""))
        for term in TERMS:
            links = search(page, term)
            assert all(urlparse(link).path.startswith(urlparse(where["root"] + edition).path) for link in links), links
            assert edition == "" or all("/hant/speeches/" in link for link in links), links
            found[edition, term] = [_id(link) for link in links]
        shown[edition] = page.locator(".jh-search__panel ol").inner_text()
    assert expected and expected <= set(found["", TERMS[0]]), found
    assert len(set(map(tuple, found.values()))) == 1, found
    assert shown["hant/"] == S2T.convert(shown[""]), "titles and excerpts in the script of the edition"
    # The browser folds a query with opencc-js; the pages were converted with OpenCC in Python.
    folded = page.evaluate("terms => terms.map(OpenCC.Converter({ from: 't', to: 'cn' }))", [S2T.convert(t) for t in FOLDED])
    assert folded == list(FOLDED)


def test_the_traditional_edition_can_be_left_out(tmp_path):
    docs, site = tmp_path / "docs", tmp_path / "site"
    shutil.copytree(ROOT / "docs", docs)
    jianghua("site", "--seeds", str(SEEDS), "--docs", str(docs), "--site-dir", str(site), "--no-hant")
    assert (site / "index.html").is_file() and not (site / "hant").exists()
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "lxml")
    assert home.html["lang"] == "zh-Hans" and not home.select(".jh-script")
