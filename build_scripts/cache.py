"""A content-hash cache of processed speeches: raw bytes in, the Speech made from them out, if made before.

The key is the hash of the raw bytes and of the pipeline's own code, so a changed
source file or a changed stage both miss the cache, and nothing else does.
"""

from __future__ import annotations

import hashlib
import pickle
from functools import lru_cache
from pathlib import Path

from .speech import Speech

PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of every module and data file the pipeline runs on."""
    digest = hashlib.sha256()
    for path in sorted([*PACKAGE.glob("*.py"), *PACKAGE.glob("data/*")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class SpeechCache:
    """Processed speeches stored under `folder`, one file per key."""

    def __init__(self, folder: Path):
        self.folder = folder

    def key(self, *parts: str | bytes) -> str:
        """The key of a source described by `parts` (its name, its bytes, how it is read)."""
        digest = hashlib.sha256(code_version().encode())
        for part in parts:
            data = part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass")
            digest.update(len(data).to_bytes(8, "big"))
            digest.update(data)
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> Speech | None:
        try:
            with open(self._path(key), "rb") as handle:
                return pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            return None

    def put(self, key: str, speech: Speech) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(pickle.dumps(speech, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(path)
