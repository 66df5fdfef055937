"""Archive sizes in, the time and peak memory of the corpus-wide steps (editions, related speeches, shared passages, glossary, people and places) out, with their growth against n log n.

    python bench/bench_link.py 2000 5000 20000

Each size runs in a fresh process (so its peak memory is its own) over cleaned texts
assembled by `synth.py` from the seeds' and the government work reports' paragraphs,
with titles, places and years as the synthetic archives have them.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]


def corpus(count: int) -> list:
    """`count` cleaned speeches with their paragraphs, the same for the same count."""
    from synth import MEETINGS, OFFICES, speech_text  # noqa: PLC0415 - loads the seeds, only in the worker

    from build_scripts.speech import Speech  # noqa: PLC0415
    from build_scripts.structure import structure  # noqa: PLC0415

    rng = random.Random(count)
    out = []
    for index in range(count):
        meta = {
            "id": f"{index:012x}",
            "title": f"{rng.choice(OFFICES)}在{rng.choice(MEETINGS)}上的讲话",
            "speech_date": f"{rng.randrange(2008, 2025)}-06-01",
            "completeness": "complete",
        }
        text = "\n\n".join(speech_text(rng, rng.randrange(2000, 9000)))
        out.append(structure(Speech(source_file=f"{index}.txt", raw=text.encode("utf-8"), text=text, meta=meta)))
    return out


def steps() -> dict:
    """The corpus-wide steps of a build, in its order, as the build runs them (on all cores, the passages' signatures made once, the cycle collector paused): name → function of the speeches."""
    from build_scripts.browse import glossary  # noqa: PLC0415
    from build_scripts.editions import merge_editions  # noqa: PLC0415
    from build_scripts.fanout import fan_out  # noqa: PLC0415
    from build_scripts.link import related  # noqa: PLC0415
    from build_scripts.mentions import named_pages  # noqa: PLC0415
    from build_scripts.passages import shared_passages  # noqa: PLC0415
    from build_scripts.writer import cycles_uncollected, signer  # noqa: PLC0415

    sign = signer()
    run = {
        "editions": lambda speeches: merge_editions(speeches, sign),
        "related speeches": lambda speeches: related([(s.meta, s.text) for s in speeches], mapper=fan_out),
        "shared passages": lambda speeches: shared_passages(speeches, sign),
        "glossary": lambda speeches: glossary(speeches, fan_out),
        "people and places": lambda speeches: named_pages(speeches, {}),
    }
    return {name: cycles_uncollected(step) for name, step in run.items()}


def measure(count: int) -> dict[str, float]:
    """Run every step over an archive of `count` speeches; seconds per step and the peak memory in MB."""
    speeches = corpus(count)
    figures = {}
    for name, step in steps().items():
        start = time.perf_counter()
        step(speeches)
        figures[name] = time.perf_counter() - start
    figures["peak MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures["workers' peak MB"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[2000, 5000, 20000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a worker measuring one size
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one)))
        return 0
    base: dict[str, float] = {}
    for count in args.sizes:
        worker = subprocess.run(
            [sys.executable, __file__, "--one", str(count)], check=True, capture_output=True, text=True, cwd=ROOT
        )
        figures = json.loads(worker.stdout.strip().splitlines()[-1])
        peaks = figures.pop("peak MB"), figures.pop("workers' peak MB")
        print(f"\n== {count:,} speeches (peak {peaks[0]:,.0f} MB; a worker process's at most {peaks[1]:,.0f} MB, mostly shared with it)")
        nlogn = count * math.log(count)
        figures["all linking"] = sum(figures.values())
        for name, seconds in figures.items():
            base.setdefault(name, seconds / nlogn)
            print(f"  {name:20s} {seconds:8.1f} s   time / (n log n), against the smallest size: {seconds / nlogn / base[name]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
