"""Read models for development plans: goal progress (current level against target), overdue
plans and stalled goals for managers' and HR's dashboards.

- A plan is **overdue** when it is not closed and its next review date has passed.
- A goal is **stalled** when it is open, due within ``STALLED_WITHIN_DAYS`` days or already
  past due, and the person's current level (from ``PersonSkill``) is still below the target.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from seedbed.development.models import (
    DevelopmentPlan,
    DevelopmentPlanQuerySet,
    Goal,
    GoalStatus,
    PlanState,
)
from seedbed.learning.models import LearningItem
from seedbed.people.models import Person
from seedbed.skills.models import PersonSkill

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from seedbed.accounts.models import User

STALLED_WITHIN_DAYS = 30


def _current_level() -> Coalesce:
    """Annotation on goals: the person's current level in the goal's skill (-1 if unrated)."""
    return Coalesce(
        Subquery(
            PersonSkill.objects.filter(
                person_id=OuterRef("plan__person_id"), skill_id=OuterRef("skill_id")
            ).values("level")[:1],
            output_field=IntegerField(),
        ),
        Value(-1),
    )


def plans_for(user: User) -> DevelopmentPlanQuerySet:
    """Plans ``user`` may see with person and counts of goals (all / open) annotated."""
    return (
        DevelopmentPlan.objects.visible_to(user)
        .select_related("person__team", "agreed_by")
        .annotate(
            goal_count=Count("goals", distinct=True),
            open_goal_count=Count("goals", filter=Q(goals__status=GoalStatus.OPEN), distinct=True),
        )
    )


def overdue(qs: DevelopmentPlanQuerySet, today: date) -> DevelopmentPlanQuerySet:
    return qs.exclude(state=PlanState.CLOSED).filter(next_review__lt=today)


def stalled(qs: QuerySet[Goal], today: date) -> QuerySet[Goal]:
    return (
        qs.filter(
            status=GoalStatus.OPEN,
            due_date__lte=today + timedelta(days=STALLED_WITHIN_DAYS),
        )
        .exclude(plan__state=PlanState.CLOSED)
        .annotate(current_level=_current_level())
        .filter(current_level__lt=F("target_level"))
    )


def overdue_plans(user: User, *, today: date | None = None) -> DevelopmentPlanQuerySet:
    """Overdue plans of the people ``user`` leads (managers: their reporting line; HR:
    everyone but themselves), oldest review first."""
    today = today or timezone.localdate()
    qs = DevelopmentPlan.objects.filter(person__in=Person.objects.validatable_by(user))
    return overdue(qs, today).select_related("person").order_by("next_review", "id")


def stalled_goals(user: User, *, today: date | None = None) -> QuerySet[Goal]:
    """Stalled goals of the people ``user`` leads, soonest due first."""
    today = today or timezone.localdate()
    qs = Goal.objects.filter(plan__person__in=Person.objects.validatable_by(user))
    return stalled(qs, today).select_related("plan__person", "skill").order_by("due_date", "id")


@dataclass(frozen=True)
class GoalRow:
    goal: Goal
    current: int | None
    stalled: bool

    @property
    def reached(self) -> bool:
        return self.current is not None and self.current >= self.goal.target_level

    @property
    def percent(self) -> int:
        """Progress to target as a share of the target level (0–100)."""
        if self.goal.target_level <= 0:
            return 100
        return max(0, min(100, round(100 * (self.current or 0) / self.goal.target_level)))


def goal_rows(plan: DevelopmentPlan, *, today: date | None = None) -> list[GoalRow]:
    """The plan's goals with the person's current level in each skill and whether each is
    stalled. Three queries: goals with skills and levels, their learning items."""
    today = today or timezone.localdate()
    goals = (
        plan.goals.select_related("skill")
        .annotate(current_level=_current_level())
        .prefetch_related(Prefetch("items", queryset=LearningItem.objects.order_by("title")))
        .order_by("status", "due_date", "id")
    )
    rows = []
    soon = today + timedelta(days=STALLED_WITHIN_DAYS)
    for goal in goals:
        level = goal.current_level  # type: ignore[attr-defined]
        current = None if level < 0 else level
        is_stalled = (
            plan.state != PlanState.CLOSED
            and goal.status == GoalStatus.OPEN
            and goal.due_date is not None
            and goal.due_date <= soon
            and (current is None or current < goal.target_level)
        )
        rows.append(GoalRow(goal=goal, current=current, stalled=is_stalled))
    return rows


def home_panel(user: User, *, limit: int = 8) -> dict[str, object]:
    """For managers' and HR's home page: overdue plans and stalled goals (two queries)."""
    plans = list(overdue_plans(user)[: limit + 1])
    goals = list(stalled_goals(user)[: limit + 1])
    return {
        "overdue_plans": plans[:limit],
        "overdue_more": len(plans) > limit,
        "stalled_goals": goals[:limit],
        "stalled_more": len(goals) > limit,
    }
