"""Speech text in, the places it names (from cpca's gazetteer of provinces, cities and counties) and the speaker's own place out."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from .lexicon import tokenizer, word_tags, words

_RANKS = ("province", "city", "county")
# Suffixes a place is also called without: 昌乐县 → 昌乐, 吉安市 → 吉安, 四川省 → 四川.
_SUFFIX = re.compile(
    r"(?:特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|自治旗|地区|林区|省|市|县|区|旗|盟)$"
)
# Names of the gazetteer that stand for no one place.
_NOT_A_PLACE = {"县", "市辖区", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_COMMON = 100  # a short name jieba knows as a common word this often is read as that word (富民, 和平, 互助)
ANONYMISED = re.compile(r"(?:[A-Z]{2,}|[Xx×]{2,}|\*{2,}|某)(?=[省市县区乡镇村])[省市县区乡镇村]")


def short_name(name: str) -> str | None:
    """A division's name without its suffix, when two or more characters remain to stand alone.

    >>> short_name("昌乐县"), short_name("吉安市"), short_name("和县")
    ('昌乐', '吉安', None)
    """
    short = _SUFFIX.sub("", name)
    return short if len(short) >= 2 and short != name else None


@dataclass(frozen=True)
class Place:
    """One division of cpca's gazetteer."""

    name: str
    adcode: str  # six digits: province, city and county two each
    rank: int  # 0 province, 1 city (prefecture), 2 county

    @property
    def kind(self) -> str:
        return _RANKS[self.rank]

    def within(self, other: Place) -> bool:
        return self.adcode.startswith(other.adcode[: (other.rank + 1) * 2])


@dataclass(frozen=True)
class Mention:
    """A place name as the text writes it, with the divisions it may stand for."""

    written: str
    start: int
    candidates: tuple[Place, ...]


@lru_cache(maxsize=1)
def gazetteer() -> tuple[dict[str, Place], ahocorasick.Automaton]:
    """cpca's divisions by adcode, and an automaton finding their names (full and short) in text."""
    import cpca  # noqa: PLC0415 - imported once, on first use: it loads the whole gazetteer

    by_code: dict[str, Place] = {}
    names: dict[str, list[Place]] = {}
    for info in cpca.ad_2_addr_dict.values():
        if info.name in _NOT_A_PLACE:
            continue
        place = Place(info.name, info.adcode, info.rank)
        by_code[place.adcode] = place
        names.setdefault(place.name, []).append(place)
    full = set(names)
    tags, freq = word_tags(), tokenizer().FREQ
    for name in sorted(full):
        short = short_name(name)
        if short is None or short in full:
            continue
        if tags.get(short, "ns") != "ns" and freq.get(short, 0) >= _COMMON:
            continue
        names.setdefault(short, []).extend(names[name])
    automaton = ahocorasick.Automaton()
    for name, places in names.items():
        if len(name) >= 2 and not (len(name) == 2 and name.endswith("区")):
            automaton.add_word(name, (name, tuple(sorted(set(places), key=lambda p: p.adcode)), name in full))
    automaton.make_automaton()
    return by_code, automaton


@lru_cache(maxsize=1)
def _name_runs() -> re.Pattern:
    """Runs of two or more characters that occur in the gazetteer's names: every name found lies inside one.

    The automaton is searched only there; it pays for every character it is given, and
    half the characters of a speech are in no place name.
    """
    _, automaton = gazetteer()
    alphabet = sorted(set("".join(automaton.keys())))
    return re.compile("[" + "".join(re.escape(c) for c in alphabet) + "]{2,}")


