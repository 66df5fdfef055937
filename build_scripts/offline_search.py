"""A Pagefind folder in, the same index as classic scripts out, so that the offline bundle searches from file://.

Browsers refuse fetch() and ES modules on pages opened from file:// but run classic
scripts. So the runtime becomes a classic script whose fetches the page answers, and
every file it fetches becomes a script that registers its bytes under its path; the
page adds such a script only when the runtime asks for that file, so a query loads
the same few pieces of the index as it does on the served site.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

RUNTIME = "pagefind.js"
GLOBAL = "jianghuaPagefind"  # the page's table of registered files, its fetch, and the runtime's exports
# What the runtime fetches while it searches. The rest of the folder is Pagefind's own
# UIs and web worker, which load the runtime as a module and so cannot run from file://.
FETCHED = ("pagefind-entry.json", ".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter", ".pagefind")

_EXPORTS = re.compile(r"\bexport\s*\{([^}]*)\}\s*;?\s*$")
_MODULE_ONLY = re.compile(r"\bimport\s*\(|\bimport\.meta\b|\bexport\b|(?:^|[;}])\s*import\s*[\w{*\"']", re.MULTILINE)


def piece_script(path: str, data: bytes) -> str:
    """One file of the index as a classic script that registers its bytes, in base64, under its path in the site.

    >>> piece_script("pagefind-2/index/zh_1.pf_index", b"pagefind")
    'jianghuaPagefind.files["pagefind-2/index/zh_1.pf_index"]="cGFnZWZpbmQ=";\\n'
    """
    return f"{GLOBAL}.files[{json.dumps(path)}]={json.dumps(base64.b64encode(data).decode('ascii'))};\n"


def piece_bytes(script: str) -> tuple[str, bytes]:
    """A file of the index written by `piece_script` in, its path and bytes out.

    >>> piece_bytes(piece_script("pagefind/fragment/zh_1.pf_fragment", b"pagefind"))
    ('pagefind/fragment/zh_1.pf_fragment', b'pagefind')
    """
    path, _, data = script.removeprefix(f"{GLOBAL}.files[").removesuffix(";\n").partition("]=")
    return json.loads(path), base64.b64decode(json.loads(data))


def classic_runtime(module: str) -> str:
    """Pagefind's runtime, an ES module, as a classic script: its exports go to `jianghuaPagefind.runtime`
    and its fetches to `jianghuaPagefind.fetch`; a module feature it cannot do without is an error.

    >>> print(classic_runtime("let a=import.meta.url;const f=()=>fetch(a);export{f,a as b};"), end="")
    (function(fetch){"use strict";const scriptUrl=document.currentScript.src;
    let a=scriptUrl;const f=()=>fetch(a);jianghuaPagefind.runtime={f,b:a};
    })(jianghuaPagefind.fetch);
    """

    def exports(match: re.Match) -> str:
        names = [name.split() for name in match.group(1).split(",") if name.strip()]
        entries = [f"{name[2]}:{name[0]}" if len(name) == 3 and name[1] == "as" else name[0] for name in names]
        return f"{GLOBAL}.runtime={{{','.join(entries)}}};"

    body, count = _EXPORTS.subn(exports, module.replace("import.meta.url", "scriptUrl"))
    leftover = _MODULE_ONLY.search(body)
    if count != 1 or leftover:
        raise ValueError(f"Pagefind's runtime has changed: {leftover.group(0) if leftover else 'no export list at its end'}")
    # The function's parameter stands for fetch() everywhere in the runtime, Pagefind's
    # WebAssembly loader included; strict mode keeps the module's semantics.
    return f'(function(fetch){{"use strict";const scriptUrl=document.currentScript.src;\n{body}\n}})({GLOBAL}.fetch);\n'


def script_index(folder: Path) -> None:
    """Rewrite a Pagefind folder for file://: the runtime as a classic script, each file it fetches as a script of its own.

    Files are registered under their paths in the site, the folder's name included, as the index
    may be in several folders (one for each shard) that the page's fetch answers alike.
    """
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if name == RUNTIME:
            path.write_text(classic_runtime(path.read_text(encoding="utf-8")), encoding="utf-8")
            continue
        if name.endswith(FETCHED):
            path.with_name(path.name + ".js").write_text(piece_script(f"{folder.name}/{name}", path.read_bytes()), encoding="utf-8")
        path.unlink()
