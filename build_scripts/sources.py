"""A source file's bytes in, its text and what the file itself says about the speech out, for every kind of input.

Researchers hold speeches as scraped text, saved web pages, Word files, PDFs and
corpus dumps. Each kind has a reader here: `read(kind, raw)` gives an `Extracted`
(the text the rest of the pipeline cleans, the encoding or extractor that produced
it, and metadata from the file's own structure), or raises `Refused` with the reason.

The text a reader gives is the "raw text" of the change log: for a PDF, a Word file
or a web page it is what the extractor took out of the file, and every later edit
(page headers, line wraps, cleaning) is recorded against it.

A corpus dump (JSONL or CSV, one speech a row) is split into rows by `split_dump`;
each row is a source of its own, named `<dump>#<line>` after the line it starts on,
whose raw bytes are exactly that row of the file (for CSV: the header line and the row).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib.metadata import version
from pathlib import Path

from .decode import Refused, decode_bytes, looks_binary
from .speech import Change, in_sequence

# File name suffix → kind of source.
KINDS = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
    ".jsonl": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
}
DUMP_KINDS = {"jsonl", "csv", "tsv"}
# Kinds a person is likely to drop in that cannot be read, with what to do instead.
_UNREADABLE = {
    ".doc": "an old Word .doc file cannot be read: save it as .docx",
    ".wps": "a WPS file cannot be read: save it as .docx",
    ".rtf": "an RTF file cannot be read: save it as .docx or .txt",
    ".pptx": "a presentation, not a speech text: save the text as .txt",
    ".xlsx": "a spreadsheet: save the rows as CSV and import them with --columns",
    ".zip": "an archive: unpack it and add the files in it",
}
# Fields a corpus dump's columns can fill (`--columns title=title,text=content,...`).
COLUMN_FIELDS = {
    "text": "the speech's text (required)",
    "title": "its title",
    "url": "the address it was published at",
    "date": "the date it was given",
    "published": "the date it was published",
    "site": "the site or publication it came from",
}
MAX_UNPACKED = 200 * 1024 * 1024  # a Word file unpacking to more than this is refused (a zip bomb)
_META_LIMIT = 300  # characters of a title or site name taken from a file's metadata

logging.getLogger("pypdf").setLevel(logging.ERROR)
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class Extracted:
    """What a reader took out of a source file.

    `known` is metadata the file states outright (a page's or document's title); the
    cleaning stages are told it, so they do not guess a title from the first line.
    `fallback` is metadata used only where the text itself says nothing (a page's
    canonical address and date, a dump row's url and date).
    """

    text: str
    encoding: str
    source_format: dict
    known: dict = field(default_factory=dict)
    fallback: dict = field(default_factory=dict)
    layout: str = ""  # "pdf": the text keeps a PDF's pages and lines


def kind_of(name: str) -> str | None:
    """The kind of source a file name stands for, or None when it is not one the archive reads.

    >>> kind_of("讲话 稿.TXT"), kind_of("page.htm"), kind_of("reports.jsonl"), kind_of("x.doc")
    ('text', 'html', 'jsonl', None)
    """
    return KINDS.get(Path(name).suffix.lower())


def unsupported_reason(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in _UNREADABLE:
        return _UNREADABLE[suffix]
    shown = f"'{suffix}'" if suffix else "without a suffix"
    return f"not a kind of file the archive reads ({shown}; it reads {', '.join(sorted(KINDS))})"


@cache
def _version(package: str) -> str:
    return version(package)


# --------------------------------------------------------------------------- metadata values


_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufffc\x00-\x1f\x7f-\x9f]")


def meta_text(value, limit: int = _META_LIMIT) -> str | None:
    """A title or name from a file's metadata, on one line, without invisible characters.

    >>> meta_text("  县委书记\\n讲话\\u202e ")
    '县委书记 讲话'
    """
    if value is None or isinstance(value, (dict, list)):
        return None
    text = unicodedata.normalize("NFC", str(value))
    text = " ".join(_INVISIBLE.sub(" ", text).split())
    return text[:limit] or None


_URL = re.compile(r"https?://[^\s<>\"'`\\{}|^]+", re.I)


def safe_url(value) -> str | None:
    """An http(s) address fit to be a link on the page, or None (no `javascript:` and no spaces).

    >>> safe_url(" https://example.cn/a?b=1 "), safe_url("javascript:alert(1)"), safe_url("http://a b")
    ('https://example.cn/a?b=1', None, None)
    """
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if len(value) <= 2000 and _URL.fullmatch(value) else None


_DATE = re.compile(r"(\d{4})(?:\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?)?\s*月?)?")


def normalize_date(value) -> str | None:
    """A date from metadata as YYYY-MM-DD, or YYYY when the day is not given; None when it is no date.

    >>> [normalize_date(v) for v in (2025, "2019-5-7T10:00:00+08:00", "2020年5月", "去年", "1999/13/01")]
    ['2025', '2019-05-07', '2020', None, '1999']
    """
    if isinstance(value, bool) or value is None:
        return None
    match = _DATE.match(str(value).strip())
    if not match or not 1000 <= int(match.group(1)) <= 2999:
        return None
    year, month, day = match.groups()
    if not month or not day or not 1 <= int(month) <= 12 or not 1 <= int(day) <= 31:
        return year
    return f"{year}-{int(month):02d}-{int(day):02d}"


def normalize_day(value) -> str | None:
    """A publication date: YYYY-MM-DD, or None when the day is not known.

    >>> normalize_day("2019-05-07 10:00"), normalize_day(2019)
    ('2019-05-07', None)
    """
    date = normalize_date(value)
    return date if date and len(date) == 10 else None


_CJK = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
_OFFICE_PREFIX = re.compile(r"^(?:Microsoft (?:Word|PowerPoint) - |WPS文字 - )", re.I)


def document_title(value) -> str | None:
    """A Word file's or PDF's own title, when it is one: Chinese, not "untitled" or "Microsoft Word - 1.doc".

    >>> document_title("Microsoft Word - 县委书记讲话.doc"), document_title("untitled"), document_title("Document1")
    ('县委书记讲话', None, None)
    """
    title = meta_text(value)
    if not title:
        return None
    title = re.sub(r"\.(?:docx?|pdf|wps|txt)$", "", _OFFICE_PREFIX.sub("", title), flags=re.I).strip()
    return title if len(_CJK.findall(title)) >= 2 else None


def _drop_empty(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


# --------------------------------------------------------------------------- readers


def read(kind: str, raw: bytes, columns: dict | None = None) -> Extracted:
    """The text of one source of the given kind; raise Refused with the reason when there is none."""
    if not raw.strip():
        raise Refused("empty file")
    readers = {"text": read_text, "html": read_html, "docx": read_docx, "pdf": read_pdf}
    if kind in readers:
        return readers[kind](raw)
    if kind == "jsonl-row":
        return read_json_row(raw, columns or {})
    if kind in ("csv-row", "tsv-row"):
        return read_csv_row(raw, columns or {}, delimiter="\t" if kind == "tsv-row" else ",")
    if kind in DUMP_KINDS:
        raise Refused("a corpus dump, not one speech: build it with `jianghua build --import FILE --columns …`")
    raise Refused(f"no reader for sources of kind {kind!r}")


def read_text(raw: bytes) -> Extracted:
    text, encoding = decode_bytes(raw)
    return Extracted(text, encoding, {"format": "text"})


_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I)
_WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "big5hkscs", "cp936": "gb18030"}


def decode_html(raw: bytes) -> tuple[str, str]:
    """A page's text: its declared charset when the bytes really are in it, else as any text file."""
    import codecs  # noqa: PLC0415

    if raw.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_bytes(raw)
    declared = _META_CHARSET.search(raw[:4096])
    if declared and not looks_binary(raw):
        name = declared.group(1).decode("ascii").lower()
        try:
            encoding = codecs.lookup(_WIDER.get(name, name)).name
            return raw.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common; find the encoding from the bytes
    return decode_bytes(raw)


def read_html(raw: bytes) -> Extracted:
    """A saved web page: the speech text taken out with trafilatura, and the page's title, address and date."""
    html, encoding = decode_html(raw)
    if "<" not in html:
        raise Refused("not a web page (no HTML in it)")
    import trafilatura  # noqa: PLC0415 - loaded only for web pages

    try:
        document = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            favor_recall=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            deduplicate=False,
        )
    except RecursionError:
        raise Refused("the page is nested too deeply to be read") from None
    except Exception as error:  # noqa: BLE001 - a hostile page must not stop the build
        raise Refused(f"the page cannot be read: {type(error).__name__}: {error}") from None
    text = getattr(document, "text", None) if document is not None else None
    if not text or not text.strip():
        raise Refused("no speech text found in the web page")
    source_format = {"format": "html", "extractor": f"trafilatura {_version('trafilatura')}"}
    known = _drop_empty({"page_title": meta_text(document.title)})
    fallback = _drop_empty(
        {
            "source_url": safe_url(document.url),
            "published": normalize_day(document.date),
            "source_site": meta_text(document.sitename),
        }
    )
    return Extracted(text, encoding, source_format, known, fallback)


