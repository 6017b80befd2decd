"""Mentoring API, the pairs area: pairs in detail, sessions (private notes only for the pair),
goals, the end, feedback, cross-training of knowledge at risk and programme metrics.

Reads go through ``Pair.objects.visible_to``; writes through ``seedbed.mentoring.services``
(``pairs``, ``cross_training``), which decide who may change what."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from seedbed.lib.errors import NotFound, ServiceError
from seedbed.lib.schemas import ERRORS, AuthedRequest, Id, Pagination
from seedbed.mentoring import metrics as m
from seedbed.mentoring.models import MentoringSession, Pair, PairGoal, PairQuerySet, Programme
from seedbed.mentoring.schemas_pairs import (
    CrossTrainingFilter,
    CrossTrainingIn,
    CrossTrainingPairOut,
    CrossTrainingProposalFilter,
    CrossTrainingProposalOut,
    MentoringSessionIn,
    MentoringSessionOut,
    MetricsPairFilter,
    MetricsPairOut,
    PairDetailOut,
    PairFeedbackIn,
    PairFeedbackOut,
    PairGoalIn,
    PairGoalOut,
    PairListFilter,
    PairSummaryOut,
    ProgrammeMetricsOut,
    feedback_out,
    goal_out,
    pair_detail_out,
)
from seedbed.mentoring.selectors import pair_overview
from seedbed.mentoring.services import cross_training as ct
from seedbed.mentoring.services import pairs as services
from seedbed.people.models import Person
from seedbed.skills.models import Skill

router = Router(tags=["mentoring pairs"])
WITH_CONFLICT = {**ERRORS, 409: ERRORS[400]}


def _pairs(request: AuthedRequest) -> PairQuerySet:
    return Pair.objects.visible_to(request.user).select_related(
        "programme", "skill", "mentor__user", "mentee__user"
    )


def _pair(request: AuthedRequest, pair_id: int) -> Pair:
    pair = _pairs(request).filter(pk=pair_id).first()
    if pair is None:
        raise NotFound(_("No pair with id %(id)s.") % {"id": pair_id})
    return pair


def _detail(request: AuthedRequest, pair_id: int) -> dict[str, Any]:
    return pair_detail_out(
        pair_overview(request.user, _pair(request, pair_id), with_sessions=False)
    )


def _session(request: AuthedRequest, session_id: int) -> MentoringSession:
    session = (
        MentoringSession.objects.filter(pair__in=Pair.objects.visible_to(request.user))
        .select_related("pair__mentor", "pair__mentee", "pair__programme")
        .prefetch_related("skills")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise NotFound(_("No session with id %(id)s.") % {"id": session_id})
    return session


def _goal(request: AuthedRequest, goal_id: int) -> PairGoal:
    goal = (
        PairGoal.objects.filter(pair__in=Pair.objects.visible_to(request.user))
        .select_related("pair__mentor", "pair__mentee", "skill")
        .filter(pk=goal_id)
        .first()
    )
    if goal is None:
        raise NotFound(_("No goal with id %(id)s.") % {"id": goal_id})
    return goal


def _skills(ids: list[int], field: str = "skill_ids") -> list[Skill]:
    skills = list(Skill.objects.filter(pk__in=ids))
    missing = set(ids) - {s.pk for s in skills}
    if missing:
        raise NotFound(_("No skill with id %(id)s.") % {"id": min(missing)}, field=field)
    return skills


def _session_data(payload: MentoringSessionIn) -> services.SessionData:
    return services.SessionData(
        held_on=payload.held_on,
        minutes=payload.minutes,
        topics=payload.topics,
        private_notes=payload.private_notes,
        skills=_skills(payload.skill_ids),
    )


def _goal_data(payload: PairGoalIn) -> services.GoalData:
    if payload.target_level is not None and payload.skill_id is None:
        raise ServiceError(_("Choose the skill the target level is for."), field="skill_id")
    skill = _skills([payload.skill_id], "skill_id")[0] if payload.skill_id else None
    return services.GoalData(
        title=payload.title,
        skill=skill,
        target_level=payload.target_level,
        progress=payload.progress,
        state=payload.state,
    )


# --- pairs ---------------------------------------------------------------------------------


@router.get("/mentoring/pairs", response={200: list[PairSummaryOut], **ERRORS})
@paginate(Pagination)
def list_pairs(request: AuthedRequest, filters: Query[PairListFilter]) -> QuerySet[Pair]:
    """Pairs you may see: your own (once published), your reporting line's; HR every pair.
    Newest first."""
    qs = _pairs(request)
    if filters.programme is not None:
        qs = qs.filter(programme_id=filters.programme)
    if filters.state is not None:
        qs = qs.filter(state=filters.state)
    if filters.origin is not None:
        qs = qs.filter(origin=filters.origin)
    if filters.person is not None:
        qs = qs.filter(mentor_id=filters.person) | qs.filter(mentee_id=filters.person)
    return qs.order_by("-created_at", "-id")


@router.get("/mentoring/pairs/{pair_id}", response={200: PairDetailOut, **ERRORS})
def read_pair(request: AuthedRequest, pair_id: Path[Id]) -> dict[str, Any]:
    """A pair with the matcher's reasons, focus skills (the mentee's level and the target),
    goals, and the feedback you may read. Sessions: ``/sessions``."""
    return _detail(request, pair_id)


@router.post("/mentoring/pairs/{pair_id}/end", response={200: PairDetailOut, **WITH_CONFLICT})
def end_pair(request: AuthedRequest, pair_id: Path[Id]) -> dict[str, Any]:
    """End an active pair (either side, or an HR admin); both are asked for feedback."""
    services.end_pair(actor=request.user, pair=_pair(request, pair_id))
    return _detail(request, pair_id)


@router.post(
    "/mentoring/pairs/{pair_id}/feedback", response={201: PairFeedbackOut, **WITH_CONFLICT}
)
def give_feedback(
    request: AuthedRequest, pair_id: Path[Id], payload: PairFeedbackIn
) -> Status[Any]:
    """Your feedback on an ended pair, once: satisfaction 1–5 and a comment (read by HR)."""
    feedback = services.give_feedback(
        actor=request.user,
        pair=_pair(request, pair_id),
        rating=payload.rating,
        comment=payload.comment,
    )
    return Status(201, feedback_out(feedback))


# --- sessions ------------------------------------------------------------------------------


@router.get(
    "/mentoring/pairs/{pair_id}/sessions", response={200: list[MentoringSessionOut], **ERRORS}
)
@paginate(Pagination)
def list_sessions(request: AuthedRequest, pair_id: Path[Id]) -> QuerySet[MentoringSession]:
    """A pair's sessions, newest first. ``private_notes`` is null unless you are in the pair."""
    pair = _pair(request, pair_id)
    return (
        MentoringSession.objects.filter(pair=pair)
        .select_related("pair__mentor", "pair__mentee")
        .prefetch_related("skills")
        .order_by("-held_on", "-id")
    )


