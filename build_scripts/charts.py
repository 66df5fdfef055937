"""Categories with their counts and links in, a horizontal bar chart as a small, self-contained SVG document out.

Hand-written rather than drawn by a charting library: pygal's output loads its tooltip script
from a CDN and matplotlib's writes every glyph and clip path out (and is a heavy dependency),
while a bar chart is a few rectangles. This one keeps its Chinese labels as text (searchable,
read by screen readers, sharp at any size), links each bar to its category's page, names each
bar in words (label, count, and how many of them are inferred, so the shading is never the only
sign), scales with its viewBox, and is the same bytes for the same input. Its size grows with
the number of bars only.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

WIDTH = 360  # viewBox units; the page shows a chart 1:1 on a phone and at most a third larger
FONT = 12
ROW = 24  # a bar's row, tall enough to tap
GAP = 6  # between a bar and its row's edges
MAX_LABEL = 9  # characters of a label shown; a longer one is cut, its full name kept in the bar's name
INK = "#1f1f1f"
BAR = "#283593"  # 11:1 against white
PART = "#7986cb"  # 3.4:1 against white, 3:1 against BAR: the share of a bar that is inferred


@dataclass(frozen=True)
class Bar:
    """One category: its label, its count, how many of those are inferred, and the page it links to (none for an empty category)."""

    label: str
    count: int
    part: int = 0
    href: str | None = None


def text_width(text: str) -> float:
    """Width in ems: a Chinese character is one em, a digit or Latin letter about six tenths."""
    return sum(0.6 if ch.isascii() else 1.0 for ch in text)


def _shown(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _name(bar: Bar, unit: str, part_name: str) -> str:
    inferred = f"，其中{part_name} {bar.part} {unit}" if bar.part else ""
    return f"{bar.label}：{bar.count} {unit}{inferred}"


def _value(bar: Bar) -> str:
    return f"{bar.count}（{bar.part}）" if bar.part else str(bar.count)


def _key_height(bars: list[Bar]) -> int:
    return ROW if any(b.part for b in bars) else 0


def chart_height(bars: list[Bar]) -> int:
    """The chart's height in viewBox units (its width is WIDTH), for the page to keep its proportions."""
    return _key_height(bars) + ROW * len(bars) + GAP


def bar_chart(title: str, desc: str, bars: list[Bar], unit: str = "篇", part_name: str = "") -> str:
    """An SVG document: `title` and `desc` name it, a row a bar, and a key to the shading when a bar has an inferred part.

    >>> svg = bar_chart("各年讲话", "每年的讲话篇数。", [Bar("2016年", 3, 1, "../timeline/2016/index.html")], part_name="日期是推断的")
    >>> svg.count('<rect class="bar"'), 'aria-label="2016年：3 篇，其中日期是推断的 1 篇"' in svg
    (1, True)
    """
    label_width = (max((text_width(_shown(b.label)) for b in bars), default=1) * FONT) + GAP
    top = _key_height(bars)
    value_width = (max((text_width(_value(b)) for b in bars), default=1) * FONT) + GAP
    scale = (WIDTH - label_width - value_width - GAP) / max((b.count for b in bars), default=1)
    height = chart_height(bars)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" lang="zh" '
        'role="group" aria-labelledby="title desc">',
        f'<title id="title">{escape(title)}</title>',
        f'<desc id="desc">{escape(desc)}</desc>',
        "<style>"
        f"text{{font:{FONT}px system-ui,'Noto Sans CJK SC','WenQuanYi Zen Hei','Microsoft YaHei',sans-serif;fill:{INK}}}"
        f".bar{{fill:{BAR}}}.part{{fill:{PART}}}.row{{fill:transparent}}"
        "a:hover .label,a:focus .label{text-decoration:underline}"
        f"a:focus{{outline:none}}a:focus .row{{fill:none;stroke:{INK};stroke-width:2}}"
        "</style>",
    ]
    if top:
        out.append(
            f'<g aria-hidden="true"><rect class="part" x="0" y="{GAP}" width="{FONT}" height="{FONT}"/>'
            f'<text x="{FONT + 4}" y="{GAP + FONT - 2}">浅色及括号内：{escape(part_name)}</text></g>'
        )
    for i, bar in enumerate(bars):
        y = top + i * ROW
        length = bar.count * scale
        inferred = bar.part * scale
        # A linked row is a target as wide as the chart, for a finger and for the focus ring.
        row = [f'<rect class="row" x="0.5" y="{y + 0.5}" width="{WIDTH - 1}" height="{ROW - 1}"/>'] if bar.href else []
        row.append(f'<text class="label" x="{label_width - GAP:.1f}" y="{y + ROW / 2 + FONT * 0.35:.1f}" text-anchor="end">{escape(_shown(bar.label))}</text>')
        if bar.count:
            row.append(f'<rect class="bar" x="{label_width:.1f}" y="{y + GAP}" width="{length:.1f}" height="{ROW - 2 * GAP}"/>')
        if bar.part:
            row.append(
                f'<rect class="part" x="{label_width + length - inferred:.1f}" y="{y + GAP}" width="{inferred:.1f}" height="{ROW - 2 * GAP}"/>'
            )
        row.append(f'<text class="value" x="{label_width + length + 4:.1f}" y="{y + ROW / 2 + FONT * 0.35:.1f}">{escape(_value(bar))}</text>')
        name = quoteattr(_name(bar, unit, part_name))
        if bar.href:
            out.append(f'<a href={quoteattr(bar.href)} target="_top" aria-label={name}>{"".join(row)}</a>')
        else:
            out.append(f'<g role="img" aria-label={name}>{"".join(row)}</g>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
