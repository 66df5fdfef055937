"""Speech text in, the people (with their titles as written) and the organisations it mentions out, each with count and first position."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from .lexicon import word_tags, words

# How a speech names a person: by a title after the name (刘县长, 周泽民书记, 小林同志)
# or before it (市委书记张新起). Titles are a closed set of the language of offices.
TITLE = re.compile(
    r"^(?:总书记|副?书记|副?[省市县区乡镇]长|常务副|副?部长|副?主任|副?局长|副?厅长|副?处长|副?科长|副?主席|秘书长|委员|常委|组长|同志)$"
)
_TITLE_END = re.compile(r"(?:书记|[省市县区乡镇]长|部长|主任|局长|厅长|主席|秘书长)$")
_OFFICE_WORD = re.compile(
    r"^(?:[省市县区乡镇]委?|[省市县区]委|[乡镇]党委|党委|党组|政府|组织部|宣传部|纪委|常务|常务副|副)$"
)
_OFFICE_CHARS = re.compile(r"[委县市省局部党政府办院厅处科组队村乡镇区级会]")
_FUNCTION_TAGS = {"c", "p", "r", "d", "u", "uj", "ul", "uz", "ud", "ug", "uv", "a", "ad", "m", "mq"}
_SURNAME = -6.0  # log-probability of jieba's name model that a character opens a name: the commoner surnames
_GIVEN_NAME = -9.5
ANONYMISED_PERSON = re.compile(r"(\*{2,}|[Xx×]{2,}|某某?)(同志|书记|县长|市长|部长|主任|局长)")

_LEVEL = re.compile(r"^(?:[省市县区乡镇]|[省市县区]委|[乡镇]党委|中央|国家|全国)$")
_BODY = re.compile(r"(?:部|局|办|委|院|厅|室|署|政府|人大|政协|督查组|工作组|领导小组|办公室)$")
_SELF_NAMED = re.compile(
    r"^(?:[省市县区]委|[省市县区乡镇](?:政府|人大|政协|纪委)|[乡镇]党委|党中央|国务院|中央政治局|全国人大|全国政协)$"
)


@lru_cache(maxsize=1)
def _name_start() -> dict[str, float]:
    """jieba's name model: how likely each character opens a person's name."""
    import jieba.posseg.prob_emit as emit  # noqa: PLC0415 - part of jieba, loaded with it

    return emit.P[("B", "nr")]


def _as_name(word: str) -> str | None:
    """The person's name a jieba word is, if it is one (its first character dropped when jieba glued 和 to it)."""
    tags, opens = word_tags(), _name_start()
    if not re.fullmatch(r"[\u4e00-\u9fff]{1,3}", word) or _OFFICE_CHARS.search(word):
        return None
    tag = tags.get(word)
    if len(word) == 1:
        return word if opens.get(word, -99) >= _SURNAME and tag not in _FUNCTION_TAGS else None
    if tag is None and len(word) == 3 and tags.get(word[0]) in {"c", "p"}:
        word, tag = word[1:], tags.get(word[1:])
    if tag in {"nr", "nrfg", "nrt"} or (tag is None or tag == "nz") and opens.get(word[0], -99) >= _GIVEN_NAME:
        return word
    return None


def matching(test: Callable[[str], object], tokens: list[tuple[str, int]]) -> frozenset[str]:
    """The words of `tokens` that pass `test` (a pattern's `match` or `search`).

    A speech uses each word many times: asking once per distinct word is a fraction of the work.

    >>> sorted(matching(TITLE.match, [("刘", 0), ("县长", 1), ("说", 3), ("县长", 4)]))
    ['县长']
    """
    return frozenset(word for word in {word for word, _ in tokens} if test(word))


def people(text: str, tokens: list[tuple[str, int]] | None = None) -> list[dict]:
    """People the speech names, with the title it gives them, how often and where first; anonymised ones too."""
    tokens = tokens if tokens is not None else words(text)
    found: dict[str, dict] = {}
    titles, title_ends = matching(TITLE.match, tokens), matching(_TITLE_END.search, tokens)

    def add(name: str, title: str, written: str, start: int) -> None:
        key = name if len(name) > 1 else name + title
        entry = found.setdefault(key, {"name": name, "title": title, "written": written, "count": 0, "first": start})
        entry["count"] += 1

    for i, (word, start) in enumerate(tokens):
        if word in titles and i and word != "常务副":
            name = _as_name(tokens[i - 1][0])
            if name:
                first = i - 1
                while (
                    first
                    and (TITLE.match(tokens[first - 1][0]) or _OFFICE_WORD.match(tokens[first - 1][0]))
                    and i - first < 5
                ):
                    first -= 1
                name_start = tokens[i - 1][1] + len(tokens[i - 1][0]) - len(name)
                office = text[tokens[first][1] : tokens[i - 1][1]] if first < i - 1 else ""
                title = office + word if office and word != "同志" else office or word
                add(name, title, (office or "") + name + word, name_start)
                continue
        if word in title_ends and i + 1 < len(tokens):
            name = tokens[i + 1][0]
            following = tokens[i + 2][0] if i + 2 < len(tokens) else ""
            if (
                _as_name(name) == name
                and len(name) > 1
                and _name_start().get(name[0], -99) >= _SURNAME
                and not TITLE.match(following)
            ):
                add(name, word, word + name, tokens[i + 1][1])
    for match in ANONYMISED_PERSON.finditer(text):
        key = match.group(0)
        entry = found.setdefault(
            key,
            {
                "name": match.group(1),
                "title": match.group(2),
                "written": key,
                "count": 0,
                "first": match.start(),
                "anonymised": True,
            },
        )
        entry["count"] += 1
    return sorted(found.values(), key=lambda e: e["first"])


def organisations(text: str, tokens: list[tuple[str, int]] | None = None) -> list[dict]:
    """Bodies the speech names with their level (县委组织部, 市扶贫办, 县检察院, 国务院), how often and where first."""
    tokens = tokens if tokens is not None else words(text)
    found: dict[str, dict] = {}
    levels, self_named = matching(_LEVEL.match, tokens), matching(_SELF_NAMED.match, tokens)
    i = 0
    while i < len(tokens):
        word, start = tokens[i]
        name, used = None, 1
        if word in levels and i + 1 < len(tokens):
            body = tokens[i + 1][0]
            if _BODY.search(body) and not TITLE.match(body) and not _SELF_NAMED.match(body):
                name, used = word + body, 2
            elif (
                i + 2 < len(tokens)
                and len(tokens[i + 2][0]) == 1
                and _BODY.search(tokens[i + 2][0])
                and re.fullmatch(r"[\u4e00-\u9fff]{2}", body)
            ):
                name, used = word + body + tokens[i + 2][0], 3
        if name is None and word in self_named:
            name = word
        if name:
            entry = found.setdefault(name, {"name": name, "count": 0, "first": start})
            entry["count"] += 1
        i += used
    return sorted(found.values(), key=lambda e: e["first"])
