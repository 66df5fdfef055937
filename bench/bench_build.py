"""Archive sizes in, figures out: time per stage, wall time, peak memory, site bytes and search transfer.

    python bench/bench_build.py 1000 10000          # full builds, MkDocs and Pagefind included
    python bench/bench_build.py 10000 --no-bundle   # the same without the offline bundle
    python bench/bench_build.py 50000 --no-site     # the pipeline stages only

Each size is synthesized by `synth.py` into a scratch folder, built with the real
command line, then measured: the site of both editions (what `jianghua site` makes),
the speech pages' bytes, the Pagefind index, and in Debian's chromium the bytes a first
query transfers, on the served site and in the offline bundle opened from file://.
Memory is the peak of a command's processes together (the build's workers, MkDocs's
rendering processes, Pagefind).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

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
# Re-index a built site's speech pages in shards as its build did, to time Pagefind alone.
REINDEX = (
    "import json, sys; from pathlib import Path; from build_scripts import search_index as s; "
    "docs, site = map(Path, sys.argv[1:]); lines = (docs / 'data' / 'speeches.jsonl').read_text(encoding='utf-8').splitlines(); "
    "ids = [json.loads(line)['id'] for line in lines if line.strip()]; "
    "s.index(site, [[f'speeches/{i}/index.html' for i in shard] for shard in s.shards(ids, s.shard_size())], offline=False)"
)


def _tree(root: int) -> list[int]:
    """A process and its descendants, by process id, from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _pss(pid: int) -> int:
    """A process's proportional set size in kB: its share of pages it shares with others (a forked
    renderer shares its parent's), so that the sum over processes is the memory they use together."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run(*command: str) -> tuple[float, float]:
    """Run a command; return its wall time in seconds and the peak memory of it and its children
    together, in MB, sampled from /proc ten times a second."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        peak = max(peak, sum(map(_pss, _tree(process.pid))))
        time.sleep(0.1)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    return time.perf_counter() - start, peak / 1024


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


def index_part(path: str) -> str | None:
    """What a file of the search index is, by its path in the site; None for the rest of the site.

    >>> [index_part(p) for p in ("pagefind/pagefind.js", "pagefind-2/index/zh_1.pf_index", "pagefind-3/pagefind-entry.json", "speeches/")]
    ['runtime', 'index', 'entry and metadata', None]
    """
    folder, _, name = path.partition("/")
    if not (folder == "pagefind" or folder.startswith("pagefind-")):
        return None
    if name.endswith(".pf_fragment.js") or name.endswith(".pf_fragment"):
        return "fragments"
    if name.startswith(("index/", "filter/")):
        return "index"
    if name.startswith("pagefind-entry.json") or ".pf_meta" in name:
        return "entry and metadata"
    return "runtime"


def first_query_transfer(site: Path) -> tuple[dict[str, int], float]:
    """Bytes of search data the browser fetches for a first query, by part of the index (runtime, each
    shard's entry and metadata, index chunks, fragments), and the time to first result."""
    from playwright.sync_api import sync_playwright

    fetched: dict[str, int] = {}

    # Counted where the files are sent: the browser's events miss some of what Pagefind's web worker fetches.
    class Counting(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):
            super().do_GET()
            path = Path(self.translate_path(self.path))
            part = index_part(urlparse(self.path).path.lstrip("/"))
            if part and path.is_file():
                fetched[part] = fetched.get(part, 0) + path.stat().st_size

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Counting, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
        start = time.perf_counter()
        page.locator(".jh-search input").fill(QUERY)
        page.locator(".jh-result").first.wait_for(timeout=60000)
        latency = time.perf_counter() - start
        browser.close()
    server.shutdown()
    return fetched, latency


def first_query_from_file(tree: Path) -> tuple[int, int, int, float]:
    """The offline bundle opened from file://: bytes and number of the index's scripts a first query loads,
    the number there are, and the time to first result."""
    from playwright.sync_api import sync_playwright

    loaded: set[str] = set()
    root = tree.as_uri() + "/"

    def note(request):
        name = request.url.removeprefix(root)
        if request.url.startswith(root) and index_part(name):
            loaded.add(name)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        page = browser.new_page()
        page.on("request", note)
        page.goto((tree / "index.html").as_uri())
        start = time.perf_counter()
        page.locator(".jh-search input").fill(QUERY)
        page.locator(".jh-result").first.wait_for(timeout=60000)
        latency = time.perf_counter() - start
        browser.close()
    scripts = sum(1 for folder in tree.glob("pagefind*") for _ in folder.rglob("*.js"))
    return sum((tree / name).stat().st_size for name in loaded), len(loaded), scripts, latency