@router.post(
    "/mentoring/pairs/{pair_id}/sessions", response={201: MentoringSessionOut, **WITH_CONFLICT}
)
def log_session(
    request: AuthedRequest, pair_id: Path[Id], payload: MentoringSessionIn
) -> Status[Any]:
    """Log a session of an active pair (either side)."""
    session = services.log_session(
        actor=request.user, pair=_pair(request, pair_id), data=_session_data(payload)
    )
    return Status(201, _session(request, session.pk))


@router.put(
    "/mentoring/sessions/{session_id}", response={200: MentoringSessionOut, **WITH_CONFLICT}
)
def update_session(
    request: AuthedRequest, session_id: Path[Id], payload: MentoringSessionIn
) -> MentoringSession:
    services.update_session(
        actor=request.user, session=_session(request, session_id), data=_session_data(payload)
    )
    return _session(request, session_id)


@router.delete("/mentoring/sessions/{session_id}", response={204: None, **WITH_CONFLICT})
def delete_session(request: AuthedRequest, session_id: Path[Id]) -> Status[None]:
    services.delete_session(actor=request.user, session=_session(request, session_id))
    return Status(204, None)


# --- goals ---------------------------------------------------------------------------------


@router.post("/mentoring/pairs/{pair_id}/goals", response={201: PairGoalOut, **WITH_CONFLICT})
def add_goal(request: AuthedRequest, pair_id: Path[Id], payload: PairGoalIn) -> Status[Any]:
    """Add a goal to an active pair (either side)."""
    goal = services.add_goal(
        actor=request.user, pair=_pair(request, pair_id), data=_goal_data(payload)
    )
    return Status(201, goal_out(goal, False))


@router.put("/mentoring/pair-goals/{goal_id}", response={200: PairGoalOut, **WITH_CONFLICT})
def update_goal(request: AuthedRequest, goal_id: Path[Id], payload: PairGoalIn) -> dict[str, Any]:
    goal = services.update_goal(
        actor=request.user, goal=_goal(request, goal_id), data=_goal_data(payload)
    )
    return goal_out(goal, False)


@router.delete("/mentoring/pair-goals/{goal_id}", response={204: None, **WITH_CONFLICT})
def delete_goal(request: AuthedRequest, goal_id: Path[Id]) -> Status[None]:
    services.delete_goal(actor=request.user, goal=_goal(request, goal_id))
    return Status(204, None)


# --- cross-training ------------------------------------------------------------------------


@router.get(
    "/mentoring/cross-training/proposals",
    response={200: list[CrossTrainingProposalOut], **ERRORS},
)
@paginate(Pagination)
def cross_training_proposals(
    request: AuthedRequest, filters: Query[CrossTrainingProposalFilter]
) -> list[ct.Proposal]:
    """At-risk skills with a single holder in your scope (HR: everyone; managers: their
    reporting line), holders leaving first, with the learners proposed and other candidates."""
    return ct.filter_proposals(ct.proposals(request.user), q=filters.q, critical=filters.critical)


