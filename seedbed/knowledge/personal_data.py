"""The knowledge app's part of a personal-data request: what it holds about a person
(``export``) and how that is anonymised on an erasure request (``erase``).

Called by ``seedbed.people.services.personal_data_export`` / ``erase_person``, which check
who may ask, audit the request and run ``erase`` inside their transaction.

What erasure keeps and removes, and why:
- **Articles, their revisions, questions and answers stay**: they are the organisation's
  knowledge, written for colleagues, and others have built on them (accepted answers, votes,
  articles written from answers). Their authorship is anonymised: owner, author, asker and
  answer author are cleared (pages show "someone who left"), so the texts no longer point to
  the person. The texts themselves are not rewritten; anything personal inside an article
  body is for its next owner to remove, like any other edit.
- An article without an owner drops out of every review queue; HR sees it among the
  articles without owner and gives it a new one.
- **Comments are deleted**: short remarks in a conversation, rarely knowledge, often personal.
- **Votes stay** as anonymous counts (they carry no text; the login they point to is
  anonymised by ``erase_person``), so answer scores keep adding up.
- **Routing records are deleted** (which questions were sent to them as an expert).
- **Handover interviews about them keep their shape** (reason, dates, which prompts were done,
  the articles and new owners they led to) but lose every answer and the skip reason: the
  answers were written for the handover and whatever lasting knowledge they held lives on in
  the articles written from them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from seedbed.knowledge.evidence import refresh_evidence
from seedbed.knowledge.models import (
    Answer,
    Article,
    ArticleRevision,
    Comment,
    HandoverInterview,
    HandoverPrompt,
    Question,
    Routing,
    Vote,
)
from seedbed.people.models import Person


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _owned_or_written(person: Person) -> Q:
    q = Q(owner=person)
    if person.user_id is not None:
        q |= Q(created_by_id=person.user_id)
    return q


def export(person: Person) -> dict[str, Any]:
    """Everything the knowledge app holds about ``person``: articles they own or wrote, the
    revisions they saved, their questions, answers, comments and votes, the questions sent
    to them as an expert, and their handover interviews with their answers."""
    user_id = person.user_id
    articles = [
        {
            "id": a.pk,
            "title": a.title,
            "kind": a.kind,
            "state": a.state,
            "visibility": a.visibility,
            "owner": a.owner_id == person.pk,
            "written_by_them": user_id is not None and a.created_by_id == user_id,
            "created_at": _iso(a.created_at),
            "updated_at": _iso(a.updated_at),
        }
        for a in Article.objects.filter(_owned_or_written(person)).order_by("created_at", "id")
    ]
    revisions = (
        [
            {
                "article_id": r.article_id,
                "number": r.number,
                "title": r.title,
                "body": r.body,
                "note": r.note,
                "saved_at": _iso(r.created_at),
            }
            for r in ArticleRevision.objects.filter(author_id=user_id).order_by("created_at", "id")
        ]
        if user_id
        else []
    )
    questions = [
        {
            "id": q.pk,
            "title": q.title,
            "body": q.body,
            "asked_at": _iso(q.created_at),
            "closed": q.is_closed,
        }
        for q in Question.objects.filter(asked_by=person).order_by("created_at", "id")
    ]
    answers = [
        {
            "id": a.pk,
            "question": a.question.title,
            "body": a.body,
            "score": a.score,
            "accepted": a.question.accepted_answer_id == a.pk,
            "written_at": _iso(a.created_at),
        }
        for a in Answer.objects.filter(author=person)
        .select_related("question")
        .order_by("created_at", "id")
    ]
    comments = [
        {
            "on_question": c.question_id,
            "on_answer": c.answer_id,
            "body": c.body,
            "written_at": _iso(c.created_at),
        }
        for c in Comment.objects.filter(author=person).order_by("created_at", "id")
    ]
    votes = (
        [
            {"answer": v.answer_id, "value": v.value, "at": _iso(v.created_at)}
            for v in Vote.objects.filter(voter_id=user_id).order_by("created_at", "id")
        ]
        if user_id
        else []
    )
    routed = [
        {"question": r.question.title, "score": r.score, "sent_at": _iso(r.created_at)}
        for r in Routing.objects.filter(person=person)
        .select_related("question")
        .order_by("created_at", "id")
    ]
    handovers = [
        {
            "id": h.pk,
            "reason": h.reason,
            "state": h.state,
            "due_on": _iso(h.due_on),
            "started_at": _iso(h.created_at),
            "completed_at": _iso(h.completed_at),
            "skip_reason": h.skip_reason,
            "prompts": [
                {
                    "prompt": p.prompt,
                    "answer": p.answer,
                    "done": p.is_done,
                    "article_written": p.result_article_id,
                }
                for p in h.prompts.all()
            ],
        }
        for h in HandoverInterview.objects.filter(person=person)
        .prefetch_related("prompts")
        .order_by("created_at", "id")
    ]
    return {
        "articles": articles,
        "article_revisions": revisions,
        "questions": questions,
        "answers": answers,
        "comments": comments,
        "votes": votes,
        "questions_sent_to_them": routed,
        "handover_interviews": handovers,
    }


def erase(person: Person) -> None:
    """Anonymise the person's part of the knowledge base (see the module docstring)."""
    user_id = person.user_id
    Article.objects.filter(owner=person).update(owner=None)
    if user_id is not None:
        Article.objects.filter(created_by_id=user_id).update(created_by=None)
        ArticleRevision.objects.filter(author_id=user_id).update(author=None)
    Question.objects.filter(asked_by=person).update(asked_by=None)
    Answer.objects.filter(author=person).update(author=None)
    Comment.objects.filter(author=person).delete()
    Routing.objects.filter(person=person).delete()
    HandoverPrompt.objects.filter(interview__person=person).update(answer="")
    HandoverInterview.objects.filter(person=person).update(skip_reason="")
    refresh_evidence(person_ids=[person.pk])  # the expert finder's read table
