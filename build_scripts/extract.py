"""Cleaned speech in, speech with its metadata (title, speaker, place, dates, occasion, topics, mentions, completeness, source) out."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

import yaml

from .dating import span, speaking_date
from .entities import organisations, people
from .lexicon import words
from .places import home_place, mentioned_places, quote
from .script import converter
from .speech import Speech, substitute
from .topics import keywords, topics

OCCASIONS = Path(__file__).parent / "data" / "occasions.yaml"
LEVELS = ("中央", "省", "市", "县", "乡镇", "村")
_SITE_WORDS = re.compile(r"\.(docx?|pdf|txt)$|^[\s《]+|[\s》]+$")
_SPEECH_WORD = r"(?:讲话|发言|致辞|报告|讲话稿|讲话提纲)"
_AT_OCCASION = re.compile(rf"在(.+?)(?:上|中)的+{_SPEECH_WORD}")
_OFFICE = re.compile(
    r"(?<!第一)((?:中央|[省市县区乡镇村]委?|[乡镇]党委)?"
    r"(?:委?书记|党委书记|[省市县区乡镇]长|组织部部长|组织部长|[^\s在的]{0,6}?部长|[^\s在的]{0,6}?主任|[^\s在的]{0,6}?局长))"
)
_GENERIC_SPEAKER = re.compile(r"^(?:领导|领导干部|主要领导|负责同志)")
_LEVEL_OF = (
    ("中央", "中央"),
    ("省", "省"),
    ("市", "市"),
    ("县", "县"),
    ("区", "县"),
    ("乡", "乡镇"),
    ("镇", "乡镇"),
    ("村", "村"),
)
_SCOPE = re.compile(r"(?:全|我|本)([省市县区乡镇村])")
_SUBTITLE = re.compile(r"^(.{4,}?)\s*(?:[:：]|——)\s*(.{4,})$")
_DATE_LINE = re.compile(r"^[（(](\d{4})年(\d{1,2})月(\d{1,2})日[）)][ \t]*\n?", re.M)
_SUMMING_UP = re.compile(
    r"[^。，]{0,12}(?:书记|部长|[县市]长|主任)[^。]{0,30}(?:讲得|讲了|作了)[^。]{0,20}我(?:完全)?同意"
)
_CLOSED_END = "。！？…”’）》"
_SELF_MENTIONS = 3


@lru_cache(maxsize=1)
def occasion_types() -> tuple[tuple[str, str], ...]:
    """(ending, type) pairs of the occasion vocabulary, longest ending first."""
    entries = yaml.safe_load(OCCASIONS.read_text(encoding="utf-8"))
    pairs = [(name, entry["type"]) for entry in entries for name in entry["names"]]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def _simplified(value):
    """Site residue was read before script conversion; give it in the archive's script."""
    if isinstance(value, str):
        return converter().convert(value)
    if isinstance(value, list):
        return [_simplified(v) for v in value]
    return value


def speech_id(raw: bytes) -> str:
    """A speech's address, from its raw bytes: a better cleaning, a corrected title or a renamed file never change it.

    >>> speech_id("讲话".encode("utf-8"))
    'de3a42f434dd'
    """
    return hashlib.sha256(raw).hexdigest()[:12]


def text_digest(text: str) -> str:
    """The cleaned text's fingerprint, whitespace aside: two sources that clean to the same text are one speech."""
    return hashlib.sha256(re.sub(r"\s+", "", text).encode("utf-8")).hexdigest()


def split_title(title: str) -> tuple[str, str | None]:
    """Split "…的讲话：扛责冲锋 发起总攻" into the title and its slogan subtitle.

    >>> split_title("县委书记在推进会上的讲话:扛责冲锋 发起总攻")
    ('县委书记在推进会上的讲话', '扛责冲锋 发起总攻')
    """
    match = _SUBTITLE.match(title)
    return (match.group(1), match.group(2)) if match else (title, None)


def level_of(office: str) -> str | None:
    """The level of government an office belongs to.

    >>> level_of("县委书记"), level_of("市委组织部部长"), level_of("镇党委书记"), level_of("部长")
    ('县', '市', '乡镇', None)
    """
    return next((level for key, level in _LEVEL_OF if office.startswith(key)), None)


