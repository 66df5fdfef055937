"""Cleaned speech in, speech with its descriptive metadata (title, speaker, occasion, dates, source) out."""

from __future__ import annotations

import hashlib
import re

from .script import converter
from .speech import Speech, substitute

_SITE_WORDS = re.compile(r"\.(docx?|pdf|txt)$|^[\s《]+|[\s》]+$")
_OCCASION = re.compile(r"在(.+?)(?:上|中)的+(?:讲话|发言|致辞|报告)")
_OFFICE = re.compile(
    r"(?<!第一)((?:[省市县区乡镇村]|市委|县委|区委|省委|镇党委|乡党委)?"
    r"(?:委?书记|党委书记|[县市区乡镇]长|组织部部长|组织部长|部长|主任|局长|领导|干部))"
)
_LEVELS = (("省", "省"), ("市", "市"), ("县", "县"), ("区", "县"), ("乡", "乡镇"), ("镇", "乡镇"), ("村", "村"))
_SUBTITLE = re.compile(r"^(.{4,}?)\s*(?:[:：]|——)\s*(.{4,})$")
_DATE_LINE = re.compile(r"^[（(](\d{4})年(\d{1,2})月(\d{1,2})日[）)][ \t]*\n?", re.M)


def _simplified(value):
    """Site residue was read before script conversion; give it in the archive's script."""
    if isinstance(value, str):
        return converter().convert(value)
    if isinstance(value, list):
        return [_simplified(v) for v in value]
    return value


def speech_id(text: str) -> str:
    """A stable identifier from the content, so that file order and file names do not matter."""
    return hashlib.sha256(re.sub(r"\s+", "", text).encode("utf-8")).hexdigest()[:12]


def split_title(title: str) -> tuple[str, str | None]:
    """Split "…的讲话：扛责冲锋 发起总攻" into the title and its slogan subtitle.

    >>> split_title("县委书记在推进会上的讲话:扛责冲锋 发起总攻")
    ('县委书记在推进会上的讲话', '扛责冲锋 发起总攻')
    """
    match = _SUBTITLE.match(title)
    return (match.group(1), match.group(2)) if match else (title, None)


def _speaker(title: str) -> dict:
    match = _OFFICE.search(title)
    if not match:
        return {}
    office = match.group(1)
    level = next((lvl for key, lvl in _LEVELS if office.startswith(key)), None)
    return {"office": office, **({"level": level} if level else {})}


def _occasion(title: str) -> dict:
    match = _OCCASION.search(title)
    return {"name": match.group(1)} if match else {}


def _completeness(site: dict, meta: dict) -> str:
    if site.get("truncated"):
        return "truncated"
    return "gaps" if meta.get("damaged_spans") else "complete"


def extract(speech: Speech) -> Speech:
    """Fill `meta` with title, speaker, occasion, dates, keywords, completeness and source."""
    site = {k: _simplified(v) for k, v in speech.meta.get("site", {}).items()}
    title, subtitle = split_title(_SITE_WORDS.sub("", site.get("page_title", "")).strip() or speech.source_file)
    text, date_changes = substitute(speech.text, _DATE_LINE, "", "extract", "date-line")
    dates = [c.original for c in date_changes]
    speech_date = None
    if dates:
        year, month, day = (int(x) for x in _DATE_LINE.match(dates[0]).groups())
        speech_date = f"{year:04d}-{month:02d}-{day:02d}"
    meta = {
        "id": speech_id(text),
        "title": title,
        "subtitle": subtitle,
        "speaker": _speaker(title),
        "occasion": _occasion(title),
        "speech_date": speech_date,
        "published": site.get("published"),
        "keywords": site.get("source_keywords", []),
        "completeness": _completeness(site, speech.meta),
        "truncated": bool(site.get("truncated")),
        "chars_omitted": site.get("chars_omitted"),
        "chars_shown": site.get("chars_shown"),
        "chars_total": site.get("chars_total"),
        "source_file": speech.source_file,
        "source_site": site.get("source_site"),
        "source_url": site.get("source_url"),
        "source_category": site.get("source_category"),
        "original_file": site.get("original_file"),
        "page_count": site.get("page_count"),
        "source_outline": site.get("source_outline", []),
    }
    return speech.with_text(text, date_changes).with_meta(**meta)

