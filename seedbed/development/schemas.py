"""API schemas for development plans, their goals and reviews."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone
from ninja import Schema
from pydantic import Field

from seedbed.development.models import GoalStatus, PlanState
from seedbed.development.selectors import goal_rows
from seedbed.lib.schemas import Id, In, Text


class GoalOut(Schema):
    id: int
    plan_id: int
    skill_id: int
    skill_name: str
    target_level: int
    current_level: int | None = Field(description="The person's current level (None: unrated).")
    due_date: date | None
    status: GoalStatus
    stalled: bool = Field(
        description="Open, due within 30 days or past due, current level below target."
    )
    note: str
    item_ids: list[int] = Field(description="Catalogue items that serve this goal.")
    updated_at: datetime


class ReviewOut(Schema):
    id: int
    reviewed_on: date
    note: str
    reviewer: str | None
    created_at: datetime

    @staticmethod
    def resolve_reviewer(obj: Any) -> str | None:
        return str(obj.reviewer) if obj.reviewer_id else None


class PlanOut(Schema):
    id: int
    person_id: int
    person_name: str
    title: str
    state: PlanState
    agreed_by: str | None
    agreed_at: datetime | None
    next_review: date | None
    overdue: bool = Field(description="Not closed and the next review date has passed.")
    created_at: datetime

    @staticmethod
    def resolve_person_name(obj: Any) -> str:
        return str(obj.person.full_name)

    @staticmethod
    def resolve_agreed_by(obj: Any) -> str | None:
        return str(obj.agreed_by) if obj.agreed_by_id else None

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        return bool(
            obj.state != PlanState.CLOSED
            and obj.next_review is not None
            and obj.next_review < timezone.localdate()
        )


def goal_out(row: Any) -> dict[str, Any]:
    goal = row.goal
    return {
        "id": goal.pk,
        "plan_id": goal.plan_id,
        "skill_id": goal.skill_id,
        "skill_name": goal.skill.name,
        "target_level": goal.target_level,
        "current_level": row.current,
        "due_date": goal.due_date,
        "status": goal.status,
        "stalled": row.stalled,
        "note": goal.note,
        "item_ids": sorted(i.pk for i in goal.items.all()),
        "updated_at": goal.updated_at,
    }


class PlanDetailOut(PlanOut):
    goals: list[GoalOut]
    reviews: list[ReviewOut] = Field(description="Newest first.")

    @staticmethod
    def resolve_goals(obj: Any) -> list[dict[str, Any]]:
        return [goal_out(row) for row in goal_rows(obj)]

    @staticmethod
    def resolve_reviews(obj: Any) -> list[Any]:
        return list(obj.reviews.select_related("reviewer"))


class StalledGoalOut(Schema):
    id: int
    plan_id: int
    plan_title: str
    person_id: int
    person_name: str
    skill_id: int
    skill_name: str
    target_level: int
    current_level: int | None
    due_date: date

    @staticmethod
    def resolve_plan_title(obj: Any) -> str:
        return str(obj.plan.title)

    @staticmethod
    def resolve_person_id(obj: Any) -> int:
        return int(obj.plan.person_id)

    @staticmethod
    def resolve_person_name(obj: Any) -> str:
        return str(obj.plan.person.full_name)

    @staticmethod
    def resolve_skill_name(obj: Any) -> str:
        return str(obj.skill.name)

    @staticmethod
    def resolve_current_level(obj: Any) -> int | None:
        level = obj.current_level
        return None if level is None or level < 0 else int(level)


class PlanFilter(In):
    person: Id | None = None
    state: PlanState | None = None
    overdue: bool | None = Field(None, description="Only plans whose review is overdue.")


class PlanCreateIn(In):
    person_id: Id
    title: Text = Field(min_length=1, max_length=200)


class PlanUpdateIn(In):
    title: Text = Field(min_length=1, max_length=200)


class AgreeIn(In):
    next_review: date = Field(description="After today.")


class ReviewIn(In):
    note: Text = Field(min_length=1, max_length=2000)
    reviewed_on: date | None = Field(None, description="Default today; not in the future.")
    next_review: date | None = Field(None, description="None: no further review planned.")


class GoalIn(In):
    skill_id: Id
    target_level: int | None = Field(
        None, ge=0, le=100, description="Default: what the role or target role requires."
    )
    due_date: date | None = None
    note: Text = Field("", max_length=2000)
    item_ids: list[Id] = Field(default_factory=list, max_length=20)


class GoalUpdateIn(In):
    target_level: int = Field(ge=0, le=100)
    due_date: date | None = None
    note: Text = Field("", max_length=2000)
    item_ids: list[Id] = Field(default_factory=list, max_length=20)
    status: GoalStatus
