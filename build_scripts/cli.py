"""The `jianghua` command: add sources, clean one file, build the archive's Markdown, the site, or the offline bundle."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from . import isolation, provenance, sources
from .cache import SpeechCache
from .extract import text_digest
from .pipeline import Refused, process
from .render import front_matter, render
from .schema import FrontMatterError, validate
from .writer import write_archive

ROOT = Path(__file__).resolve().parent.parent
OFFLINE_ZIP = "jianghua-offline.zip"
TIME_LIMIT = 60.0  # seconds one source may take
MAX_SIZE = 25 * 2**20  # bytes of one source (a file, or a row of a dump)
IMPORTS_ENV = "JIANGHUA_IMPORTS"  # folders of dumps given with --import, for the raw files of the site
DEFAULT_COLLECTION = "讲话稿"  # the collection of the speeches in seeds/, and of an --import given none

err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


# --------------------------------------------------------------------------- one source


def display_name(name: str) -> str:
    """A file name fit for one line of a report: undecodable bytes and control characters shown as escapes.

    >>> display_name("a\\nb.txt"), display_name("讲话.txt")
    ('a\\\\nb.txt', '讲话.txt')
    """
    text = os.fsencode(name).decode("utf-8", "backslashreplace")
    return "".join(repr(ch)[1:-1] if ch.isprintable() is False and ch != " " else ch for ch in text)


def _name_problem(name: str) -> str | None:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "the file name is not valid UTF-8: rename it, or add it with `jianghua add`, which gives it a safe name"
    if any(not ch.isprintable() and ch != " " for ch in name):
        return "the file name has control or invisible characters: add it with `jianghua add`, which gives it a safe name"
    return None


def _check_front_matter(speech) -> None:
    """Refuse a speech whose page would not follow the front matter's schema, so that it cannot stop the site build."""
    # The page begins with its front matter, so that block alone is rendered; libyaml reads
    # it back (PyYAML's pure-Python loader took most of a speech's time in this check).
    block = front_matter(speech.meta)
    meta = yaml.load(block[4:].partition("\n---\n")[0], Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    try:
        validate(meta, speech.source_file)
    except FrontMatterError as error:
        raise Refused(f"its metadata does not follow the schema: {error}") from None


def build_one(task: dict) -> tuple[str, object]:
    """Worker: one source in, ("speech", Speech) or ("refused", reason) out."""
    try:
        raw = task["raw"]
        if raw is None:
            with open(task["path"], "rb") as handle:
                raw = handle.read(task["max_bytes"] + 1)
        speech = process(
            task["name"],
            raw,
            kind=task["kind"],
            columns=task.get("columns"),
            provenance=task.get("provenance"),
            max_bytes=task["max_bytes"],
        )
        _check_front_matter(speech)
        return "speech", speech.recorded()
    except Refused as refusal:
        return "refused", str(refusal)
    except OSError as error:
        return "refused", f"cannot be read: {error.strerror}"
    except RecursionError:
        return "refused", "nested too deeply to be processed"
    except MemoryError:
        return "refused", "needs more memory than there is"


# --------------------------------------------------------------------------- collecting sources


@dataclass
class Collected:
    tasks: list[dict] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    where: dict[str, str] = field(default_factory=dict)  # a source's name → the path to show in messages


def _add_source(path: Path, name: str, columns: dict | None, collection: str, max_bytes: int, out: Collected) -> None:
    """Queue one file, or each row of a dump, with its provenance record and collection; refuse it if the record is unreadable."""
    try:
        record = provenance.read_sidecar(provenance.sidecar_path(path))
    except ValueError as error:
        out.refused.append((name, f"its provenance record is unreadable: {error}"))
        return
    kind = sources.kind_of(name)
    if kind in sources.DUMP_KINDS:
        _dump_tasks(path, name, columns or (record or {}).get("columns"), record, collection, max_bytes, out)
        return
    size = path.stat().st_size
    if size > max_bytes:
        out.refused.append((name, f"larger than the size limit ({size:,} bytes, at most {max_bytes:,})"))
        return
    out.tasks.append(
        {"name": name, "path": str(path), "raw": None, "kind": kind, "provenance": record, "max_bytes": max_bytes,
         "collection": collection}
    )


def _dump_tasks(
    path: Path, name: str, columns: dict | None, record: dict | None, collection: str, max_bytes: int, out: Collected
) -> None:
    kind = sources.kind_of(name)
    try:
        rows = sources.dump_rows(name, path.read_bytes(), kind, columns)
    except Refused as refusal:
        out.refused.append((name, str(refusal)))
        return
    except OSError as error:
        out.refused.append((name, f"cannot be read: {error.strerror}"))
        return
    for row in rows:
        task = {"name": row.name, "path": None, "raw": row.raw, "kind": row.kind, "columns": columns}
        out.tasks.append({**task, "provenance": record, "max_bytes": max_bytes, "collection": collection})


def collect(seeds: Path, imports: list[tuple[Path, dict, str]], max_bytes: int) -> Collected:
    """Every source to build (a file of seeds/, a row of a dump), and the files refused before reading them."""
    out = Collected()
    for path in sorted(seeds.iterdir(), key=lambda p: p.name):
        name = path.name
        if name.startswith(".") or provenance.is_sidecar(name):
            continue
        shown = display_name(name)
        out.where[shown] = display_name(str(path))
        problem = _name_problem(name)
        if path.is_symlink():
            problem = "a symbolic link: put the file itself into seeds/ (jianghua add copies it)"
        elif path.is_dir():
            problem = "a folder: sources are read from seeds/ itself, not from folders in it"
        elif not path.is_file():
            problem = "not a regular file"
        elif problem is None and sources.kind_of(name) is None:
            problem = sources.unsupported_reason(name)
        if problem:
            out.refused.append((shown, problem))
            continue
        _add_source(path, name, None, DEFAULT_COLLECTION, max_bytes, out)
    taken = {t["name"].split("#")[0] for t in out.tasks}
    for path, columns, collection in imports:
        name = path.name
        if name in taken:
            out.refused.append((name, "a dump of the same name is already in the build: rename one of them"))
            continue
        if sources.kind_of(name) not in sources.DUMP_KINDS:
            out.refused.append((name, "--import takes corpus dumps (.jsonl, .csv, .tsv); put other files into seeds/"))
            continue
        if not path.is_file():
            out.refused.append((name, "no such file"))
            continue
        taken.add(name)
        out.where[name] = str(path)
        _add_source(path, name, columns, collection, max_bytes, out)
    return out


def _natural(name: str) -> list:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


# --------------------------------------------------------------------------- commands


def cmd_clean(args: argparse.Namespace) -> int:
    path = Path(args.file)
    kind = sources.kind_of(path.name)
    try:
        if kind in sources.DUMP_KINDS:
            raise Refused("a corpus dump, not one speech: build it with `jianghua build --import FILE --columns …`")
        if path.is_file() and path.stat().st_size > args.max_size:
            raise Refused(f"larger than the size limit ({path.stat().st_size:,} bytes, at most {args.max_size:,})")
        try:
            record = provenance.read_sidecar(provenance.sidecar_path(path)) if path.is_file() else None
        except ValueError as error:
            raise Refused(f"its provenance record is unreadable: {error}") from None
        with isolation.time_limit(args.time_limit):
            outcome, value = build_one(
                {"name": path.name, "path": str(path), "raw": None, "kind": kind, "provenance": record, "max_bytes": args.max_size}
            )
    except Refused as refusal:
        outcome, value = "refused", str(refusal)
    except isolation.TimeLimitExceeded:
        outcome, value = "refused", f"took longer than the time limit ({args.time_limit:g} s)"
    if outcome != "speech":
        err.print(f"jianghua: {display_name(str(path))}: {' '.join(str(value).split())}", markup=False)
        return 2
    sys.stdout.write(render(value))
    return 0


def build_docs(
    seeds: Path,
    docs: Path,
    jobs: int | None = None,
    imports: list[tuple[Path, dict, str]] | None = None,
    time_limit: float | None = TIME_LIMIT,
    max_bytes: int = MAX_SIZE,
    cache_dir: Path | None = None,
) -> tuple[int, list, int]:
    """Process every source on all cores, each under the time limit, and write the archive under `docs`.

    A source that cannot become a speech — refused by a stage, over a limit, crashing
    its worker, or a duplicate of a speech already built — is listed with its reason.
    """
    collected = collect(seeds, imports or [], max_bytes)
    tasks, refused = collected.tasks, list(collected.refused)
    cache = SpeechCache(cache_dir) if cache_dir else None
    keys = [_cache_key(cache, task) for task in tasks] if cache else []
    outcomes: dict[int, tuple[str, object]] = {}
    for index, key in enumerate(keys):
        speech = cache.get(key) if key else None
        if speech is not None:
            outcomes[index] = ("speech", speech)
    todo = [i for i in range(len(tasks)) if i not in outcomes]
    columns = (TextColumn("[bold]清理"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=not err.is_terminal) as progress:
        bar = progress.add_task("clean", total=len(todo))
        for slot, status, value in isolation.run(build_one, [tasks[i] for i in todo], jobs or os.cpu_count() or 1, time_limit):
            index = todo[slot]
            if status == "ok":
                outcomes[index] = value
                if cache and keys[index] and value[0] == "speech":
                    cache.put(keys[index], value[1])
            elif status == "timeout":
                outcomes[index] = ("refused", f"took longer than the time limit ({time_limit:g} s)")
            else:
                outcomes[index] = ("refused", f"could not be processed: {value}")
            progress.advance(bar)
    err.print(f"cleaned {len(todo)} sources, {len(tasks) - len(todo)} unchanged ones taken from the cache", markup=False)
    speeches, kept = [], {}
    for index, task in enumerate(tasks):
        outcome, value = outcomes[index]
        if outcome != "speech":
            refused.append((task["name"], value))
        elif (digest := text_digest(value.text)) in kept:
            refused.append((task["name"], f"duplicate of {kept[digest]} (the same text)"))
        else:
            kept[digest] = task["name"]
            speeches.append(value.with_meta(collection=task["collection"]))
    refused = sorted(((name, " ".join(str(reason).split())) for name, reason in refused), key=lambda item: _natural(item[0]))
    for name, reason in refused:
        base, sep, row = name.rpartition("#") if sources.dump_and_line(name) else ("", "", "")
        shown = collected.where[base] + sep + row if base in collected.where else collected.where.get(name, name)
        err.print(f"jianghua: {shown}: refused: {reason}", markup=False)
    write_archive(docs, speeches, refused)
    return len(speeches), refused, sum(len(s.warnings) for s in speeches)


def _cache_key(cache: SpeechCache, task: dict) -> str | None:
    """The cache key of a task: its name, its bytes and how it is read; None when the file cannot be read."""
    raw = task["raw"]
    if raw is None:
        try:
            raw = Path(task["path"]).read_bytes()
        except OSError:
            return None
    how = repr((task["kind"], task.get("columns"), task.get("provenance"), task["max_bytes"]))
    return cache.key(task["name"], raw, how)


def _imports(args: argparse.Namespace) -> list[tuple[Path, dict, str]]:
    paths = [Path(p) for p in getattr(args, "imports", None) or []]
    specs = getattr(args, "columns", None) or []
    names = [" ".join(name.split()) for name in getattr(args, "collections", None) or []]
    if not paths:
        if specs or names:
            raise SystemExit("jianghua: --columns and --collection go with --import (or --columns with `jianghua add` for a dump in seeds/)")
        return []
    if len(specs) not in (1, len(paths)):
        raise SystemExit("jianghua: give one --columns for all imports, or one for each --import")
    if len(names) not in (0, 1, len(paths)) or not all(names):
        raise SystemExit("jianghua: give one --collection for all imports, or one for each --import")
    mappings = []
    for spec in specs:
        try:
            mappings.append(sources.parse_columns(spec))
        except ValueError as error:
            raise SystemExit(f"jianghua: --columns {spec!r}: {error}") from None
    names = names or [DEFAULT_COLLECTION]
    return [
        (path, mappings[0] if len(mappings) == 1 else mappings[i], names[0] if len(names) == 1 else names[i])
        for i, path in enumerate(paths)
    ]


def cmd_build(args: argparse.Namespace) -> int:
    if not Path(args.seeds).is_dir():
        raise SystemExit(f"jianghua: {args.seeds}: no such folder")
    built, refused, warnings = build_docs(
        Path(args.seeds),
        Path(args.docs),
        args.jobs,
        _imports(args),
        args.time_limit,
        args.max_size,
        None if args.no_cache else Path(args.cache_dir),
    )
    err.print(f"built {built} speeches, refused {len(refused)}, warnings {warnings}", markup=False)
    return 1 if args.strict and refused else 0


def mkdocs_build(
    docs: Path, seeds: Path, site_dir: Path, offline: bool = False, imports: list | None = None, hant: bool = False,
) -> None:
    """Run the MkDocs build of the project's mkdocs.yml over `docs` into `site_dir`, with the
    Traditional edition in `site_dir/hant/` when `hant`."""
    from mkdocs.commands.build import build  # noqa: PLC0415 - MkDocs is only needed for these commands
    from mkdocs.config import load_config

    # mkdocs.yml reads these, so one configuration serves the site, the bundle and the tests.
    os.environ["JIANGHUA_OFFLINE"] = "true" if offline else "false"
    os.environ["JIANGHUA_SEEDS"] = str(seeds.resolve())
    os.environ[IMPORTS_ENV] = os.pathsep.join(sorted({str(Path(p).resolve().parent) for p, *_ in imports or []}))
    os.environ["JIANGHUA_HANT"] = "true" if hant else "false"
    config = load_config(str(ROOT / "mkdocs.yml"), docs_dir=str(docs.resolve()), site_dir=str(site_dir.resolve()))
    build(config)


def cmd_site(args: argparse.Namespace) -> int:
    status = cmd_build(args)
    mkdocs_build(Path(args.docs), Path(args.seeds), Path(args.site_dir), imports=_imports(args), hant=not args.no_hant)
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
    mkdocs_build(Path(args.docs), Path(args.seeds), tree, offline=True, imports=_imports(args), hant=not args.no_hant)
    zip_tree(tree, dist / OFFLINE_ZIP)
    err.print(f"offline bundle written to {dist / OFFLINE_ZIP}", markup=False)
    return status


def cmd_add(args: argparse.Namespace) -> int:
    url = None
    if args.url is not None:
        url = sources.safe_url(args.url)
        if url is None:
            raise SystemExit(f"jianghua: --url {args.url!r}: not an http(s) address")
    try:
        retrieved = provenance.check_date(args.retrieved) if args.retrieved else None
        columns = sources.parse_columns(args.columns) if args.columns else None
    except ValueError as error:
        raise SystemExit(f"jianghua: {error}") from None
    results = provenance.add(args.paths, Path(args.seeds), url=url, retrieved=retrieved, columns=columns)
    out = Console(highlight=False, soft_wrap=True, emoji=False)
    for result in results:
        line = f"jianghua: {display_name(result.path)}: {result.status}: {result.detail}"
        (err if result.status == "refused" else out).print(line, markup=False)
    return 1 if any(r.status == "refused" for r in results) else 0


def cmd_verify(args: argparse.Namespace) -> int:
    results = provenance.verify(Path(args.seeds))
    out = Console(highlight=False, soft_wrap=True, emoji=False)
    for name, status, detail in results:
        out.print(f"{status:10} {display_name(name)}  {detail}", markup=False)
    counts = {s: sum(1 for r in results if r[1] == s) for s in ("ok", "changed", "missing", "invalid", "unrecorded")}
    out.print(", ".join(f"{n} {s}" for s, n in counts.items()), markup=False)
    return 1 if counts["changed"] or counts["missing"] or counts["invalid"] else 0


def parse_size(text: str) -> int:
    """Bytes from `25M`, `500k`, `1G` or a plain number.

    >>> parse_size("25M"), parse_size("500k"), parse_size("1024")
    (26214400, 512000, 1024)
    """
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)[bB]?\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size (e.g. 25M, 500k)")
    factor = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}[match.group(2).lower()]
    return int(float(match.group(1)) * factor)


