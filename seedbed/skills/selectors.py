"""Read models for skills pages: scale levels per category, a person's skill sheet, and the
cut-off before which a level is stale."""

from __future__ import annotations

import calendar
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from seedbed.frameworks.models import RoleRequirement
from seedbed.skills.models import (
    PersonSkill,
    ProficiencyScale,
    ScaleLevel,
    SkillCategory,
    SkillInterest,
)

if TYPE_CHECKING:
    from seedbed.people.models import Person


def effective_scale_by_category(default_id: int) -> dict[int, int]:
    """Map category id -> id of the scale it uses: its own, else the nearest ancestor's, else
    ``default_id``. One query; a corrupt cycle in the tree stops the walk."""
    cats = {
        c: (p, s) for c, p, s in SkillCategory.objects.values_list("id", "parent_id", "scale_id")
    }
    result: dict[int, int] = {}
    for cid in cats:
        node: int | None = cid
        seen: set[int] = set()
        scale_id = default_id
        while node is not None and node not in seen and node in cats:
            seen.add(node)
            parent, own = cats[node]
            if own is not None:
                scale_id = own
                break
            node = parent
        result[cid] = scale_id
    return result


def months_before(moment: datetime, months: int) -> datetime:
    """``moment`` minus whole calendar months (31 March minus one month is 28/29 February);
    never earlier than 1 January of year 1."""
    years, month0 = divmod(moment.month - 1 - months, 12)
    year, month = moment.year + years, month0 + 1
    if year < 1:
        return moment.replace(year=1, month=1, day=1)
    return moment.replace(
        year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1])
    )


def review_interval_months() -> int:
    """The organisation's review interval (OrgSettings), one query; 12 if never set."""
    from seedbed.accounts.models import OrgSettings

    months = (
        OrgSettings.objects.filter(pk=1).values_list("review_interval_months", flat=True).first()
    )
    return months if months is not None else 12


def stale_cutoff(now: datetime | None = None, *, months: int | None = None) -> datetime:
    """Levels whose newest evidence (``PersonSkill.last_evidence_at``) is older than this are
    stale (see ``seedbed.skills.rules``). One query unless ``months`` is given."""
    return months_before(
        now or timezone.now(), review_interval_months() if months is None else months
    )


def scale_levels_by_category() -> tuple[
    dict[int | None, list[tuple[int, str, str]]], ProficiencyScale
]:
    """{category id: [(value, name, descriptor), ...]} using each category's effective scale
    (key None is the default scale). Three queries."""
    default = ProficiencyScale.default()
    by_scale: dict[int, list[tuple[int, str, str]]] = {}
    for scale_id, value, name, desc in ScaleLevel.objects.order_by("value").values_list(
        "scale_id", "value", "name", "descriptor"
    ):
        by_scale.setdefault(scale_id, []).append((value, name, desc))
    default_levels = by_scale.get(default.pk, [])
    result: dict[int | None, list[tuple[int, str, str]]] = {None: default_levels}
    for cid, scale_id in effective_scale_by_category(default.pk).items():
        result[cid] = by_scale.get(scale_id, default_levels)
    return result, default


def skill_sheet(person: Person) -> dict[str, Any]:
    """A person's skills: their role's requirements beside their levels, then everything else
    they hold, with interest and whether each level is stale. A fixed number of queries."""
    cutoff = stale_cutoff()
    reqs = (
        list(
            RoleRequirement.objects.filter(role_id=person.role_id)
            .select_related("skill__category")
            .order_by("-importance", "skill__name")
        )
        if person.role_id
        else []
    )
    held = {
        ps.skill_id: ps
        for ps in PersonSkill.objects.filter(person=person)
        .select_related("skill__category", "pending_assertion")
        .order_by("skill__name")
    }
    interests = dict(
        SkillInterest.objects.filter(person=person).values_list("skill_id", "interest")
    )
    required_rows = []
    for req in reqs:
        ps = held.get(req.skill_id)
        level = ps.level if ps else None
        required_rows.append(
            {
                "skill": req.skill,
                "required": req.required_level,
                "importance": req.get_importance_display(),
                "ps": ps,
                "level": level,
                "below": (level or 0) < req.required_level,
                "stale": _is_stale(ps, cutoff),
                "interest": interests.get(req.skill_id, ""),
            }
        )
    required_ids = {r.skill_id for r in reqs}
    other_rows = [
        {
            "skill": ps.skill,
            "required": None,
            "ps": ps,
            "level": ps.level,
            "below": False,
            "stale": _is_stale(ps, cutoff),
            "interest": interests.get(ps.skill_id, ""),
        }
        for sid, ps in held.items()
        if sid not in required_ids
    ]
    met = sum(1 for r in required_rows if not r["below"])
    return {
        "required_rows": required_rows,
        "other_rows": other_rows,
        "met": met,
        "required_count": len(required_rows),
    }


def _is_stale(ps: PersonSkill | None, cutoff: datetime) -> bool:
    return ps is not None and ps.last_evidence_at is not None and ps.last_evidence_at < cutoff
