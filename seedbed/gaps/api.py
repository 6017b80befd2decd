"""API: gap analysis and knowledge at risk. The same read models and scope as the pages
(``seedbed.gaps.dashboards``): admins see the organisation, managers their reporting line,
employees only their own gaps; people and teams outside that are 404."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router

from seedbed.accounts.models import AccessLevel
from seedbed.gaps import comparison as cmp
from seedbed.gaps import dashboards as d
from seedbed.gaps import protection
from seedbed.gaps.schemas import (
    GapAtFilter,
    GapCompareFilter,
    GapCompareOut,
    GapDashboardOut,
    GapDepartureFilter,
    GapDeparturePageOut,
    GapPersonDepartureOut,
    GapPersonGapsOut,
    GapRiskFilter,
    GapRiskPageOut,
    GapTeamDashboardOut,
)
from seedbed.lib.errors import NotFound, ServiceError
from seedbed.lib.schemas import ERRORS, AuthedRequest, Id
from seedbed.people.models import Person

router = Router(tags=["gaps"])


# --- shaping -------------------------------------------------------------------------------


def _figure(f: d.Figure) -> dict[str, Any]:
    return {"count": f.part, "of": f.whole, "percent": f.percent}


def _skill(s: d.SkillInfo) -> dict[str, Any]:
    return {
        "id": s.id,
        "name": s.name,
        "category_id": s.category_id,
        "category": s.category,
        "criticality": s.criticality,
    }


def _risk(r: d.RiskRow) -> dict[str, Any]:
    return {
        "skill": _skill(r.skill),
        "holders": r.holders,
        "holder_id": r.holder_id,
        "holder_name": r.holder_name,
        "demanded_level": r.demand,
        "required_by_role": r.required_by_role,
        "strategic_need": r.strategic_need,
        "critical": r.critical,
    }


def _risk_action(r: protection.CapturedRisk) -> dict[str, Any]:
    h = r.handover
    return {
        **_risk(r),
        "cross_training": [
            {
                "pair_id": p.pair_id,
                "mentor": p.mentor,
                "mentee": p.mentee,
                "state": p.state,
                "target_level": p.target_level,
            }
            for p in r.pairs
        ],
        "handover": (
            {
                "interview_id": h.interview_id,
                "state": h.state,
                "prompts_done": h.done,
                "prompts_total": h.total,
            }
            if h is not None
            else None
        ),
        "holder_leaving_on": r.leaving_on,
    }


def _need(r: d.NeedRow) -> dict[str, Any]:
    n = r.need
    return {
        "id": n.pk,
        "skill": _skill(r.skill),
        "level": n.level,
        "people_needed": n.headcount,
        "due_date": n.due_date,
        "priority": n.priority,
        "goal": n.goal,
        "owner_id": n.owner_id,
        "have": r.status.have,
        "close": r.status.close,
        "shortfall": r.status.shortfall,
        "overdue": r.status.overdue,
        "have_in_scope": r.here,
    }


def _dashboard(ctx: d.Context, *, at: Any, top: int, scope: str) -> dict[str, Any]:
    gaps, _n = d.top_gaps(ctx, top)
    bench, _b = d.bench(ctx, top)
    risks, risks_total = d.risks(ctx, limit=top)
    fresh = d.freshness(ctx)
    return {
        "at": at,
        "scope": scope,
        "people": len(ctx.m.person_ids),
        "coverage": _figure(d.coverage(ctx)),
        "teams": [
            {
                "team_id": t.team_id or None,
                "name": t.name,
                "people": t.people,
                "coverage": _figure(t.coverage),
                "stale": _figure(t.stale),
            }
            for t in d.team_rows(ctx)
        ],
        "top_gaps": [
            {
                "skill": _skill(g.skill),
                "weighted_gap": g.weighted_gap,
                "people_below": g.below,
                "people_required": g.required,
                "coverage_percent": g.coverage,
            }
            for g in gaps
        ],
        "knowledge_at_risk": [_risk(r) for r in risks],
        "knowledge_at_risk_total": risks_total,
        "bench": [
            {"skill": _skill(b.skill), "demanded_level": b.demand, "bench_strength": b.bench}
            for b in bench
        ],
        "needs": [_need(n) for n in d.needs(ctx)],
        "freshness": {"stale": _figure(fresh.stale), "review_interval_months": fresh.months},
    }


def _role_gaps(g: d.RoleGaps | None) -> dict[str, Any] | None:
    if g is None:
        return None
    return {
        "role_id": g.role_id,
        "role_name": g.role_name,
        "weighted_gap_score": g.gap_score,
        "readiness": g.readiness,
        "met": g.met,
        "requirements": [
            {
                "skill_id": r.skill_id,
                "skill_name": r.skill_name,
                "required_level": r.required,
                "level": r.level,
                "gap": r.gap,
                "importance": r.importance,
            }
            for r in g.rows
        ],
    }


def _departure(person: Person, dep: d.PersonDeparture) -> dict[str, Any]:
    return {
        "person_id": person.pk,
        "skills_only_they_reach": [_skill(s) for s in dep.skills],
        "capability_coverage_now": dep.coverage_now,
        "capability_coverage_without": dep.coverage_without,
        "coverage_lost": dep.loss,
    }


def _change(c: cmp.SkillChange) -> dict[str, Any]:
    return {
        "skill": _skill(c.skill),
        "coverage_a": c.coverage_a,
        "coverage_b": c.coverage_b,
        "coverage_change": c.coverage_change,
        "mean_level_a": c.mean_a,
        "mean_level_b": c.mean_b,
        "mean_level_change": c.mean_change,
    }


def _side(day: Any, s: cmp.Side) -> dict[str, Any]:
    return {
        "day": day,
        "people": s.people,
        "coverage": _figure(s.coverage),
        "mean_weighted_gap_score": s.gap_score,
        "mean_readiness": s.readiness,
        "levels": s.levels,
        "stale": _figure(s.stale),
    }


def _not_future(at: Any, field: str) -> None:
    if at is not None and at > timezone.localdate():
        raise ServiceError(
            _("%(day)s is in the future: choose today or a day in the past.")
            % {"day": at.isoformat()},
            field=field,
        )


def _is_admin(request: AuthedRequest) -> bool:
    return request.user.access_level == AccessLevel.ADMIN


def _visible_person(request: AuthedRequest, person_id: int) -> Person:
    person = (
        Person.objects.levels_visible_to(request.user)
        .select_related("role", "target_role")
        .filter(pk=person_id)
        .first()
    )
    if person is None:
        raise NotFound(_("No person with id %(id)s.") % {"id": person_id})
    return person


# --- operations ----------------------------------------------------------------------------


@router.get("/gaps/org", response={200: GapDashboardOut, **ERRORS})
def org_gaps(request: AuthedRequest, filters: Query[GapAtFilter]) -> dict[str, Any]:
    """The organisation dashboard's figures (managers: their reporting line), now or as at the
    end of day ``at`` (from the rating history). Coverage: share of role requirements met;
    weighted gap: missing levels × importance; bench strength: people reaching the demanded
    level; knowledge at risk: skills that matter held at level 4+ by at most one active person;
    stale: newest evidence older than the review interval."""
    _not_future(filters.at, "at")
    people = d.dashboard_people(request.user)
    ctx = d.load_context(people, whole_org=_is_admin(request), at=filters.at)
    scope = "organisation" if ctx.whole_org else "reporting_line"
    return _dashboard(ctx, at=filters.at, top=filters.top, scope=scope)


@router.get("/gaps/teams/{team_id}", response={200: GapTeamDashboardOut, **ERRORS})
def team_gaps(
    request: AuthedRequest, team_id: Path[Id], filters: Query[GapAtFilter]
) -> dict[str, Any]:
    """The same figures for a team and the teams below it, with every person's weighted gap
    score, readiness for their current role and number of gaps (largest gap score first)."""
    _not_future(filters.at, "at")
    team, people = d.team_scope(request.user, team_id)
    ctx = d.load_context(people, whole_org=False, at=filters.at)
    rows, _total = d.person_rows(ctx, limit=None)
    return _dashboard(ctx, at=filters.at, top=filters.top, scope="team") | {
        "team": {"id": team.pk, "name": team.name},
        "people_rows": [
            {
                "person_id": r.person_id,
                "name": r.name,
                "role": r.role,
                "weighted_gap_score": r.gap_score,
                "readiness": r.readiness,
                "gaps": r.gaps,
                "requirements": r.requirements,
            }
            for r in rows
        ],
    }


@router.get("/gaps/people/{person_id}", response={200: GapPersonGapsOut, **ERRORS})
def person_gaps(request: AuthedRequest, person_id: Path[Id]) -> dict[str, Any]:
    """A person's gap per skill against their current role and their target role, weighted gap
    score and readiness; for admins and their managers also their departure impact."""
    person = _visible_person(request, person_id)
    target = person.target_role if person.target_role_id != person.role_id else None
    return {
        "person_id": person.pk,
        "name": person.full_name,
        "current_role": _role_gaps(d.role_gaps(person, person.role) if person.role else None),
        "target_role": _role_gaps(d.role_gaps(person, target) if target else None),
        "departure": _departure(person, d.person_departure(person))
        if d.can_see_departure(request.user, person)
        else None,
    }


@router.get("/gaps/compare", response={200: GapCompareOut, **ERRORS})
def compare_gaps(request: AuthedRequest, filters: Query[GapCompareFilter]) -> dict[str, Any]:
    """The figures at the end of day ``a`` and of day ``b`` (default today) side by side, per
    team, and per skill (coverage of its requirements, mean level) with the biggest
    improvements and declines. Nothing recorded after ``a`` changes ``a``'s figures."""
    b = filters.b or timezone.localdate()
    _not_future(filters.a, "a")
    _not_future(b, "b")
    if filters.a > b:
        raise ServiceError(_("Day a must be on or before day b."), field="a")
    people = d.dashboard_people(request.user)
    if filters.team is not None:
        _team, people = d.team_scope(request.user, filters.team)
    c = cmp.compare(people, a=filters.a, b=b, category_id=filters.category, top=filters.top)
    return {
        "a": _side(c.a, c.side_a),
        "b": _side(c.b, c.side_b),
        "teams": [
            {
                "team_id": t.team_id or None,
                "name": t.name,
                "coverage_a": _figure(t.then),
                "coverage_b": _figure(t.now),
            }
            for t in c.teams
        ],
        "improvements": [_change(x) for x in c.improvements],
        "declines": [_change(x) for x in c.declines],
        "skills": [_change(x) for x in c.skills],
    }


