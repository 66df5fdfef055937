"""Character trigram language model: jieba's dictionary and the government work reports in, a compact model file out."""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import re
import struct
import sys
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

# Train with `python -m build_scripts.charlm train`; score with `load().logp_char(context, char)`.
# Text is scored in a folded form (Simplified characters, full-width punctuation, one class
# each for Latin letters, digits and other ASCII symbols) so that one model serves Traditional
# and Simplified text and the ASCII punctuation the scraped sites put into Chinese.

DATA_DIR = Path(__file__).resolve().parent / "data"
MODEL_PATH = DATA_DIR / "charlm.bin"
DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "government_work_reports.jsonl"

_MAGIC = b"JHCLM2\n"
ORDER = 3
# log10 probabilities are kept to this step: ranking candidate characters needs
# no finer resolution, and one byte per n-gram keeps the file small.
_LOGP_STEP = 0.04
_BOW_STEP = 0.02
# Probability of a character the model never saw; garbled text is full of them.
UNKNOWN_LOGP = -7.0

_ASCII_PUNCT = {",": "，", "?": "？", "!": "！", ":": "：", ";": "；", "(": "（", ")": "）"}
LETTER = "a"
DIGIT = "0"
SYMBOL = "#"  # every other ASCII symbol: each is too rare in the corpus to be scored on its own


# --------------------------------------------------------------------------- folding


def _static_fold() -> dict[int, str]:
    """The part of the fold that needs no converter: punctuation, letters, digits, blanks."""
    table: dict[int, str] = {}
    for ascii_char, wide in _ASCII_PUNCT.items():
        table[ord(ascii_char)] = wide
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = LETTER
        table[code + 32] = LETTER
        table[code - 0x41 + 0xFF21] = LETTER
        table[code - 0x41 + 0xFF41] = LETTER
    for code in range(10):
        table[ord("0") + code] = DIGIT
        table[0xFF10 + code] = DIGIT
    for code in range(0x21, 0x7F):
        if code not in table and chr(code) not in ".%":
            table[code] = SYMBOL
            table[code + 0xFEE0] = SYMBOL
    for blank in "\t\u3000\xa0":
        table[ord(blank)] = " "
    table[ord("\r")] = "\n"
    return table


def build_fold_table(chars: Iterable[str]) -> dict[int, str]:
    """Fold table for `chars`: each Traditional character to its Simplified form, plus the static part."""
    import opencc

    to_simplified = opencc.OpenCC("t2s")
    table = _static_fold()
    for char in sorted(set(chars)):
        if ord(char) in table or not ("\u3400" <= char <= "\u9fff"):
            continue
        simple = to_simplified.convert(char)
        if len(simple) == 1 and simple != char:
            table[ord(char)] = simple
    return table


def gbk_characters() -> list[str]:
    """Every character GBK encodes in two bytes: the alphabet of lost-byte mojibake."""
    found = []
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            if trail == 0x7F:
                continue
            try:
                found.append(bytes((lead, trail)).decode("gbk"))
            except UnicodeDecodeError:
                pass
    return found


_SPACES = re.compile(r" {2,}")
_BLANK_LINES = re.compile(r"\s*\n\s*")


def normalise(text: str, fold: dict[int, str]) -> str:
    """Fold a training text and squeeze its blanks the way the scorer sees them."""
    text = text.translate(fold)
    text = _BLANK_LINES.sub("\n", text)
    return _SPACES.sub(" ", text).strip()


# --------------------------------------------------------------------------- training


def read_reports(path: Path) -> Iterator[str]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)["content"]


