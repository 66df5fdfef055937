"""The lost-byte GBK repair: seed examples, real question marks, undo, simulated damage, leftover artifacts."""

from __future__ import annotations

import importlib.util
import itertools
import random
import re
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_scripts import charlm, mojibake
from build_scripts.speech import undo

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpora" / "government_work_reports.jsonl"

sys.path.insert(0, str(ROOT))
from bench import damage as simulator
from bench.bench_repair import ANNOTATION, comparable, errors


@pytest.fixture(scope="module")
def repaired_seeds() -> dict[str, tuple[str, str, list]]:
    """Every seed: (input, output, changes)."""
    result = {}
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        out, changes = mojibake.repair(text)
        result[path.name[:3]] = (text, out, changes)
    return result


def _detectors() -> dict[str, re.Pattern]:
    """The project's own detectors for lost-byte leftovers (shared/tools/scan_artifacts.py), or the same patterns."""
    tool = SHARED / "tools" / "scan_artifacts.py"
    if tool.exists():
        spec = importlib.util.spec_from_file_location("scan_artifacts", tool)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        patterns = module.PATTERNS
    else:
        cjk = r"\u3400-\u4dbf\u4e00-\u9fff"
        toned = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
        patterns = {
            "private-use-char": re.compile("[\ue000-\uf8ff]"),
            "kana-in-chinese": re.compile(rf"[\u3040-\u30ff](?=[{cjk}\u3040-\u30ff])|(?<=[{cjk}])[\u3040-\u30ff]"),
            "lost-byte-question-mark": re.compile(
                rf"\?(?=[a-zA-Z{toned}]|[,.;]?[{cjk}]{{0,1}}[\u3040-\u30ff\ue000-\uf8ff])"
            ),
        }
    wanted = ("private-use-char", "kana-in-chinese", "lost-byte-question-mark", "replacement-char")
    return {k: v for k, v in patterns.items() if k in wanted}


# --------------------------------------------------------------------------- seeds


@pytest.mark.parametrize(
    ("seed", "damaged", "repaired"),
    [
        # A pinyin insertion that matched 因's trail byte and 為's lead byte.
        ("000", "劉縣長因?yàn)闀r間關(guān)系", "劉縣長因為時間關(guān)系"),
        ("000", "成績,但是因?yàn)槲覀冞^去的", "成績,但是因為我們過去的"),
        ("000", "我們?nèi)ツ臧簿庸こ谈懔艘淮笈,", "我們去年安居工程搞了一大批,"),
        ("000", "很多地方?jīng)]動", "很多地方沒動"),
        ("001", "存在厭倦?yún)挓┣榫w,", "存在厭倦厭煩情緒,"),
        ("004", "雖然我們?nèi)〉昧艘恍┏煽儯\ue0d0\ue09c@并不說明", "雖然我們取得了一些成績，但這并不說明"),
        ("004", "我們?nèi)\ue07ch就沒有", "我們全縣就沒有"),
        # A full stop lost its first byte: A3 BF reads as ？, then BF 68 is 縣.
        ("000", "任其蔓延?h委這幾年", "任其蔓延。縣委這幾年"),
        ("004", "辦法??傊?,就是", "辦法。總之,就是"),
        ("004", "明確職責??偟木褪且\ue00f凑湛h級領導", "明確職責。總的就是要按照縣級領導"),
        # A3 AC reads as ，(folded to ","), then AC 46 is 現 whose own annotation stays for the next stage.
        ("000", "是怎么樣,F(xiàn)在", "是怎么樣。現(xiàn)在"),
        # An annotated character lost with the "(" of its annotation: the reading names it.
        ("000", "今年的脫貧?biāo)準(zhǔn)", "今年的脫貧標(biāo)準(zhǔn)"),
    ],
)
def test_seed_examples_come_out_right(repaired_seeds, seed, damaged, repaired):
    text, out, _ = repaired_seeds[seed]
    assert damaged in text
    assert repaired in out


def test_a_lost_lead_byte_is_put_back(repaired_seeds):
    # BF put back before 吹梦叶己苄慕's bytes reads 看得我都很心 and leaves BD open; the
    # damage runs on through ;ǖ腻X (花的錢) with more bytes lost than the seed shows, so the
    # character after 心 is the model's best guess (or a gap), not necessarily 焦.
    _, out, changes = repaired_seeds["000"]
    assert "垃圾遍地看得我都很心" in out
    change = next(c for c in changes if c.original.startswith("?吹梦叶己苄慕"))
    assert change.replacement.startswith("看得我都很心")
    assert "花的錢這個數" in out
    assert "吹梦叶己苄慕" not in out


