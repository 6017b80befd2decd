"""API schemas of the pairs area: a pair in detail, sessions, goals, feedback, cross-training
and programme metrics."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from seedbed.lib.schemas import Id, In, Text
from seedbed.mentoring.models import Answer, PairGoalState, PairOrigin, PairState
from seedbed.mentoring.services.pairs import side_of


class PairReasonOut(Schema):
    factor: str
    value: float = Field(description="The factor's score, 0–1.")
    text: str = Field(description="The reason in words.")
    detail: dict[str, Any]


def reason_out(reason: dict[str, Any]) -> dict[str, Any]:
    """One of the matcher's stored reasons with its sentence (``matching.describe``)."""
    from seedbed.mentoring.matching import describe

    return {
        "factor": str(reason.get("factor", "")),
        "value": float(reason.get("value", 0.0)),
        "text": describe(reason),
        "detail": dict(reason.get("detail") or {}),
    }


class PairSummaryOut(Schema):
    """A pair in a list (detail: ``PairDetailOut``)."""

    id: int
    programme_id: int | None
    mentor_id: int
    mentor_name: str
    mentee_id: int
    mentee_name: str
    state: PairState
    origin: PairOrigin
    skill_id: int | None
    target_level: int | None
    score: float
    created_at: datetime
    published_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    last_activity_at: datetime | None

    @staticmethod
    def resolve_mentor_name(obj: Any) -> str:
        return str(obj.mentor.full_name)

    @staticmethod
    def resolve_mentee_name(obj: Any) -> str:
        return str(obj.mentee.full_name)


class PairFocusOut(Schema):
    skill_id: int
    skill_name: str
    level: int | None = Field(description="The mentee's current level (None: unrated or hidden).")
    target: int | None = Field(description="The level aimed at (None: none known).")


class PairGoalOut(Schema):
    id: int
    pair_id: int
    title: str
    skill_id: int | None
    skill_name: str | None
    target_level: int | None
    current_level: int | None = Field(
        description="The mentee's current level in the goal's skill (None: unrated or hidden)."
    )
    progress: int = Field(description="0–100 %.")
    state: PairGoalState
    updated_at: datetime


class PairFeedbackOut(Schema):
    id: int
    pair_id: int
    author_id: int
    side: str = Field(description="mentor or mentee")
    rating: int = Field(description="Satisfaction 1–5.")
    comment: str
    created_at: datetime


class MentoringSessionOut(Schema):
    id: int
    pair_id: int
    held_on: date
    minutes: int
    topics: str
    private_notes: str | None = Field(
        description="Only for the two people of the pair; null for everyone else."
    )
    skill_ids: list[int]
    created_at: datetime

    @staticmethod
    def resolve_private_notes(obj: Any, context: Any) -> str | None:
        # The session is read with its pair's mentor and mentee.
        request = context["request"]
        return str(obj.private_notes) if side_of(request.user, obj.pair) else None

    @staticmethod
    def resolve_skill_ids(obj: Any) -> list[int]:
        return sorted(s.pk for s in obj.skills.all())


class PairDetailOut(Schema):
    id: int
    programme_id: int | None
    programme_name: str | None
    mentor_id: int
    mentor_name: str
    mentee_id: int
    mentee_name: str
    state: PairState
    origin: PairOrigin
    score: float
    reasons: list[PairReasonOut] = Field(description="The three strongest, strongest first.")
    weakest: PairReasonOut | None
    focus_skill_ids: list[int]
    locked: bool
    mentor_answer: Answer
    mentee_answer: Answer
    created_at: datetime
    published_at: datetime | None
    started_at: datetime | None
    skill_id: int | None = Field(description="Cross-training: the at-risk skill.")
    target_level: int | None = Field(
        description="Cross-training: the level the learner must reach."
    )
    ended_at: datetime | None
    last_activity_at: datetime | None
    all_reasons: list[dict[str, Any]] = Field(
        description="Every reason, in words, strongest first."
    )
    focus: list[PairFocusOut]
    goals: list[PairGoalOut]
    feedback: list[PairFeedbackOut] = Field(
        description="Ratings you may read: your own; HR admins all."
    )
    feedback_given: dict[str, bool] = Field(description="Which sides gave feedback.")
    your_side: str | None = Field(description="mentor, mentee or null.")
    may_log_sessions: bool
    may_end: bool
    may_give_feedback: bool


def goal_out(goal: Any, show_levels: bool) -> dict[str, Any]:
    level = getattr(goal, "current_level", -1)
    return {
        "id": goal.pk,
        "pair_id": goal.pair_id,
        "title": goal.title,
        "skill_id": goal.skill_id,
        "skill_name": goal.skill.name if goal.skill else None,
        "target_level": goal.target_level,
        "current_level": level if show_levels and goal.skill_id and level >= 0 else None,
        "progress": goal.progress,
        "state": goal.state,
        "updated_at": goal.updated_at,
    }


def feedback_out(f: Any) -> dict[str, Any]:
    return {
        "id": f.pk,
        "pair_id": f.pair_id,
        "author_id": f.author_id,
        "side": "mentor" if f.author_id == f.pair.mentor_id else "mentee",
        "rating": f.rating,
        "comment": f.comment,
        "created_at": f.created_at,
    }


