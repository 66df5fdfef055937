"""MkDocs build events of the Traditional edition: each page of the archive written again in hant/, converted with OpenCC and with a switch between the scripts; its own scripts, charts and search index derived from the archive's; data, raw files and the theme's files linked at the root.

The edition is derived from the archive's rendered pages, in the same build, rather than
rendered again: converting a page costs about a fifth of rendering it.
"""

from __future__ import annotations

import itertools
import posixpath
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

from mkdocs.plugins import event_priority
from mkdocs_redirects.plugin import get_html_path

from build_scripts import search_index
from build_scripts.hant import FOLDER, LANGUAGE, convert_fragment, convert_html, to_hant
from build_scripts.mkdocs_hooks import RAW_DIR
from build_scripts.offline_search import piece_bytes, piece_script

OWN_SCRIPTS = "assets/jianghua-"  # the theme's scripts, whose words the reader sees (the search box's)
# The addresses a page loads or links to; the search script loads the Traditional query folding from data-opencc.
_ADDRESS = re.compile(r'(\s(?:href|src|data-opencc)=")([^"?#]*)([^"]*)"')
_LANGUAGE = re.compile(r'(<html\b[^>]*\slang=")zh-Hans(")')

# Site paths of the files the Traditional edition links at the archive's root rather than
# publishing again: the data (downloads, cleaning records, feed, schema), the pages' Markdown and
# the theme's files.
_root_only: set[str] = set()
# The files the edition has in its own script (site path → source): the theme's own scripts,
# whose words the reader sees, and the charts and the explorer's data, read rather than downloaded.
_converted: dict[str, str] = {}


def _edition(config) -> bool:
    return bool(config.extra.get("alternate"))


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


def switch(url: str, traditional: bool) -> str:
    """The header's switch on a page of one edition: its own script named, the other's linked to the same page.
    Each script is named in its own characters (translate="no"), so converting a page leaves 简 alone.

    >>> switch("speeches/0a1b/", False)
    '<span aria-current="page">简</span><a href="../../hant/speeches/0a1b/" hreflang="zh-Hant" lang="zh-Hant" translate="no" title="繁體字版">繁</a>'
    """
    href = other_edition(url, traditional)
    if traditional:
        return f'<a href="{href}" hreflang="zh-Hans" lang="zh-Hans" translate="no" title="简体字版">简</a><span aria-current="page">繁</span>'
    return f'<span aria-current="page">简</span><a href="{href}" hreflang="zh-Hant" lang="zh-Hant" translate="no" title="繁體字版">繁</a>'


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


def traditional_page(html: str, url: str, root_only: Callable[[str], bool] = _is_root_only) -> str:
    """A page of the archive and its address in, the same page of the Traditional edition out: its
    language, its switch, its text converted and its links to files published only at the root pointed there.

    >>> page = '<html lang="zh-Hans"><p>' + switch("a/", False) + '讲话<a href="../x.txt">下载</a></p></html>'
    >>> traditional_page(page, "a/", {"x.txt"}.__contains__)
    '<html lang="zh-Hant"><p><a href="../../a/" hreflang="zh-Hans" lang="zh-Hans" translate="no" title="简体字版">简</a><span aria-current="page">繁</span>講話<a href="../../x.txt">下載</a></p></html>'
    """
    html = html.replace(switch(url, False), switch(url, True), 1)
    html = _LANGUAGE.sub(rf"\g<1>{LANGUAGE}\g<2>", html, count=1)
    return convert_html(root_links(html, url, root_only))


def on_files(files, config, **kwargs):
    _root_only.clear()
    _converted.clear()
    if not _edition(config):
        return files
    themes = set(config.theme.dirs)
    for file in files:
        if file.is_documentation_page():
            _root_only.add(file.src_uri)
        elif file.abs_src_path and (
            file.src_uri.startswith(OWN_SCRIPTS) and file.src_uri.endswith(".js") and file.src_dir in themes
            or file.src_dir not in themes and file.src_uri.endswith((".svg", ".js"))
        ):
            _converted[file.dest_uri] = file.abs_src_path
        else:
            _root_only.add(file.dest_uri)
    return files


def on_page_context(context, page, config, **kwargs):
    if _edition(config):
        context["script_switch"] = switch(page.url, traditional=False)
    return context


def on_post_page(output, page, config, **kwargs):
    if _edition(config):
        _write(Path(config.site_dir) / FOLDER / page.file.dest_uri, traditional_page(output, page.url))
    return output


def on_post_template(output_content, template_name, config, **kwargs):
    if _edition(config) and template_name.endswith(".html"):
        _write(Path(config.site_dir) / FOLDER / template_name, traditional_page(output_content, template_name))
    return output_content


@event_priority(-50)  # after the search index and the redirects' pages are written
def on_post_build(config, **kwargs):
    """The edition's own files: its scripts and charts converted, the redirects of the archive's old
    addresses, and its search index, the archive's with the text it shows converted.

    Pagefind's Chinese segmenter knows Simplified words only and cuts Traditional text into
    single characters, so an index of the Traditional pages would match 脫貧攻堅 by its
    characters; the archive's index keeps its words, and the search folds a query to them.
    """
    if not _edition(config):
        return
    site = Path(config.site_dir)
    for target, source in sorted(_converted.items()):
        _write(site / FOLDER / target, to_hant(Path(source).read_text(encoding="utf-8")))
    moved = config.plugins["redirects"].config["redirect_maps"] if "redirects" in config.plugins else {}
    for old in sorted(moved):
        page = get_html_path(old, config.use_directory_urls)
        if (site / page).is_file():  # the redirect pages name no words, and their addresses are relative
            _write(site / FOLDER / page, (site / page).read_text(encoding="utf-8"))
    for number in itertools.count():
        source = site / search_index.folder(number)
        if not source.is_dir():
            break
        _derive_index(source, site / FOLDER / source.name)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


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
