"""Template helpers shared by Seedbed pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def levels_for(
    scales: dict[Any, list[tuple[int, str, str]]], skill: Any
) -> list[tuple[int, str, str]]:
    """The (value, name, descriptor) levels of the scale ``skill`` uses."""
    return scales.get(getattr(skill, "category_id", None), scales.get(None, []))


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.simple_tag
def level(value: int | None, title: str = "") -> str:
    """A level chip: colour and the number (never colour alone)."""
    if value is None:
        return format_html('<span class="lvl lvl-none" title="{}">–</span>', _("no rating"))
    cls = f"lvl-{max(0, min(int(value), 5))}"
    return format_html(
        '<span class="lvl {}" title="{}">{}</span>',
        cls,
        title or _("level %(n)s") % {"n": value},
        value,
    )
