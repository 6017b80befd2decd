"""Development-plan operations: plans, goals, the manager's agreement and reviews.

Who may do what (``people_in_scope`` / ``validatable_by`` in seedbed.people.models):
- create a plan: the person, their managers, HR;
- change a plan's title and goals: the person while it is a draft; their managers and HR
  while it is not closed;
- agree (with the next review date), record a review, reopen as a draft, close: the person's
  managers and HR, never the person themselves;
- delete: a draft only, by anyone who may change it.
Everyone else gets NotAllowed (views and API hide plans they cannot see with a 404 first).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.accounts.services import audit
from seedbed.certifications.selectors import people_in_scope
from seedbed.development.models import DevelopmentPlan, Goal, GoalStatus, PlanReview, PlanState
from seedbed.frameworks.models import RoleRequirement
from seedbed.learning.models import LearningItem
from seedbed.lib.errors import Conflict, NotAllowed, ServiceError
from seedbed.people.models import Person
from seedbed.skills.models import Skill
from seedbed.skills.services import check_level

if TYPE_CHECKING:
    from seedbed.accounts.models import User

MAX_ITEMS_PER_GOAL = 20


# --- who may do what ---------------------------------------------------------------------


def may_lead(actor: User, person: Person) -> bool:
    """The person's managers (reporting line) and HR, never the person: agree, review."""
    return Person.objects.validatable_by(actor).filter(pk=person.pk).exists()


def may_edit(actor: User, plan: DevelopmentPlan) -> bool:
    if plan.state == PlanState.CLOSED:
        return False
    if plan.person.user_id == actor.pk:
        return plan.state == PlanState.DRAFT
    return may_lead(actor, plan.person)


def _check_edit(actor: User, plan: DevelopmentPlan) -> None:
    if may_edit(actor, plan):
        return
    if plan.state == PlanState.CLOSED:
        raise Conflict(_("This plan is closed."))
    if plan.person.user_id == actor.pk:
        raise NotAllowed(
            _("Your manager has agreed this plan; ask them to reopen it to change it.")
        )
    raise NotAllowed(_("You cannot change this person's development plan."))


def _check_lead(actor: User, plan: DevelopmentPlan) -> None:
    if not may_lead(actor, plan.person):
        raise NotAllowed(
            _("Only the person's manager or HR can do this.")
            if plan.person.user_id != actor.pk
            else _("Your manager or HR does this, not you.")
        )


def default_target_level(person: Person, skill: Skill) -> int | None:
    """The level the person's role or target role requires of ``skill`` (the higher one)."""
    roles = [r for r in (person.role_id, person.target_role_id) if r is not None]
    if not roles:
        return None
    level: int | None = RoleRequirement.objects.filter(role_id__in=roles, skill=skill).aggregate(
        top=Max("required_level")
    )["top"]
    return level


# --- plans -------------------------------------------------------------------------------


def _title(title: str) -> str:
    clean = " ".join(title.split())
    if not clean:
        raise ServiceError(_("A plan needs a title."), field="title")
    return clean[:200]


@transaction.atomic
def create_plan(*, actor: User, person: Person, title: str) -> DevelopmentPlan:
    if not people_in_scope(actor).filter(pk=person.pk).exists():
        raise NotAllowed(
            _("You can start plans only for yourself and people in your reporting line.")
        )
    if not person.is_active:
        raise ServiceError(
            _("%(name)s has left; no new plans.") % {"name": person.full_name}, field="person"
        )
    plan = DevelopmentPlan.objects.create(person=person, title=_title(title))
    audit(
        actor=actor,
        action="plan.create",
        obj=plan,
        summary=f"{person.full_name}: development plan '{plan.title}' started",
    )
    return plan


@transaction.atomic
def rename_plan(*, actor: User, plan: DevelopmentPlan, title: str) -> DevelopmentPlan:
    _check_edit(actor, plan)
    new = _title(title)
    if new != plan.title:
        audit(
            actor=actor,
            action="plan.update",
            obj=plan,
            summary=f"{plan.person.full_name}: plan renamed",
            changes={"title": [plan.title, new]},
        )
        plan.title = new
        plan.save(update_fields=["title"])
    return plan