def find_places(text: str, tokens: list[tuple[str, int]]) -> list[Mention]:
    """Every place name of the gazetteer in the text, longest first where names overlap.

    A name written without its suffix (昌乐 for 昌乐县) or of two characters must
    stand as a word of its own, and must be borne out: another place of the text
    lies in the same city or province, or the name comes back three times. So 惠农
    of 惠农政策 and 太平 of 太平官 are not taken for places.
    """
    _, automaton = gazetteer()
    found = sorted(
        (
            (end - len(name) + 1, end + 1, name, places, is_full)
            for run in _name_runs().finditer(text)
            for end, (name, places, is_full) in automaton.iter(text, run.start(), run.end())
        ),
        key=lambda f: (f[0], -(f[1] - f[0])),
    )
    edges = {start for _, start in tokens} | {len(text)}
    mentions, weak, taken = [], set(), 0
    for start, end, name, places, is_full in found:
        if start < taken:
            continue
        short = not is_full or len(name) <= 2
        if short and not (start in edges and end in edges):
            continue
        mentions.append(Mention(name, start, places))
        if short and not all(p.rank == 0 for p in places):
            weak.add(name)
        taken = end
    counts = Counter(m.written for m in mentions)

    def borne_out(mention: Mention) -> bool:
        others = [p for m in mentions if m.written != mention.written for p in m.candidates]
        return (
            counts[mention.written] >= 3
            and word_tags().get(mention.written, "ns") == "ns"
            or any(
                p.within(o) or o.within(p) or p.rank == o.rank and p.adcode[:4] == o.adcode[:4]
                for p in mention.candidates
                for o in others
            )
        )

    return _resolve([m for m in mentions if m.written not in weak or borne_out(m)])


_TOWN = re.compile(r"[\u4e00-\u9fff]{2,3}(?:镇|乡|街道)")
_VILLAGE = re.compile(r"[\u4e00-\u9fff]{2,3}村")


def _towns(words: list[tuple[str, int]]) -> list[tuple[str, str, int]]:
    """Towns named together with one of their villages (营丘镇河头村), as jieba cuts them: (kind, name, start)."""
    found = []
    for i, (word, start) in enumerate(words[:-1]):
        town = word if _TOWN.fullmatch(word) and "乡镇" not in word else None
        if town is None:
            continue
        village = words[i + 1][0]
        if not village.endswith("村") and i + 2 < len(words) and words[i + 2][0] == "村":
            village += "村"
        if _VILLAGE.fullmatch(village):
            found += [("town", town, start), ("village", village, words[i + 1][1])]
    return found


def _resolve(mentions: list[Mention]) -> list[Mention]:
    """Choose, for a name shared by several divisions, the one in the region the other names point to."""
    votes: Counter[str] = Counter()
    for mention in mentions:
        for prefix in {p.adcode[:4] for p in mention.candidates}:
            votes[prefix] += 1 / len(mention.candidates)
    resolved = []
    for mention in mentions:
        if len(mention.candidates) > 1:
            # the region most names point to, then the larger division (吉安 is the city)
            best = max(mention.candidates, key=lambda p: (votes[p.adcode[:4]], -p.rank, p.adcode))
            mention = Mention(mention.written, mention.start, (best,))
        resolved.append(mention)
    return resolved


def parent(place: Place, rank: int) -> Place | None:
    """The division of a rank that holds a place (a county's city or province)."""
    by_code, _ = gazetteer()
    if place.rank <= rank:
        return place if place.rank == rank else None
    code = place.adcode[: (rank + 1) * 2].ljust(6, "0")
    return by_code.get(code)


def quote(text: str, start: int, end: int, around: int = 14) -> str:
    """The clause around a span, for evidence a reader can find in the text.

    >>> quote("刚才大家通报出那么多问题，但是，我们WWW县社会面是好的，当然也不是说没有。", 19, 23)
    '我们WWW县社会面是好的'
    """
    marks = "，。！？；：\n"
    left = max([text.rfind(mark, 0, start) for mark in marks] + [start - around - 1]) + 1
    rights = [i for i in (text.find(mark, end) for mark in marks) if i != -1]
    right = min(rights + [end + around, len(text)])
    return text[left:right].strip()