def read_docx(raw: bytes) -> Extracted:
    """A Word file: the text of every paragraph of the document body, in order, one a line."""
    try:
        package = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise Refused("not a Word .docx file (it is not a zip package)") from None
    with package:
        names = {info.filename: info for info in package.infolist()}
        if "word/document.xml" not in names:
            raise Refused("a zip file, but not a Word document (no word/document.xml)")
        if sum(info.file_size for info in names.values()) > MAX_UNPACKED:
            raise Refused(f"the Word file unpacks to more than {MAX_UNPACKED // 2**20} MB")
    import docx  # noqa: PLC0415 - loaded only for Word files
    from docx.oxml.ns import qn  # noqa: PLC0415
    from docx.text.paragraph import Paragraph  # noqa: PLC0415

    try:
        document = docx.Document(io.BytesIO(raw))
        body = document.element.body
        lines = [Paragraph(p, document).text for p in body.iter(qn("w:p"))]
        title = document.core_properties.title
    except Exception as error:  # noqa: BLE001 - a damaged file must not stop the build
        raise Refused(f"the Word file cannot be read: {type(error).__name__}: {error}") from None
    text = "\n".join(lines)
    if not text.strip():
        raise Refused("the Word file has no text")
    source_format = {"format": "docx", "extractor": f"python-docx {_version('python-docx')}"}
    return Extracted(text, "docx", source_format, _drop_empty({"page_title": document_title(title)}))


