"""The team matrix head and body, rendered in Python.

A team matrix has thousands of cells. Rendered through template tags each cell cost about
70 µs (350 ms for 50 people × 72 skills, see docs/benchmarks.md). Here a cell's markup depends
only on (level, required level, pending, below, stale), a few dozen combinations, so each distinct
cell is built once per render and reused; rows are joined strings. The markup is what a template
would produce: row and column headers, level chips with the number (never colour alone), the
required level, a mark on stale levels, and screen-reader text for cells below requirement,
pending validation or stale.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from seedbed.people.selectors import NONE, Matrix

register = template.Library()


@lru_cache(maxsize=4096)
def _cell(lvl: int, req: int, pending: bool, below: bool, stale: bool, lang: str | None) -> str:
    # ``lang`` is part of the cache key: the screen-reader texts are translated. The gettext
    # calls stay outside the f-strings, where xgettext (makemessages) would not find them.
    sr_text = {
        "none": _("not rated"),
        "req": _("required"),
        "below": _("below requirement"),
        "pending": _("validation pending"),
        "stale": _("stale: not reviewed within the review interval"),
    }
    if lvl != NONE:
        html = f'<span class="lvl lvl-{min(lvl, 5)}">{lvl}</span>'
    else:
        html = f'<span class="lvl lvl-none">·<span class="visually-hidden">{escape(sr_text["none"])}</span></span>'
    if stale:
        html += (
            '<span class="stale-mark" aria-hidden="true">↻</span>'
            f'<span class="visually-hidden">{escape(sr_text["stale"])}</span>'
        )
    if req != NONE:
        html += (
            f'<small class="req"><span class="visually-hidden">{escape(sr_text["req"])} </span>'
            f"≥{req}</small>"
        )
    if below:
        html += f'<span class="visually-hidden">{escape(sr_text["below"])}</span>'
    if pending:
        html += f'<span class="visually-hidden">{escape(sr_text["pending"])}</span>'
    classes = " ".join(c for c, on in (("below", below), ("pend", pending), ("stale", stale)) if on)
    return f'<td class="{classes}">{html}</td>' if classes else f"<td>{html}</td>"


@register.simple_tag
def matrix_head(m: Matrix, sort_query: str) -> SafeString:
    cells = [
        f'<th scope="col" class="skill"><a href="?{escape(sort_query)}sort=skill:{s["id"]}" '
        f'title="{escape(s["name"])} ({escape(s["category__name"])})">{escape(s["name"])}</a></th>'
        for s in m.skills
    ]
    return mark_safe("".join(cells))


@register.simple_tag
def matrix_body(m: Matrix) -> SafeString:
    lang = get_language()
    person_url = reverse("people:detail", args=[0])[:-2]  # ".../people/" + id + "/"
    below = m.below
    out: list[str] = []
    for i, person in enumerate(m.people):
        # Plain Python lists: indexing NumPy scalars cell by cell is several times slower.
        cells = "".join(
            _cell(lvl, req, pend, low, old, lang)
            for lvl, req, pend, low, old in zip(
                m.levels[i].tolist(),
                m.required[i].tolist(),
                m.pending[i].tolist(),
                below[i].tolist(),
                m.stale[i].tolist(),
                strict=True,
            )
        )
        out.append(
            f'<tr><th scope="row" class="person"><a href="{person_url}{person["id"]}/">'
            f'{escape(person["full_name"])}</a><br><small class="muted">'
            f"{escape(person['role__name'] or '')}</small></th>{cells}</tr>"
        )
    return mark_safe("\n".join(out))