def mentioned_places(text: str, tokens: list[tuple[str, int]] | None = None) -> list[dict]:
    """The places a speech names, each with its division, count and first position; anonymised names included."""
    tokens = tokens if tokens is not None else words(text)
    entries: dict[str, dict] = {}
    for mention in find_places(text, tokens):
        place = mention.candidates[0]
        entry = entries.setdefault(
            place.name,
            {"name": place.name, "kind": place.kind, "adcode": place.adcode, "count": 0, "first": mention.start},
        )
        entry["count"] += 1
        if mention.written != place.name:
            entry.setdefault("written", mention.written)
    for kind, name, start in _towns(tokens):
        entry = entries.setdefault(name, {"name": name, "kind": kind, "count": 0, "first": start})
        entry["count"] += 1
    for match in ANONYMISED.finditer(text):
        entry = entries.setdefault(
            match.group(0), {"name": match.group(0), "kind": "anonymised", "count": 0, "first": match.start()}
        )
        entry["count"] += 1
    return sorted(entries.values(), key=lambda e: e["first"])


def home_place(text: str, places: list[dict], level: str | None) -> dict:
    """The speaker's own province, city and county, with the evidence; anonymised names recorded, not guessed."""
    by_code, _ = gazetteer()
    divisions = [by_code[p["adcode"]] for p in places if p.get("adcode")]
    counties = [(p, by_code[p["adcode"]]) for p in places if p["kind"] == "county"]
    hidden = [p for p in places if p["kind"] == "anonymised" and p["name"].endswith("县")]
    result: dict = {"province": None, "city": None, "county": None, "adcode": None}
    evidence: list[str] = []
    home: Place | None = None
    if level == "县":
        top_county = max(counties, key=lambda c: (c[0]["count"], -c[0]["first"]), default=None)
        top_hidden = max(hidden, key=lambda p: p["count"], default=None)
        if top_hidden and (not top_county or top_hidden["count"] >= top_county[0]["count"]):
            result["county_anonymised"] = top_hidden["name"]
            own = re.search("我们?" + re.escape(top_hidden["name"]), text)
            start = own.start() if own else text.find(top_hidden["name"])
            evidence.append(f"本县名称被隐去：“{quote(text, start, start + len(top_hidden['name']))}”")
        elif top_county and top_county[0]["count"] >= 2 and re.search("我县|全县|本县", text):
            home = top_county[1]
            written = top_county[0].get("written", home.name)
            start = text.find(written)
            evidence.append(
                f"讲话称“我县”“全县”，并{top_county[0]['count']}次提到{written}：“{quote(text, start, start + len(written))}”"
            )
    if home is None and divisions:
        # The places the speech compares itself with: when they all lie in one city
        # (or province), the speaker's place lies there too.
        for rank in (1, 0):
            regions = {parent(d, rank) for d in divisions if d.rank >= rank} - {None}
            if len(regions) == 1 and (level in ("县", "乡镇") or rank == 0 and level == "市"):
                home = regions.pop()
                names = "、".join(p["name"] for p in places if p.get("adcode") and by_code[p["adcode"]] != home)
                evidence.append(f"提到的地方都属{home.name}" + (f"：{names}" if names else ""))
                break
    if home is not None:
        result.update(
            province=(parent(home, 0) or home).name,
            city=parent(home, 1).name if home.rank >= 1 and parent(home, 1) else None,
            county=home.name if home.rank == 2 else None,
            adcode=home.adcode,
        )
        if home.rank == 2:
            city = parent(home, 1)
            evidence.append(f"据行政区划，{home.name}属{result['province']}{city.name if city else ''}")
    result["inferred"] = bool(result["province"])
    result["evidence"] = evidence
    if not result["province"] and "county_anonymised" not in result:
        named = [p["name"] for p in places]
        result["reason"] = (
            "讲话提到的地方名称都被隐去：" + "、".join(named)
            if named and all(p["kind"] == "anonymised" for p in places)
            else "讲话没有提到能确定讲话人所在地的地名"
        )
    return result
