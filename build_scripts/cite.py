"""A speech's metadata in, the ways to cite it out: a GB/T 7714-2015 reference, a BibTeX entry, and the address of a prefilled issue report."""

from __future__ import annotations

import re
from urllib.parse import quote

# The reader fills in the day they read the page; both forms say so in words a reader replaces.
ACCESS_DATE = "引用日期"
BIBTEX_ACCESS_DATE = "YYYY-MM-DD"
_BIBTEX_SPECIAL = re.compile(r"[\\{}%&$#_^~]")
_BIBTEX_ESCAPES = {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}


def author(meta: dict) -> str:
    """Who a reference names: the speaker by name when the speech gives it, else the office (in brackets when the archive inferred it), else 佚名 (GB/T 7714-2015, 8.1.1).

    >>> author({"speaker": {"office": "县委书记"}}), author({"speaker": {"office": "县主要领导", "inferred": True}}), author({"speaker": {}})
    ('县委书记', '[县主要领导]', '佚名')
    """
    speaker = meta.get("speaker") or {}
    if speaker.get("name"):
        return speaker["name"]
    if speaker.get("office"):
        # Square brackets mark what a cataloguer supplies rather than transcribes from the document.
        return f"[{speaker['office']}]" if speaker.get("inferred") else speaker["office"]
    return "佚名"


def full_title(meta: dict) -> str:
    """The title, with the subtitle as its other title information (题名: 其他题名信息)."""
    return f"{meta['title']}: {meta['subtitle']}" if meta.get("subtitle") else meta["title"]


def gbt7714(meta: dict, url: str) -> str:
    """The page as an online electronic bulletin [EB/OL]: author, title, the source's publication date, the access date left for the reader, and the address.

    >>> gbt7714({"title": "在全县会上的讲话", "speaker": {"office": "县委书记"}, "published": "2020-12-07"}, "https://example.org/speeches/a/")
    '县委书记. 在全县会上的讲话[EB/OL]. (2020-12-07)[引用日期]. https://example.org/speeches/a/.'
    """
    published = f"({meta['published']})" if meta.get("published") else ""
    return f"{author(meta)}. {full_title(meta)}[EB/OL]. {published}[{ACCESS_DATE}]. {url}."


def bibtex_text(text: str) -> str:
    r"""Text made literal inside a BibTeX field: each of its special characters escaped, so braces stay balanced.

    >>> print(bibtex_text(r"“回头看”{50%} \ 5_2 & #1"))
    “回头看”\{50\%\} \textbackslash{} 5\_2 \& \#1
    """
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_ESCAPES.get(m.group(), "\\" + m.group()), text)


def bibtex(meta: dict, url: str, archive: str) -> str:
    r"""The page as a BibTeX @misc entry; `urldate` is left for the reader, the archive's name is the note.

    >>> print(bibtex({"id": "0123456789ab", "title": "讲话{一}", "speaker": {"name": "张三"}}, "https://example.org/s/", "档案"))
    @misc{jianghua-0123456789ab,
      author = {{张三}},
      title = {讲话\{一\}},
      url = {https://example.org/s/},
      urldate = {YYYY-MM-DD},
      note = {档案}
    }
    """
    fields = [
        # Double braces: an office or a Chinese name is one name, not a first and a last name.
        ("author", "{" + bibtex_text(author(meta)) + "}"),
        ("title", bibtex_text(full_title(meta))),
        *([("date", meta["published"])] if meta.get("published") else []),
        ("url", url),
        ("urldate", BIBTEX_ACCESS_DATE),
        ("note", bibtex_text(archive)),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{jianghua-{meta['id']},\n{body}\n}}"


def report_url(repository: str, meta: dict, path: str) -> str:
    """A link that opens a new issue in the repository, its title and body already naming the speech.

    >>> from urllib.parse import parse_qs, urlsplit
    >>> url = report_url("https://github.com/o/r", {"id": "0123456789ab", "title": "讲话&会"}, "speeches/0123456789ab/")
    >>> url.split("?")[0], parse_qs(urlsplit(url).query)["title"]
    ('https://github.com/o/r/issues/new', ['报告问题：讲话&会（0123456789ab）'])
    """
    title = f"报告问题：{meta['title']}（{meta['id']}）"
    body = (
        f"讲话：{meta['title']}\n编号：{meta['id']}\n页面：{path}\n\n"
        "问题在哪里（正文、元数据、校勘记、原始文本……）：\n\n"
        "应当是：\n\n"
        "依据：\n"
    )
    return f"{repository.rstrip('/')}/issues/new?title={quote(title, safe='')}&body={quote(body, safe='')}"
