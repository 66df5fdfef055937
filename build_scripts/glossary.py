"""The archive's paragraphs in, its 提法 (quoted slogans, numbered formulas, fixed phrases) and where each occurs out."""

from __future__ import annotations

import math
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

import ahocorasick
import numpy as np
import yaml

from .lexicon import tfidf, tokenizer, word_tags, words
from .link import COMMON
from .structure import heading_form

EDITORIAL = Path(__file__).parent / "data" / "glossary.yaml"

# A phrase is a formulation of the archive, rather than one speaker's wording, only when
# more than one speech uses it. Quotation marks and numbering mark a slogan or a formula
# as one by their form, so those need a single speech.
MIN_SPEECHES = 2
# A quoted word of two characters is a word stressed (“硬伤”, “实绩”), not a slogan;
# a numbered one (“两新”, “三长”) is a formula all the same.
MIN_SLOGAN = 3
# Slogans are made of short parallel parts (“户帮户、亲帮亲”); a longer run between
# quotation marks is a sentence or a title being quoted.
MAX_SLOGAN_PART = 14
# jieba's dictionary counts how often general Chinese uses a string: the formulas of party
# work it knows at all, it knows from a handful of texts (一岗双责 5, 五位一体 6, 一票否决 7),
# while everyday expressions are counted in the dozens or more (水土不服 33, 一日三餐 59,
# 一清二楚 321).
GENERAL = 30
# Fixed phrases: two or three of jieba's words, four to ten characters — a formulation is
# short; longer recurring strings are whole clauses repeated.
MAX_WORDS = 3
PHRASE_CHARS = (4, 10)
# The words of a fixed phrase meet in the archive far more often than jieba's word
# frequencies (general Chinese) would make them meet by chance: at least this many times
# as often, for each word joined. The collocations of any official text stay below it
# (人民群众 some 900 times, 检查验收 some 250,000 times); the archive's own formulations
# are far above it (基层党建 some 17 million times, 脱贫攻坚 some 280 million times).
MIN_LIFT = math.log(1_000_000)
# The archive uses the phrase as a unit: of the occurrences of its rarer part (its
# rarer word, for two words), at least this share are in the phrase.
MIN_BOND = 0.25

KINDS = {"numbered": "数字提法", "slogan": "引号中的口号", "phrase": "固定搭配"}
_RANK = {kind: rank for rank, kind in enumerate(KINDS)}  # a term found in two ways is named by the first

_NUMERALS = "一二三四五六七八九十两双"
_PART = rf"(?:(?![{_NUMERALS}个])[\u4e00-\u9fff])"  # a character between the numbers of a formula
_FORMULA = rf"[{_NUMERALS}]{_PART}[{_NUMERALS}]{_PART}|[{_NUMERALS}]{_PART}{{2}}[{_NUMERALS}]{_PART}{{2}}"
_ALTERNATED = re.compile(_FORMULA)  # 三会一课, 两不愁三保障: numbers alternating with what they count
_ALTERNATING = re.compile(rf"(?=({_FORMULA}))")  # the same, overlapping matches
_ADDED = re.compile(r"(?<![\d.])\d{1,2}\+\d{1,2}(?![\d.])")  # 5+2: the working week and the weekend
_COUNT = re.compile(rf"^(?:[{_NUMERALS[1:]}]|[2-9])个?$")  # 四个 or 6 (个): 一个 is the article
_COUNTED = re.compile(rf"(?:[{_NUMERALS[1:]}]|[2-9])个[\u4e00-\u9fff]{{1,4}}")
_NUMBERED_WORD = re.compile(rf"[{_NUMERALS}][\u4e00-\u9fff]{{1,2}}")  # “两新”, “三必看”
_QUOTED = re.compile(r"“([^“”\n]+)”")
_SLOGAN = re.compile(rf"[\u4e00-\u9fff0-9+]{{1,{MAX_SLOGAN_PART}}}(?:、[\u4e00-\u9fff0-9+]{{1,{MAX_SLOGAN_PART}}})*")
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_FUNCTION_TAGS = frozenset("cdefmopqruyz")  # jieba's tags of words that tie, count or point, but name nothing
_DIGIT_COUNT = re.compile(r"(?<!\d)([1-9])(?=个)")


@dataclass(frozen=True)
class Term:
    """A formulation: its name, how it was found, the ways the archive writes it, and the editors' note on it."""

    name: str
    kind: str
    forms: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class Occurrence:
    """Where a term stands: a speech, a paragraph (its anchor and text) and the span of the term in it."""

    speech_id: str
    anchor: str
    text: str
    start: int
    end: int


