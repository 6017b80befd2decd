"""Learning path services: role paths (order respects prerequisites, cycles named), personal
proposals from gaps (targets, preferences, budget, uncovered gaps with mentors), acceptance
(enrolments through the enrolment service) and who may do what."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from seedbed.accounts.models import AuditLog, OrgSettings
from seedbed.learning.models import (
    Enrolment,
    EnrolmentStatus,
    Kind,
    LearningItem,
    LearningPlan,
    PlanStatus,
    Prerequisite,
)
from seedbed.learning.services import catalogue
from seedbed.learning.services import enrolments as enrolment_services
from seedbed.learning.services import paths as services
from seedbed.learning.services.paths import Target
from seedbed.lib.errors import Conflict, NotAllowed, ServiceError
from seedbed.people.models import Person
from seedbed.skills.models import PersonSkill, Skill
from seedbed.skills.services import record_assertion
from tests.builders import make_role, make_skill, require
from tests.conftest import Org

pytestmark = pytest.mark.django_db


def item(
    org: Org,
    title: str,
    *,
    skills: tuple[tuple[str, int], ...] = (),
    hours: str = "1",
    cost: str = "0",
    **data: Any,
) -> LearningItem:
    """An item created through the catalogue service by the org's admin."""
    data.setdefault("kind", Kind.ELEARNING)
    return catalogue.save_item(
        actor=org.user("admin"),
        data={"title": title, "duration_hours": hours, "cost": cost, **data},
        skills=[(Skill.objects.get(name=name), level) for name, level in skills],
    )


def needs(
    org: Org,
    it: LearningItem,
    *,
    first: LearningItem | None = None,
    skill: str = "",
    level: int = 0,
) -> None:
    catalogue.add_prerequisite(
        actor=org.user("admin"),
        item=it,
        requires_item=first,
        requires_skill=Skill.objects.get(name=skill) if skill else None,
        requires_level=level if skill else None,
    )


def rate(org: Org, person: Person, skill: str, level: int) -> None:
    """A level validated by the admin (HR), so it is the person's current level."""
    record_assertion(
        actor=org.user("admin"),
        person=person,
        skill=Skill.objects.get(name=skill),
        level=level,
        source="manager",
    )


def complete(org: Org, person: Person, it: LearningItem) -> None:
    e = enrolment_services.enrol(actor=org.user("admin"), person=person, item=it)
    enrolment_services.complete(actor=org.user("admin"), enrolment=e)


# --- role paths ------------------------------------------------------------------------------


def test_hr_creates_a_path_with_steps_in_prerequisite_order(org: Org) -> None:
    docker = item(org, "Docker basics", hours="4", cost="0")
    k8s = item(org, "Kubernetes in depth", hours="16", cost="450")
    needs(org, k8s, first=docker)
    path = services.save_path(
        actor=org.user("admin"),
        data={"name": " Platform   engineer ", "role": org.employee.role, "description": "x"},
    )
    assert path.name == "Platform engineer"
    services.set_path_steps(actor=org.user("admin"), path=path, items=[docker, k8s])
    view = services.path_view(path)
    assert [s.item.title for s in view.steps] == ["Docker basics", "Kubernetes in depth"]
    assert view.total_hours == Decimal("20") and view.total_cost == Decimal("450")
    assert [it.title for it in view.steps[1].needs_items] == ["Docker basics"]
    assert AuditLog.objects.filter(action="learning.path.steps", object_id=str(path.pk)).exists()


def test_a_step_before_its_prerequisite_is_refused_naming_both(org: Org) -> None:
    docker = item(org, "Docker basics")
    k8s = item(org, "Kubernetes in depth")
    needs(org, k8s, first=docker)
    path = services.save_path(actor=org.user("admin"), data={"name": "Platform"})
    with pytest.raises(ServiceError) as exc:
        services.set_path_steps(actor=org.user("admin"), path=path, items=[k8s, docker])
    assert exc.value.message == (
        "“Kubernetes in depth” needs “Docker basics” first: "
        "move “Docker basics” before “Kubernetes in depth”."
    )
    with pytest.raises(ServiceError) as exc:
        services.set_path_steps(actor=org.user("admin"), path=path, items=[k8s])
    assert "add it to the path before “Kubernetes in depth”" in exc.value.message
    assert not path.steps.exists()


