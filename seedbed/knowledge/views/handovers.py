"""Knowledge-capture pages: the list of handovers (HR and managers; search, filters, export),
"My handovers", an interview with its checklist, and the forms that answer a prompt, preview
the Markdown, turn an answer into an article, re-assign an article, start and complete an
interview. Each change is one call of ``seedbed.knowledge.services.handovers``, which decides
who may do it. Prompt forms answer a fetch (htmx) with the prompt's card and a plain POST with
a redirect."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedbed.knowledge import selectors
from seedbed.knowledge.forms_handovers import (
    AnswerForm,
    ArticleFromAnswerForm,
    CompleteForm,
    HandoverFilterForm,
    ReassignForm,
    StartForm,
)
from seedbed.knowledge.markup import render_markdown
from seedbed.knowledge.models import (
    HandoverInterview,
    HandoverPrompt,
    HandoverQuerySet,
    HandoverState,
    Visibility,
)
from seedbed.knowledge.services import handovers as services
from seedbed.lib.errors import NotAllowed, ServiceError
from seedbed.lib.http import AuthedHttpRequest, require_manager
from seedbed.lib.listing import paginate, query_without_page
from seedbed.lib.spreadsheet import export_response
from seedbed.people.models import Person

EXPORT_HEADERS = [
    "id",
    "person",
    "email",
    "team",
    "reason",
    "state",
    "manager",
    "started",
    "due",
    "completed",
    "prompts_done",
    "prompts",
    "link",
]
SUGGESTIONS = 60  # colleagues offered as new owners (the field takes anyone by name or email)


def _interview(request: AuthedHttpRequest, interview_id: int) -> HandoverInterview:
    return get_object_or_404(
        HandoverInterview.objects.visible_to(request.user).select_related(
            "person__team", "person__user", "manager"
        ),
        pk=interview_id,
    )


def _prompt(request: AuthedHttpRequest, prompt_id: int) -> HandoverPrompt:
    return get_object_or_404(
        HandoverPrompt.objects.filter(
            interview__in=HandoverInterview.objects.visible_to(request.user)
        ).select_related(
            "interview__person__user",
            "interview__manager",
            "skill",
            "article",
            "question",
            "result_article",
            "new_owner",
        ),
        pk=prompt_id,
    )


# --- lists ---------------------------------------------------------------------------------


def _filtered(request: AuthedHttpRequest, qs: HandoverQuerySet) -> tuple[Any, HandoverQuerySet]:
    form = HandoverFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(
                Q(person__full_name__icontains=data["q"]) | Q(person__email__icontains=data["q"])
            )
        if data["state"]:
            qs = qs.filter(state=data["state"])
        if data["reason"]:
            qs = qs.filter(reason=data["reason"])
        if data["team"]:
            qs = qs.filter(person__team=data["team"])
    return form, qs.order_by("state", "due_on", "-created_at", "-id")


def _export(request: AuthedHttpRequest, qs: HandoverQuerySet, name: str) -> HttpResponse:
    base = request.build_absolute_uri("/").rstrip("/")
    rows = (
        (
            h.pk,
            h.person.full_name,
            h.person.email,
            h.person.team.name if h.person.team else "",
            h.get_reason_display(),
            h.get_state_display(),
            h.manager.full_name if h.manager else "",
            h.created_at,
            h.due_on,
            h.completed_at,
            h.done,  # type: ignore[attr-defined]
            h.total,  # type: ignore[attr-defined]
            base + reverse("knowledge:handover", args=[h.pk]),
        )
        for h in qs.iterator(chunk_size=1000)
    )
    return export_response(request.GET["format"], name, EXPORT_HEADERS, rows)


def _list(request: AuthedHttpRequest, qs: HandoverQuerySet, *, mine: bool) -> HttpResponse:
    form, qs = _filtered(request, qs)
    if request.GET.get("format") in ("csv", "xlsx"):
        return _export(request, qs, "my-handovers" if mine else "handovers")
    return render(
        request,
        "knowledge/handovers/list.html",
        {
            "form": form,
            "mine": mine,
            "page_obj": paginate(request, qs),
            "query": query_without_page(request),
            "today": timezone.localdate(),
        },
    )


@login_required
def handover_list(request: AuthedHttpRequest) -> HttpResponse:
    """Every handover HR or the manager may see (their reporting line)."""
    require_manager(request)
    return _list(request, selectors.handovers_for(request.user), mine=False)


@login_required
def my_handover_list(request: AuthedHttpRequest) -> HttpResponse:
    """The user's own handovers and those they are the assigned manager of."""
    return _list(request, selectors.my_handovers(request.user), mine=True)


