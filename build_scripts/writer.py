"""Processed speeches in, the archive's Markdown pages, cleaning records and index pages under docs/ out."""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Callable, Sequence
from functools import partial, wraps
from pathlib import Path

import yaml

from .downloads import DATA_DIR, FEED, atom_feed, corpus_jsonl, data_page, metadata_csv, plain_text, speech_json
from .extract import date_label, sort_date
from .fanout import fan_out
from .render import escape, render
from .speech import Speech

SPEECH_DIR = "speeches"
PAGE_SIZE = 100
PAGER_REACH = 5  # a page line links to the first and last pages and to this many pages each side
# Old speech pages and the pages their sources make now (`mkdocs-redirects` reads it), so
# that an address once cited keeps working when a source file is replaced by a better copy.
REDIRECTS = "redirects.yaml"
_COMPLETENESS = {"complete": "完整", "truncated": "节选", "gaps": "有缺漏"}


BLOCK = 1 << 20


def _holds(path: Path, data: bytes) -> bool:
    """Whether the file at `path` holds exactly `data`, read a block at a time (the corpus's file is hundreds of megabytes)."""
    try:
        if path.stat().st_size != len(data):
            return False
        view = memoryview(data)
        with open(path, "rb") as handle:
            return all(handle.read(BLOCK) == view[start : start + BLOCK] for start in range(0, len(data), BLOCK))
    except FileNotFoundError:
        return False


