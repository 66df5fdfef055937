"""Lost-byte GBK mojibake: decoded Traditional text in, that text re-decoded from its repaired bytes plus one Change per span out."""

from __future__ import annotations

import functools
import heapq
import itertools
import operator
import re
from dataclasses import dataclass, field

import numpy as np

from . import charlm
from .speech import Change

# How the damage arose (bench/damage.py reproduces it): the sites stored Traditional text
# as GBK, added "(pinyin)" after some characters by a search-and-replace on the bytes, and
# lost bytes; a lenient decoder then read what was left. A lead byte lost ("?" in its
# place), or a full stop that lost its first byte (A1 A3 -> A3, which pairs with the next
# lead byte into a full-width form the site folded to ASCII), shifts the pairing: every
# later trail byte pairs with the next lead byte until an ASCII byte re-synchronises the
# stream. A pinyin insertion that landed between the two bytes of a character does the
# same, and the decoder shows the lead byte and the "(" together as "?". Now and then a
# damaged full stop took a neighbouring byte along.
#
# So the repair re-encodes the text after each suspicious place and searches the ways its
# bytes can have been damaged, decoding each and weighing it with the character language
# model (charlm) against the text as it stands. Where only one byte of a character
# survives, the model chooses the other; a choice it is unsure of becomes GAP.

STAGE = "mojibake"
GAP = "□"
# Below this posterior a character chosen for a single surviving byte is not trusted.
GAP_THRESHOLD = 0.3

# Log10 prior of each kind of damage at a place where it can occur, on the scale of the
# model's log10 probabilities (about the rates seen in the seeds and simulated by the bench).
COST_LOST_LEAD = -3.0  # "?" stands for a lost lead byte
COST_DELETED_LEAD = -3.0  # a lead byte vanished without a "?" (seen once a search is under way)
COST_FULL_STOP = -0.5  # a full stop lost its A1; its A3 paired with the next lead byte
COST_STOP_BURST = -1.0  # ... and the lead byte after that A3 went too (1 of the seeds' 12 damaged full stops)
COST_MISPLACED = -0.3  # "?pinyin)" is an insertion that landed inside the next character
COST_SWALLOWED = -1.5  # "?pinyin)" is a whole annotated character lost with its "("
COST_WIDE = -2.0  # ASCII inside a shifted run is a full-width pair the site folded
COST_TRAIL_LOST = -0.7  # a shifted run met ASCII, so its last lead byte lost its partner
COST_LONE_MARK = -1.0  # ... and the decoder showed that lone lead byte as "?"
COST_ANNOTATED = -0.3  # "?pinyin)" in a shifted run: a lead byte and the "(" after its trail
COST_SKIP_ANNOTATION = -0.3  # "(pinyin)" in a shifted run was inserted inside a misread pair
COST_TRAIL_80 = -2.0  # a shifted run met trail byte 0x80, which no lead byte can start: dropped
COST_PRIVATE_DROPPED = -2.0  # a shifted pair fell in the user-defined area and the decoder dropped it
COST_ANNOTATION_DAMAGED = -0.3  # a lost byte inside an annotation's toned vowel

# Characters of the other script are unlikely in a document (shifted pairs, mostly GB2312
# codes, produce Simplified ones all the time in Traditional text).
COST_OTHER_SCRIPT = -1.0
# Those a Traditional text does hold (里, 么, 干, 后: the sites' converter kept them) are
# Traditional characters too, which Big5 encodes. A Simplified character Big5 cannot encode
# is in no Traditional text (none in the repaired Traditional seeds, none in 400,000
# characters of the reports converted by s2t): in a Traditional document it is a misread pair.
COST_NOT_TRADITIONAL = -4.0
# A Traditional variant that s2t never produces (衕 for 同) borrows its common form's
# probability in the folded model; it is rare in fact.
COST_VARIANT = -2.0

BEAM_WIDTH = 8
BEAM_MARGIN = 5.0  # hypotheses this far (log10) below the best are dropped
# Rare kinds of damage are tried only on hypotheses this close to the best: the right
# one is nearly always the best until the damage makes it look bad.
RARE_MARGIN = 1.5
# ... and only where reading on as usual gives a character this improbable (log10).
RARE_GATE = -4.0
# Speeches ask questions; the reports the model learned from hardly do. A kept question
# mark is scored at least this (log10), about its frequency in the seeds.
QUESTION_FLOOR = -2.5
NARROW_POOL = 20  # characters scored when very many characters fit what survives
MAX_WINDOW = 300  # tokens one search may run before it must settle
CANDIDATES = 4  # choices kept for a byte that lost its partner
# ASCII before a possible shifted run starts a search only when the next two
# characters as they stand are this improbable (clean text after a comma seldom is).
START_THRESHOLD = -6.0

LOST = -1  # a lead byte known to be lost, value unknown
# ASCII punctuation that ordinary text puts before Chinese all the time: a search starts
# there only when what follows looks garbled (other ASCII before Chinese is rare enough).
_COMMON_PUNCTUATION = frozenset(",:;()!")
_EMPTY: frozenset[str] = frozenset()

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_PINYIN = f"[a-z{_TONED}]{{1,7}}"
# An annotation whose toned vowel lost its lead byte: "(zh??)", "(j?﹏g)".
_DAMAGED = r"\(([a-z]{0,6})\?(?:[^\x00-\x7f]|\?)?([a-z]{0,4})\)"
_TOKEN = re.compile(rf"\?({_PINYIN})\)|\(({_PINYIN})\)|{_DAMAGED}|.", re.DOTALL)
# Where a search may start: "?", a private-use character, a damaged annotation, ASCII that
# may be a folded full-width pair before a shifted run. Intact annotations are matched only
# to be skipped.
_START = re.compile(
    rf"(?P<skip>\({_PINYIN}\))|(?P<damaged>{_DAMAGED})"
    rf"|[?\ue000-\ue765]|[!-~](?=[^\x00-\x7f]|[?@-~])"
)
_ANNOTATION = re.compile(rf"\({_PINYIN}\)")


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class _Choices:
    """The characters that one surviving byte (or a reading) allows, as the model sees them."""

    chars: dict[str, tuple[str, ...]]  # folded form -> characters
    keys: frozenset[str]  # the folded forms
    ranked: tuple[str, ...]  # folded forms by unigram and backoff weight, best first
    by_unigram: tuple[str, ...]  # folded forms by unigram probability, best first
    weight: dict[str, float]  # folded form -> log10 (unigram probability x backoff weight)
    mass: float  # sum of 10 ** weight
    unigram_mass: float  # sum of unigram probabilities
    serial: int = field(default_factory=itertools.count().__next__)  # names these choices in _CHOSEN's keys


