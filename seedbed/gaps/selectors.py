"""Load the organisation as matrices for ``analysis`` and shape results for pages and the API.

Every loader reads ids and numbers with ``values_list`` (a fixed number of queries, whatever the
size of the organisation) and leaves the maths to ``seedbed.gaps.analysis``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db import connections
from django.db.models import BooleanField, Case, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from seedbed.frameworks.models import RoleRequirement, StrategicNeed
from seedbed.gaps import analysis as an
from seedbed.lib.db import EpochSeconds
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


def _numbers(qs: Any, ncols: int) -> np.ndarray:
    """The rows of a ``values_list`` queryset of numbers as a float64 (rows × ``ncols``) array
    (NULL as NaN), read straight from the cursor: the SQL is the queryset's own, so scoping
    filters apply unchanged, but no per-row ORM or converter work is done."""
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    count = len(rows) * ncols
    try:
        flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.float64, count=count)
    except TypeError:  # a NULL somewhere: the slower way
        values = itertools.chain.from_iterable(rows)
        flat = np.fromiter((np.nan if v is None else v for v in values), np.float64, count)
    return flat.reshape(len(rows), ncols)


def _people_at(qs: Any, when: datetime | None, active_only: bool) -> Any:
    """``qs`` narrowed to the people who count: now the active ones; at a past time those who
    had started and not yet left (and are not erased)."""
    if when is not None:
        day = timezone.localtime(when).date()
        qs = qs.filter(Q(start_date__isnull=True) | Q(start_date__lte=day)).filter(
            Q(left_on__isnull=True) | Q(left_on__gt=day)
        )
        return qs.filter(erased_at__isnull=True) if active_only else qs
    return qs.filter(is_active=True) if active_only else qs


def _requirement_arrays(
    reqs: list[tuple[int, int, int, int]],
    role_ids: np.ndarray,
    col: dict[int, int],
    shape: tuple[int, int],
) -> tuple[np.ndarray, np.ndarray]:
    """Required level and importance per cell from (role, skill, level, importance) rows."""
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
    return required, weight


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
    qs = _people_at(people if people is not None else Person.objects.all(), when, active_only)
    # Query 1: people. Large reads below come straight from the cursor as numbers
    # (``_numbers``): per-row ORM work and datetime parsing cost more than the queries.
    people_rows = _numbers(
        qs.order_by("id").values_list(
            "id", Coalesce("team_id", 0), Coalesce("role_id", 0), "is_active"
        ),
        4,
    )
    person_ids = people_rows[:, 0].astype(np.int64)
    team_ids = people_rows[:, 1].astype(np.int64)
    role_ids = people_rows[:, 2].astype(np.int64)
    # In the past, everyone there then counts as active.
    active = people_rows[:, 3] > 0 if when is None else np.ones(len(person_ids), dtype=bool)
    # Query 2: requirements of those roles.
    reqs = list(
        RoleRequirement.objects.filter(role_id__in={int(r) for r in role_ids if r})
        .order_by()  # the default order joins roles and skills for their names
        .values_list("role_id", "skill_id", "required_level", "importance")
    )
    # Query 3: strategic needs still open at that time.
    needs = StrategicNeed.objects.filter(is_active=True)
    needs_rows = list(needs.values_list("skill_id", "level"))
    # Query 4: evidence (current read table, or the assertion history up to ``when``).
    person_filter = Q(person_id__in=qs.values("id"))
    if when is None:
        ev = _numbers(
            PersonSkill.objects.filter(person_filter).values_list(
                "person_id", "skill_id", "level", EpochSeconds("last_evidence_at")
            ),
            4,
        )
    else:
        tier = Case(*(When(source=src, then=Value(t)) for src, t in TIERS.items()), default=0)
        ev = _numbers(
            Assertion.objects.filter(person_filter, created_at__lte=when)
            .order_by()  # levels_at sorts; the default newest-first order costs a sort in SQL
            .values_list("id", "person_id", "skill_id", "level", tier, EpochSeconds("created_at")),
            6,
        )
    # Query 5: critical skills.
    critical_ids = set(
        Skill.objects.filter(is_active=True, criticality=Criticality.CRITICAL).values_list(
            "id", flat=True
        )
    )
    ev_person = ev[:, 0 if when is None else 1].astype(np.int64)
    ev_skill = ev[:, 1 if when is None else 2].astype(np.int64)
    skill_ids = np.union1d(
        np.array(sorted({r[1] for r in reqs} | {s for s, _l in needs_rows} | critical_ids)),
        ev_skill,
    ).astype(np.int64)
    col = {int(s): j for j, s in enumerate(skill_ids)}
    shape = (len(person_ids), len(skill_ids))
    # Rows and columns by binary search in the sorted ids (people are ordered by id).
    pi = np.searchsorted(person_ids, ev_person)
    known = pi < len(person_ids)
    known[known] = person_ids[pi[known]] == ev_person[known]  # left meanwhile: not loaded
    pi, sj, ev = pi[known], np.searchsorted(skill_ids, ev_skill[known]), ev[known]
    if when is None:
        levels = np.full(shape, NONE, dtype=np.int16)
        last = np.full(shape, np.nan)
        levels[pi, sj] = ev[:, 2].astype(np.int16)
        last[pi, sj] = ev[:, 3]
    else:
        levels, last = an.levels_at(  # type: ignore[assignment]
            pi,
            sj,
            ev[:, 3].astype(np.int16),
            ev[:, 4].astype(np.int8),
            ev[:, 5],
            ev[:, 0].astype(np.int64),
            when.timestamp(),
            shape,
        )
    required, weight = _requirement_arrays(reqs, role_ids, col, shape)
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


def matrix_as_at(now: OrgMatrix, *, at: date | datetime, people: Any = None) -> OrgMatrix:
    """The same matrix as ``load_org_matrix(at=at, people=people)``, built from ``now`` (that
    is, ``load_org_matrix(people=people)``, loaded anyway by pages that show a trend): a level
    whose newest evidence is no later than ``at`` was already the same then, so only the other
    levels (evidence since ``at``, or of people who have left since) are replayed from the
    assertion history. It relies on ``PersonSkill`` being kept in step with the assertions
    (``seedbed.skills.services`` does). Three queries; the history read is what changed."""
    when = _as_datetime(at)
    assert when is not None
    qs = _people_at(people if people is not None else Person.objects.all(), when, True)
    # Query 1: the people then.
    people_rows = _numbers(
        qs.order_by("id").values_list("id", Coalesce("team_id", 0), Coalesce("role_id", 0)), 3
    )
    person_ids = people_rows[:, 0].astype(np.int64)
    role_ids = people_rows[:, 2].astype(np.int64)
    # Query 2: requirements of their roles.
    reqs = list(
        RoleRequirement.objects.filter(role_id__in={int(r) for r in role_ids if r})
        .order_by()
        .values_list("role_id", "skill_id", "required_level", "importance")
    )
    # Query 3: the history to replay: pairs with evidence after ``when`` (or of unknown
    # time), and everything of people who are not in ``now`` (they have left since).
    gone = [int(p) for p in np.setdiff1d(person_ids, now.person_ids)]
    a, ps = Assertion._meta.db_table, PersonSkill._meta.db_table
    # Whole pairs by row value: the ORM has no tuple IN, and an EXISTS per assertion is far
    # slower. Table names come from the models; the time is a bound parameter.
    changed_sql = (
        f"({a}.person_id, {a}.skill_id) IN (SELECT person_id, skill_id FROM {ps} "  # noqa: S608
        "WHERE last_evidence_at > %s OR last_evidence_at IS NULL)"
    )
    changed = RawSQL(changed_sql, [when], output_field=BooleanField())  # noqa: S611
    tier = Case(*(When(source=src, then=Value(t)) for src, t in TIERS.items()), default=0)
    ev = _numbers(
        Assertion.objects.filter(
            Q(changed) | Q(person_id__in=gone),
            person_id__in=qs.values("id"),
            created_at__lte=when,
        )
        .order_by()
        .values_list("id", "person_id", "skill_id", "level", tier, EpochSeconds("created_at")),
        6,
    )
    skill_ids = np.union1d(
        np.union1d(now.skill_ids, np.array([r[1] for r in reqs], dtype=np.int64)),
        ev[:, 2].astype(np.int64),
    ).astype(np.int64)
    col = {int(s): j for j, s in enumerate(skill_ids)}
    shape = (len(person_ids), len(skill_ids))
    when_ts = when.timestamp()
    # Levels of ``now`` that have not changed since ``when``.
    levels = np.full(shape, NONE, dtype=np.int16)
    last = np.full(shape, np.nan)
    rows_now = np.searchsorted(now.person_ids, person_ids)
    present = rows_now < len(now.person_ids)
    present[present] = now.person_ids[rows_now[present]] == person_ids[present]
    unchanged = (now.levels >= 0) & (now.last_evidence <= when_ts)
    cols_now = np.searchsorted(skill_ids, now.skill_ids)
    mine, theirs = np.flatnonzero(present), rows_now[present]
    levels[np.ix_(mine, cols_now)] = np.where(unchanged, now.levels, NONE)[theirs]
    last[np.ix_(mine, cols_now)] = np.where(unchanged, now.last_evidence, np.nan)[theirs]
    # The rest, replayed by the rule.
    pi = np.searchsorted(person_ids, ev[:, 1].astype(np.int64))
    sj = np.searchsorted(skill_ids, ev[:, 2].astype(np.int64))
    replayed, replayed_last = an.levels_at(
        pi,
        sj,
        ev[:, 3].astype(np.int16),
        ev[:, 4].astype(np.int8),
        ev[:, 5],
        ev[:, 0].astype(np.int64),
        when_ts,
        shape,
    )
    has = replayed >= 0
    levels[has], last[has] = replayed[has], replayed_last[has]
    required, weight = _requirement_arrays(reqs, role_ids, col, shape)
    on_now = np.searchsorted(now.skill_ids, skill_ids)
    known = on_now < len(now.skill_ids)
    known[known] = now.skill_ids[on_now[known]] == skill_ids[known]
    needed_level = np.full(len(skill_ids), NONE, dtype=np.int16)
    needed_level[known] = now.needed_level[on_now[known]]
    critical = np.zeros(len(skill_ids), dtype=bool)
    critical[known] = now.critical[on_now[known]]
    return OrgMatrix(
        person_ids,
        people_rows[:, 1].astype(np.int64),
        role_ids,
        np.ones(len(person_ids), dtype=bool),
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
