"""Each seed's metadata as a careful reader finds it, the schema that enforces it, and the page that shows it."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from build_scripts.dating import timeline
from build_scripts.extract import date_label, occasion_types, sort_date
from build_scripts.pipeline import process
from build_scripts.render import FRONT_MATTER_FIELDS, render
from build_scripts.schema import FrontMatterError, SpeechMeta, json_schema, validate
from build_scripts.topics import TAXONOMY
from build_scripts.writer import write_archive

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="module")
def speeches():
    return {path.name[:3]: process(path.name, path.read_bytes()) for path in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(scope="module")
def meta(speeches):
    return lambda number: speeches[number].meta


def front_matter(markdown: str) -> dict:
    return yaml.safe_load(markdown.split("---\n")[1])


def names(entries: list[dict], key: str = "name") -> list[str]:
    return [entry[key] for entry in entries]


# --- seed 000: the 调度会 of an anonymised county of 吉安 -------------------------------------


def test_000_speaker_occasion_and_place(meta):
    m = meta("000")
    assert m["title"] == "县委书记脱贫攻坚调度会讲话"
    assert (m["speaker"]["office"], m["speaker"]["level"], m["speaker"]["name"]) == ("县委书记", "县", None)
    assert m["occasion"] == {"name": "脱贫攻坚调度会", "type": "调度会", "evidence": "标题"}
    place = m["place"]
    assert (place["province"], place["city"], place["county"]) == ("江西省", "吉安市", None)
    assert place["county_anonymised"] == "WWW县" and place["inferred"]
    assert any("峡江县" in e and "泰和县" in e for e in place["evidence"]), "the neighbouring counties compared"


def test_000_is_dated_2016_by_what_it_mentions(meta):
    m = meta("000")
    assert (m["speech_date"], m["date_inferred"], m["published"]) == ("2016", True, None)
    assert {e["matched"] for e in m["date_evidence"]} == {"两学一做", "六中全会"}


def test_000_people_places_topics_source(meta):
    m = meta("000")
    assert {"小林同志", "刘县长", "周泽民书记"} <= set(names(m["people"], "written"))
    assert next(p for p in m["people"] if p["written"] == "刘县长")["count"] >= 5
    assert {"峡江县", "泰和县", "遂川县", "吉安县", "井冈山市", "吉安市", "WWW县"} <= set(names(m["places"]))
    assert next(p for p in m["places"] if p["name"] == "井冈山市")["written"] == "井冈山"
    assert names(m["topics"])[0] == "脱贫攻坚", "the topic the title names comes first"
    assert {"作风建设与问责", "农村人居环境", "招商引资"} <= set(names(m["topics"]))
    problems = next(t for t in m["topics"] if t["name"] == "作风建设与问责")["terms"]
    assert problems["问责"] >= 10
    assert m["keywords"][:5] == ["脱贫", "攻坚", "县委书记", "讲话", "调度会"] == m["source_keywords"]
    assert len(m["keywords"]) > 5, "jieba's TF-IDF adds the speech's own"
    assert m["source_note"] == "网络整理" and m["source_site"] is None
    assert m["completeness"] != "truncated"


# --- seed 001: the 脱贫质量“回头看” speech, dated, paywalled and cut short -----------------------


def test_001_stated_date_wins_and_published_is_kept_apart(meta):
    m = meta("001")
    assert (m["speech_date"], m["date_inferred"], m["published"]) == ("2020-05-07", False, "2020-12-07")
    assert m["subtitle"] == "扛责冲锋 发起总攻 坚决夺取脱贫攻坚战的全面胜利"
    assert m["occasion"]["name"] == "县脱贫质量“回头看”工作推进会" and m["occasion"]["type"] == "推进会"


def test_001_truncation_figures_of_the_site(meta):
    m = meta("001")
    assert (m["completeness"], m["truncated"]) == ("truncated", True)
    assert (m["chars_shown"], m["chars_total"], m["chars_omitted"]) == (2639, 7516, 940)
    assert "全文7516字中的2639字" in m["completeness_note"] and "约940字被省略" in m["completeness_note"]
    assert (m["source_site"], m["source_url"], m["source_category"]) == (
        "新文秘网",
        "http://www.jey722.cn",
        "党委/党务讲话/质检",
    )


def test_001_place_is_empty_with_its_reason(meta):
    place = meta("001")["place"]
    assert place["province"] is None and place["county"] is None and not place["inferred"]
    assert "被隐去" in place["reason"]
    assert names(meta("001")["topics"]) == ["脱贫攻坚", "疫情防控"]


# --- seed 002: a 市委组织部 speech to 第一书记 and 驻村工作队 -----------------------------------


def test_002_speaker_inferred_from_what_the_speech_is_about(meta):
    speaker = meta("002")["speaker"]
    assert (speaker["office"], speaker["level"], speaker["inferred"]) == ("市委组织部部长", "市", True)
    assert any("组织部门作为党委的重要职能部门" in e for e in speaker["evidence"])


def test_002_dated_by_the_politburo_meeting_it_calls_this_year(meta):
    m = meta("002")
    assert (m["speech_date"], m["date_inferred"], m["published"]) == ("2017", True, "2018-11-06")
    meeting = next(e for e in m["date_evidence"] if e["years"] == "2017")
    assert "中央政治局会议" in meeting["matched"] and meeting["quote"].startswith("今年3月31日")


def test_002_truncation_people_and_anonymised_places(meta):
    m = meta("002")
    assert (m["chars_shown"], m["chars_total"], m["chars_omitted"]) == (2034, 4027, 724)
    assert m["source_url"] == "http://m.120pk.cn"
    people = {p["written"]: p for p in m["people"]}
    assert people["晓斌同志"]["name"] == "晓斌"
    assert people["省委组织部常务副部长徐南凯同志"]["title"] == "省委组织部常务副部长"
    assert any(p.get("anonymised") for p in m["people"])
    assert m["place"]["province"] is None and "*****县" in m["place"]["reason"]
    assert names(m["topics"])[0] == "驻村帮扶"
    assert {"市委组织部", "省委组织部", "市扶贫办"} <= set(names(m["organisations"]))


# --- seed 003: the flattened PDF of a 淘文阁 document --------------------------------------------


def test_003_only_a_range_of_years_is_known(meta):
    m = meta("003")
    assert m["speech_date"] is None and m["date_inferred"]
    assert m["speech_years"] == {"from": 2018, "to": 2020}
    assert "2018—2020" in m["date_note"]
    assert {"涉黑涉恶", "监委", "全面小康社会建设"} <= {e["matched"] for e in m["date_evidence"]}


def test_003_source_document_and_its_truncation(meta):
    m = meta("003")
    assert (m["source_site"], m["original_file"], m["page_count"]) == (
        "淘文阁",
        "县委书记在全县月度工作推进会上的讲话.docx",
        15,
    )
    assert (m["completeness"], m["chars_total"]) == ("truncated", None)
    assert "句子中间中断" in m["completeness_note"]
    assert m["occasion"] == {"name": "全县月度工作推进会", "type": "推进会", "evidence": "标题", "scope": "县"}
    assert m["place"]["county_anonymised"] == "XX县" and m["place"]["province"] is None
    assert names(m["topics"])[0] == "基层党建"


# --- seed 004: the 包村 speech of 昌乐, spoken in 2008, published in 2022 ---------------------------


def test_004_spoken_in_2008_not_filed_under_2022(meta):
    m = meta("004")
    assert (m["speech_date"], m["date_inferred"], m["published"]) == ("2008", True, "2022-07-14")
    assert {"十七大", "奥运会", "四川特大地震", "改革开放三十周年"} <= {e["matched"] for e in m["date_evidence"]}
    assert sort_date(m) == "2008" and date_label(m) == "2008（推断）"


def test_004_place_is_changle(meta):
    m = meta("004")
    place = m["place"]
    assert (place["province"], place["city"], place["county"], place["adcode"]) == (
        "山东省",
        "潍坊市",
        "昌乐县",
        "370725",
    )
    assert place["inferred"] and any("昌乐60万人口" in e for e in place["evidence"])
    kinds = {p["name"]: p["kind"] for p in m["places"]}
    assert kinds == {
        "营丘镇": "town",
        "河头村": "village",
        "昌乐县": "county",
        "寒亭区": "county",
        "四川省": "province",
    }


def test_004_speaker_occasion_people(meta):
    m = meta("004")
    assert (m["speaker"]["office"], m["speaker"]["level"], m["speaker"]["inferred"]) == ("县主要领导", "县", True)
    assert any("王备书记、建华部长" in e for e in m["speaker"]["evidence"])
    assert m["occasion"]["name"] == "机关干部包村工作调度会议" and m["occasion"]["type"] == "调度会"
    assert set(names(m["people"], "written")) == {"王备书记", "建华部长", "市委书记张新起"}
    assert names(m["topics"])[0] == "驻村帮扶" and m["topics"][0]["terms"]["包村"] > 40
    assert {"县检察院", "县委组织部"} <= set(names(m["organisations"]))


# --- the schema -------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["000", "001", "002", "003", "004"])
def test_every_seed_page_follows_the_schema(speeches, number):
    page = front_matter(render(speeches[number]))
    assert validate(page, f"speeches/{page['id']}.md").id == page["id"]


def test_every_front_matter_field_is_in_the_schema():
    assert set(FRONT_MATTER_FIELDS) <= set(SpeechMeta.model_json_schema(by_alias=True)["properties"])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda m: m["speaker"].update(level="州"), "speaker.level"),
        (lambda m: m.update(published="2022/07/14"), "published"),
        (lambda m: m.pop("completeness"), "completeness"),
        (lambda m: m["topics"][0].update(name="航天"), "topics.0.name"),
        (lambda m: m.update(speech_years={"from": 2007, "to": 2009}), "speech_years"),
        (lambda m: m.update(mood="严肃"), "mood"),
    ],
)
def test_malformed_front_matter_is_refused_naming_file_and_field(speeches, change, field):
    page = front_matter(render(speeches["004"]))
    change(page)
    with pytest.raises(FrontMatterError, match=rf"^speeches/{page['id']}\.md: malformed front matter: field `{field}`"):
        validate(page, f"speeches/{page['id']}.md")


def test_data_files_give_a_source_for_every_entry():
    assert all(event.source and event.why for event in timeline())
    assert all(entry["source"] and entry["terms"] for entry in yaml.safe_load(TAXONOMY.read_text(encoding="utf-8")))


def test_the_vocabularies_are_documented():
    page = (ROOT / "docs" / "metadata.md").read_text(encoding="utf-8")
    for entry in yaml.safe_load(TAXONOMY.read_text(encoding="utf-8")):
        assert entry["name"] in page
    for _, kind in occasion_types():
        assert kind in page
    for field in (
        "title",
        "speaker",
        "place",
        "speech_date",
        "published",
        "occasion",
        "topics",
        "keywords",
        "people",
        "places",
        "organisations",
        "completeness",
        "source_site",
        "outline",
    ):
        assert f"`{field}`" in page


def test_extraction_is_deterministic(speeches):
    again = process(SEEDS.glob("004_*.txt").__next__().name, next(SEEDS.glob("004_*.txt")).read_bytes())
    assert render(again) == render(speeches["004"])


# --- the site ---------------------------------------------------------------------------------


def _mkdocs(docs: Path, site: Path) -> None:
    """Build the project's site from `docs`, offline: pages as files (speeches/<id>.html)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    settings = {"JIANGHUA_OFFLINE": "true", "JIANGHUA_SEEDS": str(SEEDS)}
    before = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    try:
        build(load_config(str(ROOT / "mkdocs.yml"), docs_dir=str(docs), site_dir=str(site)))
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="module")
def site(speeches, tmp_path_factory):
    base = tmp_path_factory.mktemp("metadata-site")
    shutil.copytree(ROOT / "docs", base / "docs", ignore=shutil.ignore_patterns("speeches"))
    write_archive(base / "docs", list(speeches.values()), [])
    _mkdocs(base / "docs", base / "site")
    return base


