"""Structured speech in, one Markdown document (YAML front matter and body) out."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import yaml

from .speech import Block, Speech

# Everything Python-Markdown (with the project's extensions) reads as syntax; a
# backslash makes each one literal, so the speech's own `*****` or `1.` stay text.
_MARKDOWN_SYNTAX = re.compile(r"([\\`*_{}\[\]()#+\-.!>|])")
_GAP_TEXT = {
    "paywall": "来源网站在此处省略了约 {n} 字，原文未能收录。",
    "truncated": "来源网站只展示了讲话的前一部分，以下约 {n} 字未能收录。",
    "missing": "原文此处有缺漏。",
}
# Where the source does not say how much it left out.
_GAP_TEXT_UNSIZED = {
    "paywall": "来源网站在此处省略了一部分，原文未能收录。",
    "truncated": "来源网站只展示了讲话的前一部分，其余部分未能收录。",
}

FRONT_MATTER_FIELDS = (
    "id",
    "title",
    "subtitle",
    "speaker",
    "place",
    "occasion",
    "speech_date",
    "speech_years",
    "date_inferred",
    "date_evidence",
    "date_note",
    "published",
    "topics",
    "keywords",
    "source_keywords",
    "people",
    "places",
    "organisations",
    "completeness",
    "completeness_note",
    "truncated",
    "chars_shown",
    "chars_total",
    "chars_omitted",
    "collection",
    "source_file",
    "source_site",
    "source_url",
    "source_category",
    "source_note",
    "original_file",
    "page_count",
    "encoding",
    "source_format",
    "provenance",
    "script",
    "outline",
    "damaged_spans",
    "related",
    "editions",
    "shared_passages",
)


def escape(text: str) -> str:
    """Make speech text literal in Markdown and HTML.

    >>> escape("*****县 <b>1.</b> & [注]")
    '\\\\*\\\\*\\\\*\\\\*\\\\*县 &lt;b\\\\>1\\\\.&lt;/b\\\\> &amp; \\\\[注\\\\]'
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return _MARKDOWN_SYNTAX.sub(r"\\\1", text)


# libyaml writes the same YAML five times faster (PyYAML's wheels include it); it escapes
# characters beyond the Basic Multilingual Plane, which read back the same.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_TAG = "tag:yaml.org,2002:"


class _NotPlain(Exception):
    """Data that `_node` leaves to PyYAML's representer: another type, or one list or mapping in two places (an alias)."""


def _float(value: float) -> str:
    """A float as SafeRepresenter writes it.

    >>> _float(0.25), _float(1e17), _float(-math.inf), _float(math.nan)
    ('0.25', '1.0e+17', '-.inf', '.nan')
    """
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value).lower()
    return text.replace("e", ".0e", 1) if "." not in text and "e" in text else text


def _node(data: object, seen: set[int]) -> yaml.Node:
    """The node SafeRepresenter makes of plain data (mappings, lists, strings, numbers, booleans, nothing), in block style; `seen` holds the ids of the lists and mappings met.

    PyYAML's representer does the same in pure Python, checking every value for an alias
    and for a representer of its type: it took a third of the time of writing a page.
    """
    kind = type(data)
    if kind is str:
        return yaml.ScalarNode(_TAG + "str", data)
    if kind is dict or kind is list:
        if id(data) in seen:
            raise _NotPlain
        seen.add(id(data))
        if kind is list:
            return yaml.SequenceNode(_TAG + "seq", [_node(item, seen) for item in data], flow_style=False)
        pairs = [(_node(key, seen), _node(value, seen)) for key, value in data.items()]
        return yaml.MappingNode(_TAG + "map", pairs, flow_style=False)
    if kind is bool:
        return yaml.ScalarNode(_TAG + "bool", "true" if data else "false")
    if kind is int:
        return yaml.ScalarNode(_TAG + "int", str(data))
    if kind is float:
        return yaml.ScalarNode(_TAG + "float", _float(data))
    if data is None:
        return yaml.ScalarNode(_TAG + "null", "null")
    raise _NotPlain


