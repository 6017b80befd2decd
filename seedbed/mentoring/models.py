"""Mentoring: programmes people opt into as mentor or mentee, pairs proposed by the optimal
matcher (``seedbed.mentoring.matching``) or asked for directly, and what happens in a pair:
sessions, goals, feedback. Cross-training of knowledge at risk is a programme whose purpose is
``cross_training``; its pairs carry the at-risk skill and the level the learner must reach.

Who may see and change what is decided by ``seedbed.mentoring.services`` (and the
``visible_to`` methods below, the one place reads are scoped).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from seedbed.accounts.models import User


class Purpose(models.TextChoices):
    GENERAL = "general", _("General development")
    ONBOARDING = "onboarding", _("Onboarding")
    SKILL_AREA = "skill_area", _("A skill area")
    LEADERSHIP = "leadership", _("Leadership")
    REVERSE = "reverse", _("Reverse mentoring")
    CROSS_TRAINING = "cross_training", _("Cross-training of skills at risk")


class ProgrammeKind(models.TextChoices):
    COHORT = "cohort", _("Cohort (start and end)")
    EVERGREEN = "evergreen", _("Evergreen (join any time)")


class ProgrammeState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for sign-up")
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Closed")


class Objective(models.TextChoices):
    QUALITY = "quality", _("Highest total match quality")
    COVERAGE = "coverage", _("Most people matched")


class TeamPreference(models.TextChoices):
    CROSS = "cross", _("Prefer pairs across teams")
    SAME = "same", _("Prefer pairs within a team")
    NEUTRAL = "neutral", _("No preference")


def default_weights() -> dict[str, float]:
    """The pair-score weights a new programme starts with (the admin sees and changes them).
    Keys: skills (complementarity), goals (goal fit), language, timezone, teams, seniority."""
    return {
        "skills": 0.45,
        "goals": 0.2,
        "language": 0.1,
        "timezone": 0.1,
        "teams": 0.1,
        "seniority": 0.05,
    }


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    def visible_to(self, user: User) -> ProgrammeQuerySet:
        """Everyone signed in sees programmes that are not drafts; admins see all."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.is_admin:
            return self
        return self.exclude(state=ProgrammeState.DRAFT)


class Programme(models.Model):
    """A mentoring programme: its purpose, type, dates, the skills in scope, who may join,
    the pair-score weights and hard rules the matcher uses, and its objective."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    purpose = models.CharField(
        _("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.GENERAL
    )
    kind = models.CharField(
        _("type"), max_length=10, choices=ProgrammeKind.choices, default=ProgrammeKind.COHORT
    )
    state = models.CharField(
        _("state"), max_length=8, choices=ProgrammeState.choices, default=ProgrammeState.DRAFT
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    duration_weeks = models.PositiveSmallIntegerField(_("duration (weeks)"), default=12)
    skills = models.ManyToManyField(
        "skills.Skill", blank=True, related_name="mentoring_programmes", verbose_name=_("skills")
    )
    # Who may join: nobody listed = everyone; otherwise members of these teams or roles.
    eligible_teams = models.ManyToManyField(
        "people.Team", blank=True, related_name="+", verbose_name=_("open to teams")
    )
    eligible_roles = models.ManyToManyField(
        "frameworks.Role", blank=True, related_name="+", verbose_name=_("open to roles")
    )
    weights = models.JSONField(_("score weights"), default=default_weights)
    objective = models.CharField(
        _("objective"), max_length=10, choices=Objective.choices, default=Objective.QUALITY
    )
    team_preference = models.CharField(
        _("teams"), max_length=8, choices=TeamPreference.choices, default=TeamPreference.CROSS
    )
    require_shared_language = models.BooleanField(_("require a shared language"), default=True)
    min_score = models.FloatField(
        _("minimum pair score"),
        default=0.0,
        help_text=_("Pairs scoring below this (0–1) are never proposed."),
    )
    quiet_after_days = models.PositiveSmallIntegerField(
        _("remind a pair after this many quiet days"), default=30
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=dj_timezone.now)
    matched_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # The last matching run's outcome beside its pairs: {"objective", "total_score", "seconds",
    # "unmatched": [{"person_id", "side", "reason"}]} (the admin reviews it later).
    last_run = models.JSONField(default=dict, blank=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_reverse(self) -> bool:
        return self.purpose == Purpose.REVERSE


class ParticipantRole(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")
    BOTH = "both", _("Mentor and mentee")


class Participant(models.Model):
    """A person's opt-in to a programme: as mentor, mentee or both, with capacity (mentees
    they can take), availability, languages, time zone, goals, skills wanted and offered, and
    people they will not be matched with."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="mentoring_participations"
    )
    role = models.CharField(_("joins as"), max_length=6, choices=ParticipantRole.choices)
    capacity = models.PositiveSmallIntegerField(
        _("mentees I can take"), default=1, help_text=_("Only for mentors.")
    )
    availability = models.CharField(
        _("availability"), max_length=200, blank=True, help_text=_("e.g. Tuesdays, 1 h a fortnight")
    )
    hours_per_month = models.PositiveSmallIntegerField(_("hours per month"), default=2)
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, help_text=_("Comma-separated, e.g. en, de")
    )
    timezone = models.CharField(_("time zone"), max_length=64, blank=True)
    goals = models.TextField(_("goals"), blank=True, max_length=2000)
    wants_skills = models.ManyToManyField(
        "skills.Skill", blank=True, related_name="+", verbose_name=_("skills I want to learn")
    )
    offers_skills = models.ManyToManyField(
        "skills.Skill", blank=True, related_name="+", verbose_name=_("skills I can offer")
    )
    excluded = models.ManyToManyField(
        "people.Person", blank=True, related_name="+", verbose_name=_("never match me with")
    )
    is_active = models.BooleanField(default=True)
    joined_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "person"], name="mentoring_participant_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.programme_id} as {self.role}"

    @property
    def mentors(self) -> bool:
        return self.role in (ParticipantRole.MENTOR, ParticipantRole.BOTH)

    @property
    def mentees(self) -> bool:
        return self.role in (ParticipantRole.MENTEE, ParticipantRole.BOTH)

    @property
    def language_list(self) -> list[str]:
        return [lang.strip().lower() for lang in self.languages.split(",") if lang.strip()]