def card(site: Path, speech_id: str) -> dict[str, str]:
    soup = BeautifulSoup((site / "site" / "speeches" / f"{speech_id}.html").read_text(encoding="utf-8"), "lxml")
    section = soup.select_one("section.jh-card")
    return {
        dt.get_text(strip=True): dd.get_text("", strip=True)
        for dt, dd in zip(section.select("dt"), section.select("dd"))
    }


def test_card_shows_inferred_values_as_inferred(site, meta):
    shown = card(site, meta("004")["id"])
    assert shown["讲话日期"].startswith("2008年（推断）")
    assert shown["发布日期"] == "2022-07-14"
    assert shown["地点"].startswith("山东省潍坊市昌乐县（推断）")
    assert shown["讲话人"].startswith("县主要领导（县级）（推断）")
    assert shown["场合"] == "机关干部包村工作调度会议（调度会）"
    assert shown["议题"].startswith("驻村帮扶")
    assert {"完整性", "来源", "关键词"} <= set(shown)


def test_card_shows_truncation_and_the_outline_the_source_left_out(site, meta):
    shown = card(site, meta("001")["id"])
    assert shown["讲话日期"] == "2020-05-07"
    assert shown["完整性"].startswith("节选：来源网站只显示了全文7516字中的2639字")
    assert "原网页目录中另有 8 个小标题正文未收录" in shown["完整性"]
    assert "三、集中火力、猛烈进攻，形成脱贫攻坚总攻的合围之势（正文缺）" in shown["提纲"]
    assert shown["来源"].startswith("新文秘网")
    assert card(site, meta("003")["id"])["讲话日期"].startswith("2018—2020年间（推断）")


