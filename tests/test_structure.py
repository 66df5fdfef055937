"""The speech's own paragraphs and headings, recovered from the five seeds, and the outline checked against the source's."""

from __future__ import annotations

import importlib.util
from itertools import pairwise
from pathlib import Path

import pytest

from build_scripts import fixes
from build_scripts.pipeline import process
from build_scripts.reflow import reflow
from build_scripts.render import render
from build_scripts.speech import Speech
from build_scripts.structure import heading_form, split_blocks, split_heading

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SCANNER = ROOT.parent / "shared" / "tools" / "scan_artifacts.py"
_CLOSED = "。！？：…”）"


@pytest.fixture(scope="module")
def seed():
    """The five seeds through the whole pipeline, by their number ("000" … "004")."""
    speeches = {path.name[:3]: process(path.name, path.read_bytes()) for path in sorted(SEEDS.glob("*.txt"))}
    return speeches.__getitem__


def headings(speech: Speech) -> list[tuple[int, str, str]]:
    return [(b.level, b.text, b.anchor) for b in speech.blocks if b.kind == "heading"]


def paragraphs(speech: Speech) -> list[str]:
    return [b.text for b in speech.blocks if b.kind == "paragraph"]


def before_gap(speech: Speech) -> set[str]:
    blocks = speech.blocks
    return {a.text for a, b in pairwise(blocks) if b.kind == "gap"}


# --- the flattened PDF of seed 003 ---------------------------------------------------


def test_flattened_pdf_gets_its_headings_back_on_lines_of_their_own(seed):
    speech = seed("003")
    top = [text for level, text, _ in headings(speech) if level == 2]
    assert top == [
        "一、深刻认识全面从严治党的形势要求，以强烈的政治担当切实履行管党治党政治责任",
        "三、鲜明树立“抓好党建就是最大政绩”的工作导向，以主动作为的态势形成基层党建工作的强大合力",
        "二、围绕建设基层党组织的目标任务，以务实的工作举措全力夯实基层基础",
    ]
    texts = [b.text for b in speech.blocks]
    # What follows each heading is the start of a paragraph, not the heading's tail.
    for heading, opening in zip(top, ("党的十八大以来", "习近平总书记指出", "抓好基层党建工作")):
        assert texts[texts.index(heading) + 1].startswith(opening)


def test_flattened_pdf_is_cut_into_its_paragraphs(seed):
    speech = seed("003")
    paras = paragraphs(speech)
    assert paras[0] == "同志们："
    assert len(paras) >= 15, "one long text was cut where the PDF's paragraphs ended"
    assert any(p.startswith("7月中旬召开的县委工作会议") for p in paras)
    # No paragraph ends in mid-sentence, except where the source stops showing the text.
    assert [p for p in paras if p[-1] not in _CLOSED] == [p for p in paras if p in before_gap(speech)]
    assert speech.blocks[-1].kind == "gap", "the text breaks off, and the page says so"


def test_points_of_the_flattened_pdf_keep_one_level_per_form(seed):
    levels = {text[:2]: level for level, text, _ in headings(seed("003"))}
    assert levels["一要"] == levels["二要"] == levels["五要"] == 3
    assert levels["一是"] == levels["二是"] == levels["三是"] == 3


def typeset(paragraphs: list[str], width: int) -> str:
    """Paragraphs laid out as a PDF's lines and flattened as the document sites do it.

    Each paragraph's first line is indented by two characters; a line the layout
    wrapped ends in a space, a paragraph's last line in nothing.
    """
    out = []
    for paragraph in paragraphs:
        room, rest = width - 2, paragraph
        while len(rest) > room:
            out.append(rest[:room] + " ")
            rest, room = rest[room:], width
        out.append(rest)
    return "".join(out)


