"""The knowledge app's part of a personal-data request: ``export`` lists what it holds about a
person; ``erase`` anonymises authorship, deletes comments, routing records and handover
answers, and keeps the organisation's knowledge (articles, revisions, questions, answers)."""

from __future__ import annotations

import json

import pytest

from seedbed.knowledge import personal_data
from seedbed.knowledge.models import (
    Answer,
    Article,
    ArticleRevision,
    Comment,
    HandoverInterview,
    HandoverPrompt,
    PromptKind,
    Question,
    Routing,
    Vote,
)
from seedbed.knowledge.services import handovers as h
from tests.conftest import Org
from tests.test_knowledge_handovers import KC, build_kc, prompt_of, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def kc(org: Org) -> KC:
    kc = build_kc(org)
    user = org.user("employee")
    Article.objects.filter(pk=kc.article.pk).update(created_by=user)
    ArticleRevision.objects.create(
        article=kc.article, number=1, title="Deploying the shop", body="Steps", author=user
    )
    mine = Question.objects.create(
        title="Who has the VPN key?", body="urgent", asked_by=org.employee
    )
    lead_answer = Answer.objects.create(question=mine, author=org.lead, body="Ask Otto")
    Comment.objects.create(question=mine, author=org.employee, body="Thanks, my phone is 0171…")
    Comment.objects.create(answer=lead_answer, author=org.lead, body="You're welcome")
    Vote.objects.create(answer=lead_answer, voter=user, value=1)
    Routing.objects.create(question=kc.shared, person=org.employee, score=0.7)
    interview = start(kc)
    prompt = prompt_of(interview, PromptKind.GENERAL)
    h.answer_prompt(actor=user, prompt=prompt, answer="My private contacts: …", is_done=True)
    return kc


def test_export_lists_everything_held_about_the_person(kc: KC) -> None:
    data = personal_data.export(kc.org.employee)
    json.dumps(data)  # serialisable as the download is
    assert {a["title"] for a in data["articles"]} == {"Deploying the shop", "Old runbook"}
    written = next(a for a in data["articles"] if a["title"] == "Deploying the shop")
    assert written["owner"] and written["written_by_them"]
    assert [r["number"] for r in data["article_revisions"]] == [1]
    assert [q["title"] for q in data["questions"]] == ["Who has the VPN key?"]
    assert len(data["answers"]) == 3
    assert [c["body"] for c in data["comments"]] == ["Thanks, my phone is 0171…"]
    assert [v["value"] for v in data["votes"]] == [1]
    assert [r["question"] for r in data["questions_sent_to_them"]] == ["Which linter?"]
    (handover,) = data["handover_interviews"]
    assert len(handover["prompts"]) == 7
    assert "My private contacts: …" in [p["answer"] for p in handover["prompts"]]


def test_export_of_someone_else_holds_none_of_it(kc: KC) -> None:
    data = personal_data.export(kc.org.outsider)
    assert all(not value for value in data.values())


def test_erase_anonymises_authorship_and_keeps_the_knowledge(kc: KC) -> None:
    employee = kc.org.employee
    user = kc.org.user("employee")
    personal_data.erase(employee)
    kc.article.refresh_from_db()
    assert kc.article.owner is None and kc.article.created_by is None
    assert kc.article.body == "Steps"  # the organisation's knowledge stays
    assert not ArticleRevision.objects.filter(author=user).exists()
    assert ArticleRevision.objects.filter(article=kc.article).count() == 1
    question = Question.objects.get(title="Who has the VPN key?")
    assert question.asked_by is None and question.body == "urgent"
    assert not Answer.objects.filter(author=employee).exists()
    assert Answer.objects.filter(body="With the vault CLI.", author=None).exists()
    assert not Comment.objects.filter(author=employee).exists()
    assert Comment.objects.filter(body="You're welcome").exists()  # the lead's stays
    assert Vote.objects.filter(voter=user).count() == 1  # an anonymous count
    assert not Routing.objects.filter(person=employee).exists()
    assert not HandoverPrompt.objects.exclude(answer="").exists()
    interview = HandoverInterview.objects.get()
    assert interview.prompts.filter(is_done=True).count() == 1  # its shape stays
    after = personal_data.export(employee)
    assert not after["comments"] and not after["answers"] and not after["questions"]
    assert all(p["answer"] == "" for p in after["handover_interviews"][0]["prompts"])


def test_erase_leaves_other_people_alone(kc: KC) -> None:
    personal_data.erase(kc.org.outsider)
    assert Answer.objects.filter(author=kc.org.employee).count() == 3
    assert Comment.objects.count() == 2
    assert HandoverPrompt.objects.exclude(answer="").count() == 1
