"""Template helpers of the gap pages: percentages, changes, definition links, export links."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from seedbed.gaps.definitions import DEFINITIONS

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    """62.5 → "62.5 %" (localised); None → "–"."""
    if value is None:
        return "–"
    return f"{number_format(value, 1)} %"


@register.filter
def change(value: float | None, unit: str = "") -> str:
    """A signed change: +3.5, −2.0, ±0; None → "–". ``unit`` follows the number."""
    if value is None:
        return "–"
    if value == 0:
        return f"±0{unit}"
    sign = "+" if value > 0 else "−"
    return f"{sign}{number_format(abs(value), 1)}{unit}"


@register.simple_tag
def defref(key: str) -> str:
    """A small link to the figure's definition (footnote), with the definition as tooltip."""
    return format_html(
        '<a class="defref" href="#def-{}" title="{}"><sup>?</sup>'
        '<span class="visually-hidden"> {}</span></a>',
        key,
        DEFINITIONS[key],
        _("definition"),
    )


@register.simple_tag(takes_context=True)
def export_links(context: dict[str, Any], table: str, title: str) -> str:
    """CSV and XLSX download links for one table of the current page (its filters kept)."""
    query = context.get("query", "")
    base = f"?{query}&" if query else "?"
    return format_html(
        '<span class="actions">'
        '<a class="btn secondary small" href="{}format=csv&amp;table={}" aria-label="{}">{}</a> '
        '<a class="btn secondary small" href="{}format=xlsx&amp;table={}" aria-label="{}">{}</a>'
        "</span>",
        base,
        table,
        _("Export “%(table)s” as CSV") % {"table": title},
        _("CSV"),
        base,
        table,
        _("Export “%(table)s” as XLSX") % {"table": title},
        _("XLSX"),
    )
