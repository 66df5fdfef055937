"""Archive sizes in, figures out: time per stage, wall time, peak memory, site bytes and search transfer.

    python bench/bench_build.py 1000 10000          # full builds, MkDocs and Pagefind included
    python bench/bench_build.py 50000 --no-site     # the pipeline stages only

Each size is synthesized by `synth.py` into a scratch folder, built with the real
command line, then measured: the speech pages' bytes, the Pagefind index, and in
Debian's chromium the bytes a first query transfers.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from synth import synthesize  # noqa: E402

from build_scripts import clean as cleaning  # noqa: E402
from build_scripts.decode import decode  # noqa: E402
from build_scripts.extract import extract  # noqa: E402
from build_scripts.render import render  # noqa: E402
from build_scripts.speech import Speech  # noqa: E402
from build_scripts.structure import structure  # noqa: E402

QUERY = "脱贫攻坚"


def run(*command: str) -> tuple[float, float]:
    """Run a command; return its wall time in seconds and the peak memory of any child so far, in MB."""
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return time.perf_counter() - start, peak


def stage_times(seeds: Path, sample: int = 200) -> dict[str, float]:
    """Milliseconds per speech for each pure stage, on one core, over a sample of the files."""
    totals: dict[str, float] = {}
    files = sorted(seeds.iterdir())[:sample]

    def timed(name, function, speech):
        start = time.perf_counter()
        result = function(speech)
        totals[name] = totals.get(name, 0.0) + time.perf_counter() - start
        return result

    for path in files:
        speech = timed("decode", decode, Speech(source_file=path.name, raw=path.read_bytes()))
        speech = timed("clean", cleaning.clean, speech)
        speech = timed("extract", extract, speech)
        speech = timed("structure", structure, speech)
        timed("render", render, speech)
    return {name: 1000 * total / len(files) for name, total in totals.items()}


def tree_bytes(folder: Path, pattern: str = "*") -> tuple[int, int]:
    files = [p for p in folder.rglob(pattern) if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def first_query_transfer(site: Path) -> tuple[int, float]:
    """Bytes of search data the browser fetches for a first query, and the time to first result."""
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fetched: list[int] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        page = browser.new_page()
        page.on("requestfinished", lambda r: fetched.append(len(r.response().body())) if "/pagefind/" in r.url else None)
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
        start = time.perf_counter()
        page.locator(".jh-search input").fill(QUERY)
        page.locator(".jh-result").first.wait_for(timeout=60000)
        latency = time.perf_counter() - start
        browser.close()
    server.shutdown()
    return sum(fetched), latency


def bench(count: int, with_site: bool, keep: Path | None) -> None:
    work = Path(keep or tempfile.mkdtemp(prefix=f"jianghua-bench-{count}-"))
    seeds, docs, site = work / "seeds", work / "docs", work / "site"
    if not seeds.exists():
        seeds.mkdir(parents=True)
        for index in range(count):
            name, data = synthesize(index)
            (seeds / name).write_bytes(data)
    shutil.rmtree(docs, ignore_errors=True)
    shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("speeches"))
    raw_bytes, _ = tree_bytes(seeds)
    print(f"\n== {count} speeches ({raw_bytes / 1e6:.1f} MB raw) in {work}")
    for name, ms in stage_times(seeds).items():
        print(f"  {name:10s} {ms:7.2f} ms/speech on one core")
    build_time, peak = run(sys.executable, "-m", "build_scripts", "build", "--seeds", str(seeds), "--docs", str(docs))
    print(f"  jianghua build (all cores):   {build_time:7.1f} s   peak {peak:7.0f} MB")
    rebuild, _ = run(sys.executable, "-m", "build_scripts", "build", "--seeds", str(seeds), "--docs", str(docs))
    print(f"  rebuild, nothing changed:     {rebuild:7.1f} s")
    if not with_site:
        return
    mkdocs_time, peak = run(
        sys.executable, "-c", "import sys; from pathlib import Path; from build_scripts.cli import mkdocs_build; "
        "mkdocs_build(*map(Path, sys.argv[1:]))", str(docs), str(seeds), str(site),
    )
    index_time, peak_index = run(sys.executable, "-m", "pagefind", "--site", str(site), "--quiet")
    total_site, _ = tree_bytes(site)
    pages, page_count = tree_bytes(site / "speeches", "index.html")
    index_bytes, index_files = tree_bytes(site / "pagefind")
    transfer, latency = first_query_transfer(site)
    print(f"  mkdocs build + Pagefind:      {mkdocs_time:7.1f} s   (Pagefind alone {index_time:.1f} s)   peak {max(peak, peak_index):7.0f} MB")
    print(f"  raw files to searchable site: {build_time + mkdocs_time:7.1f} s")
    print(f"  site: {total_site / 1e6:.1f} MB, {total_site / count / 1e3:.1f} kB per speech; "
          f"speech pages {pages / max(1, page_count) / 1e3:.1f} kB each")
    print(f"  search index: {index_bytes / 1e6:.1f} MB in {index_files} files; first query {QUERY}: "
          f"{transfer / 1e3:.0f} kB transferred, first result after {latency:.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--no-site", action="store_true", help="stop after the pipeline stages")
    parser.add_argument("--keep", type=Path, help="work in this folder (reused across runs)")
    args = parser.parse_args()
    for count in args.sizes:
        bench(count, not args.no_site, args.keep and args.keep / str(count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
