"""Read models for the gap dashboards (organisation, team, person, knowledge at risk,
departures; comparing two dates is in ``comparison``), shared by the pages, their exports and
the API.

Figures come from ``seedbed.gaps.analysis`` on matrices loaded by
``seedbed.gaps.selectors.load_org_matrix``; names are fetched afterwards, only for the rows
shown. Every query count here is fixed, whatever the size of the organisation.

**Scope.** Callers pass ``people``: a Person queryset already scoped for the user
(``dashboard_people``: admins everyone, managers their reporting line). Coverage, gaps, bench
strength, freshness and trends count only those people. Knowledge at risk and departure
impact are facts about the whole organisation ("nobody else holds it"), so they are computed on
everyone and then limited to what concerns the scope (the only holder is in it, or its roles
require the skill); a holder outside the scope is never named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
from django.apps import apps
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.accounts.models import AccessLevel
from seedbed.frameworks.models import RoleRequirement, StrategicNeed
from seedbed.gaps import analysis as an
from seedbed.gaps.selectors import (
    NONE,
    NeedStatus,
    OrgMatrix,
    load_org_matrix,
    matrix_as_at,
    team_subtree_ids,
)
from seedbed.lib.errors import NotAllowed, NotFound
from seedbed.people.models import Person, Team
from seedbed.skills.models import PersonSkill, Skill, SkillCategory
from seedbed.skills.selectors import review_interval_months, stale_cutoff

if TYPE_CHECKING:
    from seedbed.accounts.models import User
    from seedbed.frameworks.models import Role

TREND_DAYS = 90  # default comparison date: this many days ago (or the last survey campaign)

# --- scope ---------------------------------------------------------------------------------


def dashboard_people(user: User) -> QuerySet[Person]:
    """Whose figures ``user``'s dashboards count: admins everyone, managers their reporting
    line. Employees have no dashboards (their own gap view is ``person_gaps``)."""
    if user.is_authenticated and user.is_active:
        if user.access_level == AccessLevel.ADMIN:
            return Person.objects.all()
        if user.access_level == AccessLevel.MANAGER:
            return Person.objects.reporting_line_of(user)
    raise NotAllowed(_("Gap dashboards are for managers and HR admins."))


def team_scope(user: User, team_id: int) -> tuple[Team, QuerySet[Person]]:
    """The team and the people of its subtree that ``user``'s dashboards count. A team without
    any such active person is "not found" for a manager (no hint that it exists). Three
    queries."""
    people = dashboard_people(user)
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise NotFound(_("No team with id %(id)s.") % {"id": team_id})
    scoped = people.filter(team_id__in=team_subtree_ids(team.pk))
    if user.access_level != AccessLevel.ADMIN and not scoped.filter(is_active=True).exists():
        raise NotFound(_("No team with id %(id)s.") % {"id": team_id})
    return team, scoped


def can_see_departure(user: User, person: Person) -> bool:
    """Departure impact is for HR admins and the person's managers (one query for managers)."""
    if user.access_level == AccessLevel.ADMIN:
        return True
    if user.access_level == AccessLevel.MANAGER:
        return Person.objects.validatable_by(user).filter(pk=person.pk).exists()
    return False


# --- small records -------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A count of requirements (or levels) met out of a total."""

    part: int
    whole: int

    @property
    def percent(self) -> float | None:
        return round(100.0 * self.part / self.whole, 1) if self.whole else None

    def change_since(self, before: Figure) -> float | None:
        """Percentage points from ``before`` to this (from the exact shares, then rounded)."""
        if not (self.whole and before.whole):
            return None
        return round(100.0 * (self.part / self.whole - before.part / before.whole), 1)


@dataclass(frozen=True)
class SkillInfo:
    id: int
    name: str
    category_id: int
    category: str
    criticality: str


def skill_info(ids: Sequence[int] | np.ndarray) -> dict[int, SkillInfo]:
    """Names and categories of these skills (one query)."""
    wanted = {int(i) for i in ids}
    if not wanted:
        return {}
    return {
        sid: SkillInfo(sid, name, cid, cname, crit)
        for sid, name, cid, cname, crit in Skill.objects.filter(pk__in=wanted).values_list(
            "id", "name", "category_id", "category__name", "criticality"
        )
    }