def _risk_context(request: AuthedRequest, team_id: int | None) -> d.Context:
    people = d.dashboard_people(request.user)
    if team_id is not None:
        _team, people = d.team_scope(request.user, team_id)
    return d.load_context(people, whole_org=_is_admin(request) and team_id is None)


@router.get("/risks", response={200: GapRiskPageOut, **ERRORS})
def list_risks(request: AuthedRequest, filters: Query[GapRiskFilter]) -> dict[str, Any]:
    """Knowledge at risk: skills that matter (required by a role or a strategic need, or
    critical) held at level 4+ by at most one active person, with who holds them; nobody first,
    then critical skills. Filter by category, criticality or team (skills its people hold or
    its roles require)."""
    ctx = _risk_context(request, filters.team)
    rows, total = d.risks(
        ctx,
        offset=filters.offset,
        limit=filters.limit,
        filters=d.RiskFilters(
            d.category_subtree_ids(filters.category) if filters.category else None,
            filters.criticality,
        ),
    )
    own = Person.objects.filter(user=request.user).values_list("id", flat=True).first()
    return {
        "items": [_risk_action(r) for r in protection.capture(request.user, rows, own)],
        "count": total,
    }


@router.get("/risks/departures", response={200: GapDeparturePageOut, **ERRORS})
def list_departures(request: AuthedRequest, filters: Query[GapDepartureFilter]) -> dict[str, Any]:
    """Who would hurt most to lose: people ranked by the demanded skills in which nobody else
    reaches the demanded level, with the capability coverage left without them."""
    ctx = _risk_context(request, filters.team)
    hide = None
    if not _is_admin(request):  # a manager's own departure impact is for HR and their managers
        hide = Person.objects.filter(user=request.user).values_list("pk", flat=True).first()
    dep = d.departures(ctx, offset=filters.offset, limit=filters.limit, hide_person_id=hide)
    return {
        "items": [
            {
                "person_id": r.person_id,
                "name": r.name,
                "team": r.team,
                "skills_only_they_reach": r.lost,
                "capability_coverage_without": r.coverage_without,
                "skills": [_skill(s) for s in r.skills],
            }
            for r in dep.rows
        ],
        "count": dep.total,
        "capability_coverage_now": dep.coverage_now,
    }


@router.get("/risks/departures/{person_id}", response={200: GapPersonDepartureOut, **ERRORS})
def read_departure(request: AuthedRequest, person_id: Path[Id]) -> dict[str, Any]:
    """The departure impact of one person (admins, and managers for their reporting line)."""
    d.dashboard_people(request.user)  # employees: 403
    person = _visible_person(request, person_id)
    if not d.can_see_departure(request.user, person):
        raise NotFound(_("No person with id %(id)s.") % {"id": person_id})
    return _departure(person, d.person_departure(person))
