"""Knowledge: articles (Markdown, sanitised on render, with revisions and a verification
cadence), questions and answers, and handover interviews that capture what a leaving person
or the sole holder of an at-risk skill knows. The expert finder's weights live here too.

Markdown is stored as written; the sanitised HTML is computed by ``seedbed.knowledge.markup``
and cached in ``*_html`` by the services that save the text (never rendered unsanitised).
Who may see and change what is decided in ``visible_to`` below and ``seedbed.knowledge``
services.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Upper
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from seedbed.accounts.models import User


class ArticleKind(models.TextChoices):
    HOWTO = "howto", _("How-to")
    PRACTICE = "practice", _("Best practice")
    LESSON = "lesson", _("Lessons learned")
    DECISION = "decision", _("Decision")
    HANDOVER = "handover", _("Handover notes")


class ArticleState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Visibility(models.TextChoices):
    ORGANISATION = "org", _("Everyone in the organisation")
    TEAM = "team", _("The owner's team and managers")
    PRIVATE = "private", _("Owner, their managers and HR")


# Articles every signed-in user may read (the search index flags them, so a search checks
# only the others per reader).
OPEN_TO_ALL = Q(state=ArticleState.PUBLISHED, visibility=Visibility.ORGANISATION)


class ArticleQuerySet(models.QuerySet["Article"]):
    def visible_to(self, user: User) -> ArticleQuerySet:
        """Articles ``user`` may read. Admins (HR) read all. Others read: published articles
        visible to the organisation (``OPEN_TO_ALL``); published team articles of their own
        team, or of a team whose owner is in their reporting line; anything they own or
        wrote; and drafts and private articles of people in their reporting line."""
        from seedbed.people.models import Person

        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.is_admin:
            return self
        line = Person.objects.reporting_line_of(user).values("pk")
        team_ids = Person.objects.filter(user=user).values("team_id")
        teammates = Person.objects.filter(team_id__in=team_ids).values("pk")
        return self.filter(OPEN_TO_ALL | _personal(user, line, teammates))

    def personal_owners(self, user: User) -> Owners | None:
        """Who owns the articles ``user`` may read because of who they are (one query): their
        reporting line (starting with their own person) and their teammates, as sorted ids;
        None for admins and for users who read nothing."""
        from seedbed.people.models import line_and_team

        if not (user.is_authenticated and user.is_active) or user.is_admin:
            return None
        return Owners(*line_and_team(user))

    def personally_visible_to(self, user: User, owners: Owners | None = None) -> ArticleQuerySet:
        """The part of ``visible_to`` that is not open to all (with some open ones): what
        ``user`` may read because of who they are. The owners concerned (``owners``, read by
        ``personal_owners`` if not given) go to the database as lists: planners misjudge
        the size of a recursive reporting line and would read every article; with lists,
        each rule is an index lookup (author, owner). Admins: all."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.is_admin:
            return self
        owners = owners or self.personal_owners(user)
        if owners is None:
            return self.none()
        return self.filter(_personal(user, owners.line, owners.teammates))


class Owners(NamedTuple):
    """Person ids: a user's reporting line (with themselves) and their teammates."""

    line: tuple[int, ...]
    teammates: tuple[int, ...]


def scope_key(user: User, owners: Owners | None) -> tuple[Any, ...]:
    """What the scopes of ``user`` (``visible_to``, ``personally_visible_to``,
    ``levels_visible_to``) take from outside the SQL: the user, whether active, their access
    level, and whose articles they read personally (``personal_owners``, read per request),
    so a change of line, team or access level is a new key. Organisation settings (such as
    colleagues seeing levels) are evaluated inside the SQL. Callers that keep compiled scoped
    SQL (search, expert finder) key it by this."""
    return (user.pk, user.is_active, user.access_level, owners)


def _personal(user: User, line: Any, teammates: Any) -> Q:
    """Articles ``user`` may read because of who they are: anything they wrote; anything
    owned in their reporting line (which starts with their own person); published team
    articles owned by their teammates. ``line`` and ``teammates`` are person ids (a list
    or a subquery)."""
    team_rule = (
        Q(state=ArticleState.PUBLISHED) & Q(visibility=Visibility.TEAM) & Q(owner__in=teammates)
    )
    return Q(created_by=user) | Q(owner__in=line) | team_rule


