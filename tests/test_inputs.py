"""What researchers hold, taken in or refused with a reason: text in every encoding, saved pages, Word, PDF, corpus dumps.

Every input is made here: a .docx written with python-docx, a PDF with reportlab, a
saved page written as HTML, dumps as JSONL and CSV. Hostile input must change
nothing outside its own page, and no source may hang the build.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from html import unescape
from pathlib import Path

import markdown
import pytest
import yaml

from build_scripts import cli, isolation, provenance, sources
from build_scripts.pipeline import Refused, process
from build_scripts.render import render
from build_scripts.speech import undo_all
from conftest import REPORTS, ROOT, SEEDS, SHARED, jianghua

PARAGRAPHS = [
    "同志们：",
    "今天我们召开全县脱贫攻坚推进会，主要任务是总结前段工作，分析存在问题，部署下步任务。刚才，几位同志作了很好的发言，我都同意。",
    "一、提高认识，提振士气",
    "脱贫攻坚是头等大事和第一民生工程。各级各部门要切实把思想和行动统一到县委县政府的决策部署上来，以更加坚定的决心、更加有力的措施、更加扎实的作风，坚决打赢脱贫攻坚战。",
    "二、突出重点，精准发力",
    "要紧盯“两不愁三保障”，逐村逐户逐人查漏补缺，确保贫困群众吃穿不愁，义务教育、基本医疗、住房安全有保障。驻村第一书记要吃住在村、工作在村。",
]
SPEECH = "\n".join(PARAGRAPHS)
TITLE = "县委书记在全县脱贫攻坚推进会上的讲话"


def front_matter(markdown_text: str) -> dict:
    assert markdown_text.startswith("---\n")
    meta = yaml.safe_load(markdown_text.split("\n---\n", 1)[0][4:])
    assert isinstance(meta, dict)
    return meta


def body_html(speech) -> str:
    return markdown.markdown(render(speech).split("\n---\n", 1)[1], extensions=["attr_list", "tables", "admonition", "toc"])


def assert_accounted(speech, extracted_text: str) -> None:
    assert undo_all(speech.text, speech.changes) == extracted_text
    assert not any("does not account" in w for w in speech.warnings)


# --------------------------------------------------------------------------- files made here


def make_docx(path: Path, paragraphs: list[str], title: str = "") -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = title
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "附表", "全县贫困村名单另行印发。"
    document.save(path)
    return path


def make_pdf(
    path: Path, paragraphs: list[str], title: str = TITLE, header: str = "中共某某县委办公室", width: int = 24, per_page: int = 8
) -> Path:
    """A PDF with a text layer as offices make them: indented paragraphs wrapped at the margin, a running header, 第1页共N页."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    lines = [title]
    for paragraph in paragraphs:
        text = "\u3000\u3000" + paragraph
        lines += [text[i : i + width] for i in range(0, len(text), width)]
    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)]
    pdf = canvas.Canvas(str(path), invariant=1)
    for number, page in enumerate(pages, start=1):
        pdf.setFont("STSong-Light", 12)
        pdf.drawString(72, 800, header)
        for row, line in enumerate(page):
            pdf.drawString(72, 770 - 18 * row, line)
        pdf.drawString(260, 40, f"第{number}页共{len(pages)}页")
        pdf.showPage()
    pdf.save()
    return path


def make_html(title: str, paragraphs: list[str], encoding: str = "utf-8", extra_head: str = "") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    page = (
        f'<!DOCTYPE html><html><head><meta charset="{encoding}"><title>{title}_新文秘网</title>'
        f'<link rel="canonical" href="https://www.example.cn/jianghua/123.html">'
        f'<meta property="og:title" content="{title}"><meta name="pubdate" content="2019-05-07">{extra_head}'
        f'</head><body><div class="nav"><a href="/">首页</a> &gt; <a href="/jh">讲话</a></div>'
        f"<article><h1>{title}</h1>{body}<script>document.title='x'</script></article>"
        f'<div class="footer">版权所有 新文秘网 联系我们</div></body></html>'
    )
    return page.encode(encoding)


