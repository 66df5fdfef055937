"""A count N in (20,000 by default), the explorer's (讲话一览) data size and its times in Debian's chromium out: first rows drawn, each filter, each sort.

The page is the real one: the five seeds are built into a site in a scratch folder, then its
explorer/data.js is replaced by the data of N synthetic speeches (titles naming an office, a
county of the cpca gazetteer and a meeting; dates, topics, completeness and collections drawn
at random with a fixed seed). The page is opened from file://, as in the offline bundle, and
over HTTP; each figure is the median of several runs.

    python bench/bench_explorer.py            # 20,000 rows
    python bench/bench_explorer.py 50000 --runs 3
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from synth import MEETINGS, OFFICES  # noqa: E402

from build_scripts.explorer import explorer_data  # noqa: E402
from build_scripts.topics import topic_names  # noqa: E402
from build_scripts.writer import sort_key  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
LEVELS = {"县委书记": "县", "县长": "县", "市委组织部部长": "市", "镇党委书记": "乡镇", "市委书记": "市",
          "县委副书记": "县", "乡长": "乡镇", "驻村第一书记": "村"}
# Records when the first row of the table appears, from the start of navigation.
FIRST_ROW = """
new MutationObserver((_, observer) => {
  if (document.querySelector(".jh-x-table tbody tr")) {
    window.firstRow = performance.now();
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""
# Runs one change on the page: the time of its handler, and until the next frame is drawn.
TIMED = """async (change) => {
  const start = performance.now();
  change();
  const handled = performance.now();
  await new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  return [handled - start, performance.now() - start, document.querySelectorAll(".jh-x-table tbody tr").length];
}"""
CHANGES = {
    "filter: a year": "() => { const s = document.querySelector('select[name=year]'); s.value = '10'; s.dispatchEvent(new Event('input', {bubbles: true})); }",
    "filter: + completeness": "() => { const s = document.querySelector('select[name=completeness]'); s.value = '1'; s.dispatchEvent(new Event('input', {bubbles: true})); }",
    "filter: + a topic (first use)": "() => { const s = document.querySelector('select[name=topic]'); s.value = '0'; s.dispatchEvent(new Event('input', {bubbles: true})); }",
    "clear the filters": "() => { document.querySelectorAll('.jh-x-filters select').forEach(s => s.value = ''); document.querySelector('.jh-x-filters').dispatchEvent(new Event('input')); }",
    "search: 县委书记 (an eighth of the titles)": "() => { const q = document.querySelector('input[name=q]'); q.value = '县委书记'; q.dispatchEvent(new Event('input', {bubbles: true})); }",
    "search: cleared": "() => { const q = document.querySelector('input[name=q]'); q.value = ''; q.dispatchEvent(new Event('input', {bubbles: true})); }",
    "sort: title (first use, collation)": "() => document.querySelector('th[data-key=title]').click()",
    "sort: title reversed": "() => document.querySelector('th[data-key=title]').click()",
    "sort: place (first use)": "() => document.querySelector('th[data-key=place]').click()",
    "sort: date": "() => document.querySelector('th[data-key=date]').click()",
    "sort: date reversed": "() => document.querySelector('th[data-key=date]').click()",
    "show 200 more": "() => document.querySelector('.jh-x-more').click()",
}


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def synthetic_metas(count: int, seed: int = 1) -> list[dict]:
    """`count` speeches' metadata, in the archive's order (by date)."""
    import cpca  # noqa: PLC0415 - the gazetteer is only needed here

    rng = random.Random(seed)
    places = cpca.ad_2_addr_dict
    counties = sorted(code for code, a in places.items() if a.rank == 2 and a.name.endswith(("县", "区", "市")))
    topics = topic_names()
    metas = []
    for n in range(count):
        code = counties[rng.randrange(len(counties))]
        county = places[code].name
        city = places.get(code[:4] + "00000000")
        province = places.get(code[:2] + "0000000000")
        office = OFFICES[rng.randrange(len(OFFICES))]
        year = rng.randint(2003, 2023)
        meta = {
            "id": f"{rng.getrandbits(48):012x}",
            "title": f"{office}在{county}{MEETINGS[rng.randrange(len(MEETINGS))]}上的讲话",
            "speaker": {"office": office, "level": LEVELS[office]},
            "place": {"province": province and province.name, "city": city and city.name, "county": county, "inferred": rng.random() < 0.5},
            "topics": [{"name": name} for name in rng.sample(topics, rng.randint(0, 4))],
            "completeness": rng.choice(["complete", "truncated", "gaps"]),
            "collection": rng.choice(["讲话稿", "讲话稿", "政府工作报告"]),
        }
        roll = rng.random()
        if roll < 0.6:
            meta["speech_date"], meta["date_inferred"] = str(year), True
        elif roll < 0.9:
            meta["speech_date"] = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        elif roll < 0.97:
            meta["speech_years"], meta["date_inferred"] = {"from": year, "to": year + 2}, True
        else:
            meta["published"] = f"{year}-06-01"
        metas.append(meta)
    return sorted(metas, key=sort_key)


def build_site(folder: Path) -> Path:
    """The five seeds built into a site under `folder`; its path."""
    shutil.copytree(ROOT / "docs", folder / "docs")
    subprocess.run(
        [sys.executable, "-m", "build_scripts", "site", "--seeds", str(ROOT / "seeds"), "--docs", str(folder / "docs"),
         "--site-dir", str(folder / "site")],
        cwd=ROOT, check=True, capture_output=True,
    )
    return folder / "site"


def measure(browser, url: str, runs: int) -> dict[str, list[float]]:
    figures: dict[str, list[float]] = {}
    for _ in range(runs):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.add_init_script(FIRST_ROW)
        page.goto(url)
        page.wait_for_function("window.firstRow !== undefined")
        figures.setdefault("first rows drawn (from navigation)", []).append(page.evaluate("window.firstRow"))
        for name, change in CHANGES.items():
            handled, drawn, rows = page.evaluate(f"(async () => ({TIMED})({change}))()")
            figures.setdefault(name, []).append(handled)
            figures.setdefault(name + " → drawn", []).append(drawn)
            assert rows > 0, (name, rows)
        page.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", default=20000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as scratch:
        site = build_site(Path(scratch))
        metas = synthetic_metas(args.count)
        start = time.perf_counter()
        data = explorer_data(metas)
        made = time.perf_counter() - start
        (site / "explorer" / "data.js").write_text(data, encoding="utf-8")
        size = len(data.encode("utf-8"))
        print(f"{args.count:,} rows: explorer/data.js {size / 1e6:.2f} MB ({len(gzip.compress(data.encode('utf-8'))) / 1e6:.2f} MB gzipped), written in {made:.2f} s")
        handler = functools.partial(Quiet, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        urls = {
            "file://": (site / "explorer" / "index.html").as_uri(),
            "http": f"http://127.0.0.1:{server.server_address[1]}/explorer/",
        }
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            results = {where: measure(browser, url, args.runs) for where, url in urls.items()}
            browser.close()
        server.shutdown()
    print(f"median of {args.runs} runs, ms | " + " | ".join(results))
    for name in results["file://"]:
        print(f"{name} | " + " | ".join(f"{statistics.median(r[name]):.1f}" for r in results.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
