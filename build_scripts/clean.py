"""Decoded speech in, cleaned Simplified speech out: the cleaning stages in the order they must run.

Order matters: mojibake repair needs the original GBK byte alignment, so it runs
before pinyin removal and script conversion; boilerplate rules run after pinyin
removal so that a label like 本文內(nèi)容 is matched as 本文內容.
"""

from __future__ import annotations

from typing import Callable

from . import fixes, mojibake
from .boilerplate import remove_boilerplate
from .script import simplify
from .speech import Change, Speech

TextFixer = Callable[[str], tuple[str, list[Change]]]


def _text_stage(fixer: TextFixer) -> Callable[[Speech], Speech]:
    def stage(speech: Speech) -> Speech:
        text, changes = fixer(speech.text)
        return speech.with_text(text, changes)

    stage.__name__ = fixer.__name__
    stage.__doc__ = fixer.__doc__
    return stage


def _record_damage(speech: Speech) -> Speech:
    """List the damaged spans the repair could not mend for sure, so that nothing hides them.

    A span counts when a character was left open (□) or the chosen reading is no
    likelier than the threshold under which the repair would have left a gap.
    """
    spans = [
        {
            "position": c.position,
            "text": c.original,
            "repaired": c.replacement,
            **({"confidence": round(c.confidence, 3)} if c.confidence is not None else {}),
        }
        for c in speech.changes
        if c.stage == "mojibake"
        and (c.kind == "gap" or mojibake.GAP in c.replacement or (c.confidence or 0.0) < mojibake.GAP_THRESHOLD)
    ]
    return speech.with_meta(damaged_spans=spans) if spans else speech


STAGES: tuple[Callable[[Speech], Speech], ...] = (
    _text_stage(fixes.normalize_controls),
    _text_stage(mojibake.repair),
    _record_damage,
    _text_stage(fixes.remove_pinyin),
    remove_boilerplate,
    simplify,
    _text_stage(fixes.full_width_punctuation),
    _text_stage(fixes.remove_wrap_spaces),
    _text_stage(fixes.collapse_blank_lines),
)


def clean(speech: Speech) -> Speech:
    """Run every cleaning stage over a decoded speech."""
    for stage in STAGES:
        speech = stage(speech)
    return speech
