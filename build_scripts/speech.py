"""The record every pipeline stage takes and returns: one speech, its text, metadata and change log."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, replace
from typing import Callable


# Kept by value once per speech when it is pickled: a character converted or a mark made full-width.
SHORT = 2


def _shared(text: str) -> str:
    return sys.intern(text) if len(text) <= SHORT else text


@dataclass(frozen=True, slots=True)
class Change:
    """One edit a stage made: `original` at `position` of the stage's input became `replacement`."""

    stage: str
    kind: str
    position: int
    original: str
    replacement: str
    confidence: float | None = None
    note: str = ""
    step: int = 0  # passes over a text are numbered; positions refer to the text its pass received

    def as_dict(self) -> dict:
        data = {
            "stage": self.stage,
            "kind": self.kind,
            "position": self.position,
            "original": self.original,
            "replacement": self.replacement,
            "step": self.step,
        }
        if self.confidence is not None:
            data["confidence"] = round(self.confidence, 3)
        if self.note:
            data["note"] = self.note
        return data

    def in_pass(self, step: int) -> Change:
        """This change numbered as made by pass `step`: `dataclasses.replace(self, step=step)`.

        Written out, because `replace` looks the fields up on every call, and cleaning
        renumbers every change of a speech (thousands) at each stage.

        >>> change = Change("s", "k", 3, "a", "b", 0.5, "note", 1)
        >>> change.in_pass(4) == replace(change, step=4)
        True
        """
        return Change(self.stage, self.kind, self.position, self.original, self.replacement, self.confidence, self.note, step)

    def __reduce__(self):
        # A speech has thousands of changes, most of them to a character or two, and the main
        # process of a build holds every speech's: pickle writes an interned string once per
        # speech, so each comes back as one object rather than thousands.
        fields = (_shared(self.original), _shared(self.replacement), self.confidence, self.note, self.step)
        return Change, (self.stage, self.kind, self.position, *fields)


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
        base = self.changes[-1].step + 1 if self.changes else 0
        renumbered = tuple(c.in_pass(base + c.step) for c in changes)
        return replace(self, text=text, changes=self.changes + renumbered)

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


def in_sequence(text: str, *passes: Callable[[str], tuple[str, list[Change]]]) -> tuple[str, list[Change]]:
    """Run passes one after another, numbering their changes so that they can be undone in reverse."""
    changes: list[Change] = []
    for step, apply in enumerate(passes):
        text, made = apply(text)
        changes.extend(c.in_pass(step) for c in made)
    return text, changes


def undo(text: str, changes: list[Change]) -> str:
    """Reverse the changes of one pass (positions in the pass's input); raise ValueError if they do not fit."""
    out: list[str] = []
    cursor = 0
    source_pos = 0
    for change in sorted(changes, key=lambda c: c.position):
        keep = change.position - source_pos
        out.append(text[cursor : cursor + keep])
        if text[cursor + keep : cursor + keep + len(change.replacement)] != change.replacement:
            raise ValueError(f"the record says {change.replacement!r} stands at {change.position}, the text differs")
        out.append(change.original)
        cursor += keep + len(change.replacement)
        source_pos = change.position + len(change.original)
    out.append(text[cursor:])
    return "".join(out)


def undo_all(text: str, changes: list[Change] | tuple[Change, ...]) -> str:
    """Give back the text before all the changes, undoing pass after pass, last first."""
    for step in sorted({c.step for c in changes}, reverse=True):
        text = undo(text, [c for c in changes if c.step == step])
    return text