def _check_review_date(next_review: date | None, after: date, *, required: bool) -> None:
    if next_review is None:
        if required:
            raise ServiceError(_("Set the date of the next review."), field="next_review")
        return
    if next_review <= after:
        raise ServiceError(
            _("The next review must be after %(date)s.") % {"date": after.isoformat()},
            field="next_review",
        )


@transaction.atomic
def agree_plan(
    *, actor: User, plan: DevelopmentPlan, next_review: date | None, today: date | None = None
) -> DevelopmentPlan:
    """The manager (or HR) agrees a draft with at least one goal and sets the next review."""
    today = today or timezone.localdate()
    _check_lead(actor, plan)
    if plan.state != PlanState.DRAFT:
        raise Conflict(_("Only a draft can be agreed."))
    if not plan.goals.exists():
        raise ServiceError(_("Add at least one goal before agreeing the plan."))
    _check_review_date(next_review, today, required=True)
    plan.state = PlanState.AGREED
    plan.agreed_by = actor
    plan.agreed_at = timezone.now()
    plan.next_review = next_review
    plan.save(update_fields=["state", "agreed_by", "agreed_at", "next_review"])
    audit(
        actor=actor,
        action="plan.agree",
        obj=plan,
        summary=f"{plan.person.full_name}: plan '{plan.title}' agreed, review {next_review}",
    )
    return plan


@transaction.atomic
def reopen_plan(*, actor: User, plan: DevelopmentPlan) -> DevelopmentPlan:
    """Back to draft so the person can change it (the agreement is cleared)."""
    _check_lead(actor, plan)
    if plan.state == PlanState.DRAFT:
        raise Conflict(_("This plan is already a draft."))
    plan.state = PlanState.DRAFT
    plan.agreed_by = None
    plan.agreed_at = None
    plan.save(update_fields=["state", "agreed_by", "agreed_at"])
    audit(actor=actor, action="plan.reopen", obj=plan, summary=f"Plan '{plan.title}' reopened")
    return plan


@transaction.atomic
def close_plan(*, actor: User, plan: DevelopmentPlan) -> DevelopmentPlan:
    """Close a plan that has run its course; it leaves the overdue lists."""
    _check_lead(actor, plan)
    if plan.state == PlanState.CLOSED:
        raise Conflict(_("This plan is already closed."))
    plan.state = PlanState.CLOSED
    plan.save(update_fields=["state"])
    audit(actor=actor, action="plan.close", obj=plan, summary=f"Plan '{plan.title}' closed")
    return plan


@transaction.atomic
def delete_plan(*, actor: User, plan: DevelopmentPlan) -> None:
    _check_edit(actor, plan)
    if plan.state != PlanState.DRAFT:
        raise Conflict(_("Only a draft can be deleted; close an agreed plan instead."))
    audit(
        actor=actor,
        action="plan.delete",
        obj=plan,
        summary=f"{plan.person.full_name}: draft plan '{plan.title}' deleted",
    )
    plan.delete()


@transaction.atomic
def record_review(
    *,
    actor: User,
    plan: DevelopmentPlan,
    note: str,
    next_review: date | None,
    reviewed_on: date | None = None,
    today: date | None = None,
) -> PlanReview:
    """Record that the plan was reviewed (today unless ``reviewed_on``) with a short note,
    and set the next review (None: no further review planned)."""
    today = today or timezone.localdate()
    reviewed_on = reviewed_on or today
    _check_lead(actor, plan)
    if plan.state != PlanState.AGREED:
        raise Conflict(_("Only an agreed plan is reviewed."))
    if reviewed_on > today:
        raise ServiceError(_("A review cannot be in the future."), field="reviewed_on")
    _check_review_date(next_review, reviewed_on, required=False)
    text = note.strip()
    if not text:
        raise ServiceError(_("Write a short note on how the plan is going."), field="note")
    review = PlanReview.objects.create(
        plan=plan, reviewed_on=reviewed_on, note=text[:2000], reviewer=actor
    )
    plan.next_review = next_review
    plan.save(update_fields=["next_review"])
    audit(
        actor=actor,
        action="plan.review",
        obj=plan,
        summary=f"{plan.person.full_name}: plan '{plan.title}' reviewed on {reviewed_on}",
    )
    return review


