"""Accessibility, as axe-core (bundled by axe-playwright-python) judges it in Debian's chromium: no serious or critical violation on any kind of page, served or from the offline bundle."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import Browse

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
BLOCKING = {"serious", "critical"}


def first_page(docs: Path, section: str) -> str:
    """The source, under docs/, of the first page one level down a generated section (a term, a person, a speech)."""
    pages = sorted(p for p in (docs / section).glob("*/index.md") if not p.parent.name.startswith("page-"))
    speeches = sorted(p for p in (docs / section).glob("*.md") if p.stem != "index")
    first = (pages or speeches)[0]
    return first.relative_to(docs).as_posix()


def address(source: str, served: bool) -> str:
    """A page's address from its source: a folder on the served site, the HTML file in the bundle."""
    if not served:
        return source.removesuffix(".md") + ".html"
    folder = source.removesuffix(".md").removesuffix("index")
    return folder if folder.endswith("/") or not folder else folder + "/"


@pytest.fixture(scope="module")
def sources(archive) -> list[str]:
    """One page of each kind: home, a speech, the lists, a browse category, the explorer, a term, a person, a place."""
    docs = archive["docs"]
    return [
        "index.md",
        first_page(docs, "speeches"),
        "speeches/index.md",
        "explorer/index.md",
        "topics/index.md",
        first_page(docs, "topics"),
        "glossary/index.md",
        first_page(docs, "glossary"),
        first_page(docs, "people"),
        first_page(docs, "placenames"),
        "report.md",
    ]


def test_no_serious_or_critical_violation_on_any_kind_of_page(browser, where, sources):
    axe = Axe()
    served = where["root"].startswith("http")
    browse = Browse(browser, where["root"])
    found = {}
    for source in sources:
        page = browse.open(address(source, served))
        violations = axe.run(page).response["violations"]
        blocking = [v for v in violations if v["impact"] in BLOCKING]
        if blocking:
            found[source] = [
                {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["html"][:200] for n in v["nodes"][:5]]}
                for v in blocking
            ]
    browse.close()
    ARTIFACTS.mkdir(exist_ok=True)
    report = ARTIFACTS / f"axe-{'served' if served else 'bundle'}.json"
    report.write_text(json.dumps(found, ensure_ascii=False, indent=1), encoding="utf-8")
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