# --------------------------------------------------------------------------- plain text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "utf-16"])
def test_plain_text_in_every_encoding_with_mixed_line_endings_and_invisibles(encoding):
    text = TITLE + "\r\n" + SPEECH.replace("\n", "\r\n", 2).replace("同志们", "\u3000同志们")
    invisible = encoding in ("utf-8", "utf-8-sig", "gb18030", "utf-16")  # GBK and Big5 cannot hold a zero-width space
    if invisible:
        text = text.replace("。", "。\u200b", 1)
    if encoding == "big5":
        import opencc

        text = opencc.OpenCC("s2tw").convert(text).replace("“", "「").replace("”", "」")
    raw = text.encode(encoding)
    speech = process("讲话.txt", raw)
    kinds = {c.kind for c in speech.changes}
    assert "line-ending" in kinds and ("invisible-character" in kinds) == invisible
    assert "\u200b" not in speech.text and "\r" not in speech.text and "\u3000" not in speech.text
    assert "脱贫攻坚是头等大事和第一民生工程" in speech.text
    assert speech.meta["title"] == TITLE
    assert speech.meta["source_format"] == {"format": "text"}
    assert_accounted(speech, raw.decode(speech.encoding))


# --------------------------------------------------------------------------- saved web pages


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_saved_web_page_keeps_its_text_and_metadata(encoding):
    raw = make_html(TITLE, [*PARAGRAPHS, "&lt;script&gt;alert(1)&lt;/script&gt;是网页上的原文。"], encoding)
    speech = process("page.html", raw)
    assert speech.meta["title"] == TITLE
    assert speech.meta["source_url"] == "https://www.example.cn/jianghua/123.html"
    assert speech.meta["published"] == "2019-05-07"
    assert speech.meta["source_format"]["format"] == "html"
    assert speech.meta["source_format"]["extractor"].startswith("trafilatura ")
    assert "document.title" not in speech.text and "版权所有" not in speech.text
    assert "脱贫攻坚是头等大事和第一民生工程" in speech.text
    html = body_html(speech)
    assert "<script" not in html and "&lt;script&gt;alert(1)" in html  # shown as text
    extracted = sources.read_html(raw).text
    assert_accounted(speech, extracted)


def test_a_web_page_with_hostile_metadata_stays_on_its_page():
    title = '讲话："加油"\n---\ntitle: 冒充: 的标题 <script>alert(1)</script>'
    head = '<link rel="canonical" href="javascript:alert(1)">'
    raw = make_html(title.replace("<", "&lt;"), PARAGRAPHS, extra_head=head)
    raw = raw.replace(b'<link rel="canonical" href="https://www.example.cn/jianghua/123.html">', b"")
    speech = process("page.html", raw)
    meta = front_matter(render(speech))
    assert "\n" not in meta["title"] and meta["title"].startswith("讲话")
    assert meta.get("source_url") is None  # no javascript: link on the page


# --------------------------------------------------------------------------- Word and PDF


def test_word_file(tmp_path):
    path = make_docx(tmp_path / "讲话.docx", PARAGRAPHS, title=TITLE)
    speech = process(path.name, path.read_bytes())
    assert speech.meta["title"] == TITLE
    assert speech.meta["source_format"]["format"] == "docx"
    assert speech.meta["source_format"]["extractor"].startswith("python-docx ")
    for paragraph in PARAGRAPHS[1:]:
        assert paragraph in speech.text
    assert "全县贫困村名单另行印发" in speech.text  # text in tables is kept
    assert_accounted(speech, sources.read_docx(path.read_bytes()).text)