def _limits(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--time-limit", type=float, default=TIME_LIMIT, metavar="SECONDS",
        help=f"refuse a source that takes longer than this (default {TIME_LIMIT:g}; 0: no limit)",
    )
    command.add_argument(
        "--max-size", type=parse_size, default=MAX_SIZE, metavar="SIZE",
        help=f"refuse a source larger than this (default {MAX_SIZE // 2**20}M)",
    )


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="jianghua", description="讲话稿档案: clean raw speeches and publish them as a site.")
    sub = p.add_subparsers(dest="command", required=True)
    clean = sub.add_parser("clean", help="print one cleaned speech as Markdown with front matter")
    clean.add_argument("file")
    _limits(clean)
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
        command.add_argument("--cache-dir", default=str(ROOT / ".cache" / "speeches"), help="where processed speeches are kept")
        command.add_argument("--no-cache", action="store_true", help="process every source again")
        command.add_argument("--site-dir", default=str(ROOT / "site"))
        command.add_argument("--dist", default=str(ROOT / "dist"))
        command.add_argument(
            "--import", dest="imports", action="append", metavar="DUMP",
            help="also build the rows of a corpus dump (.jsonl, .csv, .tsv) kept outside seeds/; repeatable",
        )
        command.add_argument(
            "--columns", action="append", metavar="MAP",
            help="which column fills which field, e.g. title=title,text=content,url=url,date=year "
            f"(fields: {', '.join(sources.COLUMN_FIELDS)}); one for all imports or one per --import",
        )
        command.add_argument(
            "--collection", dest="collections", action="append", metavar="NAME",
            help=f"the collection the speeches of an --import belong to (default {DEFAULT_COLLECTION}, "
            "the collection of seeds/); one for all imports or one per --import",
        )
        if name != "build":
            command.add_argument(
                "--no-hant", action="store_true",
                help="leave out the Traditional-script edition (hant/), which doubles the site's size",
            )
        _limits(command)
        command.set_defaults(func=func)
    add = sub.add_parser("add", help="copy sources into seeds/ under safe names and record where each came from")
    add.add_argument("paths", nargs="+", metavar="PATH")
    add.add_argument("--url", help="the address the sources were fetched from")
    add.add_argument("--retrieved", metavar="DATE", help="when they were fetched (YYYY-MM-DD)")
    add.add_argument("--columns", metavar="MAP", help="for a corpus dump: which column fills which field")
    add.add_argument("--seeds", default=str(ROOT / "seeds"))
    add.set_defaults(func=cmd_add)
    verify = sub.add_parser("verify", help="check every raw file in seeds/ against its recorded SHA-256")
    verify.add_argument("--seeds", default=str(ROOT / "seeds"))
    verify.set_defaults(func=cmd_verify)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)
