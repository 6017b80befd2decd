"""Knowledge API: the handovers area (knowledge capture). Reads are scoped through
``HandoverInterview.objects.visible_to`` (the person, their reporting line's managers, HR);
writes go through ``seedbed.knowledge.services.handovers``, which decides who may do what."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from seedbed.knowledge import selectors
from seedbed.knowledge.models import HandoverInterview, HandoverPrompt
from seedbed.knowledge.schemas_handovers import (
    ArticleFromAnswerIn,
    ArticleRef,
    CompleteIn,
    DoneIn,
    HandoverCreateIn,
    HandoverDetailOut,
    HandoverFilter,
    HandoverOut,
    PromptAnswerIn,
    PromptOut,
    PromptReassignIn,
)
from seedbed.knowledge.services import handovers as services
from seedbed.lib.errors import NotFound
from seedbed.lib.schemas import ERRORS, AuthedRequest, Id, Pagination
from seedbed.people.models import Person

router = Router(tags=["knowledge capture"])
WITH_CONFLICT = {**ERRORS, 409: ERRORS[400]}


def _interview(request: AuthedRequest, interview_id: int) -> HandoverInterview:
    interview = selectors.handovers_for(request.user).filter(pk=interview_id).first()
    if interview is None:
        raise NotFound(_("No handover with id %(id)s.") % {"id": interview_id})
    return interview


def _prompt(request: AuthedRequest, prompt_id: int) -> HandoverPrompt:
    prompt = (
        HandoverPrompt.objects.filter(
            interview__in=HandoverInterview.objects.visible_to(request.user)
        )
        .select_related("interview__person", "interview__manager", "skill", "article", "question")
        .filter(pk=prompt_id)
        .first()
    )
    if prompt is None:
        raise NotFound(_("No handover prompt with id %(id)s.") % {"id": prompt_id})
    return prompt


def _person(request: AuthedRequest, person_id: int, field: str) -> Person:
    person = Person.objects.visible_to(request.user).filter(pk=person_id).first()
    if person is None:
        raise NotFound(_("No person with id %(id)s.") % {"id": person_id}, field=field)
    return person


@router.get("/knowledge/handovers", response={200: list[HandoverOut], **ERRORS})
@paginate(Pagination)
def list_handovers(
    request: AuthedRequest, filters: Query[HandoverFilter]
) -> QuerySet[HandoverInterview]:
    """Handovers you may see (yours, your reporting line's; HR everyone's): open ones first,
    by due date."""
    qs = (
        selectors.my_handovers(request.user)
        if filters.mine
        else selectors.handovers_for(request.user)
    )
    if filters.q:
        qs = qs.filter(
            Q(person__full_name__icontains=filters.q) | Q(person__email__icontains=filters.q)
        )
    if filters.person is not None:
        qs = qs.filter(person_id=filters.person)
    if filters.team is not None:
        qs = qs.filter(person__team_id=filters.team)
    if filters.state is not None:
        qs = qs.filter(state=filters.state)
    if filters.reason is not None:
        qs = qs.filter(reason=filters.reason)
    return qs.order_by("state", "due_on", "-created_at", "-id")


@router.post("/knowledge/handovers", response={201: HandoverDetailOut, **WITH_CONFLICT})
def create_handover(request: AuthedRequest, payload: HandoverCreateIn) -> Status[Any]:
    """Start a handover interview for a person (HR: anyone; managers: their reporting line).
    The person and their manager are notified."""
    person = _person(request, payload.person_id, "person_id")
    interview = services.start_handover(
        actor=request.user, person=person, reason=payload.reason, due_on=payload.due_on
    )
    return Status(201, _interview(request, interview.pk))


@router.get("/knowledge/handovers/{interview_id}", response={200: HandoverDetailOut, **ERRORS})
def read_handover(request: AuthedRequest, interview_id: Path[Id]) -> HandoverInterview:
    """A handover with its prompts, in checklist order."""
    return _interview(request, interview_id)


@router.post(
    "/knowledge/handovers/{interview_id}/complete",
    response={200: HandoverDetailOut, **WITH_CONFLICT},
)
def complete_handover(
    request: AuthedRequest, interview_id: Path[Id], payload: CompleteIn
) -> HandoverInterview:
    """Complete it (the person's manager or HR): every prompt done, or skip_reason given."""
    services.complete_interview(
        actor=request.user,
        interview=_interview(request, interview_id),
        skip_reason=payload.skip_reason,
    )
    return _interview(request, interview_id)


@router.put("/knowledge/handover-prompts/{prompt_id}", response={200: PromptOut, **WITH_CONFLICT})
def answer_prompt(request: AuthedRequest, prompt_id: Path[Id], payload: PromptAnswerIn) -> Any:
    """Save a prompt's answer (Markdown) and optionally mark it done."""
    prompt = _prompt(request, prompt_id)
    return services.answer_prompt(
        actor=request.user, prompt=prompt, answer=payload.answer, is_done=payload.is_done
    )


@router.post(
    "/knowledge/handover-prompts/{prompt_id}/done", response={200: PromptOut, **WITH_CONFLICT}
)
def mark_done(request: AuthedRequest, prompt_id: Path[Id], payload: DoneIn) -> Any:
    """Tick a prompt off (done: false opens it again)."""
    return services.set_done(
        actor=request.user, prompt=_prompt(request, prompt_id), done=payload.done
    )


@router.post(
    "/knowledge/handover-prompts/{prompt_id}/article",
    response={201: ArticleRef, **WITH_CONFLICT},
)
def article_from_answer(
    request: AuthedRequest, prompt_id: Path[Id], payload: ArticleFromAnswerIn
) -> Status[Any]:
    """Write a handover-notes article from the answer (the person's manager or HR), owned by
    owner_id or the manager, tagged with the prompt's skill. The prompt becomes done."""
    prompt = _prompt(request, prompt_id)
    owner = _person(request, payload.owner_id, "owner_id") if payload.owner_id else None
    article = services.article_from_answer(
        actor=request.user,
        prompt=prompt,
        owner=owner,
        title=payload.title,
        visibility=payload.visibility,
    )
    return Status(201, article)


@router.post(
    "/knowledge/handover-prompts/{prompt_id}/reassign",
    response={200: PromptOut, **WITH_CONFLICT},
)
def reassign(request: AuthedRequest, prompt_id: Path[Id], payload: PromptReassignIn) -> Any:
    """Give the prompt's article to another person (the person's manager or HR). The prompt
    becomes done."""
    prompt = _prompt(request, prompt_id)
    owner = _person(request, payload.owner_id, "owner_id")
    return services.reassign_article(actor=request.user, prompt=prompt, owner=owner)