_NO_CHOICE = _Choices({}, frozenset(), (), (), {}, 0.0, 0.0)


def _choices(pairs: list[tuple[str, str]], lm: charlm.CharLM) -> _Choices:
    chars: dict[str, tuple[str, ...]] = {}
    for char, folded in sorted(pairs):
        chars[folded] = chars.get(folded, ()) + (char,)
    for folded, variants in chars.items():
        if len(variants) > 1:
            # The model cannot tell variants apart: offer the standard Traditional form first.
            standard = _to_traditional(folded)
            chars[folded] = tuple(sorted(variants, key=lambda c: (c != standard, c != folded, c)))
    unigram = lm.logp[0]
    weight = {f: unigram[f] + lm.backoff(f) for f in chars}
    ranked = tuple(sorted(chars, key=lambda f: (-weight[f], f)))
    by_unigram = tuple(sorted(chars, key=lambda f: (-unigram[f], f)))
    mass = sum(10**w for w in weight.values())
    return _Choices(chars, frozenset(chars), ranked, by_unigram, weight, mass, sum(10 ** unigram[f] for f in chars))


@functools.cache
def _private_leads(lead: int) -> _Choices:
    """The characters with this lead byte whose trail byte starts a user-defined pair."""
    lm = charlm.load()
    pair = _tables().pair
    chars = [c for t in sorted(_PRIVATE_FIRST) if (c := pair.get(lead << 8 | t))]
    return _choices([(c, lm.fold_char.get(c, c)) for c in chars if lm.knows(lm.fold_char.get(c, c))], lm)


def _to_traditional(char: str) -> str:
    return _s2t().convert(char)


@functools.lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


@dataclass(frozen=True)
class _Tables:
    pair: dict[int, str]  # lead << 8 | trail -> character (user-defined area as private use)
    code: dict[str, int]  # character -> lead << 8 | trail
    by_trail: dict[int, _Choices]  # trail byte -> the characters with it the model knows
    by_lead: dict[int, _Choices]  # lead byte -> the characters with it the model knows
    simplified: frozenset[str]  # characters only Simplified script uses
    traditional: frozenset[str]  # characters only Traditional script uses
    variants: frozenset[str]  # Traditional characters that are not the standard form
    not_traditional: frozenset[str]  # Simplified characters that Big5 cannot encode
    private_trail: _Choices  # characters whose trail byte pairs with a lead byte into the user-defined area


@functools.lru_cache(maxsize=1)
def gbk_pairs() -> dict[int, str]:
    """Every two-byte GBK code (lead << 8 | trail) and the character a lenient decoder reads it as.

    GB18030 fills in the user-defined area (as private-use characters), which is how
    the sources' own decoders showed those bytes.
    """
    pair: dict[int, str] = {}
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            if trail == 0x7F:
                continue
            raw = bytes((lead, trail))
            for codec in ("gbk", "gb18030"):
                try:
                    pair[lead << 8 | trail] = raw.decode(codec)
                    break
                except UnicodeDecodeError:
                    continue
    return pair


@functools.lru_cache(maxsize=1)
def _tables() -> _Tables:
    lm = charlm.load()
    pair = gbk_pairs()
    code = {char: key for key, char in pair.items()}
    by_trail: dict[int, list[tuple[str, str]]] = {}
    by_lead: dict[int, list[tuple[str, str]]] = {}
    for key, char in sorted(pair.items()):
        folded = lm.fold_char.get(char, char)
        if len(folded) == 1 and lm.knows(folded):
            by_trail.setdefault(key & 0xFF, []).append((char, folded))
            by_lead.setdefault(key >> 8, []).append((char, folded))
    traditional = frozenset(c for c in lm.fold_char if "\u3400" <= c <= "\u9fff")
    simplified = frozenset(c for c in lm.fold_char.values() if c not in traditional)
    return _Tables(
        pair,
        code,
        {byte: _choices(pairs, lm) for byte, pairs in by_trail.items()},
        {byte: _choices(pairs, lm) for byte, pairs in by_lead.items()},
        simplified,
        traditional,
        frozenset(c for c in traditional if c not in lm.attested),
        frozenset(c for c in simplified if "\u3400" <= c <= "\u9fff" and not _in_big5(c)),
        _choices([p for t in _PRIVATE_FIRST for p in by_trail.get(t, ())], lm),
    )


def _in_big5(char: str) -> bool:
    try:
        char.encode("big5")
    except UnicodeEncodeError:
        return False
    return True


# A trail byte in these ranges followed by a lead byte of A1 and up makes a user-defined
# (private-use) pair, which some decoders dropped.
_PRIVATE_FIRST = frozenset([*range(0xAA, 0xB0), *range(0xF8, 0xFF)])


@functools.cache
def _high_leads(trail: int) -> _Choices:
    """The characters with this trail byte whose lead byte is A1 or above (what can follow a dropped private pair)."""
    tables = _tables()
    lm = charlm.load()
    pairs = [
        (c, f)
        for f, chars in tables.by_trail.get(trail, _NO_CHOICE).chars.items()
        for c in chars
        if tables.code[c] >> 8 >= 0xA1
    ]
    return _choices(pairs, lm)


