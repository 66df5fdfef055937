"""Shared fixtures: the repository, its seeds, and the archives built from them (and from the government work reports) once per test session."""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
import zipfile
from pathlib import Path
from urllib.parse import urljoin

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
CHROMIUM = "/usr/bin/chromium"
REPORTS = SHARED / "corpora" / "government_work_reports.jsonl"
REPORT_COLUMNS = "title=title,text=content,url=url,date=year"
REPORTS_COLLECTION = "政府工作报告"


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
def two_collections(tmp_path_factory) -> dict[str, Path]:
    """The five seeds (collection 讲话稿) and the 72 government work reports imported as a second collection, built into Markdown and a site in a scratch folder."""
    base = tmp_path_factory.mktemp("two-collections")
    paths = {"docs": base / "docs", "site": base / "site"}
    shutil.copytree(ROOT / "docs", paths["docs"])
    jianghua(
        "site", "--seeds", str(SEEDS), "--docs", str(paths["docs"]), "--site-dir", str(paths["site"]),
        "--import", str(REPORTS), "--columns", REPORT_COLUMNS, "--collection", REPORTS_COLLECTION,
    )
    return paths


@pytest.fixture(scope="session", params=["seeds", "two collections"])
def built(request) -> dict[str, Path]:
    """Each archive the cross-links are checked on: the seeds alone, and the seeds with the reports as a second collection."""
    return request.getfixturevalue("archive" if request.param == "seeds" else "two_collections")


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
            ],
        )
        yield browser
        browser.close()


class Browse:
    """A page of the served site or of the bundle, with every request that leaves it aborted and kept."""

    def __init__(self, browser, root: str, width: int = 1280):
        self.root = root
        self.outside: list[str] = []
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.context.route("**/*", self._block)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _block(self, route):
        if route.request.url.startswith(self.root):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def open(self, path: str):
        self.page.goto(urljoin(self.root, path))
        return self.page

    def close(self) -> None:
        self.context.close()
        assert self.outside == [], f"requests left the site: {self.outside}"
        assert self.errors == [], self.errors


@pytest.fixture(params=["served", "bundle"])
def where(request, archive, served_site, offline_bundle) -> dict:
    """The served site or the unzipped offline bundle: its root URL, its folder, and how a page's address is written."""
    if request.param == "served":
        return {"root": served_site, "folder": archive["site"], "page": lambda path: path}
    return {
        "root": offline_bundle.as_uri() + "/",
        "folder": offline_bundle,
        "page": lambda path: path + "index.html" if path.endswith("/") or not path else path,
    }
