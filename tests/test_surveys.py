"""Survey services: launching for everyone, a team (with sub-teams) or a role; what a task
lists; answering and completing; reminders only to those behind; closing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format

from seedbed.lib.errors import Conflict, NotAllowed, ServiceError
from seedbed.notifications.models import Kind, Notification
from seedbed.people.models import Person
from seedbed.skills.models import Assertion, PersonSkill, Skill, Source
from seedbed.skills.services import NewAssertion, record_assertion, record_assertions_bulk
from seedbed.surveys import services
from seedbed.surveys.models import Campaign, CampaignStatus, Scope, SurveyTask, TaskStatus
from tests.builders import make_person, make_skill, make_team

pytestmark = pytest.mark.django_db


def _deadline(days: int = 14):  # type: ignore[no-untyped-def]
    return timezone.localdate() + timedelta(days=days)


def _launch(org, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("name", "Spring review")
    kw.setdefault("scope", Scope.EVERYONE)
    kw.setdefault("deadline", _deadline())
    return services.launch_campaign(actor=org.user("admin"), **kw)


def _people(campaign: Campaign) -> set[str]:
    return set(campaign.tasks.values_list("person__full_name", flat=True))


# --- launch and scope ----------------------------------------------------------------------


def test_launch_for_everyone_gives_each_active_person_with_a_login_a_task(org):
    make_person("No Login")  # cannot answer: left out
    gone = make_person("Gone Person", access="employee")
    Person.objects.filter(pk=gone.pk).update(is_active=False)
    campaign = _launch(org)
    assert _people(campaign) == {
        p.full_name
        for p in (
            org.admin,
            org.manager,
            org.lead,
            org.employee,
            org.report2,
            org.outsider_manager,
            org.outsider,
        )
    }
    assert campaign.status == CampaignStatus.OPEN


def test_launch_for_a_team_includes_its_sub_teams_only(org):
    eng = org.employee.team
    platform = make_team("Platform", parent=eng)
    firmware = make_team("Firmware", parent=platform)
    deep = make_person("Deep Dev", access="employee", team=firmware)
    make_person("Ops Person", access="employee", team=org.outsider.team)
    campaign = _launch(org, scope=Scope.TEAM, team=eng)
    assert _people(campaign) == {
        org.manager.full_name,
        org.lead.full_name,
        org.employee.full_name,
        org.report2.full_name,
        deep.full_name,
    }
    # progress groups by the team at launch, so the sub-team stays its own row
    assert SurveyTask.objects.get(campaign=campaign, person=deep).team == firmware


def test_launch_for_a_role(org):
    campaign = _launch(org, scope=Scope.ROLE, role=org.employee.role)
    assert _people(campaign) == {
        org.manager.full_name,
        org.lead.full_name,
        org.employee.full_name,
        org.report2.full_name,
    }


def test_task_lists_role_requirements_then_held_skills_but_no_archived_ones(org):
    go = make_skill("Go")
    old = make_skill("COBOL")
    for skill in (go, old):
        record_assertion(
            actor=org.user("employee"), person=org.employee, skill=skill, level=2, source="self"
        )
    Skill.objects.filter(pk=old.pk).update(is_active=False)
    campaign = _launch(org)
    task = SurveyTask.objects.get(campaign=campaign, person=org.employee)
    items = {i.skill.name: i.required_level for i in task.items.select_related("skill")}
    assert items == {"Python": 3, "Kubernetes": 2, "Go": None}
    # the outsider has no role and no skills: an empty task (they may add skills, then finish)
    assert not SurveyTask.objects.get(campaign=campaign, person=org.outsider).items.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"scope": "planet"}, "scope"),
        ({"scope": Scope.TEAM}, "team"),
        ({"scope": Scope.ROLE}, "role"),
        ({"deadline": timezone.localdate() - timedelta(days=1)}, "deadline"),
        ({"deadline": timezone.localdate() + timedelta(days=400)}, "deadline"),
        ({"message": "m" * 5001}, "message"),
    ],
)
def test_launch_rejects_bad_input_with_the_field_named(org, kwargs, field):
    with pytest.raises(ServiceError) as exc:
        _launch(org, **kwargs)
    assert exc.value.field == field
    assert not Campaign.objects.exists()


def test_launch_refuses_a_scope_without_anyone_who_can_answer(org):
    empty = make_team("Empty")
    make_person("No Login", team=empty)
    with pytest.raises(ServiceError, match="Nobody in this scope"):
        _launch(org, scope=Scope.TEAM, team=empty)


@pytest.mark.parametrize("actor", ["manager", "employee", "outsider"])
def test_only_admins_launch(org, actor):
    with pytest.raises(NotAllowed):
        services.launch_campaign(
            actor=org.user(actor), name="x", scope=Scope.EVERYONE, deadline=_deadline()
        )


def test_launch_notifies_each_person_in_their_language_by_email(
    org, django_capture_on_commit_callbacks
):
    user = org.user("employee")
    user.language = "de"
    user.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        campaign = _launch(org, scope=Scope.ROLE, role=org.employee.role, message="Please!")
    notes = Notification.objects.filter(kind=Kind.SURVEY_TASK)
    assert set(notes.values_list("recipient__full_name", flat=True)) == _people(campaign)
    task = SurveyTask.objects.get(campaign=campaign, person=org.employee)
    mine = notes.get(recipient=org.employee)
    assert mine.link == f"/surveys/tasks/{task.pk}/"
    assert mine.emailed_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        Person.objects.filter(role=org.employee.role).values_list("email", flat=True)
    )
    german = next(m for m in mail.outbox if m.to == [org.employee.email])
    english = next(m for m in mail.outbox if m.to == [org.manager.email])
    assert german.subject == "Kompetenzumfrage: Spring review"
    assert english.subject == "Skill survey: Spring review"
    with translation.override("de"):
        german_date = date_format(campaign.deadline, "DATE_FORMAT")
    assert "Please!" in german.body and "2 Kompetenzen" in german.body
    assert german_date in german.body and german_date != campaign.deadline.isoformat()
    assert "Please rate your level in 2 skills by" in english.body
    assert "http://localhost:8000/surveys/tasks/" in english.body
    # announcing again tells nobody twice
    assert services.announce(campaign_id=campaign.pk) == 0


# --- answering -----------------------------------------------------------------------------


def _task(org, who: str = "employee") -> SurveyTask:  # type: ignore[no-untyped-def]
    campaign = Campaign.objects.first() or _launch(org)
    return SurveyTask.objects.get(campaign=campaign, person=getattr(org, who))


def _ids(*names: str) -> list[int]:
    return [Skill.objects.get(name=n).pk for n in names]


def test_answers_are_self_ratings_that_wait_for_the_manager(org):
    task = _task(org)
    python, k8s = _ids("Python", "Kubernetes")
    services.submit_answers(actor=org.user("employee"), task=task, answers={python: 3})
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    assert Assertion.objects.filter(person=org.employee, source=Source.SELF).count() == 1
    ps = PersonSkill.objects.get(person=org.employee, skill_id=python)
    assert ps.pending_validation and ps.self_level == 3
    assert PersonSkill.objects.pending_for(org.user("manager")).filter(pk=ps.pk).exists()
    services.submit_answers(actor=org.user("employee"), task=task, answers={k8s: 1}, complete=True)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.completed_at is not None


def test_completing_needs_every_skill_and_keeps_nothing_when_refused(org):
    task = _task(org)
    (python,) = _ids("Python")
    with pytest.raises(ServiceError, match="Kubernetes"):
        services.submit_answers(
            actor=org.user("employee"), task=task, answers={python: 3}, complete=True
        )
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    assert not Assertion.objects.filter(person=org.employee).exists()


def test_confirming_an_unchanged_level_counts_and_refreshes_it(org):
    (python,) = _ids("Python")
    long_ago = timezone.now() - timedelta(days=500)
    record_assertions_bulk(
        actor=org.user("manager"),
        rows=[NewAssertion(org.employee.pk, python, 3, Source.MANAGER, at=long_ago)],
        summary="old",
    )
    assert services.stale_levels(org.employee).count() == 1
    task = _task(org)
    services.submit_answers(actor=org.user("employee"), task=task, answers={python: 3})
    ps = PersonSkill.objects.get(person=org.employee, skill_id=python)
    assert ps.level == 3 and ps.last_evidence_at > long_ago
    assert not services.stale_levels(org.employee).exists()
    # the same answer again records nothing new
    services.submit_answers(actor=org.user("employee"), task=task, answers={python: 3})
    assert Assertion.objects.filter(person=org.employee, source=Source.SELF).count() == 1


@pytest.mark.parametrize("actor", ["manager", "outsider", "admin"])
def test_nobody_answers_someone_elses_task(org, actor):
    task = _task(org)
    with pytest.raises(NotAllowed):
        services.submit_answers(
            actor=org.user(actor), task=task, answers=dict.fromkeys(_ids("Python"), 3)
        )
    assert not Assertion.objects.exists()


def test_answers_must_be_skills_of_the_task_on_their_scale(org):
    task = _task(org)
    other = make_skill("Other")
    with pytest.raises(ServiceError, match="Other is not part of this survey"):
        services.submit_answers(actor=org.user("employee"), task=task, answers={other.pk: 2})
    with pytest.raises(ServiceError, match="outside the scale"):
        services.submit_answers(
            actor=org.user("employee"), task=task, answers=dict.fromkeys(_ids("Python"), 9)
        )
    assert not Assertion.objects.exists()


def test_a_closed_survey_takes_no_answers_and_cannot_be_closed_twice(org):
    task = _task(org)
    services.close_campaign(actor=org.user("admin"), campaign=task.campaign)
    with pytest.raises(ServiceError, match="closed"):
        services.submit_answers(
            actor=org.user("employee"), task=task, answers=dict.fromkeys(_ids("Python"), 3)
        )
    with pytest.raises(Conflict):
        services.close_campaign(actor=org.user("admin"), campaign=task.campaign, cancel=True)
    with pytest.raises(NotAllowed):
        services.close_campaign(actor=org.user("manager"), campaign=_launch(org))


# --- reminders -----------------------------------------------------------------------------


def _finish(org, who: str) -> None:  # type: ignore[no-untyped-def]
    task = _task(org, who)
    services.submit_answers(
        actor=org.user(who),
        task=task,
        answers=dict.fromkeys(task.items.values_list("skill_id", flat=True), 2),
        complete=True,
    )


def test_reminders_go_only_to_those_behind(org, django_capture_on_commit_callbacks):
    campaign = _launch(org, scope=Scope.ROLE, role=org.employee.role)
    _finish(org, "employee")
    _finish(org, "lead")
    with django_capture_on_commit_callbacks(execute=True):
        count = services.send_reminders(actor=org.user("admin"), campaign=campaign)
    assert count == 2
    reminded = Notification.objects.filter(kind=Kind.SURVEY_REMINDER)
    assert set(reminded.values_list("recipient", flat=True)) == {
        org.manager.pk,
        org.report2.pk,
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted([org.manager.email, org.report2.email])
    assert all(m.subject.startswith("Reminder: Spring review is due on") for m in mail.outbox)
    note = reminded.get(recipient=org.report2)
    assert note.body == "2 skills in your survey have no rating yet."
    # again within the hour: nobody
    assert services.send_reminders(actor=org.user("admin"), campaign=campaign) == 0
    later = timezone.now() + timedelta(hours=2)
    assert services.send_reminders(actor=org.user("admin"), campaign=campaign, now=later) == 2
    assert SurveyTask.objects.get(campaign=campaign, person=org.report2).reminder_count == 2


def test_a_manager_reminds_only_their_reporting_line(org):
    campaign = _launch(org)
    assert services.send_reminders(actor=org.user("lead"), campaign=campaign) == 2  # self + report2
    assert set(
        Notification.objects.filter(kind=Kind.SURVEY_REMINDER).values_list("recipient", flat=True)
    ) == {org.lead.pk, org.report2.pk}
    with pytest.raises(NotAllowed):
        services.send_reminders(actor=org.user("employee"), campaign=campaign)


def test_no_reminders_for_a_closed_survey(org):
    campaign = _launch(org)
    services.close_campaign(actor=org.user("admin"), campaign=campaign, cancel=True)
    with pytest.raises(ServiceError, match="closed"):
        services.send_reminders(actor=org.user("admin"), campaign=campaign)
    assert Campaign.objects.get().status == CampaignStatus.CANCELLED
