"""Gap-analysis pages: organisation and team dashboards, a person's gaps, knowledge at risk,
compare two dates, and the people behind a skill's figures. Read-only: scoped people in,
``seedbed.gaps.dashboards`` figures out, rendered with server-side SVG charts; every table
exports as CSV/XLSX with ``?format=csv|xlsx&table=<name>``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seedbed.accounts.models import AccessLevel
from seedbed.gaps import comparison as cmp
from seedbed.gaps import dashboards as d
from seedbed.gaps import protection, tables
from seedbed.gaps.charts import DANGER, Bar, bar_chart, paired_bar_chart
from seedbed.gaps.definitions import DEFINITIONS
from seedbed.gaps.forms import CompareForm, RiskFilterForm, SinceForm, visible_teams
from seedbed.lib.errors import NotAllowed, NotFound
from seedbed.lib.http import AuthedHttpRequest
from seedbed.lib.spreadsheet import export_response
from seedbed.people.models import Person, Team
from seedbed.skills.models import Skill

TOP = 10  # rows of each dashboard section (the full lists are on their own pages / exports)
CHART_TEAMS = 20
PAGE = 50


# --- helpers -----------------------------------------------------------------------------


def _scope(request: AuthedHttpRequest) -> QuerySet[Person]:
    try:
        return d.dashboard_people(request.user)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc


def _team(request: AuthedHttpRequest, team_id: int) -> tuple[Team, QuerySet[Person]]:
    try:
        return d.team_scope(request.user, team_id)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _is_admin(request: AuthedHttpRequest) -> bool:
    return request.user.access_level == AccessLevel.ADMIN


def _own_person_id(request: AuthedHttpRequest) -> int | None:
    """Managers do not get their own departure impact (HR and their managers do): the id of
    the person to leave out of rankings, None for admins. Reads the user's person (cached on
    the user by the one-to-one relation)."""
    if _is_admin(request):
        return None
    person = getattr(request.user, "person", None)
    return person.pk if person is not None else None


def _query(request: AuthedHttpRequest, *drop: str) -> str:
    params = request.GET.copy()
    for key in ("format", "table", *drop):
        params.pop(key, None)
    return params.urlencode()


Tables = dict[str, Callable[[], tables.Table]]


def _export(request: AuthedHttpRequest, prefix: str, available: Tables) -> HttpResponse | None:
    """The table asked for by ``?format=&table=`` as a download, or None without ``format``."""
    fmt = request.GET.get("format")
    if fmt is None:
        return None
    if fmt not in ("csv", "xlsx"):
        return HttpResponseBadRequest(
            _("Unknown export format “%(format)s”: use csv or xlsx.") % {"format": fmt[:20]},
            content_type="text/plain; charset=utf-8",
        )
    name = request.GET.get("table", "")
    if name not in available:
        return HttpResponseBadRequest(
            _("Unknown table “%(table)s”: choose one of %(tables)s.")
            % {"table": name[:40], "tables": ", ".join(available)},
            content_type="text/plain; charset=utf-8",
        )
    headers, rows = available[name]()
    return export_response(fmt, f"{prefix}-{name}", headers, rows)


def _page(request: AuthedHttpRequest, total: int, param: str = "page") -> Page:
    """A page of ``total`` rows computed elsewhere (the page's rows are fetched by offset)."""
    return Paginator(range(total), PAGE).get_page(request.GET.get(param))


def _offset(page: Page) -> int:
    return max(page.start_index() - 1, 0)


def _defs(*keys: str) -> dict[str, Any]:
    """The definitions a page's figures use, for its footnotes."""
    return {k: DEFINITIONS[k] for k in keys}


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %"


def _team_url(team_id: int) -> str | None:
    return reverse("gaps:team", args=[team_id]) if team_id else None


def _skill_url(skill_id: int, team: Team | None) -> str:
    url = reverse("gaps:skill", args=[skill_id])
    return f"{url}?team={team.pk}" if team else url


def _since(request: AuthedHttpRequest, form: SinceForm) -> d.Since:
    if form.is_valid() and form.cleaned_data.get("since"):
        return d.Since(form.cleaned_data["since"], None, True)
    return d.default_since(request.user)


# --- organisation and team dashboards --------------------------------------------------------


def _dashboard(
    request: AuthedHttpRequest, ctx: d.Context, team: Team | None, prefix: str
) -> HttpResponse | dict[str, Any]:
    """Everything the organisation and team dashboards show, or the export asked for."""
    form = SinceForm(request.GET or None)
    since = _since(request, form)
    exported = _export(
        request,
        prefix,
        {
            "teams": lambda: tables.teams(d.team_rows(ctx)),
            "gaps": lambda: tables.gaps(d.top_gaps(ctx, None)[0]),
            "risks": lambda: tables.risks(
                protection.capture(
                    request.user, d.risks(ctx, limit=None)[0], _own_person_id(request)
                )
            ),
            "bench": lambda: tables.bench(d.bench(ctx, None)[0]),
            "needs": lambda: tables.needs(d.needs(ctx)),
            "trend": lambda: tables.trend(d.trend(ctx, since, d.team_rows(ctx))),
            **(
                {"people": lambda: tables.people(d.person_rows(ctx, limit=None)[0])} if team else {}
            ),
        },
    )
    if exported is not None:
        return exported
    teams = d.team_rows(ctx)
    gaps, gaps_total = d.top_gaps(ctx, TOP)
    bench, bench_total = d.bench(ctx, TOP)
    risks, risks_total = d.risks(ctx, limit=TOP)
    trend = d.trend(ctx, since, teams)
    coverage = d.coverage(ctx)
    chart_teams = [t for t in teams if t.coverage.whole][:CHART_TEAMS]
    return {
        "team": team,
        "people_count": len(ctx.m.person_ids),
        "whole_org": ctx.whole_org,
        "coverage": coverage,
        "teams": teams,
        "gaps": gaps,
        "gaps_total": gaps_total,
        "bench": bench,
        "bench_total": bench_total,
        "risks": risks,
        "risks_total": risks_total,
        "needs": d.needs(ctx),
        "freshness": d.freshness(ctx),
        "trend": trend,
        "since_form": form,
        "defs": _defs(
            "coverage",
            "weighted_gap",
            "gap_score",
            "readiness",
            "at_risk",
            "bench",
            "needs",
            "stale",
            "trend",
        ),
        "query": _query(request),
        "teams_chart": bar_chart(
            [
                Bar(
                    t.name,
                    t.coverage.percent,
                    _team_url(t.team_id),
                    _("%(team)s: %(pct)s of %(n)s requirements met")
                    % {"team": t.name, "pct": _pct(t.coverage.percent), "n": t.coverage.whole},
                )
                for t in chart_teams
            ],
            label=_("Coverage by team, lowest first"),
            maximum=100,
            unit=" %",
            track=True,
        )
        if chart_teams
        else None,
        "gaps_chart": bar_chart(
            [
                Bar(
                    g.skill.name,
                    g.weighted_gap,
                    _skill_url(g.skill.id, team),
                    ngettext(
                        "%(skill)s: weighted gap %(gap)s, %(n)s person below the requirement",
                        "%(skill)s: weighted gap %(gap)s, %(n)s people below the requirement",
                        g.below,
                    )
                    % {"skill": g.skill.name, "gap": g.weighted_gap, "n": g.below},
                )
                for g in gaps
            ],
            label=_("Largest weighted gaps by skill"),
            colour=DANGER,
        )
        if gaps
        else None,
        "bench_chart": bar_chart(
            [
                Bar(
                    b.skill.name,
                    b.bench,
                    _skill_url(b.skill.id, team),
                    ngettext(
                        "%(skill)s: %(n)s person at level %(level)s or above",
                        "%(skill)s: %(n)s people at level %(level)s or above",
                        b.bench,
                    )
                    % {"skill": b.skill.name, "n": b.bench, "level": b.demand},
                )
                for b in bench
            ],
            label=_("Bench strength of demanded skills, weakest first"),
        )
        if bench
        else None,
        "trend_chart": paired_bar_chart(
            [
                Bar(
                    _("Overall"),
                    trend.now.percent,
                    reverse("gaps:compare")
                    + f"?a={trend.since.day.isoformat()}"
                    + (f"&team={team.pk}" if team else ""),
                    before=trend.then.percent,
                ),
                *(
                    Bar(
                        t.name,
                        t.now.percent,
                        _team_url(t.team_id),
                        before=t.then.percent,
                    )
                    for t in trend.teams[:CHART_TEAMS]
                    if t.now.whole or t.then.whole
                ),
            ],
            label=_("Coverage on %(day)s and now") % {"day": trend.since.day.isoformat()},
            legend=(trend.since.day.isoformat(), _("now")),
        ),
    }


@login_required
def org(request: AuthedHttpRequest) -> HttpResponse:
    people = _scope(request)
    ctx = d.load_context(people, whole_org=_is_admin(request))
    result = _dashboard(request, ctx, None, "gaps")
    if isinstance(result, HttpResponse):
        return result
    return render(request, "gaps/org.html", result)


@login_required
def team(request: AuthedHttpRequest, team_id: int) -> HttpResponse:
    team_obj, people = _team(request, team_id)
    ctx = d.load_context(people, whole_org=False)
    result = _dashboard(request, ctx, team_obj, f"gaps-team-{team_obj.pk}")
    if isinstance(result, HttpResponse):
        return result
    order = request.GET.get("order", "gap")
    order = order if order in d.PERSON_ORDERS else "gap"
    page = _page(request, len(ctx.m.person_ids))
    rows, _total = d.person_rows(ctx, order=order, offset=_offset(page), limit=PAGE)
    chart_rows = [r for r in rows if r.gap_score is not None][:CHART_TEAMS]
    result |= {
        "page_obj": page,
        "people_rows": rows,
        "order": order,
        "page_query": _query(request, "page"),
        "order_query": _query(request, "page", "order"),
        "people_chart": bar_chart(
            [
                Bar(
                    r.name,
                    r.gap_score,
                    reverse("gaps:person", args=[r.person_id]),
                    _("%(name)s: weighted gap score %(score)s, %(n)s gaps")
                    % {"name": r.name, "score": _pct(r.gap_score), "n": r.gaps},
                )
                for r in chart_rows
            ],
            label=_("Weighted gap score per person"),
            maximum=100,
            unit=" %",
            colour=DANGER,
            track=True,
        )
        if chart_rows
        else None,
    }
    return render(request, "gaps/team.html", result)


# --- one skill: the people behind the bars ---------------------------------------------------


@login_required
def skill(request: AuthedHttpRequest, skill_id: int) -> HttpResponse:
    people = _scope(request)
    team_obj = None
    team_param = request.GET.get("team", "")
    if team_param:
        if not team_param.isdigit():
            raise Http404(_("No team with id %(id)s.") % {"id": team_param[:20]})
        team_obj, people = _team(request, int(team_param))
    skill_obj = get_object_or_404(Skill.objects.select_related("category"), pk=skill_id)
    ctx = d.load_context(people, whole_org=_is_admin(request) and team_obj is None)
    exported = _export(
        request,
        f"gaps-skill-{skill_obj.pk}",
        {
            "below": lambda: tables.skill_people(d.skill_drill(ctx, skill_obj, limit=None).below),
            "bench": lambda: tables.skill_people(
                d.skill_drill(ctx, skill_obj, limit=None).reaching
            ),
        },
    )
    if exported is not None:
        return exported
    drill = d.skill_drill(ctx, skill_obj, limit=200)
    return render(
        request,
        "gaps/skill.html",
        {
            "drill": drill,
            "team": team_obj,
            "whole_org": ctx.whole_org,
            "query": _query(request),
            "defs": _defs("weighted_gap", "bench"),
        },
    )


# --- one person --------------------------------------------------------------------------


@login_required
def me(request: AuthedHttpRequest) -> HttpResponse:
    person = Person.objects.filter(user=request.user).first()
    if person is None:
        raise Http404(_("Your login is not linked to a person in the organisation."))
    return redirect("gaps:person", person.pk)


@login_required
def person(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    person_obj = get_object_or_404(
        Person.objects.levels_visible_to(request.user).select_related(
            "role", "target_role", "team"
        ),
        pk=person_id,
    )
    current = d.role_gaps(person_obj, person_obj.role) if person_obj.role else None
    target = (
        d.role_gaps(person_obj, person_obj.target_role)
        if person_obj.target_role and person_obj.target_role_id != person_obj.role_id
        else None
    )
    show_departure = d.can_see_departure(request.user, person_obj)
    exported = _export(
        request,
        f"gaps-person-{person_obj.pk}",
        {
            "current": lambda: tables.role_gaps(current),
            "target": lambda: tables.role_gaps(target),
        },
    )
    if exported is not None:
        return exported
    departure = d.person_departure(person_obj) if show_departure else None
    charts = {}
    for key, g in (("current", current), ("target", target)):
        shown = [r for r in g.rows if r.gap] if g else []
        charts[key] = (
            bar_chart(
                [
                    Bar(
                        r.skill_name,
                        r.gap,
                        reverse("skills:detail", args=[r.skill_id]),
                        _("%(skill)s: level %(level)s of %(required)s required")
                        % {
                            "skill": r.skill_name,
                            "level": "–" if r.level is None else r.level,
                            "required": r.required,
                        },
                    )
                    for r in shown
                ],
                label=_("Levels missing per skill for %(role)s") % {"role": g.role_name},
                colour=DANGER,
            )
            if g and shown
            else None
        )
    return render(
        request,
        "gaps/person.html",
        {
            "person": person_obj,
            "current": current,
            "target": target,
            "departure": departure,
            "charts": charts,
            "roles": [
                ("current", current, _("Current role")),
                ("target", target, _("Target role")),
            ],
            "query": _query(request),
            "defs": _defs("coverage", "gap_score", "readiness", "departure"),
            "can_see_dashboards": request.user.is_manager,
        },
    )


# --- knowledge at risk -------------------------------------------------------------------


@login_required
def risks(request: AuthedHttpRequest) -> HttpResponse:
    people = _scope(request)
    form = RiskFilterForm(
        request.GET or None, teams=visible_teams(people, everyone=_is_admin(request))
    )
    filters, team_obj = d.RiskFilters(), None
    if form.is_valid():
        data = form.cleaned_data
        filters = d.RiskFilters(
            d.category_subtree_ids(data["category"].pk) if data["category"] else None,
            data["criticality"] or None,
        )
        if data["team"]:
            team_obj, people = _team(request, data["team"].pk)
    ctx = d.load_context(people, whole_org=_is_admin(request) and team_obj is None)
    hide = _own_person_id(request)
    exported = _export(
        request,
        "knowledge-at-risk",
        {
            "risks": lambda: tables.risks(
                protection.capture(request.user, d.risks(ctx, limit=None, filters=filters)[0], hide)
            ),
            "departures": lambda: tables.departures(
                d.departures(ctx, limit=None, hide_person_id=hide).rows
            ),
        },
    )
    if exported is not None:
        return exported
    _rows, total = d.risks(ctx, limit=0, filters=filters)
    page = _page(request, total)
    rows, _total = d.risks(ctx, offset=_offset(page), limit=PAGE, filters=filters)
    dep_total = d.departures(ctx, limit=0, hide_person_id=hide).total
    dep_page = _page(request, dep_total, "dpage")
    deps = d.departures(ctx, offset=_offset(dep_page), limit=PAGE, hide_person_id=hide)
    return render(
        request,
        "gaps/risks.html",
        {
            "form": form,
            "team": team_obj,
            "rows": protection.capture(request.user, rows, hide),
            "capture": True,
            "page_obj": page,
            "dep": deps,
            "dep_page": dep_page,
            "whole_org": ctx.whole_org,
            "query": _query(request),
            "page_query": _query(request, "page"),
            "dpage_query": _query(request, "dpage"),
            "defs": _defs("at_risk", "departure"),
        },
    )


# --- compare two dates -------------------------------------------------------------------


@login_required
def compare(request: AuthedHttpRequest) -> HttpResponse:
    people = _scope(request)
    form = CompareForm(
        request.GET or None, teams=visible_teams(people, everyone=_is_admin(request))
    )
    data = form.cleaned_data if form.is_valid() else {}
    default = d.default_since(request.user)
    a: date = data.get("a") or default.day
    b: date = data.get("b") or timezone.localdate()
    team_obj = None
    if data.get("team"):
        team_obj, people = _team(request, data["team"].pk)
    category = data.get("category")
    if a > b:  # only the default "from" can land after a chosen "to"
        a = b
    comparison = cmp.compare(people, a=a, b=b, category_id=category.pk if category else None)
    exported = _export(
        request,
        "gaps-compare",
        {
            "summary": lambda: tables.compare_summary(comparison),
            "teams": lambda: tables.compare_teams(comparison),
            "skills": lambda: tables.compare_skills(comparison.skills),
            "improvements": lambda: tables.compare_skills(comparison.improvements),
            "declines": lambda: tables.compare_skills(comparison.declines),
        },
    )
    if exported is not None:
        return exported
    skills_page = Paginator(comparison.skills, PAGE).get_page(request.GET.get("page"))
    shown_teams = [t for t in comparison.teams if t.then.whole or t.now.whole][:CHART_TEAMS]
    return render(
        request,
        "gaps/compare.html",
        {
            "form": form,
            "c": comparison,
            "team": team_obj,
            "movers": [
                ("improvements", _("Biggest improvements"), comparison.improvements),
                ("declines", _("Biggest declines"), comparison.declines),
            ],
            "default": default,
            "page_obj": skills_page,
            "query": _query(request),
            "page_query": _query(request, "page"),
            "defs": _defs("trend", "coverage", "gap_score", "readiness", "stale", "mean_level"),
            "teams_chart": paired_bar_chart(
                [
                    Bar(t.name, t.now.percent, _team_url(t.team_id), before=t.then.percent)
                    for t in shown_teams
                ],
                label=_("Coverage by team on %(a)s and %(b)s") % {"a": a, "b": b},
                legend=(a.isoformat(), b.isoformat()),
            )
            if shown_teams
            else None,
        },
    )