def read_pdf(raw: bytes) -> Extracted:
    """A PDF's text layer, page by page; pages are separated by a form feed for the layout stage."""
    if b"%PDF-" not in raw[:1024]:
        raise Refused("not a PDF file (no %PDF- header)")
    from pypdf import PdfReader  # noqa: PLC0415 - loaded only for PDFs

    try:
        reader = PdfReader(io.BytesIO(raw), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Refused("the PDF is encrypted with a password")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata or {}).get("/Title")
    except Refused:
        raise
    except RecursionError:
        raise Refused("the PDF is nested too deeply to be read") from None
    except Exception as error:  # noqa: BLE001 - a damaged or hostile PDF must not stop the build
        raise Refused(f"the PDF cannot be read: {type(error).__name__}: {error}") from None
    text = "\f".join(pages)
    if not any(not ch.isspace() for ch in text):
        raise Refused("the PDF has no text layer (a scanned image?): recognise its text first")
    source_format = {"format": "pdf", "extractor": f"pypdf {_version('pypdf')}", "pages": len(pages)}
    known = _drop_empty({"page_title": document_title(title) if isinstance(title, str) else None})
    return Extracted(text, "pdf", source_format, known, layout="pdf")


def _row_fields(values: dict, columns: dict, what: str) -> tuple[str, dict, dict]:
    """Text and metadata of one dump row, by the column mapping."""
    text_column = columns.get("text")
    if not text_column:
        raise Refused("no text column in the column mapping (give --columns text=COLUMN,...)")
    text = values.get(text_column)
    if not isinstance(text, str) or not text.strip():
        raise Refused(f"the {what} has no text in its column {text_column!r}")
    get = lambda name: values.get(columns[name]) if name in columns else None  # noqa: E731
    known = _drop_empty({"page_title": meta_text(get("title"))})
    fallback = _drop_empty(
        {
            "source_url": safe_url(get("url")),
            "speech_date": normalize_date(get("date")),
            "published": normalize_day(get("published")),
            "source_site": meta_text(get("site")),
        }
    )
    return text, known, fallback


