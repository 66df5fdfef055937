"""Simulated lost-byte damage in, the repair's character error rate (against doing nothing) and its speed out."""

from __future__ import annotations

import argparse
import difflib
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

# Usage: python bench/bench_repair.py [--chars N] [--seed S] [--dense] [--show K]
#
# Both sides are compared in Simplified script (OpenCC t2s) with full-width forms folded to
# ASCII; the repaired text also has its ordinary "(pinyin)" annotations removed, as the next
# stage of the pipeline does, so the figure measures the repair alone. Speed is CPU time.

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.damage import DENSE, FULL_WIDTH_TO_ASCII, DamageConfig, Sample, _converter, samples
from build_scripts import mojibake
from build_scripts.speech import undo

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
# The later stage's rule: a pinyin annotation right after a Chinese character (or a gap).
ANNOTATION = re.compile(rf"(?<=[\u3400-\u9fff□])\([a-z{_TONED}]{{1,7}}\)")


@dataclass
class Errors:
    substitutions: int = 0
    insertions: int = 0
    deletions: int = 0
    reference: int = 0

    @property
    def rate(self) -> float:
        return (self.substitutions + self.insertions + self.deletions) / max(1, self.reference)

    def add(self, other: Errors) -> None:
        self.substitutions += other.substitutions
        self.insertions += other.insertions
        self.deletions += other.deletions
        self.reference += other.reference


def _levenshtein(a: str, b: str) -> tuple[int, int, int]:
    """(substitutions, insertions, deletions) of a cheapest edit from reference `a` to hypothesis `b`."""
    previous = [(j, 0, j, 0) for j in range(len(b) + 1)]  # (cost, subs, ins, dels)
    for i in range(1, len(a) + 1):
        current = [(i, 0, 0, i)]
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                best = previous[j - 1]
            else:
                s, n, d = previous[j - 1], current[j - 1], previous[j]
                best = min(
                    (s[0] + 1, s[1] + 1, s[2], s[3]),
                    (n[0] + 1, n[1], n[2] + 1, n[3]),
                    (d[0] + 1, d[1], d[2], d[3] + 1),
                )
            current.append(best)
        previous = current
    _, subs, ins, dels = previous[-1]
    return subs, ins, dels


def errors(reference: str, hypothesis: str) -> Errors:
    """Edit counts line by line, exact inside each differing block that difflib finds."""
    result = Errors(reference=len(reference))
    ref_lines, hyp_lines = reference.split("\n"), hypothesis.split("\n")
    if len(ref_lines) != len(hyp_lines):
        ref_lines, hyp_lines = [reference], [hypothesis]
    for ref, hyp in zip(ref_lines, hyp_lines):
        matcher = difflib.SequenceMatcher(None, ref, hyp, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                continue
            subs, ins, dels = _levenshtein(ref[i1:i2], hyp[j1:j2])
            result.substitutions += subs
            result.insertions += ins
            result.deletions += dels
    return result


def comparable(text: str) -> str:
    return _converter("t2s").convert(text).translate(FULL_WIDTH_TO_ASCII)


def run(sample_list: list[Sample], show: int = 0) -> dict:
    nothing, repaired, floor = Errors(), Errors(), Errors()
    chars = 0
    seconds = 0.0
    spans = 0
    unrecorded = 0
    shown = 0
    for sample in sample_list:
        truth = comparable(sample.truth)
        floor.add(errors(truth, comparable(sample.site_text)))
        nothing.add(errors(truth, comparable(sample.damaged)))
        began = time.process_time()
        text, changes = mojibake.repair(sample.damaged)
        seconds += time.process_time() - began
        chars += len(sample.damaged)
        spans += len(changes)
        if undo(text, changes) != sample.damaged:
            unrecorded += 1
        result = errors(truth, comparable(ANNOTATION.sub("", text)))
        repaired.add(result)
        if show and result.rate > 0 and shown < show:
            shown += 1
            _show(truth, comparable(ANNOTATION.sub("", text)), sample.damaged)
    return {
        "chars": chars,
        "nothing": nothing,
        "repaired": repaired,
        "floor": floor,
        "speed": chars / seconds if seconds else 0.0,
        "changes": spans,
        "unrecorded": unrecorded,
    }


def _show(truth: str, hypothesis: str, damaged: str) -> None:
    matcher = difflib.SequenceMatcher(None, truth, hypothesis, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            print(
                f"  {op:8} truth {truth[max(0, i1 - 8) : i2 + 8]!r}\n           repair {hypothesis[max(0, j1 - 8) : j2 + 8]!r}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=100_000, help="characters of clean text to damage")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show", type=int, default=0, help="print the differences of this many imperfect samples")
    parser.add_argument("--dense", action="store_true", help="about three times as many lost bytes")
    args = parser.parse_args(argv)
    mojibake.repair("預熱?biāo)")  # load the model and tables outside the timing
    config = DENSE if args.dense else DamageConfig()
    result = run(samples(args.chars, seed=args.seed, config=config), show=args.show)
    labels = {
        "floor": "script round trip (undamaged site text)",
        "nothing": "doing nothing",
        "repaired": "repair",
    }
    for name, label in labels.items():
        e = result[name]
        counts = f"sub {e.substitutions}, ins {e.insertions}, del {e.deletions} of {e.reference:,}"
        print(f"{label:40} CER {e.rate:7.3%}  ({counts})")
    print(
        f"{'speed':40} {result['speed']:,.0f} chars/s of CPU time ({result['chars']:,} chars, {result['changes']:,} changes)"
    )
    unrecorded = result["unrecorded"]
    print(f"{'undo':40} {'every change recorded' if not unrecorded else f'{unrecorded} samples do not round-trip'}")
    print("(most deletions left after repair are characters the damage destroyed without a trace, such as a")
    print(" full stop that lost both bytes before a line break: the repair removes nothing without a Change)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
