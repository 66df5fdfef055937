"""MkDocs build events: give speech pages their cleaning record, and publish the raw files beside the site."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from mkdocs.utils import get_relative_url

STAGE_LABELS = {
    "normalize": "规范字符",
    "mojibake": "乱码修复",
    "pinyin": "删除拼音注音",
    "boilerplate": "删除网站附加文字",
    "script": "繁体转简体",
    "punctuation": "标点全角化",
    "spacing": "删除多余空格",
    "extract": "移入元数据",
}
# Changes a reader wants to see one by one; the rest are many and alike, so they are counted.
NOTABLE_STAGES = {"mojibake", "boilerplate", "extract"}
RAW_DIR = "raw"

_raw_files: dict[str, str] = {}


def raw_path(speech_id: str, source_file: str) -> str:
    return f"{RAW_DIR}/{speech_id}/{Path(source_file).name}"


def on_pre_build(config, **kwargs):
    _raw_files.clear()


def on_page_context(context, page, config, nav, **kwargs):
    meta = page.meta or {}
    if not meta.get("id"):
        return context
    record_file = Path(page.file.abs_src_path).with_suffix(".record.json")
    record = json.loads(record_file.read_text(encoding="utf-8"))
    changes = record["changes"]
    counts = Counter((c["stage"], c["kind"]) for c in changes)
    raw = raw_path(meta["id"], record["source_file"])
    _raw_files[raw] = record["source_file"]
    context["record"] = {
        "total": len(changes),
        "sha256": record["sha256"],
        "raw_url": get_relative_url(raw, page.url),
        "json_url": get_relative_url(page.file.src_uri.replace(".md", ".record.json"), page.url),
        "summary": [
            {"stage": STAGE_LABELS.get(stage, stage), "kind": kind, "count": count}
            for (stage, kind), count in sorted(counts.items())
        ],
        "notable": [c for c in changes if c["stage"] in NOTABLE_STAGES],
    }
    return context


def on_post_build(config, **kwargs):
    _publish_raw_files(config)
    if not config.extra.get("offline"):
        _index_with_pagefind(Path(config.site_dir))


def _index_with_pagefind(site: Path) -> None:
    """Index the speech pages with Pagefind's extended build, which segments Chinese words."""
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), "--quiet"], check=True)


def _publish_raw_files(config) -> None:
    seeds = Path(os.environ.get("JIANGHUA_SEEDS") or Path(config.config_file_path).parent / "seeds")
    site = Path(config.site_dir)
    for target, source_file in sorted(_raw_files.items()):
        source = seeds / Path(source_file).name
        if source.is_file():
            (site / target).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, site / target)