# --- goals -------------------------------------------------------------------------------


def _items(items: Sequence[LearningItem]) -> list[LearningItem]:
    unique = list({i.pk: i for i in items}.values())
    if len(unique) > MAX_ITEMS_PER_GOAL:
        raise ServiceError(
            _("At most %(n)s learning items per goal.") % {"n": MAX_ITEMS_PER_GOAL}, field="items"
        )
    for item in unique:
        if not item.is_active:
            raise ServiceError(
                _("%(item)s is no longer in the catalogue.") % {"item": item.title}, field="items"
            )
    return unique


@transaction.atomic
def add_goal(
    *,
    actor: User,
    plan: DevelopmentPlan,
    skill: Skill,
    target_level: int | None = None,
    due_date: date | None = None,
    note: str = "",
    items: Sequence[LearningItem] = (),
) -> Goal:
    """Add a goal: reach ``target_level`` (default: what the person's role or target role
    requires) in ``skill`` by ``due_date``, served by catalogue ``items``."""
    _check_edit(actor, plan)
    if not skill.is_active:
        raise ServiceError(_("%(skill)s is archived.") % {"skill": skill.name}, field="skill")
    if plan.goals.filter(skill=skill, status=GoalStatus.OPEN).exists():
        raise Conflict(
            _("This plan already has an open goal for %(skill)s.") % {"skill": skill.name},
            field="skill",
        )
    if target_level is None:
        target_level = default_target_level(plan.person, skill)
        if target_level is None:
            raise ServiceError(
                _("Neither role nor target role requires %(skill)s; choose a target level.")
                % {"skill": skill.name},
                field="target_level",
            )
    check_level(skill, target_level)
    chosen = _items(items)
    goal = Goal.objects.create(
        plan=plan,
        skill=skill,
        target_level=target_level,
        due_date=due_date,
        note=note.strip()[:2000],
    )
    goal.items.set(chosen)
    audit(
        actor=actor,
        action="goal.add",
        obj=goal,
        summary=f"{plan.person.full_name}: goal {skill.name} → {target_level}",
    )
    return goal


@transaction.atomic
def update_goal(
    *,
    actor: User,
    goal: Goal,
    target_level: int,
    due_date: date | None,
    note: str,
    items: Sequence[LearningItem],
    status: str | None = None,
) -> Goal:
    """Change a goal's target, due date, note, items and (``status``) mark it achieved,
    dropped or open again."""
    _check_edit(actor, goal.plan)
    check_level(goal.skill, target_level)
    if status is not None and status not in GoalStatus.values:
        raise ServiceError(_("Choose open, achieved or dropped."), field="status")
    chosen = _items(items)
    data: dict[str, object] = {
        "target_level": target_level,
        "due_date": due_date,
        "note": note.strip()[:2000],
        "status": status or goal.status,
    }
    changes = {f: [str(getattr(goal, f)), str(v)] for f, v in data.items() if getattr(goal, f) != v}
    if changes.get("status") and data["status"] == GoalStatus.OPEN:
        clash = goal.plan.goals.filter(skill=goal.skill, status=GoalStatus.OPEN)
        if clash.exclude(pk=goal.pk).exists():
            raise Conflict(
                _("This plan already has an open goal for %(skill)s.") % {"skill": goal.skill.name},
                field="status",
            )
    old_items = set(goal.items.values_list("pk", flat=True))
    if old_items != {i.pk for i in chosen}:
        goal.items.set(chosen)
        changes["items"] = [str(sorted(old_items)), str(sorted(i.pk for i in chosen))]
    if changes:
        for f, v in data.items():
            setattr(goal, f, v)
        goal.updated_at = timezone.now()
        goal.save(update_fields=[*data, "updated_at"])
        audit(
            actor=actor,
            action="goal.update",
            obj=goal,
            summary=f"{goal.plan.person.full_name}: goal {goal.skill.name} changed",
            changes=changes,
        )
    return goal


@transaction.atomic
def delete_goal(*, actor: User, goal: Goal) -> None:
    _check_edit(actor, goal.plan)
    audit(
        actor=actor,
        action="goal.delete",
        obj=goal,
        summary=f"{goal.plan.person.full_name}: goal {goal.skill.name} removed",
    )
    goal.delete()
