"""The services keep the expert finder's read table (ExpertEvidence) exact: after every
operation that changes articles, answers or questions, the table equals one rebuilt from
scratch (``rebuild_evidence``), and it changes exactly when the operation changes evidence.

The world (``World``), on top of the named actors of tests/conftest.py, all made through the
services and back-dated (so that a refresh "now" changes dates and worths): published
articles owned by their author or by someone else, for everyone, a team or one person, on one
to three skills, one with an attachment; a draft; two questions with answers accepted, voted
and neither; a third with an answer not accepted. The employee is the only one at level 4 in
Python, so a handover of theirs asks about Python and about the articles they own.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F

from seedbed.knowledge.evidence import rebuild_evidence
from seedbed.knowledge.models import (
    Answer,
    Article,
    ArticleState,
    Attachment,
    ExpertEvidence,
    PromptKind,
    Question,
)
from seedbed.knowledge.services import article_files, handovers
from seedbed.knowledge.services import articles as art
from seedbed.knowledge.services import questions as qa
from seedbed.knowledge.services.finder import update_finder_settings
from seedbed.lib.errors import ServiceError
from seedbed.people.services import deactivate_person, erase_person
from seedbed.skills.models import Skill, Source
from seedbed.skills.services import NewAssertion, record_assertions_bulk
from tests.builders import make_category, make_skill
from tests.conftest import Org

pytestmark = pytest.mark.django_db


# --- the table, compared -------------------------------------------------------------------

Row = tuple[Any, ...]


def snapshot() -> list[Row]:
    """Every row of the table, sorted: (person, skill, also skill, kind, count, log2 worth,
    newest date, half-life)."""
    return sorted(
        ExpertEvidence.objects.values_list(
            "person_id",
            "skill_id",
            "also_skill_id",
            "kind",
            "count",
            "log_worth",
            "last_at",
            "half_life_days",
        ),
        key=lambda row: (row[0], row[1], row[2] or 0, row[3]),
    )


def same(a: list[Row], b: list[Row]) -> bool:
    """The same rows; worths equal but for rounding (a person's items may be summed in
    another order when only their rows are recomputed)."""
    return len(a) == len(b) and all(
        x[:5] == y[:5] and x[6:] == y[6:] and math.isclose(x[5], y[5], rel_tol=1e-12, abs_tol=1e-9)
        for x, y in zip(a, b, strict=True)
    )


def assert_exact() -> list[Row]:
    """The table equals one rebuilt from scratch; returns it."""
    kept = snapshot()
    rebuild_evidence()
    rebuilt = snapshot()
    assert same(kept, rebuilt), {"kept": kept, "rebuilt": rebuilt}
    return kept


# --- the world -----------------------------------------------------------------------------


@dataclass
class World:
    org: Org
    python: Skill
    k8s: Skill
    helm: Skill
    deploy: Article  # the employee's, for everyone: Kubernetes and Python; two versions
    team_note: Article  # written by the lead, owned by the employee, for the team: Helm
    draft: Article  # the manager's draft: Kubernetes
    private: Article  # Rita's, private: Python and Helm
    attachment: Attachment  # on ``deploy``
    keys: Question  # the lead's, on Kubernetes
    keys_accepted: Answer  # the employee's, accepted
    keys_voted: Answer  # the manager's, two votes up
    keys_plain: Answer  # the outsider's, neither
    linter: Question  # the admin's, on Python and Helm
    linter_voted: Answer  # Rita's, one vote up
    linter_accepted: Answer  # the employee's, accepted
    open_q: Question  # the outsider's, on Helm, with the lead's answer not accepted
    open_answer: Answer


def csv_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("numbers.csv", b"a,b\n1,2\n")


def build_world(org: Org) -> World:
    python = Skill.objects.get(name="Python")
    k8s = Skill.objects.get(name="Kubernetes")
    helm = make_skill("Upkeep Helm", make_category("Upkeep Ops"))
    record_assertions_bulk(  # the employee alone holds Python: a handover asks about it
        actor=None,
        rows=[
            NewAssertion(org.employee.pk, python.pk, 4, Source.MANAGER),
            NewAssertion(org.manager.pk, python.pk, 3, Source.MANAGER),
        ],
        summary="test levels",
    )
    u = org.user
    deploy = art.create_article(
        actor=u("employee"), title="Deploying", body="Steps", skill_ids=[k8s.pk, python.pk]
    )
    deploy = art.update_article(actor=u("employee"), article=deploy, data={"body": "Steps 2"})
    team_note = art.create_article(
        actor=u("lead"),
        title="Charts",
        body="Text",
        skill_ids=[helm.pk],
        owner=org.employee,
        visibility="team",
    )
    draft = art.create_article(
        actor=u("manager"), title="Draft", body="Text", skill_ids=[k8s.pk], state="draft"
    )
    private = art.create_article(
        actor=u("report2"),
        title="Mine",
        body="Text",
        skill_ids=[python.pk, helm.pk],
        visibility="private",
    )
    attachment = article_files.add_attachment(
        actor=u("employee"), article=deploy, upload=csv_upload()
    )
    keys = qa.ask_question(actor=u("lead"), title="Rotate keys?", skills=[k8s], route=False)
    keys_accepted = qa.answer_question(actor=u("employee"), question=keys, body="Vault")
    keys_voted = qa.answer_question(actor=u("manager"), question=keys, body="CLI")
    keys_plain = qa.answer_question(actor=u("outsider"), question=keys, body="Ask")
    qa.accept_answer(actor=u("lead"), question=keys, answer=keys_accepted)
    qa.vote(actor=u("admin"), answer=keys_voted, value=1)
    qa.vote(actor=u("lead"), answer=keys_voted, value=1)
    linter = qa.ask_question(
        actor=u("admin"), title="Which linter?", skills=[python, helm], route=False
    )
    linter_voted = qa.answer_question(actor=u("report2"), question=linter, body="ruff")
    linter_accepted = qa.answer_question(actor=u("employee"), question=linter, body="ruff!")
    qa.vote(actor=u("manager"), answer=linter_voted, value=1)
    qa.accept_answer(actor=u("admin"), question=linter, answer=linter_accepted)
    open_q = qa.ask_question(actor=u("outsider"), title="Helm 4?", skills=[helm], route=False)
    open_answer = qa.answer_question(actor=u("lead"), question=open_q, body="Soon")
    # Back-dated, each item by its own number of days; then the table from scratch.
    for i, pk in enumerate(Article.objects.order_by("pk").values_list("pk", flat=True)):
        Article.objects.filter(pk=pk).update(updated_at=F("updated_at") - timedelta(days=30 + i))
    for i, pk in enumerate(Answer.objects.order_by("pk").values_list("pk", flat=True)):
        Answer.objects.filter(pk=pk).update(created_at=F("created_at") - timedelta(days=20 + i))
    rebuild_evidence()
    return World(
        org=org,
        python=python,
        k8s=k8s,
        helm=helm,
        # As stored (back-dated).
        deploy=Article.objects.get(pk=deploy.pk),
        team_note=Article.objects.get(pk=team_note.pk),
        draft=Article.objects.get(pk=draft.pk),
        private=Article.objects.get(pk=private.pk),
        attachment=attachment,
        keys=keys,
        keys_accepted=Answer.objects.get(pk=keys_accepted.pk),
        keys_voted=Answer.objects.get(pk=keys_voted.pk),
        keys_plain=Answer.objects.get(pk=keys_plain.pk),
        linter=linter,
        linter_voted=Answer.objects.get(pk=linter_voted.pk),
        linter_accepted=Answer.objects.get(pk=linter_accepted.pk),
        open_q=open_q,
        open_answer=Answer.objects.get(pk=open_answer.pk),
    )


# --- the operations ------------------------------------------------------------------------


def _handover(w: World, kind: str) -> Any:
    interview = handovers.open_interview(w.org.employee) or handovers.start_handover(
        actor=w.org.user("manager"), person=w.org.employee
    )
    return interview.prompts.filter(kind=kind).order_by("position").first()


def reassign_in_handover(w: World) -> None:
    prompt = _handover(w, PromptKind.ARTICLE)
    assert prompt.article_id in (w.deploy.pk, w.team_note.pk)
    handovers.reassign_article(actor=w.org.user("manager"), prompt=prompt, owner=w.org.lead)


def article_from_handover(w: World) -> None:
    prompt = _handover(w, PromptKind.SKILL)
    assert prompt.skill_id == w.python.pk
    handovers.answer_prompt(actor=w.org.user("employee"), prompt=prompt, answer="Use uv.")
    handovers.article_from_answer(actor=w.org.user("manager"), prompt=prompt)


def answer_to_article_by_the_asker(w: World) -> None:
    # The lead asked; the article is made as theirs, then handed to the answer's author.
    article = qa.answer_to_article(actor=w.org.user("lead"), answer=w.keys_accepted)
    assert article.owner == w.org.employee and article.created_by == w.org.user("lead")


def erase(w: World) -> None:
    erase_person(actor=w.org.user("admin"), person=w.org.employee)


# name -> (operation, whether it changes the evidence)
OPERATIONS: dict[str, tuple[Callable[[World], Any], bool]] = {
    # handovers (first: the employee still owns their articles)
    "handover: reassign": (reassign_in_handover, True),
    "handover: article from an answer": (article_from_handover, True),
    "handover: start": (lambda w: _handover(w, PromptKind.GENERAL), False),
    # articles
    "create published": (
        lambda w: art.create_article(
            actor=w.org.user("outsider"),
            title="New",
            body="Text",
            skill_ids=[w.k8s.pk, w.helm.pk],
            owner=w.org.lead,
        ),
        True,
    ),
    "create draft": (
        lambda w: art.create_article(
            actor=w.org.user("outsider"),
            title="New",
            body="Text",
            skill_ids=[w.k8s.pk],
            state="draft",
        ),
        False,
    ),
    "edit text": (
        lambda w: art.update_article(
            actor=w.org.user("employee"), article=w.deploy, data={"title": "Deploying it"}
        ),
        True,
    ),
    "edit a draft": (
        lambda w: art.update_article(
            actor=w.org.user("manager"), article=w.draft, data={"body": "More"}
        ),
        False,
    ),
    "change skills": (
        lambda w: art.update_article(
            actor=w.org.user("lead"),
            article=w.team_note,
            data={"skill_ids": [w.helm.pk, w.k8s.pk, w.python.pk]},
        ),
        True,
    ),
    "change visibility": (
        lambda w: art.update_article(
            actor=w.org.user("employee"), article=w.deploy, data={"visibility": "private"}
        ),
        True,
    ),
    "publish a draft": (
        lambda w: art.update_article(
            actor=w.org.user("manager"), article=w.draft, data={"state": "published"}
        ),
        True,
    ),
    "back to draft": (
        lambda w: art.update_article(
            actor=w.org.user("employee"), article=w.deploy, data={"state": "draft"}
        ),
        True,
    ),
    "restore a version": (
        lambda w: art.restore_revision(actor=w.org.user("employee"), article=w.deploy, number=1),
        True,
    ),
    "verify": (lambda w: art.verify_article(actor=w.org.user("lead"), article=w.team_note), True),
    "archive": (lambda w: art.archive_article(actor=w.org.user("admin"), article=w.private), True),
    "archive a draft": (
        lambda w: art.archive_article(actor=w.org.user("manager"), article=w.draft),
        False,
    ),
    "reassign owner": (
        lambda w: art.reassign_owner(
            actor=w.org.user("employee"), article=w.deploy, owner=w.org.outsider
        ),
        True,
    ),
    "reassign owner to the author": (
        lambda w: art.reassign_owner(
            actor=w.org.user("lead"), article=w.team_note, owner=w.org.lead
        ),
        True,
    ),
    "attach a file": (
        lambda w: article_files.add_attachment(
            actor=w.org.user("lead"), article=w.team_note, upload=csv_upload()
        ),
        True,
    ),
    "delete a file": (
        lambda w: article_files.delete_attachment(
            actor=w.org.user("employee"), attachment=w.attachment
        ),
        True,
    ),
    # questions and answers
    "ask": (
        lambda w: qa.ask_question(
            actor=w.org.user("report2"), title="Why?", skills=[w.k8s], route=False
        ),
        False,
    ),
    "change question skills": (
        lambda w: qa.edit_question(
            actor=w.org.user("lead"),
            question=w.keys,
            title=w.keys.title,
            body="",
            skills=[w.k8s, w.helm],
        ),
        True,
    ),
    "edit question text": (
        lambda w: qa.edit_question(
            actor=w.org.user("lead"),
            question=w.keys,
            title="Rotate the keys?",
            body="",
            skills=[w.k8s],
        ),
        False,
    ),
    "answer": (
        lambda w: qa.answer_question(actor=w.org.user("report2"), question=w.keys, body="Hm"),
        False,
    ),
    "edit answer": (
        lambda w: qa.edit_answer(actor=w.org.user("employee"), answer=w.keys_accepted, body="V"),
        False,
    ),
    "comment": (
        lambda w: qa.add_comment(actor=w.org.user("admin"), body="Thanks", answer=w.keys_voted),
        False,
    ),
    "accept": (
        lambda w: qa.accept_answer(
            actor=w.org.user("outsider"), question=w.open_q, answer=w.open_answer
        ),
        True,
    ),
    "accept another": (
        lambda w: qa.accept_answer(
            actor=w.org.user("admin"), question=w.linter, answer=w.linter_voted
        ),
        True,
    ),
    "unaccept": (
        lambda w: qa.accept_answer(actor=w.org.user("lead"), question=w.keys, answer=None),
        True,
    ),
    "vote up": (
        lambda w: qa.vote(actor=w.org.user("employee"), answer=w.keys_plain, value=1),
        True,
    ),
    "vote down": (
        lambda w: qa.vote(actor=w.org.user("report2"), answer=w.keys_voted, value=-1),
        True,
    ),
    "withdraw a vote": (
        lambda w: qa.vote(actor=w.org.user("manager"), answer=w.linter_voted, value=0),
        True,
    ),
    "close and reopen": (
        lambda w: qa.reopen_question(
            actor=w.org.user("lead"),
            question=qa.close_question(actor=w.org.user("lead"), question=w.keys),
        ),
        False,
    ),
    "answer to article by the asker": (answer_to_article_by_the_asker, True),
    "answer to article by its author": (
        lambda w: qa.answer_to_article(actor=w.org.user("report2"), answer=w.linter_voted),
        True,
    ),
    # people and settings
    "erase a person": (erase, True),
    "a person leaves": (
        lambda w: deactivate_person(actor=w.org.user("admin"), person=w.org.employee),
        False,
    ),
    "change the half-life": (
        lambda w: update_finder_settings(
            actor=w.org.user("admin"),
            weights={"half_life_days": 90},
            experts_per_question=3,
            max_notifications_per_week=5,
        ),
        True,
    ),
}


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_after_each_operation_the_table_equals_a_rebuild(org: Org, name: str) -> None:
    operation, changes = OPERATIONS[name]
    world = build_world(org)
    before = snapshot()
    assert before, "the world has evidence"
    operation(world)
    after = assert_exact()
    assert same(before, after) != changes, (
        "the operation should change the evidence" if changes else "nothing should change"
    )


def test_operations_one_after_another_keep_the_table_exact(org: Org) -> None:
    """All the operations in turn on one world (each on what the ones before left): the
    table is exact after each."""
    world = build_world(org)
    skip = {"erase a person", "a person leaves"}  # the employee is needed further on
    for name, (operation, _changes) in OPERATIONS.items():
        if name in skip:
            continue
        try:
            with transaction.atomic():
                operation(world)
        except ServiceError:  # a step that no longer applies (e.g. already the owner)
            pass
        for field in ("deploy", "team_note", "draft", "private"):
            setattr(world, field, Article.objects.get(pk=getattr(world, field).pk))
        assert_exact()
    for name in sorted(skip):
        OPERATIONS[name][0](world)
        assert_exact()
    assert Article.objects.filter(state=ArticleState.PUBLISHED).exists()


def test_giving_a_person_an_existing_login_counts_what_it_wrote(org: Org) -> None:
    """``link_user`` with a login that already wrote articles (found by e-mail): they now
    count for the person, and the table says so at once."""
    from seedbed.accounts.models import AccessLevel, User
    from seedbed.people.services import link_user
    from tests.builders import make_person

    world = build_world(org)
    login = User.objects.create_user(
        "contractor@example.com",
        "a-long-password-1",
        display_name="Contractor",
        access_level=AccessLevel.EMPLOYEE,
    )
    art.create_article(
        actor=login, title="Notes", body="Text", skill_ids=[world.k8s.pk], owner=org.employee
    )
    person = make_person("Contractor", email="contractor@example.com")
    assert not ExpertEvidence.objects.filter(person=person).exists()
    link_user(person=person, access_level=AccessLevel.EMPLOYEE, actor=org.user("admin"))
    assert_exact()
    assert ExpertEvidence.objects.filter(person=person, skill=world.k8s).exists()