def test_page_toc_is_the_outline(site, meta):
    html = (site / "site" / "speeches" / f"{meta('004')['id']}.html").read_text(encoding="utf-8")
    toc = BeautifulSoup(html, "lxml").select(".md-sidebar--secondary a.md-nav__link")
    assert [a["href"] for a in toc][:3] == ["#s1", "#s1-1", "#s1-2"]
    assert len(toc) == 12


def test_the_list_of_all_speeches_is_by_speaking_date(site, meta):
    listed = (site / "docs" / "speeches" / "index.md").read_text(encoding="utf-8")
    rows = [line for line in listed.splitlines() if line.startswith("| ") and ".md) |" in line]
    assert [row.split(" | ")[0].lstrip("| ") for row in rows] == [
        "2008（推断）",
        "2016（推断）",
        "2017（推断）",
        "2018—2020（推断）",
        "2020-05-07",
    ]


def test_schema_is_published_with_the_site(site):
    published = (site / "site" / "schema" / "speech.schema.json").read_text(encoding="utf-8")
    assert published == json_schema()
    assert json.loads(published)["properties"]["speaker"]["$ref"] == "#/$defs/Speaker"
    page = (site / "site" / "metadata.html").read_text(encoding="utf-8")
    assert 'href="schema/speech.schema.json"' in page


def test_build_with_malformed_front_matter_fails_naming_file_and_field(site, meta, tmp_path, caplog):
    docs = tmp_path / "docs"
    shutil.copytree(site / "docs", docs)
    page = docs / "speeches" / f"{meta('004')['id']}.md"
    page.write_text(page.read_text(encoding="utf-8").replace("  level: 县\n", "  level: 州\n", 1), encoding="utf-8")
    with pytest.raises(Exception) as failure:
        _mkdocs(docs, tmp_path / "site")
    message = str(failure.value) + caplog.text
    assert f"speeches/{meta('004')['id']}.md" in message and "`speaker.level`" in message
