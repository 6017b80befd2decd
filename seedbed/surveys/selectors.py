"""Read models for survey pages and the API: campaigns with their completion, progress per team,
the people behind, one's open tasks. Every read is scoped through ``visible_to`` / ``own``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet

from seedbed.accounts.models import AccessLevel
from seedbed.people.models import Person
from seedbed.surveys.models import Campaign, CampaignQuerySet, SurveyItem, SurveyTask, TaskStatus

if TYPE_CHECKING:
    from seedbed.accounts.models import User


def campaigns_for(user: User) -> CampaignQuerySet:
    """Campaigns ``user`` may see, each with ``tasks_total`` and ``tasks_done`` counted over the
    tasks they may see (a manager: their reporting line)."""
    scope = Q()
    if user.access_level != AccessLevel.ADMIN:
        scope = Q(tasks__person__in=Person.objects.reporting_line_of(user))
    return (
        Campaign.objects.visible_to(user)
        .select_related("team", "role")
        .annotate(
            tasks_total=Count("tasks", filter=scope, distinct=True),
            tasks_done=Count(
                "tasks", filter=scope & Q(tasks__status=TaskStatus.DONE), distinct=True
            ),
        )
    )


@dataclass(frozen=True)
class TeamProgress:
    team_id: int | None
    team_name: str
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def behind(self) -> int:
        return self.total - self.done


@dataclass(frozen=True)
class Progress:
    teams: list[TeamProgress]
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def progress(campaign: Campaign, user: User) -> Progress:
    """Completion per team (the person's team at launch) over the tasks ``user`` may see.
    One query."""
    rows = (
        campaign.tasks.visible_to(user)
        .values("team_id", "team__name")
        .annotate(total=Count("id"), done=Count("id", filter=Q(status=TaskStatus.DONE)))
        .order_by("team__name")
    )
    teams = [TeamProgress(r["team_id"], r["team__name"] or "", r["done"], r["total"]) for r in rows]
    return Progress(teams, sum(t.done for t in teams), sum(t.total for t in teams))


def tasks_for(campaign: Campaign, user: User) -> QuerySet[SurveyTask]:
    """The tasks of a campaign ``user`` may see, with person, manager, team and how many
    skills are answered, by person name."""
    return (
        campaign.tasks.visible_to(user)
        .select_related("person__manager", "team")
        .annotate(
            items_total=Count("items"),
            items_answered=Count("items", filter=Q(items__answered_at__isnull=False)),
        )
        .order_by("person__full_name", "id")
    )


def with_items(qs: QuerySet[SurveyTask]) -> QuerySet[SurveyTask]:
    """Tasks with their campaign and their items (and skills) in one extra query."""
    return qs.select_related("campaign").prefetch_related(
        Prefetch(
            "items", queryset=SurveyItem.objects.select_related("skill").order_by("skill__name")
        )
    )


def open_tasks(user: User) -> list[SurveyTask]:
    """``user``'s tasks still to do in open campaigns, soonest deadline first, with how many
    skills are answered (the home page). One query."""
    return list(
        SurveyTask.objects.own(user)
        .waiting()
        .select_related("campaign")
        .annotate(
            items_total=Count("items"),
            items_answered=Count("items", filter=Q(items__answered_at__isnull=False)),
        )
        .order_by("campaign__deadline", "id")
    )
