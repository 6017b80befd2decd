"""What goes into the index for each kind: ``EXTRACTORS[kind](ids)`` reads those objects and
returns a ``Doc`` for every one that should be findable (a missing id means: drop it).

Only what anyone who may see the object may also read goes in: a person's name, team, role
and location (never their skill levels or evidence, which are scoped more narrowly); an
article's or question's text and skills. Skills carry their aliases into everything tagged
with them, so "k8s" finds an article tagged Kubernetes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from seedbed.search.text import clean, plain_text


@dataclass(frozen=True)
class Doc:
    title: str
    extra: str = ""
    body: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


def _lines(parts: Iterable[str | None]) -> str:
    return "\n".join(clean(p) for p in parts if p)


def _skill_terms(skills: Iterable[Any]) -> str:
    """Names and aliases of skills (each ``skill`` has ``name`` and ``aliases``)."""
    return _lines(" ".join([s.name, *s.aliases]) for s in skills)


def _skills_qs() -> Any:
    from seedbed.skills.models import Skill

    return Skill.objects.only("id", "name", "aliases").order_by("name")


def people(ids: Sequence[int]) -> dict[int, Doc]:
    """Active people: name; team and role (ranked like tags); location. People who left or
    were erased are not findable."""
    from seedbed.people.models import Person

    docs = {}
    for p in Person.objects.filter(pk__in=ids, is_active=True).select_related("team", "role"):
        team = p.team.name if p.team else ""
        role = p.role.name if p.role else ""
        docs[p.pk] = Doc(
            title=clean(p.full_name),
            extra=_lines([team, role]),
            body=_lines([p.location]),
            meta={"team": team, "role": role, "location": p.location},
        )
    return docs


def skills(ids: Sequence[int]) -> dict[int, Doc]:
    """Active skills: name; aliases and category; description."""
    from seedbed.skills.models import Skill

    docs = {}
    for s in Skill.objects.filter(pk__in=ids, is_active=True).select_related("category"):
        docs[s.pk] = Doc(
            title=clean(s.name),
            extra=_lines([*s.aliases, s.category.name]),
            body=_lines([s.description]),
            meta={"category": s.category.name, "aliases": list(s.aliases)},
        )
    return docs


def articles(ids: Sequence[int]) -> dict[int, Doc]:
    """Every article (who may read it is decided at query time): title; skills with their
    aliases; summary and the text of its Markdown."""
    from seedbed.knowledge.models import Article

    docs = {}
    qs = Article.objects.filter(pk__in=ids).prefetch_related(
        Prefetch("skills", queryset=_skills_qs())
    )
    for a in qs:
        docs[a.pk] = Doc(
            title=clean(a.title),
            extra=_skill_terms(a.skills.all()),
            body=_lines([a.summary, plain_text(a.body)]),
            meta={"article_kind": a.kind, "state": a.state},
        )
    return docs


def questions(ids: Sequence[int]) -> dict[int, Doc]:
    """Every question: title; skills with their aliases; its text and its answers' text."""
    from seedbed.knowledge.models import Answer, Question

    docs = {}
    qs = Question.objects.filter(pk__in=ids).prefetch_related(
        Prefetch("skills", queryset=_skills_qs()),
        Prefetch("answers", queryset=Answer.objects.only("id", "question_id", "body")),
    )
    for q in qs:
        docs[q.pk] = Doc(
            title=clean(q.title),
            extra=_skill_terms(q.skills.all()),
            body=_lines([plain_text(q.body), *(plain_text(a.body) for a in q.answers.all())]),
            meta={
                "answers": q.answer_count,
                "accepted": q.accepted_answer_id is not None,
                "closed": q.is_closed,
            },
        )
    return docs


def learning_items(ids: Sequence[int]) -> dict[int, Doc]:
    """Active catalogue items: title; skills with their aliases and the provider;
    description."""
    from seedbed.learning.models import ItemSkill, LearningItem

    docs = {}
    qs = LearningItem.objects.filter(pk__in=ids, is_active=True).prefetch_related(
        Prefetch("skills", queryset=ItemSkill.objects.select_related("skill").order_by("id"))
    )
    for item in qs:
        docs[item.pk] = Doc(
            title=clean(item.title),
            extra=_lines([_skill_terms(i.skill for i in item.skills.all()), item.provider]),
            body=_lines([item.description]),
            meta={"item_kind": item.kind, "provider": item.provider, "format": item.format},
        )
    return docs


EXTRACTORS: dict[str, Callable[[Sequence[int]], dict[int, Doc]]] = {
    "person": people,
    "skill": skills,
    "article": articles,
    "question": questions,
    "learning_item": learning_items,
}


def tagged_with(skill_ids: Sequence[int]) -> dict[str, list[int]]:
    """Ids of what is tagged with these skills, per kind (their documents carry the
    skills' names and aliases, so they change with the skills)."""
    from seedbed.knowledge.models import Article, Question
    from seedbed.learning.models import ItemSkill

    return {
        "article": list(
            Article.skills.through.objects.filter(skill_id__in=skill_ids)
            .values_list("article_id", flat=True)
            .distinct()
        ),
        "question": list(
            Question.skills.through.objects.filter(skill_id__in=skill_ids)
            .values_list("question_id", flat=True)
            .distinct()
        ),
        "learning_item": list(
            ItemSkill.objects.filter(skill_id__in=skill_ids)
            .values_list("item_id", flat=True)
            .distinct()
        ),
    }


def all_ids(kind: str) -> Any:
    """A queryset of the ids of every object of ``kind`` that could be indexed."""
    from seedbed.knowledge.models import Article, Question
    from seedbed.learning.models import LearningItem
    from seedbed.people.models import Person
    from seedbed.skills.models import Skill

    models: dict[str, Any] = {
        "person": Person.objects.filter(is_active=True),
        "skill": Skill.objects.filter(is_active=True),
        "article": Article.objects.all(),
        "question": Question.objects.all(),
        "learning_item": LearningItem.objects.filter(is_active=True),
    }
    return models[kind].order_by("pk").values_list("pk", flat=True)
