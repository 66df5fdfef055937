"""What a reader sees, in Debian's chromium: search on the served site, and the offline bundle from file://."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def pages_containing(site: Path, term: str) -> set[str]:
    """Speech pages whose text contains the term, read from the built HTML (not counting the list of related speeches)."""
    found = set()
    for page in (site / "speeches").rglob("*.html"):
        article = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").select_one("article")
        for related in article.select(".jh-related") if article else []:
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


def search_served(page, term: str) -> list[str]:
    """Type a query into the served site's header search (Pagefind); return result speech ids in order."""
    page.locator(".jh-search input").fill(term)
    page.locator(".jh-result").first.wait_for(timeout=15000)
    return _speech_ids(page.locator(".jh-result").evaluate_all("links => links.map(a => a.href)"))


def search_offline(page, term: str) -> list[str]:
    """Type a query into the bundle's header search (the theme's own); return result speech ids in order."""
    box = page.locator("input.md-search__input")
    meta = page.locator(".md-search-result__meta")
    initializing = meta.inner_text()
    box.click()
    # The theme ignores what is typed while its index is still loading.
    page.wait_for_function(
        "text => document.querySelector('.md-search-result__meta').innerText !== text", arg=initializing
    )
    # A reader's input method ends with a key release, which is what the theme listens for.
    box.fill(term)
    box.dispatch_event("keyup")
    page.locator(".md-search-result__item").first.wait_for(timeout=15000)
    links = page.locator(".md-search-result__item > a.md-search-result__link")
    return _speech_ids(links.evaluate_all("links => links.map(a => a.href)"))


@pytest.mark.parametrize("term", ["脱贫攻坚", "第一书记", "贫困村", "脱贫"])
def test_search_on_the_served_site_puts_matching_speeches_first(browser, served_site, archive, term):
    expected = pages_containing(archive["site"], term)
    assert expected, f"some speech contains {term}"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(served_site)
    results = search_served(page, term)
    assert set(results[: len(expected)]) == expected, (term, results, expected)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"search-{term}.png"))
    page.close()


def test_offline_bundle_searches_and_navigates_with_the_network_blocked(browser, offline_bundle, archive):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside = []

    def block(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", block)
    page = context.new_page()
    page.goto((offline_bundle / "index.html").as_uri())
    results = search_offline(page, "第一书记")
    assert set(results[:1]) <= pages_containing(archive["site"], "第一书记")
    page.locator(".md-search-result__item > a.md-search-result__link").first.click()
    page.wait_for_load_state()
    assert page.url.startswith("file://") and "/speeches/" in page.url
    assert page.locator(".jh-card").is_visible()
    assert "第一书记" in page.locator("article").inner_text()
    assert outside == [], f"the bundle asked the network for {outside}"
    context.close()
