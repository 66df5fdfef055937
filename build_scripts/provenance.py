"""Where each raw file came from: `jianghua add` puts sources into seeds/ and records it; `jianghua verify` checks it.

Each source `seeds/NAME` may have a sidecar `seeds/NAME.source.yaml`, written once
when the file is added and committed with it:

    file: 县委书记在推进会上的讲话.pdf
    sha256: 5d41402abc4b2a76b9719d911017c592…
    size: 48213
    url: https://www.example.cn/a/123.html
    retrieved: '2024-05-01'
    added: '2025-11-23'
    original_name: 县委书记在推进会上的讲话 (1).pdf
    columns: {text: content, title: title}     # corpus dumps only

A sidecar per file, rather than one list, keeps two people's additions from
conflicting and keeps the record beside the file it describes. The build reads the
sidecars (never as sources), puts `url`, `retrieved` and `sha256` into the speech's
`meta["provenance"]`, and warns when a file no longer has its recorded hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from .sources import DUMP_KINDS, kind_of, unsupported_reason

SIDECAR = ".source.yaml"
_NAME_LIMIT = 80  # characters of a file name's stem
_UNSAFE = re.compile(r"[\\/:*?\"<>|#%&{}$!`'^~;=+\[\]\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]+")
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_sidecar(name: str) -> bool:
    return name.endswith(SIDECAR)


def sidecar_path(source: Path) -> Path:
    return source.with_name(source.name + SIDECAR)


def safe_name(name: str) -> str:
    """A file name that is safe in seeds/, in a URL and on any system, from whatever a source was called.

    Directories (`../`) are dropped, invisible characters removed, spaces and shell or
    URL characters replaced, a leading dash or dot removed; Chinese is kept.

    >>> [safe_name(n) for n in ("../../etc/passwd.txt", "-rf 讲话 稿.TXT", "a#b?.pdf", "..", "\u202egnp.txt")]
    ['passwd.txt', 'rf_讲话_稿.txt', 'a_b.pdf', 'source', 'gnp.txt']
    """
    name = unicodedata.normalize("NFC", name.replace("\\", "/")).rsplit("/", 1)[-1]
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace").replace("\ufffd", "_")
    suffix = Path(name).suffix.lower() if Path(name).suffix.isascii() and len(Path(name).suffix) <= 8 else ""
    stem = name[: len(name) - len(suffix)] if suffix else name
    stem = _UNSAFE.sub("_", stem).strip("._- ")[:_NAME_LIMIT].strip("._- ")
    suffix = _UNSAFE.sub("", suffix)
    if not stem or stem.upper() in _WINDOWS_RESERVED:
        stem = f"source{'_' + stem if stem else ''}"
    if is_sidecar(stem + suffix):
        suffix += ".txt"
    return stem + suffix


def read_sidecar(path: Path) -> dict | None:
    """A sidecar's record, or None when there is none; raise ValueError when it is not a valid record."""
    if not path.is_file():
        return None
    try:
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ValueError(f"{path.name}: not a readable record: {error}") from None
    if not isinstance(record, dict) or not isinstance(record.get("sha256"), str):
        raise ValueError(f"{path.name}: not a provenance record (no sha256)")
    return record


def check_date(value: str) -> str:
    """A retrieval date as given (YYYY-MM-DD or an ISO date and time); raise ValueError otherwise."""
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value).isoformat()
        return dt.datetime.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD) or an ISO date and time") from None


@dataclass
class Added:
    path: str
    status: str  # "added", "recorded", "present" or "refused"
    detail: str

    def line(self) -> str:
        return f"{self.path}: {self.status}: {self.detail}"


def _seed_hashes(seeds: Path) -> dict[str, str]:
    hashes = {}
    for path in sorted(seeds.iterdir()):
        if path.is_file() and not path.is_symlink() and not is_sidecar(path.name) and not path.name.startswith("."):
            hashes[sha256_of(path.read_bytes())] = path.name
    return hashes


def add(
    paths: list[str],
    seeds: Path,
    url: str | None = None,
    retrieved: str | None = None,
    columns: dict | None = None,
    today: str | None = None,
) -> list[Added]:
    """Copy sources into `seeds` under safe names and record where each came from."""
    seeds.mkdir(parents=True, exist_ok=True)
    hashes = _seed_hashes(seeds)
    today = today or dt.date.today().isoformat()
    results = []
    for given in paths:
        source = Path(given)
        if not source.is_file():
            results.append(Added(given, "refused", "no such file" if not source.exists() else "not a regular file"))
            continue
        kind = kind_of(source.name)
        if kind is None:
            results.append(Added(given, "refused", unsupported_reason(source.name)))
            continue
        if kind in DUMP_KINDS and not columns:
            results.append(Added(given, "refused", "a corpus dump needs its column mapping: --columns text=COLUMN,..."))
            continue
        try:
            data = source.read_bytes()
        except OSError as error:
            results.append(Added(given, "refused", f"cannot be read: {error.strerror}"))
            continue
        digest = sha256_of(data)
        in_seeds = source.resolve().parent == seeds.resolve()
        if digest in hashes and not (in_seeds and hashes[digest] == source.name):
            results.append(Added(given, "present", f"the same bytes are already in seeds/ as {hashes[digest]}"))
            continue
        if in_seeds:
            target = source.resolve()
        else:
            target = _free_name(seeds, safe_name(source.name))
            target.write_bytes(data)
        record = {
            "file": target.name,
            "sha256": digest,
            "size": len(data),
            "url": url,
            "retrieved": retrieved,
            "added": today,
            "original_name": source.name if source.name != target.name else None,
            "columns": columns if kind in DUMP_KINDS else None,
        }
        record = {k: v for k, v in record.items() if v is not None}
        text = yaml.safe_dump(record, allow_unicode=True, sort_keys=False, default_flow_style=False)
        sidecar_path(target).write_text(text, encoding="utf-8")
        hashes[digest] = target.name
        status = "recorded" if in_seeds else "added"
        results.append(Added(given, status, f"seeds/{target.name} (sha256 {digest[:16]}…)"))
    return results


def _free_name(seeds: Path, name: str) -> Path:
    target = seeds / name
    stem, suffix = Path(name).stem, Path(name).suffix
    number = 2
    while target.exists() or sidecar_path(target).exists():
        target = seeds / f"{stem}-{number}{suffix}"
        number += 1
    return target


def verify(seeds: Path) -> list[tuple[str, str, str]]:
    """(name, status, detail) for every source and record in `seeds`: ok, changed, missing, unrecorded or invalid."""
    results = []
    names = sorted(p.name for p in seeds.iterdir() if not p.name.startswith("."))
    for name in names:
        path = seeds / name
        if is_sidecar(name):
            described = seeds / name[: -len(SIDECAR)]
            if not described.exists():
                results.append((described.name, "missing", f"recorded in {name}, but the file is not in seeds/"))
            continue
        if not path.is_file() or path.is_symlink():
            continue
        try:
            record = read_sidecar(sidecar_path(path))
        except ValueError as error:
            results.append((name, "invalid", str(error)))
            continue
        if record is None:
            results.append((name, "unrecorded", "no provenance record (add one with `jianghua add seeds/NAME --url ...`)"))
            continue
        digest = sha256_of(path.read_bytes())
        if digest == record["sha256"]:
            results.append((name, "ok", f"sha256 {digest[:16]}…"))
        else:
            results.append((name, "changed", f"sha256 is {digest[:16]}…, recorded {record['sha256'][:16]}…"))
    return results
