"""The 提法 glossary: terms found by their form and their recurrence, the editors' merges and exclusions, term pages whose every line lands on its paragraph, and speech pages that link a term once per section."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup, Tag

from build_scripts.browse import GLOSSARY_DIR
from build_scripts.glossary import Matcher, canonical, editorial, find_terms, formulas, slogans
from build_scripts.lexicon import words
from build_scripts.render import render
from build_scripts.speech import Block, Speech


def names(terms) -> dict[str, str]:
    return {term.name: term.kind for term in terms}


# --------------------------------------------------------------------------- finding terms


def test_numbered_formulas_are_found_where_jieba_words_begin_and_end():
    text = "严格执行三会一课，深入开展两学一做，解决两不愁三保障，落实一岗双责，坚持5+2。一是一些党员说得一清二楚，一步走一步。"
    assert formulas(text, words(text)) == ["三会一课", "两学一做", "两不愁三保障", "一岗双责", "5+2"]


def test_quoted_slogans_are_found_and_quoted_sentences_words_and_masks_are_not():
    text = (
        "要做到“户帮户、亲帮亲”，发扬“白加黑”精神，抓好“两新”组织，落实“6个一批”；"
        "不能有“硬伤”，不能“杯水车薪”，打造“*****样板”，出台“XX、 XX”的文件，"
        "实现“实现决胜全面小康社会，决战脱贫攻坚目标任务”。"
    )
    assert slogans(text) == [("户帮户、亲帮亲", "slogan"), ("白加黑", "slogan"), ("两新", "numbered"), ("6个一批", "numbered")]


def test_a_slogan_or_formula_needs_one_speech_a_phrase_two():
    first = ["全县上下要抓紧抓实基层党建工作，把基层党建摆在突出位置。", "发扬“白加黑”精神，严格执行三会一课。"]
    second = ["各乡镇要把基层党建抓紧抓实，确保基层党建取得实效。"]
    found = names(find_terms([first, second]))
    assert found["白加黑"] == "slogan" and found["三会一课"] == "numbered"
    assert found["基层党建"] == "phrase"
    assert "突出位置" not in found  # one speech's wording
    assert "基层党建" not in names(find_terms([first]))


def test_a_counted_word_is_a_formula_only_when_always_counted_with_one_number():
    first = ["要增强四个意识，落实三个方面的任务。"]
    second = ["牢固树立四个意识，做好五个方面的工作。"]
    found = names(find_terms([first, second]))
    assert found["四个意识"] == "numbered"
    assert not [name for name in found if "方面" in name]


def test_a_formula_written_with_a_digit_is_one_term_with_its_written_form():
    terms = {t.name: t for t in find_terms([["统筹兼顾好“6个一批”。"], ["落实“六个一批”。"]])}
    assert canonical("6个一批") == "六个一批"
    assert terms["六个一批"].forms == ("6个一批", "六个一批")


def test_the_editors_exclusions_are_left_out():
    _, exclusions = editorial()
    assert exclusions
    for term in exclusions:
        assert term not in names(find_terms([[f"对于“{term}”的问题，要坚持“{term}”。"]]))


def test_the_editors_merges_gather_their_forms_under_one_term():
    merges, _ = editorial()
    assert merges
    for form, (target, reason) in merges.items():
        text = f"要落实“{target}”的要求。又如“{form}”。"
        terms = {t.name: t for t in find_terms([[text]])}
        assert form not in terms, form
        assert form in terms[target].forms and terms[target].note == reason
        # The merged form counts as an occurrence of the term.
        assert [name for _, _, name in Matcher(list(terms.values())).occurrences(text)].count(target) == 2


def test_mentions_take_the_longest_term_and_occurrences_count_the_inner_one_too():
    terms = find_terms([["打赢脱贫攻坚战，推进脱贫攻坚。"], ["夺取脱贫攻坚战的胜利，做好脱贫攻坚工作。"]])
    assert {"脱贫攻坚", "脱贫攻坚战"} <= set(names(terms))
    matcher = Matcher(terms)
    text = "打赢脱贫攻坚战"
    assert [name for _, _, name in matcher.mentions(text)] == ["脱贫攻坚战"]
    assert sorted(name for _, _, name in matcher.occurrences(text)) == ["脱贫攻坚", "脱贫攻坚战"]


def test_a_term_links_at_its_first_mention_in_each_section_only():
    speech = Speech(
        source_file="x.txt",
        raw=b"",
        meta={"id": "abc", "title": "讲话"},
        blocks=(
            Block("paragraph", "落实三会一课，坚持三会一课。", 0, "p1"),
            Block("paragraph", "三会一课要经常化。", 0, "p2"),
            Block("heading", "一、三会一课", 2, "s1"),
            Block("paragraph", "三会一课是基本制度。", 0, "p3"),
        ),
    )
    page = render(speech, lambda text: [(m.start(), m.end(), "t.md") for m in re.finditer("三会一课", text)])
    body = page.split("\n---\n", 1)[1]
    assert body.count("](t.md)") == 2
    assert "落实[三会一课](t.md){ .jh-term }，坚持三会一课。" in body
    assert "\n三会一课要经常化。" in body and "## 一、三会一课 {#s1}" in body
    assert "[三会一课](t.md){ .jh-term }是基本制度。" in body
    assert render(speech) == render(speech, lambda text: [])


# --------------------------------------------------------------------------- the built archive


@functools.lru_cache(maxsize=512)
def html(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def page_of(site: Path, page: Path, href: str) -> tuple[Path, str]:
    """The HTML file and the fragment a relative link of a page points to."""
    url = urljoin(page.relative_to(site).as_posix(), href)
    path, _, fragment = url.partition("#")
    return site / path / "index.html" if path.endswith("/") else site / path, fragment


@pytest.fixture(scope="module")
def term_pages(built) -> dict[str, list[Path]]:
    """The HTML pages of each term, by the term's folder."""
    folder = built["site"] / GLOSSARY_DIR
    pages: dict[str, list[Path]] = {}
    for path in sorted(folder.glob("*/index.html")) + sorted(folder.glob("*/*/index.html")):
        key = path.relative_to(folder).parts[0]
        if not re.fullmatch(r"page-\d+", key):  # the list of terms goes on there
            pages.setdefault(key, []).append(path)
    return pages


