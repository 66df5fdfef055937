"""Shared passages and editions: found in constructed texts; in the two-collection archive every shared-passage link lands on a paragraph holding the same text and has its way back; an edition of a seed becomes one speech."""

from __future__ import annotations

import json
import re
import shutil
from functools import cache
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

from build_scripts.editions import merge_editions, ranked
from build_scripts.passages import (
    LONG, PASSAGE_LINKS, SIMILAR, jaccard, normalized, passages, shared_passages, shingles,
)
from build_scripts.pipeline import process
from build_scripts.speech import Block, Speech, undo_all

from conftest import REPORTS_COLLECTION, ROOT, SEEDS, jianghua

FORMULA = "过去一年取得的成绩，是全县各级各部门和广大干部群众团结奋斗、真抓实干的结果，我代表县委、县政府表示衷心感谢！"
NEAR = "我们要把巩固拓展脱贫攻坚成果同乡村振兴有效衔接起来，坚决守住不发生规模性返贫的底线。"
NEAR_EDITED = "我们要把巩固拓展脱贫攻坚成果同乡村振兴有效衔接起来，牢牢守住不发生规模性返贫的底线。"
OTHER = (
    "今年全市粮食总产量再创新高，农民人均可支配收入增长百分之八，城乡居民生活水平明显提高。",
    "下一步，各乡镇要把人居环境整治作为重点，集中力量清理村庄垃圾，拆除危旧房屋，硬化通户道路。",
    "组织部门要加强对驻村第一书记的日常管理，建立考勤、请销假和工作纪实制度，做到人在心在。",
)


def speech(number: int, *paragraphs: str) -> Speech:
    blocks = tuple(Block("paragraph", text, 0, f"p{n}") for n, text in enumerate(paragraphs, start=1))
    return Speech(f"{number}.txt", b"", meta={"id": f"{number:012x}", "title": f"讲话{number}"}, blocks=blocks)


def places(found: dict, number: int) -> dict[str, list[tuple[str, str]]]:
    return {p["anchor"]: [(a["id"], a["anchor"]) for a in p["also"]] for p in found[f"{number:012x}"]}


# --------------------------------------------------------------------------- the finder


def test_an_exact_and_a_near_repeat_are_found_and_unrelated_text_is_not():
    assert SIMILAR <= jaccard(shingles(normalized(NEAR)), shingles(normalized(NEAR_EDITED))) < 1
    a = speech(1, "同志们：", FORMULA, NEAR, OTHER[0])
    b = speech(2, OTHER[1], "同志们！" + FORMULA, NEAR_EDITED)
    c = speech(3, OTHER[2], "好。")
    found = shared_passages([a, b, c])
    assert places(found, 1) == {"p2": [(f"{2:012x}", "p2")], "p3": [(f"{2:012x}", "p3")]}
    assert places(found, 2) == {"p2": [(f"{1:012x}", "p2")], "p3": [(f"{1:012x}", "p3")]}
    assert found[f"{3:012x}"] == []
    assert found[f"{1:012x}"][0]["also"][0] == {"id": f"{2:012x}", "title": "讲话2", "anchor": "p2", "paragraph": 2}


def test_short_set_phrases_are_not_passages():
    phrase = "下面，我讲三点意见。"
    assert len(normalized(phrase)) < LONG
    found = shared_passages([speech(1, phrase, OTHER[0]), speech(2, phrase, OTHER[1])])
    assert found == {f"{1:012x}": [], f"{2:012x}": []}


def test_a_formula_in_many_speeches_links_to_the_nearest_few_and_back():
    speeches = [speech(n, OTHER[n % 3][:20] + str(n) * 3, FORMULA) for n in range(1, 10)]
    found = shared_passages(speeches)
    links = {n: places(found, n).get("p2", []) for n in range(1, 10)}
    assert all(0 < len(targets) <= PASSAGE_LINKS for targets in links.values())
    assert links[1] == [(f"{2:012x}", "p2"), (f"{3:012x}", "p2")]
    for n, targets in links.items():
        for target, anchor in targets:
            assert (f"{n:012x}", "p2") in links[int(target, 16)], (n, target)
    assert {p["count"] for s in found.values() for p in s} == {8}


# --------------------------------------------------------------------------- editions

