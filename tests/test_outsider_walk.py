"""Walk every page URL as an anonymous visitor and as an outsider.

Each URL pattern is filled with the ids of the employee's own objects (their person, their
skill rating, their team, the manager's token...). Anonymous visitors must be sent to sign in;
the outsider (an employee of another team) must never get a server error, and no page they can
open may show the employee's private evidence (a note and an evidence link that only the
employee, their managers and HR may see).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from seedbed.accounts.services import create_token
from seedbed.skills.models import PersonSkill, Skill, SkillCategory, Source
from seedbed.skills.services import ensure_default_scale, record_assertion

pytestmark = pytest.mark.django_db

SECRET_NOTE = "SECRET-NOTE-7f3a"
SECRET_LINK = "https://evidence.example/secret-7f3a"
PUBLIC_WHEN_ANONYMOUS = {
    "accounts:login",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "health",
    "set_language",
}


def _patterns(
    resolver: URLResolver, prefix: str = "", ns: str = ""
) -> list[tuple[str, str, list[str]]]:
    found = []
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith("api/"):
                continue  # the API has its own outsider tests and schemathesis
            sub_ns = f"{ns}{p.namespace}:" if p.namespace else ns
            found += _patterns(p, prefix + str(p.pattern), sub_ns)
        elif isinstance(p, URLPattern) and p.name:
            found.append((ns + p.name, prefix + str(p.pattern), list(p.pattern.converters)))
    return found


def _fill(route: str, values: dict[str, object]) -> str | None:
    import re

    def sub(m: re.Match[str]) -> str:
        name = m.group(2)
        if name not in values:
            raise KeyError(name)
        return str(values[name])

    try:
        return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", sub, route)
    except KeyError:
        return None


@pytest.fixture
def secret(org):  # type: ignore[no-untyped-def]
    ensure_default_scale()
    python = Skill.objects.get(name="Python")
    record_assertion(
        actor=org.employee.user,
        person=org.employee,
        skill=python,
        level=4,
        source=Source.SELF,
        note=SECRET_NOTE,
        evidence_url=SECRET_LINK,
    )
    ps = PersonSkill.objects.get(person=org.employee, skill=python)
    token, _raw = create_token(user=org.manager.user, name="manager's")
    private = _private_mentoring_and_knowledge(org, python)
    return {
        **private,
        "person_id": org.employee.pk,
        "skill_id": python.pk,
        "team_id": org.employee.team_id,
        "role_id": org.employee.role_id,
        "ps_id": ps.pk,
        "token_id": token.pk,
        "pk": 1,
        "category_id": SkillCategory.objects.first().pk,
        "scale_id": 1,
        "action": "deactivate",
        "name": "people",
        "uidb64": "MQ",
        "token": "set-password",
    }


def _private_mentoring_and_knowledge(org, skill) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The employee's mentoring pair (a session with private notes, a goal, a request), a
    private article, a question with an answer and a handover interview, each carrying the
    secret where only the people involved may read it."""
    from datetime import date

    from seedbed.knowledge.models import (
        Answer,
        Article,
        HandoverInterview,
        HandoverPrompt,
        HandoverReason,
        PromptKind,
        Question,
        Visibility,
    )
    from seedbed.mentoring.models import (
        MentoringSession,
        MentorRequest,
        Pair,
        PairGoal,
        PairState,
        Participant,
        ParticipantRole,
        Programme,
        ProgrammeState,
    )

    programme = Programme.objects.create(name="Guild", state=ProgrammeState.OPEN)
    Participant.objects.create(
        programme=programme, person=org.employee, role=ParticipantRole.MENTEE, goals=SECRET_NOTE
    )
    pair = Pair.objects.create(
        programme=programme, mentor=org.lead, mentee=org.employee, state=PairState.ACTIVE
    )
    session = MentoringSession.objects.create(
        pair=pair, held_on=date(2026, 11, 1), topics="Testing", private_notes=SECRET_NOTE
    )
    goal = PairGoal.objects.create(pair=pair, title=SECRET_NOTE)
    request = MentorRequest.objects.create(
        programme=programme, mentee=org.employee, mentor=org.lead, message=SECRET_NOTE
    )
    article = Article.objects.create(
        title="Private notes",
        body=SECRET_NOTE,
        body_html=SECRET_NOTE,
        owner=org.employee,
        visibility=Visibility.PRIVATE,
    )
    article.skills.add(skill)
    question = Question.objects.create(title="How do we release?", asked_by=org.employee)
    answer = Answer.objects.create(question=question, author=org.lead, body="Tag it.")
    interview = HandoverInterview.objects.create(
        person=org.employee, manager=org.manager, reason=HandoverReason.LEAVING
    )
    prompt = HandoverPrompt.objects.create(
        interview=interview, kind=PromptKind.GENERAL, prompt="Contacts?", answer=SECRET_NOTE
    )
    return {
        "programme_id": programme.pk,
        "pair_id": pair.pk,
        "session_id": session.pk,
        "goal_id": goal.pk,
        "request_id": request.pk,
        "article_id": article.pk,
        "number": 1,
        "question_id": question.pk,
        "answer_id": answer.pk,
        "interview_id": interview.pk,
        "prompt_id": prompt.pk,
    }


def test_anonymous_is_sent_to_sign_in_everywhere(secret):
    client = Client()
    for name, route, _conv in _patterns(get_resolver()):
        url = _fill(route, secret)
        if url is None or name in PUBLIC_WHEN_ANONYMOUS:
            continue
        response = client.get(url)
        assert response.status_code in (302, 405), (name, url, response.status_code)
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"], (name, url)


def test_outsider_gets_no_error_and_sees_no_private_evidence(secret, clients):
    outsider = clients["outsider"]
    checked = 0
    for name, route, _conv in _patterns(get_resolver()):
        url = _fill(route, secret)
        if url is None:
            continue
        response = outsider.get(url)
        assert response.status_code < 500, (name, url)
        if response.status_code == 200 and not response.streaming:
            body = response.content.decode("utf-8", "replace")
            assert SECRET_NOTE not in body, (name, url)
            assert SECRET_LINK not in body, (name, url)
        checked += 1
    assert checked > 30  # the walk really covered the site


def test_outsider_posts_change_nothing(secret, clients, org):
    from seedbed.accounts.models import AuditLog

    outsider = clients["outsider"]
    before = AuditLog.objects.count()
    for name, route, _conv in _patterns(get_resolver()):
        url = _fill(route, secret)
        if url is None or name in (
            "accounts:logout",
            "accounts:login",
            "set_language",
            "accounts:password_reset",
            "accounts:token_create",
            "skills:rate",
        ):
            continue  # these act on the outsider's own session or data
        response = outsider.post(url, {"action": "accept", "level": 1, "note": "x", "name": "x"})
        assert response.status_code < 500, (name, url)
    assert AuditLog.objects.count() == before
    ps = PersonSkill.objects.get(pk=secret["ps_id"])
    assert ps.pending_validation and ps.level == 4
