"""Knowledge capture (handover interviews): generation from what only one person knows, the
triggers (leaving, periodic, by hand, never twice), who may do what, and the actions that end
a prompt (an article from the answer, a new owner) and the interview.

The setting (``kc``), on top of the named actors of tests/conftest.py: the Developer role
requires Python 3 and Kubernetes 2, so both matter. The employee is the only one at level 4+
in Python (manager-validated 4): Python is at risk and the employee its sole holder. Nobody
holds Kubernetes (at risk, no holder). The employee owns the article "Deploying the shop"
(and an archived one) and is the only one who answered "How do we rotate the keys?"; the
question "Which linter?" also has an answer by the lead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from seedbed.knowledge.models import (
    Answer,
    Article,
    ArticleKind,
    ArticleState,
    HandoverInterview,
    HandoverPrompt,
    HandoverReason,
    HandoverState,
    PromptKind,
    Question,
)
from seedbed.knowledge.selectors import handover_panel, handover_progress
from seedbed.knowledge.services import handovers as h
from seedbed.lib.errors import Conflict, NotAllowed, ServiceError
from seedbed.notifications.models import Kind, Notification
from seedbed.people.models import Person
from seedbed.people.services import save_person
from seedbed.skills.models import Skill, Source
from seedbed.skills.services import NewAssertion, record_assertions_bulk
from tests.conftest import Org

pytestmark = pytest.mark.django_db


@dataclass
class KC:
    org: Org
    python: Skill
    k8s: Skill
    article: Article
    archived: Article
    question: Question
    shared: Question


def set_level(person: Person, skill: Skill, level: int) -> None:
    record_assertions_bulk(
        actor=None,
        rows=[NewAssertion(person.pk, skill.pk, level, Source.MANAGER)],
        summary="test level",
    )


def build_kc(org: Org) -> KC:
    python = Skill.objects.get(name="Python")
    k8s = Skill.objects.get(name="Kubernetes")
    set_level(org.employee, python, 4)
    set_level(org.manager, python, 3)
    article = Article.objects.create(title="Deploying the shop", body="Steps", owner=org.employee)
    archived = Article.objects.create(
        title="Old runbook", body="x", owner=org.employee, state=ArticleState.ARCHIVED
    )
    question = Question.objects.create(title="How do we rotate the keys?", asked_by=org.lead)
    Answer.objects.create(question=question, author=org.employee, body="With the vault CLI.")
    Answer.objects.create(question=question, author=org.employee, body="Or ask Ops.")
    shared = Question.objects.create(title="Which linter?", asked_by=org.report2)
    Answer.objects.create(question=shared, author=org.employee, body="ruff")
    Answer.objects.create(question=shared, author=org.lead, body="ruff, too")
    return KC(org, python, k8s, article, archived, question, shared)


@pytest.fixture
def kc(org: Org) -> KC:
    return build_kc(org)


def start(kc: KC, **kw: object) -> HandoverInterview:
    return h.start_handover(actor=kc.org.user("manager"), person=kc.org.employee, **kw)  # type: ignore[arg-type]


def prompt_of(interview: HandoverInterview, kind: str) -> HandoverPrompt:
    return interview.prompts.filter(kind=kind).select_related("interview__person").first()  # type: ignore[return-value]


# --- generation ----------------------------------------------------------------------------


def test_a_sole_holder_gets_a_prompt_for_the_skill_at_risk(kc: KC) -> None:
    specs = h.build_prompts(kc.org.employee)
    skills = [s for s in specs if s.kind == PromptKind.SKILL]
    assert [s.skill_id for s in skills] == [kc.python.pk]
    assert "Python" in skills[0].prompt
    assert h.sole_holdings() == {kc.org.employee.pk: [kc.python.pk]}


def test_no_skill_prompt_once_a_second_person_reaches_the_level(kc: KC) -> None:
    set_level(kc.org.report2, kc.python, 4)
    specs = h.build_prompts(kc.org.employee)
    assert not [s for s in specs if s.kind == PromptKind.SKILL]
    assert h.sole_holdings() == {}


def test_a_holder_who_left_does_not_count(kc: KC) -> None:
    set_level(kc.org.report2, kc.python, 5)
    Person.objects.filter(pk=kc.org.report2.pk).update(is_active=False)
    assert h.sole_holdings() == {kc.org.employee.pk: [kc.python.pk]}


def test_a_skill_that_does_not_matter_is_not_asked_about(kc: KC, org: Org) -> None:
    from tests.builders import make_skill

    juggling = make_skill("Juggling")  # no role, need or criticality: not at risk
    set_level(org.employee, juggling, 5)
    assert juggling.pk not in h.sole_holdings().get(org.employee.pk, [])


def test_prompts_for_owned_articles_and_questions_only_they_answered(kc: KC) -> None:
    specs = h.build_prompts(kc.org.employee)
    assert [s.article_id for s in specs if s.kind == PromptKind.ARTICLE] == [kc.article.pk]
    assert [s.question_id for s in specs if s.kind == PromptKind.QUESTION] == [kc.question.pk]
    general = [s for s in specs if s.kind == PromptKind.GENERAL]
    assert len(general) == len(h.GENERAL_PROMPTS)
    assert "successor" in general[-1].prompt
    # Order: skills, articles, questions, then the general prompts.
    assert [s.kind for s in specs][:3] == [
        PromptKind.SKILL,
        PromptKind.ARTICLE,
        PromptKind.QUESTION,
    ]


def test_an_answer_by_someone_who_was_erased_counts_as_someone_else(kc: KC) -> None:
    Answer.objects.create(question=kc.question, author=None, body="anonymous")
    specs = h.build_prompts(kc.org.employee)
    assert not [s for s in specs if s.kind == PromptKind.QUESTION]


def test_prompts_are_written_in_the_persons_language(kc: KC) -> None:
    user = kc.org.user("employee")
    user.language = "de"
    user.save(update_fields=["language"])
    interview = start(kc)
    general = prompt_of(interview, PromptKind.GENERAL)
    assert general.prompt  # stored text (German once translated; never empty)
    assert interview.prompts.count() == 1 + 1 + 1 + len(h.GENERAL_PROMPTS)


# --- triggers ------------------------------------------------------------------------------


def test_marking_someone_as_leaving_starts_one_interview_and_tells_both(
    kc: KC, django_capture_on_commit_callbacks
) -> None:
    leaving = timezone.localdate() + timedelta(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        save_person(
            actor=kc.org.user("admin"), person=kc.org.employee, data={"leaving_on": leaving}
        )
    interview = HandoverInterview.objects.get(person=kc.org.employee)
    assert interview.reason == HandoverReason.LEAVING
    assert interview.due_on == leaving
    assert interview.manager == kc.org.manager
    assert interview.state == HandoverState.OPEN
    notes = Notification.objects.filter(kind=Kind.HANDOVER)
    assert {n.recipient_id for n in notes} == {kc.org.employee.pk, kc.org.manager.pk}
    assert all(n.link == f"/knowledge/handovers/{interview.pk}/" for n in notes)
    assert {m.to[0] for m in mail.outbox} >= {kc.org.employee.email, kc.org.manager.email}
    # A new date: no second interview, the due date follows the earlier leaving day.
    earlier = leaving - timedelta(days=5)
    save_person(actor=kc.org.user("admin"), person=kc.org.employee, data={"leaving_on": earlier})
    assert HandoverInterview.objects.filter(person=kc.org.employee).count() == 1
    interview.refresh_from_db()
    assert interview.due_on == earlier
    assert Notification.objects.filter(kind=Kind.HANDOVER).count() == 2


def test_a_departure_handed_over_is_not_started_again_by_later_saves(kc: KC) -> None:
    admin = kc.org.user("admin")
    leaving = {"leaving_on": timezone.localdate() + timedelta(days=10)}
    save_person(actor=admin, person=kc.org.employee, data=leaving)
    interview = HandoverInterview.objects.get()
    h.complete_interview(actor=admin, interview=interview, skip_reason="done in person")
    # The person form always sends the leaving date along with every other change.
    save_person(actor=admin, person=kc.org.employee, data={**leaving, "location": "Bonn"})
    assert list(HandoverInterview.objects.all()) == [interview]


def test_saving_a_person_without_a_leaving_date_starts_nothing(kc: KC) -> None:
    save_person(actor=kc.org.user("admin"), person=kc.org.employee, data={"location": "Bonn"})
    save_person(actor=kc.org.user("admin"), person=kc.org.employee, data={"leaving_on": None})
    assert not HandoverInterview.objects.exists()


def test_leaving_with_an_open_interview_keeps_that_one(kc: KC) -> None:
    first = start(kc)
    save_person(
        actor=kc.org.user("admin"),
        person=kc.org.employee,
        data={"leaving_on": timezone.localdate() + timedelta(days=3)},
    )
    assert list(HandoverInterview.objects.all()) == [first]


def test_periodic_run_starts_one_for_each_sole_holder_and_never_twice(kc: KC) -> None:
    assert h.start_periodic_handovers() == 1
    interview = HandoverInterview.objects.get()
    assert interview.person == kc.org.employee
    assert interview.reason == HandoverReason.SOLE_HOLDER
    assert interview.created_by is None
    assert interview.due_on == timezone.localdate() + timedelta(days=h.DUE_AFTER_DAYS)
    assert h.start_periodic_handovers() == 0  # open
    h.complete_interview(actor=kc.org.user("manager"), interview=interview, skip_reason="later")
    assert h.start_periodic_handovers() == 0  # done within the last year
    HandoverInterview.objects.filter(pk=interview.pk).update(
        completed_at=timezone.now() - timedelta(days=h.REPEAT_AFTER_DAYS + 1)
    )
    assert h.start_periodic_handovers() == 1
    assert HandoverInterview.objects.filter(state=HandoverState.OPEN).count() == 1


def test_periodic_run_skips_people_who_left_and_runs_with_the_housekeeping(kc: KC) -> None:
    from seedbed.surveys.tasks import daily_housekeeping

    set_level(kc.org.report2, kc.k8s, 4)  # the only Kubernetes holder
    Person.objects.filter(pk=kc.org.employee.pk).update(is_active=False)
    result = daily_housekeeping.call()
    assert result["handovers"] == 1
    assert HandoverInterview.objects.get().person == kc.org.report2


def test_nobody_at_risk_starts_nothing(kc: KC) -> None:
    set_level(kc.org.report2, kc.python, 4)
    assert h.start_periodic_handovers() == 0


# --- starting by hand ----------------------------------------------------------------------


def test_admin_and_the_manager_start_one_others_cannot(kc: KC) -> None:
    org = kc.org
    for actor, person in [
        ("employee", org.employee),
        ("outsider_manager", org.employee),
        ("manager", org.outsider),
        ("lead", org.employee),  # the employee reports to the manager, not the lead
        ("manager", org.manager),  # not themselves
    ]:
        with pytest.raises(NotAllowed):
            h.start_handover(actor=org.user(actor), person=person)
    assert not HandoverInterview.objects.exists()
    interview = start(kc)
    assert interview.created_by == org.user("manager")
    other = h.start_handover(actor=org.user("admin"), person=org.outsider, reason="other")
    assert other.manager == org.outsider_manager
    assert h.start_handover(actor=org.user("manager"), person=org.report2).manager == org.lead


def test_no_second_open_interview(kc: KC) -> None:
    start(kc)
    with pytest.raises(Conflict):
        h.start_handover(actor=kc.org.user("admin"), person=kc.org.employee)


def test_bad_input_when_starting(kc: KC) -> None:
    with pytest.raises(ServiceError) as exc:
        start(kc, due_on=timezone.localdate() - timedelta(days=1))
    assert exc.value.field == "due_on"
    with pytest.raises(ServiceError) as exc:
        start(kc, reason="bored")
    assert exc.value.field == "reason"
    Person.objects.filter(pk=kc.org.employee.pk).update(is_active=False)
    kc.org.employee.refresh_from_db()
    with pytest.raises(ServiceError, match="has left"):
        h.start_handover(actor=kc.org.user("admin"), person=kc.org.employee)


def test_due_date_defaults_to_the_leaving_day(kc: KC) -> None:
    day = timezone.localdate() + timedelta(days=9)
    Person.objects.filter(pk=kc.org.employee.pk).update(leaving_on=day)
    kc.org.employee.refresh_from_db()
    assert start(kc).due_on == day


# --- working on it -------------------------------------------------------------------------


def test_the_person_and_the_manager_answer_others_cannot(kc: KC) -> None:
    interview = start(kc)
    prompt = prompt_of(interview, PromptKind.SKILL)
    h.answer_prompt(actor=kc.org.user("employee"), prompt=prompt, answer="  Use **pytest**. ")
    prompt.refresh_from_db()
    assert prompt.answer == "Use **pytest**."
    assert not prompt.is_done
    h.answer_prompt(actor=kc.org.user("manager"), prompt=prompt, answer="More", is_done=True)
    prompt.refresh_from_db()
    assert (prompt.answer, prompt.is_done) == ("More", True)
    for outsider in ("outsider", "outsider_manager", "lead", "report2"):
        with pytest.raises(NotAllowed):
            h.answer_prompt(actor=kc.org.user(outsider), prompt=prompt, answer="mine")
        with pytest.raises(NotAllowed):
            h.set_done(actor=kc.org.user(outsider), prompt=prompt, done=False)
    prompt.refresh_from_db()
    assert (prompt.answer, prompt.is_done) == ("More", True)


def test_bad_answers_are_refused(kc: KC) -> None:
    prompt = prompt_of(start(kc), PromptKind.GENERAL)
    with pytest.raises(ServiceError) as exc:
        h.answer_prompt(actor=kc.org.user("employee"), prompt=prompt, answer="a\x00b")
    assert exc.value.field == "answer"
    with pytest.raises(ServiceError, match="at most"):
        h.answer_prompt(actor=kc.org.user("employee"), prompt=prompt, answer="x" * 50_001)


def test_an_article_from_the_answer_owned_by_the_manager_tagged_with_the_skill(kc: KC) -> None:
    interview = start(kc)
    prompt = prompt_of(interview, PromptKind.SKILL)
    with pytest.raises(ServiceError, match="answer first"):
        h.article_from_answer(actor=kc.org.user("manager"), prompt=prompt)
    h.answer_prompt(actor=kc.org.user("employee"), prompt=prompt, answer="# Steps\n\n- one")
    with pytest.raises(NotAllowed):  # the person writes; the leads decide where it goes
        h.article_from_answer(actor=kc.org.user("employee"), prompt=prompt)
    article = h.article_from_answer(actor=kc.org.user("manager"), prompt=prompt)
    assert article.owner == kc.org.manager
    assert article.kind == ArticleKind.HANDOVER
    assert article.body == "# Steps\n\n- one"
    assert list(article.skills.all()) == [kc.python]
    assert "Python" in article.title and kc.org.employee.full_name in article.title
    prompt.refresh_from_db()
    assert prompt.result_article == article
    assert prompt.is_done
    with pytest.raises(Conflict):
        h.article_from_answer(actor=kc.org.user("manager"), prompt=prompt)


def test_an_article_for_a_chosen_successor_with_a_title(kc: KC) -> None:
    prompt = prompt_of(start(kc), PromptKind.GENERAL)
    h.answer_prompt(actor=kc.org.user("manager"), prompt=prompt, answer="Ask Otto.")
    article = h.article_from_answer(
        actor=kc.org.user("manager"),
        prompt=prompt,
        owner=kc.org.report2,
        title="  Contacts  ",
        visibility="team",
    )
    assert (article.title, article.owner, article.visibility) == (
        "Contacts",
        kc.org.report2,
        "team",
    )
    assert not article.skills.exists()


def test_a_leaving_person_cannot_own_what_they_hand_over(kc: KC) -> None:
    Person.objects.filter(pk=kc.org.employee.pk).update(leaving_on=date.today())
    kc.org.employee.refresh_from_db()
    interview = h.start_handover(
        actor=kc.org.user("admin"), person=kc.org.employee, reason=HandoverReason.LEAVING
    )
    prompt = prompt_of(interview, PromptKind.GENERAL)
    h.answer_prompt(actor=kc.org.user("admin"), prompt=prompt, answer="x")
    with pytest.raises(ServiceError) as exc:
        h.article_from_answer(actor=kc.org.user("admin"), prompt=prompt, owner=kc.org.employee)
    assert exc.value.field == "owner"
    assert not prompt.result_article_id


def test_reassign_the_article_the_prompt_is_about(kc: KC) -> None:
    interview = start(kc)
    prompt = prompt_of(interview, PromptKind.ARTICLE)
    with pytest.raises(NotAllowed):
        h.reassign_article(actor=kc.org.user("employee"), prompt=prompt, owner=kc.org.report2)
    h.reassign_article(actor=kc.org.user("manager"), prompt=prompt, owner=kc.org.report2)
    kc.article.refresh_from_db()
    assert kc.article.owner == kc.org.report2
    prompt.refresh_from_db()
    assert (prompt.new_owner, prompt.is_done) == (kc.org.report2, True)
    with pytest.raises(Conflict):
        h.reassign_article(actor=kc.org.user("manager"), prompt=prompt, owner=kc.org.report2)
    general = prompt_of(interview, PromptKind.GENERAL)
    with pytest.raises(ServiceError, match="not about an article"):
        h.reassign_article(actor=kc.org.user("manager"), prompt=general, owner=kc.org.report2)


def test_completing_needs_every_prompt_done_or_a_reason(kc: KC) -> None:
    interview = start(kc)
    with pytest.raises(NotAllowed):
        h.complete_interview(actor=kc.org.user("employee"), interview=interview)
    with pytest.raises(ServiceError) as exc:
        h.complete_interview(actor=kc.org.user("manager"), interview=interview)
    assert exc.value.field == "skip_reason"
    assert "7 prompts are not done" in exc.value.message
    for prompt in interview.prompts.select_related("interview__person"):
        h.set_done(actor=kc.org.user("employee"), prompt=prompt, done=True)
    h.complete_interview(actor=kc.org.user("manager"), interview=interview)
    interview.refresh_from_db()
    assert interview.state == HandoverState.DONE
    assert interview.completed_at is not None
    assert interview.skip_reason == ""
    with pytest.raises(Conflict):
        h.complete_interview(actor=kc.org.user("manager"), interview=interview)
    prompt = interview.prompts.select_related("interview__person").first()
    assert prompt is not None
    with pytest.raises(Conflict):
        h.answer_prompt(actor=kc.org.user("employee"), prompt=prompt, answer="late")


def test_completing_with_skipped_prompts_keeps_the_reason(kc: KC) -> None:
    interview = start(kc)
    h.complete_interview(
        actor=kc.org.user("admin"), interview=interview, skip_reason=" Left   early "
    )
    interview.refresh_from_db()
    assert interview.skip_reason == "Left early"
    assert interview.prompts.filter(is_done=False).count() == 7


# --- reading -------------------------------------------------------------------------------


def test_who_sees_an_interview(kc: KC) -> None:
    interview = start(kc)
    org = kc.org
    seen = {
        name: HandoverInterview.objects.visible_to(org.user(name)).filter(pk=interview.pk).exists()
        for name in (
            "admin",
            "manager",
            "lead",
            "employee",
            "report2",
            "outsider_manager",
            "outsider",
        )
    }
    assert seen == {
        "admin": True,
        "manager": True,
        "lead": False,
        "employee": True,
        "report2": False,
        "outsider_manager": False,
        "outsider": False,
    }


def test_progress_and_the_person_panel(kc: KC) -> None:
    interview = start(kc)
    prompt = prompt_of(interview, PromptKind.SKILL)
    h.set_done(actor=kc.org.user("employee"), prompt=prompt, done=True)
    progress = handover_progress([kc.org.employee.pk])[kc.org.employee.pk]
    assert (progress.interview_id, progress.done, progress.total) == (interview.pk, 1, 7)
    panel = handover_panel(kc.org.user("manager"), kc.org.employee)
    assert panel.progress == progress
    assert not panel.may_start  # one is open
    assert handover_panel(kc.org.user("outsider"), kc.org.employee).progress is None
    assert not handover_panel(kc.org.user("employee"), kc.org.employee).may_start
    assert handover_panel(kc.org.user("manager"), kc.org.report2).may_start
    assert not handover_panel(kc.org.user("outsider_manager"), kc.org.report2).may_start
