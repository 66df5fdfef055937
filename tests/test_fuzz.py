"""Arbitrary bytes and arbitrary Unicode through `jianghua clean`: no crash, no hang, valid front matter, the raw text accounted for.

Hypothesis generates the inputs under pytest. The same check also runs under atheris,
coverage-guided, when this file is run as a script (`python tests/test_fuzz.py -runs=N`);
`test_atheris_finds_nothing` does that for a bounded time when atheris is installed.
"""

from __future__ import annotations

import html
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

if __name__ == "__main__":  # run by atheris: instrument the pipeline's modules for coverage as they are imported
    import atheris

    with atheris.instrument_imports(include=["build_scripts"]):
        import build_scripts.cli  # noqa: F401

import yaml  # noqa: E402

from build_scripts import cli  # noqa: E402
from build_scripts.pipeline import Refused, process, read  # noqa: E402
from build_scripts.render import render  # noqa: E402
from build_scripts.speech import undo_all  # noqa: E402

SUFFIXES = [".txt", ".md", ".html", ".pdf", ".docx"]
TIME_LIMIT = 20
BASE = (
    "同志们：今天我们召开全县脱贫攻坚推进会，主要任务是总结前段工作，分析存在问题，部署下步任务。"
    "脱贫攻坚是头等大事和第一民生工程，各级各部门要切实把思想和行动统一到县委县政府的决策部署上来。"
    "要紧盯两不愁三保障，逐村逐户逐人查漏补缺，确保贫困群众吃穿不愁，义务教育、基本医疗、住房安全有保障。"
    "驻村第一书记要吃住在村、工作在村，把党的政策宣传到户，把帮扶措施落实到人，真正做到扶真贫、真扶贫、真脱贫。"
    "各乡镇党委书记是第一责任人，要亲自部署、亲自协调、亲自督办，以钉钉子精神抓好各项工作的落实。"
)
HOSTILE = [
    "\n---\n", "---\ntitle: x\n---\n", "title: \"a\": 'b'\n", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
    "# 标题\n", "**粗**", "[链接](javascript:alert(1))", "| a | b |\n|---|---|\n", "```\n", "{: #x }", "<!--", "&amp;",
    "\u202e", "\u2066", "\u200b", "\ufeff", "\ufffc", "\x00", "\x85", "\u2028", "\r", "\r\n", "\t", "\u3000", "\\",
    "一、", "（一）", "1.", "第一，", "(2020年5月7日)\n", "发表时间:2020/12/7 11:01:28\n", "您的位置:网>>讲话/>>正文\n",
    "……(未完,全文共7516字,当前仅显示2639字,请阅读\n", "本文关键词:脱贫,攻坚\n", "第1页共4页\n", "\f",
]


def front_matter(text: str) -> dict:
    assert text.startswith("---\n")
    head, sep, _body = text[4:].partition("\n---\n")
    assert sep, "the front matter is closed"
    meta = yaml.safe_load(head)
    assert isinstance(meta, dict)
    return meta


def _event(label: str) -> None:
    try:
        from hypothesis import event

        event(label)
    except Exception:  # noqa: BLE001 - outside a Hypothesis test (atheris)
        pass


def check_speech(name: str, data: bytes) -> None:
    """The pipeline's promises for one input: a speech whose change log gives back its raw text, or a refusal."""
    try:
        speech = process(name, data)
    except Refused as refusal:
        assert str(refusal) and "\n" not in str(refusal)
        _event(f"refused: {str(refusal).split(' (')[0][:40]}")
        return
    _event("a speech")
    decoded, _ = read(name, data)
    assert undo_all(speech.text, speech.changes) == decoded.text
    assert not any("does not account" in w for w in speech.warnings)
    # Every character of the cleaned text is in the page's blocks, in order.
    kept = "".join(line.strip() for line in speech.text.split("\n") if not line.strip().startswith("\ufffcgap:"))
    shown = "".join(b.text for b in speech.blocks if b.kind != "gap")
    assert "".join(kept.split()) == "".join(shown.split())
    meta = front_matter(render(speech))
    assert meta["id"] == speech.meta["id"] and isinstance(meta["title"], str) and "\n" not in meta["title"]
    assert meta["source_file"] == name


def clean_command(data: bytes, suffix: str, capsys) -> None:
    """`jianghua clean` on the bytes: exit 0 with a page, or 2 with one line naming the file and the reason."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"输入 -{suffix}"
        path.write_bytes(data)
        code = cli.main(["clean", "--time-limit", str(TIME_LIMIT), str(path)])
        out, err = capsys.readouterr()
        assert code in (0, 2)
        if code == 2:
            assert out == ""
            lines = err.strip().splitlines()
            assert len(lines) == 1 and str(path) in lines[0], err
            assert "time limit" not in lines[0], "no input may take that long"
        else:
            meta = front_matter(out)
            assert meta["source_file"] == path.name
        check_speech(path.name, data)


try:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - running as an atheris script without the test extras
    given = None

if given is not None:
    FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

    @FUZZ
    @given(data=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
    def test_arbitrary_bytes(data, suffix, capsys):
        clean_command(data, suffix, capsys)

    @FUZZ
    @given(text=st.text(max_size=1500), encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]))
    def test_arbitrary_unicode(text, encoding, capsys):
        clean_command(text.encode(encoding), ".txt", capsys)

    # Long enough to be a speech, so that every stage runs: a speech's text cut by arbitrary and hostile pieces.
    SPEECH_LIKE = st.lists(
        st.one_of(st.sampled_from([BASE[i : i + 40] for i in range(0, len(BASE), 40)]), st.sampled_from(HOSTILE), st.text(max_size=8)),
        min_size=5,
        max_size=40,
    ).map(lambda pieces: BASE + "".join(pieces))

    @FUZZ
    @given(text=SPEECH_LIKE, as_page=st.booleans())
    def test_hostile_speeches(text, as_page, capsys):
        if as_page:
            body = "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n"))
            data = f"<html><head><title>{html.escape(text[:30])}</title></head><body><article>{body}</article></body></html>"
            clean_command(data.encode("utf-8"), ".html", capsys)
        else:
            clean_command(text.encode("utf-8"), ".txt", capsys)


def test_atheris_finds_nothing():
    """Coverage-guided fuzzing of the same check for a bounded time (atheris is optional)."""
    import pytest

    pytest.importorskip("atheris")
    result = subprocess.run(
        [sys.executable, __file__, "-max_total_time=45", "-timeout=60", "-max_len=4096", "-len_control=20", "-rss_limit_mb=4096", "-seed=1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr[-4000:]


def _atheris_main() -> None:  # pragma: no cover - runs in its own process
    import atheris

    def one_input(data: bytes) -> None:
        provider = atheris.FuzzedDataProvider(data)
        suffix = SUFFIXES[provider.ConsumeIntInRange(0, len(SUFFIXES) - 1)]
        mode = provider.ConsumeIntInRange(0, 2)
        rest = provider.ConsumeBytes(provider.remaining_bytes())
        if mode == 1:
            rest = rest.decode("utf-8", "ignore").encode("utf-8")
        elif mode == 2:
            rest = (BASE + rest.decode("utf-8", "ignore")).encode("utf-8")
        check_speech(f"fuzz{suffix}", rest)

    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    _atheris_main()