@lru_cache(maxsize=1)
def editorial() -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """The editors' merges (written form → term and reason) and exclusions (term → reason)."""
    data = yaml.safe_load(EDITORIAL.read_text(encoding="utf-8"))
    merges = {form: (entry["term"], entry["reason"]) for entry in data["merges"] for form in entry["forms"]}
    return merges, {entry["term"]: entry["reason"] for entry in data["exclusions"]}


def canonical(form: str) -> str:
    """A formula's name with its count in Chinese numerals, as the documents write it.

    >>> canonical("6个一批"), canonical("5+2")
    ('六个一批', '5+2')
    """
    return _DIGIT_COUNT.sub(lambda m: "一二三四五六七八九"[int(m.group(1)) - 1], form)


def everyday(text: str) -> bool:
    """Whether jieba's dictionary has the string as an idiom or a word of general Chinese."""
    return word_tags().get(text) == "i" or tokenizer().FREQ.get(text, 0) >= GENERAL


def _numbered(text: str) -> bool:
    """Whether a quoted string is a formula: numbers alternating (三会一课), added (5+2), counting (四个意识) or opening a short word (两新)."""
    return bool(
        _ALTERNATED.fullmatch(text)
        or _ADDED.fullmatch(text)
        or _COUNTED.fullmatch(text)
        or _NUMBERED_WORD.fullmatch(text)
    )


def slogans(text: str) -> list[tuple[str, str]]:
    """The slogans a text quotes, each with its kind: numbered when it is a formula, else slogan.

    >>> slogans("要落实“三会一课”，做到“行动快”、“硬伤”、“两新”，“实现决胜全面小康社会，决战脱贫攻坚目标任务”，“*****样板”")
    [('三会一课', 'numbered'), ('行动快', 'slogan'), ('两新', 'numbered')]
    """
    found = []
    for match in _QUOTED.finditer(text):
        quoted = match.group(1)
        if not _SLOGAN.fullmatch(quoted) or heading_form(quoted):
            continue
        # Quoted and numbered is a formula even where general Chinese has the words (“三个代表”,
        # “一把手”); quoted alone, an everyday expression is only stressed (“水土不服”).
        numbered = _numbered(quoted)
        if not numbered and everyday(quoted):
            continue
        if len(quoted) >= MIN_SLOGAN or numbered and len(quoted) >= 2:
            found.append((quoted, "numbered" if numbered else "slogan"))
    return found


def formulas(text: str, tokens: list[tuple[str, int]]) -> list[str]:
    """The numbered formulas a text writes without quotation marks: 三会一课, 两不愁三保障, 5+2.

    A formula starts and ends where jieba's words do; enumerations (一是…二是) and everyday
    idioms (一清二楚) are not formulas.

    >>> text = "严格三会一课，开展两学一做，一是一些党员不学习，说得一清二楚，坚持5+2"
    >>> formulas(text, words(text))
    ['三会一课', '两学一做', '5+2']
    """
    edges = {start for _, start in tokens} | {len(text)}
    candidates = [(m.start(), m.group(1)) for m in _ALTERNATING.finditer(text)]
    candidates += [(m.start(), m.group(0)) for m in _ADDED.finditer(text)]
    return [
        form
        for start, form in sorted(candidates)
        if start in edges and start + len(form) in edges and not heading_form(form) and not everyday(form)
    ]


def counted(tokens: list[tuple[str, int]]) -> list[str]:
    """Each counted word of a text as written: 四个意识, 6个一批, 三个方面."""
    found = []
    words_only = [word for word, _ in tokens]
    for i, word in enumerate(words_only[:-1]):
        if not _COUNT.fullmatch(word):
            continue
        after = i + 1
        if not word.endswith("个"):
            if words_only[after] != "个":
                continue
            after += 1
        if after < len(words_only) and _CJK.fullmatch(words_only[after]) and len(words_only[after]) >= 2:
            found.append(word.rstrip("个") + "个" + words_only[after])
    return found


# --------------------------------------------------------------------------- fixed phrases

_EDGE, _FREE = -1, -2  # a clause's edge; neighbours that vary