@dataclass(frozen=True)
class _Readings:
    by_first: dict[tuple[int, str], list[str]]  # (first byte, toned pinyin) -> characters
    by_reading: dict[str, _Choices]  # toned pinyin -> the characters with it the model knows
    of: dict[str, frozenset[str]]  # character -> its readings


@functools.lru_cache(maxsize=1)
def _readings() -> _Readings:
    """Pinyin of every two-byte GBK character, from pypinyin's table (the sites' annotations use it)."""
    from pypinyin.pinyin_dict import pinyin_dict

    lm = charlm.load()
    tables = _tables()
    by_first: dict[tuple[int, str], list[str]] = {}
    by_reading: dict[str, list[tuple[str, str]]] = {}
    of: dict[str, frozenset[str]] = {}
    for char, key in sorted(tables.code.items()):
        readings = frozenset(r for r in pinyin_dict.get(ord(char), "").split(",") if r)
        of[char] = readings
        folded = lm.fold_char.get(char, char)
        for reading in readings:
            by_first.setdefault((key >> 8, reading), []).append(char)
            if lm.knows(folded):
                by_reading.setdefault(reading, []).append((char, folded))
    return _Readings(by_first, {r: _choices(pairs, lm) for r, pairs in by_reading.items()}, of)


# --------------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str
    kind: str  # "G" two-byte, "A" ASCII, "Q" ?pinyin), "N" (pinyin), "D" damaged (pinyin), "O" other, "E" end
    first: int = 0  # the bytes of a two-byte character, or the ASCII byte
    second: int = 0
    wide: int = 0  # second byte of the full-width pair (A3 xx) an ASCII character may have been folded from
    reading: str = ""  # the pinyin of Q and N; the letters around the lost byte of D ("zh ng")


def _token(text: str, pos: int, code: dict[str, int]) -> _Token:
    match = _TOKEN.match(text, pos)
    end = match.end()
    if match.group(1):
        return _Token(pos, end, match.group(0), "Q", reading=match.group(1))
    if match.group(2):
        return _Token(pos, end, match.group(0), "N", reading=match.group(2))
    if match.group(3) is not None:
        return _Token(pos, end, match.group(0), "D", reading=f"{match.group(3)} {match.group(4)}")
    char = match.group(0)
    value = ord(char)
    if value < 0x80:
        wide = value + 0x80 if 0x21 <= value <= 0x7E else 0
        return _Token(pos, end, char, "A", first=value, wide=wide)
    key = code.get(char)
    if key is None:
        return _Token(pos, end, char, "O")
    return _Token(pos, end, char, "G", first=key >> 8, second=key & 0xFF)


def _pair_of(tok: _Token) -> tuple[int, int]:
    """The two bytes a token may stand for inside a shifted run, (0, 0) if none."""
    if tok.kind == "G":
        return tok.first, tok.second
    if tok.kind == "A" and tok.wide:
        return 0xA3, tok.wide
    return 0, 0


# --------------------------------------------------------------------------- search


# Not frozen: a frozen dataclass pays for each field it sets, and a search makes a step
# for every hypothesis it weighs. Nothing changes a step once made.
@dataclass(slots=True)
class _Step:
    """What one hypothesis made of one token; steps chain back to the start of the search."""

    parent: _Step | None
    token: int
    output: str
    aligned: bool  # whether the bytes are in step after this token
    chosen: tuple = ()  # (offset in output, what survived, its value) per character the model picked: see _choices_for


@dataclass(slots=True)
class _State:
    score: float
    pending: int | None  # lead byte waiting for its trail (LOST if its value is unknown); None when aligned
    context: str  # last two folded characters
    trail: int | None  # trail byte of the last two-byte character, where a misplaced insertion may start
    step: _Step | None
    rivals: float = 0.0  # probability mass of merged rival hypotheses, relative to this one