def pair_detail_out(view: Any) -> dict[str, Any]:
    """A ``selectors.PairOverview`` as ``PairDetailOut``."""
    p = view.pair
    return {
        "id": p.pk,
        "programme_id": p.programme_id,
        "programme_name": p.programme.name if p.programme else None,
        "mentor_id": p.mentor_id,
        "mentor_name": p.mentor.full_name,
        "mentee_id": p.mentee_id,
        "mentee_name": p.mentee.full_name,
        "state": p.state,
        "origin": p.origin,
        "score": p.score,
        "reasons": [reason_out(r) for r in (p.reasons or [])[:3] if r],
        "weakest": reason_out(p.weakest) if p.weakest else None,
        "all_reasons": [reason_out(r) for r in p.reasons or [] if r],
        "focus_skill_ids": sorted(r.skill.pk for r in view.focus),
        "locked": p.locked,
        "mentor_answer": p.mentor_answer,
        "mentee_answer": p.mentee_answer,
        "created_at": p.created_at,
        "published_at": p.published_at,
        "started_at": p.started_at,
        "ended_at": p.ended_at,
        "last_activity_at": p.last_activity_at,
        "skill_id": p.skill_id,
        "target_level": p.target_level,
        "focus": [
            {
                "skill_id": r.skill.pk,
                "skill_name": r.skill.name,
                "level": r.level,
                "target": r.target,
            }
            for r in view.focus
        ],
        "goals": [goal_out(g, view.show_levels) for g in view.goals],
        "feedback": [feedback_out(f) for f in view.feedback],
        "feedback_given": view.feedback_given,
        "your_side": view.side,
        "may_log_sessions": view.may_work,
        "may_end": view.may_end,
        "may_give_feedback": view.may_feedback,
    }


class PairListFilter(In):
    programme: Id | None = None
    state: PairState | None = None
    origin: PairOrigin | None = None
    person: Id | None = Field(None, description="Pairs this person is in (either side).")


class MentoringSessionIn(In):
    held_on: date = Field(description="Not in the future, not before the pair started.")
    minutes: int = Field(ge=1, le=600)
    topics: Text = Field("", max_length=2000)
    private_notes: Text = Field(
        "", max_length=5000, description="Seen only by the two people of the pair."
    )
    skill_ids: list[Id] = Field(default_factory=list, max_length=20)


class PairGoalIn(In):
    title: Text = Field(min_length=1, max_length=200)
    skill_id: Id | None = None
    target_level: int | None = Field(None, ge=0, le=100, description="Needs skill_id.")
    progress: int = Field(0, ge=0, le=100)
    state: PairGoalState = PairGoalState.OPEN


class PairFeedbackIn(In):
    rating: int = Field(ge=1, le=5, description="Satisfaction, 1 (very unsatisfied) to 5.")
    comment: Text = Field("", max_length=2000)


# --- cross-training ------------------------------------------------------------------------


class CrossTrainingCandidateOut(Schema):
    person_id: int
    name: str
    level: int | None
    interest: str | None = Field(description="keen, happy or null (not said).")


class CrossTrainingProposalOut(Schema):
    skill_id: int
    skill_name: str
    critical: bool
    demand: int | None
    holder_id: int
    holder_name: str
    holder_leaving_on: date | None
    target_level: int
    live: int = Field(description="Cross-training pairs already waiting or running.")
    learners: list[CrossTrainingCandidateOut] = Field(description="Proposed, best first.")
    others: list[CrossTrainingCandidateOut] = Field(description="Further candidates.")


class CrossTrainingProposalFilter(In):
    q: Text = Field("", max_length=100, description="Skill, holder or candidate name.")
    critical: bool = Field(False, description="Critical skills only.")


class CrossTrainingIn(In):
    skill_id: Id
    mentor_id: Id = Field(description="The skill's only holder.")
    mentee_id: Id = Field(description="The learner.")


class CrossTrainingFilter(In):
    q: Text = Field("", max_length=100, description="Skill, holder or learner name.")
    state: PairState | None = None
    cleared: bool | None = Field(None, description="The learner has reached the target level.")


class CrossTrainingPairOut(Schema):
    id: int
    programme_id: int | None
    skill_id: int | None
    skill_name: str | None
    mentor_id: int
    mentor_name: str
    mentee_id: int
    mentee_name: str
    state: PairState
    target_level: int | None
    learner_level: int | None = Field(description="None: unrated, or not visible to you.")
    progress: int | None = Field(description="Learner's level as % of the target.")
    cleared: bool | None = Field(description="Reached the target: the risk has cleared.")
    created_at: datetime
    started_at: datetime | None


# --- metrics -------------------------------------------------------------------------------


class LevelChangeOut(Schema):
    mentees: int
    mentee_mean: float | None
    compared: int
    comparison_people: int
    comparison_mean: float | None
    difference: float | None
    p_value: float | None


class ProgrammeMetricsOut(Schema):
    programme_id: int
    whole_organisation: bool = Field(description="False: a manager's reporting line only.")
    participants: int
    matched: int
    share_matched: float | None = Field(description="%")
    pairs_by_state: dict[str, int]
    active_pairs: int
    sessions: int
    pair_months: float
    sessions_per_pair_month: float | None
    satisfaction_mean: float | None
    satisfaction_n: int
    satisfaction_counts: list[int] = Field(description="Ratings 1, 2, 3, 4, 5.")
    satisfaction_hidden: bool = Field(description="Too few answers to show to a manager.")
    goals: int
    goals_achieved: int
    goal_progress: float | None = Field(description="%")
    level_change: LevelChangeOut
    definitions: dict[str, str]


class MetricsPairFilter(In):
    q: Text = Field("", max_length=100)
    state: PairState | None = None


class MetricsPairOut(Schema):
    pair_id: int
    mentor_id: int
    mentor_name: str
    mentee_id: int
    mentee_name: str
    state: PairState
    started_at: datetime | None
    ended_at: datetime | None
    sessions: int
    minutes: int
    per_month: float | None
    goals: int
    goals_achieved: int
    goal_progress: float | None
    level_change: float | None
    comparison_change: float | None
    comparison_people: int