class Article(models.Model):
    """A piece of written knowledge: kind, Markdown body, skills, owner, visibility, and a
    review interval: ``review_due_on`` is the day it goes to the owner's review queue and
    shows "may be out of date"."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=10, choices=ArticleKind.choices, default=ArticleKind.HOWTO
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ArticleState.choices, default=ArticleState.PUBLISHED
    )
    visibility = models.CharField(
        _("visible to"), max_length=8, choices=Visibility.choices, default=Visibility.ORGANISATION
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("text (Markdown)"), max_length=200_000)
    body_html = models.TextField(editable=False, blank=True)
    skills = models.ManyToManyField(
        "skills.Skill", blank=True, related_name="articles", verbose_name=_("skills")
    )
    owner = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_articles",
        verbose_name=_("owner"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_interval_days = models.PositiveSmallIntegerField(_("review every (days)"), default=180)
    last_verified_at = models.DateTimeField(null=True, blank=True)
    review_due_on = models.DateField(null=True, blank=True, db_index=True)
    source_question = models.ForeignKey(
        "knowledge.Question",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    revision_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=dj_timezone.now)
    updated_at = models.DateTimeField(default=dj_timezone.now)
    # The title and summary upper-cased by the database, kept by it on every write: the
    # expert finder looks for text in them with ``LIKE`` (PostgreSQL), as ``icontains`` on
    # both would, without upper-casing 100,000 titles per search. The line break between
    # them cannot be matched (the text looked for has no line breaks).
    title_summary_upper = models.GeneratedField(
        expression=Upper(Concat("title", Value("\n"), "summary")),
        output_field=models.TextField(),
        db_persist=True,
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "id"]
        indexes = [
            # The published articles not for everyone, by owner: what a reader sees because
            # of who they are (``personally_visible_to`` with the owners as lists; the
            # expert finder's restricted articles) without reading the owners' articles
            # visible to the whole organisation (most of them).
            models.Index(
                fields=["owner"],
                condition=Q(state=ArticleState.PUBLISHED) & ~Q(visibility=Visibility.ORGANISATION),
                name="knowledge_article_restricted",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ArticleRevision(models.Model):
    """One saved version of an article (append-only): the title and Markdown as saved, who
    saved it, when, and a short note. Number 1 is the first version."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=200_000)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="knowledge_revision_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"knowledge/{instance.article_id}/{dj_timezone.now():%Y%m%d%H%M%S}-{filename}"


class Attachment(models.Model):
    """A file attached to an article, its type sniffed and size limited on upload, served
    only through a permission-checked download."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class QuestionQuerySet(models.QuerySet["Question"]):
    def visible_to(self, user: User) -> QuestionQuerySet:
        """Questions are open to everyone signed in (the organisation asks itself)."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        return self


class Question(models.Model):
    """A question tagged with skills. ``accepted_answer`` is chosen by the asker (or an
    admin); ``answer_count`` is kept by the services for the unanswered list."""

    title = models.CharField(_("question"), max_length=200)
    body = models.TextField(_("details (Markdown)"), blank=True, max_length=50_000)
    body_html = models.TextField(editable=False, blank=True)
    skills = models.ManyToManyField(
        "skills.Skill", blank=True, related_name="questions", verbose_name=_("skills")
    )
    asked_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    accepted_answer = models.OneToOneField(
        "knowledge.Answer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer_count = models.PositiveIntegerField(default=0)
    is_closed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=dj_timezone.now)
    updated_at = models.DateTimeField(default=dj_timezone.now)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return self.title


class Answer(models.Model):
    """An answer to a question; ``score`` is the sum of its votes, kept by the services."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="answers"
    )
    body = models.TextField(_("answer (Markdown)"), max_length=50_000)
    body_html = models.TextField(editable=False, blank=True)
    score = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=dj_timezone.now)
    updated_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        ordering = ["-score", "created_at", "id"]

    def __str__(self) -> str:
        return f"answer {self.pk} to {self.question_id}"


class Comment(models.Model):
    """A short plain-text comment on a question or an answer (exactly one of the two)."""

    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(question__isnull=True, answer__isnull=False)
                | Q(question__isnull=False, answer__isnull=True),
                name="knowledge_comment_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"comment {self.pk}"


class Vote(models.Model):
    """One person's vote on an answer: +1 or -1 (never on their own answer)."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField()
    created_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "voter"], name="knowledge_vote_once"),
            models.CheckConstraint(condition=Q(value__in=[-1, 1]), name="knowledge_vote_value"),
        ]

    def __str__(self) -> str:
        return f"{self.voter_id} {self.value:+d} on {self.answer_id}"


class Routing(models.Model):
    """An expert notified of a question (the cap on notifications per expert counts these)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="routings")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(default=0.0)
    created_at = models.DateTimeField(default=dj_timezone.now, db_index=True)

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["question", "person"], name="knowledge_routing_once")
        ]

    def __str__(self) -> str:
        return f"{self.question_id} → {self.person_id}"


class HandoverReason(models.TextChoices):
    LEAVING = "leaving", _("Leaving the organisation")
    SOLE_HOLDER = "sole_holder", _("Only holder of a skill at risk")
    OTHER = "other", _("Other")


class HandoverState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class HandoverQuerySet(models.QuerySet["HandoverInterview"]):
    def visible_to(self, user: User) -> HandoverQuerySet:
        """The person interviewed, their reporting line's managers, and HR."""
        from seedbed.people.models import Person

        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.is_admin:
            return self
        return self.filter(
            Q(person__user=user) | Q(person__in=Person.objects.reporting_line_of(user))
        )