def test_prerequisites_in_a_cycle_are_refused_with_the_cycle(org: Org) -> None:
    a, b, c = item(org, "A course"), item(org, "B course"), item(org, "C course")
    needs(org, a, first=b)
    needs(org, b, first=c)
    # The catalogue service refuses the closing edge; data from elsewhere (an old import, the
    # admin site) can still hold one, and the path check must name it.
    Prerequisite.objects.create(item=c, requires_item=a)
    path = services.save_path(actor=org.user("admin"), data={"name": "Loop"})
    with pytest.raises(ServiceError) as exc:
        services.set_path_steps(actor=org.user("admin"), path=path, items=[c, b, a])
    assert "“A course” → “B course” → “C course” → “A course”" in exc.value.message
    assert "circle" in exc.value.message


def test_duplicates_and_archived_items_are_refused(org: Org) -> None:
    a = item(org, "A course")
    old = item(org, "Old course")
    catalogue.set_item_active(actor=org.user("admin"), item=old, active=False)
    path = services.save_path(actor=org.user("admin"), data={"name": "P"})
    with pytest.raises(ServiceError, match="on the path twice"):
        services.set_path_steps(actor=org.user("admin"), path=path, items=[a, a])
    with pytest.raises(ServiceError, match="archived"):
        services.set_path_steps(actor=org.user("admin"), path=path, items=[a, old])


def test_path_names_are_unique_ignoring_case_and_need_an_active_role(org: Org) -> None:
    services.save_path(actor=org.user("admin"), data={"name": "Data path"})
    with pytest.raises(Conflict):
        services.save_path(actor=org.user("admin"), data={"name": "DATA PATH"})
    with pytest.raises(ServiceError, match="needs a name"):
        services.save_path(actor=org.user("admin"), data={"name": "  "})
    retired = make_role("Retired role", is_active=False)
    with pytest.raises(ServiceError, match="retired"):
        services.save_path(actor=org.user("admin"), data={"name": "Other", "role": retired})


@pytest.mark.parametrize("who", ["manager", "employee", "outsider"])
def test_only_hr_changes_paths(org: Org, who: str) -> None:
    path = services.save_path(actor=org.user("admin"), data={"name": "P"})
    a = item(org, "A course")
    with pytest.raises(NotAllowed):
        services.save_path(actor=org.user(who), data={"name": "Q"})
    with pytest.raises(NotAllowed):
        services.set_path_steps(actor=org.user(who), path=path, items=[a])
    with pytest.raises(NotAllowed):
        services.delete_path(actor=org.user(who), path=path)


def test_the_path_shows_which_steps_a_person_completed(org: Org) -> None:
    a, b = item(org, "A course", skills=(("Python", 2),)), item(org, "B course")
    path = services.save_path(actor=org.user("admin"), data={"name": "P"})
    services.set_path_steps(actor=org.user("admin"), path=path, items=[a, b])
    complete(org, org.employee, a)
    view = services.path_view(path, org.employee)
    assert [s.completed for s in view.steps] == [True, False]
    assert view.completed == 1
    assert [s.completed for s in services.path_view(path).steps] == [None, None]


# --- personal proposals ------------------------------------------------------------------------


def test_a_proposal_closes_the_role_gaps_with_the_least_time_and_explains_each_item(
    org: Org,
) -> None:
    # The employee's role (Developer) needs Python 3 and Kubernetes 2.
    rate(org, org.employee, "Python", 1)
    docker = make_skill("Docker")
    long_py = item(org, "Python bootcamp", skills=(("Python", 4),), hours="40")
    short_py = item(org, "Python for developers", skills=(("Python", 3),), hours="8", cost="200")
    dock = item(org, "Docker basics", skills=(("Docker", 3),), hours="3")
    k8s = item(org, "Kubernetes intro", skills=(("Kubernetes", 2),), hours="6")
    needs(org, k8s, skill="Docker", level=3)
    result = services.build_proposal(
        actor=org.user("employee"), person=org.employee, target=Target("current_role")
    )
    # Both gaps weigh 2 levels × importance 2; the tie goes by name, so Kubernetes comes first,
    # after the Docker item it needs.
    assert [s.item for s in result.steps] == [dock, k8s, short_py]
    assert result.total_hours == Decimal("17") and result.total_cost == Decimal("200")
    reasons = {s.item.title: s.reason for s in result.steps}
    assert reasons["Python for developers"] == "covers Python 1→3"
    assert reasons["Docker basics"] == "needed first by Kubernetes intro"
    assert reasons["Kubernetes intro"] == (
        "covers Kubernetes –→2; needs Docker 3 first (covered by Docker basics)"
    )
    assert result.uncovered == []
    assert long_py not in [s.item for s in result.steps]
    assert docker.pk not in {g.skill_id for g in result.gaps}