# --- one interview ---------------------------------------------------------------------------


def _suggestions(interview: HandoverInterview) -> list[Person]:
    """Colleagues to offer as owners: the person's team, their manager's reports and the
    manager (one query)."""
    person = interview.person
    near = Q(manager_id=person.manager_id) if person.manager_id else Q(pk__in=[])
    if person.team_id:
        near |= Q(team_id=person.team_id)
    if person.manager_id:
        near |= Q(pk=person.manager_id)
    return list(
        Person.objects.filter(near, is_active=True, erased_at__isnull=True)
        .exclude(pk=person.pk)
        .order_by("full_name")[:SUGGESTIONS]
    )


def _with_html(prompt: HandoverPrompt) -> HandoverPrompt:
    prompt.answer_html = render_markdown(prompt.answer) if prompt.answer else ""  # type: ignore[attr-defined]
    return prompt


def _prompt_context(request: AuthedHttpRequest, interview: HandoverInterview) -> dict[str, Any]:
    is_open = interview.state == HandoverState.OPEN
    return {
        "interview": interview,
        # Everyone who may see an interview (it was fetched through visible_to) may answer
        # while it is open (services.may_work); leads also decide articles and owners.
        "may_work": is_open,
        "may_lead": is_open and services.may_lead(request.user, interview),
        "visibilities": Visibility.choices,
    }


def _progress(interview: HandoverInterview) -> tuple[int, int]:
    rows = list(interview.prompts.values_list("is_done", flat=True))
    return sum(rows), len(rows)


@login_required
def handover_detail(request: AuthedHttpRequest, interview_id: int) -> HttpResponse:
    interview = _interview(request, interview_id)
    return _render_detail(request, interview)


