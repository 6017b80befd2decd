"""The expert finder's results in words: what was counted for a person (``_summarise``),
each kind's share of the score (``_contributions``) and the explanation (``explain``), e.g.
"validated level 4 in Kubernetes, 3 articles, last active 2 weeks ago". No queries: it all
comes from the evidence already read.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seedbed.knowledge import ranking
from seedbed.knowledge.finder_rows import IS_VALIDATED, SOURCES, _Rows


def _contributions(scores: ranking.Scores, i: int, weights: dict[str, float]) -> dict[str, float]:
    out: dict[str, float] = {}
    for k, name in enumerate(ranking.KINDS):
        direct = float(scores.direct[i, k]) * weights[name]
        related = float(scores.related[i, k]) * weights[name] * weights["related"]
        if direct:
            out[name] = round(direct, 4)
        if related:
            out["related"] = round(out.get("related", 0.0) + related, 4)
    return out


def _summarise(
    kinds: dict[str, _Rows],
    pid: int,
    *,
    on_direct: dict[str, Any],
    related_skill_id: int,
    skill_names: dict[int, str],
) -> dict[str, Any]:
    """What was counted for one person, per evidence kind: on the skills asked for, and on
    the one related skill that counted (``related_skill_id``, -1 for none). ``on_direct``:
    per kind, which rows are on the skills asked for (``_is_direct``)."""
    counts = {k: 0 for k in ranking.KINDS if k not in ranking.LEVEL_KINDS}
    related_counts = dict(counts)
    level: dict[str, Any] | None = None
    related_level: dict[str, Any] | None = None
    last = -math.inf
    for name, rows in kinds.items():
        sel = rows.person == pid
        if not sel.any():
            continue
        direct = on_direct[name][sel]
        counted = direct | (rows.skill[sel] == related_skill_id)
        if counted.any():
            last = max(last, float(rows.at[sel][counted].max()))
        if name == "level":
            mine = rows.take(sel)
            level = _best_level(mine.take(direct), skill_names)
            related_level = _best_level(mine.take(~direct & counted), skill_names)
            continue
        count = rows.count[sel]
        counts[name] = int(count[direct].sum())
        related_counts[name] = int(count[~direct & counted].sum())
    return {
        "level": level,
        **counts,
        "related_skill": skill_names.get(related_skill_id) if related_skill_id >= 0 else None,
        "related_level": related_level,
        "related": {k: v for k, v in related_counts.items() if v},
        "last_active": _day(last) if last > -math.inf else None,
    }


def _best_level(rows: _Rows, skill_names: dict[int, str]) -> dict[str, Any] | None:
    """The strongest level among ``rows`` (validated before self-rated, then higher)."""
    if rows.person.shape[0] == 0:
        return None
    best = int(np.lexsort((rows.value, IS_VALIDATED[rows.extra]))[-1])
    skill_id = int(rows.skill[best])
    return {
        "skill": skill_names.get(skill_id, ""),
        "skill_id": skill_id,
        "level": int(rows.value[best]),
        "source": SOURCES[int(rows.extra[best])],
        "validated": bool(IS_VALIDATED[rows.extra[best]]),
        "at": _day(float(rows.at[best])),
    }


def _day(seconds: float) -> date:
    return timezone.localdate(datetime.fromtimestamp(seconds, tz=UTC))


def _phrases(level: dict[str, Any] | None, counts: dict[str, int], *, in_skill: bool) -> list[str]:
    parts: list[str] = []
    if level:
        if in_skill:
            template = (
                _("validated level %(level)s in %(skill)s")
                if level["validated"]
                else _("self-rated level %(level)s in %(skill)s")
            )
        else:
            template = (
                _("validated level %(level)s")
                if level["validated"]
                else _("self-rated level %(level)s")
            )
        parts.append(template % {"level": level["level"], "skill": level["skill"]})
    n = counts.get("certification", 0)
    if n:
        parts.append(ngettext("%(n)d certificate", "%(n)d certificates", n) % {"n": n})
    n = counts.get("articles", 0)
    if n:
        parts.append(ngettext("%(n)d article", "%(n)d articles", n) % {"n": n})
    n = counts.get("accepted_answers", 0)
    if n:
        parts.append(ngettext("%(n)d accepted answer", "%(n)d accepted answers", n) % {"n": n})
    n = counts.get("votes", 0)
    if n:
        parts.append(ngettext("%(n)d up-vote", "%(n)d up-votes", n) % {"n": n})
    n = counts.get("mentoring", 0)
    if n:
        parts.append(ngettext("mentored %(n)d person", "mentored %(n)d people", n) % {"n": n})
    return parts


def explain(evidence: dict[str, Any], *, now: datetime) -> str:
    """The evidence in words, e.g. "validated level 4 in Kubernetes, 3 articles, 7 accepted
    answers, last active 2 weeks ago". Only what was counted (and so what the viewer may see)."""
    parts = _phrases(evidence.get("level"), evidence, in_skill=True)
    related = _phrases(evidence.get("related_level"), evidence.get("related") or {}, in_skill=False)
    segments = [", ".join(parts)] if parts else []
    if related and evidence.get("related_skill"):
        segments.append(
            _("on the related %(skill)s: %(evidence)s")
            % {"skill": evidence["related_skill"], "evidence": ", ".join(related)}
        )
    last = evidence.get("last_active")
    if last is not None:
        moment = datetime(last.year, last.month, last.day, tzinfo=now.tzinfo)
        if (now.date() - last).days < 1:
            segments.append(_("last active today"))
        else:
            segments.append(_("last active %(ago)s ago") % {"ago": timesince(moment, now, depth=1)})
    # A related part lists evidence with commas itself: semicolons keep the parts apart.
    return ("; " if related else ", ").join(segments)
