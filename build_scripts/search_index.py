"""A built site and its speech pages in, Pagefind's index out: one index per shard of the archive, merged by the browser."""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Pagefind holds a whole index in memory while it writes it: 0.57 GB for 500 speeches, 1.33 GB
# for 1,000, 1.84 GB for 1,500 (bench/README.md), beside the MkDocs process that runs it. A
# shard of at most 1,500 keeps Pagefind's part of the build's peak under 2 GB whatever the
# archive's size; smaller shards would cost a query more, as each adds its index chunks to it.
SHARD_SIZE = 1500
SHARD_SIZE_ENV = "JIANGHUA_SHARD_SIZE"  # lets a test split a small archive into several shards
AT_ONCE_ENV = "JIANGHUA_INDEX_AT_ONCE"  # Pagefind runs at a time (default 1: each needs the memory of its shard)
# Shards are filled to 90 % on average, as the hash spreads speeches a little unevenly; a
# shard over the limit then is rare, and the number of shards follows the number of speeches.
FILL = 0.9
FOLDER = "pagefind"
# What the browser fetches from a merged shard; the runtime and WebAssembly come from the first.
MERGED = ("pagefind-entry.json", ".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter")


def shard_size() -> int:
    return int(os.environ.get(SHARD_SIZE_ENV) or SHARD_SIZE)


def at_once() -> int:
    return int(os.environ.get(AT_ONCE_ENV) or 1)


def folder(number: int) -> str:
    """The folder of a shard's index, beside the site's pages: `pagefind/` for the first, then `pagefind-2/`, …

    >>> [folder(n) for n in range(3)]
    ['pagefind', 'pagefind-2', 'pagefind-3']
    """
    return FOLDER if number == 0 else f"{FOLDER}-{number + 1}"


def _bucket(speech_id: str) -> int:
    return int.from_bytes(hashlib.sha256(speech_id.encode("utf-8")).digest()[:8], "big")


def shards(speech_ids: list[str], size: int) -> list[list[str]]:
    """Speech ids in, the shards to index them in, none over `size` speeches: their number from the
    number of speeches, a speech's shard from a hash of its id. So the same archive always splits
    the same way, and a speech added leaves the other shards as they were until the number changes.

    >>> shards(["b", "a", "c"], 5)
    [['a', 'b', 'c']]
    >>> [len(shard) for shard in shards([f"{n:012x}" for n in range(100)], 40)]
    [35, 37, 28]
    >>> shards([], 5)
    []
    """
    count = max(1, math.ceil(len(speech_ids) / (size * FILL)))
    while True:
        groups: list[list[str]] = [[] for _ in range(count)]
        for speech_id in sorted(speech_ids):
            groups[_bucket(speech_id) % count].append(speech_id)
        if max(map(len, groups)) <= size:
            return [group for group in groups if group]
        count += 1


def index(site: Path, pages: list[list[str]], offline: bool, at_once: int = 1) -> list[Path]:
    """Index each shard's pages (paths in the site) with Pagefind's extended build, which segments
    Chinese words, into the shard's folder, `at_once` shards at a time; return the folders.

    Pagefind indexes on one core, so two runs at once take half the time on two cores, and
    need the memory of both.
    """
    # From file:// a result must name the page's file, index.html included.
    keep_files = ["--keep-index-url"] if offline else []
    # Pagefind adds to a folder it finds; an earlier index's pieces would stay beside the new one's.
    for stale in [site / FOLDER, *site.glob(f"{FOLDER}-*")]:
        shutil.rmtree(stale, ignore_errors=True)
    folders = [site / folder(number) for number in range(len(pages))]
    running: list[tuple[int, subprocess.Popen, tempfile.TemporaryDirectory]] = []
    try:
        for number, shard in enumerate(pages):
            if len(running) == at_once:
                _finish(*running.pop(0), folders)
            work = tempfile.TemporaryDirectory()
            # Pagefind reads its configuration from the folder it runs in; a glob naming a
            # thousand pages is safer there than on the command line.
            (Path(work.name) / "pagefind.json").write_text(json.dumps({"glob": "{" + ",".join(shard) + "}"}), encoding="utf-8")
            # The later runs would repeat the first one's notes.
            quiet = "--silent" if number else "--quiet"
            command = [sys.executable, "-m", "pagefind", "--site", str(site.resolve()), "--output-path", str(folders[number].resolve())]
            running.append((number, subprocess.Popen([*command, quiet, *keep_files], cwd=work.name), work))
        while running:
            _finish(*running.pop(0), folders)
    finally:
        for _, run, work in running:  # after a failed run: the others are not needed
            run.kill()
            run.wait()
            work.cleanup()
    return folders


def _finish(number: int, run: subprocess.Popen, work: tempfile.TemporaryDirectory, folders: list[Path]) -> None:
    """Wait for a shard's Pagefind run; keep only what the browser fetches from a shard merged into the first."""
    status = run.wait()
    work.cleanup()
    if status:
        raise subprocess.CalledProcessError(status, run.args)
    if number:
        for path in sorted(p for p in folders[number].rglob("*") if p.is_file() and not p.name.endswith(MERGED)):
            path.unlink()
