"""Site residue: text in, text without the site's boilerplate out, with what it said kept as metadata.

Each rule is a small named function over the whole text that returns the new text,
its changes and the metadata it learned. Rules are written once and match both
scripts, because the sites serve the same boilerplate in Simplified and Traditional.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import opencc

from .speech import Change, Speech, substitute

GAP = "\ufffc"  # marks a place where the source left text out; normalisation removes it from raw input


def gap_marker(reason: str, chars: int | None = None) -> str:
    """The in-text token for a gap; the structure stage turns it into a visible gap block."""
    return f"\n{GAP}gap:{reason}:{chars or 0}{GAP}\n"


@lru_cache(maxsize=2)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def both_scripts(pattern: str) -> str:
    """Widen each Chinese character of a regex to its Simplified and Traditional forms.

    >>> both_scripts("本文简介")
    '本文[简簡]介'
    """
    out = []
    for ch in pattern:
        if "\u4e00" <= ch <= "\u9fff":
            forms = dict.fromkeys([ch, _converter("s2t").convert(ch), _converter("t2s").convert(ch)])
            out.append("[" + "".join(forms) + "]" if len(forms) > 1 else ch)
        else:
            out.append(ch)
    return "".join(out)


def _rx(pattern: str, flags: int = re.M) -> re.Pattern:
    return re.compile(both_scripts(pattern), flags)


@dataclass
class Found:
    """What the boilerplate rules learned about the source."""

    meta: dict = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    passes: int = 0


def _remove(text: str, pattern: re.Pattern, kind: str, found: Found, learn=None, replacement="") -> str:
    def handle(match: re.Match) -> str:
        if learn:
            learn(match, found.meta)
        return match.expand(replacement) if isinstance(replacement, str) else replacement(match)

    new, changes = substitute(text, pattern, handle, "boilerplate", kind)
    found.changes.extend(c.in_pass(found.passes) for c in changes)
    found.passes += 1
    return new


_BREADCRUMB = _rx(r"^您的位置[:：]\s*([^>\n]+?)\s*>>(.*?)>>\s*正文[ \t]*\n?")
_PUBLISHED = _rx(r"^(?:发表时间|时间|发布时间)[:：]\s*(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})日?(?:[ \t]+[\d:]+)?[ \t]*\n?")
_OUTLINE = _rx(r"^目录/提纲[:：]\s*…+[ \t]*\n((?:.*\n)*?)…+[ \t]*\n?")
_UPLOADER_NOTE = _rx(r"^导语[:：].*(?:网友上传|不代表本站|欢迎参考).*\n?")
_SUMMARY = _rx(r"^(.+?)[ \t]+本文简介[:：][ \t]*\n.*\n?")
_CONTENT_LABEL = _rx(r"^(.+?)[ \t]+本文内容[:：][ \t]*\n?")
_KEYWORDS = _rx(r"^.*?本文关键词[:：](.*)\n?")
_DISCLAIMER = _rx(r"^来源[:：](.*?)[ \t]*免责声明[:：].*\n?")
_TAOWENGE = _rx(
    r"^《(.+?)\.(docx?|pdf|pptx?|txt)》由会员分享.*?[(（](\d+)页珍藏版[)）].*?请在(.+?)(?:\s*-\s*.*?)?上搜索。[ \t]*\n?"
)
_PAGE_CHUNK = re.compile(r"(?:^|\n)\d{1,3}、")
_TRUNCATED = _rx(r"[ \t]*…+[(（]未完[,，]全文共(\d+)字[,，]当前仅显示(\d+)字.*(?:\n.*)*\Z")
_PAYWALL = _rx(r"…+[(（](.*?)(https?://[^\s省]+)?省略(\d+)字[,，]正式会员可完整阅读[)）]…+[ \t]*")
_TAIL_LINKS = _rx(r"^(?:文章搜索|相关文章|限制\d+内)[ \t]*\n?")
# A wiki's licence box at the end of a page ("本作品是……属于公有领域。……Public domain"): it
# speaks of the page, not in the speech, and runs to the end of the text.
_LICENCE = _rx(r"^[ \t]*本作品(?:是|来自)(?:.|\n)*?(?:公有领域|Public domain)(?:.|\n)*\Z")


def _learn_breadcrumb(match: re.Match, meta: dict) -> None:
    meta["source_site"] = match.group(1).strip()
    meta["source_category"] = match.group(2).strip(" /")


def _learn_published(match: re.Match, meta: dict) -> None:
    year, month, day = (int(g) for g in match.groups())
    meta.setdefault("published", f"{year:04d}-{month:02d}-{day:02d}")


def _learn_outline(match: re.Match, meta: dict) -> None:
    meta["source_outline"] = [line.strip() for line in match.group(1).splitlines() if line.strip()]


def _learn_title(match: re.Match, meta: dict) -> None:
    meta.setdefault("page_title", match.group(1).strip())


def _learn_keywords(match: re.Match, meta: dict) -> None:
    meta["source_keywords"] = [k.strip() for k in re.split(r"[,，、]", match.group(1)) if k.strip()]


def _learn_disclaimer(match: re.Match, meta: dict) -> None:
    meta["source_note"] = match.group(1).strip()


def _learn_taowenge(match: re.Match, meta: dict) -> None:
    meta["page_title"] = match.group(1).strip()
    meta["original_file"] = f"{match.group(1).strip()}.{match.group(2)}"
    meta["page_count"] = int(match.group(3))
    meta["source_site"] = match.group(4).strip()


def _learn_truncation(match: re.Match, meta: dict) -> None:
    meta["truncated"] = True
    meta["chars_total"] = int(match.group(1))
    meta["chars_shown"] = int(match.group(2))


def _learn_paywall(match: re.Match, meta: dict) -> None:
    site = match.group(1).strip()
    if site:
        meta.setdefault("source_site", site)
    if match.group(2):
        meta.setdefault("source_url", match.group(2))
    meta["truncated"] = True
    meta["chars_omitted"] = meta.get("chars_omitted", 0) + int(match.group(3))


def strip_boilerplate(text: str, known: dict | None = None) -> tuple[str, Found]:
    """Remove every kind of site residue the sources are known to carry; learn what it says.

    `known` is what the source file stated outright (a web page's title): the rules start from it.
    """
    found = Found(meta=dict(known or {}))
    text = _remove(text, _BREADCRUMB, "breadcrumb", found, _learn_breadcrumb)
    text = _remove(text, _TAOWENGE, "site-header", found, _learn_taowenge)
    if "original_file" in found.meta:
        # The document site pastes its page chunks as numbered lines ("2、") that cut
        # through sentences; the number and the line break belong to the site, not the speech.
        text = _remove(text, _PAGE_CHUNK, "page-chunk-number", found)
    text = _remove(text, _PUBLISHED, "published-line", found, _learn_published)
    text = _remove(text, _OUTLINE, "outline-block", found, _learn_outline)
    text = _remove(text, _UPLOADER_NOTE, "uploader-note", found)
    text = _remove(text, _SUMMARY, "duplicate-summary", found, _learn_title)
    text = _remove(text, _CONTENT_LABEL, "content-label", found, _learn_title)
    text = _remove(text, _KEYWORDS, "keywords-line", found, _learn_keywords)
    text = _remove(text, _DISCLAIMER, "disclaimer", found, _learn_disclaimer)
    text = _remove(
        text,
        _TRUNCATED,
        "truncation-notice",
        found,
        _learn_truncation,
        lambda m: gap_marker("truncated", int(m.group(1)) - int(m.group(2))),
    )
    text = _remove(text, _PAYWALL, "paywall-notice", found, _learn_paywall, lambda m: gap_marker("paywall", int(m.group(3))))
    text = _remove(text, _TAIL_LINKS, "related-links", found)
    text = _remove(text, _LICENCE, "licence-notice", found)
    return _strip_title_lines(text, found), found


def _strip_title_lines(text: str, found: Found) -> str:
    """Take the page title from the first line and drop the lines (or line starts) that repeat it."""
    lines = text.lstrip("\n").split("\n", 1)
    first = lines[0].strip()
    if "page_title" not in found.meta and 4 <= len(first) <= 80 and not re.search("[。！？]$", first):
        found.meta["page_title"] = first
    title = found.meta.get("page_title")
    if not title:
        return text
    pattern = re.compile(r"^[ \t]*" + re.escape(title) + r"[ \t]*\n?", re.M)
    return _remove(text, pattern, "duplicate-title", found)


def remove_boilerplate(speech: Speech) -> Speech:
    """Speech text with site residue in, without it out; what the residue said goes to `meta['site']`."""
    text, found = strip_boilerplate(speech.text, speech.meta.get("site"))
    return speech.with_text(text, found.changes).with_meta(site=found.meta)