def _gbk(text: str) -> bytes:
    return text.encode("gbk")


def _site_shows(data: bytes) -> str:
    """What the site's lenient decoder (lone bytes dropped, user-defined pairs kept) shows for these bytes."""
    return simulator.site_decode(data, random.Random(0), lone_as_question=False, drop_private=0.0)


# Each span with more than one byte gone, rebuilt from the text it was: 看's lead BF became
# "?", 焦's trail B9 and the full stop's A1 after it vanished; 去's lead C8 took the "(nèi)"
# inserted after 83 C8 (們's trail and C8 spell 內), the full stop's A1 and 危's lead CE vanished.
_TWO_BYTES_GONE = [
    (
        "遍地?吹梦叶己苄慕;ǖ腻X這個",
        _gbk("遍地") + b"?" + _gbk("看得我都很心")[1:] + _gbk("焦")[:1] + _gbk("。")[1:] + _gbk("花的錢這個"),
    ),
    (
        "你們?nèi)タ矗Ef房仍然",
        _gbk("你們去看").replace(_gbk("內"), _gbk("內(nèi)")) + _gbk("。")[1:] + _gbk("危")[1:] + _gbk("舊房仍然"),
    ),
]


@pytest.mark.parametrize(("shown", "data"), _TWO_BYTES_GONE)
def test_seed_000_spans_are_those_bytes(repaired_seeds, shown, data):
    text, _, _ = repaired_seeds["000"]
    assert shown in text
    assert _site_shows(data) == shown


def test_a_character_whose_trail_went_with_a_full_stop_is_a_gap(repaired_seeds):
    # BD (焦's lead) survives, its trail and the full stop's A1 do not: the model cannot
    # tell 焦 from 結/絃/進 before 。, so the character is a gap; the full stop and 花的錢 come back.
    text, out, changes = repaired_seeds["000"]
    assert "垃圾遍地看得我都很心□。花的錢這個數" in out
    change = next(c for c in changes if c.original == "?吹梦叶己苄慕;ǖ腻X")
    assert change.replacement == "看得我都很心□。花的錢"
    assert change.kind == "gap" and change.confidence < mojibake.GAP_THRESHOLD
    assert "only its lead byte 0xBD survives" in change.note and "left as □" in change.note
    assert undo(out, changes) == text


def test_a_full_stop_that_took_the_next_lead_byte_along_is_repaired(repaired_seeds):
    # The insertion shifted 去看, the lost A1 put the bytes back in step, the lost CE shifted
    # them again until "f": A3 is all that is left of 危, which the model picks before 舊房.
    text, out, changes = repaired_seeds["000"]
    assert "現(xiàn)在你們去看。危舊房仍然隨處可見" in out
    change = next(c for c in changes if c.original == "?nèi)タ矗Ef")
    assert change.replacement == "去看。危舊"
    assert change.kind == "repair" and change.confidence >= mojibake.GAP_THRESHOLD
    assert "only its trail byte 0xA3 survives" in change.note and "危 chosen" in change.note
    assert undo(out, changes) == text


def test_a_gap_is_left_where_the_model_is_unsure():
    out, changes = mojibake.repair("垃圾遍地?吹梦叶己苄慕")
    assert out.startswith("垃圾遍地看得我都很心")
    (change,) = changes
    last = change.replacement[-1]
    if last == mojibake.GAP:
        assert change.kind == "gap" and "left as □" in change.note
    else:
        assert change.confidence >= mojibake.GAP_THRESHOLD
    assert undo(out, changes) == "垃圾遍地?吹梦叶己苄慕"


@pytest.mark.parametrize(
    "question",
    [
        "是什么呢?劉縣長主持",
        "干什么去了?你們當(dāng)",
        "你怎么管理?可想而知",
        "為什么召開這個會?",
        "包村工作的成效?全縣",
    ],
)
def test_real_question_marks_survive(repaired_seeds, question):
    texts = [t for t, _, _ in repaired_seeds.values() if question in t]
    assert texts, question
    outputs = [o for _, o, _ in repaired_seeds.values()]
    assert any(question in o for o in outputs)