def read_json_row(raw: bytes, columns: dict) -> Extracted:
    line, encoding = decode_bytes(raw)
    try:
        values = json.loads(line)
    except (ValueError, RecursionError) as error:
        raise Refused(f"the row is not valid JSON: {error}") from None
    if not isinstance(values, dict):
        raise Refused("the row is not a JSON object")
    text, known, fallback = _row_fields(values, columns, "row")
    return Extracted(text, encoding, {"format": "jsonl"}, known, fallback)


def read_csv_row(raw: bytes, columns: dict, delimiter: str = ",") -> Extracted:
    data, encoding = decode_bytes(raw)
    csv.field_size_limit(2**31 - 1)
    try:
        rows = list(csv.DictReader(io.StringIO(data, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise Refused(f"the row is not valid CSV: {error}") from None
    if len(rows) != 1:
        raise Refused("the row is not one CSV record")
    text, known, fallback = _row_fields(rows[0], columns, "row")
    return Extracted(text, encoding, {"format": "tsv" if delimiter == "\t" else "csv"}, known, fallback)


# --------------------------------------------------------------------------- corpus dumps


@dataclass(frozen=True)
class Row:
    name: str  # "<dump>#<line>"
    raw: bytes
    kind: str  # "jsonl-row", "csv-row" or "tsv-row"


def parse_columns(spec: str) -> dict[str, str]:
    """`title=title,text=content` → {"title": "title", "text": "content"}; raise ValueError when it is wrong.

    >>> parse_columns("title=title, text=content,url=url,date=year")
    {'title': 'title', 'text': 'content', 'url': 'url', 'date': 'year'}
    """
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        field_name, sep, column = (s.strip() for s in part.partition("="))
        if not sep or not column:
            raise ValueError(f"{part!r} is not FIELD=COLUMN")
        if field_name not in COLUMN_FIELDS:
            raise ValueError(f"unknown field {field_name!r} (fields: {', '.join(COLUMN_FIELDS)})")
        mapping[field_name] = column
    if "text" not in mapping:
        raise ValueError("the mapping needs text=COLUMN")
    return mapping


def check_columns(mapping) -> dict[str, str]:
    """A column mapping read from a record, checked like one given on the command line; ValueError if wrong."""
    if not isinstance(mapping, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
        raise ValueError("the column mapping is not a mapping of field names to column names")
    return parse_columns(",".join(f"{k}={v}" for k, v in mapping.items()))


def split_dump(name: str, data: bytes, kind: str, columns: dict | None = None) -> list[Row]:
    """The rows of a corpus dump, each with its exact bytes; raise Refused when the dump as a whole is unusable.

    With `columns`, a CSV header must have every mapped column.
    """
    import codecs  # noqa: PLC0415

    if not data.strip():
        raise Refused("empty file")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise Refused("a UTF-16 dump cannot be split into rows: save it as UTF-8")
    if looks_binary(data):
        raise Refused("binary data, not text")
    lines = data.split(b"\n")
    if kind == "jsonl":
        return [Row(f"{name}#{n}", line, "jsonl-row") for n, line in enumerate(lines, start=1) if line.strip()]
    delimiter = "\t" if kind == "tsv" else ","
    csv.field_size_limit(2**31 - 1)
    lines = [line + b"\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    reader = csv.reader((line.decode("latin-1") for line in lines), delimiter=delimiter)
    records: list[tuple[int, int]] = []  # (first line, line after) of each record
    start = 0
    try:
        for _record in reader:
            records.append((start, reader.line_num))
            start = reader.line_num
    except csv.Error as error:
        raise Refused(f"not valid CSV (line {reader.line_num}): {error}") from None
    if not records:
        raise Refused("no rows in the dump")
    header_bytes = b"".join(lines[slice(*records[0])])
    if columns:
        header_text, _ = decode_bytes(header_bytes)
        header = next(csv.reader(io.StringIO(header_text, newline=""), delimiter=delimiter), [])
        missing = [c for c in columns.values() if c not in header]
        if missing:
            raise Refused(
                f"column(s) {', '.join(map(repr, missing))} not in the header (it has {', '.join(map(repr, header))})"
            )
    rows = []
    for first, after in records[1:]:
        record = b"".join(lines[first:after])
        if record.strip():
            rows.append(Row(f"{name}#{first + 1}", header_bytes + record, f"{kind}-row"))
    return rows


def dump_rows(name: str, data: bytes, kind: str, columns: dict | None) -> list[Row]:
    """The rows of a dump that is to be built: as `split_dump`, and the dump must have a column mapping."""
    if not columns:
        raise Refused(
            "a corpus dump without a column mapping: add it with `jianghua add FILE --columns text=COLUMN,...` "
            "or build it with `--import FILE --columns ...`"
        )
    try:
        columns = check_columns(columns)
    except ValueError as error:
        raise Refused(f"its column mapping is wrong: {error}") from None
    return split_dump(name, data, kind, columns)


def dump_and_line(source_file: str) -> tuple[str, int] | None:
    """("reports.jsonl", 12) for the source name of a dump row, else None.

    >>> dump_and_line("reports.jsonl#12"), dump_and_line("a#b.txt")
    (('reports.jsonl', 12), None)
    """
    base, sep, line = source_file.rpartition("#")
    if sep and line.isdigit() and kind_of(base) in DUMP_KINDS:
        return base, int(line)
    return None


def published_name(source_file: str) -> str:
    """The file name a source's raw bytes are published under beside its page.

    >>> published_name("reports.jsonl#12"), published_name("讲话 稿.txt")
    ('reports.row-12.jsonl', '讲话 稿.txt')
    """
    row = dump_and_line(source_file)
    if row is None:
        return Path(source_file).name
    path = Path(row[0])
    return f"{path.stem}.row-{row[1]}{path.suffix}"


@lru_cache(maxsize=8)
def _rows_of(path: str, size: int, mtime: float) -> dict[str, bytes]:
    try:
        return {row.name: row.raw for row in split_dump(Path(path).name, Path(path).read_bytes(), kind_of(path) or "")}
    except Refused:
        return {}


def raw_bytes(source_file: str, folders: list[Path]) -> bytes | None:
    """The exact raw bytes of a source (a file, or one row of a dump), looked up in `folders`; None if absent."""
    row = dump_and_line(source_file)
    name = row[0] if row else Path(source_file).name
    for folder in folders:
        path = Path(folder) / name
        if not path.is_file() or path.is_symlink():
            continue
        if row is None:
            return path.read_bytes()
        stat = path.stat()
        found = _rows_of(str(path), stat.st_size, stat.st_mtime).get(source_file)
        if found is not None:
            return found
    return None


# --------------------------------------------------------------------------- PDF layout


_PAGE_MARK = re.compile(
    r"(?:第\s*\d+\s*页\s*[,，/、]?\s*(?:共\s*\d+\s*页)?|共\s*\d+\s*页\s*[,，/、]?\s*第\s*\d+\s*页"
    r"|[-—–－]\s*\d+\s*[-—–－]|\d+\s*/\s*\d+|[Pp]age\s*\d+(?:\s*of\s*\d+)?|\d{1,3})"
)
_EDGE = 2  # lines at the top and at the bottom of a page where headers and footers stand
_RUNNING_WIDTH = 30  # a running header or footer is shorter than this (in Chinese characters)


def _lines(text: str) -> list[tuple[int, int, int]]:
    """(page, start, end) of every non-blank line; pages are separated by form feeds."""
    out, page, pos = [], 0, 0
    for part in re.split(r"(\f|\n)", text):
        if part == "\f":
            page += 1
        elif part != "\n" and part.strip():
            out.append((page, pos, pos + len(part)))
        pos += len(part)
    return out


def _running_lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of the page numbers, headers and footers at the edges of a PDF's pages."""
    lines = _lines(text)
    pages: dict[int, list[tuple[int, int]]] = {}
    for page, start, end in lines:
        pages.setdefault(page, []).append((start, end))
    edges: dict[tuple[int, int], str] = {}
    for spans in pages.values():
        for i, span in enumerate(spans):
            if i < _EDGE:
                edges[span] = "page-header"
            elif i >= len(spans) - _EDGE:
                edges[span] = "page-footer"
    shape = lambda span: re.sub(r"\d+", "#", " ".join(text[span[0] : span[1]].split()))  # noqa: E731
    pages_with: dict[str, set[int]] = {}
    for page, spans in pages.items():
        for span in spans:
            if span in edges:
                pages_with.setdefault(shape(span), set()).add(page)
    repeated = {
        key
        for key, found in pages_with.items()
        if len(pages) >= 2 and len(found) >= max(2, (len(pages) + 1) // 2) and _width(key) <= _RUNNING_WIDTH
    }
    marks = []
    for span, where in sorted(edges.items()):
        line = text[span[0] : span[1]].strip()
        if _PAGE_MARK.fullmatch(line):
            marks.append((span[0], span[1], "page-number"))
        elif shape(span) in repeated:
            marks.append((span[0], span[1], where))
    return marks


def remove_running_lines(text: str) -> tuple[str, list[Change]]:
    """Remove page numbers (第1页共4页, - 2 -) and the headers and footers repeated on a PDF's pages."""
    changes, pieces, last = [], [], 0
    for start, end, kind in _running_lines(text):
        if end < len(text) and text[end] == "\n":
            end += 1
        pieces.append(text[last:start])
        changes.append(Change("pdf", kind, start, text[start:end], ""))
        last = end
    pieces.append(text[last:])
    return "".join(pieces), changes


def _width(line: str) -> float:
    """Width on the page in Chinese characters, a paragraph's indent included."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in line.rstrip())


_NUM = "一二三四五六七八九十"
# How the headings of an official speech open; a line opening so starts a new paragraph.
_HEADING_START = re.compile(rf"(?:[{_NUM}]+、|第[{_NUM}]+[，、：]|（[{_NUM}]+）|\d{{1,2}}[、.．]|[(（]\d{{1,2}}[)）])")


def _is_heading(line: str) -> bool:
    return _HEADING_START.match(line.strip()) is not None


def join_wrapped_lines(text: str) -> tuple[str, list[Change]]:
    """Join the lines a PDF's layout wrapped, so that each paragraph is one line again.

    A line as wide as the page's text column wrapped, unless the next line is indented
    or opens a heading; a shorter line ended its paragraph. A text without a column
    width shared by many lines (not a PDF's page) is left as it is.
    """
    lines = _lines(text)
    widths = sorted(_width(text[s:e]) for _, s, e in lines)
    if len(widths) < 5:
        return text, []
    full = widths[int(len(widths) * 0.8)]
    if full < 8 or sum(1 for w in widths if abs(w - full) <= 1.5) < max(3, len(widths) * 0.3):
        return text, []
    changes, pieces, last = [], [], 0
    for (_, start, end), (_, next_start, next_end) in zip(lines, lines[1:], strict=False):
        line, following, gap = text[start:end], text[next_start:next_end], text[end:next_start]
        if _width(line) < full - 1.5 or following[:1].isspace() or _is_heading(following):
            continue
        if not re.fullmatch(r"[ \t]*(?:\n|\n?\f+\n?)[ \t]*", gap):
            continue  # a blank line ends a paragraph
        joined = " " if line.rstrip()[-1:].isascii() and following.lstrip()[:1].isascii() else ""
        pieces.append(text[last:end])
        pieces.append(joined)
        changes.append(Change("pdf", "line-wrap", end, gap, joined))
        last = next_start
    pieces.append(text[last:])
    return "".join(pieces), changes


def pdf_layout(text: str) -> tuple[str, list[Change]]:
    """A PDF's extracted text in, its running heads and page numbers out and its wrapped lines joined.

    >>> body = "今天召开全县脱贫攻坚推进会议，主要是总结前段工作，部署下步任务。" * 3
    >>> lines = [body[i : i + 20] for i in range(0, len(body), 20)]
    >>> pages = ["县委办公室\\n" + "\\n".join(lines[:3]) + "\\n第1页共2页", "县委办公室\\n" + "\\n".join(lines[3:]) + "\\n- 2 -"]
    >>> text, changes = pdf_layout("\\f".join(pages))
    >>> text == body + "\\n", sorted({c.kind for c in changes})
    (True, ['line-wrap', 'page-header', 'page-number'])
    """
    return in_sequence(text, remove_running_lines, join_wrapped_lines)