PARAGRAPHS = [
    "今年以来，全县上下认真贯彻落实市委、市政府的决策部署，扎实推进脱贫攻坚各项工作，取得了阶段性成效。",
    "一是产业扶贫有了新进展。全县新建扶贫车间十二个，带动贫困群众就近就业八百余人，户均增收四千多元。",
    "二是基础设施有了新改善。新修通村通组道路一百二十公里，解决了三万多名群众的安全饮水问题。",
    "三是驻村帮扶有了新成效。各驻村工作队吃住在村，帮助群众解决实际困难二百多件，群众满意度明显提高。",
    "但是也要清醒地看到，我们的工作还存在不少问题，有的乡镇思想上有松劲情绪，有的帮扶干部工作不扎实。",
    "下一步，要重点抓好以下几项工作。首先要抓好问题整改，对排查出来的问题逐条建立台账，限期整改到位。",
    "其次要抓好产业发展，每个贫困村都要有一个以上的主导产业，每个贫困户都要有稳定的增收门路。",
    "再次要抓好作风建设，严肃查处扶贫领域的形式主义、官僚主义问题，让群众真正感受到脱贫攻坚的成效。",
    "最后要压实各级责任，县级领导要带头包乡包村，乡镇党委书记要当好一线总指挥，村支书要当好施工队长。",
    "还要抓好兜底保障，对没有劳动能力的贫困人口，要全部纳入低保、特困供养范围，做到应保尽保。",
    "还要抓好宣传引导，充分利用广播、标语、宣讲等形式，把党的扶贫政策讲清楚，把群众的内生动力激发出来。",
    "同志们，脱贫攻坚已经到了最后冲刺的关键时刻，大家一定要咬紧牙关、一鼓作气，坚决打赢这场硬仗。",
]
TITLE = "县委书记在全县脱贫攻坚推进会上的讲话\n"
PAYWALL = "……(新文秘网http://www.example.cn省略60字,正式会员可完整阅读)……"


def _editions() -> tuple[bytes, bytes]:
    """A full text with a paywall where paragraph 5 was, and an excerpt that has paragraph 5 and words paragraph 2 differently."""
    full = TITLE + "\n".join([*PARAGRAPHS[:4], PAYWALL, *PARAGRAPHS[5:]]) + "\n"
    excerpt = [*PARAGRAPHS[:9]]
    excerpt[1] = excerpt[1].replace("就近就业", "在家门口就近就业")
    return full.encode("utf-8"), (TITLE + "\n".join(excerpt) + "\n").encode("utf-8")


def test_the_most_complete_edition_is_the_text_and_its_gap_is_filled_with_a_record():
    full_raw, excerpt_raw = _editions()
    full, excerpt = process("a.txt", full_raw), process("b.txt", excerpt_raw)
    assert full.meta["truncated"] and ranked([excerpt, full])[0] is full
    merged = merge_editions([excerpt, full])
    assert len(merged) == 1
    speech = merged[0]
    assert speech.meta["id"] == full.meta["id"] and speech.source_file == "a.txt"
    fills = [c for c in speech.changes if c.stage == "editions"]
    assert len(fills) == 1 and fills[0].kind == "edition-fill" and "b.txt" in fills[0].note
    assert PARAGRAPHS[4] in fills[0].replacement
    assert undo_all(speech.text, speech.changes) == full_raw.decode("utf-8")
    assert "".join(b.text for b in speech.blocks) == "".join(PARAGRAPHS)  # no gap block left
    assert speech.meta["completeness"] == "complete" and not speech.meta["truncated"]
    assert "补足" in speech.meta["completeness_note"]
    (edition,) = speech.meta["editions"]
    assert edition["source_file"] == "b.txt" and edition["completeness"] == "truncated"  # an excerpt
    assert any("在家门口" in d["edition"] and "在家门口" not in d["text"] for d in edition["differences"])
    assert edition["differences_total"] == len(edition["differences"]) == 2  # the wording, and the end the excerpt lacks


# --------------------------------------------------------------------------- the two-collection archive


@cache
def _page(site: Path, speech_id: str) -> BeautifulSoup:
    return BeautifulSoup((site / "speeches" / speech_id / "index.html").read_text(encoding="utf-8"), "lxml")


def _holds_the_same_text(paragraph: str, other: str) -> bool:
    """Whether two paragraphs share a passage: a long sentence, or the whole paragraph, nearly the same."""
    def pieces(text: str) -> list[frozenset]:
        parts = [normalized(s) for s in re.split("[。！？；]", text)]
        return [shingles(p) for p in [*parts, normalized(text)] if len(p) >= LONG]

    return any(jaccard(a, b) >= SIMILAR for a in pieces(paragraph) for b in pieces(other))


