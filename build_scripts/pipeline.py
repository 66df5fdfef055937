"""A raw source file's bytes in, a fully processed Speech out: decode → clean → extract → structure."""

from __future__ import annotations

from .clean import clean
from .decode import Refused, decode
from .extract import extract
from .speech import Speech
from .structure import structure

MIN_CHARS = 200

__all__ = ["process", "Refused", "MIN_CHARS"]


def _check_length(speech: Speech) -> Speech:
    body = sum(len(line) for line in speech.text.split())
    if body < MIN_CHARS:
        raise Refused(f"too short to be a speech ({body} characters of text after cleaning, at least {MIN_CHARS} needed)")
    return speech


def process(source_file: str, raw: bytes) -> Speech:
    """Run every pure stage over one source; raise Refused with the reason when it cannot be a speech."""
    speech = decode(Speech(source_file=source_file, raw=raw))
    speech = clean(speech).with_meta(encoding=speech.encoding)
    speech = _check_length(speech)
    return structure(extract(speech))
