"""Knowledge API: questions and answers. Everyone signed in reads every question
(``Question.objects.visible_to``); every change goes through
``seedbed.knowledge.services.questions``, which decides who may make it."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from seedbed.knowledge.models import Answer, Comment, Question
from seedbed.knowledge.schemas_questions import (
    AcceptIn,
    AnswerOut,
    ArticleRefOut,
    CommentIn,
    CommentOut,
    QuestionAnswerIn,
    QuestionDetailOut,
    QuestionFilterIn,
    QuestionIn,
    QuestionOut,
    VoteIn,
    person_ref,
)
from seedbed.knowledge.services import questions as services
from seedbed.lib.errors import NotFound
from seedbed.lib.schemas import ERRORS, AuthedRequest, Id, Pagination
from seedbed.skills.models import Skill

router = Router(tags=["questions"])
WITH_CONFLICT = {**ERRORS, 409: ERRORS[400]}


def _with_skills(qs: QuerySet[Question]) -> QuerySet[Question]:
    return qs.prefetch_related(
        Prefetch("skills", queryset=Skill.objects.order_by("name"), to_attr="skill_list")
    )


def _question(request: AuthedRequest, question_id: int) -> Question:
    question = (
        Question.objects.visible_to(request.user)
        .select_related("asked_by")
        .filter(pk=question_id)
        .first()
    )
    if question is None:
        raise NotFound(_("No question with id %(id)s.") % {"id": question_id})
    return question


def _answer(request: AuthedRequest, answer_id: int) -> Answer:
    answer = (
        Answer.objects.filter(question__in=Question.objects.visible_to(request.user))
        .select_related("question__asked_by", "author")
        .filter(pk=answer_id)
        .first()
    )
    if answer is None:
        raise NotFound(_("No answer with id %(id)s.") % {"id": answer_id})
    return answer


def _answer_out(answer: Answer, my_vote: int, accepted_id: int | None) -> dict[str, Any]:
    return {
        "id": answer.pk,
        "question_id": answer.question_id,
        "author": person_ref(answer.author),
        "body": answer.body,
        "body_html": answer.body_html,
        "score": answer.score,
        "my_vote": my_vote,
        "accepted": answer.pk == accepted_id,
        "created_at": answer.created_at,
        "updated_at": answer.updated_at,
        "comments": list(answer.comments.all()),
    }


def _detail(request: AuthedRequest, question_id: int) -> dict[str, Any]:
    """A question with everything on its page, in a fixed number of queries."""
    question = _question(request, question_id)
    user = request.user
    answers = list(
        question.answers.select_related("author").prefetch_related(
            Prefetch("comments", queryset=Comment.objects.select_related("author"))
        )
    )
    accepted_id = question.accepted_answer_id
    answers.sort(key=lambda a: (a.pk != accepted_id, -a.score, a.created_at, a.pk))
    votes = services.my_votes(user, [a.pk for a in answers])
    routed = (
        [
            {"person": person_ref(r.person), "score": r.score, "routed_at": r.created_at}
            for r in services.routed_people(question)
        ]
        if services.sees_routing(user, question)
        else None
    )
    article = services.article_of(question)
    return {
        "id": question.pk,
        "title": question.title,
        "skills": [{"id": s.pk, "name": s.name} for s in question.skills.order_by("name")],
        "asked_by": person_ref(question.asked_by),
        "answer_count": question.answer_count,
        "accepted_answer_id": accepted_id,
        "is_closed": question.is_closed,
        "created_at": question.created_at,
        "updated_at": question.updated_at,
        "body": question.body,
        "body_html": question.body_html,
        "comments": list(question.comments.select_related("author")),
        "answers": [_answer_out(a, votes.get(a.pk, 0), accepted_id) for a in answers],
        "routed_to": routed,
        "article_id": article.pk if article is not None else None,
    }


@router.get("/knowledge/questions", response={200: list[QuestionOut], **ERRORS})
@paginate(Pagination)
def list_questions(request: AuthedRequest, filters: Query[QuestionFilterIn]) -> QuerySet[Question]:
    """Every question, newest first; search, filter by skill, status and "asked by me"."""
    found = services.question_list(
        request.user,
        services.QuestionFilter(
            q=filters.q, skill_id=filters.skill, status=filters.status or "", mine=filters.mine
        ),
    )
    return _with_skills(found)


# Before the routes with a {question_id}: the first matching path wins.
@router.get("/knowledge/questions/routed-to-me", response={200: list[QuestionOut], **ERRORS})
@paginate(Pagination)
def routed_to_me(request: AuthedRequest) -> QuerySet[Question]:
    """Open, unanswered questions that were sent to you, newest first."""
    return _with_skills(services.routed_to(request.user))


@router.post("/knowledge/questions", response={201: QuestionDetailOut, **ERRORS})
def ask_question(request: AuthedRequest, payload: QuestionIn) -> Status[Any]:
    """Ask a question; it is sent to the people who know most about its skills (or, without
    skills, its title), within the caps set in the expert finder's settings."""
    skills = services.skills_by_ids(payload.skill_ids)
    question = services.ask_question(
        actor=request.user, title=payload.title, body=payload.body, skills=skills
    )
    return Status(201, _detail(request, question.pk))


