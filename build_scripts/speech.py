"""The record every pipeline stage takes and returns: one speech, its text, metadata and change log."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from itertools import compress
from operator import attrgetter
from typing import Callable


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


# Changes that are many and alike (a character converted, a mark made full-width, a line
# ending unified): the record counts them by what became what instead of listing positions.
COUNTED_STAGES = {"script", "punctuation", "pinyin", "spacing"}
COUNTED_KINDS = {"line-ending", "line-wrap"}


def is_routine(change: Change) -> bool:
    return change.stage in COUNTED_STAGES or change.kind in COUNTED_KINDS


_COUNTED_AS = attrgetter("stage", "kind", "original", "replacement")
_COUNTED_ROWS: dict[tuple, tuple] = {}


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
    # Routine changes once the speech is recorded (`recorded`): (stage, kind, original, replacement, count).
    counted: tuple[tuple[str, str, str, str, int], ...] = ()
    passes: int = 0  # passes over the text so far, so that a later pass is numbered after them

    def __setstate__(self, state: dict) -> None:
        # Unpickled in the main process of a build, which holds every speech: their counted
        # changes repeat the same few thousand rows (a character converted, so many times),
        # so each row is kept once for the whole archive rather than once a speech.
        counted = tuple(_COUNTED_ROWS.setdefault(row, row) for row in state.get("counted", ()))
        self.__dict__.update(state, counted=counted)

    def evolve(self, **kwargs) -> "Speech":
        return replace(self, **kwargs)

    def with_meta(self, **values) -> "Speech":
        return replace(self, meta={**self.meta, **values})

    def with_text(self, text: str, changes: list[Change]) -> "Speech":
        renumbered = tuple(c.in_pass(self.passes + c.step) for c in changes)
        passes = renumbered[-1].step + 1 if renumbered else self.passes
        return replace(self, text=text, changes=self.changes + renumbered, passes=passes)

    def recorded(self) -> "Speech":
        """The speech as the archive keeps it: its routine changes counted by what became what, the others listed.

        A speech has thousands of routine changes, and a build holds every speech: counted,
        they take a few hundred bytes instead of a few hundred kilobytes. The listed changes
        alone no longer give back the raw text, so this comes after every check of the record.
        """
        routine = [is_routine(c) for c in self.changes]
        counted = Counter({entry[:4]: entry[4] for entry in self.counted})
        counted.update(map(_COUNTED_AS, compress(self.changes, routine)))
        listed = tuple(c for c, counts in zip(self.changes, routine) if not counts)
        return replace(self, changes=listed, counted=tuple((*key, count) for key, count in sorted(counted.items())))

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
