"""Individual development plans: goals tied to skills and target levels, the learning that
serves them, the manager's agreement and review dates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from seedbed.accounts.models import User


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AGREED = "agreed", _("Agreed")
    CLOSED = "closed", _("Closed")


class DevelopmentPlanQuerySet(models.QuerySet["DevelopmentPlan"]):
    def visible_to(self, user: User) -> DevelopmentPlanQuerySet:
        """Plans ``user`` may see: their own, their reporting line's, and (admins, i.e. HR)
        everyone's. Who may change what is decided by ``seedbed.development.services``."""
        from seedbed.certifications.selectors import people_in_scope

        return self.filter(person__in=people_in_scope(user))


class DevelopmentPlan(models.Model):
    """A person's development plan, agreed by their manager and reviewed on dates."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="development_plans"
    )
    title = models.CharField(_("title"), max_length=200)
    state = models.CharField(max_length=8, choices=PlanState.choices, default=PlanState.DRAFT)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)
    next_review = models.DateField(_("next review"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = DevelopmentPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class GoalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class Goal(models.Model):
    """A goal of a plan: reach ``target_level`` in ``skill`` by ``due_date``, served by
    learning items. Stalled when open, due soon or past, and no progress recorded lately."""

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="goals")
    skill = models.ForeignKey("skills.Skill", on_delete=models.PROTECT, related_name="+")
    target_level = models.PositiveSmallIntegerField(_("target level"))
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    items = models.ManyToManyField("learning.LearningItem", blank=True, related_name="goals")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.skill_id} → {self.target_level}"


class PlanReview(models.Model):
    """One review of a plan: when it happened, who held it and a short note. Appended by
    ``seedbed.development.services.record_review``, never edited."""

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    note = models.TextField(_("note"), blank=True, max_length=2000)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.plan_id} reviewed {self.reviewed_on}"