def test_least_cost_objective_and_budget(org: Org) -> None:
    cheap = item(org, "Python book", skills=(("Python", 3),), hours="30", cost="20")
    item(org, "Python course", skills=(("Python", 3),), hours="5", cost="300")
    k8s = item(org, "Kubernetes workshop", skills=(("Kubernetes", 2),), hours="8", cost="500")
    by_cost = services.build_proposal(
        actor=org.user("employee"),
        person=org.employee,
        target=Target("current_role"),
        objective="cost",
    )
    assert {s.item for s in by_cost.steps} == {cheap, k8s}
    capped = services.build_proposal(
        actor=org.user("employee"),
        person=org.employee,
        target=Target("current_role"),
        objective="time",
        budget=Decimal("400"),
    )
    # 400 cannot buy both gaps (cheapest pair costs 520): one gap, the quickest within budget.
    assert [s.item.title for s in capped.steps] == ["Python course"]
    assert [(u.skill_name, u.reason) for u in capped.uncovered] == [("Kubernetes", "budget")]
    assert capped.uncovered[0].reason_text == "Not within the budget together with the rest."


def test_language_and_format_preferences(org: Org) -> None:
    item(org, "Python auf Deutsch", skills=(("Python", 3),), hours="1", language="de")
    en = item(org, "Python in English", skills=(("Python", 3),), hours="9", language="en")
    item(org, "Python classroom", skills=(("Python", 3),), hours="2", format="in_person")
    OrgSettings.objects.update_or_create(pk=1, defaults={"default_language": "en"})
    target = Target("skills", ((Skill.objects.get(name="Python"), 3),))
    result = services.build_proposal(
        actor=org.user("employee"), person=org.employee, target=target, formats=["online"]
    )
    assert [s.item for s in result.steps] == [en]
    assert result.languages == frozenset({"en"})
    org.employee.languages = "English, Deutsch"
    org.employee.save(update_fields=["languages"])
    result = services.build_proposal(
        actor=org.user("employee"), person=org.employee, target=target, formats=["online"]
    )
    assert [s.item.title for s in result.steps] == ["Python auf Deutsch"]


def test_target_role_and_chosen_skills(org: Org) -> None:
    lead_role = make_role("Tech lead")
    arch = make_skill("Architecture")
    require(lead_role, arch, 4, importance=3)
    course = item(org, "Architecture school", skills=(("Architecture", 4),))
    with pytest.raises(ServiceError, match="no target role"):
        services.build_proposal(
            actor=org.user("employee"), person=org.employee, target=Target("target_role")
        )
    org.employee.target_role = lead_role
    org.employee.save(update_fields=["target_role"])
    result = services.build_proposal(
        actor=org.user("employee"), person=org.employee, target=Target("target_role")
    )
    assert result.role == lead_role and [s.item for s in result.steps] == [course]
    with pytest.raises(ServiceError, match="outside the scale"):
        services.build_proposal(
            actor=org.user("employee"),
            person=org.employee,
            target=Target("skills", ((arch, 9),)),
        )
    with pytest.raises(ServiceError, match="at least one skill"):
        services.build_proposal(
            actor=org.user("employee"), person=org.employee, target=Target("skills")
        )


def test_bad_budget_and_formats_are_refused(org: Org) -> None:
    for budget, message in ((Decimal("-1"), "positive"), (Decimal("1.001"), "to the cent")):
        with pytest.raises(ServiceError, match=message):
            services.build_proposal(
                actor=org.user("employee"),
                person=org.employee,
                target=Target("current_role"),
                budget=budget,
            )
    with pytest.raises(ServiceError, match="format"):
        services.build_proposal(
            actor=org.user("employee"),
            person=org.employee,
            target=Target("current_role"),
            formats=["carrier pigeon"],
        )


