"""Skill survey campaigns, the task each person gets, and the housekeeping schedule.

An admin launches a ``Campaign`` for everyone, a team (with its sub-teams) or a role. Launch
gives every active person in scope who can sign in one ``SurveyTask``, listing as
``SurveyItem`` rows the skills their role requires plus the skills they already hold. Answering
an item records a self-rating (evidence, via ``seedbed.skills.services``); managers then
validate through the ordinary validation queue.

Who sees what: admins every campaign and task; managers the tasks of their reporting line (and
the campaigns that have such tasks); everyone their own tasks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedbed.accounts.models import AccessLevel

if TYPE_CHECKING:
    from seedbed.accounts.models import User


class Scope(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    TEAM = "team", _("A team and its sub-teams")
    ROLE = "role", _("Everyone in a role")


class CampaignStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")


def _tasks_scope(user: User) -> models.Q:
    """Filter on SurveyTask: the tasks ``user`` may see."""
    from seedbed.people.models import Person

    if user.access_level == AccessLevel.ADMIN:
        return models.Q()
    return models.Q(person__in=Person.objects.reporting_line_of(user))


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def visible_to(self, user: User) -> CampaignQuerySet:
        """Admins: every campaign. Managers: campaigns with a task in their reporting line.
        Employees: none (they see their own tasks, not campaigns)."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.access_level == AccessLevel.ADMIN:
            return self.all()
        if user.access_level == AccessLevel.MANAGER:
            tasks = SurveyTask.objects.filter(_tasks_scope(user), campaign_id=OuterRef("pk"))
            return self.filter(Exists(tasks))
        return self.none()


class Campaign(models.Model):
    """A skill survey: who is asked (scope), what they are told (message), by when (deadline).
    Open until an admin closes or cancels it."""

    name = models.CharField(_("name"), max_length=200)
    message = models.TextField(_("message to people"), blank=True, max_length=5000)
    scope = models.CharField(_("who is asked"), max_length=10, choices=Scope.choices)
    team = models.ForeignKey(
        "people.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("team"),
    )
    role = models.ForeignKey(
        "frameworks.Role",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("role"),
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("launched"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == CampaignStatus.OPEN


class SurveyTaskQuerySet(models.QuerySet["SurveyTask"]):
    def visible_to(self, user: User) -> SurveyTaskQuerySet:
        """Admins: every task; others: the tasks of their reporting line (their own included)."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        return self.filter(_tasks_scope(user))

    def own(self, user: User) -> SurveyTaskQuerySet:
        """``user``'s own tasks: the only ones they may answer."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        return self.filter(person__user=user)

    def waiting(self) -> SurveyTaskQuerySet:
        """Tasks still to do in campaigns still open."""
        return self.filter(status=TaskStatus.OPEN, campaign__status=CampaignStatus.OPEN)


class SurveyTask(models.Model):
    """One person's part of a campaign. ``team`` is the person's team at launch, so progress
    per team stays as launched when people move."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="survey_tasks"
    )
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    last_reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(default=0)

    objects = SurveyTaskQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "person__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="survey_task_unique")
        ]
        indexes = [models.Index(fields=["campaign", "status"])]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.person_id} ({self.status})"

    @property
    def is_done(self) -> bool:
        return self.status == TaskStatus.DONE


class SurveyItem(models.Model):
    """One skill a task asks about: required by the person's role (``required_level``) or
    already held. ``level`` and ``answered_at`` are set when the person answers."""

    task = models.ForeignKey(SurveyTask, on_delete=models.CASCADE, related_name="items")
    skill = models.ForeignKey("skills.Skill", on_delete=models.CASCADE, related_name="+")
    required_level = models.PositiveSmallIntegerField(null=True, blank=True)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["task", "skill__name"]
        constraints = [models.UniqueConstraint(fields=["task", "skill"], name="survey_item_unique")]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.skill_id}"


class ScheduledJob(models.Model):
    """When a periodic job (the daily housekeeping) last started and finished, so the worker's
    scheduler runs it about once per interval however often the worker restarts."""

    name = models.CharField(max_length=64, unique=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_result = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.name