def test_pdf_line_wraps_and_page_headers_and_footers_are_removed(tmp_path):
    path = make_pdf(tmp_path / "讲话.pdf", PARAGRAPHS * 2)
    raw = path.read_bytes()
    extracted = sources.read_pdf(raw).text
    assert "第1页共" in extracted and "中共某某县委办公室" in extracted
    speech = process(path.name, raw)
    assert speech.meta["source_format"]["format"] == "pdf" and speech.meta["source_format"]["pages"] >= 2
    assert "第1页" not in speech.text and "中共某某县委办公室" not in speech.text
    lines = [line.rstrip("。") for line in speech.text.split("\n")]
    for paragraph in PARAGRAPHS[1:]:
        assert paragraph.rstrip("。") in lines, paragraph  # each paragraph is one line again, across page breaks too
    kinds = {c.kind for c in speech.changes if c.stage == "pdf"}
    assert kinds == {"page-header", "page-number", "line-wrap"}
    assert_accounted(speech, extracted)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("x.pdf", b"just some text, not a PDF" * 20, "not a PDF"),
        ("x.docx", "同志们：今天开会。".encode() * 40, "not a Word .docx file"),
        ("x.html", b"\x89PNG\r\n\x1a\n\x00\x00" * 50, "binary"),
        ("x.doc", b"\xd0\xcf\x11\xe0" * 50, "save it as .docx"),
    ],
)
def test_files_that_are_not_what_their_name_says_are_refused(name, data, reason):
    with pytest.raises(Refused, match=reason):
        process(name, data)


def test_a_pdf_without_a_text_layer_is_refused(tmp_path):
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(tmp_path / "scan.pdf"))
    pdf.rect(50, 50, 400, 600, fill=1)
    pdf.showPage()
    pdf.save()
    with pytest.raises(Refused, match="no text layer"):
        process("scan.pdf", (tmp_path / "scan.pdf").read_bytes())


# --------------------------------------------------------------------------- corpus dumps


def _row(title: str, text: str, url: str, year) -> str:
    return json.dumps({"title": title, "content": text, "url": url, "year": year}, ensure_ascii=False)


def test_dump_rows_are_split_with_their_exact_bytes():
    lines = [_row(TITLE, SPEECH, "https://example.cn/1", 2019), "", _row("第二篇", SPEECH + "第二篇。", "https://example.cn/2", 2020)]
    data = "\n".join(lines).encode("utf-8")
    rows = sources.dump_rows("reports.jsonl", data, "jsonl", {"text": "content"})
    assert [r.name for r in rows] == ["reports.jsonl#1", "reports.jsonl#3"]
    assert rows[1].raw == lines[2].encode("utf-8")
    csv_data = ('title,content\r\n"标题一","' + SPEECH.replace("\n", "\r\n") + '"\r\n"标题二","第二篇"\r\n').encode("utf-8")
    rows = sources.dump_rows("reports.csv", csv_data, "csv", {"text": "content", "title": "title"})
    assert [r.name for r in rows] == ["reports.csv#2", f"reports.csv#{2 + len(PARAGRAPHS)}"]
    assert rows[0].raw.startswith(b"title,content\r\n") and csv_data.endswith(rows[1].raw[len(b"title,content\r\n") :])
    with pytest.raises(Refused, match="'body' not in the header"):
        sources.dump_rows("reports.csv", csv_data, "csv", {"text": "body"})
    with pytest.raises(Refused, match="without a column mapping"):
        sources.dump_rows("reports.jsonl", data, "jsonl", None)


def test_a_dump_row_becomes_a_speech_with_its_fields():
    raw = _row(TITLE, "各位代表：\n" + SPEECH, "https://zh.wikisource.org/wiki/x", 2019).encode("utf-8")
    columns = sources.parse_columns("title=title,text=content,url=url,date=year")
    speech = process("reports.jsonl#7", raw, kind="jsonl-row", columns=columns)
    assert speech.meta["title"] == TITLE
    assert speech.meta["source_url"] == "https://zh.wikisource.org/wiki/x"
    assert speech.meta["speech_date"] == "2019"
    assert speech.text.startswith("各位代表：")  # a known title: the first line is not taken for one
    assert_accounted(speech, "各位代表：\n" + SPEECH)
    assert sources.published_name("reports.jsonl#7") == "reports.row-7.jsonl"


