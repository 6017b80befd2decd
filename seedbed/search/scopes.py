"""Who may find which document: the one place the search reads the models' scoping.

A search checks visibility for every hit it counts, so the check must cost next to nothing
per hit. Per kind, one of three forms, each built from the models' own rules:

- **everything**: the viewer may see every object of the kind (questions; articles for
  admins): no check at all;
- **all but a few** (people, skills, catalogue items): every active object, whoever asks —
  the hits are checked against the small set of inactive ones (people who left, retired
  skills and items), read once per search at query time, so someone who left is never found,
  even before the index hears of it;
- **open or personal** (articles): published articles visible to the organisation are open
  to every signed-in user (``open_to_all``); the index flags their documents
  (``models.OPEN_BIT`` in the id: no row is read to know it) and is told of every change
  that could alter it (the article services re-index on commit). The rest is
  ``personally_visible_to`` the viewer (their own, their team's and their reporting line's
  articles): small, found through indexed columns, read once per search.

``tests/test_search_scopes.py`` checks, over random organisations and every kind of viewer,
that these forms give exactly the models' ``visible_to``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

if TYPE_CHECKING:
    from seedbed.accounts.models import User
    from seedbed.knowledge.models import Owners


@dataclass(frozen=True)
class Scope:
    """How to tell whether a viewer may see the object of a hit (exactly one form set)."""

    everything: bool = False
    hidden: QuerySet[Any] | None = None  # all objects but these
    personal: QuerySet[Any] | None = None  # flagged open, or among these


def open_to_all(kind: str) -> Q | None:
    """The objects of ``kind`` whose documents carry the open flag (every active signed-in
    user may see them, whoever they are); None for kinds that use no flag."""
    from seedbed.knowledge.models import OPEN_TO_ALL

    return OPEN_TO_ALL if kind == "article" else None


def open_ids(kind: str, ids: list[int]) -> set[int]:
    """Which of these objects are open to all (one query; none for kinds without a flag)."""
    from seedbed.knowledge.models import Article

    opened = open_to_all(kind)
    if opened is None or not ids:
        return set()
    assert kind == "article"
    return set(Article.objects.filter(pk__in=ids).filter(opened).values_list("pk", flat=True))


def scopes(viewer: User, owners: Owners | None = None) -> dict[str, Scope]:
    """Per kind, how to tell what ``viewer`` may find; empty for anonymous and inactive
    users (they find nothing). ``owners``: ``Article.objects.personal_owners(viewer)`` if
    already read (else it is read here)."""
    from seedbed.knowledge.models import Article, Question
    from seedbed.learning.models import LearningItem
    from seedbed.people.models import Person
    from seedbed.skills.models import Skill

    if not (viewer.is_authenticated and viewer.is_active):
        return {}
    articles = Article.objects.visible_to(viewer)
    questions = Question.objects.visible_to(viewer)
    return {
        # The directory is open to every signed-in user: all but those who left.
        "person": Scope(hidden=Person.objects.filter(is_active=False)),
        "skill": Scope(hidden=Skill.objects.filter(is_active=False)),
        "article": (
            Scope(everything=True)
            if not articles.query.where
            else Scope(personal=Article.objects.personally_visible_to(viewer, owners))
        ),
        "question": Scope(everything=True)
        if not questions.query.where
        else Scope(personal=questions),
        "learning_item": Scope(hidden=LearningItem.objects.filter(is_active=False)),
    }


def visible(viewer: User) -> dict[str, QuerySet[Any]]:
    """Per kind, what ``viewer`` may find, straight from the models (what ``scopes`` must
    give; the tests compare the two)."""
    from seedbed.knowledge.models import Article, Question
    from seedbed.learning.models import LearningItem
    from seedbed.people.models import Person
    from seedbed.skills.models import Skill

    if not (viewer.is_authenticated and viewer.is_active):
        return {}
    return {
        "person": Person.objects.visible_to(viewer).filter(is_active=True),
        "skill": Skill.objects.filter(is_active=True),
        "article": Article.objects.visible_to(viewer),
        "question": Question.objects.visible_to(viewer),
        "learning_item": LearningItem.objects.filter(is_active=True),
    }
