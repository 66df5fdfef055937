"""Small text fixers: each takes text and returns the fixed text with a Change for every edit.

Every fixer is a pure function `fixer(text) -> (text, changes)`, so the cleaner can
chain them and the change log can undo any one of them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from functools import partial

from .speech import Change, in_sequence, substitute

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
FULL_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】…—"
TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"


def normalize_controls(text: str) -> tuple[str, list[Change]]:
    """Unify line endings and drop invisible characters that change nothing a reader sees.

    >>> normalize_controls("同志们\\r\\n今天\\u200b开会")[0]
    '同志们\\n今天开会'

    Bidirectional overrides and zero-width characters can hide or reorder text in a
    browser, so they are removed (and recorded) rather than carried into the page.
    """
    return in_sequence(
        text,
        partial(substitute, pattern=_LINE_ENDINGS, replacement="\n", stage="normalize", kind="line-ending"),
        partial(substitute, pattern=_INVISIBLE, replacement="", stage="normalize", kind="invisible-character"),
        partial(substitute, pattern=_ODD_SPACES, replacement=" ", stage="normalize", kind="odd-space"),
    )


_LINE_ENDINGS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufffc\x00-\x08\x0e-\x1f\x7f]")
_ODD_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f]")


@lru_cache(maxsize=1)
def _pinyin_syllables() -> frozenset[str]:
    """Toneless pinyin syllables, derived from pypinyin's own dictionary."""
    from pypinyin import Style, lazy_pinyin  # noqa: PLC0415 - loaded once, only when needed
    from pypinyin.pinyin_dict import pinyin_dict

    syllables = set()
    for code in pinyin_dict:
        syllables.update(lazy_pinyin(chr(code), style=Style.NORMAL, v_to_u=True))
    return frozenset(s for s in syllables if s.isalpha())


_ANNOTATION = re.compile(rf"(?<=[{CJK}])\(([a-z{TONED}]{{1,7}})\)")


def remove_pinyin(text: str) -> tuple[str, list[Change]]:
    """Remove pinyin annotations written after characters.

    >>> remove_pinyin("脫貧攻堅(jiān)調(diào)度會")[0]
    '脫貧攻堅調度會'

    A lowercase word in brackets after a character counts as pinyin only when it
    carries a tone mark or is a real pinyin syllable, so "(ppp)" stays.
    """

    def strip(match: re.Match) -> str:
        word = match.group(1)
        toned = any(ch in TONED for ch in word)
        return "" if toned or word in _pinyin_syllables() else match.group(0)

    return substitute(text, _ANNOTATION, strip, "pinyin", "pinyin-annotation")


_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_CONTEXT = f"{CJK}{FULL_PUNCT}"
# A mark counts as Chinese punctuation when a Chinese character or mark stands on
# either side; between digits (1,000 or 11:01) it is a number's separator.
_ASCII_PUNCT = re.compile(rf"(?<=[{_CONTEXT}])[,;:?!]|[,;:?!](?=[{_CONTEXT}])")
_PAREN_PAIR = re.compile(rf"\(([^()\n]*[{CJK}][^()\n]*)\)")


def full_width_punctuation(text: str) -> tuple[str, list[Change]]:
    """Turn ASCII punctuation standing for Chinese punctuation into its full-width form.

    >>> full_width_punctuation("刚才,小林同志讲了(2020年5月7日):好!11:01")[0]
    '刚才，小林同志讲了（2020年5月7日）：好！11:01'
    """
    return in_sequence(
        text,
        partial(substitute, pattern=_PAREN_PAIR, replacement=lambda m: f"（{m.group(1)}）", stage="punctuation", kind="ascii-parentheses"),
        partial(substitute, pattern=_ASCII_PUNCT, replacement=lambda m: _FULL_WIDTH[m.group(0)], stage="punctuation", kind="ascii-punctuation"),
    )


_WRAP_SPACE = re.compile(rf"(?<=[{_CONTEXT}])[ \t\u3000]+(?=[{_CONTEXT}0-9])|(?<=[{_CONTEXT}0-9])[ \t\u3000]+(?=[{_CONTEXT}])")
_LINE_EDGE_SPACE = re.compile(r"^[ \t\u3000]+|[ \t\u3000]+$", re.M)


def remove_wrap_spaces(text: str) -> tuple[str, list[Change]]:
    """Remove the spaces a PDF line wrap left between Chinese characters, and spaces at line edges.

    >>> remove_wrap_spaces("召开8月份月度工作 推进会,汇报了 7月份")[0]
    '召开8月份月度工作推进会,汇报了7月份'
    """
    return in_sequence(
        text,
        partial(substitute, pattern=_LINE_EDGE_SPACE, replacement="", stage="spacing", kind="line-edge-space"),
        partial(substitute, pattern=_WRAP_SPACE, replacement="", stage="spacing", kind="line-wrap-space"),
    )


_BLANK_RUNS = re.compile(r"\n{3,}")


def collapse_blank_lines(text: str) -> tuple[str, list[Change]]:
    """Keep at most one blank line between paragraphs.

    >>> collapse_blank_lines("一\\n\\n\\n\\n二")[0]
    '一\\n\\n二'
    """
    return substitute(text, _BLANK_RUNS, "\n\n", "spacing", "blank-lines")
