"""Traditional or mixed script in, Simplified out, with every converted run recorded.

The configuration is `tw2s`: on the sources it also turns 著 into 着 where plain
`t2s` leaves it, and unlike `tw2sp` it converts characters only, so the speaker's
words are kept (`tw2sp` rewrites 指标 as 指针).
"""

from __future__ import annotations

from difflib import SequenceMatcher
from functools import lru_cache

import numpy as np
import opencc

from .speech import Change, Speech

CONFIG = "tw2s"


@lru_cache(maxsize=4)
def converter(config: str = CONFIG) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def _code_points(text: str) -> np.ndarray:
    """The text's code points as an array (a lone surrogate too: it is one like any other here)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _differing_runs(before: str, after: str) -> list[tuple[int, int]]:
    """(start, end) of each maximal run of positions where two texts of the same length differ.

    >>> _differing_runs("縣委書記會", "县委书记會")
    [(0, 1), (2, 4)]
    """
    differs = _code_points(before) != _code_points(after)
    # A run starts where a position differs and the one before it does not, and ends likewise.
    edges = np.flatnonzero(np.diff(differs, prepend=False, append=False)).tolist()
    return list(zip(edges[::2], edges[1::2]))


def _runs(before: str, after: str) -> list[Change]:
    """Changes turning `before` into `after`, one per run of converted characters."""
    if len(before) == len(after):
        return [
            Change("script", "to-simplified", start, before[start:end], after[start:end])
            for start, end in _differing_runs(before, after)
        ]
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    return [
        Change("script", "to-simplified", i1, before[i1:i2], after[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def to_simplified(text: str) -> tuple[str, list[Change]]:
    """Convert text to Simplified script with OpenCC.

    >>> to_simplified("縣委書記脫貧攻堅")[0]
    '县委书记脱贫攻坚'
    """
    converted = converter().convert(text)
    return converted, _runs(text, converted)


def simplify(speech: Speech) -> Speech:
    """Speech in any script in, Simplified speech out; the original script is kept in `meta['script']`."""
    text, changes = to_simplified(speech.text)
    share = sum(len(c.original) for c in changes) / max(1, len(text))
    return speech.with_text(text, changes).with_meta(script="traditional" if share > 0.05 else "simplified")