class _Search:
    """A beam search over the ways the bytes behind a stretch of text can have been damaged."""

    def __init__(self, text: str, lm: charlm.CharLM, tables: _Tables, script: str | None):
        self.text = text
        self.tables = tables
        self.lm = lm
        self.fold = lm.fold_char
        self.logp = lm.logp_char
        self.penalties = _penalties(script)
        self.tokens: list[_Token] = []
        self.origin = 0
        self.frontier = 0.0
        self.left_char = ""

    def token(self, index: int) -> _Token:
        while index >= len(self.tokens):
            pos = self.tokens[-1].end if self.tokens else self.origin
            if pos >= len(self.text):
                self.tokens.append(_Token(pos, pos, "", "E"))
            else:
                self.tokens.append(_token(self.text, pos, self.tables.code))
        return self.tokens[index]

    # -- building hypotheses ----------------------------------------------------------

    def emit(
        self, state: _State, index: int, output: str, cost: float, pending, trail, chosen=(), scored=None
    ) -> _State:
        """A successor of `state` that made `output` of token `index`."""
        score = state.score + cost
        context = state.context
        fold, logp, penalties = self.fold, self.logp, self.penalties
        for char in output if scored is None else scored:
            folded = fold.get(char, char)
            value = logp(context, folded)
            score += value if folded != "？" or value > QUESTION_FLOOR else QUESTION_FLOOR
            score += penalties.get(char, 0.0)
            context = context[-1:] + folded
        return _State(
            score, pending, context, trail, _Step(state.step, index, output, pending is None, chosen), state.rivals
        )

    def silent(self, state: _State, index: int, output: str, cost: float, pending) -> _State:
        """A successor that made `output` (an annotation, or nothing) of token `index` without the model seeing it."""
        step = _Step(state.step, index, output, pending is None)
        return _State(state.score + cost, pending, state.context, state.trail, step, state.rivals)

    def choose(self, state: _State, choices: _Choices, follow: str | None, narrow: bool = False) -> tuple[str, ...]:
        """The few likeliest of `choices` after the state's context (and before `follow`): see `_choose`."""
        return _choose(self.lm, state.context, choices, follow, narrow)

    # -- transitions ------------------------------------------------------------------

    def aligned(self, state: _State, index: int, tok: _Token) -> list[_State]:
        """Hypotheses for a token read with the byte stream in step."""
        kept = self.as_is(state, index, tok)
        out = [kept]
        if tok.text == "?":
            # Not "a lost lead byte whose trail was dropped before ASCII": nothing tells that
            # from a question mark, which is far likelier. (Nor is a full stop that vanished
            # before ASCII guessed at: it leaves no trace.)
            out.append(self.silent(state, index, "", COST_LOST_LEAD, LOST))
        elif (
            tok.kind == "G"
            and tok.second >= 0x81
            and state.score >= self.frontier
            and kept.score - state.score < RARE_GATE
        ):
            # An improbable character right after damage: a lead byte may have gone without a trace.
            out += self.pair(state, index, LOST, tok.first, COST_DELETED_LEAD, tok.second)
        if tok.kind == "D":
            out += self.restored(state, index, tok)
        first, second = _pair_of(tok)
        if first == 0xA3 and second >= 0x81:
            out.append(self.emit(state, index, "。", COST_FULL_STOP, second, 0xA3))
        if tok.kind == "Q":
            out += self.misplaced(state, index, tok)
            out += self.swallowed(state, index, tok, COST_SWALLOWED)
        return out

    def as_is(self, state: _State, index: int, tok: _Token) -> _State:
        if tok.kind == "E":
            return self.silent(state, index, "", 0.0, None)
        if tok.kind == "N":
            return self.silent(state, index, tok.text, 0.0, None)
        if tok.kind in "QD":
            return self.emit(state, index, tok.text, 0.0, None, None, scored="?a")
        return self.emit(state, index, tok.text, 0.0, None, tok.second if tok.kind == "G" else None)

    def misplaced(self, state: _State, index: int, tok: _Token) -> list[_State]:
        """The insertion matched the previous trail byte plus the next lead byte, and took that lead byte with its "("."""
        if state.trail is None:
            return []
        out = []
        for char in _readings().by_first.get((state.trail, tok.reading), ()):
            lead = self.tables.code[char] & 0xFF
            if lead >= 0x81:
                out.append(self.silent(state, index, "", COST_MISPLACED, lead))
        return out

    def swallowed(self, state: _State, index: int, tok: _Token, cost: float) -> list[_State]:
        """An annotated character and its "(" became "?": the reading names the character."""
        candidates = _readings().by_reading.get(tok.reading, _NO_CHOICE)
        annotation = tok.text[1:-1].join("()")
        out = []
        for char in self.choose(state, candidates, None):
            trail = self.tables.code[char] & 0xFF
            chosen = ((0, "reading", tok.reading),)
            out.append(self.emit(state, index, char + annotation, cost, None, trail, chosen, scored=char))
        return out

    def shifted(self, state: _State, index: int, tok: _Token) -> list[_State]:
        """Hypotheses for a token read while a lead byte waits for its trail."""
        lead = state.pending
        if tok.kind == "E":
            return self.trail_lost(state, index, None) if lead != LOST else []
        out: list[_State] = []
        first, second = _pair_of(tok)
        if first and second >= 0x81:
            # A lost lead byte leaves no other reading of the token, so folding is no extra event there.
            cost = 0.0 if tok.kind == "G" or lead == LOST else COST_WIDE
            out += self.pair(state, index, lead, first, cost, second)
        # Rare damage is tried only on a hypothesis near the best, and only where reading
        # on as usual gives an improbable character (which is how such damage shows).
        rare = state.score >= self.frontier and (not out or max(s.score for s in out) - state.score < RARE_GATE)
        letter = tok.kind == "A" and 0x40 <= tok.first <= 0x7E
        if rare and (tok.kind == "G" or letter):
            out += self.private_dropped(state, index, tok)
        if rare and tok.kind != "A":
            out += self.trail_80(state, index, tok)
        if letter:
            out += self.pair(state, index, lead, tok.first, 0.0, None)
        if lead == LOST:
            if tok.kind == "Q":
                # Lead byte lost, trail byte swallowed with the "(": only the reading is left.
                out += self.swallowed(state, index, tok, COST_ANNOTATED)
            return out
        if lead == 0xA3:
            out += self.full_stop(state, index, tok)
        if tok.kind in "AO":
            if not letter:
                # The decoder pairs a lead byte with a letter, so none is left alone before one.
                out += self.trail_lost(state, index, tok)
            if tok.text == "?":
                out += self.lone_mark(state, index)
        elif tok.kind == "N":
            previous = self.tokens[index - 1] if index else None
            if previous is not None and tok.reading in _readings().of.get(previous.text, ()):
                out.append(self.silent(state, index, "", COST_SKIP_ANNOTATION, lead))
        elif tok.kind == "Q":
            out += self.annotated(state, index, tok)
        return out

    def trail_80(self, state: _State, index: int, tok: _Token) -> list[_State]:
        """The waiting lead byte's trail was 0x80, which starts nothing: the decoder dropped it and the bytes are in step."""
        if state.pending == LOST:
            follow = self.peek(index, None)
            chars = self.choose(state, self.tables.by_trail.get(0x80, _NO_CHOICE), follow)
            chosen: tuple = ((0, "lead", 0x80),)
        else:
            char = self.tables.pair.get(state.pending << 8 | 0x80)
            chars, chosen = ([char] if char else []), ()
        out = []
        for char in chars:
            mid = self.emit(state, index, char, COST_TRAIL_80, None, 0x80, chosen)
            out += [self.merged(state, index, char, chosen, after) for after in self.aligned(mid, index, tok)]
        return out

    def pair(self, state: _State, index: int, lead: int, trail: int, cost: float, pending) -> list[_State]:
        """Pair the waiting lead byte with `trail`; when the lead byte was lost, let the model choose it."""
        if lead != LOST:
            char = self.tables.pair.get(lead << 8 | trail)
            return [self.emit(state, index, char, cost, pending, trail)] if char else []
        candidates = self.tables.by_trail.get(trail, _NO_CHOICE)
        chosen = ((0, "lead", trail),)
        follow = self.peek(index + 1, pending)
        return [
            self.emit(state, index, char, cost, pending, trail, chosen)
            for char in self.choose(state, candidates, follow)
        ]

    def peek(self, index: int, pending: int | None) -> str | None:
        """The folded character token `index` most likely becomes, given the lead byte waiting for it."""
        tok = self.token(index)
        if pending is None:
            return self.fold.get(tok.text, tok.text) if tok.kind in "GA" else None
        if tok.kind == "G" or tok.kind == "A" and 0x40 <= tok.first <= 0x7E:
            char = self.tables.pair.get(pending << 8 | tok.first)
            return self.fold.get(char, char) if char else None
        return None

    def trail_lost(self, state: _State, index: int, tok: _Token | None) -> list[_State]:
        """The waiting lead byte met ASCII and lost its partner: the model chooses the character, then the token is read."""
        follow = None if tok is None or tok.kind != "A" else self.fold.get(tok.text, tok.text)
        candidates = self.tables.by_lead.get(state.pending, _NO_CHOICE)
        chosen = ((0, "trail", state.pending),)
        choices = self.choose(state, candidates, follow)
        if tok is not None and _pair_of(tok)[0] == 0xA3:
            # The token may also be the A3 of a full stop, so the character need not suit the token.
            choices += tuple(c for c in self.choose(state, candidates, None) if c not in choices)
        out = []
        for char in choices:
            trail = self.tables.code[char] & 0xFF
            mid = self.emit(state, index, char, COST_TRAIL_LOST, None, trail, chosen)
            if tok is None:
                out.append(mid)
                continue
            out += [self.merged(state, index, char, chosen, after) for after in self.aligned(mid, index, tok)]
        return out

    def full_stop(self, state: _State, index: int, tok: _Token) -> list[_State]:
        """The waiting A3 is what is left of a full stop that lost its A1: the bytes are in step again."""
        mid = self.emit(state, index, "。", COST_FULL_STOP, None, 0xA3)
        successors = self.aligned(mid, index, tok)
        kept = successors[0]  # the token as it stands
        # A rare kind: weighed only near the best, where the token as it stands reads improbably.
        if state.score >= self.frontier and kept.score - mid.score < RARE_GATE:
            successors += self.burst(mid, index, tok)
        return [self.merged(state, index, "。", (), after) for after in successors]

    def burst(self, state: _State, index: int, tok: _Token) -> list[_State]:
        """The full stop took the lead byte after its A3 along: the model chooses the character whose trail begins the token."""
        first, second = _pair_of(tok)
        if second < 0x81:
            return []
        return self.pair(state, index, LOST, first, COST_STOP_BURST, second)

    def merged(self, state: _State, index: int, first: str, chosen: tuple, after: _State) -> _State:
        """`after` (which read token `index`) with `first` put before its output in one step."""
        later = (
            tuple((offset + len(first), side, byte) for offset, side, byte in after.step.chosen)
            if after.step.chosen
            else ()
        )
        step = _Step(state.step, index, first + after.step.output, after.pending is None, chosen + later)
        return _State(after.score, after.pending, after.context, after.trail, step, after.rivals)

    def private_dropped(self, state: _State, index: int, tok: _Token) -> list[_State]:
        """The waiting lead byte's trail and the next lead byte made a user-defined pair that the decoder dropped."""
        lead = state.pending
        first_choices = self.tables.private_trail if lead == LOST else _private_leads(lead)
        out = []
        trail = tok.first
        pending = tok.second if tok.kind == "G" else None
        if tok.kind == "G" and pending < 0x81:
            return []
        side = "private" if lead == LOST else "trail"
        follow = self.peek(index + 1, pending)
        for first in self.choose(state, first_choices, None, narrow=lead == LOST)[:3]:
            mid = self.emit(
                state, index, first, COST_PRIVATE_DROPPED, LOST, self.tables.code[first] & 0xFF, ((0, side, lead),)
            )
            for second in self.choose(mid, _high_leads(trail), follow)[:3]:
                after = self.emit(mid, index, second, 0.0, pending, trail, ((0, "lead", trail),))
                out.append(self.merged(state, index, first, ((0, side, lead),), after))
        return out

    def restored(self, state: _State, index: int, tok: _Token) -> list[_State]:
        """A damaged annotation after an intact character: write it out again from the character's readings."""
        char = self.last_char(state)
        before, after = tok.reading.split(" ")
        plain = str.maketrans(_TONED, "aaaaeeeeiiiioooouuuuvvvvvnnnm")
        for reading in sorted(_readings().of.get(char, ())):
            letters = reading.translate(plain)
            if letters.startswith(before) and letters.endswith(after) and len(letters) > len(before) + len(after):
                return [self.silent(state, index, f"({reading})", COST_ANNOTATION_DAMAGED, None)]
        return []

    def last_char(self, state: _State) -> str:
        step = state.step
        while step is not None:
            plain = _ANNOTATION.sub("", step.output)
            if plain:
                return plain[-1]
            step = step.parent
        return self.left_char

    def lone_mark(self, state: _State, index: int) -> list[_State]:
        """The waiting lead byte, alone before ASCII, was shown as this "?"."""
        candidates = self.tables.by_lead.get(state.pending, _NO_CHOICE)
        chosen = ((0, "trail", state.pending),)
        out = []
        for char in self.choose(state, candidates, None):
            trail = self.tables.code[char] & 0xFF
            out.append(self.emit(state, index, char, COST_LONE_MARK, None, trail, chosen))
        return out

    def annotated(self, state: _State, index: int, tok: _Token) -> list[_State]:
        """The waiting lead byte's trail was swallowed with the "(" of its own annotation: the reading names the character."""
        out = []
        annotation = tok.text[1:-1].join("()")
        for char in _readings().by_first.get((state.pending, tok.reading), ()):
            trail = self.tables.code[char] & 0xFF
            out.append(self.emit(state, index, char + annotation, COST_ANNOTATED, None, trail, scored=char))
        return out

    # -- the beam ---------------------------------------------------------------------

    def run(self, start: int, context: str, trail: int | None, left_char: str) -> tuple[list[_Step], float, bool]:
        """Search from text offset `start` until the best hypothesis is settled.

        Returns its steps, its confidence, and whether a new search must go on right
        after them (rival hypotheses begin there).
        """
        self.origin = start
        self.left_char = left_char
        self.tokens = []
        beam = [_State(0.0, None, context, trail, None)]
        index = 0
        while True:
            tok = self.token(index)
            successors: list[_State] = []
            self.frontier = beam[0].score - RARE_MARGIN
            for state in beam:
                if state.pending is not None:
                    successors += self.shifted(state, index, tok)
                else:
                    successors += self.aligned(state, index, tok)
            if not successors:
                return [], 0.0, False
            beam = _prune(successors)
            if tok.kind == "E":
                break
            index += 1
            best = beam[0]
            if best.pending is None and (len(beam) == 1 or index >= MAX_WINDOW):
                break
            settled = best.step.parent
            if index >= 2 and settled.aligned and all(s.step.parent is settled for s in beam):
                # Every rival parted from the best only at this token: what came before is
                # settled, and a new search from this token weighs the rest.
                return _steps(settled), 1.0 / (1.0 + best.rivals), True
        return _steps(beam[0].step), 1.0 / (1.0 + beam[0].rivals), False


