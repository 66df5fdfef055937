"""The record every pipeline stage takes and returns: one speech, its text, metadata and change log."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Callable


@dataclass(frozen=True)
class Change:
    """One edit a stage made: `original` at `position` of the stage's input became `replacement`."""

    stage: str
    kind: str
    position: int
    original: str
    replacement: str
    confidence: float | None = None
    note: str = ""

    def as_dict(self) -> dict:
        data = {
            "stage": self.stage,
            "kind": self.kind,
            "position": self.position,
            "original": self.original,
            "replacement": self.replacement,
        }
        if self.confidence is not None:
            data["confidence"] = round(self.confidence, 3)
        if self.note:
            data["note"] = self.note
        return data


@dataclass(frozen=True)
class Block:
    """A unit of the speech body: a heading (with its level) or a paragraph."""

    kind: str  # "heading" or "paragraph"
    text: str
    level: int = 0
    anchor: str = ""


@dataclass(frozen=True)
class Speech:
    """A speech on its way from raw bytes to a page."""

    source_file: str
    raw: bytes
    text: str = ""
    encoding: str = ""
    meta: dict = field(default_factory=dict)
    changes: tuple[Change, ...] = ()
    warnings: tuple[str, ...] = ()
    blocks: tuple[Block, ...] = ()

    def evolve(self, **kwargs) -> "Speech":
        return replace(self, **kwargs)

    def with_meta(self, **values) -> "Speech":
        return replace(self, meta={**self.meta, **values})

    def with_text(self, text: str, changes: list[Change]) -> "Speech":
        return replace(self, text=text, changes=self.changes + tuple(changes))

    def warn(self, message: str) -> "Speech":
        return replace(self, warnings=self.warnings + (message,))


def substitute(
    text: str,
    pattern: re.Pattern,
    replacement: str | Callable[[re.Match], str],
    stage: str,
    kind: str,
) -> tuple[str, list[Change]]:
    """Like `pattern.sub`, but return a Change for every match that altered the text.

    Positions refer to the input text, so the changes of one call can be undone
    (see `undo`) to give the input back exactly.
    """
    changes: list[Change] = []
    pieces: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        new = replacement(match) if callable(replacement) else match.expand(replacement)
        if new == match.group(0):
            continue
        pieces.append(text[last : match.start()])
        pieces.append(new)
        changes.append(Change(stage, kind, match.start(), match.group(0), new))
        last = match.end()
    pieces.append(text[last:])
    return "".join(pieces), changes


def undo(text: str, changes: list[Change]) -> str:
    """Reverse the changes of one `substitute`-style pass (positions in the pass's input)."""
    out: list[str] = []
    cursor = 0
    source_pos = 0
    for change in sorted(changes, key=lambda c: c.position):
        keep = change.position - source_pos
        out.append(text[cursor : cursor + keep])
        out.append(change.original)
        cursor += keep + len(change.replacement)
        source_pos = change.position + len(change.original)
    out.append(text[cursor:])
    return "".join(out)
