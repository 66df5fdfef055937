"""Shared fixtures: the repository, its seeds, and the archive built from them once per test session."""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
CHROMIUM = "/usr/bin/chromium"


def jianghua(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run the real command line, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "build_scripts", *args], cwd=ROOT, capture_output=True, text=True, check=check
    )


@pytest.fixture(scope="session")
def archive(tmp_path_factory) -> dict[str, Path]:
    """The five seeds built into Markdown, a site and an offline bundle in a scratch folder."""
    base = tmp_path_factory.mktemp("archive")
    paths = {"docs": base / "docs", "site": base / "site", "dist": base / "dist"}
    shutil.copytree(ROOT / "docs", paths["docs"])
    common = ["--seeds", str(SEEDS), "--docs", str(paths["docs"])]
    jianghua("site", *common, "--site-dir", str(paths["site"]))
    jianghua("bundle", *common, "--dist", str(paths["dist"]))
    return paths


@pytest.fixture(scope="session")
def served_site(archive):
    """The built site served over HTTP on localhost; yields its base URL."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(archive["site"]))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def offline_bundle(archive, tmp_path_factory) -> Path:
    """The offline bundle unzipped into a fresh folder; yields the folder holding index.html."""
    target = tmp_path_factory.mktemp("bundle")
    with zipfile.ZipFile(archive["dist"] / "jianghua-offline.zip") as bundle:
        bundle.extractall(target)
    return target / "jianghua"


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright, with no browser download and no background traffic."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "chromium is installed by `make test` (apt-get install chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--allow-file-access-from-files",
            ],
        )
        yield browser
        browser.close()
