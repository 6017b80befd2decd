"""Questions and answers services: asking, answering, comments, votes (score in step), accepting,
editing, closing, who may do each, and routing to experts with its caps (per question and per
expert per week), which skips the asker, people who left and people without a login."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from seedbed.accounts.models import AccessLevel, AuditLog
from seedbed.knowledge.models import Answer, Comment, FinderSettings, Question, Routing, Vote
from seedbed.knowledge.services import questions as services
from seedbed.lib.errors import Conflict, NotAllowed, ServiceError
from seedbed.notifications.models import Notification
from seedbed.people.models import Person
from seedbed.people.services import deactivate_person
from seedbed.skills.models import Skill, Source
from seedbed.skills.services import NewAssertion, record_assertions_bulk
from tests.builders import make_person
from tests.conftest import Org

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def rate(person: Person, skill: Skill, level: int) -> None:
    record_assertions_bulk(
        actor=None,
        rows=[NewAssertion(person.pk, skill.pk, level, Source.MANAGER, at=NOW - timedelta(days=5))],
        summary="test",
    )


@pytest.fixture
def python(org: Org) -> Skill:
    return Skill.objects.get(name="Python")


@pytest.fixture
def experts(org: Org, python: Skill) -> list[Person]:
    """Five people with logins whose validated Python levels are 5, 4, 3, 2, 1 (best first)."""
    people = []
    for level in (5, 4, 3, 2, 1):
        person = make_person(f"Expert Level{level}", access=AccessLevel.EMPLOYEE)
        rate(person, python, level)
        people.append(person)
    return people


def caps(per_question: int, per_week: int) -> None:
    settings = FinderSettings.load()
    settings.experts_per_question = per_question
    settings.max_notifications_per_week = per_week
    settings.save()


def ask(org: Org, who: str = "employee", **kw) -> Question:  # type: ignore[no-untyped-def]
    kw.setdefault("title", "How do I profile slow code?")
    return services.ask_question(actor=org.user(who), **kw)


def routed(question: Question) -> list[str]:
    return list(
        Routing.objects.filter(question=question)
        .order_by("-score")
        .values_list("person__full_name", flat=True)
    )


# --- asking ----------------------------------------------------------------------------------


def test_ask_renders_markdown_sanitised_and_audits(org, python):
    question = ask(
        org,
        title="  Why   is <b>this</b> slow?  ",
        body="Look: **bold** <script>alert(1)</script> [x](javascript:alert(1))",
        skills=[python],
    )
    assert question.title == "Why is <b>this</b> slow?"
    assert question.asked_by == org.employee
    assert "<strong>bold</strong>" in question.body_html
    assert "<script>" not in question.body_html and "&lt;script&gt;" in question.body_html
    assert "href" not in question.body_html  # the javascript: link stays text
    assert list(question.skills.all()) == [python]
    assert AuditLog.objects.filter(action="question.ask", object_id=str(question.pk)).exists()


@pytest.mark.parametrize(
    ("title", "body", "field"),
    [
        ("   ", "", "title"),
        ("x" * 201, "", "title"),
        ("ok?", "a\x00b", "body"),
        ("ok?", "y" * 50_001, "body"),
    ],
)
def test_bad_questions_are_refused_with_the_field(org, title, body, field):
    with pytest.raises(ServiceError) as err:
        ask(org, title=title, body=body)
    assert err.value.field == field
    assert not Question.objects.exists()


def test_too_many_or_archived_skills_are_refused(org, python):
    many = [Skill.objects.create(name=f"S{i}", category=python.category) for i in range(11)]
    with pytest.raises(ServiceError, match="at most 10"):
        ask(org, skills=many)
    python.is_active = False
    python.save()
    with pytest.raises(ServiceError, match="archived"):
        ask(org, skills=[python])


def test_a_login_without_a_person_cannot_ask(org):
    from seedbed.accounts.models import User

    lonely = User.objects.create_user("lonely@example.com", "pw-123456789", display_name="L")
    with pytest.raises(NotAllowed, match="not linked to a person"):
        services.ask_question(actor=lonely, title="Anyone?")


# --- routing ---------------------------------------------------------------------------------


def test_routing_sends_to_the_top_experts_and_notifies_them(org, python, experts):
    caps(3, 5)
    question = ask(org, skills=[python])
    assert routed(question) == ["Expert Level5", "Expert Level4", "Expert Level3"]
    notes = Notification.objects.filter(kind="question").order_by("recipient__full_name")
    assert [n.recipient.full_name for n in notes] == [
        "Expert Level3",
        "Expert Level4",
        "Expert Level5",
    ]
    note = notes[0]
    assert note.title == "A question for you: How do I profile slow code?"
    assert note.link == f"/knowledge/questions/{question.pk}/"
    assert "Emil Employee asked" in note.body and note.email_to == experts[2].email


def test_routing_cap_per_week_skips_to_the_next_expert_across_questions(org, python, experts):
    caps(2, 2)
    names = [p.full_name for p in experts]
    first = ask(org, skills=[python])
    second = ask(org, skills=[python])
    third = ask(org, skills=[python])
    fourth = ask(org, skills=[python])
    fifth = ask(org, skills=[python])
    sixth = ask(org, skills=[python])
    seventh = ask(org, skills=[python])
    assert routed(first) == names[:2]
    assert routed(second) == names[:2]
    assert routed(third) == names[2:4]  # the top two had their two this week
    assert routed(fourth) == names[2:4]
    assert routed(fifth) == names[4:5]  # only one left with room
    assert routed(sixth) == names[4:5]
    assert routed(seventh) == []  # everyone who knows Python is at the cap
    for person in experts:
        assert Routing.objects.filter(person=person).count() <= 2
        assert Notification.objects.filter(recipient=person, kind="question").count() <= 2
    # A week later the best experts have room again.
    later = ask(org, skills=[python], now=timezone.now() + timedelta(days=7, minutes=1))
    assert routed(later) == names[:2]


def test_routing_never_sends_to_the_asker(org, python, experts):
    caps(2, 5)
    best = experts[0]
    assert best.user is not None
    question = services.ask_question(actor=best.user, title="Python packaging?", skills=[python])
    assert best.full_name not in routed(question)
    assert routed(question) == ["Expert Level4", "Expert Level3"]


def test_routing_skips_people_who_left_and_people_without_a_login(org, python, experts):
    caps(2, 5)
    deactivate_person(actor=org.user("admin"), person=experts[0], left_on=timezone.localdate())
    no_login = make_person("No Login Expert")
    rate(no_login, python, 5)
    question = ask(org, skills=[python])
    assert routed(question) == ["Expert Level4", "Expert Level3"]


def test_routing_without_skills_uses_the_question_text(org, python, experts):
    caps(1, 5)
    question = ask(org, title="What is the best way to learn python?")
    assert routed(question) == ["Expert Level5"]


def test_routing_with_zero_experts_per_question_sends_nothing(org, python, experts):
    caps(0, 5)
    assert routed(ask(org, skills=[python])) == []
    assert not Notification.objects.exists()


def test_questions_for_me_lists_open_unanswered_routed_questions(org, python, experts):
    caps(1, 5)
    best = experts[0]
    assert best.user is not None
    asked = ask(org, skills=[python])
    other = ask(org, title="Unrelated?")
    assert list(services.routed_to(best.user)) == [asked]
    assert other not in services.routed_to(best.user)
    services.answer_question(actor=org.user("manager"), question=asked, body="Use a profiler.")
    assert list(services.routed_to(best.user)) == []
    assert list(services.unanswered(best.user)) == [other]


# --- answers, comments, votes, acceptance ----------------------------------------------------


@pytest.fixture
def question(org: Org, python: Skill) -> Question:
    return ask(org, skills=[python], route=False)


def test_answer_counts_renders_and_notifies_the_asker(org, question):
    answer = services.answer_question(
        actor=org.user("manager"),
        question=question,
        body="Try `cProfile`.\n\n<img src=x onerror=alert(1)>",
    )
    question.refresh_from_db()
    assert question.answer_count == 1
    assert "<code>cProfile</code>" in answer.body_html and "<img" not in answer.body_html
    note = Notification.objects.get(recipient=org.employee)
    assert note.title == "New answer to your question: How do I profile slow code?"
    assert note.link.endswith(f"#answer-{answer.pk}")
    # Answering one's own question notifies nobody.
    services.answer_question(actor=org.user("employee"), question=question, body="Found it.")
    assert Notification.objects.count() == 1
    question.refresh_from_db()
    assert question.answer_count == 2


def test_empty_answer_and_comment_are_refused(org, question):
    with pytest.raises(ServiceError, match="Write your answer"):
        services.answer_question(actor=org.user("manager"), question=question, body=" \n ")
    with pytest.raises(ServiceError, match="Write your comment"):
        services.add_comment(actor=org.user("manager"), question=question, body="")
    with pytest.raises(ServiceError, match="At most 2000"):
        services.add_comment(actor=org.user("manager"), question=question, body="c" * 2001)


def test_comments_on_question_and_answer(org, question):
    answer = services.answer_question(actor=org.user("manager"), question=question, body="A")
    on_q = services.add_comment(
        actor=org.user("outsider"), question=question, body="Which version?"
    )
    on_a = services.add_comment(actor=org.user("employee"), answer=answer, body="Thanks!")
    assert (on_q.question, on_q.answer, on_q.author) == (question, None, org.outsider)
    assert (on_a.question, on_a.answer) == (None, answer)
    with pytest.raises(ServiceError):
        services.add_comment(actor=org.user("employee"), body="nowhere")


def test_votes_keep_the_score_in_step(org, question):
    answer = services.answer_question(actor=org.user("manager"), question=question, body="A")
    services.vote(actor=org.user("employee"), answer=answer, value=1)
    services.vote(actor=org.user("outsider"), answer=answer, value=1)
    services.vote(actor=org.user("lead"), answer=answer, value=-1)
    answer.refresh_from_db()
    assert answer.score == 1
    # Voting the same way twice counts once; changing and withdrawing move the score.
    services.vote(actor=org.user("employee"), answer=answer, value=1)
    answer.refresh_from_db()
    assert answer.score == 1 and Vote.objects.filter(answer=answer).count() == 3
    services.vote(actor=org.user("employee"), answer=answer, value=-1)
    answer.refresh_from_db()
    assert answer.score == -1
    services.vote(actor=org.user("employee"), answer=answer, value=0)
    services.vote(actor=org.user("lead"), answer=answer, value=0)
    answer.refresh_from_db()
    assert answer.score == 1 and Vote.objects.filter(answer=answer).count() == 1
    assert services.my_votes(org.user("outsider"), [answer.pk]) == {answer.pk: 1}


def test_nobody_votes_on_their_own_answer_or_with_a_bad_value(org, question):
    answer = services.answer_question(actor=org.user("manager"), question=question, body="A")
    with pytest.raises(NotAllowed, match="own answer"):
        services.vote(actor=org.user("manager"), answer=answer, value=1)
    with pytest.raises(ServiceError):
        services.vote(actor=org.user("employee"), answer=answer, value=2)
    assert not Vote.objects.exists()


def test_only_the_asker_or_an_admin_accepts_and_takes_it_back(org, question):
    answer = services.answer_question(actor=org.user("manager"), question=question, body="A")
    for who in ("manager", "outsider", "lead"):
        with pytest.raises(NotAllowed):
            services.accept_answer(actor=org.user(who), question=question, answer=answer)
    services.accept_answer(actor=org.user("employee"), question=question, answer=answer)
    question.refresh_from_db()
    assert question.accepted_answer == answer
    services.accept_answer(actor=org.user("admin"), question=question, answer=None)
    question.refresh_from_db()
    assert question.accepted_answer is None
    assert AuditLog.objects.filter(action="question.unaccept").exists()


def test_an_answer_of_another_question_cannot_be_accepted(org, question):
    other = ask(org, title="Other?", route=False)
    foreign = services.answer_question(actor=org.user("manager"), question=other, body="A")
    with pytest.raises(ServiceError, match="another question"):
        services.accept_answer(actor=org.user("employee"), question=question, answer=foreign)


def test_only_authors_edit_their_posts(org, question):
    answer = services.answer_question(actor=org.user("manager"), question=question, body="A")
    for who in ("admin", "manager", "outsider"):
        with pytest.raises(NotAllowed):
            services.edit_question(
                actor=org.user(who), question=question, title="Hijacked", body="", skills=[]
            )
    for who in ("admin", "employee", "outsider"):
        with pytest.raises(NotAllowed):
            services.edit_answer(actor=org.user(who), answer=answer, body="Hijacked")
    services.edit_question(
        actor=org.user("employee"),
        question=question,
        title="Better title?",
        body="# More",
        skills=[],
    )
    services.edit_answer(actor=org.user("manager"), answer=answer, body="*Better*")
    question.refresh_from_db()
    answer.refresh_from_db()
    assert question.title == "Better title?" and "<h2>More</h2>" in question.body_html
    assert question.skills.count() == 0
    assert answer.body_html.strip() == "<p><em>Better</em></p>"
    edit = AuditLog.objects.get(action="question.edit")
    assert edit.changes["title"] == ["How do I profile slow code?", "Better title?"]


def test_closed_questions_take_no_answers_comments_or_edits(org, question):
    answer = services.answer_question(actor=org.user("manager"), question=question, body="A")
    with pytest.raises(NotAllowed):
        services.close_question(actor=org.user("outsider"), question=question)
    services.close_question(actor=org.user("employee"), question=question)
    with pytest.raises(Conflict):
        services.close_question(actor=org.user("admin"), question=question)
    with pytest.raises(Conflict, match="closed"):
        services.answer_question(actor=org.user("lead"), question=question, body="late")
    with pytest.raises(Conflict):
        services.add_comment(actor=org.user("lead"), answer=answer, body="late")
    with pytest.raises(Conflict):
        services.edit_answer(actor=org.user("manager"), answer=answer, body="changed")
    services.reopen_question(actor=org.user("admin"), question=question)
    services.answer_question(actor=org.user("lead"), question=question, body="now")
    assert Answer.objects.count() == 2 and Comment.objects.count() == 0


def test_people_who_left_cannot_write(org, question):
    deactivate_person(actor=org.user("admin"), person=org.outsider, left_on=timezone.localdate())
    org.outsider.refresh_from_db()
    user = org.outsider.user
    assert user is not None
    user.is_active = True  # even if the login were still usable
    with pytest.raises(NotAllowed, match="left"):
        services.answer_question(actor=user, question=question, body="bye")


def test_list_filters(org, python, question):
    other = ask(org, who="outsider", title="Where is the VPN guide?", route=False)
    answer = services.answer_question(actor=org.user("manager"), question=question, body="A")
    employee = org.user("employee")

    def titles(**kw):  # type: ignore[no-untyped-def]
        return [q.title for q in services.question_list(employee, services.QuestionFilter(**kw))]

    assert titles() == [other.title, question.title]
    assert titles(q="vpn GUIDE") == [other.title]
    assert titles(skill_id=python.pk) == [question.title]
    assert titles(status="unanswered") == [other.title]
    assert titles(status="answered") == [question.title]
    assert titles(status="accepted") == []
    services.accept_answer(actor=employee, question=question, answer=answer)
    assert titles(status="accepted") == [question.title]
    assert titles(mine=True) == [question.title]
    services.close_question(actor=org.user("outsider"), question=other)
    assert titles(status="closed") == [other.title]
    assert titles(status="open") == [question.title]
