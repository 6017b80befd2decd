"""API: development plans (the person, their managers and HR), goals and reviews, and the
stalled goals of the people one leads. Reads are scoped through
``DevelopmentPlan.objects.visible_to``; writes go through ``seedbed.development.services``,
which decide who may change what."""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from seedbed.certifications.selectors import people_in_scope
from seedbed.development import selectors, services
from seedbed.development.models import DevelopmentPlan, DevelopmentPlanQuerySet, Goal
from seedbed.development.schemas import (
    AgreeIn,
    GoalIn,
    GoalUpdateIn,
    PlanCreateIn,
    PlanDetailOut,
    PlanFilter,
    PlanOut,
    PlanUpdateIn,
    ReviewIn,
    StalledGoalOut,
)
from seedbed.learning.models import LearningItem
from seedbed.lib.errors import NotFound
from seedbed.lib.schemas import ERRORS, AuthedRequest, Id, Pagination
from seedbed.skills.models import Skill

router = Router(tags=["development"])
WITH_CONFLICT = {**ERRORS, 409: ERRORS[400]}


def _plans(request: AuthedRequest) -> DevelopmentPlanQuerySet:
    return DevelopmentPlan.objects.visible_to(request.user).select_related("person", "agreed_by")


def _plan(request: AuthedRequest, plan_id: int) -> DevelopmentPlan:
    plan = _plans(request).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(_("No development plan with id %(id)s.") % {"id": plan_id})
    return plan


def _goal(request: AuthedRequest, goal_id: int) -> Goal:
    goal = (
        Goal.objects.filter(plan__in=DevelopmentPlan.objects.visible_to(request.user))
        .select_related("plan__person", "skill")
        .filter(pk=goal_id)
        .first()
    )
    if goal is None:
        raise NotFound(_("No goal with id %(id)s.") % {"id": goal_id})
    return goal


def _items(ids: list[int]) -> list[LearningItem]:
    items = list(LearningItem.objects.filter(pk__in=ids))
    missing = set(ids) - {i.pk for i in items}
    if missing:
        raise NotFound(
            _("No learning item with id %(id)s.") % {"id": min(missing)}, field="item_ids"
        )
    return items


@router.get("/development-plans", response={200: list[PlanOut], **ERRORS})
@paginate(Pagination)
def list_plans(request: AuthedRequest, filters: Query[PlanFilter]) -> QuerySet[DevelopmentPlan]:
    """Plans you may see (your own, your reporting line's; HR everyone's), newest first."""
    qs = _plans(request)
    if filters.person is not None:
        qs = qs.filter(person_id=filters.person)
    if filters.state is not None:
        qs = qs.filter(state=filters.state)
    if filters.overdue is True:
        qs = selectors.overdue(qs, timezone.localdate())
    elif filters.overdue is False:
        qs = qs.exclude(pk__in=selectors.overdue(qs, timezone.localdate()).values("pk"))
    return qs.order_by("-created_at", "-id")


@router.post("/development-plans", response={201: PlanDetailOut, **ERRORS})
def create_plan(request: AuthedRequest, payload: PlanCreateIn) -> Status[Any]:
    """Start a draft plan for yourself or someone in your reporting line (HR: anyone)."""
    person = people_in_scope(request.user).filter(pk=payload.person_id).first()
    if person is None:
        raise NotFound(
            _("No person with id %(id)s.") % {"id": payload.person_id}, field="person_id"
        )
    plan = services.create_plan(actor=request.user, person=person, title=payload.title)
    return Status(201, _plan(request, plan.pk))


@router.get("/development-plans/{plan_id}", response={200: PlanDetailOut, **ERRORS})
def read_plan(request: AuthedRequest, plan_id: Path[Id]) -> DevelopmentPlan:
    """A plan with its goals (current level against target) and reviews."""
    return _plan(request, plan_id)


@router.put("/development-plans/{plan_id}", response={200: PlanDetailOut, **WITH_CONFLICT})
def update_plan(
    request: AuthedRequest, plan_id: Path[Id], payload: PlanUpdateIn
) -> DevelopmentPlan:
    services.rename_plan(actor=request.user, plan=_plan(request, plan_id), title=payload.title)
    return _plan(request, plan_id)


