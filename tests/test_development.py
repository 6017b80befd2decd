"""Development-plan services and read models: who may create, edit, agree, review, close;
default target levels; goal progress; overdue plans and stalled goals at their boundaries
(time-travel through ``today=``)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from seedbed.accounts.models import AuditLog
from seedbed.development import selectors, services
from seedbed.development.models import DevelopmentPlan, Goal, GoalStatus, PlanReview, PlanState
from seedbed.frameworks.models import Role
from seedbed.learning.models import ItemSkill, Kind, LearningItem
from seedbed.lib.errors import Conflict, NotAllowed, ServiceError
from seedbed.skills.models import Skill, Source
from seedbed.skills.services import NewAssertion, record_assertions_bulk
from tests.builders import make_skill, require

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


def plan_for(org, who: str = "employee", actor: str | None = None) -> DevelopmentPlan:  # type: ignore[no-untyped-def]
    return services.create_plan(
        actor=org.user(actor or who), person=getattr(org, who), title="Grow in 2026"
    )


def python() -> Skill:
    return Skill.objects.get(name="Python")


def level(person, skill: Skill, value: int) -> None:  # type: ignore[no-untyped-def]
    record_assertions_bulk(
        actor=None,
        rows=[NewAssertion(person.pk, skill.pk, value, Source.MANAGER)],
        summary="test",
    )


def agreed(org, plan: DevelopmentPlan, next_review: date) -> DevelopmentPlan:  # type: ignore[no-untyped-def]
    if not plan.goals.exists():
        services.add_goal(actor=org.user("manager"), plan=plan, skill=python())
    return services.agree_plan(
        actor=org.user("manager"), plan=plan, next_review=next_review, today=TODAY
    )


# --- who may do what ------------------------------------------------------------------------


def test_who_may_start_a_plan(org):
    plan_for(org, "employee")
    plan_for(org, "report2", actor="manager")  # two levels down
    plan_for(org, "outsider", actor="admin")
    for actor, person in [("outsider", "employee"), ("lead", "employee"), ("employee", "report2")]:
        with pytest.raises(NotAllowed):
            plan_for(org, person, actor=actor)
    assert DevelopmentPlan.objects.count() == 3


def test_employee_edits_only_own_drafts(org):
    plan = plan_for(org)
    goal = services.add_goal(actor=org.user("employee"), plan=plan, skill=python())
    assert goal.target_level == 3  # the Developer role requires Python 3
    services.rename_plan(actor=org.user("employee"), plan=plan, title="Python first")
    agreed(org, plan, TODAY + timedelta(days=90))
    with pytest.raises(NotAllowed, match="ask them to reopen"):
        services.rename_plan(actor=org.user("employee"), plan=plan, title="Changed")
    with pytest.raises(NotAllowed):
        services.delete_goal(actor=org.user("employee"), goal=goal)
    # The manager still may, and HR.
    services.update_goal(
        actor=org.user("manager"),
        goal=goal,
        target_level=4,
        due_date=TODAY,
        note="stretch",
        items=[],
    )
    services.rename_plan(actor=org.user("admin"), plan=plan, title="By HR")
    services.reopen_plan(actor=org.user("manager"), plan=plan)
    services.rename_plan(actor=org.user("employee"), plan=plan, title="Mine again")
    assert plan.state == PlanState.DRAFT and plan.agreed_by is None


def test_outsiders_and_the_wrong_manager_change_nothing(org):
    plan = plan_for(org)
    goal = services.add_goal(actor=org.user("employee"), plan=plan, skill=python())
    for who in ("outsider", "outsider_manager", "lead", "report2"):
        user = org.user(who)
        for call in (
            lambda u=user: services.rename_plan(actor=u, plan=plan, title="x"),
            lambda u=user: services.add_goal(actor=u, plan=plan, skill=make_skill()),
            lambda u=user: services.delete_goal(actor=u, goal=goal),
            lambda u=user: services.agree_plan(actor=u, plan=plan, next_review=TODAY),
            lambda u=user: services.close_plan(actor=u, plan=plan),
            lambda u=user: services.delete_plan(actor=u, plan=plan),
        ):
            with pytest.raises(NotAllowed):
                call()


def test_only_managers_and_hr_agree_review_and_close(org):
    plan = plan_for(org)
    services.add_goal(actor=org.user("employee"), plan=plan, skill=python())
    with pytest.raises(NotAllowed, match="Your manager or HR does this"):
        services.agree_plan(actor=org.user("employee"), plan=plan, next_review=TODAY)
    with pytest.raises(ServiceError, match="next review must be after"):
        services.agree_plan(actor=org.user("manager"), plan=plan, next_review=TODAY, today=TODAY)
    agreed(org, plan, TODAY + timedelta(days=1))
    assert plan.agreed_by == org.user("manager") and plan.state == PlanState.AGREED
    with pytest.raises(Conflict):
        services.agree_plan(
            actor=org.user("admin"), plan=plan, next_review=TODAY + timedelta(2), today=TODAY
        )
    with pytest.raises(NotAllowed):
        services.record_review(
            actor=org.user("employee"), plan=plan, note="fine", next_review=None, today=TODAY
        )
    review = services.record_review(
        actor=org.user("admin"),
        plan=plan,
        note="Python course done",
        next_review=TODAY + timedelta(days=120),
        today=TODAY,
    )
    assert review.reviewed_on == TODAY and plan.next_review == TODAY + timedelta(days=120)
    services.close_plan(actor=org.user("manager"), plan=plan)
    with pytest.raises(Conflict, match="closed"):
        services.rename_plan(actor=org.user("manager"), plan=plan, title="late")
    assert AuditLog.objects.filter(action__startswith="plan.").count() == 4


def test_an_hr_admin_cannot_agree_their_own_plan(org):
    plan = plan_for(org, "admin")
    services.add_goal(actor=org.user("admin"), plan=plan, skill=python(), target_level=2)
    with pytest.raises(NotAllowed):
        services.agree_plan(
            actor=org.user("admin"), plan=plan, next_review=TODAY + timedelta(1), today=TODAY
        )


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"note": " "}, "note", "short note"),
        ({"reviewed_on": TODAY + timedelta(days=1)}, "reviewed_on", "future"),
        ({"next_review": TODAY}, "next_review", "must be after"),
    ],
)
def test_review_input_is_checked(org, kwargs, field, message):
    plan = agreed(org, plan_for(org), TODAY + timedelta(days=30))
    data = {"note": "ok", "next_review": None, **kwargs}
    with pytest.raises(ServiceError) as exc:
        services.record_review(actor=org.user("manager"), plan=plan, today=TODAY, **data)
    assert exc.value.field == field and message in exc.value.message
    assert not PlanReview.objects.exists()


def test_reviews_need_an_agreed_plan_and_drafts_alone_are_deleted(org):
    plan = plan_for(org)
    with pytest.raises(Conflict):
        services.record_review(
            actor=org.user("manager"), plan=plan, note="x", next_review=None, today=TODAY
        )
    with pytest.raises(ServiceError, match="at least one goal"):
        services.agree_plan(
            actor=org.user("manager"), plan=plan, next_review=TODAY + timedelta(1), today=TODAY
        )
    agreed(org, plan, TODAY + timedelta(days=3))
    with pytest.raises(Conflict, match="Only a draft"):
        services.delete_plan(actor=org.user("manager"), plan=plan)
    draft = plan_for(org)
    services.delete_plan(actor=org.user("employee"), plan=draft)
    assert list(DevelopmentPlan.objects.all()) == [plan]


# --- goals ----------------------------------------------------------------------------------


def test_default_target_is_the_higher_of_role_and_target_role(org):
    senior = Role.objects.create(name="Senior Developer")
    require(senior, python(), 5)
    org.employee.target_role = senior
    org.employee.save(update_fields=["target_role"])
    plan = plan_for(org)
    assert (
        services.add_goal(actor=org.user("employee"), plan=plan, skill=python()).target_level == 5
    )
    with pytest.raises(ServiceError, match="choose a target level") as exc:
        services.add_goal(actor=org.user("employee"), plan=plan, skill=make_skill("Rust"))
    assert exc.value.field == "target_level"


def test_goal_input_is_checked(org):
    plan = plan_for(org)
    services.add_goal(actor=org.user("employee"), plan=plan, skill=python())
    with pytest.raises(Conflict, match="already has an open goal"):
        services.add_goal(actor=org.user("employee"), plan=plan, skill=python())
    with pytest.raises(ServiceError, match="outside the scale"):
        services.add_goal(actor=org.user("employee"), plan=plan, skill=make_skill(), target_level=9)
    archived = make_skill("COBOL", is_active=False)
    with pytest.raises(ServiceError, match="archived"):
        services.add_goal(actor=org.user("employee"), plan=plan, skill=archived, target_level=2)
    old = LearningItem.objects.create(title="Old course", kind=Kind.READING, is_active=False)
    with pytest.raises(ServiceError, match="no longer in the catalogue"):
        services.add_goal(
            actor=org.user("employee"),
            plan=plan,
            skill=make_skill("Go"),
            target_level=2,
            items=[old],
        )
    assert plan.goals.count() == 1


def test_goal_rows_show_progress_and_items(org):
    k8s = Skill.objects.get(name="Kubernetes")
    course = LearningItem.objects.create(title="Kubernetes basics", kind=Kind.ELEARNING)
    ItemSkill.objects.create(item=course, skill=k8s, level=3)
    plan = plan_for(org)
    services.add_goal(
        actor=org.user("employee"),
        plan=plan,
        skill=k8s,
        target_level=4,
        due_date=TODAY + timedelta(days=10),
        items=[course],
    )
    services.add_goal(
        actor=org.user("employee"), plan=plan, skill=python(), due_date=TODAY + timedelta(100)
    )
    level(org.employee, k8s, 2)
    level(org.employee, python(), 3)
    rows = {r.goal.skill.name: r for r in selectors.goal_rows(plan, today=TODAY)}
    assert (rows["Kubernetes"].current, rows["Kubernetes"].percent) == (2, 50)
    assert rows["Kubernetes"].stalled and not rows["Kubernetes"].reached
    assert [i.title for i in rows["Kubernetes"].goal.items.all()] == ["Kubernetes basics"]
    assert rows["Python"].reached and not rows["Python"].stalled and rows["Python"].percent == 100


# --- dashboards -------------------------------------------------------------------------


def test_overdue_plans_at_the_boundary_and_scope(org):
    due_today = agreed(org, plan_for(org), TODAY + timedelta(days=1))
    due_yesterday = agreed(org, plan_for(org, "report2", actor="manager"), TODAY + timedelta(1))
    DevelopmentPlan.objects.filter(pk=due_today.pk).update(next_review=TODAY)
    DevelopmentPlan.objects.filter(pk=due_yesterday.pk).update(
        next_review=TODAY - timedelta(days=1)
    )
    closed = agreed(org, plan_for(org), TODAY + timedelta(1))
    DevelopmentPlan.objects.filter(pk=closed.pk).update(
        state=PlanState.CLOSED, next_review=TODAY - timedelta(days=30)
    )
    assert list(selectors.overdue_plans(org.user("manager"), today=TODAY)) == [due_yesterday]
    assert list(selectors.overdue_plans(org.user("lead"), today=TODAY)) == [due_yesterday]
    assert list(selectors.overdue_plans(org.user("admin"), today=TODAY)) == [due_yesterday]
    assert list(selectors.overdue_plans(org.user("outsider_manager"), today=TODAY)) == []
    # The person does not see their own plan on a "people I lead" list.
    assert list(selectors.overdue_plans(org.user("report2"), today=TODAY)) == []


@pytest.mark.parametrize(
    ("due_in", "current", "status", "stalled"),
    [
        (30, 2, GoalStatus.OPEN, True),  # due in 30 days, below target
        (31, 2, GoalStatus.OPEN, False),  # not yet within 30 days
        (-5, None, GoalStatus.OPEN, True),  # overdue and unrated
        (10, 3, GoalStatus.OPEN, False),  # target reached
        (10, 2, GoalStatus.DROPPED, False),
    ],
)
def test_stalled_goals_at_the_boundaries(org, due_in, current, status, stalled):
    plan = plan_for(org)
    goal = services.add_goal(
        actor=org.user("employee"), plan=plan, skill=python(), due_date=TODAY + timedelta(due_in)
    )
    Goal.objects.filter(pk=goal.pk).update(status=status)
    if current is not None:
        level(org.employee, python(), current)
    found = list(selectors.stalled_goals(org.user("manager"), today=TODAY))
    assert (found == [goal]) is stalled
    row = selectors.goal_rows(plan, today=TODAY)[0]
    assert row.stalled is stalled
    assert list(selectors.stalled_goals(org.user("outsider_manager"), today=TODAY)) == []
    assert list(selectors.stalled_goals(org.user("employee"), today=TODAY)) == []
