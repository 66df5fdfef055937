"""Clean Simplified text in, the same text garbled the way the scraped sites garbled it (and the truth) out."""

from __future__ import annotations

import functools
import json
import random
from dataclasses import dataclass
from pathlib import Path

from build_scripts.mojibake import gbk_pairs

# The chain, as reconstructed from the seeds: OpenCC s2t; ASCII punctuation; GBK bytes;
# pinyin added after some converted characters by a search-and-replace on the bytes (which
# also matches the trail byte of one character plus the lead byte of the next); lead bytes
# lost ("?" in their place) and full stops losing their first byte; decoding with a lenient
# GBK decoder (user-defined pairs as private use, or dropped); full-width forms folded to ASCII.

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "government_work_reports.jsonl"

# The sites' own punctuation rewrite, applied before encoding (and again after decoding).
SITE_PUNCT = str.maketrans({"，": ",", "？": "?", "！": "!", "：": ":", "；": ";", "（": "(", "）": ")"})
# Full-width ASCII forms that garbled byte pairs decode to are folded by the same rewrite.
FULL_WIDTH_TO_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


@dataclass(frozen=True)
class DamageConfig:
    # Rates about three times those of the worst seeds (000 and 004), so that a modest
    # sample holds many damaged spans; DENSE is harder still.
    annotate_share: float = 0.25  # share of converted character types the site annotates
    lost_lead: float = 0.003  # chance that a character's lead byte became "?"
    lost_full_stop: float = 0.1  # chance that a 。 lost its first byte (A1)
    drop_private: float = 0.1  # chance that a user-defined pair is dropped, not shown as private-use
    lone_as_question: float = 0.5  # chance that a document's decoder shows a lone lead byte as "?"


DENSE = DamageConfig(lost_lead=0.01, lost_full_stop=0.3)


@dataclass(frozen=True)
class Sample:
    truth: str  # the clean Simplified text (paragraphs the chain cannot encode are left out)
    damaged: str  # what the site shows
    site_text: str  # what the site meant to show: Traditional, ASCII punctuation, no pinyin yet


@functools.cache
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


@functools.lru_cache(maxsize=1)
def _pair_table() -> dict[bytes, str]:
    """Every two-byte sequence a lenient GBK decoder turns into a character, keyed by its bytes."""
    return {code.to_bytes(2, "big"): char for code, char in gbk_pairs().items()}


def _pinyin(char: str) -> str | None:
    from pypinyin import Style, pinyin

    reading = pinyin(char, style=Style.TONE, heteronym=False)[0][0]
    try:
        reading.encode("gbk")
    except UnicodeEncodeError:
        return None
    return reading if reading != char and reading.isalpha() else None


def _annotate(data: bytes, traditional: str, rng: random.Random, share: float) -> bytes:
    """Add "(pinyin)" after a share of the converted characters, byte-wise as the sites did."""
    to_simplified = _converter("t2s")
    converted = sorted({c for c in traditional if "\u4e00" <= c <= "\u9fff" and to_simplified.convert(c) != c})
    rng.shuffle(converted)
    for char in converted[: round(len(converted) * share)]:
        reading = _pinyin(char)
        if reading is None:
            continue
        pattern = char.encode("gbk")
        data = data.replace(pattern, pattern + b"(" + reading.encode("gbk") + b")")
    return data


def _lose_bytes(data: bytes, rng: random.Random, config: DamageConfig) -> bytes:
    """Replace some lead bytes with "?" and drop the first byte of some full stops."""
    out = bytearray()
    i = 0
    while i < len(data):
        byte = data[i]
        if byte < 0x80 or i + 1 >= len(data):
            out.append(byte)
            i += 1
            continue
        pair = data[i : i + 2]
        if pair == b"\xa1\xa3" and rng.random() < config.lost_full_stop:
            out.append(0xA3)
        elif rng.random() < config.lost_lead:
            out += b"?" + pair[1:]
        else:
            out += pair
        i += 2
    return bytes(out)


def site_decode(data: bytes, rng: random.Random, lone_as_question: bool, drop_private: float) -> str:
    """Decode GBK the lenient way the sites did: a lead byte and "(" become "?", a lone lead byte is dropped or "?"."""
    table = _pair_table()
    out = []
    i = 0
    while i < len(data):
        byte = data[i]
        if byte < 0x80:
            out.append(chr(byte))
            i += 1
            continue
        if i + 1 < len(data):
            if data[i + 1] == 0x28:
                out.append("?")
                i += 2
                continue
            char = table.get(data[i : i + 2])
            if char is not None:
                if not ("\ue000" <= char <= "\uf8ff" and rng.random() < drop_private):
                    out.append(char)
                i += 2
                continue
        if lone_as_question:
            out.append("?")
        i += 1
    return "".join(out).translate(FULL_WIDTH_TO_ASCII)


def _encodable_paragraphs(text: str) -> tuple[list[str], list[str]]:
    """(simplified, traditional) paragraphs whose Traditional form GBK can encode."""
    to_traditional = _converter("s2t")
    simplified, traditional = [], []
    for paragraph in text.split("\n"):
        converted = to_traditional.convert(paragraph)
        try:
            converted.encode("gbk")
        except UnicodeEncodeError:
            continue
        simplified.append(paragraph)
        traditional.append(converted)
    return simplified, traditional


def damage(text: str, rng: random.Random, config: DamageConfig = DamageConfig()) -> Sample:
    """Garble one clean Simplified document as a scraping site would."""
    simplified, traditional = _encodable_paragraphs(text)
    site_text = "\n".join(traditional).translate(SITE_PUNCT)
    data = _annotate(site_text.encode("gbk"), site_text, rng, config.annotate_share)
    lone_as_question = rng.random() < config.lone_as_question
    damaged = site_decode(_lose_bytes(data, rng, config), rng, lone_as_question, config.drop_private)
    return Sample(truth="\n".join(simplified), damaged=damaged, site_text=site_text)


def corpus_documents(path: Path = CORPUS) -> list[str]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line)["content"] for line in handle if line.strip()]


def samples(chars: int, seed: int = 0, config: DamageConfig = DamageConfig(), path: Path = CORPUS) -> list[Sample]:
    """Damaged excerpts of about `chars` characters in all, drawn reproducibly from the corpus."""
    rng = random.Random(seed)
    documents = corpus_documents(path)
    result: list[Sample] = []
    total = 0
    while total < chars:
        document = rng.choice(documents)
        paragraphs = [p.strip() for p in document.split("\n") if len(p.strip()) > 20]
        start = rng.randrange(len(paragraphs))
        excerpt = "\n".join(paragraphs[start : start + 8])[: max(200, chars - total)]
        sample = damage(excerpt, rng, config)
        result.append(sample)
        total += len(sample.truth)
    return result
