"""The search's visibility forms (``seedbed.search.scopes``) give exactly what the models'
``visible_to`` give, for every kind of viewer, over random organisations; and the open flag
of an article's document follows its state and visibility through the services."""

from __future__ import annotations

import random
from typing import Any

import pytest

from seedbed.accounts.models import AccessLevel
from seedbed.knowledge.models import Article, ArticleState, Question, Visibility
from seedbed.knowledge.services.articles import archive_article, update_article
from seedbed.learning.models import LearningItem
from seedbed.people.models import Person
from seedbed.search.index import reindex_all
from seedbed.search.models import OPEN_BIT, SearchDocument
from seedbed.search.scopes import visible
from seedbed.search.services import search
from seedbed.skills.models import Skill
from tests.builders import make_person, make_skill, make_team

pytestmark = pytest.mark.django_db

WORD = "quokka"  # in every document of the random world


def _world(seed: int) -> list[Any]:
    rng = random.Random(seed)
    teams = [make_team(f"Team {WORD} {i}") for i in range(3)]
    people: list[Person] = []
    for i in range(14):
        manager = rng.choice(people) if people and rng.random() < 0.7 else None
        access = rng.choice([AccessLevel.EMPLOYEE, AccessLevel.EMPLOYEE, AccessLevel.MANAGER])
        if i == 0:
            access = AccessLevel.ADMIN
        people.append(
            make_person(
                f"{WORD.title()} Person {i}",
                access=access if rng.random() < 0.9 else None,
                team=rng.choice([*teams, None]),
                manager=manager,
                is_active=rng.random() < 0.85 or i == 0,
            )
        )
    users = [p.user for p in people if p.user is not None]
    for i in range(40):
        owner = rng.choice([*people, None])
        author = rng.choice([*users, None])
        Article.objects.create(
            title=f"{WORD} article {i}",
            body=f"{WORD} body",
            owner=owner,
            created_by=author,
            state=rng.choice(list(ArticleState)),
            visibility=rng.choice(list(Visibility)),
        )
    for i in range(4):
        Question.objects.create(title=f"{WORD} question {i}")
        make_skill(f"{WORD} skill {i}", is_active=rng.random() < 0.6)
        LearningItem.objects.create(
            title=f"{WORD} course {i}", kind="reading", is_active=rng.random() < 0.6
        )
    reindex_all()
    # Some people leave, an article is unpublished behind the index's back (nothing in
    # Seedbed does that; the directory must still be right), reporting lines change.
    for person in rng.sample(people[1:], 2):
        Person.objects.filter(pk=person.pk).update(is_active=False)
    moved = rng.sample(people[1:], 2)
    Person.objects.filter(pk=moved[0].pk).update(manager=moved[1])
    return users


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_every_viewer_finds_exactly_what_the_models_let_them_see(seed):
    users = _world(seed)
    users[0].refresh_from_db()
    for user in users:
        user.refresh_from_db()
        expected = {
            kind: set(qs.values_list("pk", flat=True)) for kind, qs in visible(user).items()
        }
        page = search(viewer=user, q=WORD, limit=100)
        found: dict[str, set[int]] = {kind: set() for kind in expected}
        for r in page.results:
            found[r.kind].add(r.object_id)
        counts = {kind: len(ids) for kind, ids in expected.items()}
        assert page.counts == counts, (user, page.counts, counts)
        if page.total <= 100:
            assert found == expected, user
        if not user.is_active:
            assert page.total == 0


def test_anonymous_and_inactive_viewers_find_nothing():
    from django.contrib.auth.models import AnonymousUser

    users = _world(9)
    assert search(viewer=AnonymousUser(), q=WORD).total == 0  # type: ignore[arg-type]
    users[1].is_active = False
    users[1].save(update_fields=["is_active"])
    assert search(viewer=users[1], q=WORD).total == 0


def _flagged(article: Article) -> bool:
    doc = SearchDocument.objects.get(kind="article", object_id=article.pk)
    return bool(doc.pk & OPEN_BIT)


def test_the_open_flag_follows_state_and_visibility_through_the_services(
    org, django_capture_on_commit_callbacks
):
    admin = org.user("admin")
    with django_capture_on_commit_callbacks(execute=True):
        article = Article.objects.create(title="Wombat care", body="wombat", owner=org.employee)
    reindex_all()
    assert _flagged(article)
    outsider = org.user("outsider")
    assert search(viewer=outsider, q="wombat").total == 1
    with django_capture_on_commit_callbacks(execute=True):
        update_article(actor=admin, article=article, data={"visibility": Visibility.TEAM})
    assert not _flagged(article)
    assert search(viewer=outsider, q="wombat").total == 0
    assert search(viewer=org.user("report2"), q="wombat").total == 1  # same team
    with django_capture_on_commit_callbacks(execute=True):
        update_article(actor=admin, article=article, data={"visibility": Visibility.ORGANISATION})
    assert _flagged(article)
    assert search(viewer=outsider, q="wombat").total == 1
    with django_capture_on_commit_callbacks(execute=True):
        archive_article(actor=admin, article=Article.objects.get(pk=article.pk))
    assert not _flagged(article)
    assert search(viewer=outsider, q="wombat").total == 0
    assert search(viewer=org.user("employee"), q="wombat").total == 1  # their own
    assert SearchDocument.objects.filter(kind="article", object_id=article.pk).count() == 1


def test_skills_and_items_retired_behind_the_index_are_not_found(org):
    skill = make_skill("Cobol")
    item = LearningItem.objects.create(title="Cobol basics", kind="reading")
    reindex_all()
    assert search(viewer=org.user("employee"), q="cobol").total == 2
    Skill.objects.filter(pk=skill.pk).update(is_active=False)
    LearningItem.objects.filter(pk=item.pk).update(is_active=False)
    assert search(viewer=org.user("employee"), q="cobol").total == 0


def test_the_migration_flags_the_open_articles_indexed_before_the_flag(org):
    import importlib

    from django.apps import apps
    from django.db import connection

    from seedbed.search.models import document_id

    migration = importlib.import_module("seedbed.search.migrations.0003_document_object")
    open_one = Article.objects.create(title="Numbat open", body="numbat", owner=org.employee)
    team_one = Article.objects.create(
        title="Numbat team", body="numbat", owner=org.employee, visibility=Visibility.TEAM
    )
    reindex_all()
    # As an older version wrote them: no flag.
    for a in (open_one, team_one):
        SearchDocument.objects.filter(kind="article", object_id=a.pk).update(
            id=document_id("article", a.pk)
        )
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
    assert search(viewer=org.user("outsider"), q="numbat").total == 0  # unflagged: hidden

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection  # type: ignore[attr-defined]
    migration.flag_open(apps, editor)
    assert _flagged(open_one) and not _flagged(team_one)
    assert [r.title for r in search(viewer=org.user("outsider"), q="numbat").results] == [
        "Numbat open"
    ]
