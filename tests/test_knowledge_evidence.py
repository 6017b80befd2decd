"""The expert finder's read table (ExpertEvidence) stays in step with every kind of change
(the services keep it: see also tests/test_knowledge_evidence_upkeep.py), and the finder
ranks exactly as when it sums the evidence at query time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest.mock import patch

import pytest
from django.core.management import call_command
from django.utils import timezone

from seedbed.accounts.models import User
from seedbed.knowledge import personal_data
from seedbed.knowledge.evidence import read_evidence, rebuild_evidence
from seedbed.knowledge.experts import find_experts
from seedbed.knowledge.models import (
    Answer,
    Article,
    EvidenceKind,
    ExpertEvidence,
    FinderSettings,
)
from seedbed.knowledge.services.articles import (
    archive_article,
    create_article,
    reassign_owner,
    update_article,
)
from seedbed.knowledge.services.finder import update_finder_settings
from seedbed.knowledge.services.questions import (
    accept_answer,
    answer_question,
    ask_question,
    edit_question,
    vote,
)
from seedbed.people.models import Person
from seedbed.skills.models import Skill
from tests.builders import make_category, make_skill
from tests.conftest import Org

pytestmark = pytest.mark.django_db


@pytest.fixture
def skills() -> tuple[Skill, Skill, Skill]:
    ops = make_category("Ev Ops")
    return make_skill("Ev Kube", ops), make_skill("Ev Dock", ops), make_skill("Ev Helm", ops)


def stored(person: Person, skill: Skill, kind: int, also: Skill | None = None) -> int:
    row = ExpertEvidence.objects.filter(person=person, skill=skill, also_skill=also, kind=kind)
    return row.values_list("count", flat=True).first() or 0


def ranked(viewer: User | None, skill: Skill, query: str = "") -> list[tuple[Any, ...]]:
    page = find_experts(viewer=viewer, skill_ids=[skill.pk], query=query, limit=100)
    return [(page.total, r.person.pk, r.score, r.explanation, r.evidence) for r in page.results]


def same_as_live(*skills: Skill, viewer: User | None = None, query: str = "") -> None:
    """The finder reads the table (it has rows for the skill) and ranks exactly as summing at
    query time does: the same people, scores, explanations and evidence."""
    for skill in skills:
        hl = FinderSettings.load().weights["half_life_days"]
        assert read_evidence(skill.pk, [], timezone.now().timestamp(), hl) is not None
        with patch("seedbed.knowledge.experts.read_evidence", wraps=read_evidence) as read:
            from_table = ranked(viewer, skill, query)
        assert read.call_count == 1
        with patch("seedbed.knowledge.experts.read_evidence", return_value=None):
            live = ranked(viewer, skill, query)
        assert from_table == live, (skill.name, viewer, query)


def test_articles_new_retag_reassign_archive(org: Org, skills: tuple[Skill, ...]) -> None:
    k8s, docker, helm = skills
    writer = org.user("employee")
    art = create_article(actor=writer, title="Rolling updates", body="Text", skill_ids=[k8s.pk])
    assert stored(org.employee, k8s, EvidenceKind.ARTICLES) == 1
    same_as_live(k8s, docker)

    update_article(actor=writer, article=art, data={"skill_ids": [docker.pk, helm.pk]})
    assert stored(org.employee, k8s, EvidenceKind.ARTICLES) == 0
    assert stored(org.employee, docker, EvidenceKind.ARTICLES) == 1
    assert stored(org.employee, docker, EvidenceKind.ARTICLES, also=helm) == 1
    same_as_live(k8s, docker, helm)

    update_article(actor=writer, article=art, data={"skill_ids": [k8s.pk, docker.pk]})
    # Also tagged with the skill asked for: counts once, as direct evidence, not as related.
    (result,) = find_experts(viewer=None, skill_ids=[k8s.pk]).results
    assert result.evidence["articles"] == 1 and result.evidence["related"] == {}
    same_as_live(k8s, docker)

    reassign_owner(actor=org.user("admin"), article=art, owner=org.lead)
    assert stored(org.lead, k8s, EvidenceKind.ARTICLES) == 1
    assert stored(org.employee, k8s, EvidenceKind.ARTICLES) == 1  # still its author
    same_as_live(k8s, docker)

    archive_article(actor=org.user("admin"), article=Article.objects.get(pk=art.pk))
    assert not ExpertEvidence.objects.exists()
    assert find_experts(viewer=None, skill_ids=[k8s.pk]).total == 0


def test_answers_vote_accept_retag_and_erasure(org: Org, skills: tuple[Skill, ...]) -> None:
    k8s, docker, _helm = skills
    asker = org.user("lead")
    question = ask_question(actor=asker, title="Pods restart?", skills=[k8s], route=False)
    answer = answer_question(actor=org.user("employee"), question=question, body="Limits.")
    assert not ExpertEvidence.objects.exists()  # neither accepted nor voted yet

    vote(actor=org.user("manager"), answer=answer, value=1)
    assert stored(org.employee, k8s, EvidenceKind.VOTES) == 1
    accept_answer(actor=asker, question=question, answer=answer)
    assert stored(org.employee, k8s, EvidenceKind.ACCEPTED_ANSWERS) == 1
    same_as_live(k8s)
    vote(actor=org.user("manager"), answer=Answer.objects.get(pk=answer.pk), value=0)
    assert stored(org.employee, k8s, EvidenceKind.VOTES) == 0

    edit_question(
        actor=asker, question=question, title=question.title, body="", skills=[docker, k8s]
    )
    assert stored(org.employee, docker, EvidenceKind.ACCEPTED_ANSWERS) == 1
    same_as_live(k8s, docker)
    accept_answer(actor=asker, question=question, answer=None)
    assert not ExpertEvidence.objects.exists()

    accept_answer(actor=asker, question=question, answer=answer)
    create_article(actor=org.user("employee"), title="Pods", body="Text", skill_ids=[k8s.pk])
    assert ExpertEvidence.objects.filter(person=org.employee).exists()
    personal_data.erase(org.employee)
    assert not ExpertEvidence.objects.filter(person=org.employee).exists()


def test_half_life_change_rebuilds_the_table(org: Org, skills: tuple[Skill, ...]) -> None:
    k8s, docker, _helm = skills
    art = create_article(
        actor=org.user("employee"), title="Old", body="Text", skill_ids=[k8s.pk, docker.pk]
    )
    Article.objects.filter(pk=art.pk).update(updated_at=timezone.now() - timedelta(days=400))
    call_command("expert_evidence_rebuild", stdout=open("/dev/null", "w"))  # noqa: SIM115
    before = find_experts(viewer=None, skill_ids=[k8s.pk]).results[0].score
    update_finder_settings(
        actor=org.user("admin"),
        weights={"half_life_days": 30},
        experts_per_question=3,
        max_notifications_per_week=5,
    )
    assert set(ExpertEvidence.objects.values_list("half_life_days", flat=True)) == {30.0}
    after = find_experts(viewer=None, skill_ids=[k8s.pk]).results[0].score
    assert after < before  # a 400-day-old article is worth far less with a 30-day half-life
    same_as_live(k8s, docker)


def test_the_table_is_read_only_where_it_gives_the_same_answer(
    org: Org, skills: tuple[Skill, ...]
) -> None:
    k8s, docker, _helm = skills
    create_article(actor=org.user("employee"), title="Pods", body="Text", skill_ids=[k8s.pk])
    with patch("seedbed.knowledge.experts.read_evidence", return_value=None) as read:
        # One skill asked for: every viewer (their own articles not for everyone added at
        # query time), with or without text matched in titles.
        find_experts(viewer=None, skill_ids=[k8s.pk])
        find_experts(viewer=org.user("admin"), skill_ids=[k8s.pk])
        find_experts(viewer=None, skill_ids=[k8s.pk], query="pods")
        find_experts(viewer=org.user("employee"), skill_ids=[k8s.pk])
        assert read.call_count == 4
        # Several skills pooled: summed at query time.
        find_experts(viewer=None, skill_ids=[k8s.pk, docker.pk])
        find_experts(viewer=org.user("employee"), query="ev kube ev dock")
        assert read.call_count == 4


def test_articles_not_for_everyone_are_kept_apart(org: Org, skills: tuple[Skill, ...]) -> None:
    k8s, docker, _helm = skills
    writer = org.user("employee")
    art = create_article(
        actor=writer, title="Team pods", body="Text", skill_ids=[k8s.pk], visibility="team"
    )
    assert stored(org.employee, k8s, EvidenceKind.ARTICLES) == 0
    assert stored(org.employee, k8s, EvidenceKind.RESTRICTED_ARTICLES) == 1
    # Their team sees it; someone of another team does not (neither counted nor explained).
    for name in ("employee", "lead", "manager", "report2", "admin"):
        assert find_experts(viewer=org.user(name), skill_ids=[k8s.pk]).total == 1, name
    assert find_experts(viewer=org.user("outsider"), skill_ids=[k8s.pk]).total == 0
    update_article(actor=writer, article=art, data={"visibility": "org"})
    assert stored(org.employee, k8s, EvidenceKind.ARTICLES) == 1
    assert stored(org.employee, k8s, EvidenceKind.RESTRICTED_ARTICLES) == 0
    assert find_experts(viewer=org.user("outsider"), skill_ids=[k8s.pk]).total == 1
    same_as_live(k8s, docker, viewer=org.user("outsider"))


def test_restricted_candidates_cover_what_visible_to_allows(org: Org) -> None:
    """``_restricted_readable`` (``personally_visible_to`` with the owners as lists) is, for
    every reader, exactly the published articles not for everyone that
    ``Article.objects.visible_to`` lets them read; and ``_readable`` (open to all, or read
    personally) is exactly ``visible_to``."""
    from seedbed.knowledge.experts import _readable, _restricted_readable

    people = [org.employee, org.lead, org.manager, org.report2, org.outsider]
    for i, (visibility, state) in enumerate(
        [(v, s) for v in ("org", "team", "private") for s in ("published", "draft", "archived")] * 2
    ):
        owner = people[i % len(people)]
        writer = people[(i + 2) % len(people)].user
        assert writer is not None
        art = create_article(
            actor=writer, title=f"A{i}", body="Text", owner=owner, visibility=visibility
        )
        Article.objects.filter(pk=art.pk).update(state=state)
    for name in ("employee", "lead", "manager", "report2", "outsider", "outsider_manager"):
        viewer = org.user(name)
        visible = Article.objects.visible_to(viewer)
        expected = set(
            visible.filter(state="published").exclude(visibility="org").values_list("pk", flat=True)
        )
        owners = Article.objects.personal_owners(viewer)
        found = set(_restricted_readable(viewer, owners).values_list("pk", flat=True))
        assert found == expected, name
        assert expected or name == "outsider_manager", name
        readable = _readable(viewer, owners)
        assert readable is not None
        assert set(readable.values_list("pk", flat=True)) == set(
            visible.values_list("pk", flat=True)
        ), name
    assert _readable(org.user("admin"), Article.objects.personal_owners(org.user("admin"))) is None
    assert _readable(None, None) is None


def test_same_ranking_on_a_fixed_data_set(org: Org, skills: tuple[Skill, ...]) -> None:
    """Many people, articles with one to three skills, old and new, owners and authors, and
    answers accepted and voted: the finder ranks identically from the table."""
    k8s, docker, helm = skills
    people = [org.employee, org.lead, org.manager, org.report2, org.outsider]
    users = [p.user for p in people]
    now = timezone.now()
    tag_sets = [[k8s], [docker], [k8s, docker], [helm, docker], [k8s, docker, helm], [helm]]
    for i in range(30):
        writer = users[i % len(users)]
        assert writer is not None
        art = create_article(
            actor=writer,
            title=f"Note {i}" + (" rollout" if i % 4 == 0 else ""),
            body="Text",
            skill_ids=[s.pk for s in tag_sets[i % len(tag_sets)]],
            owner=people[(i * 3) % len(people)],
            visibility=("org", "org", "team", "private")[i % 4],
        )
        Article.objects.filter(pk=art.pk).update(
            updated_at=now - timedelta(days=37 * i),
            state=("published", "published", "published", "draft", "archived")[i % 5],
        )
    for i in range(12):
        question = ask_question(
            actor=org.user("admin"),
            title=f"Question {i}",
            skills=tag_sets[i % len(tag_sets)],
            route=False,
        )
        for j in range(2):
            author = users[(i + j) % len(users)]
            assert author is not None
            answer = answer_question(actor=author, question=question, body="Answer")
            Answer.objects.filter(pk=answer.pk).update(created_at=now - timedelta(days=50 * i))
            if (i + j) % 3 == 0:
                vote(actor=org.user("admin"), answer=answer, value=1)
        if i % 2 == 0:
            accept_answer(actor=org.user("admin"), question=question, answer=answer)
    question = ask_question(
        actor=org.user("admin"), title="How to rollout safely?", skills=[helm], route=False
    )
    answer = answer_question(actor=org.user("lead"), question=question, body="Slowly")
    accept_answer(actor=org.user("admin"), question=question, answer=answer)
    rebuild_evidence()  # the back-dating above used QuerySet.update
    viewers = [None, *(org.user(n) for n in ("admin", "manager", "lead", "employee", "outsider"))]
    for viewer in viewers:
        same_as_live(k8s, docker, helm, viewer=viewer)
        # Text found in titles (articles and a question) beside the skill.
        same_as_live(k8s, docker, helm, viewer=viewer, query="rollout")
