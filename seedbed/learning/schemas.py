"""API schemas of the learning app.

Catalogue and doing the learning (items, prerequisites, sessions, enrolments, sign-off, hours)
first; other areas append theirs below.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from seedbed.learning.models import EnrolmentStatus, Format, Kind, SignOffDecision
from seedbed.lib.schemas import AwareDatetime, Id, In, Text, Url, omittable

# --- catalogue ---------------------------------------------------------------------------


class ItemSkillOut(Schema):
    skill_id: int
    skill_name: str
    level: int = Field(description="The level the item brings a learner to.")

    @staticmethod
    def resolve_skill_name(obj: Any) -> str:
        return str(obj.skill.name)


def _item_skills(obj: Any) -> list[Any]:
    found = getattr(obj, "skill_list", None)
    if found is None:
        found = list(obj.skills.select_related("skill").order_by("skill__name"))
    return list(found)


class LearningItemOut(Schema):
    id: int
    code: str | None
    title: str
    kind: Kind
    description: str
    url: str
    provider: str
    format: Format
    language: str
    duration_hours: float
    cost: float
    is_free: bool = Field(description="Cost 0: free and low-cost resources are first-class.")
    requires_approval: bool = Field(
        description="People who enrol themselves wait for their manager's approval."
    )
    is_active: bool
    created_at: datetime
    skills: list[ItemSkillOut]

    @staticmethod
    def resolve_skills(obj: Any) -> list[Any]:
        return _item_skills(obj)


class PrerequisiteOut(Schema):
    id: int
    requires_item_id: int | None = Field(description="Another item to complete first, or")
    requires_item_title: str | None
    requires_skill_id: int | None = Field(description="a skill held at requires_level.")
    requires_skill_name: str | None
    requires_level: int | None

    @staticmethod
    def resolve_requires_item_title(obj: Any) -> str | None:
        return obj.requires_item.title if obj.requires_item_id else None

    @staticmethod
    def resolve_requires_skill_name(obj: Any) -> str | None:
        return obj.requires_skill.name if obj.requires_skill_id else None


class SessionOut(Schema):
    id: int
    item_id: int
    starts_at: datetime
    ends_at: datetime
    location: str
    seats: int
    taken: int = Field(description="Seats booked (requests waiting for approval included).")
    free: int


class ItemDetailOut(LearningItemOut):
    prerequisites: list[PrerequisiteOut]
    sessions: list[SessionOut]

    @staticmethod
    def resolve_prerequisites(obj: Any) -> list[Any]:
        return list(obj.prerequisites_out)

    @staticmethod
    def resolve_sessions(obj: Any) -> list[Any]:
        return list(obj.sessions_out)


class ItemFilter(In):
    q: Text | None = Field(
        None, max_length=100, description="Words in title, provider, description."
    )
    kind: Kind | None = None
    skill_id: Id | None = Field(None, description="Items that develop this skill.")
    format: Format | None = None
    language: Text | None = Field(None, max_length=8)
    free: bool | None = Field(None, description="true: only items that cost nothing.")
    max_cost: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    archived: bool = Field(False, description="true: the archived items instead.")


class ItemSkillIn(In):
    skill_id: Id
    level: int = Field(ge=1, le=10, description="Within the skill's scale.")


class ItemCreateIn(In):
    code: Text | None = Field(None, max_length=64, description="Your reference (unique).")
    title: Text = Field(min_length=1, max_length=200)
    kind: Kind
    description: Text = Field("", max_length=10000)
    url: Url = ""
    provider: Text = Field("", max_length=200)
    format: Format = Format.ONLINE
    language: Text = Field("en", min_length=2, max_length=8)
    duration_hours: Decimal = Field(Decimal(1), ge=0, max_digits=6, decimal_places=1)
    cost: Decimal = Field(Decimal(0), ge=0, max_digits=10, decimal_places=2)
    requires_approval: bool = False
    skills: list[ItemSkillIn] = Field(default_factory=list, max_length=50)


class ItemUpdateIn(In):
    """Only the fields you send change; ``skills`` replaces the whole list."""

    code: Text | None = Field(None, max_length=64, description="null clears it.")
    title: Text = omittable(min_length=1, max_length=200)
    kind: Kind = omittable()
    description: Text = omittable(max_length=10000)
    url: Url = omittable()
    provider: Text = omittable(max_length=200)
    format: Format = omittable()
    language: Text = omittable(min_length=2, max_length=8)
    duration_hours: Decimal = omittable(ge=0, max_digits=6, decimal_places=1)
    cost: Decimal = omittable(ge=0, max_digits=10, decimal_places=2)
    requires_approval: bool = omittable()
    is_active: bool = omittable(description="false archives the item.")
    skills: list[ItemSkillIn] = omittable(max_length=50)


class PrerequisiteIn(In):
    requires_item_id: Id | None = Field(None, description="Another item, or")
    requires_skill_id: Id | None = Field(None, description="a skill, with")
    requires_level: int | None = Field(None, ge=0, le=10)


class SessionIn(In):
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    location: Text = Field("", max_length=200)
    seats: int = Field(ge=1, le=10000)


# --- enrolments --------------------------------------------------------------------------


class SignOffOut(Schema):
    id: int
    enrolment_id: int
    assessor_id: int
    assessor_name: str
    decision: SignOffDecision
    level: int | None
    note: str
    decided_at: datetime | None

    @staticmethod
    def resolve_assessor_name(obj: Any) -> str:
        return str(obj.assessor.full_name)


class EnrolmentOut(Schema):
    id: int
    person_id: int
    person_name: str
    item_id: int
    item_title: str
    item_kind: Kind
    session_id: int | None
    session_starts_at: datetime | None
    plan_id: int | None
    status: EnrolmentStatus
    created_at: datetime
    decided_at: datetime | None
    decision_note: str
    due_date: date | None
    progress: int
    attended: bool | None
    completed_at: datetime | None
    usefulness: int | None
    applicability: int | None
    would_recommend: bool | None
    reaction_comment: str
    pre_score: float | None
    post_score: float | None

    @staticmethod
    def resolve_person_name(obj: Any) -> str:
        return str(obj.person.full_name)

    @staticmethod
    def resolve_item_title(obj: Any) -> str:
        return str(obj.item.title)

    @staticmethod
    def resolve_item_kind(obj: Any) -> str:
        return str(obj.item.kind)

    @staticmethod
    def resolve_session_starts_at(obj: Any) -> datetime | None:
        return obj.session.starts_at if obj.session_id else None


class EnrolmentDetailOut(EnrolmentOut):
    signoffs: list[SignOffOut] = Field(description="On-the-job tasks: the named assessors.")
    unmet_prerequisites: list[str]

    @staticmethod
    def resolve_signoffs(obj: Any) -> list[Any]:
        return list(obj.signoffs_out)

    @staticmethod
    def resolve_unmet_prerequisites(obj: Any) -> list[str]:
        return list(obj.unmet_out)


class EnrolmentFilter(In):
    person_id: Id | None = None
    item_id: Id | None = None
    status: EnrolmentStatus | None = None
    open: bool | None = Field(None, description="true: only enrolments not finished yet.")


class EnrolIn(In):
    item_id: Id
    person_id: Id | None = Field(
        None, description="Someone in your reporting line (HR: anyone); default yourself."
    )
    session_id: Id | None = Field(None, description="Required when the item has upcoming sessions.")
    due_date: date | None = None


class ProgressIn(In):
    progress: int = Field(ge=0, le=100)


class DueDateIn(In):
    due_date: date | None


class AttendanceIn(In):
    attended: bool


class ReactionIn(In):
    """The reaction survey (all optional) and pre/post assessment scores."""

    usefulness: int | None = Field(None, ge=1, le=5)
    applicability: int | None = Field(None, ge=1, le=5)
    would_recommend: bool | None = None
    comment: Text = Field("", max_length=2000)
    pre_score: Decimal | None = Field(None, ge=0, le=100, max_digits=4, decimal_places=1)
    post_score: Decimal | None = Field(None, ge=0, le=100, max_digits=4, decimal_places=1)


class DecisionIn(In):
    approve: bool
    note: Text = Field("", max_length=500, description="Needed to reject.")


class AssessorIn(In):
    person_id: Id


class SignOffQueueOut(SignOffOut):
    person_id: int
    person_name: str
    item_id: int
    item_title: str

    @staticmethod
    def resolve_person_id(obj: Any) -> int:
        return int(obj.enrolment.person_id)

    @staticmethod
    def resolve_person_name(obj: Any) -> str:
        return str(obj.enrolment.person.full_name)

    @staticmethod
    def resolve_item_id(obj: Any) -> int:
        return int(obj.enrolment.item_id)

    @staticmethod
    def resolve_item_title(obj: Any) -> str:
        return str(obj.enrolment.item.title)


class SignOffIn(In):
    passed: bool = Field(description="true: signed off (give level); false: not yet (give note).")
    level: int | None = Field(None, ge=0, le=10)
    note: Text = Field("", max_length=2000)


# --- hours -------------------------------------------------------------------------------


class HoursOut(Schema):
    id: int
    person_id: int
    person_name: str
    enrolment_id: int | None
    date: date
    hours: float
    note: str
    created_at: datetime

    @staticmethod
    def resolve_person_name(obj: Any) -> str:
        return str(obj.person.full_name)


class HoursFilter(In):
    person_id: Id | None = None
    month: str | None = Field(None, pattern=r"^[1-9]\d{3}-(0[1-9]|1[0-2])$", description="YYYY-MM")


class HoursIn(In):
    date: date
    hours: Decimal = Field(gt=0, le=24, max_digits=4, decimal_places=2)
    enrolment_id: Id | None = None
    note: Text = Field("", max_length=300)
    person_id: Id | None = Field(None, description="Default yourself; managers their line.")


class MonthHoursOut(Schema):
    person_id: int
    year: int
    month: int
    logged: float
    allowance: float = Field(description="The organisation's learning hours per month.")
    remaining: float
    percent: int


# --- role and career paths, personal learning plans (paths area) -----------------------------

from typing import Literal  # noqa: E402 - this area's section is appended to the module


class PathFilter(In):
    q: Text | None = Field(None, max_length=100, description="Part of the path's or role's name.")
    role_id: Id | None = Field(None, description="Only paths leading to this role.")


class PathPersonFilter(In):
    person_id: Id | None = Field(
        None, description="Mark the steps this person completed (someone whose levels you see)."
    )


class PathStepOut(Schema):
    position: int
    item_id: int
    item_title: str
    kind: Kind
    format: Format
    language: str
    duration_hours: float
    cost: float
    is_active: bool
    requires_item_ids: list[int] = Field(description="Items that must come before this step.")
    completed: bool | None = Field(description="Whether person_id completed it (null: no person).")


class LearningPathOut(Schema):
    id: int
    name: str
    description: str
    role_id: int | None
    role_name: str | None
    step_count: int
    total_hours: float
    total_cost: float
    steps: list[PathStepOut]
    person_id: int | None
    completed_steps: int | None


class LearningPathListOut(Schema):
    id: int
    name: str
    description: str
    role_id: int | None
    role_name: str | None
    step_count: int
    total_hours: float
    total_cost: float

    @staticmethod
    def resolve_role_name(obj: Any) -> str | None:
        return obj.role.name if obj.role_id else None


class LearningPathIn(In):
    name: Text = Field(min_length=1, max_length=200)
    description: Text = Field("", max_length=5000)
    role_id: Id | None = Field(None, description="The role the path leads to.")


class LearningPathUpdateIn(In):
    """Only the fields you send change; send role_id null to unlink the role."""

    name: Text = omittable(min_length=1, max_length=200)
    description: Text = omittable(max_length=5000)
    role_id: Id | None = None


class PathStepsIn(In):
    item_ids: list[Id] = Field(
        max_length=200,
        description="Every step in order; each item's prerequisite items must come before it.",
    )


class TargetSkillIn(In):
    skill_id: Id
    level: int = Field(ge=0, le=100)


class ProposalIn(In):
    target: Literal["current_role", "target_role", "skills"] = Field(
        description="Plan towards the person's current role, target role, or chosen skills."
    )
    skills: list[TargetSkillIn] = Field(
        default_factory=list, max_length=50, description="For target 'skills'."
    )
    objective: Literal["time", "cost"] = Field(
        "time", description="Minimise total hours (ties: cost) or total cost (ties: hours)."
    )
    budget: Decimal | None = Field(
        None, ge=0, le=Decimal("99999999.99"), max_digits=10, decimal_places=2
    )
    formats: list[Format] | None = Field(
        None, min_length=1, description="Allowed formats; default all."
    )


class MentorOut(Schema):
    person_id: int
    name: str
    level: int


class UncoveredGapOut(Schema):
    skill_id: int
    skill_name: str
    current: int | None
    target: int
    reason: Literal["no_item", "preferences", "completed", "prerequisites", "budget"]
    reason_text: str
    mentors: list[MentorOut] = Field(
        description="Colleagues at the level (among the people whose levels you may see)."
    )


class PlanItemOut(Schema):
    position: int
    item_id: int
    item_title: str
    kind: Kind
    format: Format
    language: str
    duration_hours: float
    cost: float
    reason: str
    enrolment_id: int | None
    enrolment_status: EnrolmentStatus | None


class TargetSkillOut(Schema):
    skill_id: int
    skill_name: str
    level: int


class LearningPlanOut(Schema):
    id: int
    person_id: int
    person_name: str
    status: Literal["proposed", "accepted", "done", "dropped"]
    target_role_id: int | None
    target_role_name: str | None
    target_skills: list[TargetSkillOut]
    objective: Literal["time", "cost"]
    budget: float | None
    total_hours: float
    total_cost: float
    created_at: datetime
    accepted_at: datetime | None
    items: list[PlanItemOut]
    uncovered: list[UncoveredGapOut]


class LearningPlanSummaryOut(Schema):
    id: int
    status: Literal["proposed", "accepted", "done", "dropped"]
    target_role_id: int | None
    target_role_name: str | None
    objective: Literal["time", "cost"]
    budget: float | None
    total_hours: float
    total_cost: float
    item_count: int
    uncovered_count: int
    created_at: datetime
    accepted_at: datetime | None

    @staticmethod
    def resolve_target_role_name(obj: Any) -> str | None:
        return obj.target_role.name if obj.target_role_id else None

    @staticmethod
    def resolve_uncovered_count(obj: Any) -> int:
        return len(obj.uncovered)


class NotEnrolledOut(Schema):
    item_id: int
    item_title: str
    reason: str


class PlanAcceptOut(Schema):
    plan: LearningPlanOut
    enrolled_item_ids: list[int]
    not_enrolled: list[NotEnrolledOut] = Field(
        description="Items the enrolment service refused (e.g. a session to choose first)."
    )
