"""Development-plan pages per actor: start a plan, add goals (default target, items from the
catalogue), agree, review, reopen, close; the manager's overview with stalled goals and the
home-page panel; the outsider gets 404 and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from seedbed.accounts.models import AuditLog
from seedbed.development import services
from seedbed.development.models import DevelopmentPlan, Goal, PlanReview, PlanState
from seedbed.learning.models import ItemSkill, Kind, LearningItem
from seedbed.skills.models import Skill

pytestmark = pytest.mark.django_db


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


@pytest.fixture
def plan(org) -> DevelopmentPlan:  # type: ignore[no-untyped-def]
    plan = services.create_plan(actor=org.user("employee"), person=org.employee, title="Grow")
    services.add_goal(
        actor=org.user("employee"),
        plan=plan,
        skill=Skill.objects.get(name="Python"),
        due_date=timezone.localdate() + timedelta(days=7),
    )
    return plan


def test_employee_starts_a_plan_and_adds_a_goal_with_items(org, clients):
    k8s = Skill.objects.get(name="Kubernetes")
    course = LearningItem.objects.create(title="K8s in a month", kind=Kind.ELEARNING)
    ItemSkill.objects.create(item=course, skill=k8s, level=3)
    LearningItem.objects.create(title="Unrelated book", kind=Kind.READING)
    client = clients["employee"]
    home = _text(client.get(reverse("development:home")))
    assert "You have no development plan yet." in home
    response = client.post(
        reverse("development:plan_new", args=[org.employee.pk]), {"title": "Cloud skills"}
    )
    plan = DevelopmentPlan.objects.get()
    assert response["Location"] == reverse("development:plan", args=[plan.pk])
    form = _text(client.get(reverse("development:goal_new", args=[plan.pk])))
    assert "K8s in a month" in form and "Unrelated book" not in form
    assert f'<option value="{k8s.pk}">Kubernetes</option>' in form
    response = client.post(
        reverse("development:goal_new", args=[plan.pk]),
        {"skill": k8s.pk, "items": [course.pk], "due_date": "2030-01-31"},
    )
    assert response.status_code == 302
    goal = Goal.objects.get()
    assert goal.target_level == 2 and list(goal.items.all()) == [course]
    page = _text(client.get(reverse("development:plan", args=[plan.pk])))
    assert "Kubernetes" in page and "K8s in a month" in page
    assert "Agree the plan" not in page  # not for the person themselves


def test_goal_form_names_another_skill_or_complains(org, clients, plan):
    url = reverse("development:goal_new", args=[plan.pk])
    none = clients["employee"].post(url, {"note": "soon"})
    assert "Choose the skill this goal is about." in _text(none)
    unknown = clients["employee"].post(url, {"other_skill": "Juggling"})
    assert "No skill is named “Juggling”" in _text(unknown)
    no_default = clients["employee"].post(url, {"other_skill": "k8s", "target_level": ""})
    assert no_default.status_code == 302  # Kubernetes (by alias) has a role default
    Skill.objects.create(name="Rust", category=Skill.objects.first().category)  # type: ignore[union-attr]
    rust = clients["employee"].post(url, {"other_skill": "Rust"})
    assert "choose a target level" in _text(rust)


def test_manager_agrees_and_reviews_and_the_employee_is_locked_out(org, clients, plan):
    url = reverse("development:plan", args=[plan.pk])
    page = _text(clients["manager"].get(url))
    assert "Agree the plan" in page
    future = (timezone.localdate() + timedelta(days=60)).isoformat()
    clients["manager"].post(
        reverse("development:plan_agree", args=[plan.pk]), {"next_review": future}
    )
    plan.refresh_from_db()
    assert plan.state == PlanState.AGREED and plan.agreed_by == org.user("manager")
    goal = plan.goals.get()
    assert (
        clients["employee"].get(reverse("development:goal_edit", args=[goal.pk])).status_code == 403
    )
    response = clients["employee"].post(
        reverse("development:goal_delete", args=[goal.pk]), follow=True
    )
    assert "ask them to reopen it" in _text(response) and Goal.objects.exists()
    clients["manager"].post(
        reverse("development:plan_review", args=[plan.pk]),
        {"note": "Good progress on Python", "next_review": future},
    )
    assert PlanReview.objects.get().note == "Good progress on Python"
    assert "Good progress on Python" in _text(clients["employee"].get(url))
    clients["manager"].post(reverse("development:plan_action", args=[plan.pk, "close"]))
    plan.refresh_from_db()
    assert plan.state == PlanState.CLOSED


def test_edit_goal_marks_it_achieved(org, clients, plan):
    goal = plan.goals.get()
    response = clients["manager"].post(
        reverse("development:goal_edit", args=[goal.pk]),
        {"target_level": 3, "status": "achieved", "note": "done"},
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == "achieved" and goal.note == "done"


def test_outsider_gets_404_and_changes_nothing(org, clients, plan):
    outsider = clients["outsider"]
    goal = plan.goals.get()
    before = AuditLog.objects.count()
    assert outsider.get(reverse("development:plan", args=[plan.pk])).status_code == 404
    assert outsider.get(reverse("development:person", args=[org.employee.pk])).status_code == 404
    assert outsider.get(reverse("development:goal_edit", args=[goal.pk])).status_code == 404
    posts = [
        reverse("development:plan_new", args=[org.employee.pk]),
        reverse("development:plan_edit", args=[plan.pk]),
        reverse("development:plan_agree", args=[plan.pk]),
        reverse("development:plan_review", args=[plan.pk]),
        reverse("development:plan_action", args=[plan.pk, "delete"]),
        reverse("development:goal_new", args=[plan.pk]),
        reverse("development:goal_delete", args=[goal.pk]),
    ]
    for url in posts:
        assert outsider.post(url, {"title": "x", "next_review": "2031-01-01"}).status_code == 404
    assert AuditLog.objects.count() == before
    # The lead is a manager, but not of the employee.
    assert clients["lead"].get(reverse("development:plan", args=[plan.pk])).status_code == 404


def test_manager_overview_lists_the_line_with_stalled_goals(org, clients, plan):
    services.create_plan(actor=org.user("admin"), person=org.outsider, title="Outside plan")
    page = _text(clients["manager"].get(reverse("development:home")))
    assert "Plans in my reporting line" in page and "Grow" in page
    assert "Outside plan" not in page
    assert "Stalled goals" in page and "Python" in page
    admin = _text(clients["admin"].get(reverse("development:home")))
    assert "Outside plan" in admin and "Everyone's plans" in admin
    employee = _text(clients["employee"].get(reverse("development:home")))
    assert "Plans in my reporting line" not in employee and "Grow" in employee


def test_home_page_shows_overdue_plans_and_stalled_goals(org, clients, plan):
    services.agree_plan(
        actor=org.user("manager"),
        plan=plan,
        next_review=timezone.localdate() + timedelta(days=1),
    )
    DevelopmentPlan.objects.filter(pk=plan.pk).update(
        next_review=timezone.localdate() - timedelta(days=2)
    )
    home = _text(clients["manager"].get(reverse("home")))
    assert "Development plans overdue for review" in home
    assert reverse("development:plan", args=[plan.pk]) in home
    assert "Stalled goals" in home and "not rated yet, target 3" in home
    assert "overdue for review" in _text(clients["admin"].get(reverse("home")))
    assert "overdue for review" not in _text(clients["outsider_manager"].get(reverse("home")))
    assert "overdue for review" not in _text(clients["employee"].get(reverse("home")))


def test_overview_filters_overdue(org, clients, plan):
    other = services.create_plan(actor=org.user("manager"), person=org.report2, title="Other")
    services.add_goal(actor=org.user("manager"), plan=other, skill=Skill.objects.get(name="Python"))
    services.agree_plan(
        actor=org.user("manager"), plan=other, next_review=timezone.localdate() + timedelta(1)
    )
    DevelopmentPlan.objects.filter(pk=other.pk).update(
        next_review=timezone.localdate() - timedelta(days=1)
    )
    page = _text(clients["manager"].get(reverse("development:home"), {"overdue": "on"}))
    assert "Other" in page and ">Grow<" not in page