class PairState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")  # by the matcher, seen by the programme admin only
    PUBLISHED = "published", _("Waiting for answers")  # both asked to accept
    ACTIVE = "active", _("Active")  # both accepted
    DECLINED = "declined", _("Declined")  # one side declined; kept so the matcher avoids it
    ENDED = "ended", _("Ended")


class PairOrigin(models.TextChoices):
    MATCHING = "matching", _("Matched")
    REQUEST = "request", _("Asked for")
    CROSS_TRAINING = "cross_training", _("Cross-training")


class Answer(models.TextChoices):
    PENDING = "pending", _("Not answered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class PairQuerySet(models.QuerySet["Pair"]):
    def visible_to(self, user: User) -> PairQuerySet:
        """Pairs ``user`` may see: their own (as mentor or mentee, once published), their
        reporting line's (published), and every pair for admins (programme admins are HR)."""
        from seedbed.people.models import Person

        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.is_admin:
            return self
        line = Person.objects.reporting_line_of(user)
        return self.exclude(state=PairState.PROPOSED).filter(
            Q(mentor__user=user) | Q(mentee__user=user) | Q(mentor__in=line) | Q(mentee__in=line)
        )

    def live(self) -> PairQuerySet:
        """Pairs that hold a mentor's capacity: proposed, published or active."""
        return self.filter(state__in=[PairState.PROPOSED, PairState.PUBLISHED, PairState.ACTIVE])


class Pair(models.Model):
    """A mentor and a mentee, in a programme (or none, for a self-service request), with the
    score and reasons the matcher gave, the focus skills, whether the admin locked it, and
    each side's answer. ``skill``/``target_level`` are set for cross-training pairs."""

    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.CASCADE, related_name="pairs"
    )
    mentor = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="mentoring_as_mentor"
    )
    mentee = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="mentoring_as_mentee"
    )
    state = models.CharField(max_length=10, choices=PairState.choices, default=PairState.PROPOSED)
    origin = models.CharField(
        max_length=16, choices=PairOrigin.choices, default=PairOrigin.MATCHING
    )
    score = models.FloatField(default=0.0)
    # [{"factor": "skills", "value": 0.8, "detail": {...}}, ...] strongest first; the weakest
    # point is stored apart. Rendered by seedbed.mentoring.matching.describe().
    reasons = models.JSONField(default=list, blank=True)
    weakest = models.JSONField(default=dict, blank=True)
    focus_skills = models.ManyToManyField(
        "skills.Skill", blank=True, related_name="+", verbose_name=_("focus skills")
    )
    skill = models.ForeignKey(
        "skills.Skill", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_level = models.PositiveSmallIntegerField(null=True, blank=True)
    locked = models.BooleanField(default=False)
    mentor_answer = models.CharField(max_length=8, choices=Answer.choices, default=Answer.PENDING)
    mentee_answer = models.CharField(max_length=8, choices=Answer.choices, default=Answer.PENDING)
    created_at = models.DateTimeField(default=dj_timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = PairQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(mentor=models.F("mentee")), name="mentoring_pair_not_self"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentor_id} → {self.mentee_id}"


class MentorRequestState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class MentorRequest(models.Model):
    """A self-service request: "please mentor me in <skill>". Accepting creates an active
    pair (in the programme, if one is named, using the mentor's capacity there)."""

    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.CASCADE, related_name="requests"
    )
    mentee = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    skill = models.ForeignKey(
        "skills.Skill", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(_("message"), blank=True, max_length=2000)
    state = models.CharField(
        max_length=10, choices=MentorRequestState.choices, default=MentorRequestState.PENDING
    )
    pair = models.OneToOneField(
        Pair, null=True, blank=True, on_delete=models.SET_NULL, related_name="request"
    )
    created_at = models.DateTimeField(default=dj_timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.mentee_id} asks {self.mentor_id}"


class MentoringSession(models.Model):
    """One meeting of a pair: when, how long, the topics (visible to the pair, their managers
    and HR) and private notes (visible only to the two people in the pair)."""

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("held on"))
    minutes = models.PositiveSmallIntegerField(_("minutes"), default=60)
    topics = models.TextField(_("topics"), blank=True, max_length=2000)
    private_notes = models.TextField(_("private notes"), blank=True, max_length=5000)
    skills = models.ManyToManyField("skills.Skill", blank=True, related_name="+")
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.pair_id} on {self.held_on}"


class PairGoalState(models.TextChoices):
    OPEN = "open", _("Open")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class PairGoal(models.Model):
    """A goal of a pair, optionally a skill and level, with progress 0–100 %."""

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=200)
    skill = models.ForeignKey(
        "skills.Skill", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_level = models.PositiveSmallIntegerField(_("target level"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    state = models.CharField(
        max_length=8, choices=PairGoalState.choices, default=PairGoalState.OPEN
    )
    updated_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class Feedback(models.Model):
    """End-of-mentoring feedback, one per side of a pair: satisfaction 1–5 and a comment."""

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(_("satisfaction (1–5)"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["pair", "author"], name="mentoring_feedback_once")
        ]

    def __str__(self) -> str:
        return f"{self.author_id} on {self.pair_id}: {self.rating}"