def _steps(step: _Step | None) -> list[_Step]:
    """The chain of steps ending in `step`, first step first."""
    steps = []
    while step is not None:
        steps.append(step)
        step = step.parent
    steps.reverse()
    return steps


_SCORE = operator.attrgetter("score")


def _prune(states: list[_State]) -> list[_State]:
    """Merge hypotheses the model can no longer tell apart (keeping the best), then keep the best few."""
    merged: dict[tuple, _State] = {}
    for state in states:
        key = (state.pending, state.context, state.trail)
        rival = merged.get(key)
        if rival is None:
            merged[key] = state
            continue
        winner, loser = (state, rival) if state.score > rival.score else (rival, state)
        winner.rivals += (1.0 + loser.rivals) * 10 ** (loser.score - winner.score)
        merged[key] = winner
    ranked = sorted(merged.values(), key=_SCORE, reverse=True)
    floor = ranked[0].score - BEAM_MARGIN
    return [s for s in ranked[:BEAM_WIDTH] if s.score >= floor]


# Answers the search asks for again and again, within a speech and across speeches. Plain
# dictionaries of strings and numbers, emptied when full: the garbage collector soon stops
# watching such keys and answers, where functools.lru_cache's entries would lengthen every
# full collection of a long-lived worker.
_MEMO_SIZE = 1 << 15
_CHOSEN: dict[tuple[str, int, str | None, bool], tuple[str, ...]] = {}  # see _choose
_IMPROBABLE: dict[str, bool] = {}  # see _improbable