def _render_detail(
    request: AuthedHttpRequest,
    interview: HandoverInterview,
    *,
    draft: tuple[int, str] | None = None,
    complete_form: CompleteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The interview page; ``draft`` (prompt id, text) shows an unsaved answer with its
    preview (the preview button without JavaScript)."""
    prompts = [
        _with_html(p)
        for p in interview.prompts.select_related(
            "skill", "article", "question", "result_article", "new_owner"
        )
    ]
    if draft is not None:
        for p in prompts:
            if p.pk == draft[0]:
                p.answer = draft[1]
                p.preview_html = render_markdown(draft[1])  # type: ignore[attr-defined]
    done = sum(1 for p in prompts if p.is_done)
    ctx = _prompt_context(request, interview)
    ctx.update(
        {
            "prompts": prompts,
            "done": done,
            "total": len(prompts),
            "percent": round(100 * done / len(prompts)) if prompts else 0,
            "suggestions": _suggestions(interview) if ctx["may_lead"] else [],
            "complete_form": complete_form or CompleteForm(),
            "article_form": ArticleFromAnswerForm(),
        }
    )
    return render(request, "knowledge/handovers/detail.html", ctx, status=status)


def _prompt_response(
    request: AuthedHttpRequest,
    prompt: HandoverPrompt,
    *,
    error: str | None = None,
    success: str | None = None,
) -> HttpResponse:
    """htmx: the prompt's card (with its message) and the progress, swapped out of band;
    otherwise the message and a redirect back to the prompt."""
    interview = prompt.interview
    if request.htmx:
        done, total = _progress(interview)
        ctx = _prompt_context(request, interview)
        ctx.update(
            {
                "p": _with_html(prompt),
                "error": error,
                "success": success,
                "done": done,
                "total": total,
                "percent": round(100 * done / total) if total else 0,
                "oob": True,
            }
        )
        return render(request, "knowledge/handovers/detail.html#prompt-response", ctx)
    if error:
        messages.error(request, error)
    elif success:
        messages.success(request, success)
    return redirect(reverse("knowledge:handover", args=[interview.pk]) + f"#prompt-{prompt.pk}")


@login_required
@require_POST
def prompt_answer(request: AuthedHttpRequest, prompt_id: int) -> HttpResponse:
    """Save the answer and the done box (the form always sends both)."""
    prompt = _prompt(request, prompt_id)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        error = " ".join(str(e) for errs in form.errors.values() for e in errs)
        return _prompt_response(request, prompt, error=error)
    try:
        services.answer_prompt(
            actor=request.user,
            prompt=prompt,
            answer=form.cleaned_data["answer"],
            is_done=form.cleaned_data["is_done"],
        )
    except ServiceError as exc:
        return _prompt_response(request, prompt, error=exc.message)
    return _prompt_response(request, prompt, success=_("Answer saved."))


@login_required
@require_POST
def prompt_preview(request: AuthedHttpRequest, prompt_id: int) -> HttpResponse:
    """The answer as it will read (sanitised Markdown), without saving it."""
    prompt = _prompt(request, prompt_id)
    form = AnswerForm(request.POST)
    text = form.cleaned_data["answer"] if form.is_valid() else ""
    if request.htmx:
        prompt.preview_html = render_markdown(text)  # type: ignore[attr-defined]
        return render(request, "knowledge/handovers/detail.html#preview", {"p": prompt})
    return _render_detail(request, prompt.interview, draft=(prompt.pk, text))


@login_required
@require_POST
def prompt_article(request: AuthedHttpRequest, prompt_id: int) -> HttpResponse:
    """Write an article from the answer (owner: the manager or a chosen successor)."""
    prompt = _prompt(request, prompt_id)
    form = ArticleFromAnswerForm(request.POST)
    if not form.is_valid():
        error = " ".join(str(e) for errs in form.errors.values() for e in errs)
        return _prompt_response(request, prompt, error=error)
    data = form.cleaned_data
    try:
        article = services.article_from_answer(
            actor=request.user,
            prompt=prompt,
            owner=data["owner"],
            title=data["title"],
            visibility=data["visibility"],
        )
    except ServiceError as exc:
        return _prompt_response(request, prompt, error=exc.message)
    return _prompt_response(
        request, prompt, success=_("Article “%(title)s” written.") % {"title": article.title}
    )


@login_required
@require_POST
def prompt_reassign(request: AuthedHttpRequest, prompt_id: int) -> HttpResponse:
    """Give the prompt's article to a colleague."""
    prompt = _prompt(request, prompt_id)
    form = ReassignForm(request.POST)
    if not form.is_valid():
        error = " ".join(str(e) for errs in form.errors.values() for e in errs)
        return _prompt_response(request, prompt, error=error)
    owner = form.cleaned_data["owner"]
    try:
        services.reassign_article(actor=request.user, prompt=prompt, owner=owner)
    except ServiceError as exc:
        return _prompt_response(request, prompt, error=exc.message)
    return _prompt_response(
        request, prompt, success=_("%(name)s now owns the article.") % {"name": owner.full_name}
    )


@login_required
@require_POST
def handover_complete(request: AuthedHttpRequest, interview_id: int) -> HttpResponse:
    interview = _interview(request, interview_id)
    form = CompleteForm(request.POST)
    if form.is_valid():
        try:
            services.complete_interview(
                actor=request.user,
                interview=interview,
                skip_reason=form.cleaned_data["skip_reason"],
            )
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except ServiceError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, exc.message)
        else:
            messages.success(request, _("Handover completed."))
            return redirect("knowledge:handover", interview.pk)
    return _render_detail(request, interview, complete_form=form, status=400)


@login_required
@require_POST
def handover_start(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    """Start a handover by hand (HR, or a manager for their reporting line); back to ``next``
    (the page the button was on) when something is wrong."""
    require_manager(request)
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=person_id)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("people:detail", args=[person.pk])
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(back)
    try:
        interview = services.start_handover(
            actor=request.user,
            person=person,
            reason=form.cleaned_data["reason"],
            due_on=form.cleaned_data["due_on"],
        )
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(
        request,
        _("Handover of %(name)s started; they and their manager have been told.")
        % {"name": person.full_name},
    )
    return redirect("knowledge:handover", interview.pk)