def read_jieba_words() -> Iterator[tuple[str, int]]:
    import jieba

    dictionary = Path(jieba.__file__).resolve().parent / "dict.txt"
    with open(dictionary, encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 2:
                yield parts[0], int(parts[1])


def count_ngrams(texts: Iterable[str], counts: list[dict[str, float]], weight: float = 1.0) -> None:
    """Add every 1..ORDER-gram of each text to `counts`; paragraphs are bounded by newlines."""
    for text in texts:
        padded = "\n" + text + "\n"
        for n in range(1, ORDER + 1):
            table = counts[n - 1]
            for i in range(len(padded) - n + 1):
                gram = padded[i : i + n]
                if n == 1 and gram == "\n" and i == 0:
                    continue
                table[gram] += weight


def count_words(words: Iterable[tuple[str, float]], counts: list[dict[str, float]]) -> None:
    """Add the n-grams inside each dictionary word, weighted by its frequency (no context across words)."""
    for word, weight in words:
        for n in range(1, min(ORDER, len(word)) + 1):
            table = counts[n - 1]
            for i in range(len(word) - n + 1):
                table[word[i : i + n]] += weight


def witten_bell(
    counts: list[dict[str, float]], min_counts: tuple[float, ...]
) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """Interpolated Witten-Bell estimates as a backoff model: log10 p per kept n-gram, log10 backoff per context.

    Counts may be fractional (dictionary words are down-weighted), so the number of
    distinct followers of a context counts each follower at most once.
    """
    logp: list[dict[str, float]] = [{} for _ in range(ORDER)]
    bows: list[dict[str, float]] = [{} for _ in range(ORDER - 1)]
    unigrams = counts[0]
    total = sum(unigrams.values())
    vocabulary = len(unigrams)
    lower: dict[str, float] = {}
    for char, count in unigrams.items():
        # Add-half smoothing for characters, leaving mass for unseen ones.
        lower[char] = (count + 0.5) / (total + 0.5 * (vocabulary + 1))
        logp[0][char] = math.log10(lower[char])
    for n in range(2, ORDER + 1):
        context_total: dict[str, float] = defaultdict(float)
        context_types: dict[str, float] = defaultdict(float)
        for gram, count in counts[n - 1].items():
            context_total[gram[:-1]] += count
            context_types[gram[:-1]] += min(1.0, count)
        current: dict[str, float] = {}
        for gram, count in counts[n - 1].items():
            context = gram[:-1]
            lambda_mass = context_types[context]
            below = _lower_probability(gram[1:], n - 1, logp, bows)
            p = (count + lambda_mass * below) / (context_total[context] + lambda_mass)
            current[gram] = p
        for context, types in context_types.items():
            bows[n - 2][context] = math.log10(types / (context_total[context] + types))
        floor = min_counts[n - 1]
        logp[n - 1] = {g: math.log10(p) for g, p in current.items() if counts[n - 1][g] >= floor}
        lower = current
    # A context whose own n-gram was pruned must not keep a backoff weight: scorers rely
    # on "unseen n-gram, so no weight" to treat unseen characters alike.
    bows = [{c: w for c, w in table.items() if c in logp[k]} for k, table in enumerate(bows)]
    return logp, bows


def _lower_probability(gram: str, n: int, logp: list[dict[str, float]], bows: list[dict[str, float]]) -> float:
    """p(last char | rest) from the orders already estimated, backing off where needed."""
    weight = 0.0
    while n > 0:
        value = logp[n - 1].get(gram)
        if value is not None:
            return 10 ** (weight + value)
        if n > 1:
            weight += bows[n - 2].get(gram[:-1], 0.0)
        gram = gram[1:]
        n -= 1
    return 10 ** (weight + UNKNOWN_LOGP)


def train(
    corpus: Path,
    dictionary_share: float = 1.0,
    frequency_power: float = 0.6,
    min_counts: tuple[float, ...] = (0.0, 0.3, 1.0),
) -> CharLM:
    """Train the model: the reports as running text, jieba's words as extra in-word evidence."""
    words = list(read_jieba_words())
    reports = list(read_reports(corpus))
    fold = build_fold_table(gbk_characters() + [c for w, _ in words for c in w] + [c for r in reports for c in r])
    attested = attested_traditional(reports + [w for w, _ in words], fold)
    texts = [normalise(report, fold) for report in reports]
    counts: list[dict[str, float]] = [defaultdict(float) for _ in range(ORDER)]
    count_ngrams(texts, counts)
    text_mass = sum(len(t) for t in texts)
    # Damped frequencies keep the idioms and local-government words that are rare in
    # the dictionary's news sources but common in speeches.
    folded_words = [(word.translate(fold), freq**frequency_power) for word, freq in words]
    word_mass = sum(weight * len(word) for word, weight in folded_words)
    # Give the dictionary as much character mass as the reports: the reports teach
    # punctuation and sentence flow, the dictionary the everyday vocabulary of speeches.
    scale = dictionary_share * text_mass / word_mass
    count_words(((word, weight * scale) for word, weight in folded_words), counts)
    logp, bows = witten_bell(counts, min_counts)
    return CharLM(logp, bows, fold, attested)


def attested_traditional(texts: list[str], fold: dict[int, str]) -> frozenset[str]:
    """Traditional characters that OpenCC's s2t produces from the training text: the standard forms.

    A Traditional character outside this set is a rare variant (such as 衕 for 同) that
    the folded model would otherwise credit with its common Simplified form's probability.
    """
    import opencc

    to_traditional = opencc.OpenCC("s2t")
    seen: set[str] = set()
    for text in texts:
        seen.update(to_traditional.convert(text))
    return frozenset(c for c in seen if ord(c) in fold and "\u3400" <= c <= "\u9fff")


# --------------------------------------------------------------------------- the model


class CharLM:
    """A backoff character trigram model over folded text."""

    def __init__(
        self, logp: list[dict[str, float]], bows: list[dict[str, float]], fold: dict[int, str], attested: frozenset[str]
    ):
        self.logp = logp
        self.bows = bows
        self.fold_table = fold
        self.attested = attested
        # Each order is looked up in its own table: the smaller tables stay in the processor's
        # cache better than one table of every n-gram, and scoring is mostly these lookups.
        # One flat table of backoff weights keeps that lookup to a few hash probes.
        self._unigram, self._bigram, self._trigram = logp
        self._b: dict[str, float] = {}
        for table in bows:
            self._b.update(table)
        self.fold_char: dict[str, str] = {chr(k): v for k, v in fold.items()}

    @functools.cached_property
    def neighbours(self) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
        """(followers, preceders): the characters seen after / before each character, from the bigrams."""
        after: dict[str, set[str]] = defaultdict(set)
        before: dict[str, set[str]] = defaultdict(set)
        for gram in self.logp[1]:
            after[gram[0]].add(gram[1])
            before[gram[1]].add(gram[0])
        return ({k: frozenset(v) for k, v in after.items()}, {k: frozenset(v) for k, v in before.items()})

    def backoff(self, context: str) -> float:
        return self._b.get(context, 0.0)

    def fold(self, text: str) -> str:
        """`text` folded; one character for one, so folding a slice gives that slice of the folded text."""
        return text.translate(self.fold_table)

    def knows(self, folded_char: str) -> bool:
        return folded_char in self.logp[0]

    def logp_char(self, context: str, char: str) -> float:
        """log10 p(char | the last two characters of context); all arguments already folded, `char` one character."""
        if len(context) >= 2:
            history = context[-2:]
            value = self._trigram.get(history + char)
            if value is not None:
                return value
            weight = self._b.get(history, 0.0)
            context = history[1]
        else:
            weight = 0.0
        if context:
            value = self._bigram.get(context + char)
            if value is not None:
                return weight + value
            weight += self._b.get(context, 0.0)
        return weight + self._unigram.get(char, UNKNOWN_LOGP)

    def score(self, text: str, context: str = "\n") -> float:
        """log10 probability of `text` (unfolded) after `context` (unfolded)."""
        history = self.fold(context)[-2:]
        total = 0.0
        for char in self.fold(text):
            total += self.logp_char(history, char)
            history = history[-1:] + char
        return total

    # ------------------------------------------------------------------ storage

    def save(self, path: Path) -> int:
        """Write the model deterministically; returns the size in bytes."""
        sections: list[bytes] = []
        meta = {"order": ORDER, "logp_step": _LOGP_STEP, "bow_step": _BOW_STEP, "sizes": [], "bow_sizes": []}
        for n, table in enumerate(self.logp, start=1):
            keys, values = _pack(table, n, _LOGP_STEP, -255 * _LOGP_STEP)
            sections += [keys, values]
            meta["sizes"].append(len(table))
        for n, table in enumerate(self.bows, start=1):
            keys, values = _pack(table, n, _BOW_STEP, -255 * _BOW_STEP)
            sections += [keys, values]
            meta["bow_sizes"].append(len(table))
        fold = "".join(chr(k) + v for k, v in sorted(self.fold_table.items()))
        sections.append(fold.encode("utf-16-le"))
        sections.append("".join(sorted(self.attested)).encode("utf-16-le"))
        header = json.dumps(meta, sort_keys=True).encode()
        body = b"".join(struct.pack("<I", len(s)) + s for s in [header, *sections])
        data = _MAGIC + zlib.compress(body, 9)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return len(data)

    @classmethod
    def read(cls, path: Path) -> CharLM:
        data = path.read_bytes()
        if not data.startswith(_MAGIC):
            raise ValueError(f"{path} is not a character model file")
        body = zlib.decompress(data[len(_MAGIC) :])
        sections = []
        offset = 0
        while offset < len(body):
            (size,) = struct.unpack_from("<I", body, offset)
            sections.append(body[offset + 4 : offset + 4 + size])
            offset += 4 + size
        meta = json.loads(sections[0])
        logp = []
        index = 1
        for n in range(1, meta["order"] + 1):
            logp.append(_unpack(sections[index], sections[index + 1], n, meta["logp_step"]))
            index += 2
        bows = []
        for n in range(1, meta["order"]):
            bows.append(_unpack(sections[index], sections[index + 1], n, meta["bow_step"]))
            index += 2
        fold_text = sections[index].decode("utf-16-le")
        fold = {ord(fold_text[i]): fold_text[i + 1] for i in range(0, len(fold_text), 2)}
        attested = frozenset(sections[index + 1].decode("utf-16-le"))
        return cls(logp, bows, fold, attested)


def _pack(table: dict[str, float], n: int, step: float, floor: float) -> tuple[bytes, bytes]:
    """Keys as fixed-width UTF-16 (n units each) and values as one byte: -round(value / step)."""
    keys = sorted(k for k in table if all(ord(c) < 0x10000 for c in k))
    packed_keys = "".join(keys).encode("utf-16-le")
    values = bytes(min(255, max(0, -round(max(table[k], floor) / step))) for k in keys)
    return packed_keys, values


def _unpack(keys: bytes, values: bytes, n: int, step: float) -> dict[str, float]:
    text = keys.decode("utf-16-le")
    levels = [-q * step for q in range(256)]
    return dict(zip((text[i : i + n] for i in range(0, len(text), n)), (levels[q] for q in values)))


@functools.lru_cache(maxsize=1)
def load(path: str | None = None) -> CharLM:
    """The committed model, read once per process."""
    return CharLM.read(Path(path) if path else MODEL_PATH)


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m build_scripts.charlm", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    train_cmd = sub.add_parser("train", help="train from the corpus and jieba's dictionary, write the model file")
    train_cmd.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    train_cmd.add_argument("--out", type=Path, default=MODEL_PATH)
    score_cmd = sub.add_parser("score", help="print the per-character log10 probability of each argument")
    score_cmd.add_argument("text", nargs="+")
    args = parser.parse_args(argv)
    if args.command == "train":
        if not args.corpus.exists():
            print(f"corpus not found: {args.corpus}", file=sys.stderr)
            return 1
        model = train(args.corpus)
        size = model.save(args.out)
        print(f"wrote {args.out} ({size / 1e6:.2f} MB; n-grams {[len(t) for t in model.logp]})")
        return 0
    model = load()
    for text in args.text:
        print(f"{model.score(text) / max(1, len(text)):8.3f}  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