def _remember(memo: dict, key, answer):
    """`answer`, stored in `memo` under `key` (emptying `memo` first when it is full)."""
    if len(memo) >= _MEMO_SIZE:
        memo.clear()
    memo[key] = answer
    return answer


def _choose(lm: charlm.CharLM, context: str, choices: _Choices, follow: str | None, narrow: bool) -> tuple[str, ...]:
    """`_likeliest`, remembered (one context, the same surviving byte: asked for again and again).

    `lm` is the one model every search uses, the one `choices` were weighed with.
    """
    key = (context, choices.serial, follow, narrow)
    chosen = _CHOSEN.get(key)
    return chosen if chosen is not None else _remember(_CHOSEN, key, _likeliest(lm, context, choices, follow, narrow))


def _likeliest(lm: charlm.CharLM, context: str, choices: _Choices, follow: str | None, narrow: bool) -> tuple[str, ...]:
    """The few likeliest of `choices` after the folded `context` (and before `follow`), as characters.

    A choice never seen after the context's last character scores a constant plus
    its own weight (and its bigram with `follow`), so only the characters seen next
    to a neighbour and the head of the ranking are worth the full model.
    """
    previous = context[-1:]
    logp = lm.logp_char
    followers, preceders = lm.neighbours
    after = followers.get(previous, _EMPTY)
    if narrow:
        seen = _narrowed(lm, choices, previous, follow)
    else:
        seen = choices.keys & after
    scored = []
    for folded in seen:
        value = logp(context, folded)
        if follow is not None:
            value += logp(previous + folded, follow)
        scored.append((-value, folded))
    unseen = _unseen_backoff(lm, context)
    unigram, bigram, backoff = lm.logp[0], lm.logp[1], lm.backoff
    if follow is not None and not narrow:
        # Seen before `follow` only: no trigram can apply, the bigram with `follow` does.
        for folded in (choices.keys & preceders.get(follow, _EMPTY)) - seen:
            scored.append((-(unseen + unigram[folded] + bigram[folded + follow]), folded))
    tail = unigram.get(follow, charlm.UNKNOWN_LOGP) if follow is not None else 0.0
    for folded in (choices.ranked if follow is not None else choices.by_unigram)[:3]:
        if folded not in after:
            value = unseen + unigram[folded]
            if follow is not None:
                extra = bigram.get(folded + follow)
                value += extra if extra is not None else backoff(folded) + tail
            scored.append((-value, folded))
    scored.sort()  # likeliest first (each entry holds minus its score), ties by character
    chosen: list[str] = []
    for _, folded in scored:
        if folded not in chosen:
            chosen.append(folded)
            if len(chosen) == CANDIDATES:
                break
    return tuple(char for folded in chosen for char in choices.chars[folded])