def occasion_of(title: str, text: str) -> dict:
    """The meeting a speech was given at: its full name as the title (else the text) gives it, and its type."""
    name, where = None, None
    match = _AT_OCCASION.search(title)
    if match:
        name, where = match.group(1), "标题"
    else:
        bare = re.sub(rf"(?:上的|的)?{_SPEECH_WORD}$", "", title)
        bare = _OFFICE.sub("", bare, count=1) if _OFFICE.match(bare) else _GENERIC_SPEAKER.sub("", bare)
        bare = re.sub(r"^在", "", bare)
        if any(bare.endswith(ending) for ending, _ in occasion_types()) and bare != title:
            name, where = bare, "标题"
    if name is None:
        held = re.search(r"(?:召开|举行)(?:了|这次|今天的)?([^，。！？；：“”]{2,30}?(?:会议|大会|会))", text)
        if held:
            name, where = held.group(1), f"正文：“{quote(text, held.start(), held.end())}”"
    if name is None:
        return {"reason": "标题和正文都没有说明是在什么会议上讲的"}
    kind = next((kind for ending, kind in occasion_types() if name.endswith(ending)), None)
    scope = _SCOPE.search(name)
    result = {"name": name, "type": kind, "evidence": where}
    if scope:
        result["scope"] = level_of(scope.group(1))
    return result


def _self_level(text: str) -> tuple[str | None, str]:
    """The level of government the speaker speaks for, from how the speech says 我县/全县/县委 (全国/我国 for 中央)."""
    counts = {level: 0 for level in LEVELS}
    for match in re.finditer(r"(?:我|全|本)([国省市县镇乡])|([省市县])委(?!书记)", text):
        place = match.group(1) or match.group(2)
        counts["中央" if place == "国" else level_of(place)] += 1
    level = max(counts, key=lambda lv: (counts[lv], -LEVELS.index(lv)))
    # A few mentions say little: a county speech also speaks of 全市 and 全省.
    if counts[level] < _SELF_MENTIONS or counts[level] < 2 * sorted(counts.values())[-2]:
        return None, ""
    words = {"中央": "“全国”“我国”", "乡镇": "“全镇”“我镇”"}.get(level, f"“全{level}”“我{level}”“{level}委”")
    return level, f"讲话以{words}称本地，共{counts[level]}次"


def speaker_of(title: str, text: str, occasion: dict, orgs: list[dict]) -> dict:
    """Who spoke: the office the title names, else what the text shows of it; a name only when the text gives one."""
    match = _OFFICE.search(title)
    if match and not _GENERIC_SPEAKER.match(title):
        office = match.group(1)
        level = level_of(office) or occasion.get("scope")
        return {"office": office, "level": level, "name": None, "inferred": False, "evidence": [f"标题：{title}"]}
    as_titled = _GENERIC_SPEAKER.match(title)
    level, why = _self_level(text)
    level = occasion.get("scope") or level
    evidence = [f"标题只写“{as_titled.group(0)}”"] if as_titled else ["标题没有写讲话人"]
    if occasion.get("scope"):
        evidence.append(f"会议是“{occasion['name']}”")
    elif why:
        evidence.append(why)
    office = None
    # A department the speech speaks for: named three times at the speaker's level,
    # and the speech tells its kind of department what to do (组织部门作为…).
    for org in orgs:
        department = re.fullmatch(r"([省市县])委(组织|宣传|统战)部", org["name"])
        if (
            department
            and level_of(department.group(1)) == level
            and org["count"] >= 3
            and text.count(f"{department.group(2)}部门") >= 2
        ):
            office = org["name"] + "部长"
            start = text.find(f"{department.group(2)}部门")
            evidence.append(
                f"讲话讲{org['name']}（{org['count']}次）和{department.group(2)}部门的责任：“{quote(text, start, start + 4)}”"
            )
            break
    if office is None and level:
        summing = _SUMMING_UP.search(text)
        if summing:
            office = f"{level}主要领导"
            evidence.append(f"讲话人在其他领导之后讲话并作总结：“{summing.group(0).strip()}”")
        else:
            office = f"{level}领导"
    return {"office": office, "level": level, "name": None, "inferred": True, "evidence": evidence}


