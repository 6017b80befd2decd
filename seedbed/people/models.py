"""People, teams and reporting lines, and the one place that decides who may see whom.

Scoping lives in ``PersonQuerySet``: every read of people or their skill data in views and API
goes through ``visible_to``, ``levels_visible_to`` or ``validatable_by``. Each builds a single SQL
filter (a recursive CTE over reporting lines as a subquery) so scoping adds no extra queries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

from seedbed.accounts.models import TIMEZONE_CHOICES, AccessLevel

if TYPE_CHECKING:
    from seedbed.accounts.models import User


class Team(models.Model):
    """A team; teams form a hierarchy through ``parent``."""

    name = models.CharField(_("name"), max_length=150)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent team"),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="team_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


# Everyone below a manager: a recursive walk down reporting lines, seeded by the user's Person.
# UNION (not UNION ALL) stops at repeated rows, so even a corrupt cycle terminates.
_SUBTREE_SQL = """
WITH RECURSIVE subtree(id) AS (
    SELECT p.id FROM people_person p
    JOIN people_person me ON p.manager_id = me.id
    WHERE me.user_id = %s
    UNION
    SELECT p.id FROM people_person p JOIN subtree s ON p.manager_id = s.id
)
SELECT id FROM subtree
"""


def _subtree_filter(user: User) -> Q:
    return Q(pk__in=RawSQL(_SUBTREE_SQL, [user.pk]))  # noqa: S611 - constant SQL, bound param


_LINE_AND_TEAM_SQL = f"""
SELECT id, 1 FROM people_person WHERE user_id = %s
UNION ALL
SELECT id, 1 FROM ({_SUBTREE_SQL}) AS below
UNION ALL
SELECT id, 0 FROM people_person
WHERE team_id IN (SELECT team_id FROM people_person WHERE user_id = %s)
"""  # noqa: S608 - constant SQL


def line_and_team(user: User) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Person ids, sorted: ``user``'s reporting line (their own person and everyone below
    them, as ``reporting_line_of``) and their teammates (themselves included). One query,
    built without the ORM: callers on hot paths (search) read it per request."""
    line: set[int] = set()
    team: set[int] = set()
    with connection.cursor() as cur:
        cur.execute(_LINE_AND_TEAM_SQL, [user.pk, user.pk, user.pk])
        for pk, in_line in cur.fetchall():
            (line if in_line else team).add(int(pk))
    return tuple(sorted(line)), tuple(sorted(team))


class PersonQuerySet(models.QuerySet["Person"]):
    def active(self) -> PersonQuerySet:
        return self.filter(is_active=True)

    def visible_to(self, user: User) -> PersonQuerySet:
        """People whose directory entry (name, team, role, manager) ``user`` may see: every
        signed-in user sees the directory; anonymous and inactive users see no one."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        return self.all()

    def levels_visible_to(self, user: User) -> PersonQuerySet:
        """People whose skill levels, history and interests ``user`` may see: admins everyone;
        others themselves and their reporting subtree; everyone, if the organisation lets
        employees see colleagues' levels."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.access_level == AccessLevel.ADMIN:
            return self.all()
        from seedbed.accounts.models import OrgSettings

        open_org = Exists(OrgSettings.objects.filter(pk=1, colleagues_see_levels=True))
        return self.filter(Q(user=user) | _subtree_filter(user) | Q(open_org))

    def reporting_line_of(self, user: User) -> PersonQuerySet:
        """``user``'s own person and everyone below them in the reporting lines (a subset of
        ``levels_visible_to``): what a manager's team views show by default."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        return self.filter(Q(user=user) | _subtree_filter(user))

    def validatable_by(self, user: User) -> PersonQuerySet:
        """People whose self-ratings ``user`` may validate or adjust: admins everyone but
        themselves; managers their reporting subtree; employees no one."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.access_level == AccessLevel.ADMIN:
            return self.exclude(user=user)
        if user.access_level == AccessLevel.MANAGER:
            return self.filter(_subtree_filter(user))
        return self.none()

    def editable_by(self, user: User) -> PersonQuerySet:
        """People whose organisation record (name, team, role, manager...) ``user`` may change."""
        if user.is_authenticated and user.is_active and user.access_level == AccessLevel.ADMIN:
            return self.all()
        return self.none()


class Person(models.Model):
    """Someone in the organisation. People who leave are deactivated (history stays); only a
    personal-data erasure request anonymises them."""

    full_name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), max_length=254)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    role = models.ForeignKey(
        "frameworks.Role",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        verbose_name=_("role"),
    )
    target_role = models.ForeignKey(
        "frameworks.Role",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="aspirants",
        verbose_name=_("target role"),
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("team"),
    )
    manager = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        verbose_name=_("manager"),
    )
    location = models.CharField(_("location"), max_length=120, blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, choices=TIMEZONE_CHOICES, default="UTC"
    )
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, help_text=_("Comma-separated, e.g. en, de")
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    # Set while still active when the person has announced they are leaving: starts the
    # knowledge capture (a handover interview) and shows on knowledge at risk.
    leaving_on = models.DateField(_("leaving on"), null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=dj_timezone.now)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        verbose_name_plural = _("people")
        constraints = [models.UniqueConstraint(Lower("email"), name="person_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def language_list(self) -> list[str]:
        return [lang.strip() for lang in self.languages.split(",") if lang.strip()]


def reports_exist(person_field: str = "pk") -> Exists:
    """Annotation helper: does this person have direct reports?"""
    return Exists(Person.objects.filter(manager_id=OuterRef(person_field)))