def test_government_work_reports_import(tmp_path):
    corpus = SHARED / "corpora" / "government_work_reports.jsonl"
    if not corpus.exists():
        pytest.skip("shared/ corpora not present")
    dump = tmp_path / "government_work_reports.jsonl"
    dump.write_bytes(b"\n".join(corpus.read_bytes().split(b"\n")[:4]))  # two reports and two short resolutions
    seeds, docs = tmp_path / "seeds", tmp_path / "docs"
    seeds.mkdir()
    shutil.copytree(ROOT / "docs", docs)
    result = jianghua(
        "build", "--seeds", str(seeds), "--docs", str(docs),
        "--import", str(dump), "--columns", "title=title,text=content,url=url,date=year", check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    metas = [front_matter(p.read_text(encoding="utf-8")) for p in (docs / "speeches").glob("*.md") if p.stem != "index"]
    reports = {m["source_file"]: m for m in metas}
    assert reports["government_work_reports.jsonl#1"]["title"] == "2025年中华人民共和国国务院政府工作报告"
    assert reports["government_work_reports.jsonl#1"]["speech_date"] == "2025"
    assert reports["government_work_reports.jsonl#1"]["source_url"].startswith("https://zh.wikisource.org/")


# --------------------------------------------------------------------------- hostile text


HOSTILE = (
    "<script>alert('x')</script><img src=x onerror=alert(1)>\n"
    "# 不是标题\n**不是粗体** [不是链接](javascript:alert(1)) | 不是 | 表格 |\n"
    "```\n不是代码\n```\n---\n{: #id .class }\n<!-- 注释 -->&amp;\n"
    "同志\u202e们\u2066：\u200b\u200d今天开会\u202c。\n"
)


def test_html_markdown_and_invisible_characters_in_the_text_stay_text():
    raw = ("讲话：\"加油\"---第一部分: 标题\n" + HOSTILE + SPEECH).encode("utf-8")
    speech = process("hostile.txt", raw)
    html = body_html(speech)
    for tag in ("<script", "<img", "<h1", "<strong", "<a ", "<table", "<code", "<hr", "<!--"):
        assert tag not in html, tag
    text = unescape(html)
    assert "<script>alert('x')</script>" in text and "# 不是标题" in text and "**不是粗体**" in text
    assert "同志们：今天开会。" in speech.text
    removed = [c.original for c in speech.changes if c.kind == "invisible-character"]
    assert {"\u202e", "\u2066", "\u200b", "\u200d", "\u202c"} <= set(removed)
    meta = front_matter(render(speech))
    assert meta["title"].startswith("讲话")
    assert_accounted(speech, raw.decode("utf-8"))


# --------------------------------------------------------------------------- file names and provenance


def test_add_gives_safe_names_and_records_provenance(tmp_path):
    outside = tmp_path / "downloads" / "sub"
    outside.mkdir(parents=True)
    (outside / "-rf 讲话 稿#1.txt").write_bytes(SEEDS.joinpath("004_6caaa7418dfaaf5a.txt").read_bytes())
    seeds = tmp_path / "seeds"
    result = jianghua(
        "add", "--seeds", str(seeds), "--url", "https://www.example.cn/a/1.html", "--retrieved", "2024-05-01",
        "--", str(outside / ".." / "sub" / "-rf 讲话 稿#1.txt"),
    )
    assert "added" in result.stdout
    (name,) = [p.name for p in seeds.iterdir() if not provenance.is_sidecar(p.name)]
    assert name == "rf_讲话_稿_1.txt"
    record = yaml.safe_load((seeds / (name + ".source.yaml")).read_text(encoding="utf-8"))
    assert record["url"] == "https://www.example.cn/a/1.html" and record["retrieved"] == "2024-05-01"
    assert record["sha256"] == provenance.sha256_of((seeds / name).read_bytes())
    assert record["original_name"] == "-rf 讲话 稿#1.txt"
    again = jianghua("add", "--seeds", str(seeds), str(outside / "-rf 讲话 稿#1.txt"))
    assert "already in seeds/ as rf_讲话_稿_1.txt" in again.stdout
    refused = jianghua("add", "--seeds", str(seeds), "--url", "javascript:alert(1)", str(outside / "x.txt"), check=False)
    assert refused.returncode != 0 and "not an http(s) address" in refused.stderr

    page = front_matter(jianghua("clean", str(seeds / name)).stdout)
    assert page["provenance"] == {
        "url": "https://www.example.cn/a/1.html",
        "retrieved": "2024-05-01",
        "sha256": record["sha256"],
    }
    assert jianghua("verify", "--seeds", str(seeds)).returncode == 0
    with (seeds / name).open("ab") as handle:
        handle.write(b"\n")
    changed = jianghua("verify", "--seeds", str(seeds), check=False)
    assert changed.returncode == 1 and "changed" in changed.stdout and name in changed.stdout


def test_clean_takes_a_file_name_with_a_leading_dash(tmp_path):
    shutil.copy(SEEDS / "004_6caaa7418dfaaf5a.txt", tmp_path / "-讲话 稿.txt")
    result = subprocess_clean(tmp_path, "--", "-讲话 稿.txt")
    assert front_matter(result.stdout)["source_file"] == "-讲话 稿.txt"


def subprocess_clean(cwd: Path, *args: str):
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "build_scripts", "clean", *args], cwd=cwd, capture_output=True, text=True, check=True, env=env
    )


