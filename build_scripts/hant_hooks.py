"""MkDocs build events of the two editions: each page's switch to the other script; in the Traditional edition, pages converted, data and raw files linked at the root, and the search index derived from the archive's."""

from __future__ import annotations

import itertools
import posixpath
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

from mkdocs.structure.files import InclusionLevel

from build_scripts import search_index
from build_scripts.hant import FOLDER, LANGUAGE, SCRIPT, convert_fragment, convert_html, to_hant
from build_scripts.mkdocs_hooks import RAW_DIR
from build_scripts.offline_search import piece_bytes, piece_script

OWN_SCRIPTS = "assets/jianghua-"  # the theme's scripts, whose words the reader sees (the search box's)
_ADDRESS = re.compile(r'(\s(?:href|src)=")([^"?#]*)([^"]*)"')

# Site paths of the files the Traditional edition links at the archive's root rather than
# publishing again: the data (downloads, cleaning records, feed, schema) and the pages' Markdown.
_root_only: set[str] = set()


def _traditional(config) -> bool:
    return config.extra.get("script") == SCRIPT


def _folder(url: str) -> str:
    return url.rpartition("/")[0] + "/" if "/" in url else ""


def other_edition(url: str, traditional: bool) -> str:
    """A page's address in its edition in, the address of the same page in the other edition out, relative to the page.

    The Traditional edition is the archive's pages again, in hant/.

    >>> other_edition("speeches/0a1b/", False), other_edition("speeches/0a1b/", True)
    ('../../hant/speeches/0a1b/', '../../../speeches/0a1b/')
    >>> other_edition("", False), other_edition("index.html", True), other_edition("speeches/0a1b.html", False)
    ('hant/', '../index.html', '../hant/speeches/0a1b.html')
    """
    up = "../" * _folder(url).count("/")
    return f"{up}../{url}" if traditional else f"{up}{FOLDER}/{url}"


def root_links(html: str, url: str, root_only: Callable[[str], bool]) -> str:
    """A Traditional page and its address in, its links to files published only at the archive's root pointed there.

    >>> root_links('<a href="../0a1b.txt">t</a> <a href="../../feed.xml#x">f</a> <a href="../other/">p</a>',
    ...            "speeches/0a1b/", {"speeches/0a1b.txt", "feed.xml"}.__contains__)
    '<a href="../../../speeches/0a1b.txt">t</a> <a href="../../../feed.xml#x">f</a> <a href="../other/">p</a>'
    """
    folder = _folder(url)
    up = "../" * folder.count("/")

    def link(match: re.Match) -> str:
        path = match[2]
        if not path or path.startswith("/") or ":" in path.split("/")[0]:
            return match[0]
        target = posixpath.normpath(posixpath.join(folder, path))
        return f'{match[1]}{up}../{target}{match[3]}"' if root_only(unquote(target)) else match[0]

    return _ADDRESS.sub(link, html)


def _is_root_only(path: str) -> bool:
    return path in _root_only or path.startswith(f"{RAW_DIR}/")


def on_config(config, **kwargs):
    if _traditional(config):
        config.theme["language"] = LANGUAGE
    return config


def on_files(files, config, **kwargs):
    _root_only.clear()
    if not _traditional(config):
        return files
    themes = set(config.theme.dirs)
    for file in files:
        if file.is_documentation_page():
            _root_only.add(file.src_uri)
        elif file.src_dir in themes:
            if file.src_uri.startswith(OWN_SCRIPTS) and file.src_uri.endswith(".js"):
                file.content_string = to_hant(file.content_string)
        elif file.src_uri.endswith((".svg", ".js")):  # the charts' labels and the explorer's data: read, not downloaded
            file.content_string = to_hant(file.content_string)
        else:
            file.inclusion = InclusionLevel.EXCLUDED
            _root_only.add(file.dest_uri)
    return files


def on_page_context(context, page, config, **kwargs):
    if config.extra.get("alternate"):
        context["script_switch"] = other_edition(page.url, _traditional(config))
    return context


def on_post_page(output, page, config, **kwargs):
    if not _traditional(config):
        return output
    return convert_html(root_links(output, page.url, _is_root_only))


def on_post_template(output_content, template_name, config, **kwargs):
    return convert_html(output_content) if _traditional(config) else output_content


def on_post_build(config, **kwargs):
    """The Traditional edition's search index: the archive's, with the text it shows converted.

    Pagefind's Chinese segmenter knows Simplified words only and cuts Traditional text into
    single characters, so an index of the Traditional pages would match 脫貧攻堅 by its
    characters; the archive's index keeps its words, and the search folds a query to them.
    """
    if not _traditional(config):
        return
    site = Path(config.site_dir)
    for number in itertools.count():
        source = site.parent / search_index.folder(number)
        if not source.is_dir():
            break
        _derive_index(source, site / source.name)


def _derive_index(source: Path, target: Path) -> None:
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        out = target / path.relative_to(source)
        out.parent.mkdir(parents=True, exist_ok=True)
        if path.name.endswith(".pf_fragment"):
            out.write_bytes(convert_fragment(path.read_bytes()))
        elif path.name.endswith(".pf_fragment.js"):  # the offline bundle's index, as scripts
            name, data = piece_bytes(path.read_text(encoding="utf-8"))
            out.write_text(piece_script(name, convert_fragment(data)), encoding="utf-8")
        else:
            shutil.copyfile(path, out)