def write_if_changed(path: Path, content: str) -> bool:
    """Write a file only when its content differs, so unchanged pages keep their timestamps."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8")
    if _holds(path, data):
        return False
    path.write_bytes(data)
    return True


def cleaning_record(speech: Speech) -> dict:
    """What cleaning did to a speech: each removal and repair in full, the routine edits counted."""
    speech = speech.recorded()
    return {
        "id": speech.meta["id"],
        "source_file": speech.source_file,
        "sha256": hashlib.sha256(speech.raw).hexdigest(),
        "encoding": speech.encoding,
        "warnings": list(speech.warnings),
        "changes": [c.as_dict() for c in speech.changes],
        "counted": [
            {"stage": stage, "kind": kind, "original": original, "replacement": replacement, "count": count}
            for stage, kind, original, replacement, count in speech.counted
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


def chunked(items: list) -> list[list]:
    """Items PAGE_SIZE to a page; an empty list still makes one (empty) page.

    >>> [len(page) for page in chunked(list(range(250)))], chunked([])
    ([100, 100, 50], [[]])
    """
    return [items[i : i + PAGE_SIZE] for i in range(0, len(items), PAGE_SIZE)] or [[]]


def page_name(number: int) -> str:
    return "index.md" if number == 1 else f"page-{number}.md"


def pager(number: int, count: int) -> str:
    """Links to the first and last pages and to the PAGER_REACH pages each side of this one, so the line stays short however many pages there are.

    >>> pager(1, 3), pager(20, 40)[:35]
    ('页码：**1** · [2](page-2.md) · [3](page-3.md)', '页码：[1](index.md) … [15](page-15.md)')
    """
    shown = sorted({1, count, *range(max(1, number - PAGER_REACH), min(count, number + PAGER_REACH) + 1)})
    line = ""
    for previous, n in zip([None, *shown], shown):
        if previous is not None:
            line += " … " if n > previous + 1 else " · "
        line += f"**{n}**" if n == number else f"[{n}]({page_name(n)})"
    return "页码：" + line


def index_pages(metas: list[dict]) -> dict[str, str]:
    """Paginated lists of all speeches, so no page grows with the archive beyond PAGE_SIZE rows."""
    pages = {}
    chunks = chunked(metas)
    for number, chunk in enumerate(chunks, start=1):
        pages[f"{SPEECH_DIR}/{page_name(number)}"] = (
            f"---\ntitle: 全部讲话（第 {number} 页）\n---\n\n# 全部讲话\n\n"
            f"共 {len(metas)} 篇，按讲话日期排列。{pager(number, len(chunks))}\n\n{listing(chunk, '')}"
        )
    return pages


def report_page(refused: list[tuple[str, str]], warnings: list[tuple[str, str]]) -> str:
    lines = ["---\ntitle: 构建报告\n---\n", "# 构建报告\n", "## 未收录\n"]
    lines += [f"- {escape(name)}：{escape(reason)}" for name, reason in refused] or ["（无）"]
    lines += ["\n## 警告\n"]
    lines += [f"- {escape(name)}：{escape(message)}" for name, message in warnings] or ["（无）"]
    return "\n".join(lines) + "\n"


def redirects(docs: Path, speeches: list[Speech]) -> dict[str, str]:
    """The redirects of earlier builds followed to today's pages, plus one for each page this build retires.

    A speech page is retired when its source file now makes a speech of another id (the
    file was replaced, or is now an edition of another speech); a redirect whose speech is gone
    altogether is dropped.
    """
    today = {
        source: f"{SPEECH_DIR}/{s.meta['id']}.md"
        for s in speeches
        for source in (s.source_file, *(edition["source_file"] for edition in s.meta.get("editions") or []))
    }
    pages = set(today.values())
    kept = docs / REDIRECTS
    moved: dict[str, str] = (yaml.safe_load(kept.read_text(encoding="utf-8")) or {}) if kept.is_file() else {}
    for record in sorted((docs / SPEECH_DIR).glob("*.record.json")):
        page = f"{SPEECH_DIR}/{record.name.removesuffix('.record.json')}.md"
        if page in pages:
            continue  # only a page this build retires is read: a rebuild reads none
        source = json.loads(record.read_text(encoding="utf-8")).get("source_file")
        if source in today:
            moved[page] = today[source]
    followed = {}
    for old, target in moved.items():
        for _ in range(len(moved)):  # a chain is never longer than the map; a cycle ends the walk
            if target not in moved:
                break
            target = moved[target]
        if target in pages and old not in pages:
            followed[old] = target
    return dict(sorted(followed.items()))


def _generated_dirs() -> tuple[str, ...]:
    from .browse import GLOSSARY_DIR, SECTIONS  # noqa: PLC0415 - browse builds on this module's listing
    from .explorer import EXPLORER_DIR  # noqa: PLC0415
    from .mentions import TITLES  # noqa: PLC0415
    from .overview import CHARTS_DIR  # noqa: PLC0415

    return (SPEECH_DIR, DATA_DIR, *SECTIONS, GLOSSARY_DIR, *TITLES, EXPLORER_DIR, CHARTS_DIR)


def speech_files(speech: Speech, mentions: Callable[[str], list[tuple[int, int, str]]]) -> dict[str, str]:
    """A speech and the glossary's terms of a paragraph (see `render`) in; its page, cleaning record, plain text and JSON (path under docs/ → content) out."""
    record = json.dumps(cleaning_record(speech), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return {
        f"{SPEECH_DIR}/{speech.meta['id']}.md": render(speech, mentions),
        f"{SPEECH_DIR}/{speech.meta['id']}.record.json": record + "\n",
        f"{SPEECH_DIR}/{speech.meta['id']}.txt": plain_text(speech),
        f"{SPEECH_DIR}/{speech.meta['id']}.json": speech_json(speech),
    }


def write_speech(docs: Path, mentions: Callable[[str], list[tuple[int, int, str]]], speech: Speech) -> tuple[list[str], int]:
    """A speech's files (see `speech_files`) written under `docs` where they changed; their names, and how many were written."""
    made = speech_files(speech, mentions)
    return list(made), sum(write_if_changed(docs / name, content) for name, content in made.items())


def signer() -> Callable[[Sequence[str]], list]:
    """A function giving the signatures of passages' texts, each text's worked out once (on all cores) however often it is asked for.

    Editions and shared passages cluster nearly the same texts: the second asks only for the
    passages of the speeches that merging editions filled.
    """
    from .passages import signature  # noqa: PLC0415 - loads datasketch, needed only when the archive is written

    known: dict[str, object] = {}

    def sign(texts: Sequence[str]) -> list:
        new = [text for text in texts if text not in known]
        known.update(zip(new, fan_out(signature, new)))
        return [known[text] for text in texts]

    return sign


def cycles_uncollected(func: Callable) -> Callable:
    """`func` run with Python's cycle collector paused.

    Writing the archive makes few reference cycles (some hundreds for a thousand speeches) but
    millions of objects that stay alive, which each full collection walks: about a second a
    thousand speeches, and more the larger the archive.
    """

    @wraps(func)
    def run(*args, **kwargs):
        enabled = gc.isenabled()
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return run


class _Pages:
    """The archive's files, written under `docs` group by group as they are made, so that none is held longer than it takes to write it."""

    def __init__(self, docs: Path):
        self.docs = docs
        self.made: set[str] = set()  # every path under docs/ this build makes
        self.written = 0  # how many of them changed

    def write(self, files: dict[str, str]) -> None:
        self.made.update(files)
        self.written += sum(write_if_changed(self.docs / name, content) for name, content in files.items())


@cycles_uncollected
def write_archive(docs: Path, speeches: list[Speech], refused: list[tuple[str, str]]) -> int:
    """Write every page of the archive under `docs`; remove generated files no longer produced."""
    # The corpus-wide steps load scikit-learn, datasketch and jieba's tables: only when the archive is written.
    from .browse import browse_pages, glossary, place_pages  # noqa: PLC0415 - browse builds on this module's listing
    from .editions import merge_editions  # noqa: PLC0415
    from .explorer import explorer_files  # noqa: PLC0415
    from .link import related  # noqa: PLC0415
    from .mentions import named_pages  # noqa: PLC0415
    from .overview import home_files  # noqa: PLC0415
    from .passages import shared_passages  # noqa: PLC0415

    sign = signer()
    speeches = merge_editions(sorted(speeches, key=lambda s: sort_key(s.meta)), sign)
    shared = shared_passages(speeches, sign)
    del sign  # the signatures are many, and no step after needs them
    similar = related([(s.meta, s.text) for s in speeches], mapper=fan_out)
    speeches = [s.with_meta(related=similar[s.meta["id"]], shared_passages=shared[s.meta["id"]]) for s in speeches]
    pages = _Pages(docs)
    files, mentions = glossary(speeches, fan_out)
    pages.write(files)
    del files
    # The processes that make a speech's files write them: the pages never pass back, nor pile up here.
    for names, count in fan_out(partial(write_speech, docs, mentions), speeches):
        pages.made.update(names)
        pages.written += count
    metas = [s.meta for s in speeches]
    pages.write({f"{DATA_DIR}/index.md": data_page(len(metas)), FEED: atom_feed(metas)})
    pages.write({f"{DATA_DIR}/speeches.jsonl": corpus_jsonl(speeches)})
    pages.write({f"{DATA_DIR}/speeches.csv": metadata_csv(metas)})
    pages.write(index_pages(metas))
    pages.write(browse_pages(metas))
    pages.write(named_pages(speeches, place_pages(metas)))
    pages.write(explorer_files(metas))
    pages.write(home_files(speeches, pages.made, refused))
    warnings = [(s.source_file, w) for s in speeches for w in s.warnings]
    pages.write({"report.md": report_page(refused, warnings)})
    pages.write({REDIRECTS: yaml.safe_dump(redirects(docs, speeches), allow_unicode=True, sort_keys=True)})
    for folder in _generated_dirs():
        for stale in sorted((docs / folder).rglob("*"), reverse=True):
            name = stale.relative_to(docs).as_posix()
            if stale.is_dir():
                if not any(stale.iterdir()):
                    stale.rmdir()
            elif name not in pages.made:
                stale.unlink()
    return pages.written
