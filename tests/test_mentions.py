"""People and places: a page for each one named in several speeches and for each place of the place tree, every sentence on it landing on the paragraph that names them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from build_scripts.mentions import PEOPLE_DIR, PLACENAMES_DIR, full_name, people, places, sentences
from build_scripts.places import gazetteer, short_name
from test_glossary import html, page_of


def meta(speech_id: str, people_named=(), places_named=()) -> dict:
    return {
        "id": speech_id,
        "people": [{"name": name, "count": 1, "first": 0} for name in people_named],
        "places": [dict(place, count=1, first=0) for place in places_named],
    }


def test_a_person_needs_two_speeches_and_a_real_name():
    metas = [
        meta("a", ["习近平", "刘", "**", "小林"]),
        meta("b", ["习近平", "刘", "**"]),
        meta("c", ["XX"]),
    ]
    assert [p.name for p in people(metas)] == ["习近平"]


def test_places_of_the_tree_get_a_page_even_when_named_once():
    jian = {"name": "吉安市", "kind": "city", "adcode": "360800"}
    metas = [meta("a", places_named=[jian]), meta("b", places_named=[{"name": "**村", "kind": "anonymised"}])]
    assert places(metas, set()) == []
    found = places(metas, {"370725"})
    assert [(p.key, p.label, p.forms) for p in found] == [("370725", "山东省潍坊市昌乐县", ("昌乐县", "昌乐"))]
    assert full_name("360800") == "江西省吉安市"


def test_sentences_come_from_the_speeches_that_name_them_and_short_forms_stop_at_another_name():
    jian = {"name": "吉安市", "kind": "city", "adcode": "360800"}
    named = places([meta("a", places_named=[jian]), meta("b", places_named=[jian])], set())
    speeches = [
        (meta("a", places_named=[jian]), [("p1", "吉安的发展很快。吉安县也在发展！"), ("p2", "没有地名。")]),
        (meta("b", places_named=[jian]), [("p1", "我们学习吉安市。")]),
        (meta("c"), [("p1", "这篇讲话没有列出吉安，不在其中找。")]),
    ]
    found = sentences(named, speeches)["360800"]
    assert [(s.speech_id, s.anchor, s.text, s.text[s.start : s.end]) for s in found] == [
        ("a", "p1", "吉安的发展很快。", "吉安"),
        ("b", "p1", "我们学习吉安市。", "吉安市"),
    ]


# --------------------------------------------------------------------------- the built archive


def entity_pages(site: Path, folder: str) -> dict[str, list[Path]]:
    pages: dict[str, list[Path]] = {}
    for path in sorted((site / folder).glob("*/index.html")) + sorted((site / folder).glob("*/*/index.html")):
        key = path.relative_to(site / folder).parts[0]
        if not re.fullmatch(r"page-\d+", key):
            pages.setdefault(key, []).append(path)
    return pages


def forms(key: str, title: str) -> set[str]:
    """The ways a page's person or place is written: a division's name and its short form, else the page's title."""
    if not key.isdigit():
        return {title}
    name = gazetteer()[0][key].name
    return {name, short_name(name)} - {None}


def fronts(docs: Path) -> dict[str, dict]:
    found = {}
    for page in sorted((docs / "speeches").glob("*.md")):
        text = page.read_text(encoding="utf-8")
        if text.startswith("---\n") and page.stem != "index":
            data = yaml.safe_load(text[4:].split("\n---\n", 1)[0])
            found[data["id"]] = data
    return found


@pytest.mark.parametrize("folder", [PEOPLE_DIR, PLACENAMES_DIR])
def test_every_sentence_names_them_and_lands_on_its_paragraph(built, folder):
    site = built["site"]
    pages = entity_pages(site, folder)
    assert pages, f"no {folder} pages"
    lists = [site / folder / "index.html", *sorted((site / folder).glob("page-*/index.html"))]
    listed = {a["href"].split("/")[-2] for page in lists for a in html(page).select("article table a[href]")}
    assert listed == set(pages)
    for key, paths in pages.items():
        title = html(paths[0]).select_one("article h1").get_text(strip=True)
        speeches, total = set(), 0
        for path in paths:
            for row in html(path).select("article table tr"):
                cells = row.find_all("td")
                if len(cells) != 2:
                    continue
                total += 1
                assert cells[1].find("strong").get_text() in forms(key, title), (path, title)
                target, anchor = page_of(site, path, cells[1].find("a")["href"])
                paragraph = html(target).find(id=anchor)
                assert paragraph is not None and paragraph.name == "p", (path, anchor)
                sentence = cells[1].get_text().strip("…")
                assert sentence in paragraph.get_text(), (path, anchor, sentence)
                speeches.add(target.parent.name)
        summary = html(paths[0]).select_one("article").get_text()
        stated = re.search(r"见于 (\d+) 篇讲话，共 (\d+) 句", summary)
        assert (stated and (int(stated.group(1)), int(stated.group(2))) == (len(speeches), total)) or (
            total == 0 and "没有讲话提到" in summary
        ), key
        if folder == PEOPLE_DIR:
            assert len(speeches) >= 2, f"{title} is named in one speech only"


def test_the_people_named_in_several_speeches_all_have_a_page(built):
    named: dict[str, set[str]] = {}
    for speech_id, data in fronts(built["docs"]).items():
        for person in data.get("people") or []:
            if len(person["name"]) >= 2 and "*" not in person["name"] and not person.get("anonymised"):
                named.setdefault(person["name"], set()).add(speech_id)
    titles = {
        html(paths[0]).select_one("article h1").get_text(strip=True)
        for paths in entity_pages(built["site"], PEOPLE_DIR).values()
    }
    assert titles == {name for name, ids in named.items() if len(ids) >= 2}


def test_each_place_of_the_tree_links_to_its_page_of_sentences(built):
    site = built["site"]
    counties = {data["place"]["county"] for data in fronts(built["docs"]).values() if (data.get("place") or {}).get("county")}
    assert counties, "a seed is placed in a county"
    tree = {html(page).select_one("article h1").get_text(strip=True): page for page in (site / "places").glob("*/*/*/index.html")}
    for county in counties:
        page = next(path for title, path in tree.items() if title.endswith(county))
        links = [a for a in html(page).select("article a[href]") if PLACENAMES_DIR in a["href"]]
        assert len(links) == 1, page
        target, _ = page_of(site, page, links[0]["href"])
        assert html(target).select_one("article h1").get_text(strip=True).endswith(county)
