"""API schemas for mentoring programmes, sign-up, matching (proposal, review, publishing),
answers and self-service requests. Inputs forbid unknown fields; outputs list their fields."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from seedbed.lib.schemas import Id, In, Text
from seedbed.mentoring.models import (
    Answer,
    MentorRequestState,
    Objective,
    PairOrigin,
    PairState,
    ParticipantRole,
    ProgrammeKind,
    ProgrammeState,
    Purpose,
    TeamPreference,
)


class ProgrammeWeightsIn(In):
    """The six pair-score weights, each 0–1, not all 0; saved scaled to add up to 1."""

    skills: float = Field(ge=0, le=1, description="Skill complementarity.")
    goals: float = Field(ge=0, le=1, description="Goal fit.")
    language: float = Field(ge=0, le=1, description="Shared language.")
    timezone: float = Field(ge=0, le=1, description="Time-zone overlap.")
    teams: float = Field(ge=0, le=1, description="Team preference.")
    seniority: float = Field(ge=0, le=1, description="Seniority direction.")


class ProgrammeIn(In):
    name: Text = Field(min_length=1, max_length=200)
    description: Text = Field("", max_length=5000)
    purpose: Purpose = Purpose.GENERAL
    kind: ProgrammeKind = ProgrammeKind.COHORT
    starts_on: date | None = None
    ends_on: date | None = Field(None, description="After starts_on.")
    duration_weeks: int = Field(12, ge=1, le=260)
    weights: ProgrammeWeightsIn | None = Field(
        None, description="Omitted: the defaults (new) or unchanged (update)."
    )
    objective: Objective = Objective.QUALITY
    team_preference: TeamPreference = TeamPreference.CROSS
    require_shared_language: bool = True
    min_score: float = Field(0.0, ge=0, le=1)
    quiet_after_days: int = Field(30, ge=1, le=365)
    skill_ids: list[Id] = Field(default_factory=list, max_length=50, description="Skills in scope.")
    eligible_team_ids: list[Id] = Field(
        default_factory=list, max_length=200, description="None (with no roles): everyone."
    )
    eligible_role_ids: list[Id] = Field(default_factory=list, max_length=200)


class ProgrammeStateIn(In):
    state: ProgrammeState


class ProgrammeFilter(In):
    q: Text = Field("", max_length=100, description="Words in the name or description.")
    purpose: Purpose | None = None
    state: ProgrammeState | None = None
    kind: ProgrammeKind | None = None
    joined: bool | None = Field(None, description="Only programmes you joined.")


class ProgrammeWeightOut(Schema):
    key: str
    label: str
    explanation: str
    value: float


class ProgrammeOut(Schema):
    id: int
    name: str
    description: str
    purpose: Purpose
    kind: ProgrammeKind
    state: ProgrammeState
    starts_on: date | None
    ends_on: date | None
    duration_weeks: int
    skill_ids: list[int]
    eligible_team_ids: list[int]
    eligible_role_ids: list[int]
    weights: list[ProgrammeWeightOut] = Field(description="Each factor with what it measures.")
    objective: Objective
    team_preference: TeamPreference
    require_shared_language: bool
    min_score: float
    quiet_after_days: int
    mentor_count: int
    mentee_count: int
    active_pairs: int
    joined: bool = Field(description="You have signed up.")
    created_at: datetime
    matched_at: datetime | None
    published_at: datetime | None

    # Read from a programme of ``programmes_for`` (counts annotated, relations prefetched).
    @staticmethod
    def resolve_skill_ids(obj: Any) -> list[int]:
        return sorted(s.pk for s in obj.skills.all())

    @staticmethod
    def resolve_eligible_team_ids(obj: Any) -> list[int]:
        return sorted(t.pk for t in obj.eligible_teams.all())

    @staticmethod
    def resolve_eligible_role_ids(obj: Any) -> list[int]:
        return sorted(r.pk for r in obj.eligible_roles.all())

    @staticmethod
    def resolve_weights(obj: Any) -> list[dict[str, Any]]:
        from seedbed.mentoring.services.programmes import WEIGHT_FACTORS

        return [
            {
                "key": f.key,
                "label": str(f.label),
                "explanation": str(f.explanation),
                "value": float(obj.weights.get(f.key, 0.0)),
            }
            for f in WEIGHT_FACTORS
        ]


class ProgrammeParticipationIn(In):
    role: ParticipantRole
    capacity: int = Field(1, ge=0, le=10, description="Mentees you can take (mentors).")
    availability: Text = Field("", max_length=200)
    hours_per_month: int = Field(2, ge=0, le=160)
    languages: Text | None = Field(
        None, max_length=200, description="Comma-separated; omitted: from your profile."
    )
    timezone: Text | None = Field(
        None, max_length=64, description="IANA name; omitted: from your profile."
    )
    goals: Text = Field("", max_length=2000)
    wants_skill_ids: list[Id] = Field(default_factory=list, max_length=30)
    offers_skill_ids: list[Id] = Field(default_factory=list, max_length=30)
    excluded_ids: list[Id] = Field(
        default_factory=list, max_length=50, description="People never to be matched with."
    )
    person_id: Id | None = Field(None, description="HR only: sign up someone else.")


class ProgrammeParticipantFilter(In):
    q: Text = Field("", max_length=100, description="Words in the name or email.")
    role: ParticipantRole | None = None
    team_id: Id | None = None
    skill: Text = Field("", max_length=100, description="Offers a skill with these words.")
    paired: bool | None = Field(None, description="Has a live pair (as mentor or mentee).")


class ProgrammeMentorOut(Schema):
    """A mentor as every participant sees them."""

    person_id: int
    person_name: str
    team: str | None
    capacity: int
    mentees_now: int
    availability: str
    languages: str
    timezone: str
    offers_skill_ids: list[int]

    # Read from a participant of ``participants_of`` (annotated and prefetched).
    @staticmethod
    def resolve_person_name(obj: Any) -> str:
        return str(obj.person.full_name)

    @staticmethod
    def resolve_team(obj: Any) -> str | None:
        return obj.person.team.name if obj.person.team_id else None

    @staticmethod
    def resolve_mentees_now(obj: Any) -> int:
        return int(obj.mentoring)

    @staticmethod
    def resolve_offers_skill_ids(obj: Any) -> list[int]:
        return sorted(s.pk for s in obj.offers_skills.all())


class ProgrammeParticipantOut(ProgrammeMentorOut):
    """Everything a person said when joining (HR, and the person themselves)."""

    id: int
    role: ParticipantRole
    has_mentor: bool
    hours_per_month: int
    goals: str
    wants_skill_ids: list[int]
    excluded_ids: list[int]
    joined_at: datetime

    @staticmethod
    def resolve_has_mentor(obj: Any) -> bool:
        return bool(obj.mentored)

    @staticmethod
    def resolve_wants_skill_ids(obj: Any) -> list[int]:
        return sorted(s.pk for s in obj.wants_skills.all())

    @staticmethod
    def resolve_excluded_ids(obj: Any) -> list[int]:
        return sorted(p.pk for p in obj.excluded.all())


class MatchReasonOut(Schema):
    factor: str
    value: float = Field(description="The factor's score, 0–1.")
    text: str = Field(description="The reason in words.")
    detail: dict[str, Any]


class MatchedPairOut(Schema):
    id: int
    programme_id: int | None
    mentor_id: int
    mentor_name: str
    mentee_id: int
    mentee_name: str
    state: PairState
    origin: PairOrigin
    score: float
    reasons: list[MatchReasonOut] = Field(description="The three strongest, strongest first.")
    weakest: MatchReasonOut | None
    focus_skill_ids: list[int]
    locked: bool
    mentor_answer: Answer
    mentee_answer: Answer
    created_at: datetime
    published_at: datetime | None
    started_at: datetime | None

    # Read from a pair with mentor and mentee loaded and focus skills prefetched.
    @staticmethod
    def resolve_mentor_name(obj: Any) -> str:
        return str(obj.mentor.full_name)

    @staticmethod
    def resolve_mentee_name(obj: Any) -> str:
        return str(obj.mentee.full_name)

    @staticmethod
    def resolve_reasons(obj: Any) -> list[dict[str, Any]]:
        return [reason_out(r) for r in (obj.reasons or [])[:3] if r]

    @staticmethod
    def resolve_weakest(obj: Any) -> dict[str, Any] | None:
        return reason_out(obj.weakest) if obj.weakest else None

    @staticmethod
    def resolve_focus_skill_ids(obj: Any) -> list[int]:
        return sorted(s.pk for s in obj.focus_skills.all())


def reason_out(reason: dict[str, Any]) -> dict[str, Any]:
    from seedbed.mentoring.matching import describe

    return {
        "factor": str(reason.get("factor", "")),
        "value": float(reason.get("value", 0.0)),
        "text": describe(reason),
        "detail": dict(reason.get("detail") or {}),
    }


class UnmatchedPersonOut(Schema):
    person_id: int
    person_name: str
    side: Literal["mentor", "mentee"]
    reason: str


class MatchingProposalOut(Schema):
    programme_id: int
    objective: Objective = Field(description="Of the last run (else the programme's).")
    ran_at: datetime | None
    seconds: float | None
    mentees: int
    mentees_matched: int
    mentors: int
    capacity: int
    capacity_used: int
    total_score: float = Field(description="Sum of the scores of live pairs.")
    proposed: list[MatchedPairOut]
    unmatched: list[UnmatchedPersonOut]


class MatchingRunIn(In):
    objective: Objective | None = Field(None, description="Omitted: the programme's.")


class PairLockIn(In):
    locked: bool


class PairSwapIn(In):
    mentor_id: Id


class MatchingPublishedOut(Schema):
    published: int


class PairAnswerIn(In):
    answer: Literal["accept", "decline"]


class MatchedPairFilter(In):
    state: PairState | None = None


class MentorRequestIn(In):
    mentor_id: Id
    programme_id: Id | None = Field(None, description="Omitted: outside any programme.")
    skill_id: Id | None = None
    message: Text = Field("", max_length=2000)


class MentorRequestFilter(In):
    direction: Literal["received", "sent"] | None = None
    state: MentorRequestState | None = None


class MentorRequestPreviewFilter(In):
    mentor: Id
    programme: Id | None = None


class MentorRequestPreviewOut(Schema):
    allowed: bool
    problem: str = Field(description="The hard rule the request would break.")
    score: float | None
    reasons: list[str]
    weakest: str


class MentorRequestOut(Schema):
    id: int
    programme_id: int | None
    mentor_id: int
    mentor_name: str
    mentee_id: int
    mentee_name: str
    skill_id: int | None
    message: str
    state: MentorRequestState
    pair_id: int | None
    created_at: datetime
    answered_at: datetime | None

    @staticmethod
    def resolve_mentor_name(obj: Any) -> str:
        return str(obj.mentor.full_name)

    @staticmethod
    def resolve_mentee_name(obj: Any) -> str:
        return str(obj.mentee.full_name)