def bench(count: int, with_site: bool, with_bundle: bool, keep: Path | None) -> None:
    work = Path(keep or tempfile.mkdtemp(prefix=f"jianghua-bench-{count}-"))
    seeds, docs, site, cache = work / "seeds", work / "docs", work / "site", work / "cache"
    if not seeds.exists():
        seeds.mkdir(parents=True)
        for index in range(count):
            name, data = synthesize(index)
            (seeds / name).write_bytes(data)
    shutil.rmtree(docs, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("speeches"))
    raw_bytes, _ = tree_bytes(seeds)
    print(f"\n== {count} speeches ({raw_bytes / 1e6:.1f} MB raw) in {work}")
    for name, ms in stage_times(seeds).items():
        print(f"  {name:10s} {ms:7.2f} ms/speech on one core")
    build_time, peak = run(sys.executable, "-m", "build_scripts", "build", "--seeds", str(seeds), "--docs", str(docs),
                           "--cache-dir", str(cache))
    print(f"  jianghua build (all cores):   {build_time:7.1f} s   peak {peak:7.0f} MB")
    rebuild, _ = run(sys.executable, "-m", "build_scripts", "build", "--seeds", str(seeds), "--docs", str(docs),
                     "--cache-dir", str(cache))
    print(f"  rebuild, nothing changed:     {rebuild:7.1f} s")
    changed = sorted(seeds.iterdir())[0]
    original = changed.read_bytes()
    changed.write_bytes(original + b"\n")  # any encoding takes a line break
    start = time.perf_counter()
    cleaned = subprocess.run(
        [sys.executable, "-m", "build_scripts", "build", "--seeds", str(seeds), "--docs", str(docs), "--cache-dir", str(cache)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stderr
    changed.write_bytes(original)
    line = next((l for l in cleaned.splitlines() if l.startswith("cleaned ")), "")
    print(f"  rebuild, one raw file changed: {time.perf_counter() - start:6.1f} s   ({line})")
    if not with_site:
        return
    # Put the docs back as the unchanged raw files make them.
    run(sys.executable, "-m", "build_scripts", "build", "--seeds", str(seeds), "--docs", str(docs), "--cache-dir", str(cache))
    mkdocs_time, mkdocs_peak = run(
        sys.executable, "-c", "import sys; from pathlib import Path; from build_scripts.cli import mkdocs_build; "
        "mkdocs_build(*map(Path, sys.argv[1:]), hant=True)", str(docs), str(seeds), str(site),
    )
    index_time, peak_index = run(sys.executable, "-c", REINDEX, str(docs), str(site))
    print(f"  MkDocs build, both editions, with Pagefind: {mkdocs_time:7.1f} s   (Pagefind alone {index_time:.1f} s)   "
          f"peak {mkdocs_peak:.0f} MB (Pagefind alone {peak_index:.0f} MB)")
    print(f"  raw files to searchable site: {build_time + mkdocs_time:7.1f} s   peak {max(peak, mkdocs_peak):.0f} MB")
    total_site, _ = tree_bytes(site)
    hant_site, _ = tree_bytes(site / "hant")
    pages, page_count = tree_bytes(site / "speeches", "index.html")
    folders = sorted(site.glob("pagefind*"))
    index_bytes, index_files = map(sum, zip(*(tree_bytes(folder) for folder in folders)))
    transfer, latency = first_query_transfer(site)
    print(f"  site: {total_site / 1e6:.1f} MB, {total_site / count / 1e3:.1f} kB per speech "
          f"({(total_site - hant_site) / count / 1e3:.1f} kB without the Traditional edition); "
          f"speech pages {pages / max(1, page_count) / 1e3:.1f} kB each")
    print(f"  search index: {index_bytes / 1e6:.1f} MB in {index_files} files, {len(folders)} shards; first query {QUERY}: "
          f"{sum(transfer.values()) / 1e3:.0f} kB transferred ({', '.join(f'{k} {v / 1e3:.0f} kB' for k, v in sorted(transfer.items()))}), "
          f"first result after {latency:.2f} s")
    if not with_bundle:
        return
    tree, bundle = work / "offline-site", work / "jianghua-offline.zip"
    bundle_time, _ = run(
        sys.executable, "-c", "import sys; from pathlib import Path; from build_scripts.cli import mkdocs_build, zip_tree; "
        "docs, seeds, tree, bundle = map(Path, sys.argv[1:]); mkdocs_build(docs, seeds, tree, offline=True, hant=True); zip_tree(tree, bundle)",
        str(docs), str(seeds), str(tree), str(bundle),
    )
    script_bytes = sum(tree_bytes(folder)[0] for folder in tree.glob("pagefind*"))
    read, pieces, scripts, latency = first_query_from_file(tree)
    print(f"  offline bundle: {bundle_time:.1f} s, {bundle.stat().st_size / 1e6:.1f} MB zipped; index {script_bytes / 1e6:.1f} MB "
          f"in {scripts} scripts; first query from file://: {pieces} scripts, {read / 1e3:.0f} kB, first result after {latency:.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--no-site", action="store_true", help="stop after the pipeline stages")
    parser.add_argument("--no-bundle", action="store_true", help="leave out the offline bundle")
    parser.add_argument("--keep", type=Path, help="work in this folder (reused across runs)")
    args = parser.parse_args()
    for count in args.sizes:
        bench(count, not args.no_site, not args.no_bundle, args.keep and args.keep / str(count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