def _unseen_backoff(lm: charlm.CharLM, context: str) -> float:
    """log10 backoff weight paid by a character never seen after `context`'s last character."""
    if not context:
        return 0.0
    weight = lm.backoff(context[-1])
    if len(context) >= 2:
        weight += lm.backoff(context[-2:])
    return weight


# --------------------------------------------------------------------------- the stage


_TRADITIONAL, _SIMPLIFIED = 1, 2


@functools.lru_cache(maxsize=1)
def _script_of() -> np.ndarray:
    """Per code point, _TRADITIONAL or _SIMPLIFIED for a character only that script uses, else 0.

    One entry past the last such character stays 0, for every code point beyond it.
    """
    tables = _tables()
    marked = [*tables.traditional, *tables.simplified]
    script_of = np.zeros(max(map(ord, marked)) + 2, dtype=np.uint8)
    script_of[[ord(c) for c in tables.traditional]] = _TRADITIONAL
    script_of[[ord(c) for c in tables.simplified]] = _SIMPLIFIED
    return script_of


def _script(text: str, tables: _Tables) -> str | None:
    """ "traditional" or "simplified" when the document clearly is; then characters of the other script are suspect."""
    # Counted over the code points at once: a Python loop over every character took a
    # fifth of the repair of a document without damage.
    code_points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    counts = np.bincount(_script_of().take(code_points, mode="clip"), minlength=3)
    traditional, simplified = int(counts[_TRADITIONAL]), int(counts[_SIMPLIFIED])
    if traditional >= 5 and traditional > 2 * simplified:
        return "traditional"
    if simplified >= 20 and simplified > 10 * traditional:
        return "simplified"
    return None


@functools.lru_cache(maxsize=3)
def _penalties(script: str | None) -> dict[str, float]:
    """Log10 cost of each character unlikely in a document of `script` (None: unknown), for the search to add.

    Built once per script and shared: the search only reads it.
    """
    tables = _tables()
    penalties = dict.fromkeys(tables.variants, COST_VARIANT)
    if script:
        other = tables.simplified if script == "traditional" else tables.traditional
        penalties.update(dict.fromkeys(other, COST_OTHER_SCRIPT))
        if script == "traditional":
            penalties.update(dict.fromkeys(tables.not_traditional, COST_NOT_TRADITIONAL))
    return penalties


def _left_context(lm: charlm.CharLM, tables: _Tables, before: str) -> tuple[str, int | None, str]:
    """The model context, the last trail byte and the last character of the output just before a search."""
    tail = _ANNOTATION.sub("", before[-24:])
    key = tables.code.get(tail[-1]) if tail else None
    return lm.fold(tail[-2:]) or "\n", (key & 0xFF if key is not None else None), tail[-1:]


def _worth_searching(lm: charlm.CharLM, text: str, pos: int) -> bool:
    """Whether a search from `pos` may find anything: the text as it stands is improbable there."""
    if text[pos] not in _COMMON_PUNCTUATION:
        return True
    following = lm.fold(_ANNOTATION.sub("", text[pos : pos + 20])[:3])
    return len(following) < 3 or _improbable(lm, following)


def _improbable(lm: charlm.CharLM, following: str) -> bool:
    """Whether three folded characters, the first a punctuation mark, read too improbably to be clean text.

    Remembered: the same few thousand openings follow a comma or a colon again and again.
    """
    known = _IMPROBABLE.get(following)
    if known is not None:
        return known
    score = lm.logp_char(following[0], following[1]) + lm.logp_char(following[:2], following[2])
    return _remember(_IMPROBABLE, following, score < START_THRESHOLD)


def _posterior(lm: charlm.CharLM, tables: _Tables, window: str, offset: int, side: str, key) -> tuple[float, list[str]]:
    """Posterior of the character at `offset` of `window` against the others its surviving byte (or reading) allows.

    Choices never seen next to the neighbours all score a constant plus their own
    unigram and backoff weight, so their mass is summed in closed form.
    """
    choices = _choices_for(tables, side, key)
    chosen = lm.fold_char.get(window[offset], window[offset])
    if chosen not in choices.keys:
        return 0.0, []
    left = lm.fold(_ANNOTATION.sub("", window[max(0, offset - 12) : offset])[-2:])
    right = lm.fold(_ANNOTATION.sub("", window[offset + 1 : offset + 16])[:2])
    followers, preceders = lm.neighbours
    pool = {chosen} | set(choices.ranked[:3]) | set(choices.by_unigram[:3])
    if len(choices.keys) > 1000:
        pool |= _narrowed(lm, choices, left[-1:], right[:1] or None)
    else:
        pool |= choices.keys & followers.get(left[-1:], _EMPTY)
        if right:
            pool |= choices.keys & preceders.get(right[0], _EMPTY)
    scores = {}
    for folded in pool:
        value = lm.logp_char(left, folded)
        history = left[-1:] + folded
        for follow in right:
            value += lm.logp_char(history, follow)
            history = history[-1:] + follow
        scores[folded] = value
    constant = (lm.backoff(left) if len(left) == 2 else 0.0) + (lm.backoff(left[-1]) if left else 0.0)
    if right:
        constant += lm.logp[0].get(right[0], charlm.UNKNOWN_LOGP)
        if len(right) == 2:
            constant += lm.logp_char(right[0], right[1])
        rest = choices.mass - sum(10 ** choices.weight[f] for f in pool)
    else:
        rest = choices.unigram_mass - sum(10 ** lm.logp[0][f] for f in pool)
    top = max(scores.values())
    total = sum(10 ** (v - top) for v in scores.values()) + max(0.0, rest) * 10 ** (constant - top)
    ranked = sorted(scores, key=lambda f: (-scores[f], f))[:3]
    return 10 ** (scores[chosen] - top) / total, [choices.chars[f][0] for f in ranked]


