"""Words shown next to a result: a person's role, team and place, an article's kind, a
question's answers... (from the document's ``meta``, in the viewer's language)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seedbed.search.forms import KIND_NAMES
from seedbed.search.services import SearchResult


@dataclass(frozen=True)
class Shown:
    result: SearchResult
    kind_name: str
    facts: str
    badge: str = ""
    badge_class: str = ""


def _label(choices: type, value: object) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return ""


def shown(r: SearchResult) -> Shown:
    from seedbed.knowledge.models import ArticleKind, ArticleState
    from seedbed.learning.models import Kind

    meta = r.meta
    name = str(KIND_NAMES[r.kind])
    if r.kind == "person":
        facts = " · ".join(
            str(meta.get(k) or "") for k in ("role", "team", "location") if meta.get(k)
        )
        return Shown(r, name, facts)
    if r.kind == "skill":
        return Shown(r, name, str(meta.get("category") or ""))
    if r.kind == "article":
        state = meta.get("state")
        if state in (ArticleState.DRAFT, ArticleState.ARCHIVED):
            badge = _label(ArticleState, state)
            return Shown(r, name, _label(ArticleKind, meta.get("article_kind")), badge, "warn")
        return Shown(r, name, _label(ArticleKind, meta.get("article_kind")))
    if r.kind == "question":
        n = int(meta.get("answers") or 0)
        facts = ngettext("%(n)s answer", "%(n)s answers", n) % {"n": n}
        if meta.get("accepted"):
            return Shown(r, name, facts, _("answered"), "ok")
        return Shown(r, name, facts)
    parts = [_label(Kind, meta.get("item_kind")), str(meta.get("provider") or "")]
    return Shown(r, name, " · ".join(p for p in parts if p))
