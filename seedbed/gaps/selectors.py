"""Load the organisation as matrices for ``analysis`` and shape results for pages and the API.

Every loader reads ids and numbers with ``values_list`` (a fixed number of queries, whatever the
size of the organisation) and leaves the maths to ``seedbed.gaps.analysis``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db.models import Q
from django.utils import timezone

from seedbed.frameworks.models import RoleRequirement, StrategicNeed
from seedbed.gaps import analysis as an
from seedbed.people.models import Person, Team
from seedbed.skills.models import Assertion, Criticality, PersonSkill, Skill
from seedbed.skills.rules import TIERS

if TYPE_CHECKING:
    from seedbed.frameworks.models import Role

NONE = an.NONE


@dataclass
class OrgMatrix:
    """The organisation (or part of it) as arrays; rows are people, columns skills."""

    person_ids: np.ndarray
    team_ids: np.ndarray  # team id per person (0 for none)
    role_ids: np.ndarray  # role id per person (0 for none)
    active: np.ndarray
    skill_ids: np.ndarray
    levels: np.ndarray
    last_evidence: np.ndarray  # seconds since epoch, NaN where no level
    required: np.ndarray
    weight: np.ndarray
    critical: np.ndarray  # skill marked critical
    needed_level: np.ndarray  # highest level a strategic need asks, NONE where none
    at: datetime | None = None
    _skill_col: dict[int, int] = field(default_factory=dict, repr=False)

    @property
    def role_demand(self) -> np.ndarray:
        """Per skill: the highest level any active person's role requires (NONE if none)."""
        if self.required.size == 0:
            return np.full(len(self.skill_ids), NONE, dtype=np.int16)
        req = np.where(self.active[:, None], self.required, NONE)
        return req.max(axis=0)

    @property
    def demand(self) -> np.ndarray:
        """Per skill: the level the organisation asks for (roles and strategic needs)."""
        return np.maximum(self.role_demand, self.needed_level)

    @property
    def matters(self) -> np.ndarray:
        return (self.demand >= 0) | self.critical

    def col(self, skill_id: int) -> int:
        if not self._skill_col:
            self._skill_col.update({int(s): j for j, s in enumerate(self.skill_ids)})
        return self._skill_col.get(skill_id, -1)

    def rows(self, mask: np.ndarray) -> OrgMatrix:
        """The same matrix restricted to the people in ``mask``."""
        return OrgMatrix(
            self.person_ids[mask],
            self.team_ids[mask],
            self.role_ids[mask],
            self.active[mask],
            self.skill_ids,
            self.levels[mask],
            self.last_evidence[mask],
            self.required[mask],
            self.weight[mask],
            self.critical,
            self.needed_level,
            self.at,
        )


def team_subtree_ids(team_id: int) -> set[int]:
    """The team and every team below it (one query)."""
    children: dict[int | None, list[int]] = {}
    for tid, parent in Team.objects.values_list("id", "parent_id"):
        children.setdefault(parent, []).append(tid)
    seen: set[int] = set()
    stack = [team_id]
    while stack:
        tid = stack.pop()
        if tid not in seen:
            seen.add(tid)
            stack.extend(children.get(tid, []))
    return seen


def _as_datetime(at: date | datetime | None) -> datetime | None:
    if at is None or isinstance(at, datetime):
        return at
    # A date means "as at the end of that day" in the current time zone.
    return timezone.make_aware(datetime.combine(at, time.max))


