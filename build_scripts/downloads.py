"""Processed speeches in, the archive's downloads out: each speech as plain text and JSON, the corpus as JSONL and CSV, an Atom feed."""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape as xml_escape

from .extract import sort_date
from .render import _GAP_TEXT, _GAP_TEXT_UNSIZED, FRONT_MATTER_FIELDS
from .speech import Block, Speech

DATA_DIR = "data"
FEED = "feed.xml"
FEED_SIZE = 50
CSV_COLUMNS = (
    "id",
    "title",
    "subtitle",
    "speech_date",
    "speech_years_from",
    "speech_years_to",
    "date_inferred",
    "published",
    "speaker_office",
    "speaker_level",
    "speaker_name",
    "speaker_inferred",
    "province",
    "city",
    "county",
    "county_anonymised",
    "adcode",
    "occasion_name",
    "occasion_type",
    "occasion_scope",
    "topics",
    "keywords",
    "completeness",
    "chars_shown",
    "chars_total",
    "collection",
    "source_file",
    "source_site",
    "source_url",
    "page",
    "related",
)


def _block_text(block: Block) -> str:
    if block.kind == "gap":
        texts = _GAP_TEXT if block.level else _GAP_TEXT_UNSIZED
        return "【" + texts.get(block.text, _GAP_TEXT["missing"]).format(n=block.level) + "】"
    return block.text


def plain_text(speech: Speech) -> str:
    """The speech's text as the page shows it: headings and paragraphs, a blank line apart; no metadata (the title is in the JSON)."""
    return "\n\n".join(_block_text(b) for b in speech.blocks) + "\n"


def metadata(meta: dict) -> dict:
    """The speech's published metadata: the front matter's fields, in their order."""
    return {key: meta[key] for key in FRONT_MATTER_FIELDS if meta.get(key) not in (None, [], {})}


def speech_json(speech: Speech) -> str:
    """The speech as one JSON object: its metadata and its plain text."""
    return json.dumps({**metadata(speech.meta), "text": plain_text(speech)}, ensure_ascii=False, indent=1) + "\n"


def corpus_jsonl(speeches: list[Speech]) -> str:
    """Every speech, one JSON object a line: metadata and plain text."""
    return "".join(
        json.dumps({**metadata(s.meta), "text": plain_text(s)}, ensure_ascii=False, separators=(",", ":")) + "\n"
        for s in speeches
    )


def _flat(meta: dict) -> dict:
    speaker, place, occasion = (meta.get(k) or {} for k in ("speaker", "place", "occasion"))
    years = meta.get("speech_years") or {}
    return {
        "id": meta["id"],
        "title": meta["title"],
        "subtitle": meta.get("subtitle"),
        "speech_date": meta.get("speech_date"),
        "speech_years_from": years.get("from"),
        "speech_years_to": years.get("to"),
        "date_inferred": bool(meta.get("date_inferred")),
        "published": meta.get("published"),
        "speaker_office": speaker.get("office"),
        "speaker_level": speaker.get("level"),
        "speaker_name": speaker.get("name"),
        "speaker_inferred": bool(speaker.get("inferred")),
        "province": place.get("province"),
        "city": place.get("city"),
        "county": place.get("county"),
        "county_anonymised": place.get("county_anonymised"),
        "adcode": place.get("adcode"),
        "occasion_name": occasion.get("name"),
        "occasion_type": occasion.get("type"),
        "occasion_scope": occasion.get("scope"),
        "topics": "；".join(t["name"] for t in meta.get("topics") or []),
        "keywords": "；".join(meta.get("keywords") or []),
        "completeness": meta.get("completeness"),
        "chars_shown": meta.get("chars_shown"),
        "chars_total": meta.get("chars_total"),
        "collection": meta.get("collection"),
        "source_file": meta.get("source_file"),
        "source_site": meta.get("source_site"),
        "source_url": meta.get("source_url"),
        "page": f"speeches/{meta['id']}/",
        "related": "；".join(r["id"] for r in meta.get("related") or []),
    }


def metadata_csv(metas: list[dict]) -> str:
    """The speeches' metadata as CSV, one flat row a speech (lists joined with “；”, booleans as true/false)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for meta in metas:
        row = _flat(meta)
        writer.writerow({k: ("true" if v is True else "false" if v is False else "" if v is None else v) for k, v in row.items()})
    return out.getvalue()


def feed_date(meta: dict) -> str:
    """The date a speech entered the record: published, else spoken, as an RFC 3339 time (midnight UTC)."""
    day = meta.get("published") or sort_date(meta)
    if day == "9999":
        day = "1970"
    day = (day + "-01-01")[:10] if len(day) < 10 else day
    return f"{day}T00:00:00Z"


def atom_feed(metas: list[dict], size: int = FEED_SIZE) -> str:
    """An Atom feed of the newest speeches (by publication date, else speaking date, then id); links relative to the site's root."""
    newest = sorted(metas, key=lambda m: (feed_date(m), m["id"]), reverse=True)[:size]
    updated = feed_date(newest[0]) if newest else "1970-01-01T00:00:00Z"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        "  <title>讲话稿档案 · 最新收录</title>",
        "  <id>urn:jianghua:feed</id>",
        '  <link rel="self" href="feed.xml"/>',
        '  <link rel="alternate" type="text/html" href="./"/>',
        f"  <updated>{updated}</updated>",
        "  <author><name>jianghua</name></author>",
    ]
    for meta in newest:
        speaker = (meta.get("speaker") or {}).get("office") or "讲话人不详"
        place = meta.get("place") or {}
        where = "".join(p for p in (place.get("province"), place.get("city"), place.get("county")) if p)
        occasion = (meta.get("occasion") or {}).get("name")
        summary = "，".join(x for x in (speaker, where, occasion) if x)
        lines += [
            "  <entry>",
            f"    <title>{xml_escape(meta['title'])}</title>",
            f"    <id>urn:jianghua:speech:{meta['id']}</id>",
            f'    <link rel="alternate" type="text/html" href="speeches/{meta["id"]}/"/>',
            f"    <updated>{feed_date(meta)}</updated>",
            *(f'    <category term="{xml_escape(t["name"], {chr(34): "&quot;"})}"/>' for t in meta.get("topics") or []),
            f"    <summary>{xml_escape(summary)}</summary>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def data_page(count: int) -> str:
    """The downloads page."""
    columns = "、".join(f"`{c}`" for c in CSV_COLUMNS)
    return (
        "---\ntitle: 数据下载\n---\n\n# 数据下载\n\n"
        f"本档案的 {count} 篇讲话可以整体下载：\n\n"
        "- [speeches.jsonl](speeches.jsonl)：每行一篇讲话，包括全部元数据（与页面前言相同的字段）和正文纯文本（`text`）；\n"
        "- [speeches.csv](speeches.csv)：每行一篇讲话的元数据，每列一个值，列表用“；”连接；\n"
        "- [Atom 订阅](../feed.xml)：最新收录的讲话，按发布日期（没有时按讲话日期）排列。\n\n"
        f"CSV 的列：{columns}。\n\n"
        "每篇讲话的页面上还可以单独下载这篇讲话的 Markdown 原稿、纯文本和 JSON。\n"
    )
