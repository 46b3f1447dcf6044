"""Small charts drawn on the server as SVG: no script, no style attributes (the page's CSP
allows neither), only presentation attributes, so they print as they look."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

INK = "#1f2933"
GRID = "#cbd2d9"
BAR = "#2f6f9f"
BAR_DONE = "#3f8f4f"
BACK = "#e4e7eb"
FONT = 'font-family="sans-serif"'


@dataclass(frozen=True)
class Column:
    label: str  # under the axis (may be empty)
    value: float
    title: str  # what a pointer over the column or a screen reader tells


def _nice_max(value: float) -> float:
    """A round number at or above ``value`` for the top of the scale."""
    if value <= 0:
        return 1
    step = 1
    while step * 10 <= value:
        step *= 10
    for factor in (1, 2, 5, 10):
        if step * factor >= value:
            return step * factor
    return step * 10


def columns(data: Sequence[Column], label: str, *, width: int = 720, height: int = 220) -> Markup:
    """A column chart (e.g. activity per day) with a labelled scale and a title per column."""
    left, right, top, bottom = 36, 8, 10, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max((c.value for c in data), default=0))
    step = plot_w / max(len(data), 1)
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(label)}</title>"]
    for i in range(5):
        value = top_value * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                     f'stroke="{GRID}" stroke-width="1"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
                     f'fill="{INK}" {FONT}>{value:g}</text>')
    for i, column in enumerate(data):
        h = plot_h * column.value / top_value
        x = left + i * step + step * 0.15
        parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{step * 0.7:.1f}" '
                     f'height="{h:.1f}" fill="{BAR}"><title>{escape(column.title)}</title></rect>')
        if column.label:
            parts.append(f'<text x="{x + step * 0.35:.1f}" y="{height - bottom + 16}" '
                         f'text-anchor="middle" font-size="11" fill="{INK}" {FONT}>'
                         f"{escape(column.label)}</text>")
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" '
                 f'y2="{top + plot_h}" stroke="{INK}" stroke-width="1"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class Bar:
    label: str
    share: float  # 0..1
    text: str  # written after the bar, e.g. "12 of 20"


def bars(data: Sequence[Bar], label: str, *, width: int = 560) -> Markup:
    """Horizontal bars of shares (completion per course, progress per unit), 0 to 100%."""
    row_h, label_w, text_w = 26, 190, 130
    plot_w = width - label_w - text_w
    height = max(len(data), 1) * row_h + 6
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(label)}</title>"]
    for i, bar in enumerate(data):
        y = 3 + i * row_h
        share = min(max(bar.share, 0.0), 1.0)
        name = bar.label if len(bar.label) <= 26 else bar.label[:25] + "…"
        parts.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" font-size="13" '
                     f'fill="{INK}" {FONT}><title>{escape(bar.label)}</title>'
                     f"{escape(name)}</text>")
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{plot_w}" height="{row_h - 8}" '
                     f'fill="{BACK}"/>')
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{plot_w * share:.1f}" '
                     f'height="{row_h - 8}" fill="{BAR_DONE}"/>')
        parts.append(f'<text x="{label_w + plot_w + 8}" y="{y + 17}" font-size="13" '
                     f'fill="{INK}" {FONT}>{round(share * 100)}% · {escape(bar.text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