@router.post("/mentoring/cross-training", response={201: PairDetailOut, **WITH_CONFLICT})
def start_cross_training(request: AuthedRequest, payload: CrossTrainingIn) -> Status[Any]:
    """Accept a proposal: the holder teaches the learner; both are asked to accept."""
    ct.scope(request.user)
    skill = _skills([payload.skill_id], "skill_id")[0]
    people = {p.pk: p for p in Person.objects.filter(pk__in=[payload.mentor_id, payload.mentee_id])}
    for pid, field in ((payload.mentor_id, "mentor_id"), (payload.mentee_id, "mentee_id")):
        if pid not in people:
            raise NotFound(_("No person with id %(id)s.") % {"id": pid}, field=field)
    pair = ct.start(
        actor=request.user,
        skill=skill,
        mentor=people[payload.mentor_id],
        mentee=people[payload.mentee_id],
    )
    return Status(201, _detail(request, pair.pk))


@router.get("/mentoring/cross-training/pairs", response={200: list[CrossTrainingPairOut], **ERRORS})
@paginate(Pagination)
def cross_training_pairs(
    request: AuthedRequest, filters: Query[CrossTrainingFilter]
) -> list[dict[str, Any]]:
    """Cross-training pairs you may see with the learner's progress; ``cleared`` once the
    learner reaches the target (managers see levels only of people whose levels they may see)."""
    ct.scope(request.user)
    rows = ct.rows(
        request.user, ct.RowFilters(q=filters.q, state=filters.state, cleared=filters.cleared)
    )
    out = []
    for p in rows:
        visible = p.level_visible  # type: ignore[attr-defined]
        raw = p.learner_level  # type: ignore[attr-defined]
        level = raw if visible and raw >= 0 else None
        out.append(
            {
                "id": p.pk,
                "programme_id": p.programme_id,
                "skill_id": p.skill_id,
                "skill_name": p.skill.name if p.skill else None,
                "mentor_id": p.mentor_id,
                "mentor_name": p.mentor.full_name,
                "mentee_id": p.mentee_id,
                "mentee_name": p.mentee.full_name,
                "state": p.state,
                "target_level": p.target_level,
                "learner_level": level,
                "progress": ct.progress_percent(level, p.target_level) if visible else None,
                "cleared": bool(p.cleared) if visible else None,  # type: ignore[attr-defined]
                "created_at": p.created_at,
                "started_at": p.started_at,
            }
        )
    return out


# --- metrics -------------------------------------------------------------------------------


def _metrics(request: AuthedRequest, programme_id: int) -> m.Metrics:
    m.scope(request.user)
    programme = Programme.objects.visible_to(request.user).filter(pk=programme_id).first()
    if programme is None:
        raise NotFound(_("No programme with id %(id)s.") % {"id": programme_id})
    return m.programme_metrics(user=request.user, programme=programme)


@router.get(
    "/mentoring/programmes/{programme_id}/metrics",
    response={200: ProgrammeMetricsOut, **ERRORS},
)
def programme_metrics(request: AuthedRequest, programme_id: Path[Id]) -> dict[str, Any]:
    """Share matched, active pairs, sessions per pair per month, satisfaction, goal progress
    and the mentees' level change against a comparison group, with each figure's definition.
    HR admins: the whole programme; managers: their reporting line."""
    x = _metrics(request, programme_id)
    lv = x.level
    return {
        "programme_id": x.programme.pk,
        "whole_organisation": x.whole,
        "participants": x.participants,
        "matched": x.matched,
        "share_matched": x.share_matched,
        "pairs_by_state": x.pairs_by_state,
        "active_pairs": x.active_pairs,
        "sessions": x.sessions,
        "pair_months": x.months,
        "sessions_per_pair_month": x.sessions_per_pair_month,
        "satisfaction_mean": x.satisfaction_mean,
        "satisfaction_n": x.satisfaction_n,
        "satisfaction_counts": x.satisfaction_counts,
        "satisfaction_hidden": x.satisfaction_hidden,
        "goals": x.goals,
        "goals_achieved": x.goals_achieved,
        "goal_progress": x.goal_progress,
        "level_change": {
            "mentees": lv.mentees,
            "mentee_mean": lv.mentee_mean,
            "compared": lv.compared,
            "comparison_people": lv.comparison_people,
            "comparison_mean": lv.comparison_mean,
            "difference": lv.difference,
            "p_value": lv.p_value,
        },
        "definitions": {k: str(v) for k, v in m.DEFINITIONS.items()},
    }


@router.get(
    "/mentoring/programmes/{programme_id}/metrics/pairs",
    response={200: list[MetricsPairOut], **ERRORS},
)
@paginate(Pagination)
def programme_metrics_pairs(
    request: AuthedRequest, programme_id: Path[Id], filters: Query[MetricsPairFilter]
) -> list[m.PairRow]:
    """The programme's pairs with sessions, goals and level changes (as on the metrics page)."""
    x = _metrics(request, programme_id)
    return m.filter_rows(x.rows, q=filters.q, state=filters.state)
