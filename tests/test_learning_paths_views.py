"""Pages of role paths and personal learning plans, per actor, with query budgets."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from seedbed.learning.models import Enrolment, LearningPath, LearningPlan, PlanStatus
from seedbed.learning.services import paths as services
from seedbed.learning.services.paths import Target
from seedbed.skills.models import Skill
from tests.conftest import Org
from tests.test_learning_paths import complete, item, needs, rate

pytestmark = pytest.mark.django_db


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", response.content.decode())


# --- role paths ------------------------------------------------------------------------------


def test_hr_builds_a_path_on_its_pages(org: Org, clients: dict[str, Client]) -> None:
    admin = clients["admin"]
    docker = item(org, "Docker basics", hours="4")
    k8s = item(org, "Kubernetes in depth", hours="16", cost="450")
    needs(org, k8s, first=docker)
    r = admin.post(
        reverse("learning:path_create"),
        {"name": "Platform engineer", "role": org.employee.role.pk, "description": ""},
    )
    path = LearningPath.objects.get(name="Platform engineer")
    assert r.status_code == 302 and r.url == reverse("learning:path_detail", args=[path.pk])
    # Search the catalogue and add the steps in the wrong order: refused, named.
    r = admin.get(reverse("learning:path_detail", args=[path.pk]), {"q": "kubernetes"})
    assert "Kubernetes in depth" in _text(r)
    steps = reverse("learning:path_steps", args=[path.pk])
    r = admin.post(steps, {"action": "add", "item": k8s.pk}, follow=True)
    assert "“Kubernetes in depth” needs “Docker basics” first" in _text(r)
    assert not path.steps.exists()
    admin.post(steps, {"action": "add", "item": docker.pk})
    admin.post(steps, {"action": "add", "item": k8s.pk})
    r = admin.post(steps, {"action": "up", "item": k8s.pk}, follow=True)
    assert "move “Docker basics” before “Kubernetes in depth”" in _text(r)
    assert list(path.steps.values_list("item_id", flat=True)) == [docker.pk, k8s.pk]
    r = admin.get(reverse("learning:path_detail", args=[path.pk]))
    page = _text(r)
    assert "Docker basics" in page and "20.0" in page and "450" in page


def test_everyone_reads_paths_but_only_hr_changes_them(
    org: Org, clients: dict[str, Client]
) -> None:
    path = services.save_path(actor=org.user("admin"), data={"name": "Data path"})
    a = item(org, "A course")
    for who in ("manager", "employee", "outsider"):
        c = clients[who]
        assert c.get(reverse("learning:paths")).status_code == 200
        page = _text(c.get(reverse("learning:path_detail", args=[path.pk])))
        assert "Data path" in page and "Add a step" not in page
        assert (
            c.post(
                reverse("learning:path_steps", args=[path.pk]), {"action": "add", "item": a.pk}
            ).status_code
            == 403
        )
        assert c.post(reverse("learning:path_delete", args=[path.pk])).status_code == 403
        assert c.get(reverse("learning:path_create")).status_code == 403
    assert not path.steps.exists()
    assert LearningPath.objects.filter(pk=path.pk).exists()


def test_path_progress_of_someone_in_my_line_but_not_of_an_outsider(
    org: Org, clients: dict[str, Client]
) -> None:
    a, b = item(org, "A course", skills=(("Python", 2),)), item(org, "B course")
    path = services.save_path(actor=org.user("admin"), data={"name": "P"})
    services.set_path_steps(actor=org.user("admin"), path=path, items=[a, b])
    complete(org, org.employee, a)
    url = reverse("learning:path_detail", args=[path.pk])
    page = _text(clients["manager"].get(url, {"person": org.employee.pk}))
    assert "Emil Employee completed" in page and "1 / 2" in page
    assert clients["employee"].get(url).status_code == 200
    assert "You completed" in _text(clients["employee"].get(url))
    assert clients["outsider"].get(url, {"person": org.employee.pk}).status_code == 404
    assert clients["manager"].get(url, {"person": "x"}).status_code == 404


def test_path_list_and_detail_query_budgets(
    org: Org, clients: dict[str, Client], django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    items = [item(org, f"Course {n}") for n in range(6)]
    for n in range(3):
        path = services.save_path(actor=org.user("admin"), data={"name": f"Path {n}"})
        services.set_path_steps(actor=org.user("admin"), path=path, items=items[n : n + 3])
    c = clients["employee"]
    # session, user, count for the paginator, the unread count in the navigation, paths page
    # with step counts and sums
    with django_assert_num_queries(5):
        assert c.get(reverse("learning:paths")).status_code == 200
    # session, user, path, my person, steps with items, prerequisites, completions,
    # the unread count in the navigation, the count of people whose progress I may pick (just
    # me: no select to fill)
    with django_assert_num_queries(9):
        assert c.get(reverse("learning:path_detail", args=[path.pk])).status_code == 200


# --- personal plans --------------------------------------------------------------------------


def test_employee_plans_accepts_and_sees_enrolments(org: Org, clients: dict[str, Client]) -> None:
    c = clients["employee"]
    rate(org, org.employee, "Python", 1)
    py = item(org, "Python for developers", skills=(("Python", 3),), hours="8")
    item(org, "Kubernetes intro", skills=(("Kubernetes", 2),), hours="6", requires_approval=True)
    r = c.get(reverse("learning:plan_mine"))
    assert r.status_code == 302 and r.url == reverse("learning:plan_new", args=[org.employee.pk])
    page = _text(c.get(r.url))
    assert "Plan my learning" in page and "My current role: Developer" in page
    r = c.post(
        reverse("learning:plan_new", args=[org.employee.pk]),
        {
            "target": "current_role",
            "objective": "time",
            "budget": "",
            "formats": ["online", "self_paced"],
        },
    )
    plan = LearningPlan.objects.get(person=org.employee)
    assert r.status_code == 302 and r.url == reverse("learning:plan_detail", args=[plan.pk])
    page = _text(c.get(r.url))
    assert "Proposed learning plan" in page and "covers Python 1→3" in page
    assert "Accept this plan" in page and "14.0 hours" in page
    r = c.post(reverse("learning:plan_accept", args=[plan.pk]), follow=True)
    page = _text(r)
    assert "Plan accepted: enrolled in 2 of 2 items." in page
    assert "Waiting for approval" in page and "Enrolled" in page
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACCEPTED
    assert Enrolment.objects.filter(plan=plan, item=py).exists()
    assert "Accept this plan" not in page


def test_plan_form_errors_show_on_the_page(org: Org, clients: dict[str, Client]) -> None:
    c = clients["employee"]
    url = reverse("learning:plan_new", args=[org.employee.pk])
    page = _text(
        c.post(
            url,
            {
                "target": "skills",
                "skills": "Quantum knitting:3",
                "objective": "time",
                "formats": ["online"],
            },
        )
    )
    assert "Unknown skill “Quantum knitting”" in page
    page = _text(c.post(url, {"target": "target_role", "objective": "time", "formats": ["online"]}))
    assert "Select a valid choice" in page  # no target role: the option is not offered
    page = _text(
        c.post(
            url,
            {"target": "current_role", "objective": "time", "budget": "-5", "formats": ["online"]},
        )
    )
    assert "greater than or equal to 0" in page
    assert not LearningPlan.objects.exists()


def test_chosen_skills_plan_with_uncovered_gap_and_mentor(
    org: Org, clients: dict[str, Client]
) -> None:
    rate(org, org.report2, "Kubernetes", 4)
    r = clients["manager"].post(
        reverse("learning:plan_new", args=[org.employee.pk]),
        {"target": "skills", "skills": "k8s:4", "objective": "cost", "formats": ["online"]},
        follow=True,
    )
    page = _text(r)
    assert "Gaps this plan does not close" in page
    assert "No active item in the catalogue reaches this level." in page
    assert "Rita Report" in page
    plan = LearningPlan.objects.get()
    assert plan.target_skills == [{"skill_id": Skill.objects.get(name="Kubernetes").pk, "level": 4}]


@pytest.mark.parametrize("who", ["outsider", "outsider_manager", "report2"])
def test_others_cannot_see_or_accept_a_plan(org: Org, clients: dict[str, Client], who: str) -> None:
    item(org, "Python for developers", skills=(("Python", 3),))
    plan = services.create_proposal(
        actor=org.user("employee"), person=org.employee, target=Target("current_role")
    )
    c = clients[who]
    assert c.get(reverse("learning:plan_new", args=[org.employee.pk])).status_code == 404
    assert (
        c.post(
            reverse("learning:plan_new", args=[org.employee.pk]),
            {"target": "current_role", "objective": "time", "formats": ["online"]},
        ).status_code
        == 404
    )
    assert c.get(reverse("learning:plan_detail", args=[plan.pk])).status_code == 404
    assert c.post(reverse("learning:plan_accept", args=[plan.pk])).status_code == 404
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED
    assert LearningPlan.objects.count() == 1


def test_manager_accepts_for_a_report(org: Org, clients: dict[str, Client]) -> None:
    item(org, "Python for developers", skills=(("Python", 3),))
    plan = services.create_proposal(
        actor=org.user("employee"), person=org.employee, target=Target("current_role")
    )
    r = clients["manager"].post(reverse("learning:plan_accept", args=[plan.pk]), follow=True)
    assert "Plan accepted" in _text(r)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACCEPTED and plan.accepted_by == org.user("manager")
    r = clients["manager"].post(reverse("learning:plan_accept", args=[plan.pk]), follow=True)
    assert "This plan is already accepted." in _text(r)


def test_plan_pages_query_budgets(
    org: Org, clients: dict[str, Client], django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for n in range(4):
        item(org, f"Python {n}", skills=(("Python", 3),), hours=str(n + 1))
    for _n in range(3):
        plan = services.create_proposal(
            actor=org.user("manager"),
            person=org.employee,
            target=Target("skills", ((Skill.objects.get(name="Python"), 3),)),
        )
        services.accept_plan(actor=org.user("manager"), plan=plan)
    plan = services.create_proposal(
        actor=org.user("employee"), person=org.employee, target=Target("current_role")
    )
    c = clients["employee"]
    # session, user, person (scoped), org settings (languages), unread count in the
    # navigation, plans with item counts
    with django_assert_num_queries(6):
        assert c.get(reverse("learning:plan_new", args=[org.employee.pk])).status_code == 200
    # session, user, plan (scoped), plan items with items, enrolments, mentors for the
    # uncovered Kubernetes gap, unread count in the navigation
    with django_assert_num_queries(7):
        assert c.get(reverse("learning:plan_detail", args=[plan.pk])).status_code == 200


def test_gap_view_and_my_skills_lead_to_planning(org: Org, clients: dict[str, Client]) -> None:
    page = _text(clients["employee"].get(reverse("gaps:person", args=[org.employee.pk])))
    assert f'href="{reverse("learning:plan_new", args=[org.employee.pk])}">Plan my learning' in page
    page = _text(clients["manager"].get(reverse("gaps:person", args=[org.report2.pk])))
    assert f'href="{reverse("learning:plan_new", args=[org.report2.pk])}">Plan learning' in page
    page = _text(clients["admin"].get(reverse("gaps:person", args=[org.outsider.pk])))
    assert reverse("learning:plan_new", args=[org.outsider.pk]) in page
    page = _text(clients["employee"].get(reverse("skills:my_skills")))
    assert reverse("learning:plan_mine") in page


def test_no_plan_link_for_a_colleague_whose_levels_are_open(
    org: Org, clients: dict[str, Client]
) -> None:
    from seedbed.accounts.models import OrgSettings

    OrgSettings.objects.update_or_create(pk=1, defaults={"colleagues_see_levels": True})
    r = clients["outsider_manager"].get(reverse("gaps:person", args=[org.employee.pk]))
    assert r.status_code == 200
    assert reverse("learning:plan_new", args=[org.employee.pk]) not in _text(r)
