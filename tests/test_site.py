"""The built site, read as HTML: every speech page has its title, metadata card, cleaned text and raw file."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import SEEDS, SHARED

# Sentences a careful reader finds in each seed, in the archive's Simplified script.
SENTENCES = {
    "000_8cac2d0020c7aa48.txt": [
        "第一要保持清醒的头脑，既要看到成绩，更要看到差距，要认识到形势不容乐观。",
        "拜托大家把脱贫攻坚和这些工作结合起来，各个乡镇也应制定一些考核办法，进行奖惩。",
    ],
    "001_5c46decb6585df26.txt": [
        "今年，是脱贫攻坚决战决胜之年。",
        "下面，我就打好脱贫攻坚总攻战再讲三点意见。",
    ],
    "002_7b7c71f2c8cca3fb.txt": [
        "组织部门作为党委的重要职能部门，必须履行好市委赋予的脱贫攻坚的责任，为全市脱贫攻坚大局服务。",
        "一要严纪律。要坚决落实吃住在村、工作在村的纪律要求",
    ],
    "003_e531f2b4088e2e1d.txt": [
        "今天，我们利用晚上时间，在这里召开8月份月度工作推进会",
        "软弱涣散基层党组织是动态的，需要持续整顿，反复用功。",
    ],
    "004_6caaa7418dfaaf5a.txt": [
        "这次会议，主要是调度、交流前段机关干部包村工作情况，总结经验，查找不足",
        "全县广大党员干部群众都要尽心尽力、尽职尽责，发扬“5+2”、“白加黑”精神",
    ],
}


def speech_pages(archive) -> dict[str, tuple[dict, BeautifulSoup]]:
    """Each seed's front matter and built HTML page, keyed by the seed's file name."""
    pages = {}
    for md in sorted((archive["docs"] / "speeches").glob("*.md")):
        text = md.read_text(encoding="utf-8")
        if not text.startswith("---\nid:"):
            continue
        meta = yaml.safe_load(text.split("\n---\n", 1)[0][4:])
        html = archive["site"] / "speeches" / meta["id"] / "index.html"
        pages[meta["source_file"]] = (meta, BeautifulSoup(html.read_text(encoding="utf-8"), "lxml"))
    return pages


def test_every_seed_has_a_page(archive):
    assert set(speech_pages(archive)) == {p.name for p in SEEDS.glob("*.txt")}


@pytest.mark.parametrize("seed", sorted(SENTENCES))
def test_speech_page_shows_title_card_and_cleaned_text(archive, seed):
    meta, soup = speech_pages(archive)[seed]
    article = soup.select_one("article")
    assert article.select_one("h1").get_text(strip=True) == meta["title"]
    assert soup.select_one("title").get_text().startswith(meta["title"])
    card = article.select_one(".jh-card").get_text(" ", strip=True)
    for label in ("讲话人", "讲话日期", "完整性", "来源"):
        assert label in card
    text = article.get_text("", strip=False)
    for sentence in SENTENCES[seed]:
        assert sentence in text, sentence


@pytest.mark.parametrize(
    ("seed", "shown", "total"),
    [("001_5c46decb6585df26.txt", 2639, 7516), ("002_7b7c71f2c8cca3fb.txt", 2034, 4027)],
)
def test_truncated_speeches_say_so(archive, seed, shown, total):
    meta, soup = speech_pages(archive)[seed]
    assert (meta["truncated"], meta["chars_shown"], meta["chars_total"]) == (True, shown, total)
    assert meta["completeness"] == "truncated"
    assert "节选" in soup.select_one(".jh-completeness").get_text()
    notices = soup.select("article .admonition.warning")
    assert len(notices) == 2, "one gap where the paywall cut text out, one at the end"
    assert f"{total - shown}" in notices[-1].get_text()


def test_published_and_speech_dates_are_kept_apart(archive):
    meta, soup = speech_pages(archive)["001_5c46decb6585df26.txt"]
    assert meta["speech_date"] == "2020-05-07"
    assert meta["published"] == "2020-12-07"
    assert soup.select_one(".jh-speech-date").get_text(strip=True).startswith("2020-05-07")


def test_anonymisation_marks_and_numbers_survive_as_text(archive):
    _, soup = speech_pages(archive)["002_7b7c71f2c8cca3fb.txt"]
    text = soup.select_one("article").get_text()
    assert "打造脱贫攻坚“*****样板”" in text
    assert "按照《*****》和《*****》要求" in text
    body = soup.select_one("[data-pagefind-body]")
    body.select_one(".jh-card").decompose()  # the metadata, whose outline is a list of its own
    assert not body.select("em, strong, ol, ul, script, b")


@pytest.mark.parametrize("seed", sorted(SENTENCES))
def test_raw_file_and_cleaning_record_are_published(archive, seed):
    meta, soup = speech_pages(archive)[seed]
    record_link = soup.select_one(".jh-record a.jh-raw")
    page_dir = archive["site"] / "speeches" / meta["id"]
    raw = (page_dir / record_link["href"]).resolve()
    assert raw.read_bytes() == (SEEDS / seed).read_bytes()
    record = json.loads((archive["site"] / "speeches" / f"{meta['id']}.record.json").read_text(encoding="utf-8"))
    assert record["source_file"] == seed
    assert record["changes"], "cleaning recorded what it changed"


def test_navigation_does_not_list_every_speech(archive):
    home = BeautifulSoup((archive["site"] / "index.html").read_text(encoding="utf-8"), "lxml")
    nav_links = [a["href"] for a in home.select("nav.md-nav--primary a[href]")]
    assert not [href for href in nav_links if "speeches/" in href and "index" not in href and href.count("/") > 1]
    rows = home.select("article table tbody tr")
    assert len(rows) == 5
    assert all(row.select_one("a[href*='speeches/']") for row in rows)


def test_nothing_is_loaded_from_third_party_hosts(archive):
    for page in archive["site"].rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        for tag in soup.select("script[src], link[href][rel~=stylesheet], img[src]"):
            url = tag.get("src") or tag.get("href")
            assert not url.startswith(("http:", "https:", "//")), (page, url)


def test_no_leftover_damage_but_the_listed_mojibake(archive):
    scanner = SHARED / "tools" / "scan_artifacts.py"
    result = subprocess.run([sys.executable, str(scanner), str(archive["docs"])], capture_output=True, text=True)
    findings = [line for line in result.stdout.splitlines() if line.startswith(str(archive["docs"]))]
    listed = {
        span["text"]
        for meta, _ in speech_pages(archive).values()
        for span in meta.get("damaged_spans", [])
    }
    unexplained = [
        line
        for line in findings
        if "speeches/" not in line
        or not any(fragment in line.split(": ", 2)[2] for span in listed for fragment in _pieces(span))
    ]
    assert unexplained == [], "\n".join(unexplained)


def _pieces(span: str) -> list[str]:
    """Short pieces of a damaged span, to match the scanner's excerpts around it."""
    return [span[i : i + 2] for i in range(0, max(1, len(span) - 1))]


