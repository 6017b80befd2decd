"""The learning catalogue, paths, enrolments, learning hours and on-the-job sign-off.

Seedbed is a light learning-management system built around skills: every item says which
skills it develops and to which level, so gaps can be turned into plans and completions back
into skill evidence (``seedbed.skills.services``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ELEARNING = "elearning", _("E-learning or online course")
    WORKSHOP = "workshop", _("Workshop or class")
    ON_THE_JOB = "on_the_job", _("On-the-job task")
    READING = "reading", _("Reading")
    MENTORING = "mentoring", _("Mentoring or shadowing")
    EXTERNAL = "external", _("External training")
    CONFERENCE = "conference", _("Conference")


class Format(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    BLENDED = "blended", _("Blended")
    SELF_PACED = "self_paced", _("Self-paced")


class LearningItemQuerySet(models.QuerySet["LearningItem"]):
    def active(self) -> LearningItemQuerySet:
        return self.filter(is_active=True)

    def search(self, text: str) -> LearningItemQuerySet:
        qs = self
        for word in text.split()[:8]:
            qs = qs.filter(
                Q(title__icontains=word)
                | Q(provider__icontains=word)
                | Q(description__icontains=word)
            )
        return qs


class LearningItem(models.Model):
    """Something a person can do to learn: a course, a workshop, a task on the job, a book,
    mentoring, external training or a conference. Free and low-cost resources are first-class
    (``cost`` 0)."""

    code = models.CharField(
        _("code"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Your own reference; imports match items by it (else by title)."),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("link"), blank=True, max_length=500)
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    format = models.CharField(
        _("format"), max_length=16, choices=Format.choices, default=Format.ONLINE
    )
    language = models.CharField(_("language"), max_length=8, default="en")
    duration_hours = models.DecimalField(
        _("duration (hours)"), max_digits=6, decimal_places=1, default=1
    )
    cost = models.DecimalField(_("cost"), max_digits=10, decimal_places=2, default=0)
    requires_approval = models.BooleanField(
        _("manager approval needed"),
        default=False,
        help_text=_("Paid items and long ones usually need a manager's approval."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = LearningItemQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                Lower("title"), "provider", name="learning_item_title_provider"
            ),
            models.CheckConstraint(condition=Q(cost__gte=0), name="learning_item_cost_positive"),
            models.CheckConstraint(
                condition=Q(duration_hours__gte=0), name="learning_item_duration_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_free(self) -> bool:
        return self.cost == 0


class ItemSkill(models.Model):
    """An item develops a skill and brings a learner to ``level``."""

    item = models.ForeignKey(LearningItem, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(
        "skills.Skill", on_delete=models.CASCADE, related_name="learning_items"
    )
    level = models.PositiveSmallIntegerField(_("brings to level"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "skill"], name="item_skill_unique")]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.skill_id} {self.level}"


class Prerequisite(models.Model):
    """Before ``item``: another item completed, or a skill at a level. Item prerequisites form
    a graph that must stay acyclic (checked by the service that adds them)."""

    item = models.ForeignKey(LearningItem, on_delete=models.CASCADE, related_name="prerequisites")
    requires_item = models.ForeignKey(
        LearningItem, null=True, blank=True, on_delete=models.CASCADE, related_name="required_by"
    )
    requires_skill = models.ForeignKey(
        "skills.Skill", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    requires_level = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        requires_item__isnull=False,
                        requires_skill__isnull=True,
                        requires_level__isnull=True,
                    )
                    | Q(
                        requires_item__isnull=True,
                        requires_skill__isnull=False,
                        requires_level__isnull=False,
                    )
                ),
                name="prerequisite_item_xor_skill",
            ),
        ]

    def __str__(self) -> str:
        if self.requires_item_id:
            return f"{self.item_id} needs item {self.requires_item_id}"
        return f"{self.item_id} needs skill {self.requires_skill_id} ≥ {self.requires_level}"


class Session(models.Model):
    """A dated occurrence of a workshop or class, with a number of seats."""

    item = models.ForeignKey(LearningItem, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    seats = models.PositiveSmallIntegerField(_("seats"))

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id} @ {self.starts_at:%Y-%m-%d}"


class LearningPath(models.Model):
    """A role or career path: an ordered set of items that takes a person to a role."""

    name = models.CharField(_("name"), max_length=200)
    role = models.ForeignKey(
        "frameworks.Role",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="learning_paths",
        verbose_name=_("leads to role"),
    )
    description = models.TextField(_("description"), blank=True)
    items = models.ManyToManyField(LearningItem, through="PathStep", related_name="paths")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PathStep(models.Model):
    path = models.ForeignKey(LearningPath, on_delete=models.CASCADE, related_name="steps")
    item = models.ForeignKey(LearningItem, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["path", "position"]
        constraints = [models.UniqueConstraint(fields=["path", "item"], name="path_step_unique")]

    def __str__(self) -> str:
        return f"{self.path_id}#{self.position}: {self.item_id}"


class PlanStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class LearningPlan(models.Model):
    """A personal learning path: the items Seedbed proposed to close a person's gaps towards a
    target (current role, target role or chosen skills), with the reason for each. Once
    accepted by the person, their manager or HR it is the person's plan."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="learning_plans"
    )
    target_role = models.ForeignKey(
        "frameworks.Role", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_skills = models.JSONField(
        default=list, blank=True, help_text="[{skill_id, level}] when the target is chosen skills"
    )
    objective = models.CharField(
        max_length=8, choices=[("time", _("least time")), ("cost", _("least cost"))], default="time"
    )
    budget = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=PlanStatus.choices, default=PlanStatus.PROPOSED
    )
    uncovered = models.JSONField(
        default=list,
        blank=True,
        help_text="Gaps no item covers: [{skill_id, skill_name, from, to}]",
    )
    total_hours = models.DecimalField(max_digits=8, decimal_places=1, default=0)
    total_cost = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Plan {self.pk} for {self.person_id} ({self.status})"


