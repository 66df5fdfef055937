"""A raw source's bytes in, a fully processed Speech out: read → (PDF layout) → clean → extract → structure.

`read` is the decode stage for every kind of input (sources.py): text files are
decoded, web pages, Word files and PDFs have their text extracted, dump rows their
text column taken. What it gives is the raw text the change log accounts for.
"""

from __future__ import annotations

import hashlib

from . import sources
from .clean import clean
from .decode import Refused
from .extract import extract
from .speech import Speech, undo_all
from .structure import structure

MIN_CHARS = 200

__all__ = ["process", "read", "Refused", "MIN_CHARS"]


def _check_length(speech: Speech) -> Speech:
    body = sum(len(line) for line in speech.text.split())
    if body < MIN_CHARS:
        raise Refused(f"too short to be a speech ({body} characters of text after cleaning, at least {MIN_CHARS} needed)")
    return speech


def account_for(decoded: str, speech: Speech) -> Speech:
    """Check that the cleaned text and its change log give back the decoded raw text exactly."""
    try:
        accounted = undo_all(speech.text, speech.changes) == decoded
    except ValueError:
        accounted = False
    return speech if accounted else speech.warn("the cleaning record does not account for the raw text")


def read(source_file: str, raw: bytes, kind: str | None = None, columns: dict | None = None) -> tuple[Speech, sources.Extracted]:
    """The decode stage: a speech with the source's text, and what its reader found out about the file."""
    kind = kind or sources.kind_of(source_file)
    if kind is None:
        raise Refused(sources.unsupported_reason(source_file))
    extracted = sources.read(kind, raw, columns)
    speech = Speech(source_file=source_file, raw=raw, text=extracted.text, encoding=extracted.encoding)
    # What the file states outright guides the cleaning stages (boilerplate keeps a known
    # title instead of guessing one from the first line).
    return (speech.with_meta(site=dict(extracted.known)) if extracted.known else speech), extracted


def _pdf_layout(speech: Speech) -> Speech:
    text, changes = sources.pdf_layout(speech.text)
    return speech.with_text(text, changes)


def _with_fallbacks(speech: Speech, fallback: dict) -> Speech:
    """The file's own metadata (a page's canonical address, a row's url) where the text said nothing."""
    site = speech.meta.get("site", {})
    extra = {k: v for k, v in fallback.items() if not site.get(k)}
    return speech.with_meta(site={**site, **extra}) if extra else speech


def _provenance(speech: Speech, record: dict | None, dump: bool) -> Speech:
    """The file's provenance record in `meta["provenance"]`; a warning when the file changed since it was added."""
    if not record:
        return speech
    provenance = {
        "url": sources.safe_url(record.get("url")),
        "retrieved": sources.meta_text(record.get("retrieved"), 40),
        "sha256": sources.meta_text(record.get("sha256"), 64),
        "file": sources.meta_text(record.get("file")) if dump else None,
    }
    provenance = {k: v for k, v in provenance.items() if v}
    if not dump and record.get("sha256") and record["sha256"] != hashlib.sha256(speech.raw).hexdigest():
        speech = speech.warn("the file differs from the one recorded when it was added (its SHA-256 changed)")
    return speech.with_meta(provenance=provenance)


def process(
    source_file: str,
    raw: bytes,
    kind: str | None = None,
    columns: dict | None = None,
    provenance: dict | None = None,
    max_bytes: int | None = None,
) -> Speech:
    """Run every pure stage over one source; raise Refused with the reason when it cannot be a speech.

    `kind` is the kind of source (from the file name when not given), `columns` the
    column mapping of a dump row, `provenance` the record of the file it came from.
    """
    if max_bytes is not None and len(raw) > max_bytes:
        raise Refused(f"larger than the size limit ({len(raw):,} bytes, at most {max_bytes:,})")
    decoded, extracted = read(source_file, raw, kind, columns)
    speech = _pdf_layout(decoded) if extracted.layout == "pdf" else decoded
    speech = clean(speech).with_meta(encoding=decoded.encoding, source_format=extracted.source_format)
    speech = _with_fallbacks(speech, {**extracted.fallback, **_provenance_fallback(provenance, extracted)})
    speech = extract(_check_length(speech))
    speech = _provenance(speech, provenance, dump=sources.dump_and_line(source_file) is not None)
    return structure(account_for(decoded.text, speech))


def _provenance_fallback(record: dict | None, extracted: sources.Extracted) -> dict:
    """The address a file was fetched from stands for the speech's source when nothing else gives one."""
    if not record or extracted.source_format.get("format") in sources.DUMP_KINDS:
        return {}
    url = sources.safe_url(record.get("url"))
    return {"source_url": url} if url and "source_url" not in extracted.fallback else {}