def front_matter(meta: dict) -> str:
    """The YAML front matter block for a speech's metadata, in a fixed field order."""
    data = {key: meta[key] for key in FRONT_MATTER_FIELDS if meta.get(key) not in (None, [], {})}
    try:
        dumped = yaml.serialize(_node(data, set()), Dumper=_DUMPER, allow_unicode=True, width=4096)
    except _NotPlain:
        dumped = yaml.dump(data, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=4096, default_flow_style=False)
    return f"---\n{dumped}---\n"


def render_block(block: Block, body: str | None = None) -> str:
    """A block as Markdown; `body` is a paragraph's text when it is already Markdown (with the glossary's links)."""
    if block.kind == "heading":
        return f"{'#' * block.level} {escape(block.text)} {{#{block.anchor}}}"
    if block.kind == "gap":
        texts = _GAP_TEXT if block.level else _GAP_TEXT_UNSIZED
        message = texts.get(block.text, _GAP_TEXT["missing"]).format(n=block.level)
        return f'!!! warning "原文缺失"\n\n    {message}'
    return f"{escape(block.text) if body is None else body}\n{{: #{block.anchor} }}"


def link_terms(text: str, mentions: list[tuple[int, int, str]], linked: frozenset[str]) -> tuple[str, frozenset[str]]:
    """Paragraph text, the glossary terms in it (start, end, page) and the pages already linked in its section in; the escaped text with a link at each term's first mention, and the pages linked so far, out.

    >>> link_terms("抓好三会一课，落实三会一课", [(2, 6, "t.md"), (9, 13, "t.md")], frozenset())[0]
    '抓好[三会一课](t.md){ .jh-term }，落实三会一课'
    """
    pieces, cursor = [], 0
    for start, end, page in mentions:
        if page in linked:
            continue
        pieces += [escape(text[cursor:start]), f"[{escape(text[start:end])}]({page}){{ .jh-term }}"]
        linked, cursor = linked | {page}, end
    return "".join(pieces) + escape(text[cursor:]), linked


def passage_note(shared: dict) -> str:
    """A paragraph's shared passage (its entry in `shared_passages`) in; the note linking to the other places it stands, out.

    >>> passage_note({"anchor": "p2", "count": 3, "also": [{"id": "a", "title": "讲话", "anchor": "p5", "paragraph": 5}]})
    '此段文字也见于：[《讲话》第 5 段](a.md#p5)等 3 篇讲话。\\n{: .jh-also data-pagefind-ignore="all" }'
    """
    links, previous = [], None
    for place in shared["also"]:
        where = f"第 {place['paragraph']} 段"
        label = where if place["id"] == previous else f"《{escape(place['title'])}》{where}"
        links.append(f"[{label}]({place['id']}.md#{place['anchor']})")
        previous = place["id"]
    shown = len({place["id"] for place in shared["also"]})
    more = f"等 {shared['count']} 篇讲话" if shared["count"] > shown else ""
    return f'此段文字也见于：{"、".join(links)}{more}。\n{{: .jh-also data-pagefind-ignore="all" }}'


def render(speech: Speech, glossary: Callable[[str], list[tuple[int, int, str]]] | None = None) -> str:
    """The speech as Markdown: front matter, then its blocks separated by blank lines.

    `glossary` gives the terms of a paragraph (start, end, page); each term links to its page
    where a section (the text under one heading) first mentions it.
    """
    blocks, linked = [], frozenset()
    shared = {passage["anchor"]: passage for passage in speech.meta.get("shared_passages") or []}
    for block in speech.blocks:
        if block.kind == "heading":
            linked = frozenset()
        body = None
        if block.kind == "paragraph" and glossary is not None:
            body, linked = link_terms(block.text, glossary(block.text), linked)
        blocks.append(render_block(block, body))
        if block.anchor in shared:
            blocks.append(passage_note(shared[block.anchor]))
    body = "\n\n".join(blocks)
    return f"{front_matter(speech.meta)}\n{body}\n"
