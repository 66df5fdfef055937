"""Nothing is lost silently: the cleaned text plus its change log gives back the raw text, exactly."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_scripts.clean import clean
from build_scripts.decode import decode
from build_scripts.pipeline import process
from build_scripts.speech import Change, Speech, is_routine, undo_all
from build_scripts.writer import cleaning_record

from conftest import SEEDS


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_each_seed_is_accounted_for(seed):
    raw = (SEEDS / seed).read_bytes()
    speech = process(seed, raw)
    assert speech.warnings == ()
    assert undo_all(speech.text, speech.changes) == raw.decode("utf-8")


# Pieces the sources are made of: Chinese in both scripts, pinyin, ASCII punctuation,
# site boilerplate, PDF wrap spaces, invisible characters, line endings.
PIECES = st.sampled_from(
    [
        "同志们",
        "縣委書記",
        "脫貧攻堅(jiān)",
        "調(diào)度會",
        "，",
        ",",
        "?",
        ":",
        "(2020年5月7日)",
        "（社区）",
        " ",
        "　",
        "\u200b",
        "\u202e",
        "\r\n",
        "\n",
        "\n\n\n",
        "1、",
        "一、",
        "本文關鍵詞:脫貧,攻堅\n",
        "您的位置:新文秘網>>黨務講話/>>正文\n",
        "發表時間:2020/12/7 11:01:28\n",
        "……(未完,全文共7516字,當前僅顯示2639字,請閱讀下面提示信息。收藏《講話》\n",
        "文章搜索\n",
        "PPP",
        "3.5米",
        "*****",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=40))
def test_generated_sources_lose_nothing_without_a_record(pieces):
    raw = "".join(pieces)
    cleaned = clean(Speech(source_file="generated.txt", raw=b"", text=raw))
    assert undo_all(cleaned.text, cleaned.changes) == raw


def test_the_published_record_lists_or_counts_every_change(archive):
    import json

    for record_file in (archive["docs"] / "speeches").glob("*.record.json"):
        record = json.loads(record_file.read_text(encoding="utf-8"))
        raw = (SEEDS / record["source_file"]).read_bytes()
        decoded = decode(Speech(source_file=record["source_file"], raw=raw)).text
        cleaned = process(record["source_file"], raw)
        listed = [c.as_dict() for c in cleaned.changes if not is_routine(c)]
        assert listed == record["changes"]
        counted = sum(c["count"] for c in record["counted"])
        assert len(listed) + counted == len(cleaned.changes)
        assert undo_all(cleaned.text, cleaned.changes) == decoded


def test_a_tampered_record_is_caught():
    raw = (SEEDS / "002_7b7c71f2c8cca3fb.txt").read_bytes()
    speech = process("002.txt", raw)
    with pytest.raises(ValueError, match="the text differs"):
        undo_all(speech.text.replace("脱贫", "扶贫", 1), speech.changes)




def test_a_recorded_speech_keeps_what_its_record_publishes():
    raw = (SEEDS / "002_7b7c71f2c8cca3fb.txt").read_bytes()
    speech = process("002.txt", raw)
    recorded = speech.recorded()
    assert len(recorded.changes) < len(speech.changes)
    assert not any(is_routine(c) for c in recorded.changes)
    assert cleaning_record(recorded) == cleaning_record(speech)
    assert recorded.recorded() == recorded
    # A pass made after recording (an edition's fill) is numbered after every pass before it.
    filled = recorded.with_text(recorded.text + "。", [Change("editions", "edition-fill", len(recorded.text), "", "。")])
    assert filled.changes[-1].step == speech.changes[-1].step + 1 == recorded.passes


def test_speeches_read_back_share_their_counted_rows():
    raw = (SEEDS / "002_7b7c71f2c8cca3fb.txt").read_bytes()
    sent = pickle.dumps(process("002.txt", raw).recorded())
    first, second = pickle.loads(sent), pickle.loads(sent)
    assert first == second and first.counted
    assert all(a is b for a, b in zip(first.counted, second.counted))