def _grouped(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keys in; the order that puts equal keys together (each key's places in their first order) and where each key's group begins in it.

    >>> order, bounds = _grouped(np.array([5, 3, 5, 3, 9]))
    >>> order.tolist(), bounds.tolist()
    ([1, 3, 0, 2, 4], [0, 2, 4])
    """
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    return order, np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))


def _distinct(values: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Groups of values, each in ascending order, and where each group begins in; how many different values each holds.

    >>> _distinct(np.array([1, 1, 2, 2, 7, 7]), np.array([0, 3])).tolist()
    [2, 2]
    """
    changes = np.concatenate([[True], values[1:] != values[:-1]])
    changes[bounds] = True
    return np.add.reduceat(changes.astype(np.int64), bounds)


def _tied(neighbours: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """The neighbours on one side of each run's places, grouped by run; the neighbour each run always has, or _FREE where a second one or a clause edge shows it free.

    >>> _tied(np.array([4, 4, 4, 5, _EDGE, _EDGE]), np.array([0, 2, 4])).tolist() == [4, _FREE, _FREE]
    True
    """
    lowest, highest = np.minimum.reduceat(neighbours, bounds), np.maximum.reduceat(neighbours, bounds)
    return np.where((lowest == highest) & (lowest >= 0), lowest, _FREE)


def _runs(flat: np.ndarray, owner: np.ndarray, run: np.ndarray, size: int, vocabulary: int) -> tuple[list, np.ndarray | None]:
    """The runs of `size` words that recur in MIN_SPEECHES speeches (see `_grams`), and their numbers at the places they start; None when no run of the size below continues.

    A function of its own so that one size's arrays (as long as the archive's text) are let go
    before the next size's are made.
    """
    starts = np.flatnonzero((run[:-1] >= 0) & (run[1:] >= 0))
    if not len(starts):
        return [], None
    # A run is the shorter run it starts with and its last word.
    order, bounds = _grouped(run[starts].astype(np.int64) * vocabulary + flat[starts + size - 1])
    places = starts[order]  # each run's places together, in the order of the text
    del starts, order
    occurrences = np.diff(np.append(bounds, len(places)))
    held = _distinct(owner[places], bounds)
    left, right = _tied(flat[places - 1], bounds), _tied(flat[places + size], bounds)
    keep = held >= MIN_SPEECHES
    at = places[bounds[keep]]
    spelled = np.stack([flat[at + k] for k in range(size)], axis=1).tolist()
    found = list(zip(map(tuple, spelled), zip(*(column[keep].tolist() for column in (occurrences, held, left, right)))))
    # The runs kept, numbered, at the places they start.
    numbered = np.full(len(flat), -1, dtype=np.int32)
    numbered[places] = np.repeat(np.where(keep, np.cumsum(keep) - 1, -1), occurrences)
    return found, numbered


class Phrases:
    """Jieba's words of the archive, speech by speech, kept as numbers; its fixed phrases out of them."""

    def __init__(self) -> None:
        self.vocabulary: dict[str, int] = {}
        self.speeches: list[np.ndarray] = []  # each speech's words as numbers, _EDGE where a clause ends
        self.used: list[np.ndarray] = []  # the words each speech uses

    def add(self, words: str, clauses: array) -> None:
        """One speech: its words and clauses as Candidates holds them."""
        used = words.split(" ") if words else []
        numbers = np.array([self.vocabulary.setdefault(word, len(self.vocabulary)) for word in used], dtype=np.int32)
        self.used.append(numbers)
        # _EDGE (-1) picks the edge appended last.
        self.speeches.append(np.append(numbers, np.int32(_EDGE))[np.frombuffer(clauses, dtype=np.int32)])

    def _counts(self) -> tuple[np.ndarray, np.ndarray]:
        """The occurrences of each word, and the speeches using it."""
        flat = np.concatenate([*self.speeches, np.zeros(0, dtype=np.int32)])
        used = np.concatenate([*self.used, np.zeros(0, dtype=np.int32)])
        return np.bincount(flat[flat >= 0], minlength=len(self.vocabulary)), np.bincount(used, minlength=len(self.vocabulary))

    def _content(self) -> list[bool]:
        tags = word_tags()
        return [
            (tags.get(word) or "x")[0] not in _FUNCTION_TAGS and not heading_form(word) for word in self.vocabulary
        ]

    def _grams(self, spread: np.ndarray) -> dict[tuple[int, ...], tuple[int, int, int, int]]:
        """Runs of 2…MAX_WORDS content words that recur in MIN_SPEECHES speeches: occurrences, speeches, left and right neighbour (_FREE when it varies).

        A run is counted only when its shorter runs recur, so the counts kept grow with the
        archive's recurring phrases, not with all its word sequences. The speeches are one
        array (each opens and closes with an edge, so no run crosses from one into the next),
        and the runs of a size are counted all at once.
        """
        flat = np.concatenate([*self.speeches, np.zeros(0, dtype=np.int32)])
        owner = np.repeat(np.arange(len(self.speeches), dtype=np.int32), [len(ids) for ids in self.speeches])
        # The last entry stands for _EDGE (-1), which is no content word.
        recurring = np.append(np.array(self._content(), dtype=bool) & (spread >= MIN_SPEECHES), False)
        # Each place's recurring run of the size below that starts there, by number; -1 where none does.
        run = np.where(recurring[flat], flat, -1)
        kept: dict[tuple[int, ...], tuple[int, int, int, int]] = {}
        for size in range(2, MAX_WORDS + 1):
            found, run = _runs(flat, owner, run, size, len(self.vocabulary))
            if run is None:
                break
            kept.update(found)
        return kept


    def fixed(self, names: frozenset[str] = frozenset()) -> list[str]:
        """The archive's fixed phrases (see MIN_LIFT, MIN_BOND), each a string of its words; none that is or holds one of `names`."""
        spelled = list(self.vocabulary)
        idf, median, _ = tfidf()
        freq, total = tokenizer().FREQ, tokenizer().total
        counts, spread = self._counts()
        grams = self._grams(spread)
        counts, occurring = counts.tolist(), int(counts.sum())

        def count(gram: tuple[int, ...]) -> int:
            return counts[gram[0]] if len(gram) == 1 else grams[gram][0]

        found = []
        for gram, (occurrences, _, left, right) in grams.items():
            parts = [spelled[n] for n in gram]
            text = "".join(parts)
            if not PHRASE_CHARS[0] <= len(text) <= PHRASE_CHARS[1] or left != _FREE or right != _FREE:
                continue
            if min(idf.get(parts[0], median), idf.get(parts[-1], median)) < COMMON or everyday(text):
                continue
            if text in names or names.intersection(parts):
                continue
            bond = min(occurrences / min(count(gram[:k]), count(gram[k:])) for k in range(1, len(gram)))
            chance = sum(math.log(max(freq.get(word, 0), 1) / total) for word in parts)
            lift = (math.log(occurrences / occurring) - chance) / (len(gram) - 1)
            if bond >= MIN_BOND and lift >= MIN_LIFT:
                found.append(text)
        return sorted(found)


# --------------------------------------------------------------------------- the archive's terms


@dataclass(frozen=True)
class Candidates:
    """What one speech offers the glossary: the terms its form shows (written form, kind), its counted words as written, and its words for Phrases.add."""

    forms: tuple[tuple[str, str], ...]
    counted: tuple[str, ...]
    words: str  # its Chinese words, each once, first use first, a space apart: one string pickles far faster than thousands
    clauses: array  # its text as the places of its words in `words`, _EDGE where a clause ends


def candidates(paragraphs: list[str]) -> Candidates:
    """The paragraphs of a speech in; its candidates out (see Candidates), in reading order."""
    forms: list[tuple[str, str]] = []
    counted_forms: list[str] = []
    numbers: dict[str, int] = {}
    clauses = array("i", [_EDGE])
    for text in paragraphs:
        cut = words(text)
        forms += slogans(text)
        forms += [(form, "numbered") for form in formulas(text, cut)]
        counted_forms += counted(cut)
        # Anything but Chinese words ends a clause, and so does the paragraph.
        clauses.extend(numbers.setdefault(word, len(numbers)) if _CJK.fullmatch(word) else _EDGE for word, _ in cut)
        clauses.append(_EDGE)
    return Candidates(tuple(forms), tuple(counted_forms), " ".join(numbers), clauses)


def find_terms(
    speeches: Sequence[list[str]], names: frozenset[str] = frozenset(), mapper: Callable[[Callable, Sequence], Iterable] = map
) -> list[Term]:
    """The paragraphs of each speech, and the names of people and organisations the speeches mention, in; the archive's terms out, by name, the editors' merges and exclusions applied.

    A recurring phrase that names a person or an organisation (习近平总书记, 县委组织部) is a
    name, not a formulation. `mapper` maps `candidates` over the speeches, in order (the
    builtin map, or the same on all cores).
    """
    kinds: dict[str, str] = {}
    written: dict[str, set[str]] = {}
    spread: Counter[str] = Counter()
    numbers: dict[str, set[str]] = {}  # the numbers each counted word is counted with
    counted_forms: dict[str, set[str]] = {}
    phrases = Phrases()

    def found(form: str, kind: str) -> None:
        name = canonical(form)
        written.setdefault(name, {name}).add(form)
        if name not in kinds or _RANK[kind] < _RANK[kinds[name]]:
            kinds[name] = kind

    for speech in mapper(candidates, speeches):
        for form, kind in speech.forms:
            found(form, kind)
        counts: set[str] = set()
        for form in speech.counted:
            number, _, word = canonical(form).partition("个")
            numbers.setdefault(word, set()).add(number)
            counted_forms.setdefault(canonical(form), set()).add(form)
            counts.add(canonical(form))
        spread.update(counts)
        phrases.add(speech.words, speech.clauses)
    # A counted word is a formula (四个意识) when the archive always counts it with the
    # same number; 三个方面, 五个方面 and 六个方面 are just counting.
    for name, using in spread.items():
        if using >= MIN_SPEECHES and len(numbers[name.partition("个")[2]]) == 1 and not everyday(name):
            for form in counted_forms[name]:
                found(form, "numbered")
    for name in phrases.fixed(names):
        found(name, "phrase")
    return _edited(kinds, written)


def _edited(kinds: dict[str, str], written: dict[str, set[str]]) -> list[Term]:
    """The terms found (by name, with their written forms), the editors' merges gathered under one name and their exclusions left out."""
    merges, exclusions = editorial()
    forms: dict[str, set[str]] = {}
    notes: dict[str, str] = {}
    kind_of: dict[str, str] = {}
    for name, kind in kinds.items():
        target = merges.get(name, (name, ""))[0]
        forms.setdefault(target, {target}).update(written[name])
        if target not in kind_of or _RANK[kind] < _RANK[kind_of[target]]:
            kind_of[target] = kind
    for form, (target, reason) in merges.items():
        if target in forms:
            forms[target].add(form)
            notes[target] = reason
    return [
        Term(name, kind_of[name], tuple(sorted(forms[name])), notes.get(name, ""))
        for name in sorted(forms)
        if name not in exclusions
    ]


class Matcher:
    """The terms' written forms, found in a text in one pass."""

    def __init__(self, terms: list[Term]) -> None:
        self.automaton = ahocorasick.Automaton()
        for term in terms:
            for form in term.forms:
                self.automaton.add_word(form, (form, term.name))
        self.empty = not terms
        if not self.empty:
            self.automaton.make_automaton()

    def _spans(self, text: str) -> list[tuple[int, int, str]]:
        if self.empty:
            return []
        return sorted(
            ((end + 1 - len(form), end + 1, name) for end, (form, name) in self.automaton.iter(text)),
            key=lambda span: (span[0], -span[1], span[2]),
        )

    def occurrences(self, text: str) -> list[tuple[int, int, str]]:
        """Every term in the text, a term inside a longer one included; one term's forms never counted twice in one place."""
        taken: dict[str, int] = {}
        out = []
        for start, end, name in self._spans(text):
            if start >= taken.get(name, 0):
                out.append((start, end, name))
                taken[name] = end
        return out

    def mentions(self, text: str) -> list[tuple[int, int, str]]:
        """The terms as a reader meets them: the longest from the left, none inside another."""
        out, taken = [], 0
        for start, end, name in self._spans(text):
            if start >= taken:
                out.append((start, end, name))
                taken = end
        return out


def occurrences(
    terms: list[Term],
    speeches: list[tuple[str, list[tuple[str, str]]]],
    mapper: Callable[[Callable, Sequence], Iterable] = map,
) -> dict[str, list[Occurrence]]:
    """Each speech's id and paragraphs (anchor, text) in, in the archive's order; each term's occurrences out, in that order.

    `mapper` maps the search of each speech's paragraphs over the speeches, in order (the builtin map, or the same on all cores).
    """
    matcher = Matcher(terms)
    found: dict[str, list[Occurrence]] = {term.name: [] for term in terms}
    texts = [[text for _, text in paragraphs] for _, paragraphs in speeches]
    for (speech_id, paragraphs), spans in zip(speeches, mapper(partial(_spans_of, matcher), texts)):
        for (anchor, text), paragraph in zip(paragraphs, spans):
            for start, end, name in paragraph:
                found[name].append(Occurrence(speech_id, anchor, text, start, end))
    return found


def _spans_of(matcher: Matcher, paragraphs: list[str]) -> list[list[tuple[int, int, str]]]:
    """The occurrences of the terms in each paragraph of a speech (see Matcher.occurrences)."""
    return [matcher.occurrences(text) for text in paragraphs]