def test_uncovered_gaps_suggest_mentors_the_viewer_may_see(org: Org) -> None:
    rate(org, org.report2, "Kubernetes", 4)
    rate(org, org.outsider, "Kubernetes", 5)
    item(org, "Python for developers", skills=(("Python", 3),))
    plan = services.create_proposal(
        actor=org.user("manager"), person=org.employee, target=Target("current_role")
    )
    assert plan.uncovered == [
        {
            "skill_id": Skill.objects.get(name="Kubernetes").pk,
            "skill_name": "Kubernetes",
            "from": None,
            "to": 2,
            "reason": "no_item",
        }
    ]
    # The manager sees the levels of his reporting line only: Rita, not Olga.
    view = services.plan_view(plan, actor=org.user("manager"))
    k8s = Skill.objects.get(name="Kubernetes").pk
    assert [m.name for m in view.mentors[k8s]] == ["Rita Report"]
    # HR sees everyone, best first.
    view = services.plan_view(plan, actor=org.user("admin"))
    assert [(m.name, m.level) for m in view.mentors[k8s]] == [
        ("Olga Outsider", 5),
        ("Rita Report", 4),
    ]
    # The employee sees nobody's levels but their own (a closed organisation).
    assert services.plan_view(plan, actor=org.user("employee")).mentors == {}


def test_a_prerequisite_cycle_in_the_catalogue_is_named(org: Org) -> None:
    a = item(org, "A course", skills=(("Python", 3),))
    b = item(org, "B course")
    needs(org, a, first=b)
    Prerequisite.objects.create(item=b, requires_item=a)
    with pytest.raises(ServiceError) as exc:
        services.build_proposal(
            actor=org.user("employee"), person=org.employee, target=Target("current_role")
        )
    assert "“A course” → “B course” → “A course”" in exc.value.message


def test_completed_items_are_not_proposed_again(org: Org) -> None:
    py = item(org, "Python for developers", skills=(("Python", 3),))
    complete(org, org.employee, py)
    # Completion recorded a "learning" claim of Python 3, which is now the current level.
    assert PersonSkill.objects.get(person=org.employee, skill__name="Python").level == 3
    result = services.build_proposal(
        actor=org.user("employee"), person=org.employee, target=Target("current_role")
    )
    assert "Python" not in {g.skill_name for g in result.gaps}
    assert py not in [s.item for s in result.steps]


# --- who may plan, saving and accepting --------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "whose", "allowed"),
    [
        ("employee", "employee", True),
        ("manager", "employee", True),
        ("manager", "report2", True),  # indirect report
        ("lead", "report2", True),
        ("admin", "outsider", True),
        ("employee", "report2", False),
        ("lead", "employee", False),
        ("outsider", "employee", False),
        ("outsider_manager", "employee", False),
    ],
)
def test_who_may_plan_for_whom(org: Org, who: str, whose: str, allowed: bool) -> None:
    person: Person = getattr(org, whose)
    target = Target("skills", ((Skill.objects.get(name="Python"), 3),))
    if allowed:
        plan = services.create_proposal(actor=org.user(who), person=person, target=target)
        assert plan.status == PlanStatus.PROPOSED and plan.created_by == org.user(who)
        assert services.plans_visible_to(org.user(who)).filter(pk=plan.pk).exists()
    else:
        with pytest.raises(NotAllowed):
            services.create_proposal(actor=org.user(who), person=person, target=target)
        plan = services.create_proposal(actor=org.user("admin"), person=person, target=target)
        assert not services.plans_visible_to(org.user(who)).filter(pk=plan.pk).exists()
        with pytest.raises(NotAllowed):
            services.accept_plan(actor=org.user(who), plan=plan)


def test_a_new_proposal_replaces_the_unaccepted_one_and_keeps_accepted_plans(org: Org) -> None:
    py = item(org, "Python for developers", skills=(("Python", 3),))
    first = services.create_proposal(
        actor=org.user("employee"), person=org.employee, target=Target("current_role")
    )
    assert [(pi.position, pi.item, pi.reason) for pi in first.items.all()] == [
        (1, py, "covers Python –→3")
    ]
    services.accept_plan(actor=org.user("employee"), plan=first)
    second = services.create_proposal(
        actor=org.user("manager"),
        person=org.employee,
        target=Target("skills", ((Skill.objects.get(name="Kubernetes"), 2),)),
    )
    third = services.create_proposal(
        actor=org.user("employee"),
        person=org.employee,
        target=Target("skills", ((Skill.objects.get(name="Kubernetes"), 3),)),
    )
    assert not LearningPlan.objects.filter(pk=second.pk).exists()
    assert set(LearningPlan.objects.filter(person=org.employee).values_list("pk", "status")) == {
        (first.pk, PlanStatus.ACCEPTED),
        (third.pk, PlanStatus.PROPOSED),
    }


def test_nothing_to_plan_when_every_level_is_reached(org: Org) -> None:
    rate(org, org.employee, "Python", 3)
    rate(org, org.employee, "Kubernetes", 2)
    with pytest.raises(ServiceError, match="already reaches every level of Developer"):
        services.create_proposal(
            actor=org.user("employee"), person=org.employee, target=Target("current_role")
        )


