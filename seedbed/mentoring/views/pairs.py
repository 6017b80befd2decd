"""Pages of the pairs area: a pair (reasons, focus skills, sessions, goals, the end and
feedback), cross-training of knowledge at risk, and a programme's metrics.

Every pair is read through ``Pair.objects.visible_to``; private session notes are rendered
only for the two people of the pair (``services.may_see_private``). Forms post to the same
URLs with or without htmx: htmx gets the changed section back, a plain form a redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedbed.gaps.charts import Bar, bar_chart
from seedbed.lib.errors import NotAllowed, ServiceError
from seedbed.lib.forms import run_service
from seedbed.lib.http import AuthedHttpRequest, act
from seedbed.lib.listing import paginate
from seedbed.lib.spreadsheet import export_response
from seedbed.mentoring import metrics as m
from seedbed.mentoring.forms_pairs import (
    CrossTrainingFilterForm,
    CrossTrainingForm,
    FeedbackForm,
    GoalForm,
    MetricsFilterForm,
    SessionForm,
    pair_skills,
)
from seedbed.mentoring.models import (
    MentoringSession,
    Pair,
    PairGoal,
    PairState,
    Programme,
)
from seedbed.mentoring.selectors import pair_overview
from seedbed.mentoring.services import cross_training as ct
from seedbed.mentoring.services import pairs as services

PROPOSALS_PER_PAGE = 20


# --- scoped fetches ------------------------------------------------------------------------


def _pair(request: AuthedHttpRequest, pair_id: int) -> Pair:
    return get_object_or_404(
        Pair.objects.visible_to(request.user).select_related(
            "programme",
            "skill",
            "mentor__user",
            "mentor__role",
            "mentor__team",
            "mentee__user",
            "mentee__role",
            "mentee__team",
        ),
        pk=pair_id,
    )


def _session(request: AuthedHttpRequest, session_id: int) -> MentoringSession:
    return get_object_or_404(
        MentoringSession.objects.filter(
            pair__in=Pair.objects.visible_to(request.user)
        ).select_related("pair__mentor", "pair__mentee", "pair__programme"),
        pk=session_id,
    )


def _goal(request: AuthedHttpRequest, goal_id: int) -> PairGoal:
    return get_object_or_404(
        PairGoal.objects.filter(pair__in=Pair.objects.visible_to(request.user)).select_related(
            "pair__mentor", "pair__mentee", "skill"
        ),
        pk=goal_id,
    )


def _ran(form: forms.BaseForm, call: Callable[[], object]) -> bool:
    """Validate ``form``, then run the service ``call``; its errors land on the form."""
    return form.is_valid() and run_service(form, call) is not None


# --- the pair page -------------------------------------------------------------------------


def reasons_of(pair: Pair) -> tuple[list[str], str]:
    """The matcher's reasons for the pair in words (strongest first) and its weakest point."""
    from seedbed.mentoring.matching import describe

    return [describe(r) for r in pair.reasons or [] if r], (
        describe(pair.weakest) if pair.weakest else ""
    )


def _pair_context(request: AuthedHttpRequest, pair: Pair, **bound: Any) -> dict[str, Any]:
    view = pair_overview(request.user, pair)
    strongest, weakest = reasons_of(pair)
    return {
        "pair": pair,
        "v": view,
        "strongest": strongest,
        "weakest": weakest,
        "session_form": bound.get("session_form")
        or (SessionForm(skills=view.skills) if view.may_work else None),
        "goal_form": bound.get("goal_form") or (GoalForm() if view.may_work else None),
        "feedback_form": bound.get("feedback_form") or FeedbackForm(),
        "quiet": services.is_quiet(pair, timezone.now()),
    }


@login_required
def pair_detail(request: AuthedHttpRequest, pair_id: int) -> HttpResponse:
    pair = _pair(request, pair_id)
    return render(request, "mentoring/pairs/pair.html", _pair_context(request, pair))


@login_required
@require_POST
def session_new(request: AuthedHttpRequest, pair_id: int) -> HttpResponse:
    pair = _pair(request, pair_id)
    form = SessionForm(request.POST, skills=pair_skills(pair))
    done = _ran(
        form,
        lambda: services.log_session(actor=request.user, pair=pair, data=form.data_for_service()),
    )
    if done:
        if request.htmx:
            ctx = _pair_context(request, pair)
            ctx["logged"] = True
            return render(request, "mentoring/pairs/pair.html#sessions", ctx)
        messages.success(request, _("Session logged."))
        return redirect("mentoring:pair", pair.pk)
    ctx = _pair_context(request, pair, session_form=form)
    if request.htmx:
        return render(request, "mentoring/pairs/pair.html#sessions", ctx)
    return render(request, "mentoring/pairs/pair.html", ctx, status=400)


@login_required
def session_edit(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    pair = session.pair
    if not services.may_work_on(request.user, pair):
        raise PermissionDenied
    logged = list(session.skills.all())
    initial = {
        "held_on": session.held_on,
        "minutes": session.minutes,
        "topics": session.topics,
        "private_notes": session.private_notes,
        "skills": logged,
    }
    # The pair's skills, and any other skill this session was logged with.
    offered = {s.pk: s for s in [*pair_skills(pair), *logged]}
    form = SessionForm(request.POST or None, skills=list(offered.values()), initial=initial)
    if request.method == "POST" and _ran(
        form,
        lambda: services.update_session(
            actor=request.user, session=session, data=form.data_for_service()
        ),
    ):
        messages.success(request, _("Session saved."))
        return redirect("mentoring:pair", pair.pk)
    return render(
        request,
        "mentoring/pairs/session_edit.html",
        {"pair": pair, "session": session, "form": form},
    )


@login_required
@require_POST
def session_delete(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    act(
        request,
        lambda: services.delete_session(actor=request.user, session=session),
        _("Session removed."),
    )
    return redirect("mentoring:pair", session.pair_id)


@login_required
@require_POST
def goal_new(request: AuthedHttpRequest, pair_id: int) -> HttpResponse:
    pair = _pair(request, pair_id)
    form = GoalForm(request.POST)
    if _ran(
        form,
        lambda: services.add_goal(actor=request.user, pair=pair, data=form.data_for_service()),
    ):
        messages.success(request, _("Goal added."))
        return redirect("mentoring:pair", pair.pk)
    return render(
        request,
        "mentoring/pairs/pair.html",
        _pair_context(request, pair, goal_form=form),
        status=400,
    )


@login_required
def goal_edit(request: AuthedHttpRequest, goal_id: int) -> HttpResponse:
    goal = _goal(request, goal_id)
    if not services.may_work_on(request.user, goal.pair):
        raise PermissionDenied
    form = GoalForm(request.POST or None, goal=goal)
    if request.method == "POST" and _ran(
        form,
        lambda: services.update_goal(actor=request.user, goal=goal, data=form.data_for_service()),
    ):
        messages.success(request, _("Goal saved."))
        return redirect("mentoring:pair", goal.pair_id)
    return render(
        request, "mentoring/pairs/goal_edit.html", {"pair": goal.pair, "goal": goal, "form": form}
    )


@login_required
@require_POST
def goal_delete(request: AuthedHttpRequest, goal_id: int) -> HttpResponse:
    goal = _goal(request, goal_id)
    act(request, lambda: services.delete_goal(actor=request.user, goal=goal), _("Goal removed."))
    return redirect("mentoring:pair", goal.pair_id)


@login_required
@require_POST
def pair_end(request: AuthedHttpRequest, pair_id: int) -> HttpResponse:
    pair = _pair(request, pair_id)
    act(
        request,
        lambda: services.end_pair(actor=request.user, pair=pair),
        _("The mentoring has ended. Both of you are asked for feedback."),
    )
    return redirect("mentoring:pair", pair.pk)


@login_required
@require_POST
def feedback(request: AuthedHttpRequest, pair_id: int) -> HttpResponse:
    pair = _pair(request, pair_id)
    form = FeedbackForm(request.POST)
    if _ran(
        form,
        lambda: services.give_feedback(
            actor=request.user,
            pair=pair,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        ),
    ):
        messages.success(request, _("Thank you for your feedback."))
        return redirect("mentoring:pair", pair.pk)
    return render(
        request,
        "mentoring/pairs/pair.html",
        _pair_context(request, pair, feedback_form=form),
        status=400,
    )


# --- exports -------------------------------------------------------------------------------


def _export(request: AuthedHttpRequest, prefix: str, tables: dict[str, Any]) -> HttpResponse | None:
    """The table asked for by ``?format=csv|xlsx&table=<name>``, or None without a format."""
    fmt = request.GET.get("format")
    if fmt is None:
        return None
    if fmt not in ("csv", "xlsx"):
        return HttpResponseBadRequest(
            _("Unknown export format “%(format)s”: use csv or xlsx.") % {"format": fmt[:20]},
            content_type="text/plain; charset=utf-8",
        )
    name = request.GET.get("table", "")
    if name not in tables:
        return HttpResponseBadRequest(
            _("Unknown table “%(table)s”: choose one of %(tables)s.")
            % {"table": name[:40], "tables": ", ".join(tables)},
            content_type="text/plain; charset=utf-8",
        )
    headers, rows = tables[name]()
    return export_response(fmt, f"{prefix}-{name}", headers, rows)


def _query(request: AuthedHttpRequest, page: str = "page") -> str:
    """The query string without export parameters and ``page`` (the page number's name)."""
    params = request.GET.copy()
    for key in ("format", "table", page):
        params.pop(key, None)
    return params.urlencode()


# --- cross-training ------------------------------------------------------------------------


def _cross_training_table(rows: list[Pair]) -> tuple[list[str], list[list[Any]]]:
    headers = [
        _("Skill"),
        _("Holder (mentor)"),
        _("Learner"),
        _("State"),
        _("Learner's level"),
        _("Target level"),
        _("Progress (%)"),
        _("Risk cleared"),
        _("Started"),
    ]
    out = []
    for p in rows:
        visible = p.level_visible  # type: ignore[attr-defined]
        level = p.learner_level if visible and p.learner_level >= 0 else None  # type: ignore[attr-defined]
        out.append(
            [
                p.skill.name if p.skill else "",
                p.mentor.full_name,
                p.mentee.full_name,
                p.get_state_display(),
                level,
                p.target_level,
                ct.progress_percent(level, p.target_level) if visible else None,
                p.cleared if visible else None,  # type: ignore[attr-defined]
                timezone.localdate(p.started_at) if p.started_at else None,
            ]
        )
    return headers, out


@login_required
def cross_training(request: AuthedHttpRequest) -> HttpResponse:
    """Proposals for every at-risk skill with a single holder, and the cross-training pairs
    under way with the learner's progress (managers: their reporting line)."""
    try:
        ct.scope(request.user)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    form = CrossTrainingFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = ct.RowFilters(
        q=data.get("q", ""), state=data.get("state") or None, cleared=form.cleared_value()
    )
    pairs = ct.rows(request.user, filters)
    found = ct.filter_proposals(
        ct.proposals(request.user), q=data.get("q", ""), critical=bool(data.get("critical"))
    )
    exported = _export(
        request,
        "cross-training",
        {
            "proposals": lambda: ct.proposals_table(found),
            "pairs": lambda: _cross_training_table(list(pairs)),
        },
    )
    if exported is not None:
        return exported
    page = paginate(request, pairs)
    for p in page.object_list:
        visible = p.level_visible
        p.shown_level = p.learner_level if visible and p.learner_level >= 0 else None
        p.percent = ct.progress_percent(p.shown_level, p.target_level)
    return render(
        request,
        "mentoring/cross_training/list.html",
        {
            "proposals": Paginator(found, PROPOSALS_PER_PAGE).get_page(request.GET.get("ppage")),
            "form": form,
            "page_obj": page,
            "query": _query(request),
            "proposal_query": _query(request, "ppage"),
            "target": ct.TARGET_LEVEL,
            "programme": ct.current_programme(),
        },
    )


@login_required
@require_POST
def cross_training_start(request: AuthedHttpRequest) -> HttpResponse:
    form = CrossTrainingForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("mentoring:cross_training")
    d = form.cleaned_data
    try:
        pair = ct.start(
            actor=request.user, skill=d["skill"], mentor=d["mentor"], mentee=d["mentee"]
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("mentoring:cross_training")
    messages.success(
        request,
        _("%(mentor)s and %(mentee)s have been asked to start cross-training in %(skill)s.")
        % {
            "mentor": pair.mentor.full_name,
            "mentee": pair.mentee.full_name,
            "skill": d["skill"].name,
        },
    )
    return redirect("mentoring:cross_training")


# --- metrics -------------------------------------------------------------------------------


def _charts(x: m.Metrics) -> dict[str, Any]:
    states = [s for s in PairState if s != PairState.PROPOSED]
    charts: dict[str, Any] = {
        "states": bar_chart(
            [Bar(str(s.label), float(x.pairs_by_state.get(s, 0))) for s in states],
            label=_("Pairs by state"),
        )
    }
    lv = x.level
    if lv.mentee_mean is not None:
        charts["levels"] = bar_chart(
            [
                Bar(_("Mentees"), lv.mentee_mean, text=lv.text["mentee"]),
                Bar(_("Comparison group"), lv.comparison_mean, text=lv.text["comparison"]),
            ],
            label=_("Mean level change on goal and focus skills since the pairs started"),
        )
    if x.satisfaction_n and not x.satisfaction_hidden:
        charts["satisfaction"] = bar_chart(
            [
                Bar(str(k), float(n))
                for k, n in zip(range(5, 0, -1), reversed(x.satisfaction_counts), strict=True)
            ],
            label=_("Satisfaction ratings, 5 (very satisfied) to 1"),
        )
    return charts


@login_required
def programme_metrics(request: AuthedHttpRequest, programme_id: int) -> HttpResponse:
    try:
        m.scope(request.user)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    programme = get_object_or_404(Programme.objects.visible_to(request.user), pk=programme_id)
    figures = m.programme_metrics(user=request.user, programme=programme)
    form = MetricsFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = m.filter_rows(figures.rows, q=data.get("q", ""), state=data.get("state") or None)
    exported = _export(
        request,
        f"mentoring-metrics-{programme.pk}",
        {"summary": lambda: m.summary_table(figures), "pairs": lambda: m.pairs_table(rows)},
    )
    if exported is not None:
        return exported
    return render(
        request,
        "mentoring/metrics/programme.html",
        {
            "programme": programme,
            "x": figures,
            "charts": _charts(figures),
            "form": form,
            "page_obj": paginate(request, rows),
            "query": _query(request),
            "defs": m.DEFINITIONS,
        },
    )
