"""Roles (job profiles) and the skill levels they require."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Role(models.Model):
    """A job profile: what people in it do and which skills at which levels it requires."""

    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    external_id = models.CharField(
        _("external id"),
        max_length=300,
        null=True,
        blank=True,
        unique=True,
        help_text=_("For example an ESCO occupation URI."),
    )
    next_roles = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="previous_roles",
        verbose_name=_("next roles on the career path"),
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="role_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class Importance(models.IntegerChoices):
    NICE = 1, _("Nice to have")
    IMPORTANT = 2, _("Important")
    ESSENTIAL = 3, _("Essential")


class RoleRequirement(models.Model):
    """A role requires a skill at a level, with an importance used as a weight in gap maths."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="requirements")
    skill = models.ForeignKey("skills.Skill", on_delete=models.CASCADE, related_name="required_by")
    required_level = models.PositiveSmallIntegerField(_("required level"))
    importance = models.PositiveSmallIntegerField(
        _("importance"), choices=Importance.choices, default=Importance.IMPORTANT
    )

    class Meta:
        ordering = ["role", "skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["role", "skill"], name="role_requirement_unique")
        ]

    def __str__(self) -> str:
        return f"{self.role_id}: {self.skill_id} ≥ {self.required_level}"


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")


class StrategicNeed(models.Model):
    """A capability the organisation needs by a date: "by 2027-06 we need 3 people at level 4
    in data engineering", with the business goal it serves and who owns it."""

    skill = models.ForeignKey(
        "skills.Skill",
        on_delete=models.PROTECT,
        related_name="strategic_needs",
        verbose_name=_("skill"),
    )
    level = models.PositiveSmallIntegerField(_("level"))
    headcount = models.PositiveSmallIntegerField(_("people needed"))
    due_date = models.DateField(_("needed by"))
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.MEDIUM
    )
    owner = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_needs",
        verbose_name=_("owner"),
    )
    goal = models.CharField(_("business goal"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "-priority"]

    def __str__(self) -> str:
        return f"{self.headcount} × {self.skill_id} ≥ {self.level} by {self.due_date}"
