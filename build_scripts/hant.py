"""Simplified text in, the Traditional edition's text out: OpenCC s2t over built pages and the search index's stored text."""

from __future__ import annotations

import gzip
import json
import re
from functools import lru_cache

import opencc

FOLDER = "hant"  # the Traditional edition, beside the archive's pages in the site and in the bundle
LANGUAGE = "zh-Hant"
_WORD_BREAK = "\u200b"  # how Pagefind separates the words it indexed in a page's stored text
_FRAGMENT = b"pagefind_dcd"  # the start of every Pagefind fragment, once decompressed

# What keeps its characters in a page: an element marked translate="no" (the cleaning record's
# before and after) or a <code> (file names, field values), and an address with Chinese in it.
_KEPT = re.compile(
    r'<(?P<tag>code|[a-z][a-z0-9]*(?=[^>]*\stranslate="no"))\b[^>]*>'
    r'|\s(?:href|src|srcset|data|action)="[^"]*[^\x00-\x7f][^"]*"'
)


@lru_cache(maxsize=1)
def _s2t() -> opencc.OpenCC:
    # s2t changes the script only; s2twp would also put Taiwan's words (軟體 for 软件) into the speakers' mouths.
    return opencc.OpenCC("s2t")


def to_hant(text: str) -> str:
    """Simplified text in, OpenCC's standard Traditional out, each phrase deciding its characters and the wording kept.

    >>> to_hant("第一书记的软件和头发，皇后的后来")
    '第一書記的軟件和頭髮，皇后的後來'
    """
    return _s2t().convert(text)


@lru_cache(maxsize=16)
def _tags(tag: str) -> re.Pattern:
    return re.compile(rf"<(/?){tag}\b[^>]*>")


def _element_end(html: str, tag: str, start: int) -> int:
    depth = 1
    for match in _tags(tag).finditer(html, start):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match.end()
    return len(html)


def convert_html(html: str) -> str:
    """A built page in, the same page in Traditional script out; addresses, <code> and elements marked translate="no" keep theirs.

    >>> convert_html('<p title="讲话">头发<code>讲话稿</code><del translate="no">后</del><a href="讲话.txt">后来</a></p>')
    '<p title="講話">頭髮<code>讲话稿</code><del translate="no">后</del><a href="讲话.txt">後來</a></p>'
    """
    out, pos = [], 0
    while match := _KEPT.search(html, pos):
        end = _element_end(html, match["tag"], match.end()) if match["tag"] else match.end()
        out += [to_hant(html[pos : match.start()]), html[match.start() : end]]
        pos = end
    out.append(to_hant(html[pos:]))
    return "".join(out)


def _stored_text(content: str) -> str:
    """A page's stored text, its words separated as Pagefind indexed them, in Traditional script with the words where they were.

    The text is converted whole, so that phrases across words decide a character, and split
    again at the same places: the index's word positions point into it.

    >>> _stored_text("头\\u200b发\\u200b很\\u200b长").split("\\u200b")
    ['頭', '髮', '很', '長']
    """
    words = content.split(_WORD_BREAK)
    text = "".join(words)
    converted = to_hant(text)
    if len(converted) != len(text):  # should a phrase ever change its length, each word on its own
        return _WORD_BREAK.join(map(to_hant, words))
    out, start = [], 0
    for word in words:
        out.append(converted[start : start + len(word)])
        start += len(word)
    return _WORD_BREAK.join(out)


def convert_fragment(data: bytes) -> bytes:
    """A Pagefind fragment (a page's address, title, headings and stored text, gzipped) in, the same in Traditional script out.

    >>> page = {"url": "/speeches/a/", "content": "脱贫\\u200b攻坚", "meta": {"title": "讲话"}, "anchors": [{"id": "p1", "text": "脱贫"}]}
    >>> json.loads(gzip.decompress(convert_fragment(gzip.compress(_FRAGMENT + json.dumps(page).encode())))[len(_FRAGMENT):])
    {'url': '/speeches/a/', 'content': '脫貧\\u200b攻堅', 'meta': {'title': '講話'}, 'anchors': [{'id': 'p1', 'text': '脫貧'}]}
    """
    raw = gzip.decompress(data)
    if not raw.startswith(_FRAGMENT):
        raise ValueError("not a Pagefind fragment: Pagefind's format has changed")
    fragment = json.loads(raw[len(_FRAGMENT) :])
    fragment["content"] = _stored_text(fragment["content"])
    if "title" in fragment.get("meta", {}):
        fragment["meta"]["title"] = to_hant(fragment["meta"]["title"])
    for anchor in fragment.get("anchors", []):
        anchor["text"] = to_hant(anchor["text"])
    body = json.dumps(fragment, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return gzip.compress(_FRAGMENT + body, mtime=0)