def rows(page: BeautifulSoup) -> list[list]:
    return [row.find_all("td") for row in page.select("article table tr") if len(row.find_all("td")) == 4]


@pytest.fixture(scope="module")
def forms(term_pages) -> dict[str, set[str]]:
    """Each term's written forms as its pages show them: its name and the form of each occurrence."""
    found = {}
    for key, paths in term_pages.items():
        first = html(paths[0])
        found[key] = {first.select_one("article h1").get_text(strip=True)}
        for path in paths:
            found[key] |= {cells[2].get_text() for cells in rows(html(path))}
    return found


def test_the_glossary_is_listed_in_the_nav_and_on_the_home_page(built, term_pages):
    site = built["site"]
    assert (site / GLOSSARY_DIR / "index.html").is_file() and term_pages
    home = html(site / "index.html")
    assert any(a["href"].startswith(f"{GLOSSARY_DIR}/") for a in home.select("nav.md-nav--primary a[href]"))
    assert any(a["href"].startswith(f"{GLOSSARY_DIR}/") for a in home.select("article a[href]"))
    lists = [site / GLOSSARY_DIR / "index.html", *sorted((site / GLOSSARY_DIR).glob("page-*/index.html"))]
    listed = {a["href"].split("/")[-2] for page in lists for a in html(page).select("article table a[href]")}
    assert listed == set(term_pages)


def test_each_occurrence_line_holds_the_term_and_lands_on_its_paragraph(built, term_pages, forms):
    site = built["site"]
    for key, paths in term_pages.items():
        total = 0
        for path in paths:
            for before, term, after in (cells[1:] for cells in rows(html(path))):
                total += 1
                written = term.get_text()
                assert written in forms[key]
                target, anchor = page_of(site, path, term.a["href"])
                paragraph = html(target).find(id=anchor)
                assert paragraph is not None and paragraph.name == "p", (path, term.a["href"])
                line = before.get_text().lstrip("…") + written + after.get_text().rstrip("…")
                assert written in line and line in paragraph.get_text(), (path, anchor)
        stated = re.search(r"共 (\d+) 处", html(paths[0]).select_one("article").get_text())
        assert stated and int(stated.group(1)) == total, key


def test_term_pages_give_years_and_first_and_last_appearance(built, term_pages):
    for key, paths in term_pages.items():
        text = html(paths[0]).select_one("article").get_text()
        assert "各年出现次数" in text and "最早：" in text and "最晚：" in text, key
    page = html(built["site"] / GLOSSARY_DIR / "huitoukan" / "index.html").select_one("article").get_text()
    assert "2020年" in page and "又作：回头”看" in page


def _leftmost_longest(text: str, forms: dict[str, str]) -> list[tuple[int, str]]:
    """The terms a reader meets in a text, found here independently of the matcher: (offset, term folder)."""
    longest = max(map(len, forms))
    found, i = [], 0
    while i < len(text):
        match = next((text[i : i + n] for n in range(longest, 0, -1) if text[i : i + n] in forms), None)
        if match:
            found.append((i, forms[match]))
            i += len(match)
        else:
            i += 1
    return found


def test_speech_pages_link_each_term_at_its_first_mention_in_each_section(built, forms):
    site = built["site"]
    by_form = {form: key for key, written in forms.items() for form in written}
    ids = [md.stem for md in sorted((built["docs"] / "speeches").glob("*.md")) if md.stem != "index"]
    pages = [site / "speeches" / speech_id / "index.html" for speech_id in ids]
    assert pages
    linked_somewhere = 0
    for path in pages:
        article = html(path).select_one("article")
        expected, actual, seen = set(), set(), set()
        for element in article.find_all(["h2", "h3", "h4", "h5", "h6", "p"]):
            if element.name != "p":
                seen = set()
                continue
            if not re.fullmatch(r"p\d+", element.get("id") or ""):
                continue
            offset = 0
            for child in element.children:
                if getattr(child, "name", None) == "a" and "jh-term" in child.get("class", []):
                    target, _ = page_of(site, path, child["href"])
                    actual.add((element["id"], offset, target.parent.name))
                offset += len(child.get_text() if isinstance(child, Tag) else str(child))
            for start, key in _leftmost_longest(element.get_text(), by_form):
                if key not in seen:
                    expected.add((element["id"], start, key))
                    seen.add(key)
        assert actual == expected, path
        linked_somewhere += len(actual)
    assert linked_somewhere
