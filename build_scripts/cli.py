"""The `jianghua` command: clean one file, build the archive's Markdown, the site, or the offline bundle."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .pipeline import Refused, process
from .render import render
from .writer import write_archive

ROOT = Path(__file__).resolve().parent.parent
SOURCE_SUFFIXES = {".txt", ".text", ".md"}
OFFLINE_ZIP = "jianghua-offline.zip"

err = Console(stderr=True, highlight=False, soft_wrap=True)


def _process_file(path: str):
    """Worker: one source file in, (Speech or None, refusal reason or None) out."""
    try:
        return process(Path(path).name, Path(path).read_bytes()), None
    except Refused as refusal:
        return None, str(refusal)
    except OSError as error:
        return None, f"cannot be read: {error.strerror}"


def source_files(seeds: Path) -> list[Path]:
    return sorted(p for p in seeds.iterdir() if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES)


def cmd_clean(args: argparse.Namespace) -> int:
    path = Path(args.file)
    speech, reason = _process_file(str(path))
    if speech is None:
        err.print(f"jianghua: {path}: {reason}", markup=False)
        return 2
    sys.stdout.write(render(speech))
    return 0


def build_docs(seeds: Path, docs: Path, jobs: int | None = None) -> tuple[int, list, int]:
    """Process every source in `seeds` on all cores and write the archive under `docs`."""
    files = source_files(seeds)
    speeches, refused = [], []
    columns = (TextColumn("[bold]清理"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=not err.is_terminal) as progress, ProcessPoolExecutor(
        max_workers=jobs or os.cpu_count()
    ) as pool:
        task = progress.add_task("clean", total=len(files))
        for path, (speech, reason) in zip(files, pool.map(_process_file, map(str, files), chunksize=8)):
            if speech is None:
                refused.append((path.name, reason))
                err.print(f"jianghua: {path}: refused: {reason}", markup=False)
            else:
                speeches.append(speech)
            progress.advance(task)
    write_archive(docs, speeches, refused)
    return len(speeches), refused, sum(len(s.warnings) for s in speeches)


def cmd_build(args: argparse.Namespace) -> int:
    built, refused, warnings = build_docs(Path(args.seeds), Path(args.docs), args.jobs)
    err.print(f"built {built} speeches, refused {len(refused)}, warnings {warnings}", markup=False)
    return 1 if args.strict and refused else 0


def mkdocs_build(docs: Path, seeds: Path, site_dir: Path, offline: bool = False) -> None:
    """Run the MkDocs build of the project's mkdocs.yml over `docs` into `site_dir`."""
    from mkdocs.commands.build import build  # noqa: PLC0415 - MkDocs is only needed for these commands
    from mkdocs.config import load_config

    # mkdocs.yml reads these, so one configuration serves the site, the bundle and the tests.
    os.environ["JIANGHUA_OFFLINE"] = "true" if offline else "false"
    os.environ["JIANGHUA_SEEDS"] = str(seeds.resolve())
    config = load_config(str(ROOT / "mkdocs.yml"), docs_dir=str(docs.resolve()), site_dir=str(site_dir.resolve()))
    build(config)


def cmd_site(args: argparse.Namespace) -> int:
    status = cmd_build(args)
    mkdocs_build(Path(args.docs), Path(args.seeds), Path(args.site_dir))
    err.print(f"site written to {args.site_dir}", markup=False)
    return status


def zip_tree(tree: Path, target: Path) -> None:
    """Zip a folder with fixed timestamps and order, so the same site gives the same bytes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in tree.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(str(Path("jianghua") / path.relative_to(tree)), date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())


def cmd_bundle(args: argparse.Namespace) -> int:
    status = cmd_build(args)
    dist = Path(args.dist)
    tree = dist / "offline-site"
    shutil.rmtree(tree, ignore_errors=True)
    mkdocs_build(Path(args.docs), Path(args.seeds), tree, offline=True)
    zip_tree(tree, dist / OFFLINE_ZIP)
    err.print(f"offline bundle written to {dist / OFFLINE_ZIP}", markup=False)
    return status


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="jianghua", description="讲话稿档案: clean raw speeches and publish them as a site.")
    sub = p.add_subparsers(dest="command", required=True)
    clean = sub.add_parser("clean", help="print one cleaned speech as Markdown with front matter")
    clean.add_argument("file")
    clean.set_defaults(func=cmd_clean)
    for name, func, help_text in (
        ("build", cmd_build, "regenerate the archive's Markdown under docs/ from seeds/"),
        ("site", cmd_site, "build, then run the MkDocs build into site/"),
        ("bundle", cmd_bundle, "build, then write the offline bundle (a zip of a site for file://)"),
    ):
        command = sub.add_parser(name, help=help_text)
        command.add_argument("--seeds", default=str(ROOT / "seeds"))
        command.add_argument("--docs", default=str(ROOT / "docs"))
        command.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
        command.add_argument("--strict", action="store_true", help="exit non-zero when any source is refused")
        command.add_argument("--site-dir", default=str(ROOT / "site"))
        command.add_argument("--dist", default=str(ROOT / "dist"))
        command.set_defaults(func=func)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)
