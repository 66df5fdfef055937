"""Browse pages: by topic, occasion, speaker, time and place, each with counts, paginated, under stable names."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

from build_scripts.browse import browse_pages, slug
from build_scripts.writer import PAGE_SIZE

SECTIONS = ("topics", "occasions", "speakers", "timeline", "places")


def fronts(archive) -> dict[str, dict]:
    metas = {}
    for md in sorted((archive["docs"] / "speeches").glob("*.md")):
        text = md.read_text(encoding="utf-8")
        if text.startswith("---\nid:"):
            meta = yaml.safe_load(text.split("\n---\n", 1)[0][4:])
            metas[meta["id"]] = meta
    return metas


def linked_ids(page: Path) -> list[str]:
    return re.findall(r"\]\((?:\.\./)+speeches/([0-9a-f]{12})\.md\)", page.read_text(encoding="utf-8"))


def count_in_table(page: Path, name: str) -> int:
    match = re.search(rf"^\| \[{re.escape(name)}\]\([^)]*\) \| (\d+) \|", page.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, (page, name)
    return int(match.group(1))


def test_each_section_has_an_index_page_and_html(archive):
    for section in SECTIONS:
        assert (archive["docs"] / section / "index.md").is_file()
        assert (archive["site"] / section / "index.html").is_file()


def test_topic_pages_list_their_speeches_with_counts(archive):
    docs = archive["docs"]
    metas = fronts(archive)
    by_topic: dict[str, set[str]] = {}
    for meta in metas.values():
        for topic in meta.get("topics", []):
            by_topic.setdefault(topic["name"], set()).add(meta["id"])
    assert "脱贫攻坚" in by_topic
    for name, ids in by_topic.items():
        page = docs / "topics" / slug(name) / "index.md"
        assert set(linked_ids(page)) == ids, name
        assert f"共 {len(ids)} 篇讲话" in page.read_text(encoding="utf-8")
        assert count_in_table(docs / "topics" / "index.md", name) == len(ids)
    assert (docs / "topics" / "tuopingongjian" / "index.md").is_file()


def test_occasion_and_speaker_pages(archive):
    docs = archive["docs"]
    metas = fronts(archive)
    kinds = {}
    for meta in metas.values():
        kinds.setdefault(meta["occasion"].get("type") or "类型不详", set()).add(meta["id"])
    for kind, ids in kinds.items():
        assert set(linked_ids(docs / "occasions" / slug(kind) / "index.md")) == ids
        assert count_in_table(docs / "occasions" / "index.md", kind) == len(ids)
    # Level, then office: 县委书记 is under 县级.
    secretaries = {m["id"] for m in metas.values() if m["speaker"].get("office") == "县委书记"}
    assert secretaries
    page = docs / "speakers" / "xianji" / "xianweishuji" / "index.md"
    assert set(linked_ids(page)) == secretaries
    county = {m["id"] for m in metas.values() if m["speaker"].get("level") == "县"}
    assert count_in_table(docs / "speakers" / "index.md", "县级") == len(county)
    assert count_in_table(docs / "speakers" / "xianji" / "index.md", "县委书记") == len(secretaries)


def test_timeline_by_year_and_month_marks_inferred_dates(archive):
    docs = archive["docs"]
    metas = fronts(archive)
    dated = [m for m in metas.values() if m.get("speech_date")]
    for meta in dated:
        year = meta["speech_date"][:4]
        assert meta["id"] in linked_ids(docs / "timeline" / year / "index.md")
        if len(meta["speech_date"]) >= 7:
            assert meta["id"] in linked_ids(docs / "timeline" / year / meta["speech_date"][5:7] / "index.md")
    may = (docs / "timeline" / "2020" / "05" / "index.md").read_text(encoding="utf-8")
    assert "2020-05-07" in may
    inferred = next(m for m in dated if m.get("date_inferred"))
    year_page = (docs / "timeline" / inferred["speech_date"][:4] / "index.md").read_text(encoding="utf-8")
    assert f"{inferred['speech_date']}（推断）" in year_page
    assert "推断" in (docs / "timeline" / "index.md").read_text(encoding="utf-8")
    ranged = [m["id"] for m in metas.values() if m.get("speech_years")]
    assert set(linked_ids(docs / "timeline" / "ranges" / "index.md")) == set(ranged)


def test_places_form_a_tree_province_city_county(archive):
    docs = archive["docs"]
    metas = fronts(archive)
    changle = [m["id"] for m in metas.values() if (m.get("place") or {}).get("county") == "昌乐县"]
    assert changle
    for folder in ("shandongsheng", "shandongsheng/weifangshi", "shandongsheng/weifangshi/changlexian"):
        assert set(changle) <= set(linked_ids(docs / "places" / folder / "index.md")), folder
    assert count_in_table(docs / "places" / "index.md", "山东省") == len(changle)
    assert count_in_table(docs / "places" / "shandongsheng" / "weifangshi" / "index.md", "昌乐县") == len(changle)
    crumbs = (docs / "places" / "shandongsheng" / "weifangshi" / "changlexian" / "index.md").read_text(encoding="utf-8")
    assert "[山东省](../../index.md)" in crumbs and "[按地点浏览](../../../index.md)" in crumbs


def test_browse_links_resolve_in_the_built_site(archive):
    site = archive["site"]
    for page in (site / "places" / "shandongsheng" / "weifangshi" / "changlexian" / "index.html",
                 site / "topics" / "tuopingongjian" / "index.html", site / "timeline" / "index.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        hrefs = [a["href"] for a in soup.select("article a[href]") if not a["href"].startswith(("#", "http"))]
        assert hrefs
        for href in hrefs:
            target = (page.parent / href.split("#")[0]).resolve()
            assert target.exists() or (target / "index.html").exists(), (page, href)


def test_every_link_of_every_browse_page_resolves(built):
    site = built["site"]
    folders = [*SECTIONS, "collections", "glossary", "people", "placenames"]
    pages = [page for folder in folders for page in sorted((site / folder).rglob("*.html"))]
    assert len(pages) > len(folders)
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        for a in soup.select("article a[href]"):
            href = a["href"].split("#")[0]
            if href and not href.startswith(("http", "mailto:")):
                target = (page.parent / href).resolve()
                assert target.is_file() or (target / "index.html").is_file(), (page, a["href"])


def test_navigation_has_the_browse_section_but_no_category_pages(archive):
    home = BeautifulSoup((archive["site"] / "index.html").read_text(encoding="utf-8"), "lxml")
    nav_links = [a["href"] for a in home.select("nav.md-nav--primary a[href]")]
    for section in SECTIONS:
        assert f"{section}/" in nav_links
    assert not [href for href in nav_links if any(href.startswith(f"{s}/") and href != f"{s}/" for s in SECTIONS)]


def _fake(n: int) -> dict:
    return {
        "id": f"{n:012x}",
        "title": f"讲话{n}",
        "speaker": {"office": "县委书记", "level": "县"},
        "place": {"province": "山东省", "city": "潍坊市", "county": "昌乐县"},
        "occasion": {"type": "推进会"},
        "speech_date": f"20{10 + n % 10}-0{1 + n % 9}-01",
        "topics": [{"name": "脱贫攻坚", "hits": 4, "terms": {}}],
        "completeness": "complete",
    }


def test_pages_stay_small_as_the_archive_grows():
    metas = [_fake(n) for n in range(2 * PAGE_SIZE + 30)]
    pages = browse_pages(metas)
    topic = [p for p in pages if p.startswith("topics/tuopingongjian/")]
    assert sorted(topic) == ["topics/tuopingongjian/index.md", "topics/tuopingongjian/page-2.md", "topics/tuopingongjian/page-3.md"]
    for text in pages.values():
        assert text.count("\n| ") <= PAGE_SIZE + 2 + 20
    rows = sum(len(re.findall(r"speeches/[0-9a-f]{12}\.md", pages[p])) for p in topic)
    assert rows == len(metas)


def test_names_come_from_categories_not_from_order():
    metas = [_fake(n) for n in range(30)]
    metas[3]["topics"] = [{"name": "基层党建", "hits": 4, "terms": {}}]
    first = set(browse_pages(metas))
    later = set(browse_pages(list(reversed(metas[:5])) + [_fake(99)]))
    assert "topics/jicengdangjian/index.md" in first & later
    assert "places/shandongsheng/weifangshi/changlexian/index.md" in first & later
    assert browse_pages(metas) == browse_pages(metas)


def test_pages_of_a_category_that_is_gone_are_removed(tmp_path):
    from build_scripts.speech import Speech
    from build_scripts.writer import write_archive

    def speech(n: int, topic: str) -> Speech:
        meta = {**_fake(n), "topics": [{"name": topic, "hits": 4, "terms": {}}], "source_file": f"{n}.txt"}
        return Speech(f"{n}.txt", b"x", text=f"{topic} 贫困户 讲话{n}", meta=meta)

    write_archive(tmp_path, [speech(1, "脱贫攻坚"), speech(2, "基层党建")], [])
    assert (tmp_path / "topics" / "jicengdangjian" / "index.md").is_file()
    write_archive(tmp_path, [speech(1, "脱贫攻坚")], [])
    assert not (tmp_path / "topics" / "jicengdangjian").exists()
    assert (tmp_path / "topics" / "tuopingongjian" / "index.md").is_file()
    assert (tmp_path / "speeches" / f"{1:012x}.txt").is_file() and not (tmp_path / "speeches" / f"{2:012x}.txt").exists()


def test_names_of_the_same_pinyin_get_their_own_folders_whatever_the_order():
    metas = [_fake(n) for n in range(4)]
    metas[0]["speaker"] = {"office": "县长", "level": "县"}
    metas[1]["speaker"] = {"office": "线长", "level": "县"}  # the same pinyin: xianzhang
    one = {p for p in browse_pages(metas) if p.startswith("speakers/xianji/xianzhang")}
    other = {p for p in browse_pages(list(reversed(metas))) if p.startswith("speakers/xianji/xianzhang")}
    assert one == other and len(one) == 2


def test_speech_pages_link_to_the_browse_pages_that_list_them(archive, offline_bundle):
    for speech_id, meta in fronts(archive).items():
        page = archive["site"] / "speeches" / speech_id / "index.html"
        links = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").select(".jh-browse a[href]")
        names = [a.get_text() for a in links]
        for topic in meta.get("topics", []):
            assert topic["name"] in names
        for a in links:
            target = (page.parent / a["href"] / "index.html").resolve()
            assert speech_id in target.read_text(encoding="utf-8"), (speech_id, a["href"])
        offline = offline_bundle / "speeches" / f"{speech_id}.html"
        for a in BeautifulSoup(offline.read_text(encoding="utf-8"), "lxml").select(".jh-browse a[href]"):
            assert a["href"].endswith(".html") and (offline.parent / a["href"]).is_file()
