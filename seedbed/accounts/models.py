"""Users, access levels, API tokens, the audit log, organisation settings, login throttling."""

from __future__ import annotations

import hashlib
import secrets
import zoneinfo
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

TIMEZONE_CHOICES = sorted((tz, tz) for tz in zoneinfo.available_timezones())


class AccessLevel(models.TextChoices):
    ADMIN = "admin", _("Admin")
    MANAGER = "manager", _("Manager")
    EMPLOYEE = "employee", _("Employee")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("Users need an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("access_level", AccessLevel.ADMIN)
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A login. Access level decides what the user may do; the Person it links to decides whose
    data is theirs (own profile, reporting subtree)."""

    email = models.EmailField(_("email"), max_length=254, unique=True)
    display_name = models.CharField(_("name"), max_length=200, blank=True)
    access_level = models.CharField(
        _("access level"), max_length=10, choices=AccessLevel.choices, default=AccessLevel.EMPLOYEE
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, choices=TIMEZONE_CHOICES, default="UTC"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=dj_timezone.now)

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def is_admin(self) -> bool:
        return self.is_active and self.access_level == AccessLevel.ADMIN

    @property
    def is_manager(self) -> bool:
        return self.is_active and self.access_level in (AccessLevel.MANAGER, AccessLevel.ADMIN)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 hash is stored; the raw value is shown once."""

    PREFIX = "sb_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="first characters, to recognise the token")
    created_at = models.DateTimeField(default=dj_timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def generate_raw(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AuditLog(models.Model):
    """Who changed what, when. Written by services; never edited."""

    at = models.DateTimeField(default=dj_timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=500)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.summary}"


class OrgSettings(models.Model):
    """The organisation's settings: a single row (pk=1)."""

    name = models.CharField(_("organisation name"), max_length=200, default="My organisation")
    colleagues_see_levels = models.BooleanField(
        _("employees can see colleagues' skill levels"), default=False
    )
    review_interval_months = models.PositiveSmallIntegerField(
        _("review interval (months)"), default=12
    )
    learning_hours_per_month = models.DecimalField(
        _("dedicated learning hours per person per month"),
        max_digits=5,
        decimal_places=1,
        default=4,
    )
    default_language = models.CharField(
        _("default language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    default_timezone = models.CharField(
        _("default time zone"), max_length=64, choices=TIMEZONE_CHOICES, default="UTC"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation settings")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def load(cls) -> OrgSettings:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class LoginFailure(models.Model):
    """One failed login (kind "login") or one password-reset request (kind "reset"), kept for
    the throttle window (by email and by client address)."""

    at = models.DateTimeField(default=dj_timezone.now, db_index=True)
    kind = models.CharField(max_length=8, default="login", db_index=True)
    email = models.CharField(max_length=254, db_index=True)
    address = models.CharField(max_length=64, db_index=True)

    def __str__(self) -> str:
        return f"{self.email} from {self.address}"