@router.get("/knowledge/questions/{question_id}", response={200: QuestionDetailOut, **ERRORS})
def read_question(request: AuthedRequest, question_id: Path[Id]) -> dict[str, Any]:
    """A question with its comments, answers (accepted first, then by score) and their
    comments, your votes and, for the asker and admins, who it was sent to."""
    return _detail(request, question_id)


@router.put(
    "/knowledge/questions/{question_id}", response={200: QuestionDetailOut, **WITH_CONFLICT}
)
def edit_question(
    request: AuthedRequest, question_id: Path[Id], payload: QuestionIn
) -> dict[str, Any]:
    """Change your own question (title, details, skills); not once it is closed."""
    skills = services.skills_by_ids(payload.skill_ids)
    services.edit_question(
        actor=request.user,
        question=_question(request, question_id),
        title=payload.title,
        body=payload.body,
        skills=skills,
    )
    return _detail(request, question_id)


@router.post(
    "/knowledge/questions/{question_id}/answers", response={201: AnswerOut, **WITH_CONFLICT}
)
def answer_question(
    request: AuthedRequest, question_id: Path[Id], payload: QuestionAnswerIn
) -> Status[Any]:
    """Answer an open question (Markdown); the asker is notified."""
    question = _question(request, question_id)
    answer = services.answer_question(actor=request.user, question=question, body=payload.body)
    return Status(201, _answer_out(answer, 0, question.accepted_answer_id))


@router.post(
    "/knowledge/questions/{question_id}/comments", response={201: CommentOut, **WITH_CONFLICT}
)
def comment_question(
    request: AuthedRequest, question_id: Path[Id], payload: CommentIn
) -> Status[Any]:
    """A plain-text comment on an open question."""
    comment = services.add_comment(
        actor=request.user, question=_question(request, question_id), body=payload.body
    )
    return Status(201, comment)


@router.post(
    "/knowledge/questions/{question_id}/accept",
    response={200: QuestionDetailOut, **WITH_CONFLICT},
)
def accept_answer(
    request: AuthedRequest, question_id: Path[Id], payload: AcceptIn
) -> dict[str, Any]:
    """Accept an answer (the asker or an admin); ``answer_id`` null takes it back."""
    question = _question(request, question_id)
    answer = None
    if payload.answer_id is not None:
        answer = Answer.objects.filter(pk=payload.answer_id, question=question).first()
        if answer is None:
            raise NotFound(
                _("Question %(q)s has no answer with id %(id)s.")
                % {"q": question_id, "id": payload.answer_id},
                field="answer_id",
            )
    services.accept_answer(actor=request.user, question=question, answer=answer)
    return _detail(request, question_id)


@router.post(
    "/knowledge/questions/{question_id}/close", response={200: QuestionDetailOut, **WITH_CONFLICT}
)
def close_question(request: AuthedRequest, question_id: Path[Id]) -> dict[str, Any]:
    """No more answers or comments (the asker or an admin)."""
    services.close_question(actor=request.user, question=_question(request, question_id))
    return _detail(request, question_id)


@router.post(
    "/knowledge/questions/{question_id}/reopen",
    response={200: QuestionDetailOut, **WITH_CONFLICT},
)
def reopen_question(request: AuthedRequest, question_id: Path[Id]) -> dict[str, Any]:
    services.reopen_question(actor=request.user, question=_question(request, question_id))
    return _detail(request, question_id)


@router.put("/knowledge/answers/{answer_id}", response={200: AnswerOut, **WITH_CONFLICT})
def edit_answer(
    request: AuthedRequest, answer_id: Path[Id], payload: QuestionAnswerIn
) -> dict[str, Any]:
    """Change your own answer; not once the question is closed."""
    answer = services.edit_answer(
        actor=request.user, answer=_answer(request, answer_id), body=payload.body
    )
    votes = services.my_votes(request.user, [answer.pk])
    return _answer_out(answer, votes.get(answer.pk, 0), answer.question.accepted_answer_id)


@router.post("/knowledge/answers/{answer_id}/comments", response={201: CommentOut, **WITH_CONFLICT})
def comment_answer(request: AuthedRequest, answer_id: Path[Id], payload: CommentIn) -> Status[Any]:
    """A plain-text comment on an answer of an open question."""
    comment = services.add_comment(
        actor=request.user, answer=_answer(request, answer_id), body=payload.body
    )
    return Status(201, comment)


@router.put("/knowledge/answers/{answer_id}/vote", response={200: AnswerOut, **WITH_CONFLICT})
def vote(request: AuthedRequest, answer_id: Path[Id], payload: VoteIn) -> dict[str, Any]:
    """Your vote on an answer (not your own): +1, -1, or 0 to withdraw it. Sending the same
    vote again changes nothing."""
    answer = services.vote(
        actor=request.user, answer=_answer(request, answer_id), value=payload.value
    )
    return _answer_out(answer, payload.value, answer.question.accepted_answer_id)


@router.post(
    "/knowledge/answers/{answer_id}/article", response={201: ArticleRefOut, **WITH_CONFLICT}
)
def answer_to_article(request: AuthedRequest, answer_id: Path[Id]) -> Status[Any]:
    """Turn an answer into an article (the asker, the answer's author or an admin; once per
    question): the question's title, question and answer with attribution, its skills,
    owned by the answer's author."""
    article = services.answer_to_article(actor=request.user, answer=_answer(request, answer_id))
    return Status(
        201,
        {
            "id": article.pk,
            "title": article.title,
            "url": reverse("knowledge:article", args=[article.pk]),
        },
    )
