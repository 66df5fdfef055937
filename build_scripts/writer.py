"""Processed speeches in, the archive's Markdown pages, cleaning records and index pages under docs/ out."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

from .downloads import DATA_DIR, FEED, atom_feed, corpus_jsonl, data_page, metadata_csv, plain_text, speech_json
from .extract import date_label, sort_date
from .render import escape, render
from .speech import Change, Speech

SPEECH_DIR = "speeches"
PAGE_SIZE = 100
_COMPLETENESS = {"complete": "完整", "truncated": "节选", "gaps": "有缺漏"}


def write_if_changed(path: Path, content: str) -> bool:
    """Write a file only when its content differs, so unchanged pages keep their timestamps."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return False
    path.write_bytes(data)
    return True


# Changes that are many and alike (a character converted, a mark made full-width, a line
# ending unified): the record counts them by what became what instead of listing positions.
COUNTED_STAGES = {"script", "punctuation", "pinyin", "spacing"}
COUNTED_KINDS = {"line-ending", "line-wrap"}


def is_routine(change: Change) -> bool:
    return change.stage in COUNTED_STAGES or change.kind in COUNTED_KINDS


def cleaning_record(speech: Speech) -> dict:
    """What cleaning did to a speech: each removal and repair in full, the routine edits counted."""
    counted = Counter((c.stage, c.kind, c.original, c.replacement) for c in speech.changes if is_routine(c))
    return {
        "id": speech.meta["id"],
        "source_file": speech.source_file,
        "sha256": hashlib.sha256(speech.raw).hexdigest(),
        "encoding": speech.encoding,
        "warnings": list(speech.warnings),
        "changes": [c.as_dict() for c in speech.changes if not is_routine(c)],
        "counted": [
            {"stage": stage, "kind": kind, "original": original, "replacement": replacement, "count": count}
            for (stage, kind, original, replacement), count in sorted(counted.items())
        ],
    }


def sort_key(meta: dict) -> tuple:
    """Order of the archive: by date of speaking, stated or inferred (else of publication), then by id."""
    return (sort_date(meta), meta["id"])


def place_label(meta: dict) -> str:
    """Where the speaker governs, as a listing shows it."""
    place = meta.get("place") or {}
    named = "".join(p for p in (place.get("province"), place.get("city"), place.get("county")) if p)
    return named + (place.get("county_anonymised") or "") or "—"


def _date_cell(meta: dict) -> str:
    return date_label(meta)


def listing(metas: list[dict], link_prefix: str) -> str:
    """A Markdown table of speeches: date, title, speaker, place, completeness."""
    rows = ["| 日期 | 标题 | 讲话人 | 地点 | 完整性 |", "| --- | --- | --- | --- | --- |"]
    for meta in metas:
        speaker = (meta.get("speaker") or {}).get("office") or "—"
        completeness = _COMPLETENESS.get(meta.get("completeness", ""), "—")
        title = escape(meta["title"])
        rows.append(
            f"| {_date_cell(meta)} | [{title}]({link_prefix}{meta['id']}.md) | {escape(speaker)} "
            f"| {escape(place_label(meta))} | {completeness} |"
        )
    return "\n".join(rows) + "\n"


def index_pages(metas: list[dict]) -> dict[str, str]:
    """Paginated lists of all speeches, so no page grows with the archive beyond PAGE_SIZE rows."""
    pages = {}
    chunks = [metas[i : i + PAGE_SIZE] for i in range(0, len(metas), PAGE_SIZE)] or [[]]
    for number, chunk in enumerate(chunks, start=1):
        name = "index.md" if number == 1 else f"page-{number}.md"
        nav = " · ".join(
            f"**{n}**" if n == number else f"[{n}]({'index.md' if n == 1 else f'page-{n}.md'})"
            for n in range(1, len(chunks) + 1)
        )
        pages[f"{SPEECH_DIR}/{name}"] = (
            f"---\ntitle: 全部讲话（第 {number} 页）\n---\n\n# 全部讲话\n\n"
            f"共 {len(metas)} 篇，按讲话日期排列。页码：{nav}\n\n{listing(chunk, '')}"
        )
    return pages


