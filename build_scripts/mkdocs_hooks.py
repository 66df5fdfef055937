"""MkDocs build events: give speech pages their cleaning record, and publish the raw files beside the site."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from mkdocs.utils import get_relative_url

from build_scripts.browse import memberships
from build_scripts.sources import published_name, raw_bytes

STAGE_LABELS = {
    "pdf": "PDF 版面",
    "normalize": "规范字符",
    "mojibake": "乱码修复",
    "pinyin": "删除拼音注音",
    "boilerplate": "删除网站附加文字",
    "script": "繁体转简体",
    "punctuation": "标点全角化",
    "spacing": "删除多余空格",
    "extract": "移入元数据",
}
RAW_DIR = "raw"

_raw_files: dict[str, str] = {}
_sources: dict[str, str] = {}  # a speech page's Markdown, published beside it: site path → docs path
_files = None  # the build's files, to find the pages related speeches link to
_categories: dict[str, list[dict]] = {}  # a speech's browse pages, by its id


def raw_path(speech_id: str, source_file: str) -> str:
    # A dump row ("reports.jsonl#12") is published as a file of its own ("reports.row-12.jsonl").
    return f"{RAW_DIR}/{speech_id}/{published_name(source_file)}"


def on_pre_build(config, **kwargs):
    _raw_files.clear()
    _sources.clear()


def on_files(files, config, **kwargs):
    global _files
    _files = files
    _categories.clear()
    corpus = Path(config.docs_dir) / "data" / "speeches.jsonl"
    if corpus.is_file():  # written by the build with every speech's metadata
        with corpus.open(encoding="utf-8") as lines:
            _categories.update(memberships([json.loads(line) for line in lines if line.strip()]))
    return files


def category_links(meta: dict, page) -> list[dict]:
    """The browse pages that list this speech, grouped by section, each with its address relative to this page."""
    sections: dict[str, list[dict]] = {}
    for item in _categories.get(meta["id"], []):
        target = _files.get_file_from_path(item["path"]) if _files is not None else None
        if target is not None:
            link = {"name": item["name"], "depth": item["depth"], "url": get_relative_url(target.url, page.url)}
            sections.setdefault(item["section"], []).append(link)
    return [{"section": name, "links": links} for name, links in sections.items()]


def related_links(meta: dict, page) -> list[dict]:
    """The related speeches of a page's front matter, each with the address of its page relative to this one."""
    links = []
    for item in meta.get("related") or []:
        target = _files.get_file_from_path(f"speeches/{item['id']}.md") if _files is not None else None
        if target is None:
            continue
        links.append({**item, "url": get_relative_url(target.url, page.url)})
    return links


def downloads(page) -> list[dict]:
    """The page's own text in other forms: its Markdown source, plain text and JSON, published beside it."""
    src = page.file.src_uri
    stem = src[: -len(".md")]
    _sources[src] = page.file.abs_src_path
    return [
        {"label": label, "url": get_relative_url(path, page.url), "type": kind}
        for label, path, kind in (
            ("Markdown", src, "text/markdown"),
            ("纯文本", f"{stem}.txt", "text/plain"),
            ("JSON", f"{stem}.json", "application/json"),
        )
    ]


def on_page_context(context, page, config, nav, **kwargs):
    meta = page.meta or {}
    if not meta.get("id"):
        return context
    record_file = Path(page.file.abs_src_path).with_suffix(".record.json")
    record = json.loads(record_file.read_text(encoding="utf-8"))
    changes = record["changes"]
    counts = Counter((c["stage"], c["kind"]) for c in changes)
    for routine in record["counted"]:
        counts[routine["stage"], routine["kind"]] += routine["count"]
    raw = raw_path(meta["id"], record["source_file"])
    _raw_files[raw] = record["source_file"]
    context["record"] = {
        "total": sum(counts.values()),
        "sha256": record["sha256"],
        "raw_url": get_relative_url(quote(raw), page.url),
        "json_url": get_relative_url(page.file.src_uri.replace(".md", ".record.json"), page.url),
        "summary": [
            {"stage": STAGE_LABELS.get(stage, stage), "kind": kind, "count": count}
            for (stage, kind), count in sorted(counts.items())
        ],
        "notable": changes,
    }
    context["related"] = related_links(meta, page)
    context["downloads"] = downloads(page)
    context["categories"] = category_links(meta, page)
    return context


def on_post_build(config, **kwargs):
    _publish_raw_files(config)
    for target, source in sorted(_sources.items()):
        (Path(config.site_dir) / target).write_bytes(Path(source).read_bytes())
    if not config.extra.get("offline"):
        _index_with_pagefind(Path(config.site_dir))


def _index_with_pagefind(site: Path) -> None:
    """Index the speech pages with Pagefind's extended build, which segments Chinese words."""
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), "--quiet"], check=True)


def _publish_raw_files(config) -> None:
    seeds = Path(os.environ.get("JIANGHUA_SEEDS") or Path(config.config_file_path).parent / "seeds")
    site = Path(config.site_dir)
    # Dumps given with `jianghua build --import` are outside seeds/; the command line names their folders.
    folders = [seeds, *(Path(p) for p in os.environ.get("JIANGHUA_IMPORTS", "").split(os.pathsep) if p)]
    for target, source_file in sorted(_raw_files.items()):
        data = raw_bytes(source_file, folders)
        if data is not None:
            (site / target).parent.mkdir(parents=True, exist_ok=True)
            (site / target).write_bytes(data)