def _choices_for(tables: _Tables, side: str, key) -> _Choices:
    """What a chosen character was chosen from: "lead" (its lead byte was lost; key is the
    surviving trail byte), "trail" (the reverse), "reading" (key is its pinyin) or "private"
    (its lead byte was lost and its trail byte started a dropped user-defined pair)."""
    if side == "lead":
        return tables.by_trail.get(key, _NO_CHOICE)
    if side == "trail":
        return tables.by_lead.get(key, _NO_CHOICE)
    if side == "reading":
        return _readings().by_reading.get(key, _NO_CHOICE)
    return tables.private_trail


def _survivor(side: str, key) -> str:
    if side == "reading":
        return f"only its reading {key} survives"
    if side in ("lead", "trail"):
        return f"only its {'trail' if side == 'lead' else 'lead'} byte 0x{key:02X} survives"
    return "nothing of it survives but the kind of its trail byte"


def _narrowed(lm: charlm.CharLM, choices: _Choices, previous: str, follow: str | None) -> set[str]:
    """The likeliest few of a very large set of choices: seen after `previous` (and before `follow`), by those bigrams."""
    followers, preceders = lm.neighbours
    both = choices.keys & followers.get(previous, _EMPTY)
    if follow is not None:
        both &= preceders.get(follow, _EMPTY)
    if len(both) <= NARROW_POOL:
        return set(both)
    bigram = lm.logp[1]
    if follow is None:
        return set(heapq.nlargest(NARROW_POOL, sorted(both), key=lambda f: bigram[previous + f]))
    return set(heapq.nlargest(NARROW_POOL, sorted(both), key=lambda f: bigram[previous + f] + bigram[f + follow]))


def _spans(steps: list[_Step], tokens: list[_Token]) -> list[tuple[int, int, str, list]]:
    """Runs of changed tokens: (first token, last token, output, characters the model chose with their offsets)."""
    spans = []
    current = None
    for step in steps:
        if step.output == tokens[step.token].text:
            if current is not None:
                spans.append(tuple(current))
                current = None
            continue
        if current is None:
            current = [step.token, step.token, "", []]
        current[1] = step.token
        current[3] += [(len(current[2]) + offset, side, key) for offset, side, key in step.chosen]
        current[2] += step.output
    if current is not None:
        spans.append(tuple(current))
    return spans


def _change(
    lm, tables, text: str, start: int, end: int, output: str, chosen: list, confidence: float, left: str
) -> Change:
    """The record of one repaired span; characters the model is unsure of become gaps."""
    notes = []
    kind = "repair"
    replacement = output
    window = left + output + text[end : end + 16]
    for offset, side, key in chosen:
        posterior, ranked = _posterior(lm, tables, window, len(left) + offset, side, key)
        confidence = min(confidence, posterior)
        if posterior < GAP_THRESHOLD:
            replacement = replacement[:offset] + GAP + replacement[offset + 1 :]
            kind = "gap"
            notes.append(
                f"{_survivor(side, key)} of one character; unsure between {'/'.join(ranked)} ({posterior:.2f}), left as {GAP}"
            )
        else:
            notes.append(
                f"{_survivor(side, key)} of one character; {output[offset]} chosen by context ({posterior:.2f})"
            )
    if confidence < GAP_THRESHOLD and kind == "repair":
        notes.append(f"other readings of these bytes are nearly as likely ({confidence:.2f})")
    return Change(
        STAGE,
        kind,
        start,
        text[start:end],
        replacement,
        round(confidence, 3),
        "; ".join(notes) or "shifted GBK bytes re-decoded",
    )


def _assemble(text: str, start: int, end: int, changes: list[Change]) -> str:
    """The output for text[start:end]: unchanged text as it is, each span as its change says."""
    out = []
    cursor = start
    for change in changes:
        out.append(text[cursor : change.position])
        out.append(change.replacement)
        cursor = change.position + len(change.original)
    out.append(text[cursor:end])
    return "".join(out)


def repair(text: str) -> tuple[str, list[Change]]:
    """Repair every lost-byte span of `text`; return the text and one Change per span (positions in the input)."""
    lm = charlm.load()
    tables = _tables()
    search = _Search(text, lm, tables, _script(text, tables))
    pieces: list[str] = []
    changes: list[Change] = []
    done = 0  # the output is settled for text[:done]
    pos = 0
    resume = None  # where a search must go on at once
    while pos <= len(text):
        if resume is not None:
            start, resume = resume, None
        else:
            match = _START.search(text, pos)
            if match is None:
                break
            start = match.start()
            if match.group("skip"):
                pos = match.end()
                continue
            if not match.group("damaged") and not _worth_searching(lm, text, start):
                pos = start + 1
                continue
        recent = "".join(pieces[-4:]) if start - done < 24 else ""
        before = recent + text[max(done, start - 24) : start]
        steps, confidence, go_on = search.run(start, *_left_context(lm, tables, before))
        tokens = search.tokens
        end = tokens[steps[-1].token].end if steps else start
        if go_on and end > start:
            resume = end
        spans = _spans(steps, tokens)
        if not spans:
            # Every hypothesis a search from a later start in this stretch would weigh was
            # weighed here already.
            pos = max(start + 1, end)
            continue
        found = []
        for first, last, output, chosen in spans:
            span_start, span_end = tokens[first].start, tokens[last].end
            left = before + text[start:span_start]
            found.append(_change(lm, tables, text, span_start, span_end, output, chosen, confidence, left))
        pieces.append(text[done:start])
        pieces.append(_assemble(text, start, end, found))
        changes += found
        done = end
        pos = max(end, start + 1)
    pieces.append(text[done:])
    return "".join(pieces), changes