def test_reflow_recovers_paragraphs_from_page_lines():
    paragraphs = ["同志们："] + [
        "今天召开全县推进会，主要目的是深入贯彻落实全会精神，回顾上月重点工作进展情况，研究安排本月各项工作任务。",
        "一、提高认识，提振士气，营造脱贫攻坚总攻的强大阵势",
        "今年是脱贫攻坚决战决胜之年，全县各级各部门一定要增强使命感、责任感和紧迫感，发起总攻，全力冲刺。",
        "二、靶向出击，精准发力",
        "这次省里部署开展脱贫质量回头看，就是考验大家发现问题、解决问题的能力。这几年，我们做了大量的工作。",
    ] * 3
    text, changes = fixes.remove_wrap_spaces(typeset(paragraphs, 16))
    assert reflow(text, changes, lambda start: bool(heading_form(start))) == "\n".join(paragraphs)


def test_text_that_is_not_a_pdf_is_left_as_it_is(seed):
    speech = seed("004")
    assert reflow(speech.text, speech.changes) == speech.text


# --- headings and levels ---------------------------------------------------------------


def test_first_point_headings_of_a_spoken_speech(seed):
    speech = seed("000")
    assert [(level, text[:3]) for level, text, _ in headings(speech)] == [
        (2, "第一要"),
        (2, "第二点"),
        (2, "第三要"),
        (2, "第四要"),
        (2, "第五点"),
        (2, "第六，"),
    ]
    first = headings(speech)[0][1]
    assert first == "第一要保持清醒的头脑，既要看到成绩，更要看到差距，要认识到形势不容乐观。"
    # The numbered sentences of the sixth point stay in its paragraph.
    assert any("一是主攻工业。" in p and "二是重点工程" in p for p in paragraphs(speech))


def test_lines_broken_in_mid_sentence_are_joined(seed):
    paras = paragraphs(seed("000"))
    assert any("今后作为提拔、重用干部最重要的依据。" in p for p in paras)
    assert any("这样才保持稳定了下来，这个教训是非常惨痛的" in p for p in paras)
    assert any("峡江县涉及到局长几十个，要是几十个局长全面去处理的话" in p for p in paras)


def test_levels_of_the_paywalled_speech(seed):
    speech = seed("002")
    assert [(level, text) for level, text, _ in headings(speech)] == [
        (2, "一、为什么召开这个会？"),
        (3, "第一，落实上级部署要求。"),
        (2, "二，存在哪些突出问题？"),
        (2, "三、如何抓好精准整改？"),
        (3, "一是各级组织部门要对标要求抓关键。"),
    ]
    paras = paragraphs(speech)
    assert any(p.startswith("首先，从第一书记和驻村工作队的参与度看") for p in paras), (
        "a long first sentence is running text"
    )
    assert any("一要严纪律。要坚决落实吃住在村" in p for p in paras), "an inline point stays in its paragraph"


def test_levels_of_the_2008_speech(seed):
    speech = seed("004")
    assert [(level, text[:4]) for level, text, _ in headings(speech)] == [
        (2, "一、深化"),
        (3, "首先，这"),
        (3, "其次，这"),
        (3, "第三，这"),
        (3, "第四，这"),
        (3, "第五，这"),
        (2, "二、蹲住"),
        (3, "（一）要"),
        (3, "（二）抓"),
        (3, "（三）要"),
        (2, "三、加强"),
        (2, "四、干好"),
    ]
    assert [anchor for _, _, anchor in headings(speech)][:3] == ["s1", "s1-1", "s1-2"]
    assert any(p.startswith("从调度、汇报的情况看") and "一是进村入户" in p for p in paragraphs(speech))


@pytest.mark.parametrize(
    ("line", "form"),
    [
        ("一、深化认识", "一、"),
        ("（二）抓主要矛盾", "（一）"),
        ("3、发起总攻", "1、"),
        ("第五点，加强督查", "第一"),
        ("其次，这是需要", "第一"),
        ("一是进村入户", "一是"),
        ("五要狠抓投入保障", "一要"),
        ("第一书记要驻村", None),
        ("第三方评估", None),
        ("1.5亿元", None),
        ("一要求", None),
    ],
)
def test_heading_forms(line, form):
    found = heading_form(line)
    assert (found.name if found else None) == form