def test_the_reports_are_a_second_collection(two_collections):
    docs, site = two_collections["docs"], two_collections["site"]
    collections = {}
    for page in (docs / "speeches").glob("*.md"):
        text = page.read_text(encoding="utf-8")
        if text.startswith("---\nid:"):
            meta = yaml.safe_load(text.split("\n---\n", 1)[0][4:])
            collections[meta["collection"]] = collections.get(meta["collection"], 0) + 1
            assert not meta.get("editions"), page  # no two reports (nor seeds) are one speech
    assert collections == {"讲话稿": 5, REPORTS_COLLECTION: 72}
    browse = (docs / "collections" / "index.md").read_text(encoding="utf-8")
    assert f"[{REPORTS_COLLECTION}](zhengfugongzuobaogao/index.md) | 72 |" in browse
    assert "[讲话稿](jianghuagao/index.md) | 5 |" in browse
    listed = (docs / "collections" / "zhengfugongzuobaogao" / "index.md").read_text(encoding="utf-8")
    assert len(set(re.findall(r"speeches/([0-9a-f]{12})\.md", listed))) == 72
    for speech_id in sorted(p.name.removesuffix(".record.json") for p in (docs / "speeches").glob("*.record.json")):
        assert _page(site, speech_id).select_one(".jh-collection").get_text() in collections


def test_shared_passage_links_land_on_the_same_text_and_link_back(two_collections):
    site = two_collections["site"]
    ids = sorted(p.name for p in (site / "speeches").iterdir() if (p / "index.html").is_file())
    checked = 0
    for speech_id in ids:
        for note in _page(site, speech_id).select("p.jh-also"):
            source = note.find_previous_sibling("p")
            assert source is not None and source.get("id"), speech_id
            for link in note.select("a[href]"):
                target_id, anchor = re.fullmatch(r"\.\./([0-9a-f]{12})/#(\S+)", link["href"]).groups()
                target = _page(site, target_id).find(id=anchor)
                assert target is not None and target.name == "p", link["href"]
                assert _holds_the_same_text(source.get_text(), target.get_text()), (speech_id, link["href"])
                back = target.find_next_sibling("p")
                assert back is not None and "jh-also" in back.get("class", []), link["href"]
                assert f"../{speech_id}/#{source['id']}" in {a["href"] for a in back.select("a[href]")}, link["href"]
                checked += 1
    assert checked > 100  # the reports share their formulas (我代表国务院……表示诚挚感谢) year after year


def test_no_paragraph_links_to_more_places_than_its_passages_allow(two_collections):
    site = two_collections["site"]
    for folder in sorted((site / "speeches").iterdir()):
        if not (folder / "index.html").is_file():
            continue
        for note in _page(site, folder.name).select("p.jh-also"):
            paragraph = note.find_previous_sibling("p")
            held = passages([Block("paragraph", paragraph.get_text(), 0, paragraph["id"])])
            assert 0 < len(note.select("a")) <= PASSAGE_LINKS * len(held), (folder.name, paragraph["id"])


# --------------------------------------------------------------------------- an edition among the seeds


def test_a_second_edition_of_a_seed_becomes_one_speech_with_its_raw_file(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    kept = process("000_8cac2d0020c7aa48.txt", (SEEDS / "000_8cac2d0020c7aa48.txt").read_bytes())
    text = kept.text
    lost = text.index("□年工作的省")
    # Another site's copy: the character the mojibake lost is there, a phrase is worded otherwise, the end is cut off.
    copy = (text[:lost] + "三" + text[lost + 1 :])[: text.index("。", lost + 300) + 1].replace("挑灯夜战", "连夜加班", 1)
    (seeds / "000_copy.txt").write_bytes(("县委书记脱贫攻坚调度会讲话\n" + copy + "\n").encode("utf-8"))
    docs, site = tmp_path / "docs", tmp_path / "site"
    shutil.copytree(ROOT / "docs", docs)
    jianghua("site", "--seeds", str(seeds), "--docs", str(docs), "--site-dir", str(site))
    pages = sorted(p.name for p in (docs / "speeches").glob("*.record.json"))
    assert len(pages) == 5
    record = json.loads((docs / "speeches" / f"{kept.meta['id']}.record.json").read_text(encoding="utf-8"))
    fills = [c for c in record["changes"] if c["kind"] == "edition-fill"]
    assert fills == [
        {
            "stage": "editions", "kind": "edition-fill", "position": lost, "original": "□", "replacement": "三",
            "step": fills[0]["step"], "note": "据另一版本 000_copy.txt 补足",
        }
    ]
    page = _page(site, kept.meta["id"])
    assert "我们三年工作的省" in page.select_one("article").get_text()
    (edition,) = page.select(".jh-editions li")
    raw = edition.select_one("a.jh-raw")["href"]
    assert (site / "speeches" / kept.meta["id"] / raw).resolve().read_bytes() == (seeds / "000_copy.txt").read_bytes()
    rows = [[td.get_text() for td in tr.select("td")] for tr in edition.select("details.jh-diff tbody tr")]
    assert any("挑灯夜战" in ours and "连夜加班" in theirs for ours, theirs in rows)
    assert "据其他版本补足" in page.select_one(".jh-record").get_text()
