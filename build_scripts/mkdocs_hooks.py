"""MkDocs build events: give speech pages their cleaning record, publish the raw files beside the site, and index it with Pagefind."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import yaml
from mkdocs.utils import get_relative_url

from build_scripts.browse import memberships
from build_scripts.cite import author, bibtex, gbt7714, report_url
from build_scripts.extract import date_label
from build_scripts import search_index
from build_scripts.offline_search import script_index
from build_scripts.sources import published_name, raw_bytes
from build_scripts.writer import REDIRECTS, SPEECH_DIR, sort_key

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
    "editions": "据其他版本补足",
}
RAW_DIR = "raw"

_files = None  # the build's files, to find the pages related speeches link to
_categories: dict[str, list[dict]] = {}  # a speech's browse pages, by its id
_neighbours: dict[str, dict] = {}  # the speeches before and after each one in the archive's order, by its id
_shards: list[list[str]] = []  # the speech pages each shard of the search index holds, by their paths in the site
_search: dict = {}  # what the search script is told: the index's number of shards, its speeches and their average length


def raw_path(speech_id: str, source_file: str) -> str:
    # A dump row ("reports.jsonl#12") is published as a file of its own ("reports.row-12.jsonl").
    return f"{RAW_DIR}/{speech_id}/{published_name(source_file)}"


def on_config(config, **kwargs):
    moved = Path(config.docs_dir) / REDIRECTS
    if "redirects" in config.plugins and moved.is_file():
        config.plugins["redirects"].config["redirect_maps"] = yaml.safe_load(moved.read_text(encoding="utf-8")) or {}
    if config.extra.get("offline"):
        # A page opened from file:// has no server to turn a folder's address into its index.html.
        config.use_directory_urls = False
    return config


def on_files(files, config, **kwargs):
    global _files
    _files = files
    _categories.clear()
    _neighbours.clear()
    _shards.clear()
    _search.clear()
    corpus = Path(config.docs_dir) / "data" / "speeches.jsonl"
    if corpus.is_file():  # written by the build with every speech's metadata
        with corpus.open(encoding="utf-8") as lines:
            metas = [json.loads(line) for line in lines if line.strip()]
        _categories.update(memberships(metas))
        _neighbours.update(neighbours(metas))
        _plan_search(metas, files)
    return files


def _plan_search(metas: list[dict], files) -> None:
    """Split the speech pages into the search index's shards, and note what the search script needs to know of them."""
    pages = {meta["id"]: files.get_file_from_path(f"{SPEECH_DIR}/{meta['id']}.md") for meta in metas}
    shards = search_index.shards([speech_id for speech_id, page in pages.items() if page], search_index.shard_size())
    _shards.extend([pages[speech_id].dest_uri for speech_id in shard] for shard in shards)
    if shards:
        # The search script weighs a page's matches by its length against this average, so that
        # its order does not depend on how the index is split.
        length = sum(len(meta.get("title") or "") + len(meta.get("text") or "") for meta in metas) / len(metas)
        _search.update(shards=len(shards), speeches=sum(map(len, shards)), length=round(length))


def on_env(env, config, files, **kwargs):
    env.globals["jianghua_search"] = _search
    return env


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


def edition_links(meta: dict, page) -> list[dict]:
    """The speech's other editions, each with the address of its raw file, published beside the page's own."""
    return [
        {**edition, "raw_url": get_relative_url(quote(raw_path(meta["id"], edition["source_file"])), page.url)}
        for edition in meta.get("editions") or []
    ]


def downloads(page) -> list[dict]:
    """The page's own text in other forms: its Markdown source, plain text and JSON, published beside it."""
    src = page.file.src_uri
    stem = src[: -len(".md")]
    return [
        {"label": label, "url": get_relative_url(path, page.url), "type": kind}
        for label, path, kind in (
            ("Markdown", src, "text/markdown"),
            ("纯文本", f"{stem}.txt", "text/plain"),
            ("JSON", f"{stem}.json", "application/json"),
        )
    ]


def neighbours(metas: list[dict]) -> dict[str, dict]:
    """For each speech id, the speeches just before and after it in the archive's order (by date of speaking), each as id, title and date."""
    order = [{"id": m["id"], "title": m["title"], "date": date_label(m)} for m in sorted(metas, key=sort_key)]
    return {
        item["id"]: {"previous": before, "next": after}
        for before, item, after in zip([None, *order], order, [*order[1:], None])
    }


def neighbour_links(meta: dict, page) -> dict:
    """The previous and next speech of a page, each with the address of its page relative to this one."""
    links = {}
    for side, item in (_neighbours.get(meta["id"]) or {}).items():
        target = _files.get_file_from_path(f"{SPEECH_DIR}/{item['id']}.md") if item and _files is not None else None
        if target is not None:
            links[side] = {**item, "url": get_relative_url(target.url, page.url)}
    return links


def citation(meta: dict, config) -> dict:
    """The page's GB/T 7714 reference and BibTeX entry, each split where the page's address goes.

    The address is the page's own, which only the browser knows (the site is served at
    addresses of its publisher's choosing, and the offline bundle from wherever it is unzipped):
    the page fills it in; without scripts the reader sees the path.
    """
    slot = "\0"
    return {
        "path": f"{SPEECH_DIR}/{meta['id']}/",
        "author": author(meta),
        "gbt7714": gbt7714(meta, slot).split(slot),
        "bibtex": bibtex(meta, slot, config.site_name).split(slot),
    }


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
    context["editions"] = edition_links(meta, page)
    context["downloads"] = downloads(page)
    context["categories"] = category_links(meta, page)
    context["neighbours"] = neighbour_links(meta, page)
    context["citation"] = citation(meta, config)
    context["report_url"] = report_url(config.extra["repository"], meta, f"{SPEECH_DIR}/{meta['id']}/")
    sources = [record["source_file"], *(edition["source_file"] for edition in meta.get("editions") or [])]
    _publish(config, page, {raw_path(meta["id"], source): source for source in sources})
    return context


def _publish(config, page, raw_files: dict[str, str]) -> None:
    """Write a speech page's raw files (site path → source file) and its Markdown beside the page.

    Each page's files are written with the page, so that the processes sharing a build's
    pages (parallel_hooks) each publish their own.
    """
    seeds = Path(os.environ.get("JIANGHUA_SEEDS") or Path(config.config_file_path).parent / "seeds")
    site = Path(config.site_dir)
    # Dumps given with `jianghua build --import` are outside seeds/; the command line names their folders.
    folders = [seeds, *(Path(p) for p in os.environ.get("JIANGHUA_IMPORTS", "").split(os.pathsep) if p)]
    for target, source_file in sorted(raw_files.items()):
        data = raw_bytes(source_file, folders)
        if data is not None:
            (site / target).parent.mkdir(parents=True, exist_ok=True)
            (site / target).write_bytes(data)
    source = site / page.file.src_uri
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_bytes(Path(page.file.abs_src_path).read_bytes())


def on_post_build(config, **kwargs):
    offline = bool(config.extra.get("offline"))
    for folder in search_index.index(Path(config.site_dir), _shards, offline, search_index.at_once()):
        if offline:
            script_index(folder)