def test_a_numbered_paragraph_has_its_first_sentence_as_heading():
    assert split_heading("（三）要创新机制，确保包村工作扎实有效推进。一是创新领导机制。")[:2] == (
        "（三）要创新机制，确保包村工作扎实有效推进。",
        "一是创新领导机制。",
    )
    assert (
        split_heading(
            "一是有的干部对群众缺乏真感情，与群众有距离，不能真正与群众打成一片、融为一体，党同人民群众的鱼水关系没有得到体现。"
        )
        is None
    )


# --- the outline, checked against the source's -----------------------------------------


def test_outline_of_the_truncated_speech_has_three_sections_and_their_points(seed):
    outline = seed("001").meta["outline"]
    assert [node["title"][:2] for node in outline] == ["一、", "二、", "三、"]
    assert [[child["title"][:2] for child in node["children"]] for node in outline] == [
        ["1、", "2、", "3、"],
        ["1、", "2、", "3、"],
        ["1、", "2、", "3、", "4、"],
    ]
    shown = [[child.get("in_text", True) for child in node["children"]] for node in outline]
    assert shown == [[True, False, True], [True, False, False], [False] * 4]
    assert outline[2].get("in_text") is False and "anchor" not in outline[2]
    assert outline[0]["children"][2] == {
        "title": "3、发起脱贫攻坚总攻，只能快、不能慢。",
        "anchor": "s1-3",
        "children": [],
    }
    assert outline[0]["children"][1]["title"] == "2、发起脱贫攻坚总攻，只可进、不可退", (
        "the source's entries are in full-width punctuation"
    )
    assert "source_outline" not in seed("001").meta, "the source's outline is dropped once used"


def test_inline_points_of_the_source_outline_stay_out(seed):
    outline = seed("002").meta["outline"]
    titles = [node["title"] for node in outline]
    assert titles == ["一、为什么召开这个会？", "二，存在哪些突出问题？", "三、如何抓好精准整改？"]
    third = [child["title"] for child in outline[2]["children"]]
    assert third == [
        "一是各级组织部门要对标要求抓关键。",
        "二是派驻单位要明确任务抓落实",
        "三是第一批选派第一书记要认真站好最后一班岗",
    ]
    assert outline[2]["children"][0]["children"] == [], "一要严纪律 is inside a paragraph of the text"
    assert not any("五是" in title for title in titles)


def test_a_source_outline_entry_missing_from_a_complete_text_is_reported():
    _, tree, notes = split_blocks("同志们：\n一、提高认识\n今年是决战之年。\n", ["一、提高认识", "二、狠抓落实"])
    assert [node["title"] for node in tree] == ["一、提高认识"]
    assert notes == ["the source's outline has “二、狠抓落实”, which the text has not as a heading"]


# --- the page ----------------------------------------------------------------------------


def test_headings_become_markdown_headings_with_anchors(seed):
    markdown = render(seed("001"))
    assert "\n## 一、提高认识，提振士气，营造脱贫攻坚总攻的强大阵势 {#s1}\n" in markdown
    assert "\n### 1、发起脱贫攻坚总攻，只许胜、不许败。 {#s1-1}\n" in markdown
    assert "\n### 3、发起脱贫攻坚总攻，只能快、不能慢。 {#s1-3}\n" in markdown


@pytest.mark.skipif(not SCANNER.exists(), reason="the shared scanner is not beside the project")
@pytest.mark.parametrize("number", ["000", "001", "002", "003", "004"])
def test_headings_pass_the_artifact_scanner(seed, number):
    spec = importlib.util.spec_from_file_location("scan_artifacts", SCANNER)
    scanner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scanner)
    lines = [line for line in render(seed(number)).split("\n---\n", 1)[1].splitlines() if line.startswith("#")]
    assert lines
    found = [(kind, line) for line in lines for kind, pattern in scanner.PATTERNS.items() if pattern.search(line)]
    assert found == []
