"""API: skill survey campaigns (admins all; managers their reporting line), one's own survey
tasks, and stale levels. Reads are scoped through ``Campaign.objects.visible_to``,
``SurveyTask.objects.visible_to`` / ``own`` and ``Person.objects.reporting_line_of``; writes go
through ``seedbed.surveys.services``, which check permission."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from seedbed.accounts.models import AccessLevel
from seedbed.frameworks.models import Role
from seedbed.lib.errors import NotFound
from seedbed.lib.schemas import ERRORS, AuthedRequest, Id, Pagination
from seedbed.people.models import Person, Team
from seedbed.skills.models import PersonSkill
from seedbed.surveys import selectors, services
from seedbed.surveys.models import Campaign, CampaignStatus, SurveyTask, TaskStatus
from seedbed.surveys.schemas import (
    AnswersIn,
    CampaignCreateIn,
    CampaignDetailOut,
    CampaignFilter,
    CampaignOut,
    MyTaskFilter,
    MyTaskOut,
    RemindOut,
    StaleFilter,
    StaleLevelOut,
    TaskFilter,
    TaskOut,
)

router = Router(tags=["surveys"])


def _campaign(request: AuthedRequest, campaign_id: int) -> Campaign:
    campaign = selectors.campaigns_for(request.user).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound(_("No survey with id %(id)s.") % {"id": campaign_id})
    return campaign


def _detail(request: AuthedRequest, campaign_id: int) -> Any:
    campaign = _campaign(request, campaign_id)
    progress = selectors.progress(campaign, request.user)
    campaign.teams = [  # type: ignore[attr-defined]
        {
            "team_id": t.team_id,
            "team_name": t.team_name,
            "done": t.done,
            "total": t.total,
            "percent": t.percent,
        }
        for t in progress.teams
    ]
    return campaign


@router.get("/surveys", response={200: list[CampaignOut], **ERRORS})
@paginate(Pagination)
def list_campaigns(request: AuthedRequest, filters: Query[CampaignFilter]) -> QuerySet[Campaign]:
    """Survey campaigns, newest first: admins see all; managers those that include their
    reporting line (counts cover only it); employees none (see ``/me/survey-tasks``)."""
    qs = selectors.campaigns_for(request.user)
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    return qs.order_by("-created_at", "-id")


@router.post("/surveys", response={201: CampaignDetailOut, **ERRORS})
def launch_campaign(request: AuthedRequest, payload: CampaignCreateIn) -> Status[Any]:
    """Launch a survey (admins): everyone, a team with its sub-teams, or a role. Each active
    person in scope with a login gets a task (their role's skills plus those they hold) and a
    notification with an email."""
    team = role = None
    if payload.team_id is not None:
        team = Team.objects.filter(pk=payload.team_id).first()
        if team is None:
            raise NotFound(_("No team with id %(id)s.") % {"id": payload.team_id}, field="team_id")
    if payload.role_id is not None:
        role = Role.objects.filter(pk=payload.role_id).first()
        if role is None:
            raise NotFound(_("No role with id %(id)s.") % {"id": payload.role_id}, field="role_id")
    campaign = services.launch_campaign(
        actor=request.user,
        name=payload.name,
        message=payload.message,
        scope=payload.scope,
        team=team,
        role=role,
        deadline=payload.deadline,
    )
    return Status(201, _detail(request, campaign.pk))


@router.get("/surveys/{campaign_id}", response={200: CampaignDetailOut, **ERRORS})
def read_campaign(request: AuthedRequest, campaign_id: Path[Id]) -> Any:
    """A survey with its completion per team (the tasks you can see)."""
    return _detail(request, campaign_id)


@router.post("/surveys/{campaign_id}/close", response={200: CampaignDetailOut, **ERRORS})
def close_campaign(request: AuthedRequest, campaign_id: Path[Id]) -> Any:
    """Close an open survey (admins): open tasks leave people's lists; answers given stay."""
    services.close_campaign(actor=request.user, campaign=_campaign(request, campaign_id))
    return _detail(request, campaign_id)


@router.post("/surveys/{campaign_id}/cancel", response={200: CampaignDetailOut, **ERRORS})
def cancel_campaign(request: AuthedRequest, campaign_id: Path[Id]) -> Any:
    """Cancel an open survey (admins), e.g. one launched by mistake; answers given stay."""
    services.close_campaign(
        actor=request.user, campaign=_campaign(request, campaign_id), cancel=True
    )
    return _detail(request, campaign_id)


@router.post("/surveys/{campaign_id}/remind", response={200: RemindOut, **ERRORS})
def remind(request: AuthedRequest, campaign_id: Path[Id]) -> dict[str, int]:
    """Remind those behind (managers: in their reporting line), skipping anyone reminded in
    the last hour."""
    count = services.send_reminders(actor=request.user, campaign=_campaign(request, campaign_id))
    return {"reminded": count}


@router.get("/surveys/{campaign_id}/tasks", response={200: list[TaskOut], **ERRORS})
@paginate(Pagination)
def campaign_tasks(
    request: AuthedRequest, campaign_id: Path[Id], filters: Query[TaskFilter]
) -> QuerySet[SurveyTask]:
    """The tasks of a survey you can see, by person name, with their managers."""
    qs = selectors.tasks_for(_campaign(request, campaign_id), request.user)
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    return qs


# --- one's own tasks ---------------------------------------------------------------------


def _own_task(request: AuthedRequest, task_id: int) -> SurveyTask:
    task = selectors.with_items(SurveyTask.objects.own(request.user)).filter(pk=task_id).first()
    if task is None:
        raise NotFound(_("No survey task of yours with id %(id)s.") % {"id": task_id})
    return task


@router.get("/me/survey-tasks", response={200: list[MyTaskOut], **ERRORS})
@paginate(Pagination)
def my_tasks(request: AuthedRequest, filters: Query[MyTaskFilter]) -> QuerySet[SurveyTask]:
    """Your survey tasks with the skills each asks about, soonest deadline first."""
    qs = SurveyTask.objects.own(request.user)
    if filters.open is True:
        qs = qs.waiting()
    elif filters.open is False:
        qs = qs.exclude(status=TaskStatus.OPEN, campaign__status=CampaignStatus.OPEN)
    return selectors.with_items(qs).order_by("campaign__deadline", "id")


@router.get("/me/survey-tasks/{task_id}", response={200: MyTaskOut, **ERRORS})
def my_task(request: AuthedRequest, task_id: Path[Id]) -> SurveyTask:
    return _own_task(request, task_id)


@router.post("/me/survey-tasks/{task_id}/answers", response={200: MyTaskOut, **ERRORS})
def answer(request: AuthedRequest, task_id: Path[Id], payload: AnswersIn) -> SurveyTask:
    """Rate some or all of the task's skills (each answer is a self-rating, also at an
    unchanged level, which confirms it); ``complete`` marks the task done once every skill
    has an answer."""
    services.submit_answers(
        actor=request.user,
        task=_own_task(request, task_id),
        answers={a.skill_id: a.level for a in payload.answers},
        complete=payload.complete,
        note=payload.note,
    )
    return _own_task(request, task_id)


# --- stale levels ------------------------------------------------------------------------


@router.get("/stale-levels", response={200: list[StaleLevelOut], **ERRORS})
@paginate(Pagination)
def stale_levels(request: AuthedRequest, filters: Query[StaleFilter]) -> QuerySet[PersonSkill]:
    """Levels not confirmed within the review interval, oldest first: your own; a manager's
    also their reporting line's; an admin's everyone's."""
    qs = services.stale_levels()
    if request.user.access_level != AccessLevel.ADMIN:
        qs = qs.filter(person__in=Person.objects.reporting_line_of(request.user))
    if filters.person is not None:
        qs = qs.filter(person_id=filters.person)
    return qs