# --------------------------------------------------------------------------- the build: refusals and isolation


BROKEN = {
    "empty.txt": (b"", "empty file"),
    "binary.txt": (b"\x00\x01\x02\x03binary\xff\xfe" * 50, "binary data"),
    "damaged.txt": ("同志们：今天开会。".encode() * 30 + b"\xff\x80\xfe" + "部署工作。".encode() * 30, "no encoding decodes it"),
    "short.txt": ("同志们：好。".encode(), "too short"),
    "huge.txt": (("同志们：今天开会。" * 20000).encode(), "larger than the size limit"),
    "copy of 001.txt": (SEEDS.joinpath("001_5c46decb6585df26.txt").read_bytes(), "duplicate of 001_5c46decb6585df26.txt"),
}


@pytest.fixture(scope="module")
def broken_folder(tmp_path_factory) -> Path:
    seeds = tmp_path_factory.mktemp("broken") / "seeds"
    shutil.copytree(SEEDS, seeds)
    for name, (data, _) in BROKEN.items():
        (seeds / name).write_bytes(data)
    return seeds


def test_build_takes_the_five_seeds_and_lists_every_refused_file(broken_folder, tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    result = jianghua("build", "--seeds", str(broken_folder), "--docs", str(docs), "--max-size", "100k")
    assert result.returncode == 0
    assert f"built 5 speeches, refused {len(BROKEN)}" in result.stderr
    report = (docs / "report.md").read_text(encoding="utf-8")
    lines = [line for line in result.stderr.splitlines() if "refused:" in line]
    assert len(lines) == len(BROKEN)
    for name, (_, reason) in BROKEN.items():
        (line,) = [line for line in lines if f"/{name}: refused:" in line]
        assert reason in line
        unescaped = report.replace("\\", "")
        assert name in unescaped and reason.replace("\\", "") in unescaped
    assert len([p for p in (docs / "speeches").glob("*.md") if p.stem not in ("index",)]) == 5


def test_strict_build_fails_for_the_same_folder(broken_folder, tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    result = jianghua("build", "--strict", "--seeds", str(broken_folder), "--docs", str(docs), "--max-size", "100k", check=False)
    assert result.returncode != 0


def hanging_build_one(task: dict):
    """A worker for the tests: sources named hang-* never finish (one even where no alarm reaches)."""
    if task["name"].startswith("hang-blocked"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        while True:
            time.sleep(1)
    if task["name"].startswith("hang-"):
        while True:
            pass
    if task["name"].startswith("crash-"):
        os._exit(3)
    return REAL_BUILD_ONE(task)


REAL_BUILD_ONE = cli.build_one


def test_no_source_can_hang_or_crash_the_build(tmp_path, monkeypatch):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in ("hang-loop.txt", "hang-blocked.txt", "crash-me.txt", "good.txt"):
        (seeds / name).write_bytes((TITLE + "\n" + SPEECH + name).encode("utf-8"))
    docs = tmp_path / "docs"
    started = time.monotonic()
    # Workers forked from this process run the hanging worker without importing this module again.
    monkeypatch.setattr(isolation, "START_METHOD", "fork")
    monkeypatch.setattr(cli, "build_one", hanging_build_one)  # build_docs hands the workers cli.build_one
    built, refused, _ = cli.build_docs(seeds, docs, jobs=2, time_limit=2)
    assert time.monotonic() - started < 30
    reasons = dict(refused)
    assert built == 1
    assert "time limit (2 s)" in reasons["hang-loop.txt"] and "time limit (2 s)" in reasons["hang-blocked.txt"]
    assert "stopped" in reasons["crash-me.txt"]
    assert "hang-loop.txt" in (docs / "report.md").read_text(encoding="utf-8").replace("\\", "")


def test_isolation_yields_every_item_once():
    results = sorted(isolation.run(abs, [-3, 1, -2, 5, "x"], jobs=2, seconds=5))
    assert [r[:2] for r in results] == [(0, "ok"), (1, "ok"), (2, "ok"), (3, "ok"), (4, "error")]
    assert [r[2] for r in results[:4]] == [3, 1, 2, 5]


# --------------------------------------------------------------------------- every input type in one site


def report_paragraphs(number: int, count: int = 12) -> list[str]:
    """Paragraphs of one of the government work reports: text no other input of a test shares."""
    content = json.loads(REPORTS.read_text(encoding="utf-8").splitlines()[number])["content"]
    return [p.strip() for p in content.split("\n") if len(p.strip()) > 40][2 : 2 + count]


def test_site_from_every_input_type_publishes_each_raw_source(tmp_path):
    # Each input holds a speech of its own: the same text in several files would be one speech in several editions.
    made = tmp_path / "made"
    made.mkdir()
    make_docx(made / "word speech.docx", [*PARAGRAPHS, *report_paragraphs(0)], TITLE + "（Word）")
    make_pdf(made / "pdf-speech.pdf", PARAGRAPHS[1:2] + report_paragraphs(2))
    (made / "page.htm").write_bytes(make_html(TITLE + "（网页）", PARAGRAPHS[1:2] + report_paragraphs(6), "gbk"))
    dump = made / "reports.jsonl"
    dump.write_text(
        _row("第一篇报告", "各位代表：\n" + "\n".join(report_paragraphs(4)), "https://example.cn/1", 2019) + "\n"
        + "{not json\n"
        + _row("第二篇报告", "各位代表：\n" + "\n".join(report_paragraphs(8)), "https://example.cn/2", "2020年3月5日") + "\n",
        encoding="utf-8",
    )
    seeds = tmp_path / "seeds"
    jianghua("add", "--seeds", str(seeds), "--url", "https://example.cn/files", "--retrieved", "2024-05-01",
             *(str(p) for p in sorted(made.iterdir()) if p.suffix != ".jsonl"))
    jianghua("add", "--seeds", str(seeds), "--columns", "title=title,text=content,url=url,date=year", str(dump))
    docs, site = tmp_path / "docs", tmp_path / "site"
    shutil.copytree(ROOT / "docs", docs)
    result = jianghua("site", "--seeds", str(seeds), "--docs", str(docs), "--site-dir", str(site), check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "built 5 speeches, refused 1" in result.stderr
    assert "reports.jsonl#2: refused: the row is not valid JSON" in result.stderr
    metas = {}
    for page in (docs / "speeches").glob("*.md"):
        if page.stem != "index":
            meta = front_matter(page.read_text(encoding="utf-8"))
            metas[meta["source_file"]] = meta
    assert set(metas) == {"word_speech.docx", "pdf-speech.pdf", "page.htm", "reports.jsonl#1", "reports.jsonl#3"}
    assert {m["source_format"]["format"] for m in metas.values()} == {"docx", "pdf", "html", "jsonl"}
    assert metas["reports.jsonl#3"]["speech_date"] == "2020-03-05"
    assert metas["page.htm"]["provenance"]["retrieved"] == "2024-05-01"
    assert metas["reports.jsonl#1"]["provenance"]["sha256"] == provenance.sha256_of(dump.read_bytes())
    for source_file, meta in metas.items():
        published = site / "raw" / meta["id"] / sources.published_name(source_file)
        assert published.read_bytes() == sources.raw_bytes(source_file, [seeds]), source_file
        page = (site / "speeches" / meta["id"] / "index.html").read_text(encoding="utf-8")
        assert sources.published_name(source_file).replace(" ", "%20") in page
    report = (site / "report" / "index.html").read_text(encoding="utf-8")
    assert "reports.jsonl#2" in report.replace("\\", "")
