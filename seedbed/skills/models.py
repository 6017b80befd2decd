"""Taxonomy (categories, skills, aliases), proficiency scales, and skill evidence.

Evidence is append-only: an ``Assertion`` is never updated or deleted (except by a personal-data
erasure). ``PersonSkill`` is the small read table of current levels derived from assertions by
``seedbed.skills.rules.current_level`` and kept current by ``seedbed.skills.services``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from seedbed.accounts.models import User


class ProficiencyScale(models.Model):
    """A named scale of proficiency levels, each with a behavioural descriptor."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_default = models.BooleanField(_("default scale"), default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_scale"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def default(cls) -> ProficiencyScale:
        scale: ProficiencyScale | None = cls.objects.filter(is_default=True).first()
        if scale is None:
            from seedbed.skills.services import ensure_default_scale

            return ensure_default_scale()
        return scale

    def level_bounds(self) -> tuple[int, int]:
        values = [lvl.value for lvl in self.levels.all()]
        return (min(values), max(values)) if values else (0, 5)


class ScaleLevel(models.Model):
    """One level of a scale: number, short name, what someone at this level can do."""

    scale = models.ForeignKey(ProficiencyScale, on_delete=models.CASCADE, related_name="levels")
    value = models.PositiveSmallIntegerField(_("level"))
    name = models.CharField(_("name"), max_length=60)
    descriptor = models.TextField(_("behavioural descriptor"), blank=True)

    class Meta:
        ordering = ["scale", "value"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "value"], name="scale_level_unique")
        ]

    def __str__(self) -> str:
        return f"{self.value} – {self.name}"


class SkillCategory(models.Model):
    """A node of the category tree. A category may use its own scale; otherwise its parent's,
    and at the top the organisation's default scale."""

    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent category"),
    )
    scale = models.ForeignKey(
        ProficiencyScale,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("own proficiency scale"),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("skill categories")
        constraints = [
            models.UniqueConstraint(Lower("name"), "parent", name="category_name_unique_in_parent")
        ]

    def __str__(self) -> str:
        return self.name


class Criticality(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class SkillQuerySet(models.QuerySet["Skill"]):
    def active(self) -> SkillQuerySet:
        return self.filter(is_active=True)

    def search(self, text: str) -> SkillQuerySet:
        """Match every word of ``text`` against the name and aliases (case-insensitive)."""
        qs = self
        for word in text.lower().split()[:8]:
            qs = qs.filter(search_text__contains=word)
        return qs


class Skill(models.Model):
    """A skill of the taxonomy. ``aliases`` let "k8s" find Kubernetes; ``search_text`` is their
    lower-cased concatenation with the name, kept by ``save`` so search is one indexed filter."""

    name = models.CharField(_("name"), max_length=200)
    category = models.ForeignKey(
        SkillCategory, on_delete=models.PROTECT, related_name="skills", verbose_name=_("category")
    )
    description = models.TextField(_("description"), blank=True)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    criticality = models.CharField(
        _("criticality"), max_length=10, choices=Criticality.choices, default=Criticality.MEDIUM
    )
    external_id = models.CharField(
        _("external id"),
        max_length=300,
        null=True,
        blank=True,
        unique=True,
        help_text=_("For example an ESCO concept URI."),
    )
    requires_certification = models.BooleanField(
        _("requires certification"),
        default=False,
        help_text=_("Regulated skills: practising needs a valid certificate."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(default=timezone.now)

    objects = SkillQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="skill_name_ci_unique")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # Derived column, not logic: kept in step with name/aliases wherever a skill is saved.
        self.search_text = self.build_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def build_search_text(self) -> str:
        return "\n".join([self.name, *self.aliases]).lower()


class Source(models.TextChoices):
    SELF = "self", _("Self-assessment")
    MANAGER = "manager", _("Manager validation")
    PEER = "peer", _("Peer")
    ASSESSMENT = "assessment", _("Assessment")
    CERTIFICATION = "certification", _("Certification")
    LEARNING = "learning", _("Completed learning")


class AssertionQuerySet(models.QuerySet["Assertion"]):
    def visible_to(self, user: User) -> AssertionQuerySet:
        from seedbed.people.models import Person

        return self.filter(person__in=Person.objects.levels_visible_to(user))


class Assertion(models.Model):
    """One piece of skill evidence: who holds which skill at which level, by which source, said by
    whom and when. Append-only: corrections are new assertions."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="assertions")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="assertions")
    level = models.PositiveSmallIntegerField(_("level"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("rated by"),
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    evidence_url = models.URLField(_("evidence link"), blank=True, max_length=500)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, db_index=True)
    review_by = models.DateField(_("review by"), null=True, blank=True)
    validates = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="validations",
        help_text="The self-rating this manager assertion accepted or adjusted.",
    )

    objects = AssertionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "skill", "created_at"])]

    def __str__(self) -> str:
        return f"{self.person_id}/{self.skill_id}={self.level} ({self.source})"


class PersonSkillQuerySet(models.QuerySet["PersonSkill"]):
    def visible_to(self, user: User) -> PersonSkillQuerySet:
        from seedbed.people.models import Person

        return self.filter(person__in=Person.objects.levels_visible_to(user))

    def pending_for(self, user: User) -> PersonSkillQuerySet:
        """The validation queue: self-ratings newer than any validation, of people ``user``
        may validate."""
        from seedbed.people.models import Person

        return self.filter(pending_validation=True, person__in=Person.objects.validatable_by(user))


class PersonSkill(models.Model):
    """Read table: the current level of one person in one skill, derived from assertions by the
    rule in ``seedbed.skills.rules``. Never written outside ``seedbed.skills.services``."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="holders")
    level = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=16, choices=Source.choices)
    assessed_at = models.DateTimeField()
    self_level = models.PositiveSmallIntegerField(null=True, blank=True)
    self_assessed_at = models.DateTimeField(null=True, blank=True)
    pending_validation = models.BooleanField(default=False, db_index=True)
    last_evidence_at = models.DateTimeField(
        null=True, blank=True, help_text="Newest assertion of any source (staleness)."
    )
    pending_assertion = models.ForeignKey(
        Assertion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = PersonSkillQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "skill"], name="person_skill_unique")
        ]
        indexes = [
            models.Index(fields=["skill", "level"]),
            # Covering the expert finder's levels read (skill ids in; person, level,
            # assessed_at, source out): an index read, not a table look-up per row.
            models.Index(
                fields=["skill", "person", "level", "assessed_at", "source"],
                name="personskill_skill_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}/{self.skill_id}={self.level}"


class Interest(models.TextChoices):
    NONE = "none", _("Not interested")
    HAPPY = "happy", _("Happy to grow")
    KEEN = "keen", _("Keen to grow")


class SkillInterest(models.Model):
    """How keen a person is to grow a skill; later used to pick learners and mentors."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="interests")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="interests")
    interest = models.CharField(max_length=8, choices=Interest.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "skill"], name="person_interest_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}/{self.skill_id}: {self.interest}"