@router.delete("/development-plans/{plan_id}", response={204: None, **WITH_CONFLICT})
def delete_plan(request: AuthedRequest, plan_id: Path[Id]) -> Status[None]:
    """Delete a draft."""
    services.delete_plan(actor=request.user, plan=_plan(request, plan_id))
    return Status(204, None)


@router.post("/development-plans/{plan_id}/agree", response={200: PlanDetailOut, **WITH_CONFLICT})
def agree_plan(request: AuthedRequest, plan_id: Path[Id], payload: AgreeIn) -> DevelopmentPlan:
    """The person's manager or HR agrees a draft and sets the next review."""
    services.agree_plan(
        actor=request.user, plan=_plan(request, plan_id), next_review=payload.next_review
    )
    return _plan(request, plan_id)


@router.post("/development-plans/{plan_id}/reopen", response={200: PlanDetailOut, **WITH_CONFLICT})
def reopen_plan(request: AuthedRequest, plan_id: Path[Id]) -> DevelopmentPlan:
    """Back to draft, so the person can change it (manager or HR)."""
    services.reopen_plan(actor=request.user, plan=_plan(request, plan_id))
    return _plan(request, plan_id)


@router.post("/development-plans/{plan_id}/close", response={200: PlanDetailOut, **WITH_CONFLICT})
def close_plan(request: AuthedRequest, plan_id: Path[Id]) -> DevelopmentPlan:
    services.close_plan(actor=request.user, plan=_plan(request, plan_id))
    return _plan(request, plan_id)


@router.post("/development-plans/{plan_id}/reviews", response={201: PlanDetailOut, **WITH_CONFLICT})
def record_review(request: AuthedRequest, plan_id: Path[Id], payload: ReviewIn) -> Status[Any]:
    """Record a review of an agreed plan and set (or clear) the next one."""
    services.record_review(
        actor=request.user,
        plan=_plan(request, plan_id),
        note=payload.note,
        reviewed_on=payload.reviewed_on,
        next_review=payload.next_review,
    )
    return Status(201, _plan(request, plan_id))


@router.post("/development-plans/{plan_id}/goals", response={201: PlanDetailOut, **WITH_CONFLICT})
def add_goal(request: AuthedRequest, plan_id: Path[Id], payload: GoalIn) -> Status[Any]:
    """Add a goal; without target_level, the level the role or target role requires."""
    plan = _plan(request, plan_id)
    skill = Skill.objects.filter(pk=payload.skill_id).first()
    if skill is None:
        raise NotFound(_("No skill with id %(id)s.") % {"id": payload.skill_id}, field="skill_id")
    services.add_goal(
        actor=request.user,
        plan=plan,
        skill=skill,
        target_level=payload.target_level,
        due_date=payload.due_date,
        note=payload.note,
        items=_items(payload.item_ids),
    )
    return Status(201, _plan(request, plan_id))


# Before the routes with a {goal_id}: the first matching path wins.
@router.get("/development-goals/stalled", response={200: list[StalledGoalOut], **ERRORS})
@paginate(Pagination)
def stalled_goals(request: AuthedRequest) -> QuerySet[Goal]:
    """Stalled goals of the people you lead (managers: reporting line; HR: everyone else):
    open, due within 30 days or past due, current level still below the target."""
    return selectors.stalled_goals(request.user)


@router.put("/development-goals/{goal_id}", response={200: PlanDetailOut, **WITH_CONFLICT})
def update_goal(request: AuthedRequest, goal_id: Path[Id], payload: GoalUpdateIn) -> Any:
    goal = _goal(request, goal_id)
    services.update_goal(
        actor=request.user,
        goal=goal,
        target_level=payload.target_level,
        due_date=payload.due_date,
        note=payload.note,
        items=_items(payload.item_ids),
        status=payload.status,
    )
    return _plan(request, goal.plan_id)


@router.delete("/development-goals/{goal_id}", response={204: None, **WITH_CONFLICT})
def delete_goal(request: AuthedRequest, goal_id: Path[Id]) -> Status[None]:
    services.delete_goal(actor=request.user, goal=_goal(request, goal_id))
    return Status(204, None)