def test_real_question_marks_survive_alone():
    for text in ["為什么?", "這是為什么?我們要想一想。", "你們說呢?\n好。", "怎么辦??", "問題在哪里? 在於落實。"]:
        assert mojibake.repair(text) == (text, [])


def test_clean_simplified_seed_is_untouched(repaired_seeds):
    text, out, changes = repaired_seeds["003"]
    assert out == text and changes == []


def test_seeds_round_trip_through_undo(repaired_seeds):
    for text, out, changes in repaired_seeds.values():
        assert undo(out, changes) == text
        assert all(c.stage == "mojibake" and c.original != c.replacement for c in changes)
        assert all(0.0 <= c.confidence <= 1.0 for c in changes)


def test_no_lost_byte_leftovers_in_the_seeds(repaired_seeds):
    detectors = _detectors()
    for seed, (_, out, _) in repaired_seeds.items():
        for line in out.splitlines():
            for kind, pattern in detectors.items():
                assert not pattern.search(line), f"{seed}: {kind}: {line}"


# --------------------------------------------------------------------------- properties


def _assert_recorded(text: str) -> None:
    out, changes = mojibake.repair(text)
    positions = [c.position for c in changes]
    assert positions == sorted(positions)
    for change, following in itertools.pairwise(changes):
        assert change.position + len(change.original) <= following.position, "changes overlap"
    for change in changes:
        assert text[change.position : change.position + len(change.original)] == change.original
        assert change.note and 0.0 <= change.confidence <= 1.0
        assert change.kind == ("gap" if mojibake.GAP in change.replacement else "repair")
    assert undo(out, changes) == text


_ALPHABET = (
    "我們縣委書記脫貧攻堅工作要這個的了是在和不有大為時間去年全國經濟發展會議。，、,;:!?()"
    "\ue000\ue07c\ue4c6アカ abcXYZ0129\n"
    "āǎàè"
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_any_text_loses_nothing_without_a_record(text):
    _assert_recorded(text)


@pytest.mark.skipif(not CORPUS.exists(), reason="needs ../shared/corpora")
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    paragraph=st.integers(min_value=0, max_value=10_000),
    seed=st.integers(min_value=0, max_value=2**32),
    lost_lead=st.floats(min_value=0.0, max_value=0.05),
    lost_full_stop=st.floats(min_value=0.0, max_value=0.6),
)
def test_simulated_damage_loses_nothing_without_a_record(paragraph, seed, lost_lead, lost_full_stop):
    paragraphs = _paragraphs()
    clean = paragraphs[paragraph % len(paragraphs)]
    config = simulator.DamageConfig(lost_lead=lost_lead, lost_full_stop=lost_full_stop, drop_private=0.3)
    sample = simulator.damage(clean, random.Random(seed), config)
    _assert_recorded(sample.damaged)


_PARAGRAPHS: list[str] = []


def _paragraphs() -> list[str]:
    if not _PARAGRAPHS:
        for document in simulator.corpus_documents(CORPUS)[:10]:
            _PARAGRAPHS.extend(p for p in document.split("\n") if 40 < len(p) < 400)
    return _PARAGRAPHS


@pytest.mark.skipif(not CORPUS.exists(), reason="needs ../shared/corpora")
def test_simulated_damage_is_repaired_to_half_a_percent():
    samples = simulator.samples(6_000, seed=11)
    nothing, repaired = errors("", ""), errors("", "")
    for sample in samples:
        truth = comparable(sample.truth)
        nothing.add(errors(truth, comparable(sample.damaged)))
        out, changes = mojibake.repair(sample.damaged)
        assert undo(out, changes) == sample.damaged
        repaired.add(errors(truth, comparable(ANNOTATION.sub("", out))))
    assert nothing.rate > 0.2, "the simulator should do real damage"
    assert repaired.rate <= 0.005, f"CER {repaired.rate:.3%}"


# --------------------------------------------------------------------------- the model


def test_model_loads_fast_and_knows_punctuation():
    began = time.process_time()
    model = charlm.CharLM.read(charlm.MODEL_PATH)
    assert time.process_time() - began < 1.0
    assert charlm.MODEL_PATH.stat().st_size < 5_000_000
    # A full stop ends a sentence far likelier than it starts one; ASCII folds to full width.
    assert model.logp_char(model.fold("發展"), "。") > model.logp_char(model.fold("。"), "。") + 2
    assert model.fold("縣委,") == "县委，"
    assert model.score("縣委書記") > model.score("吹梦叶己") + 5
