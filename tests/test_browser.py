"""What a reader sees, in Debian's chromium: search on the served site, and the offline bundle from file://."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup
from conftest import Browse

from build_scripts.search_index import SHARD_SIZE_ENV

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


def pages_containing(site: Path, term: str) -> set[str]:
    """Speech pages whose text contains the term, read from the built HTML (not counting the links to related and neighbouring speeches)."""
    found = set()
    for page in (site / "speeches").rglob("*.html"):
        article = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").select_one("article")
        for related in article.select(".jh-related, .jh-neighbours") if article else []:
            related.decompose()  # other speeches' titles and words
        if article and article.select_one(".jh-card") and term in article.get_text():
            found.add(page.parent.name if page.name == "index.html" else page.stem)
    return found


def _speech_ids(hrefs: list[str]) -> list[str]:
    ids = []
    for href in hrefs:
        path = urlparse(href).path.rstrip("/")
        name = path.rsplit("/", 1)[-1].removesuffix(".html")
        if "/speeches/" in path and name not in ids:
            ids.append(name)
    return ids


def search(page, term: str) -> list[str]:
    """Type a query into the header search (Pagefind, on the site and in the bundle); return result speech ids in order."""
    box = page.locator(".jh-search input")
    box.fill("")  # hides the panel, so that the wait below is for this query's results
    box.fill(term)
    page.locator(".jh-result").first.wait_for(timeout=15000)
    return _speech_ids(page.locator(".jh-result").evaluate_all("links => links.map(a => a.href)"))


@pytest.mark.parametrize("term", ["脱贫攻坚", "第一书记", "贫困村", "脱贫"])
def test_search_on_the_served_site_puts_matching_speeches_first(browser, served_site, archive, term):
    expected = pages_containing(archive["site"], term)
    assert expected, f"some speech contains {term}"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(served_site)
    results = search(page, term)
    assert set(results[: len(expected)]) == expected, (term, results, expected)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"search-{term}.png"))
    page.close()


def test_offline_bundle_searches_and_navigates_with_the_network_blocked(browser, offline_bundle):
    assert not list(offline_bundle.rglob("search_index*")), "the theme's lunr index is gone"
    index = offline_bundle / "pagefind"
    pieces = {p.relative_to(index).as_posix() for p in index.rglob("*.js")} - {"pagefind.js"}
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside, loaded = [], []

    def block(route):
        url = route.request.url
        if url.startswith("file://"):
            if "/pagefind/" in url:
                loaded.append(url.split("/pagefind/", 1)[1])
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", block)
    page = context.new_page()
    page.goto((offline_bundle / "index.html").as_uri())
    for term in ("脱贫攻坚", "第一书记"):
        expected = pages_containing(offline_bundle, term)
        assert expected, f"some speech contains {term}"
        results = search(page, term)
        assert set(results[: len(expected)]) == expected, (term, results, expected)
        if term == "脱贫攻坚":
            first_query = set(loaded) - {"pagefind.js"}
            assert first_query <= pieces and len(first_query) < len(pieces), (first_query, pieces)
    page.locator(".jh-result").first.click()
    page.wait_for_load_state()
    assert page.url.startswith("file://") and page.url.endswith(".html") and "/speeches/" in page.url
    assert page.locator(".jh-card").is_visible()
    assert "第一书记" in page.locator("article").inner_text()
    assert outside == [], f"the bundle asked the network for {outside}"
    context.close()


@pytest.fixture(scope="module")
def sharded(tmp_path_factory) -> dict[str, Path]:
    """The seeds built with the search index in shards of two speeches: the site, and the offline bundle unzipped."""
    base = tmp_path_factory.mktemp("sharded")
    shutil.copytree(ROOT / "docs", base / "docs")
    env = {**os.environ, SHARD_SIZE_ENV: "2"}
    common = ["--seeds", str(ROOT / "seeds"), "--docs", str(base / "docs")]
    for command in (["site", *common, "--site-dir", str(base / "site")], ["bundle", *common, "--dist", str(base / "dist")]):
        subprocess.run([sys.executable, "-m", "build_scripts", *command], cwd=ROOT, env=env, capture_output=True, check=True)
    with zipfile.ZipFile(base / "dist" / "jianghua-offline.zip") as bundle:
        bundle.extractall(base / "bundle")
    return {"site": base / "site", "bundle": base / "bundle" / "jianghua"}


def _searches(browser, start: str, inside: str) -> tuple[dict[str, list[str]], list[str]]:
    """Results for 脱贫攻坚 and 第一书记 from the page at `start`, and the requests made outside `inside` (blocked)."""
    browse = Browse(browser, inside)
    browse.page.goto(start)
    results = {term: search(browse.page, term) for term in ("脱贫攻坚", "第一书记")}
    browse.context.close()
    return results, browse.outside


def test_an_index_in_shards_finds_the_same_speeches_in_the_same_order(browser, served_site, offline_bundle, sharded):
    for tree in (sharded["site"], sharded["bundle"]):
        assert (tree / "pagefind-2").is_dir() and (tree / "pagefind-3").is_dir(), "five speeches in shards of two"
        assert not (tree / "pagefind-2" / "pagefind.js").exists(), "a merged shard uses the first one's runtime"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(sharded["site"]))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        one, _ = _searches(browser, served_site, served_site)
        shards, outside = _searches(browser, base, base)
    finally:
        server.shutdown()
    assert shards == one and all(one.values()), (shards, one)
    assert outside == [], f"the site asked for {outside}"
    one, _ = _searches(browser, (offline_bundle / "index.html").as_uri(), offline_bundle.as_uri() + "/")
    shards, outside = _searches(browser, (sharded["bundle"] / "index.html").as_uri(), sharded["bundle"].as_uri() + "/")
    assert shards == one and all(one.values()), (shards, one)
    assert outside == [], f"the bundle asked for {outside}"