class PlanItem(models.Model):
    plan = models.ForeignKey(LearningPlan, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(LearningItem, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    reason = models.TextField(help_text="Why this item: what it covers and what it needs first.")

    class Meta:
        ordering = ["plan", "position"]

    def __str__(self) -> str:
        return f"{self.plan_id}#{self.position}: {self.item_id}"


class EnrolmentStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for approval")
    ENROLLED = "enrolled", _("Enrolled")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_SIGNOFF = "awaiting_signoff", _("Waiting for sign-off")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Not approved")
    CANCELLED = "cancelled", _("Cancelled")


class Enrolment(models.Model):
    """A person taking a learning item: who enrolled them, approval, due date, progress,
    completion, attendance (sessions), reaction and pre/post scores (for ROI later)."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="enrolments")
    item = models.ForeignKey(LearningItem, on_delete=models.PROTECT, related_name="enrolments")
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="enrolments"
    )
    plan = models.ForeignKey(
        LearningPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="enrolments"
    )
    status = models.CharField(
        max_length=20, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)
    due_date = models.DateField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    attended = models.BooleanField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    usefulness = models.PositiveSmallIntegerField(null=True, blank=True)
    applicability = models.PositiveSmallIntegerField(null=True, blank=True)
    would_recommend = models.BooleanField(null=True, blank=True)
    reaction_comment = models.TextField(blank=True, max_length=2000)
    pre_score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    post_score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="enrolment_progress_pct"),
            models.UniqueConstraint(
                fields=["person", "item"],
                condition=~Q(status__in=["completed", "rejected", "cancelled"]),
                name="one_open_enrolment_per_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.item_id} ({self.status})"


class SignOffDecision(models.TextChoices):
    PENDING = "pending", _("Pending")
    PASS = "pass", _("Signed off")
    FAIL = "fail", _("Not yet")


class SignOff(models.Model):
    """One named assessor's judgement of an on-the-job task. Rule (shown in the UI): the task
    is signed off when every named assessor has signed it off; the level recorded is the lowest
    level the assessors confirm."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="signoffs")
    assessor = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="signoffs_given"
    )
    decision = models.CharField(
        max_length=8, choices=SignOffDecision.choices, default=SignOffDecision.PENDING
    )
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "assessor"], name="one_signoff_per_assessor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} by {self.assessor_id}: {self.decision}"


class LearningHours(models.Model):
    """Time spent learning, logged against the person's monthly allowance."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="learning_hours"
    )
    enrolment = models.ForeignKey(
        Enrolment, null=True, blank=True, on_delete=models.SET_NULL, related_name="hours"
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="learning_hours_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.hours} h on {self.date}"