def browse_links() -> str:
    from .browse import section_index  # noqa: PLC0415 - browse builds on this module's listing

    return section_index()


def home_page(metas: list[dict], refused: list[tuple[str, str]]) -> str:
    newest = metas[:PAGE_SIZE]
    more = f"\n[全部 {len(metas)} 篇讲话 →]({SPEECH_DIR}/index.md)\n" if len(metas) > PAGE_SIZE else ""
    return (
        "---\ntitle: 讲话稿档案\nhide:\n  - navigation\n---\n\n# 讲话稿档案\n\n"
        "县委书记、市委组织部、乡镇党委在脱贫攻坚、驻村帮扶、基层党建等工作会议上的讲话稿，"
        "由网上流传的文本整理而成：修复乱码、去除网站附加文字、转为简体，每处改动都记入校勘记，原始文本一并公开。\n\n"
        f"本档案收录讲话 **{len(metas)}** 篇"
        + (f"，另有 {len(refused)} 个文件未收录（见[构建报告](report.md)）" if refused else "")
        + "。\n\n"
        + "浏览：" + browse_links() + "\n\n"
        + listing(newest, f"{SPEECH_DIR}/")
        + more
    )


def report_page(refused: list[tuple[str, str]], warnings: list[tuple[str, str]]) -> str:
    lines = ["---\ntitle: 构建报告\n---\n", "# 构建报告\n", "## 未收录\n"]
    lines += [f"- {escape(name)}：{escape(reason)}" for name, reason in refused] or ["（无）"]
    lines += ["\n## 警告\n"]
    lines += [f"- {escape(name)}：{escape(message)}" for name, message in warnings] or ["（无）"]
    return "\n".join(lines) + "\n"


def _generated_dirs() -> tuple[str, ...]:
    from .browse import SECTIONS  # noqa: PLC0415 - browse builds on this module's listing

    return (SPEECH_DIR, DATA_DIR, *SECTIONS)


def write_archive(docs: Path, speeches: list[Speech], refused: list[tuple[str, str]]) -> int:
    """Write every page of the archive under `docs`; remove generated files no longer produced."""
    from .browse import browse_pages  # noqa: PLC0415 - browse builds on this module's listing
    from .link import related  # noqa: PLC0415 - scikit-learn is loaded only when the archive is written

    speeches = sorted(speeches, key=lambda s: sort_key(s.meta))
    similar = related([(s.meta, s.text) for s in speeches])
    speeches = [s.with_meta(related=similar[s.meta["id"]]) for s in speeches]
    files: dict[str, str] = {}
    for speech in speeches:
        files[f"{SPEECH_DIR}/{speech.meta['id']}.md"] = render(speech)
        record = json.dumps(cleaning_record(speech), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        files[f"{SPEECH_DIR}/{speech.meta['id']}.record.json"] = record + "\n"
        files[f"{SPEECH_DIR}/{speech.meta['id']}.txt"] = plain_text(speech)
        files[f"{SPEECH_DIR}/{speech.meta['id']}.json"] = speech_json(speech)
    metas = [s.meta for s in speeches]
    files[f"{DATA_DIR}/index.md"] = data_page(len(metas))
    files[f"{DATA_DIR}/speeches.jsonl"] = corpus_jsonl(speeches)
    files[f"{DATA_DIR}/speeches.csv"] = metadata_csv(metas)
    files[FEED] = atom_feed(metas)
    files.update(index_pages(metas))
    files.update(browse_pages(metas))
    files["index.md"] = home_page(metas, refused)
    warnings = [(s.source_file, w) for s in speeches for w in s.warnings]
    files["report.md"] = report_page(refused, warnings)
    written = sum(write_if_changed(docs / name, content) for name, content in files.items())
    for folder in _generated_dirs():
        for stale in sorted((docs / folder).rglob("*"), reverse=True):
            name = stale.relative_to(docs).as_posix()
            if stale.is_dir():
                if not any(stale.iterdir()):
                    stale.rmdir()
            elif name not in files:
                stale.unlink()
    return written
