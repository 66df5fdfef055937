"""Raw bytes in, Unicode text and the name of its encoding out (or a refusal with its reason)."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from .speech import Speech


class Refused(Exception):
    """A source that cannot become a speech; the message is the reason, for a person to read."""


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# The encodings Chinese sources come in; charset-normalizer chooses among them
# when the bytes are not UTF-8. GB18030 is a superset of GBK and GB2312.
_CANDIDATES = ["gb18030", "big5", "big5hkscs", "utf_16", "cp950"]


def looks_binary(data: bytes) -> bool:
    """Bytes that are not text: a NUL byte, or more than one control character in a hundred, near the start."""
    sample = data[:4096]
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return b"\x00" in sample or controls > len(sample) // 100


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a source file's bytes; raise Refused when they are not text in a known encoding."""
    if not data.strip():
        raise Refused("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as error:
                raise Refused(f"starts with a {encoding} byte-order mark but does not decode: {error.reason}") from None
    if looks_binary(data):
        raise Refused("binary data, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=_CANDIDATES).best()
    if best is None:
        raise Refused("no encoding decodes it without damage (tried UTF-8, GB18030, Big5, UTF-16)")
    return str(best), best.encoding


def decode(speech: Speech) -> Speech:
    """Speech with raw bytes in, speech with `text` and `encoding` out."""
    text, encoding = decode_bytes(speech.raw)
    return speech.evolve(text=text, encoding=encoding)
