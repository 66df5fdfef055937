"""Related speeches (TF-IDF over jieba's words) and the downloads: per speech, the corpus, the Atom feed."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
import yaml
from bs4 import BeautifulSoup

from build_scripts import link

ATOM = "{http://www.w3.org/2005/Atom}"


def fronts(archive) -> dict[str, tuple[dict, str]]:
    pages = {}
    for md in sorted((archive["docs"] / "speeches").glob("*.md")):
        text = md.read_text(encoding="utf-8")
        if text.startswith("---\nid:"):
            meta = yaml.safe_load(text.split("\n---\n", 1)[0][4:])
            pages[meta["id"]] = (meta, text)
    return pages


TEXTS = {
    "a": "脱贫攻坚 精准扶贫 贫困户 易地搬迁 产业扶贫 贫困户 脱贫攻坚",
    "b": "脱贫攻坚 贫困户 易地搬迁 危旧房 改造 贫困户",
    "c": "招商引资 项目建设 开发区 园区 招商引资 营商环境",
    "d": "招商引资 园区 营商环境 企业 项目建设",
    "e": "基层党建 党支部 软弱涣散 党员 发展党员 党支部",
    "f": "软弱涣散 党支部 党员 基层党建 村干部",
    "g": "疫情防控 核酸 隔离 疫情防控 防控",
}


def _items():
    return [({"id": f"{ord(k):012x}", "title": f"讲话{k}"}, text) for k, text in TEXTS.items()]


def test_related_finds_the_speeches_about_the_same_thing():
    result = link.related(_items())
    ids = {f"{ord(k):012x}": k for k in TEXTS}
    assert [ids[r["id"]] for r in result[f"{ord('a'):012x}"]][:1] == ["b"]
    assert [ids[r["id"]] for r in result[f"{ord('c'):012x}"]][:1] == ["d"]
    assert "贫困户" in result[f"{ord('a'):012x}"][0]["terms"]
    for speech_id, items in result.items():
        assert len(items) <= link.TOP
        assert speech_id not in [r["id"] for r in items]
        assert [r["score"] for r in items] == sorted((r["score"] for r in items), reverse=True)


def test_related_is_the_same_computed_in_small_blocks(monkeypatch):
    whole = link.related(_items())
    monkeypatch.setattr(link, "CELLS", 3)
    assert link.related(_items()) == whole


def test_related_of_one_speech_or_none():
    assert link.related([]) == {}
    assert link.related(_items()[:1]) == {f"{ord('a'):012x}": []}


def test_every_speech_has_sorted_related_speeches_that_exist(built):
    pages = fronts(built)
    assert any(meta.get("related") for meta, _ in pages.values())
    for speech_id, (meta, _) in pages.items():
        related = meta.get("related", [])
        assert len(related) <= 5
        ids = [r["id"] for r in related]
        assert speech_id not in ids and len(set(ids)) == len(ids)
        assert set(ids) <= set(pages)
        assert [r["score"] for r in related] == sorted((r["score"] for r in related), reverse=True)
        for r in related:
            assert r["title"] == pages[r["id"]][0]["title"]
            assert 0 < r["score"] <= 1 and r["terms"]
            # Similarity is symmetric: the same score seen from the other side, when it is listed there.
            back = {x["id"]: x["score"] for x in pages[r["id"]][0].get("related", [])}
            if speech_id in back:
                assert back[speech_id] == r["score"]


def _related_links(page):
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    return soup.select(".jh-related li a[href]"), soup


def test_related_links_work_on_the_site_and_in_the_offline_bundle(archive, offline_bundle):
    pages = fronts(archive)
    for speech_id, (meta, _) in pages.items():
        expected = [r["id"] for r in meta.get("related", [])]
        served = archive["site"] / "speeches" / speech_id / "index.html"
        links, soup = _related_links(served)
        assert soup.select_one(".jh-related h2").get_text() == "相关讲话" or not expected
        assert [a["href"] for a in links] == [f"../{i}/" for i in expected]
        for a in links:
            assert (served.parent / a["href"] / "index.html").resolve().is_file()
        offline = offline_bundle / "speeches" / f"{speech_id}.html"
        links, _ = _related_links(offline)
        assert [a["href"] for a in links] == [f"{i}.html" for i in expected]
        for a in links:
            assert (offline.parent / a["href"]).is_file()


def test_each_speech_can_be_downloaded_as_markdown_text_and_json(archive, offline_bundle):
    for speech_id, (meta, source) in fronts(archive).items():
        page = archive["site"] / "speeches" / speech_id / "index.html"
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        hrefs = {a.get_text(): a["href"] for a in soup.select(".jh-downloads a[href]")}
        assert set(hrefs) == {"Markdown", "纯文本", "JSON"}
        assert (page.parent / hrefs["Markdown"]).resolve().read_text(encoding="utf-8") == source
        text = (page.parent / hrefs["纯文本"]).resolve().read_text(encoding="utf-8")
        assert text.strip() and "\n---\n" not in text and "id: " not in text and not text.startswith("---")
        data = json.loads((page.parent / hrefs["JSON"]).resolve().read_text(encoding="utf-8"))
        assert data["id"] == speech_id and data["text"] == text and data["title"] == meta["title"]
        offline = offline_bundle / "speeches" / f"{speech_id}.html"
        hrefs = {a.get_text(): a["href"] for a in BeautifulSoup(offline.read_text(encoding="utf-8"), "lxml").select(".jh-downloads a[href]")}
        for href in hrefs.values():
            assert (offline.parent / href).is_file()


def test_the_corpus_downloads(archive):
    pages = fronts(archive)
    data = archive["site"] / "data"
    lines = (data / "speeches.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert {r["id"] for r in rows} == set(pages)
    assert all(r["text"] and r["title"] for r in rows)
    table = list(csv.DictReader(io.StringIO((data / "speeches.csv").read_text(encoding="utf-8"))))
    assert {r["id"] for r in table} == set(pages)
    for row in table:
        meta = pages[row["id"]][0]
        assert row["title"] == meta["title"]
        assert row["speaker_office"] == (meta["speaker"].get("office") or "")
        assert row["topics"] == "；".join(t["name"] for t in meta.get("topics", []))
        assert row["date_inferred"] in ("true", "false")
    assert (archive["site"] / "data" / "index.html").is_file()


def test_the_atom_feed(archive):
    pages = fronts(archive)
    root = ET.fromstring((archive["site"] / "feed.xml").read_bytes())
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert 0 < len(entries) <= 50 and len(entries) == min(50, len(pages))
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert root.findtext(f"{ATOM}updated") == updated[0]
    for entry in entries:
        speech_id = entry.findtext(f"{ATOM}id").rsplit(":", 1)[1]
        assert entry.findtext(f"{ATOM}title") == pages[speech_id][0]["title"]
        href = entry.find(f"{ATOM}link").get("href")
        assert (archive["site"] / href / "index.html").is_file()
    published = {m["id"]: m["published"] for m, _ in pages.values() if m.get("published")}
    for entry in entries:
        speech_id = entry.findtext(f"{ATOM}id").rsplit(":", 1)[1]
        if speech_id in published:
            assert entry.findtext(f"{ATOM}updated") == f"{published[speech_id]}T00:00:00Z"


@pytest.mark.parametrize("name", ["speeches.jsonl", "speeches.csv"])
def test_downloads_are_written_by_the_build(archive, name):
    assert (archive["docs"] / "data" / name).read_bytes() == (archive["site"] / "data" / name).read_bytes()


def test_top_keeps_the_best_and_breaks_ties_by_id():
    import numpy as np

    ids = [f"{n:012x}" for n in range(8)]
    columns = np.array([7, 3, 5, 1, 6, 2])
    scores = np.array([0.5, 0.9, 0.5, 0.1, 0.5, 0.7])
    assert link._top(columns, scores, ids, 3) == [3, 2, 5]
    assert link._top(columns, scores, ids, 10) == [3, 2, 5, 6, 7, 1]
    assert link._top(columns[:0], scores[:0], ids, 5) == []