def category_subtree_ids(category_id: int) -> set[int]:
    """The category and every category below it (one query): a filter by category covers the
    skills of its subcategories too."""
    children: dict[int | None, list[int]] = {}
    for cid, parent in SkillCategory.objects.values_list("id", "parent_id"):
        children.setdefault(parent, []).append(cid)
    seen: set[int] = set()
    stack = [category_id]
    while stack:
        cid = stack.pop()
        if cid not in seen:
            seen.add(cid)
            stack.extend(children.get(cid, []))
    return seen


def person_names(ids: Sequence[int] | np.ndarray) -> dict[int, str]:
    wanted = {int(i) for i in ids}
    if not wanted:
        return {}
    return dict(Person.objects.filter(pk__in=wanted).values_list("id", "full_name"))


def rounded(value: float | np.floating[Any]) -> float | None:
    """A NumPy figure for templates and JSON: rounded, None for NaN."""
    return None if np.isnan(value) else round(float(value), 1)


def align(src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each id of ``src`` its position in the sorted ``dst`` and whether it is there."""
    if len(dst) == 0:
        return np.zeros(len(src), dtype=np.int64), np.zeros(len(src), dtype=bool)
    idx = np.minimum(np.searchsorted(dst, src), len(dst) - 1)
    return idx, dst[idx] == src


def _on(values: np.ndarray, src: np.ndarray, dst: np.ndarray, fill: Any = NONE) -> np.ndarray:
    """``values`` (indexed like ``src`` ids) re-indexed on ``dst`` ids, ``fill`` where absent."""
    out = np.full(len(dst), fill, dtype=values.dtype)
    idx, ok = align(dst, src)
    out[ok] = values[idx[ok]]
    return out


# --- the organisation, a team ----------------------------------------------------------------


@dataclass
class Context:
    """Matrices one dashboard works on: ``m`` the scope, ``org`` the whole organisation (the
    same object when the scope is everyone)."""

    people: QuerySet[Person]
    m: OrgMatrix
    org: OrgMatrix
    whole_org: bool
    cutoff: float  # stale before this (seconds since the epoch)
    interval_months: int
    _teams: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    @property
    def teams(self) -> tuple[np.ndarray, np.ndarray]:
        """(team ids present, team index per person)."""
        if self._teams is None:
            ids, groups = np.unique(self.m.team_ids, return_inverse=True)
            self._teams = (ids, groups.astype(np.int64))
        return self._teams

    @property
    def org_demand(self) -> np.ndarray:
        """The level the organisation asks for each of the scope's skills (NONE if none)."""
        if self.whole_org:
            return self.m.demand
        return _on(self.org.demand, self.org.skill_ids, self.m.skill_ids)


def load_context(people: QuerySet[Person], *, whole_org: bool, at: date | None = None) -> Context:
    """Matrices of the scope and (if it is not everyone) of the organisation, now or as at the
    end of day ``at``. Six queries (eleven for a part of the organisation)."""
    m = load_org_matrix(people=people, at=at)
    org = m if whole_org else load_org_matrix(at=at)
    months = review_interval_months()
    moment = timezone.make_aware(datetime.combine(at, time.max)) if at else None
    cutoff = stale_cutoff(moment, months=months).timestamp()
    return Context(people, m, org, whole_org, cutoff, months)


def coverage(ctx: Context) -> Figure:
    m = ctx.m
    return Figure(int(an.met(m.levels, m.required).sum()), int((m.required >= 0).sum()))


@dataclass(frozen=True)
class TeamRow:
    team_id: int  # 0: people without a team
    name: str
    people: int
    coverage: Figure
    stale: Figure  # stale levels out of levels recorded


def team_rows(ctx: Context) -> list[TeamRow]:
    """Coverage and freshness per team (by each person's own team), lowest coverage first.
    One query (team names)."""
    m = ctx.m
    ids, groups = ctx.teams
    n = len(ids)
    met_n, req_n = an.coverage_by_group(m.levels, m.required, groups, n)
    stale_rows = an.stale(m.levels, m.last_evidence, ctx.cutoff).sum(axis=1)
    rated_rows = (m.levels >= 0).sum(axis=1)
    stale_n = an.sum_by_group(stale_rows, groups, n)
    rated_n = an.sum_by_group(rated_rows, groups, n)
    people_n = np.bincount(groups, minlength=n)
    names = dict(Team.objects.filter(pk__in=[int(t) for t in ids if t]).values_list("id", "name"))
    rows = [
        TeamRow(
            int(t),
            names.get(int(t), _("No team")),
            int(people_n[k]),
            Figure(int(met_n[k]), int(req_n[k])),
            Figure(int(stale_n[k]), int(rated_n[k])),
        )
        for k, t in enumerate(ids)
    ]
    rows.sort(key=lambda r: (r.coverage.percent is None, r.coverage.percent or 0.0, r.name))
    return rows


@dataclass(frozen=True)
class GapRow:
    skill: SkillInfo
    weighted_gap: int
    below: int  # people below their requirement
    required: int  # people whose role requires it
    coverage: float | None


def top_gaps(ctx: Context, limit: int | None = 10) -> tuple[list[GapRow], int]:
    """Skills by total weighted gap, largest first, and how many skills have a gap at all.
    One query (skill names of the rows returned)."""
    m = ctx.m
    weighted, below, required = an.skill_gap_totals(m.levels, m.required, m.weight)
    cov = an.percent(required - below, required)
    order = np.lexsort((m.skill_ids, -below, -weighted))
    order = order[weighted[order] > 0]
    total = len(order)
    order = order[:limit] if limit is not None else order
    info = skill_info(m.skill_ids[order])
    return [
        GapRow(
            info[int(m.skill_ids[j])],
            int(weighted[j]),
            int(below[j]),
            int(required[j]),
            rounded(cov[j]),
        )
        for j in order
        if int(m.skill_ids[j]) in info
    ], total


@dataclass(frozen=True)
class BenchRow:
    skill: SkillInfo
    demand: int
    bench: int


def bench(ctx: Context, limit: int | None = 10) -> tuple[list[BenchRow], int]:
    """Skills the scope's roles (or a strategic need) ask for, with the people of the scope who
    reach the level the organisation asks: weakest bench first. One query (skill names)."""
    m = ctx.m
    level = ctx.org_demand
    demanded = np.flatnonzero((m.demand >= 0) & (level >= 0))
    strength = an.bench_strength(m.levels, m.active, level)
    order = demanded[np.lexsort((m.skill_ids[demanded], -level[demanded], strength[demanded]))]
    total = len(order)
    order = order[:limit] if limit is not None else order
    info = skill_info(m.skill_ids[order])
    return [
        BenchRow(info[int(m.skill_ids[j])], int(level[j]), int(strength[j]))
        for j in order
        if int(m.skill_ids[j]) in info
    ], total


@dataclass(frozen=True)
class RiskRow:
    skill: SkillInfo
    holders: int  # 0 or 1
    holder_id: int | None  # None when nobody holds it, or the holder is outside the scope
    holder_name: str | None
    demand: int | None
    required_by_role: bool
    strategic_need: bool
    critical: bool


@dataclass(frozen=True)
class RiskFilters:
    category_ids: set[int] | None = None  # a category and its subcategories
    criticality: str | None = None


def risks(
    ctx: Context,
    *,
    offset: int = 0,
    limit: int | None = 10,
    filters: RiskFilters | None = None,
) -> tuple[list[RiskRow], int]:
    """Knowledge at risk in the organisation that concerns the scope: skills nobody holds
    first, then critical ones, then by demanded level. Two queries (skills, holder names)."""
    org = ctx.org
    at = an.at_risk(org.levels, org.active, org.matters)
    count = an.holders(org.levels, org.active)
    sole = an.sole_holder(org.levels, org.active)
    sole_id = np.where(sole >= 0, org.person_ids[np.maximum(sole, 0)], 0)
    in_scope = np.isin(sole_id, ctx.m.person_ids) & (sole >= 0)
    if not ctx.whole_org:
        scope_roles = _on(ctx.m.role_demand, ctx.m.skill_ids, org.skill_ids) >= 0
        at = at & (in_scope | scope_roles)
    demand = org.demand
    cols = np.flatnonzero(at)
    cols = cols[np.lexsort((org.skill_ids[cols], -demand[cols], ~org.critical[cols], count[cols]))]
    info: dict[int, SkillInfo] = {}
    if filters is not None and (filters.category_ids or filters.criticality):
        info = skill_info(org.skill_ids[cols])  # every candidate: the filters need categories
        cols = np.array(
            [
                j
                for j in cols
                if (s := info.get(int(org.skill_ids[j])))
                and (not filters.category_ids or s.category_id in filters.category_ids)
                and (not filters.criticality or s.criticality == filters.criticality)
            ],
            dtype=np.int64,
        )
    total = len(cols)
    cols = cols[offset : None if limit is None else offset + limit]
    if not info:  # names of the rows returned only
        info = skill_info(org.skill_ids[cols])
    names = person_names(sole_id[cols][in_scope[cols]])
    rows = []
    for j in cols:
        sid = int(org.skill_ids[j])
        if sid not in info:
            continue
        holder = int(sole_id[j]) if in_scope[j] else None
        rows.append(
            RiskRow(
                info[sid],
                int(count[j]),
                holder,
                names.get(holder) if holder else None,
                int(demand[j]) if demand[j] >= 0 else None,
                bool(org.role_demand[j] >= 0),
                bool(org.needed_level[j] >= 0),
                bool(org.critical[j]),
            )
        )
    return rows, total


@dataclass(frozen=True)
class NeedRow:
    status: NeedStatus
    here: int | None  # of the people who reach the level, how many are in the scope

    @property
    def need(self) -> StrategicNeed:
        return self.status.need

    @property
    def skill(self) -> SkillInfo:
        s = self.status.need.skill
        return SkillInfo(s.pk, s.name, s.category_id, s.category.name, s.criticality)


def needs(ctx: Context) -> list[NeedRow]:
    """Active strategic needs against the organisation's levels (the same figures as
    ``selectors.needs_status``, from the matrix already loaded), with the scope's share.
    One query."""
    need_list = list(
        StrategicNeed.objects.filter(is_active=True).select_related("skill__category", "owner")
    )
    if not need_list:
        return []
    org, m = ctx.org, ctx.m
    level = np.array([n.level for n in need_list], dtype=np.int64)
    head = np.array([n.headcount for n in need_list], dtype=np.int64)
    sids = np.array([n.skill_id for n in need_list], dtype=np.int64)
    idx, ok = align(sids, org.skill_ids)
    have, close, short = an.need_status(org.levels, org.active, np.where(ok, idx, -1), level, head)
    here = None
    if not ctx.whole_org:
        idx_m, ok_m = align(sids, m.skill_ids)
        here, _c, _s = an.need_status(m.levels, m.active, np.where(ok_m, idx_m, -1), level, head)
    return [
        NeedRow(
            NeedStatus(n, int(have[k]), int(close[k]), int(short[k])),
            int(here[k]) if here is not None else None,
        )
        for k, n in enumerate(need_list)
    ]


@dataclass(frozen=True)
class Freshness:
    stale: Figure
    months: int
    surveys_url: str | None


def freshness(ctx: Context) -> Freshness:
    m = ctx.m
    stale_n = int(an.stale(m.levels, m.last_evidence, ctx.cutoff).sum())
    return Freshness(
        Figure(stale_n, int((m.levels >= 0).sum())), ctx.interval_months, surveys_url()
    )


def surveys_url() -> str | None:
    """The survey campaigns page, when the surveys app is part of this installation."""
    if not apps.is_installed("seedbed.surveys"):
        return None
    from django.urls import reverse

    return reverse("surveys:list")


@dataclass(frozen=True)
class Since:
    day: date
    campaign: str | None  # the campaign whose launch the date is, if any
    chosen: bool  # picked by the user


def default_since(user: User) -> Since:
    """The start of the last survey campaign ``user`` may see, launched before today (when the
    surveys app is installed and has one), else ``TREND_DAYS`` ago. One query with surveys."""
    if apps.is_installed("seedbed.surveys"):
        from seedbed.surveys.models import Campaign

        today = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
        last = (
            Campaign.objects.visible_to(user)
            .filter(created_at__lt=today)  # a campaign launched today has no trend yet
            .values_list("created_at", "name")
            .first()
        )
        if last is not None:
            return Since(timezone.localdate(last[0]), last[1], False)
    return Since(timezone.localdate() - timedelta(days=TREND_DAYS), None, False)


@dataclass(frozen=True)
class TeamTrend:
    team_id: int
    name: str
    then: Figure
    now: Figure

    @property
    def change(self) -> float | None:
        return self.now.change_since(self.then)


@dataclass(frozen=True)
class Trend:
    since: Since
    then: Figure
    now: Figure
    teams: list[TeamTrend]

    @property
    def change(self) -> float | None:
        return self.now.change_since(self.then)


def trend(ctx: Context, since: Since, teams: list[TeamRow]) -> Trend:
    """Coverage at the end of ``since.day`` (from the rating history) against now, overall and
    for the teams in ``teams``. Three queries (only what changed since is replayed)."""
    then_m = matrix_as_at(ctx.m, at=since.day, people=ctx.people)
    ids, groups = np.unique(then_m.team_ids, return_inverse=True)
    met_n, req_n = an.coverage_by_group(then_m.levels, then_m.required, groups, len(ids))
    then_by_team = {int(t): Figure(int(met_n[k]), int(req_n[k])) for k, t in enumerate(ids)}
    then = Figure(int(met_n.sum()), int(req_n.sum()))
    return Trend(
        since,
        then,
        coverage(ctx),
        [
            TeamTrend(t.team_id, t.name, then_by_team.get(t.team_id, Figure(0, 0)), t.coverage)
            for t in teams
        ],
    )


@dataclass(frozen=True)
class PersonRow:
    person_id: int
    name: str
    role: str
    gap_score: float | None
    readiness: float | None
    gaps: int
    requirements: int


PERSON_ORDERS = ("gap", "readiness", "name")


def person_rows(
    ctx: Context, *, order: str = "gap", offset: int = 0, limit: int | None = 50
) -> tuple[list[PersonRow], int]:
    """The scope's people with their weighted gap score, readiness for their current role and
    number of gaps: largest gap score first (or lowest readiness, or by name). One query
    (names of the rows returned; by name: all names, ordered in the database)."""
    m = ctx.m
    score = an.weighted_gap_scores(m.levels, m.required, m.weight)
    ready = an.readiness(m.levels, m.required, m.weight)
    n_gaps = (an.gaps(m.levels, m.required) > 0).sum(axis=1)
    n_req = (m.required >= 0).sum(axis=1)
    total = len(m.person_ids)
    end = None if limit is None else offset + limit
    if order == "name":
        # The matrix holds exactly the scope's active people: let the database sort the names.
        rows_qs = ctx.people.filter(is_active=True).order_by("full_name", "id")
        named = list(rows_qs.values_list("id", "full_name", "role__name")[offset:end])
        index = {int(p): i for i, p in enumerate(m.person_ids)}
        picks = [(index[pid], name, role) for pid, name, role in named]
    else:
        key = -np.nan_to_num(score, nan=-1.0) if order == "gap" else np.nan_to_num(ready, nan=101)
        sel = np.lexsort((m.person_ids, key))[offset:end]
        info = {
            pid: (name, role)
            for pid, name, role in Person.objects.filter(
                pk__in=[int(p) for p in m.person_ids[sel]]
            ).values_list("id", "full_name", "role__name")
        }
        picks = [(int(i), *info[int(m.person_ids[i])]) for i in sel]
    return [
        PersonRow(
            int(m.person_ids[i]),
            name,
            role or "",
            rounded(score[i]),
            rounded(ready[i]),
            int(n_gaps[i]),
            int(n_req[i]),
        )
        for i, name, role in picks
    ], total


# --- one skill: the people behind a chart's bar ---------------------------------------------


@dataclass(frozen=True)
class SkillPersonRow:
    person_id: int
    name: str
    team: str
    level: int | None
    required: int | None
    gap: int


@dataclass(frozen=True)
class SkillDrill:
    skill: SkillInfo
    demand: int | None
    below: list[SkillPersonRow]
    below_total: int
    reaching: list[SkillPersonRow]  # people who reach the demanded level (the bench)
    reaching_total: int


def skill_drill(ctx: Context, skill: Skill, *, limit: int | None = 100) -> SkillDrill:
    """The people of the scope below their role's requirement in ``skill`` (largest gap first)
    and those who reach the level the organisation asks for it. Two queries."""
    m = ctx.m
    info = SkillInfo(
        skill.pk, skill.name, skill.category_id, skill.category.name, skill.criticality
    )
    j = m.col(skill.pk)
    if j < 0:
        return SkillDrill(info, None, [], 0, [], 0)
    demand = int(ctx.org_demand[j])
    g = an.gaps(m.levels[:, j : j + 1], m.required[:, j : j + 1])[:, 0]
    below = np.flatnonzero(g > 0)
    below = below[np.lexsort((m.person_ids[below], -g[below]))]
    reach = np.flatnonzero(an.held(m.levels[:, j]) >= demand) if demand >= 0 else np.zeros(0, int)
    reach = reach[np.lexsort((m.person_ids[reach], -m.levels[reach, j]))]
    shown_b = below[:limit] if limit is not None else below
    shown_r = reach[:limit] if limit is not None else reach
    ids = [int(p) for p in m.person_ids[np.concatenate([shown_b, shown_r])]]
    people = {
        pid: (name, team or "")
        for pid, name, team in Person.objects.filter(pk__in=ids).values_list(
            "id", "full_name", "team__name"
        )
    }

    def row(i: int) -> SkillPersonRow:
        pid = int(m.person_ids[i])
        name, team = people.get(pid, ("", ""))
        return SkillPersonRow(
            pid,
            name,
            team,
            int(m.levels[i, j]) if m.levels[i, j] >= 0 else None,
            int(m.required[i, j]) if m.required[i, j] >= 0 else None,
            int(g[i]),
        )

    return SkillDrill(
        info,
        demand if demand >= 0 else None,
        [row(int(i)) for i in shown_b],
        len(below),
        [row(int(i)) for i in shown_r],
        len(reach),
    )


# --- departures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DepartureRow:
    person_id: int
    name: str
    team: str
    lost: int  # demanded skills only they reach
    coverage_without: float | None
    skills: list[SkillInfo]


@dataclass(frozen=True)
class Departures:
    rows: list[DepartureRow]
    total: int  # people in the scope whose departure would lose something
    coverage_now: float | None


def departures(
    ctx: Context,
    *,
    offset: int = 0,
    limit: int | None = 50,
    person_id: int | None = None,
    hide_person_id: int | None = None,
) -> Departures:
    """People of the scope ranked by departure impact (who would hurt most to lose): most
    demanded skills only they reach first. ``person_id``: only that person (even without any
    impact); ``hide_person_id``: leave that person out (a manager's own entry: departure
    impact is for HR and a person's managers). Two queries (names, skills)."""
    org = ctx.org
    dep = an.departure_impacts(org.levels, org.active, org.demand)
    in_scope = np.isin(org.person_ids, ctx.m.person_ids) & (org.person_ids != hide_person_id)
    if person_id is not None:
        rows_idx = np.flatnonzero(org.person_ids == person_id)
        total = len(rows_idx)
    else:
        candidates = np.flatnonzero(in_scope & (dep.lost > 0))
        rows_idx = candidates[np.lexsort((org.person_ids[candidates], -dep.lost[candidates]))]
        total = len(rows_idx)
        rows_idx = rows_idx[offset : None if limit is None else offset + limit]
    people = {
        pid: (name, team or "")
        for pid, name, team in Person.objects.filter(
            pk__in=[int(p) for p in org.person_ids[rows_idx]]
        ).values_list("id", "full_name", "team__name")
    }
    skill_cols = [np.flatnonzero(dep.sole[i]) for i in rows_idx]
    info = skill_info(
        org.skill_ids[np.concatenate(skill_cols)] if skill_cols else np.zeros(0, np.int64)
    )
    rows = []
    for i, cols in zip(rows_idx, skill_cols, strict=True):
        pid = int(org.person_ids[i])
        name, team = people.get(pid, ("", ""))
        skills = sorted(
            (info[int(org.skill_ids[c])] for c in cols if int(org.skill_ids[c]) in info),
            key=lambda s: s.name,
        )
        rows.append(
            DepartureRow(
                pid, name, team, int(dep.lost[i]), rounded(dep.coverage_without[i]), skills
            )
        )
    return Departures(rows, total, None if dep.coverage_now is None else round(dep.coverage_now, 1))


# --- one person ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RequirementGap:
    skill_id: int
    skill_name: str
    required: int
    level: int | None
    gap: int
    importance: int


@dataclass(frozen=True)
class RoleGaps:
    role_id: int
    role_name: str
    rows: list[RequirementGap]  # largest weighted gap first
    gap_score: float | None
    readiness: float | None
    met: int


def role_gaps(person: Person, role: Role) -> RoleGaps:
    """``person`` against every requirement of ``role``: gap per skill, weighted gap score and
    readiness (``seedbed.gaps.analysis``; the readiness is ``person_readiness``'s). Two
    queries."""
    reqs = list(
        RoleRequirement.objects.filter(role=role).values_list(
            "skill_id", "skill__name", "required_level", "importance"
        )
    )
    have = dict(
        PersonSkill.objects.filter(person=person, skill_id__in=[r[0] for r in reqs]).values_list(
            "skill_id", "level"
        )
    )
    if not reqs:
        return RoleGaps(role.pk, role.name, [], None, None, 0)
    levels = np.array([[have.get(r[0], NONE) for r in reqs]], dtype=np.int16)
    required = np.array([[r[2] for r in reqs]], dtype=np.int16)
    weight = np.array([[r[3] for r in reqs]], dtype=np.int16)
    gap = an.gaps(levels, required)[0]
    rows = [
        RequirementGap(sid, name, lvl, have.get(sid), int(gap[k]), imp)
        for k, (sid, name, lvl, imp) in enumerate(reqs)
    ]
    rows.sort(key=lambda r: (-r.gap * r.importance, -r.gap, r.skill_name))
    return RoleGaps(
        role.pk,
        role.name,
        rows,
        rounded(an.weighted_gap_scores(levels, required, weight)[0]),
        rounded(an.readiness(levels, required, weight)[0]),
        int(an.met(levels, required).sum()),
    )


@dataclass(frozen=True)
class PersonDeparture:
    skills: list[SkillInfo]
    coverage_now: float | None
    coverage_without: float | None

    @property
    def loss(self) -> float | None:
        if self.coverage_now is None or self.coverage_without is None:
            return None
        return round(self.coverage_now - self.coverage_without, 1)


def person_departure(person: Person) -> PersonDeparture:
    """What the organisation would lose if ``person`` left. Six queries."""
    org = load_org_matrix()
    ctx = Context(Person.objects.all(), org, org, True, 0.0, 0)
    dep = departures(ctx, person_id=person.pk)
    whole = an.departure_impacts(org.levels, org.active, org.demand).coverage_now
    now = None if whole is None else round(whole, 1)
    if not dep.rows:  # not active: leaving changes nothing
        return PersonDeparture([], now, now)
    row = dep.rows[0]
    return PersonDeparture(row.skills, now, row.coverage_without)
