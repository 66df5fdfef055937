"""Structured speech in, one Markdown document (YAML front matter and body) out."""

from __future__ import annotations

import re

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
)


def escape(text: str) -> str:
    """Make speech text literal in Markdown and HTML.

    >>> escape("*****县 <b>1.</b> & [注]")
    '\\\\*\\\\*\\\\*\\\\*\\\\*县 &lt;b\\\\>1\\\\.&lt;/b\\\\> &amp; \\\\[注\\\\]'
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return _MARKDOWN_SYNTAX.sub(r"\\\1", text)


def front_matter(meta: dict) -> str:
    """The YAML front matter block for a speech's metadata, in a fixed field order."""
    data = {key: meta[key] for key in FRONT_MATTER_FIELDS if meta.get(key) not in (None, [], {})}
    dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=4096, default_flow_style=False)
    return f"---\n{dumped}---\n"


def render_block(block: Block) -> str:
    if block.kind == "heading":
        return f"{'#' * block.level} {escape(block.text)} {{#{block.anchor}}}"
    if block.kind == "gap":
        texts = _GAP_TEXT if block.level else _GAP_TEXT_UNSIZED
        message = texts.get(block.text, _GAP_TEXT["missing"]).format(n=block.level)
        return f'!!! warning "原文缺失"\n\n    {message}'
    return f"{escape(block.text)}\n{{: #{block.anchor} }}"


def render(speech: Speech) -> str:
    """The speech as Markdown: front matter, then its blocks separated by blank lines."""
    body = "\n\n".join(render_block(block) for block in speech.blocks)
    return f"{front_matter(speech.meta)}\n{body}\n"