def _contents(folder) -> dict[str, bytes]:
    """Every file's bytes in a folder, by its path in it."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _site(archive, target, **env) -> dict[str, bytes]:
    """The archive's site built into `target` with the given environment; its files (see `_contents`)."""
    subprocess.run(
        [sys.executable, "-c", "import sys; from pathlib import Path; from build_scripts.cli import mkdocs_build; "
         "mkdocs_build(*map(Path, sys.argv[1:]), hant=True)", str(archive["docs"]), str(SEEDS), str(target)],
        check=True, capture_output=True, env={**os.environ, **env},
    )
    return _contents(target)


def test_the_site_does_not_depend_on_how_many_processes_build_it(archive, tmp_path):
    one = _site(archive, tmp_path / "one", JIANGHUA_RENDER_JOBS="1")
    assert one == _contents(archive["site"]), "the site rendered by one process and by one per core"
    # Three rendering processes and two Pagefind runs at once, over an index in three shards.
    shards = {"JIANGHUA_SHARD_SIZE": "2"}
    sequential = _site(archive, tmp_path / "sequential", JIANGHUA_RENDER_JOBS="1", **shards)
    parallel = _site(archive, tmp_path / "parallel", JIANGHUA_RENDER_JOBS="3", JIANGHUA_INDEX_AT_ONCE="2", **shards)
    assert {path.split("/")[0] for path in parallel if path.startswith("pagefind")} == {"pagefind", "pagefind-2", "pagefind-3"}
    assert sequential == parallel
