"""Markdown and front matter: hostile titles round-trip, and speech text is never read as Markdown or HTML."""

from __future__ import annotations

import markdown
import pytest
import yaml

from build_scripts.render import escape, front_matter, render
from build_scripts.speech import Block, Speech

HOSTILE_TITLES = [
    '讲话："加油" — 第一部分',
    "标题: 带冒号",
    "---\n带分隔线",
    "# 不是标题",
    "含'单引号'和\"双引号\"",
    "null",
    "2020-05-07",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_titles_round_trip_through_front_matter(title):
    block = front_matter({"id": "abc", "title": title})
    assert block.startswith("---\n") and block.endswith("---\n")
    assert yaml.safe_load(block[4:-4]) == {"id": "abc", "title": title}


@pytest.mark.parametrize(
    "text",
    [
        "*****县委书记在**镇的讲话",
        "1. 这不是列表",
        "# 这不是标题",
        "<script>alert('x')</script>与<b>粗体</b>",
        "[注] 见[链接](http://example.com)",
        "- 不是列表 + 也不是",
        "5+2、白加黑 | 表格？ `代码` _下划线_ {#id}",
        "> 不是引用 & 符号 &amp;",
    ],
)
def test_speech_text_renders_as_itself(text):
    html = markdown.markdown(escape(text), extensions=["attr_list", "tables", "admonition"])
    assert html.startswith("<p>") and html.endswith("</p>")
    from html import unescape

    assert unescape(html[3:-4]) == text


def test_render_gives_headings_anchors_and_gap_notice():
    speech = Speech(
        source_file="x.txt",
        raw=b"",
        meta={"id": "abc", "title": "讲话"},
        blocks=(
            Block("heading", "一、提高认识", 2, "h1"),
            Block("paragraph", "今年是决胜之年。", 0, "p1"),
            Block("gap", "paywall", 940, "gap1"),
        ),
    )
    html = markdown.markdown(render(speech).split("---\n", 2)[2], extensions=["attr_list", "admonition"])
    assert '<h2 id="h1">一、提高认识</h2>' in html
    assert '<p id="p1">今年是决胜之年。</p>' in html
    assert "940" in html and "admonition" in html
