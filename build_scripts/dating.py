"""Speech text, its stated date and its publication date in; when it was spoken (stated, or inferred from the events it mentions, with why) out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from .places import quote

TIMELINE = Path(__file__).parent / "data" / "timeline.yaml"
_EARLIEST, _LATEST = 1949, 2100  # the open ends of a year range
_THIS_YEAR = re.compile(r"今年[^。！？；]{0,12}$")


@dataclass(frozen=True)
class Event:
    """An entry of the timeline: what dates a speech that mentions it."""

    id: str
    name: str
    pattern: re.Pattern
    years: frozenset[int]
    date: date | None
    why: str
    source: str


@lru_cache(maxsize=1)
def timeline() -> tuple[Event, ...]:
    """The timeline data file, read once per process."""
    events = []
    for entry in yaml.safe_load(TIMELINE.read_text(encoding="utf-8")):
        if "years" in entry:
            years = frozenset(entry["years"])
        else:
            years = frozenset(range(entry.get("from", _EARLIEST), entry.get("until", _LATEST) + 1))
        day = entry.get("date")
        events.append(
            Event(
                entry["id"],
                entry["name"],
                re.compile("|".join(f"(?:{term})" for term in entry["terms"])),
                years,
                day if isinstance(day, date) else None,
                entry["why"],
                entry["source"],
            )
        )
    return tuple(events)


def span(years: frozenset[int] | set[int]) -> str:
    """A set of years as a reader writes it.

    >>> span({2016}), span({2007, 2008, 2009}), span(set(range(2017, 2101))), span({2006, 2011})
    ('2016', '2007—2009', '2017年以后', '2006、2011')
    """
    low, high = min(years), max(years)
    if low == high:
        return str(low)
    if len(years) == high - low + 1:
        if high == _LATEST:
            return f"{low}年以后"
        return f"{low}—{high}" if low != _EARLIEST else f"{high}年以前"
    return "、".join(str(y) for y in sorted(years))


def evidence(text: str) -> list[tuple[dict, frozenset[int]]]:
    """The timeline's events the text mentions, first mention each, with the years each allows."""
    found = []
    for event in timeline():
        match = event.pattern.search(text)
        if not match:
            continue
        years = event.years
        said = "在讲话的年份中"
        if event.date and _THIS_YEAR.search(text[max(0, match.start() - 14) : match.start()]):
            years, said = frozenset({event.date.year}), "讲话说“今年”"
        found.append(
            (
                {
                    "event": event.name,
                    "matched": match.group(0),
                    "quote": quote(text, match.start(), match.end()),
                    "position": match.start(),
                    "years": span(years),
                    "why": f"{said}：{event.why}" if said != "在讲话的年份中" else event.why,
                },
                years,
            )
        )
    return sorted(found, key=lambda f: f[0]["position"])


def speaking_date(
    text: str, stated: str | None, published: str | None, stated_as: str = "", stated_in: str = "text"
) -> dict:
    """The speech's date: as stated, else the year the events it mentions leave, else the range they leave.

    `stated_as` is the stated date as written, `stated_in` where: "text" (the line under
    the title) or "file" (the source file's metadata). Returns `speech_date`
    (YYYY-MM-DD as stated, YYYY when inferred), `speech_years`
    (from, to) when only a range is known, `date_inferred`, `date_evidence` and, when
    nothing dates the speech, `date_note` saying so.
    """
    result: dict = {
        "speech_date": stated,
        "speech_years": None,
        "date_inferred": False,
        "date_evidence": [],
        "date_note": None,
    }
    if stated:
        in_text = stated_in == "text"
        result["date_evidence"] = [
            {
                "event": "讲话注明的日期" if in_text else "来源文件注明的日期",
                "matched": stated_as or stated,
                "quote": stated_as or stated,
                "position": 0,
                "years": stated[:4],
                "why": "讲话稿题下注明了讲话日期。" if in_text else "来源文件的元数据注明了讲话日期。",
            }
        ]
        return result
    possible = set(range(_EARLIEST, _LATEST + 1))
    used = []
    for item, years in evidence(text):
        if possible & years:
            possible &= years
            used.append(item)
    if not used:
        result["date_note"] = "讲话没有注明日期，也没有提到能确定年份的事件。"
        return result
    if published and max(possible) > int(published[:4]) >= min(possible):
        possible = {year for year in possible if year <= int(published[:4])}
        used.append(
            {
                "event": "发布日期",
                "matched": published,
                "quote": published,
                "position": len(text),
                "years": f"{published[:4]}年以前",
                "why": "讲话不会晚于它在网上发布的日期。",
            }
        )
    result["date_inferred"] = True
    result["date_evidence"] = used
    if len(possible) == 1:
        result["speech_date"] = str(possible.pop())
        return result
    result["speech_years"] = {"from": min(possible), "to": max(possible) if max(possible) < _LATEST else None}
    written = span(frozenset(possible))
    result["date_note"] = f"讲话提到的事件只能确定讲话在{written}{'' if written.endswith('以后') else '年间'}。"
    return result