def test_accepting_enrols_through_the_enrolment_service_with_its_approval_rules(org: Org) -> None:
    py = item(org, "Python for developers", skills=(("Python", 3),), requires_approval=True)
    k8s = item(org, "Kubernetes intro", skills=(("Kubernetes", 2),))
    plan = services.create_proposal(
        actor=org.user("employee"), person=org.employee, target=Target("current_role")
    )
    result = services.accept_plan(actor=org.user("employee"), plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACCEPTED
    assert plan.accepted_by == org.user("employee") and plan.accepted_at is not None
    assert {it.pk for it in result.enrolled} == {py.pk, k8s.pk}
    statuses = dict(Enrolment.objects.filter(plan=plan).values_list("item_id", "status"))
    # The person asked for the paid item themselves: it waits for the manager's approval.
    assert statuses == {py.pk: EnrolmentStatus.REQUESTED, k8s.pk: EnrolmentStatus.ENROLLED}
    with pytest.raises(Conflict, match="already accepted"):
        services.accept_plan(actor=org.user("employee"), plan=plan)
    assert AuditLog.objects.filter(action="learning.plan.accept", object_id=str(plan.pk)).exists()


def test_a_manager_accepting_approves_by_enrolling(org: Org) -> None:
    py = item(org, "Python for developers", skills=(("Python", 3),), requires_approval=True)
    plan = services.create_proposal(
        actor=org.user("manager"),
        person=org.employee,
        target=Target("skills", ((Skill.objects.get(name="Python"), 3),)),
    )
    services.accept_plan(actor=org.user("manager"), plan=plan)
    assert Enrolment.objects.get(plan=plan, item=py).status == EnrolmentStatus.ENROLLED


def test_items_the_enrolment_service_refuses_are_reported_not_fatal(org: Org) -> None:
    workshop = item(org, "Python workshop", skills=(("Python", 3),), kind=Kind.WORKSHOP)
    start = timezone.now() + timedelta(days=10)
    catalogue.save_session(
        actor=org.user("admin"),
        item=workshop,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        seats=5,
    )
    k8s = item(org, "Kubernetes intro", skills=(("Kubernetes", 2),))
    enrolment_services.enrol(actor=org.user("employee"), person=org.employee, item=k8s)
    plan = services.create_proposal(
        actor=org.user("employee"), person=org.employee, target=Target("current_role")
    )
    result = services.accept_plan(actor=org.user("employee"), plan=plan)
    refused = {it.title: why for it, why in result.not_enrolled}
    assert result.enrolled == []
    assert "upcoming sessions" in refused["Python workshop"]
    assert "already enrolled" in refused["Kubernetes intro"]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACCEPTED
    rows = {
        r.item.title: r.enrolment for r in services.plan_view(plan, actor=org.user("employee")).rows
    }
    assert rows["Python workshop"] is None
    assert rows["Kubernetes intro"] is not None and rows["Kubernetes intro"].status == "enrolled"


def test_the_catalogue_loads_as_exact_tenths_and_cents(org: Org) -> None:
    a = item(
        org, "Odd amounts", skills=(("Python", 3),), hours="2.3", cost="12.34", language="en-GB"
    )
    b = item(org, "Big amounts", hours="99999.9", cost="99999999.99")
    old = item(org, "Archived", skills=(("Python", 4),))
    catalogue.set_item_active(actor=org.user("admin"), item=old, active=False)
    cat = services.load_catalogue()
    row = {int(i): k for k, i in enumerate(cat.ids)}
    assert set(row) == {a.pk, b.pk}
    assert (cat.hours[row[a.pk]], cat.cost[row[a.pk]]) == (23, 1234)
    assert (cat.hours[row[b.pk]], cat.cost[row[b.pk]]) == (999999, 9999999999)
    assert cat.language[row[a.pk]] == "en"


def test_a_plan_without_items_lists_the_gaps_but_cannot_be_accepted(org: Org) -> None:
    plan = services.create_proposal(
        actor=org.user("employee"), person=org.employee, target=Target("current_role")
    )
    assert not plan.items.exists()
    assert {u["skill_name"] for u in plan.uncovered} == {"Python", "Kubernetes"}
    assert services.plan_view(plan, actor=org.user("employee")).can_accept is False
    with pytest.raises(ServiceError, match="no items to take"):
        services.accept_plan(actor=org.user("employee"), plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED
