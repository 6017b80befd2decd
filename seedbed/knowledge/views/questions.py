"""Questions and answers pages: every question (search, filters, export), the unanswered ones,
the questions sent to me; ask, a question with its answers and comments, answer, comment, vote,
accept, edit, close, and turning an answer into an article. Each change is one call of
``seedbed.knowledge.services.questions``, which decides who may do it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedbed.knowledge.forms_questions import (
    AcceptForm,
    AnswerForm,
    CommentForm,
    QuestionFilterForm,
    QuestionForm,
    VoteForm,
)
from seedbed.knowledge.models import Answer, Comment, Question
from seedbed.knowledge.services import questions as services
from seedbed.lib.errors import ServiceError
from seedbed.lib.forms import run_service
from seedbed.lib.http import AuthedHttpRequest
from seedbed.lib.listing import paginate, query_without_page
from seedbed.lib.spreadsheet import export_response
from seedbed.skills.models import Skill

EXPORT_HEADERS = [
    "id",
    "question",
    "asked_by",
    "asked_at",
    "skills",
    "answers",
    "accepted_answer",
    "closed",
    "link",
]


def _question(request: AuthedHttpRequest, question_id: int) -> Question:
    return get_object_or_404(
        Question.objects.visible_to(request.user).select_related("asked_by"), pk=question_id
    )


def _answer(request: AuthedHttpRequest, answer_id: int) -> Answer:
    return get_object_or_404(
        Answer.objects.filter(
            question__in=Question.objects.visible_to(request.user)
        ).select_related("question__asked_by", "author"),
        pk=answer_id,
    )


def with_skills(qs: QuerySet[Question]) -> QuerySet[Question]:
    """One extra query for the skills of every listed question."""
    return qs.prefetch_related(
        Prefetch("skills", queryset=Skill.objects.order_by("name"), to_attr="skill_list")
    )


# --- lists ---------------------------------------------------------------------------------


def _export(request: AuthedHttpRequest, qs: QuerySet[Question], name: str) -> HttpResponse:
    base = request.build_absolute_uri("/").rstrip("/")
    rows = (
        (
            q.pk,
            q.title,
            q.asked_by.full_name if q.asked_by else "",
            q.created_at,
            "; ".join(s.name for s in q.skill_list),  # type: ignore[attr-defined]
            q.answer_count,
            q.accepted_answer_id is not None,
            q.is_closed,
            base + reverse("knowledge:question", args=[q.pk]),
        )
        for q in with_skills(qs)
    )
    return export_response(request.GET["export"], name, EXPORT_HEADERS, rows)


def _list_page(
    request: AuthedHttpRequest,
    base: Callable[[services.QuestionFilter], QuerySet[Question]],
    *,
    page: str,
    export_name: str,
) -> HttpResponse:
    form = QuestionFilterForm(request.GET or None)
    qs = base(form.filters())
    if request.GET.get("export") in ("csv", "xlsx"):
        return _export(request, qs, export_name)
    return render(
        request,
        "knowledge/questions/list.html",
        {
            "form": form,
            "page": page,
            "page_obj": paginate(request, with_skills(qs)),
            "query": query_without_page(request),
        },
    )


@login_required
def question_list(request: AuthedHttpRequest) -> HttpResponse:
    """Every question, newest first."""
    return _list_page(
        request,
        lambda f: services.question_list(request.user, f),
        page="all",
        export_name="questions",
    )


@login_required
def unanswered_list(request: AuthedHttpRequest) -> HttpResponse:
    """Open questions nobody has answered yet, longest waiting first."""
    return _list_page(
        request,
        lambda f: services.filter_questions(
            services.unanswered(request.user),
            services.QuestionFilter(q=f.q, skill_id=f.skill_id, mine=f.mine),
            user=request.user,
        ),
        page="unanswered",
        export_name="unanswered-questions",
    )


@login_required
def for_me_list(request: AuthedHttpRequest) -> HttpResponse:
    """Open, unanswered questions that were sent to me."""
    return _list_page(
        request,
        lambda f: services.filter_questions(
            services.routed_to(request.user),
            services.QuestionFilter(q=f.q, skill_id=f.skill_id),
            user=request.user,
        ),
        page="for_me",
        export_name="questions-for-me",
    )


# --- ask and edit --------------------------------------------------------------------------


def _skill_names() -> list[str]:
    return list(Skill.objects.active().order_by("name").values_list("name", flat=True))


@login_required
def question_ask(request: AuthedHttpRequest) -> HttpResponse:
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        question = run_service(
            form,
            lambda: services.ask_question(
                actor=request.user, title=data["title"], body=data["body"], skills=data["skills"]
            ),
        )
        if question is not None:
            sent = question.routings.count()
            if sent:
                messages.success(
                    request,
                    _("Question asked and sent to %(n)s people who know about it.") % {"n": sent},
                )
            else:
                messages.success(request, _("Question asked."))
            return redirect("knowledge:question", question.pk)
    return render(
        request,
        "knowledge/questions/ask.html",
        {"form": form, "skill_names": _skill_names(), "question": None},
    )


@login_required
def question_edit(request: AuthedHttpRequest, question_id: int) -> HttpResponse:
    question = _question(request, question_id)
    if not services.may_edit_question(request.user, question):
        raise PermissionDenied
    initial = {
        "title": question.title,
        "body": question.body,
        "skills": ", ".join(question.skills.order_by("name").values_list("name", flat=True)),
    }
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.edit_question(
                actor=request.user,
                question=question,
                title=data["title"],
                body=data["body"],
                skills=data["skills"],
            ),
        )
        if saved is not None:
            messages.success(request, _("Question saved."))
            return redirect("knowledge:question", question.pk)
    return render(
        request,
        "knowledge/questions/ask.html",
        {"form": form, "skill_names": _skill_names(), "question": question},
    )


# --- a question ----------------------------------------------------------------------------


def _answer_row(
    request: AuthedHttpRequest, answer: Answer, votes: dict[int, int], accepted_id: int | None
) -> dict[str, Any]:
    user = request.user
    return {
        "answer": answer,
        "my_vote": votes.get(answer.pk, 0),
        "may_vote": services.may_vote(user, answer),
        "may_edit": services.may_edit_answer(user, answer),
        "may_article": services.may_make_article(user, answer),
        "accepted": answer.pk == accepted_id,
    }


def _detail(
    request: AuthedHttpRequest, question: Question, answer_form: AnswerForm | None = None
) -> HttpResponse:
    """The question page: a fixed number of queries however many answers and comments."""
    user = request.user
    answers = list(
        question.answers.select_related("author").prefetch_related(
            Prefetch("comments", queryset=Comment.objects.select_related("author"))
        )
    )
    accepted_id = question.accepted_answer_id
    answers.sort(key=lambda a: (a.pk != accepted_id, -a.score, a.created_at, a.pk))
    votes = services.my_votes(user, [a.pk for a in answers])
    me = services.person_of(user)
    return render(
        request,
        "knowledge/questions/question.html",
        {
            "question": question,
            "skills": list(question.skills.order_by("name")),
            "comments": list(question.comments.select_related("author")),
            "rows": [_answer_row(request, a, votes, accepted_id) for a in answers],
            "may_edit": services.may_edit_question(user, question),
            "may_moderate": services.may_moderate(user, question),
            "may_write": me is not None and me.is_active and not question.is_closed,
            "routings": services.routed_people(question)
            if services.sees_routing(user, question)
            else None,
            "article": services.article_of(question),
            "answer_form": answer_form or AnswerForm(),
        },
        status=400 if answer_form is not None else 200,
    )


@login_required
def question_detail(request: AuthedHttpRequest, question_id: int) -> HttpResponse:
    """A question with its answers (accepted first, then by score) and comments."""
    return _detail(request, _question(request, question_id))


def _back(question_id: int, anchor: str = "") -> HttpResponse:
    url = reverse("knowledge:question", args=[question_id])
    return redirect(url + (f"#{anchor}" if anchor else ""))


def _error(request: AuthedHttpRequest, exc: ServiceError) -> None:
    messages.error(request, exc.message)


@login_required
@require_POST
def question_answer(request: AuthedHttpRequest, question_id: int) -> HttpResponse:
    question = _question(request, question_id)
    form = AnswerForm(request.POST)
    body = form.cleaned_data["body"] if form.is_valid() else ""
    answer = (
        run_service(
            form,
            lambda: services.answer_question(actor=request.user, question=question, body=body),
        )
        if form.is_valid()
        else None
    )
    if answer is None:
        # Shown again with the text kept, so a long answer is never lost to an error.
        return _detail(request, question, answer_form=form)
    messages.success(request, _("Thank you: your answer is posted."))
    return _back(question.pk, f"answer-{answer.pk}")


def _comment(
    request: AuthedHttpRequest,
    question_id: int,
    anchor: str,
    call: Callable[[str], Comment],
) -> HttpResponse:
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("body", [])))
        return _back(question_id, anchor)
    try:
        call(form.cleaned_data["body"])
    except ServiceError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Comment added."))
    return _back(question_id, anchor)


@login_required
@require_POST
def question_comment(request: AuthedHttpRequest, question_id: int) -> HttpResponse:
    question = _question(request, question_id)
    return _comment(
        request,
        question.pk,
        "question-comments",
        lambda body: services.add_comment(actor=request.user, question=question, body=body),
    )


@login_required
@require_POST
def answer_comment(request: AuthedHttpRequest, answer_id: int) -> HttpResponse:
    answer = _answer(request, answer_id)
    return _comment(
        request,
        answer.question_id,
        f"answer-{answer.pk}",
        lambda body: services.add_comment(actor=request.user, answer=answer, body=body),
    )


@login_required
@require_POST
def answer_vote(request: AuthedHttpRequest, answer_id: int) -> HttpResponse:
    """+1, -1 or 0 (withdraw). A fetch gets the answer's vote box back, a form a redirect."""
    answer = _answer(request, answer_id)
    form = VoteForm(request.POST)
    error: str | None = None
    if not form.is_valid():
        error = _("A vote is +1, -1 or 0 (withdraw).")
    else:
        try:
            services.vote(actor=request.user, answer=answer, value=form.cleaned_data["value"])
        except ServiceError as exc:
            error = exc.message
    if request.htmx:
        votes = services.my_votes(request.user, [answer.pk])
        row = _answer_row(request, answer, votes, answer.question.accepted_answer_id)
        return render(
            request,
            "knowledge/questions/question.html#vote",
            {"row": row, "vote_error": error, "vote_saved": error is None},
        )
    if error:
        messages.error(request, error)
    return _back(answer.question_id, f"answer-{answer.pk}")


@login_required
@require_POST
def question_accept(request: AuthedHttpRequest, question_id: int) -> HttpResponse:
    """Accept the posted answer; an empty ``answer`` takes the acceptance back."""
    question = _question(request, question_id)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an answer."))
        return _back(question.pk)
    answer_id = form.cleaned_data["answer"]
    answer = None
    if answer_id is not None:
        answer = question.answers.filter(pk=answer_id).first()
        if answer is None:
            messages.error(request, _("This answer belongs to another question."))
            return _back(question.pk)
    try:
        services.accept_answer(actor=request.user, question=question, answer=answer)
    except ServiceError as exc:
        _error(request, exc)
        return _back(question.pk)
    if answer is not None:
        messages.success(request, _("Answer accepted."))
        return _back(question.pk, f"answer-{answer.pk}")
    messages.success(request, _("The acceptance is taken back."))
    return _back(question.pk)


@login_required
@require_POST
def question_action(request: AuthedHttpRequest, question_id: int, action: str) -> HttpResponse:
    """close | reopen."""
    question = _question(request, question_id)
    operations = {
        "close": (services.close_question, _("Question closed.")),
        "reopen": (services.reopen_question, _("Question reopened.")),
    }
    if action not in operations:
        raise Http404
    operation, done = operations[action]
    try:
        operation(actor=request.user, question=question)
    except ServiceError as exc:
        _error(request, exc)
    else:
        messages.success(request, done)
    return _back(question.pk)


@login_required
def answer_edit(request: AuthedHttpRequest, answer_id: int) -> HttpResponse:
    answer = _answer(request, answer_id)
    if not services.may_edit_answer(request.user, answer):
        raise PermissionDenied
    form = AnswerForm(request.POST or None, initial={"body": answer.body})
    if request.method == "POST" and form.is_valid():
        body = form.cleaned_data["body"]
        saved = run_service(
            form, lambda: services.edit_answer(actor=request.user, answer=answer, body=body)
        )
        if saved is not None:
            messages.success(request, _("Answer saved."))
            return _back(answer.question_id, f"answer-{answer.pk}")
    return render(request, "knowledge/questions/answer_edit.html", {"answer": answer, "form": form})


@login_required
@require_POST
def answer_article(request: AuthedHttpRequest, answer_id: int) -> HttpResponse:
    """Turn an answer into an article and open it."""
    answer = _answer(request, answer_id)
    try:
        article = services.answer_to_article(actor=request.user, answer=answer)
    except ServiceError as exc:
        _error(request, exc)
        return _back(answer.question_id, f"answer-{answer.pk}")
    messages.success(request, _("The answer is now an article. Polish it as you like."))
    return redirect(_article_url(article.pk))


def _article_url(article_id: int) -> str:
    # The articles area names its page "knowledge:article" (owned by that area).
    return reverse("knowledge:article", args=[article_id])