class HandoverInterview(models.Model):
    """Knowledge capture from one person: a checklist of prompts built from what only they
    know (at-risk skills, articles they own, questions only they answered), assigned to the
    person and their manager, ending in articles and re-assigned ownership."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="handover_interviews"
    )
    manager = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=12, choices=HandoverReason.choices)
    state = models.CharField(
        max_length=6, choices=HandoverState.choices, default=HandoverState.OPEN
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=dj_timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Why the prompts still open at completion were skipped (prompts not done in a done
    # interview are the skipped ones).
    skip_reason = models.CharField(_("why the rest was skipped"), max_length=1000, blank=True)

    objects = HandoverQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"handover of {self.person_id}"


class PromptKind(models.TextChoices):
    SKILL = "skill", _("Skill at risk")
    ARTICLE = "article", _("Article they own")
    QUESTION = "question", _("Question only they answered")
    GENERAL = "general", _("General")


class HandoverPrompt(models.Model):
    """One item of a handover checklist: the prompt, what it is about, the answer written,
    and how it ended (an article written from it, a new owner for an article)."""

    interview = models.ForeignKey(
        HandoverInterview, on_delete=models.CASCADE, related_name="prompts"
    )
    kind = models.CharField(max_length=8, choices=PromptKind.choices)
    prompt = models.CharField(max_length=500)
    skill = models.ForeignKey(
        "skills.Skill", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer = models.TextField(_("answer (Markdown)"), blank=True, max_length=50_000)
    is_done = models.BooleanField(default=False)
    result_article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    new_owner = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.prompt[:60]


def default_finder_weights() -> dict[str, float]:
    """Weights of the expert finder's evidence (the admin sees and changes them)."""
    return {
        "validated": 1.0,  # manager-validated, assessed or certified level
        "self_rated": 0.5,  # self-rated level (a discount on the same level)
        "certification": 0.6,
        "articles": 0.3,
        "accepted_answers": 0.4,
        "votes": 0.1,
        "mentoring": 0.4,
        "related": 0.3,  # evidence on related skills (same category or alias)
        "half_life_days": 365.0,  # recency: evidence loses half its weight in this time
    }


class FinderSettings(models.Model):
    """The expert finder's weights (one row) and the cap on question notifications."""

    weights = models.JSONField(default=default_finder_weights)
    experts_per_question = models.PositiveSmallIntegerField(default=3)
    max_notifications_per_week = models.PositiveSmallIntegerField(default=5)
    updated_at = models.DateTimeField(default=dj_timezone.now)

    def __str__(self) -> str:
        return "expert finder settings"

    @classmethod
    def load(cls) -> FinderSettings:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class EvidenceKind(models.IntegerChoices):
    ARTICLES = 0, _("Articles")  # published and visible to the organisation
    ACCEPTED_ANSWERS = 1, _("Accepted answers")
    VOTES = 2, _("Answer votes")
    RESTRICTED_ARTICLES = 3, _("Articles visible to a team or privately")  # published


class ExpertEvidence(models.Model):
    """The expert finder's read table (kept by ``seedbed.knowledge.evidence``): per person,
    skill and kind, the published articles they own or wrote (visible to the organisation;
    or, as ``RESTRICTED_ARTICLES``, to a team or privately) / their accepted answers / the
    net up-votes on their answers, on items tagged with the skill. ``also_skill`` set: only
    the items also tagged with that skill (the finder subtracts them from a related skill's
    evidence). ``count``: items (votes: net votes); ``log_worth``: log2 of the sum of
    ``2 ** (t / half_life_days)`` over the items (t in days since 1970; times the votes),
    so the recency-weighted sum at ``now`` is ``2 ** (log_worth - now / half_life_days)``;
    ``last_at``: seconds since 1970 of the newest item."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    skill = models.ForeignKey("skills.Skill", on_delete=models.CASCADE, related_name="+")
    also_skill = models.ForeignKey(
        "skills.Skill", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.PositiveSmallIntegerField(choices=EvidenceKind.choices)
    count = models.IntegerField()
    log_worth = models.FloatField()
    last_at = models.FloatField()
    half_life_days = models.FloatField()

    class Meta:
        # Every column the finder reads, after the two it looks up by: the rows of a skill
        # are read from the index alone (SQLite: 15 ms instead of 9 for 7,000 rows).
        indexes = [
            models.Index(
                fields=[
                    "skill",
                    "also_skill",
                    "kind",
                    "person",
                    "count",
                    "log_worth",
                    "last_at",
                    "half_life_days",
                ],
                name="knowledge_evidence_read",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.skill_id}/{self.also_skill_id} {self.kind}"