def load_org_matrix(
    *,
    at: date | datetime | None = None,
    people: Any = None,
    active_only: bool = True,
) -> OrgMatrix:
    """Load people (``people``: an optional Person queryset to restrict to, already scoped by
    the caller), their levels (current, or as at ``at`` from the assertion history), their
    roles' requirements, strategic needs and critical skills. Five queries."""
    when = _as_datetime(at)
    qs = people if people is not None else Person.objects.all()
    if when is not None:
        day = timezone.localtime(when).date()
        qs = qs.filter(Q(start_date__isnull=True) | Q(start_date__lte=day)).filter(
            Q(left_on__isnull=True) | Q(left_on__gt=day)
        )
        qs = qs.filter(erased_at__isnull=True) if active_only else qs
    elif active_only:
        qs = qs.filter(is_active=True)
    # Query 1: people.
    rows = list(qs.order_by("id").values_list("id", "team_id", "role_id", "is_active"))
    person_ids = np.array([r[0] for r in rows], dtype=np.int64)
    team_ids = np.array([r[1] or 0 for r in rows], dtype=np.int64)
    role_ids = np.array([r[2] or 0 for r in rows], dtype=np.int64)
    active = np.array([True if when is not None else r[3] for r in rows], dtype=bool)
    # Query 2: requirements of those roles.
    reqs = list(
        RoleRequirement.objects.filter(role_id__in={int(r) for r in role_ids if r}).values_list(
            "role_id", "skill_id", "required_level", "importance"
        )
    )
    # Query 3: strategic needs still open at that time.
    needs = StrategicNeed.objects.filter(is_active=True)
    needs_rows = list(needs.values_list("skill_id", "level"))
    # Query 4: evidence (current read table, or the assertion history up to ``when``).
    person_filter = Q(person_id__in=qs.values("id"))
    ev: list[tuple[Any, ...]]
    if when is None:
        ev = list(
            PersonSkill.objects.filter(person_filter).values_list(
                "person_id", "skill_id", "level", "last_evidence_at"
            )
        )
    else:
        ev = list(
            Assertion.objects.filter(person_filter, created_at__lte=when).values_list(
                "id", "person_id", "skill_id", "level", "source", "created_at"
            )
        )
    # Query 5: critical skills.
    critical_ids = set(
        Skill.objects.filter(is_active=True, criticality=Criticality.CRITICAL).values_list(
            "id", flat=True
        )
    )
    sid_index = 1 if when is None else 2  # position of skill_id in the rows above
    skill_set = (
        {r[1] for r in reqs}
        | {s for s, _l in needs_rows}
        | critical_ids
        | {r[sid_index] for r in ev}
    )
    skill_ids = np.array(sorted(skill_set), dtype=np.int64)
    col = {int(s): j for j, s in enumerate(skill_ids)}
    row = {int(p): i for i, p in enumerate(person_ids)}
    shape = (len(person_ids), len(skill_ids))
    if when is None:
        levels = np.full(shape, NONE, dtype=np.int16)
        last = np.full(shape, np.nan)
        if ev:
            pi = np.fromiter((row[r[0]] for r in ev), dtype=np.int64, count=len(ev))
            sj = np.fromiter((col[r[1]] for r in ev), dtype=np.int64, count=len(ev))
            levels[pi, sj] = np.fromiter((r[2] for r in ev), dtype=np.int16, count=len(ev))
            last[pi, sj] = np.fromiter(
                (r[3].timestamp() if r[3] else np.nan for r in ev), dtype=np.float64, count=len(ev)
            )
    else:
        n = len(ev)
        levels, last = an.levels_at(  # type: ignore[assignment]
            np.fromiter((row[r[1]] for r in ev), dtype=np.int64, count=n),
            np.fromiter((col[r[2]] for r in ev), dtype=np.int64, count=n),
            np.fromiter((r[3] for r in ev), dtype=np.int16, count=n),
            np.fromiter((TIERS[r[4]] for r in ev), dtype=np.int8, count=n),
            np.fromiter((r[5].timestamp() for r in ev), dtype=np.float64, count=n),
            np.fromiter((r[0] for r in ev), dtype=np.int64, count=n),
            when.timestamp(),
            shape,
        )
    required = np.full(shape, NONE, dtype=np.int16)
    weight = np.zeros(shape, dtype=np.int16)
    by_role: dict[int, list[tuple[int, int, int]]] = {}
    for rid, sid, lvl, imp in reqs:
        by_role.setdefault(rid, []).append((col[sid], lvl, imp))
    for rid, items in by_role.items():
        rows_of_role = np.flatnonzero(role_ids == rid)
        if len(rows_of_role) == 0:
            continue
        cols = np.array([c for c, _l, _i in items])
        required[np.ix_(rows_of_role, cols)] = np.array(
            [lv for _c, lv, _i in items], dtype=np.int16
        )
        weight[np.ix_(rows_of_role, cols)] = np.array([i for _c, _l, i in items], dtype=np.int16)
    needed_level = np.full(len(skill_ids), NONE, dtype=np.int16)
    for sid, lvl in needs_rows:
        needed_level[col[sid]] = max(needed_level[col[sid]], lvl)
    critical = np.isin(skill_ids, list(critical_ids)) if len(skill_ids) else np.zeros(0, bool)
    return OrgMatrix(
        person_ids,
        team_ids,
        role_ids,
        active,
        skill_ids,
        levels,
        last,
        required,
        weight,
        critical,
        needed_level,
        when,
    )