def completeness_of(text: str, site: dict, meta: dict) -> dict:
    """Whether the text is the whole speech, and if not what is missing, as the site states it or the text shows it."""
    notes = []
    status = "complete"
    if site.get("chars_total"):
        notes.append(f"来源网站只显示了全文{site['chars_total']}字中的{site['chars_shown']}字")
    if site.get("chars_omitted"):
        notes.append(f"正文中另有约{site['chars_omitted']}字被省略")
    body = text.rstrip()
    if not site.get("truncated") and body and body[-1] not in _CLOSED_END:
        notes.append(
            "正文在句子中间中断，来源网站只展示了讲话的前一部分"
            + (f"（原文件共{site['page_count']}页）" if site.get("page_count") else "")
        )
    if notes:
        status = "truncated"
    if meta.get("damaged_spans"):
        notes.append(f"{len(meta['damaged_spans'])}处乱码未能可靠修复（见校勘记）")
        status = "truncated" if status == "truncated" else "gaps"
    return {"completeness": status, "completeness_note": "；".join(notes) or None, "truncated": status == "truncated"}


def sort_date(meta: dict) -> str:
    """The date a speech is filed under: spoken (stated or inferred), else published."""
    years = meta.get("speech_years") or {}
    return (
        meta.get("speech_date")
        or (str(years["from"]) if years.get("from") else None)
        or meta.get("published")
        or "9999"
    )


def date_label(meta: dict) -> str:
    """The speaking date as a listing shows it, marked when inferred (推断) or when only the publication date is known.

    >>> date_label({"speech_date": "2008", "date_inferred": True}), date_label({"speech_years": {"from": 2018, "to": 2020}})
    ('2008（推断）', '2018—2020（推断）')
    """
    years = meta.get("speech_years") or {}
    if meta.get("speech_date"):
        return meta["speech_date"] + ("（推断）" if meta.get("date_inferred") else "")
    if years.get("from"):
        return span(frozenset(range(years["from"], (years.get("to") or 2100) + 1))) + "（推断）"
    if meta.get("published"):
        return f"{meta['published']}（发布）"
    return "—"


def extract(speech: Speech) -> Speech:
    """Fill `meta` with everything the text and the site residue say about the speech."""
    site = {k: _simplified(v) for k, v in speech.meta.get("site", {}).items()}
    title, subtitle = split_title(_SITE_WORDS.sub("", site.get("page_title", "")).strip() or speech.source_file)
    text, date_changes = substitute(speech.text, _DATE_LINE, "", "extract", "date-line")
    # A date line under the title wins; else a date the source file's metadata states.
    stated, stated_as, stated_in = site.get("speech_date"), site.get("speech_date", ""), "file"
    if date_changes:
        year, month, day = (int(x) for x in _DATE_LINE.match(date_changes[0].original).groups())
        stated, stated_as, stated_in = f"{year:04d}-{month:02d}-{day:02d}", date_changes[0].original.strip(), "text"
    tokens = words(text)
    orgs = organisations(text, tokens)
    occasion = occasion_of(title, text)
    speaker = speaker_of(title, text, occasion, orgs)
    places = mentioned_places(text, tokens)
    meta = {
        "id": speech_id(speech.raw),
        "title": title,
        "subtitle": subtitle,
        "speaker": speaker,
        "place": home_place(text, places, speaker.get("level")),
        "occasion": occasion,
        **speaking_date(text, stated, site.get("published"), stated_as, stated_in),
        "published": site.get("published"),
        "topics": topics(text, title),
        "keywords": keywords(text, tokens, site.get("source_keywords", [])),
        "source_keywords": site.get("source_keywords", []),
        "people": people(text, tokens),
        "places": places,
        "organisations": orgs,
        **completeness_of(text, site, speech.meta),
        "chars_omitted": site.get("chars_omitted"),
        "chars_shown": site.get("chars_shown"),
        "chars_total": site.get("chars_total"),
        "source_file": speech.source_file,
        "source_site": site.get("source_site"),
        "source_url": site.get("source_url"),
        "source_category": site.get("source_category"),
        "source_note": site.get("source_note"),
        "original_file": site.get("original_file"),
        "page_count": site.get("page_count"),
        "source_outline": site.get("source_outline", []),
    }
    return speech.with_text(text, date_changes).with_meta(**meta)
