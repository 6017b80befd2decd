"""Server-rendered SVG bar charts: no JavaScript, no CDN, nothing a strict CSP blocks.

Every chart is ``role="img"`` with an ``aria-label``; every bar carries a ``<title>`` (the
tooltip) and, when it leads somewhere, is wrapped in a link to the people behind it. Colours
are SVG presentation attributes (allowed by ``style-src 'self'``), never ``style=``. Pages put
a table with the same figures and links next to each chart: that table is what screen readers
and keyboards use, so the chart's links are left out of the tab order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 720
LABEL_W = 210  # room for the bar labels, right-aligned against the bars
VALUE_W = 70  # room for the value after the longest bar
BAR_W = WIDTH - LABEL_W - VALUE_W
ROW = 26
PAIR_ROW = 34
TOP = 8
LABEL_CHARS = 30

INK = "#1e2a22"
MUTED = "#5b665f"
TRACK = "#eef0ea"
ACCENT = "#2f6b3a"
DANGER = "#a4262c"
THEN = "#9aa39c"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"


@dataclass(frozen=True)
class Bar:
    """One bar: ``value`` (None: no figure, no bar), shown as ``text`` (default: the number and
    the chart's unit), with ``title`` as its tooltip and ``href`` as its drill-down link.
    ``before`` is the earlier value of a paired chart."""

    label: str
    value: float | None
    href: str | None = None
    title: str = ""
    text: str | None = None
    before: float | None = None
    before_text: str | None = None


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    decimals = 0 if float(value).is_integer() else 1
    return f"{number_format(round(value, decimals), decimals)}{unit}"


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _length(value: float | None, maximum: float) -> float:
    if value is None or maximum <= 0:
        return 0.0
    return max(0.0, min(value, maximum)) / maximum * BAR_W


def _svg(label: str, height: int, body: SafeString) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{}" '
        'viewBox="0 0 {} {}" width="100%" font-family="{}" font-size="13">'
        "<title>{}</title>{}</svg>",
        label,
        WIDTH,
        height,
        FONT,
        label,
        body,
    )


def _wrap(bar: Bar, inner: SafeString) -> SafeString:
    if bar.href:
        return format_html('<a href="{}" tabindex="-1">{}</a>', bar.href, inner)
    return format_html("<g>{}</g>", inner)


def bar_chart(
    bars: Sequence[Bar],
    *,
    label: str,
    maximum: float | None = None,
    unit: str = "",
    colour: str = ACCENT,
    track: bool = False,
) -> SafeString:
    """Horizontal bars, one row per ``Bar``. ``maximum``: the value of a full bar (default: the
    largest value); ``track`` draws the full length faintly (for percentages)."""
    top = maximum if maximum is not None else max((b.value or 0 for b in bars), default=0)
    top = top or 1
    rows = []
    for i, bar in enumerate(bars):
        y = TOP + i * ROW
        length = _length(bar.value, top)
        text = bar.text if bar.text is not None else _fmt(bar.value, unit)
        tip = bar.title or f"{bar.label}: {text}"
        inner = format_html(
            "<title>{}</title>"
            '<text x="{}" y="{}" text-anchor="end" fill="{}">{}</text>'
            "{}"
            '<rect x="{}" y="{}" width="{}" height="16" rx="2" fill="{}"></rect>'
            '<text x="{}" y="{}" fill="{}">{}</text>',
            tip,
            LABEL_W - 8,
            y + 13,
            INK,
            _short(bar.label),
            format_html(
                '<rect x="{}" y="{}" width="{}" height="16" rx="2" fill="{}"></rect>',
                LABEL_W,
                y + 1,
                BAR_W,
                TRACK,
            )
            if track
            else "",
            LABEL_W,
            y + 1,
            f"{length:.1f}",
            colour,
            f"{LABEL_W + length + 6:.1f}",
            y + 13,
            INK if bar.value is not None else MUTED,
            text,
        )
        rows.append(_wrap(bar, inner))
    body = format_html_join("", "{}", ((r,) for r in rows))
    return _svg(label, TOP * 2 + max(len(bars), 1) * ROW, body)


def paired_bar_chart(
    bars: Sequence[Bar],
    *,
    label: str,
    legend: tuple[str, str],
    maximum: float = 100.0,
    unit: str = " %",
) -> SafeString:
    """Two bars per row: ``before`` (grey, above) and ``value`` (green, below), with a legend
    naming them (e.g. the two dates compared)."""
    legend_h = 24
    rows = [
        format_html(
            '<g><rect x="{}" y="4" width="12" height="12" fill="{}"></rect>'
            '<text x="{}" y="14" fill="{}">{}</text>'
            '<rect x="{}" y="4" width="12" height="12" fill="{}"></rect>'
            '<text x="{}" y="14" fill="{}">{}</text></g>',
            LABEL_W,
            THEN,
            LABEL_W + 18,
            INK,
            legend[0],
            LABEL_W + 200,
            ACCENT,
            LABEL_W + 218,
            INK,
            legend[1],
        )
    ]
    for i, bar in enumerate(bars):
        y = legend_h + TOP + i * PAIR_ROW
        before_text = bar.before_text if bar.before_text is not None else _fmt(bar.before, unit)
        text = bar.text if bar.text is not None else _fmt(bar.value, unit)
        tip = bar.title or f"{bar.label}: {legend[0]} {before_text}, {legend[1]} {text}"
        b_len, a_len = _length(bar.before, maximum), _length(bar.value, maximum)
        inner = format_html(
            "<title>{}</title>"
            '<text x="{}" y="{}" text-anchor="end" fill="{}">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="12" rx="2" fill="{}"></rect>'
            '<text x="{}" y="{}" font-size="11" fill="{}">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="12" rx="2" fill="{}"></rect>'
            '<text x="{}" y="{}" font-size="11" fill="{}">{}</text>',
            tip,
            LABEL_W - 8,
            y + 17,
            INK,
            _short(bar.label),
            LABEL_W,
            y + 1,
            f"{b_len:.1f}",
            THEN,
            f"{LABEL_W + b_len + 6:.1f}",
            y + 11,
            MUTED,
            before_text,
            LABEL_W,
            y + 15,
            f"{a_len:.1f}",
            ACCENT,
            f"{LABEL_W + a_len + 6:.1f}",
            y + 25,
            INK,
            text,
        )
        rows.append(_wrap(bar, inner))
    body = format_html_join("", "{}", ((r,) for r in rows))
    return _svg(label, legend_h + TOP * 2 + max(len(bars), 1) * PAIR_ROW, body)