# --- small read models used by other apps --------------------------------------------------


@dataclass(frozen=True)
class Readiness:
    """How ready a person is for a role (see ``analysis`` for the definition)."""

    role_id: int
    percent: float | None
    met: int
    total: int
    missing: list[dict[str, Any]]


def person_readiness(person: Person, role: Role) -> Readiness:
    """Readiness of ``person`` for ``role`` with the requirements still missing, biggest
    weighted gap first. Two queries."""
    reqs = list(RoleRequirement.objects.filter(role=role).select_related("skill"))
    if not reqs:
        return Readiness(role.pk, None, 0, 0, [])
    have = dict(
        PersonSkill.objects.filter(
            person=person, skill_id__in=[r.skill_id for r in reqs]
        ).values_list("skill_id", "level")
    )
    levels = np.array([[have.get(r.skill_id, NONE) for r in reqs]], dtype=np.int16)
    required = np.array([[r.required_level for r in reqs]], dtype=np.int16)
    weight = np.array([[r.importance for r in reqs]], dtype=np.int16)
    percent = float(an.readiness(levels, required, weight)[0])
    gap = an.gaps(levels, required)[0]
    missing: list[dict[str, Any]] = [
        {
            "skill_id": r.skill_id,
            "skill_name": r.skill.name,
            "required": r.required_level,
            "level": have.get(r.skill_id),
            "gap": int(gap[j]),
            "importance": r.importance,
        }
        for j, r in enumerate(reqs)
        if gap[j] > 0
    ]
    missing.sort(key=lambda m: (-int(m["gap"]) * int(m["importance"]), str(m["skill_name"])))
    return Readiness(role.pk, round(percent, 1), len(reqs) - len(missing), len(reqs), missing)


@dataclass(frozen=True)
class NeedStatus:
    """A strategic need against today's (or a past date's) levels."""

    need: StrategicNeed
    have: int
    close: int
    shortfall: int

    @property
    def overdue(self) -> bool:
        return self.shortfall > 0 and self.need.due_date < timezone.localdate()


def needs_status(*, at: date | datetime | None = None, needs: Any = None) -> list[NeedStatus]:
    """Every active strategic need (or those in ``needs``) with people who reach the level,
    people one level short, and the shortfall. Three queries."""
    need_list = list(
        (
            needs if needs is not None else StrategicNeed.objects.filter(is_active=True)
        ).select_related("skill", "owner")
    )
    if not need_list:
        return []
    skill_ids = sorted({n.skill_id for n in need_list})
    when = _as_datetime(at)
    if when is None:
        ev = PersonSkill.objects.filter(person__is_active=True, skill_id__in=skill_ids).values_list(
            "person_id", "skill_id", "level"
        )
        pairs = list(ev)
        person_ids = sorted({p for p, _s, _l in pairs})
        row = {p: i for i, p in enumerate(person_ids)}
        col = {s: j for j, s in enumerate(skill_ids)}
        levels = np.full((len(person_ids), len(skill_ids)), NONE, dtype=np.int16)
        for p, s, lv in pairs:
            levels[row[p], col[s]] = lv
        active = np.ones(len(person_ids), dtype=bool)
    else:
        m = load_org_matrix(at=when)
        col = {int(s): j for j, s in enumerate(m.skill_ids)}
        levels, active = m.levels, m.active
    have, close, short = an.need_status(
        levels,
        active,
        np.array([col.get(n.skill_id, -1) for n in need_list], dtype=np.int64),
        np.array([n.level for n in need_list], dtype=np.int64),
        np.array([n.headcount for n in need_list], dtype=np.int64),
    )
    return [
        NeedStatus(n, int(h), int(c), int(s))
        for n, h, c, s in zip(need_list, have, close, short, strict=True)
    ]
