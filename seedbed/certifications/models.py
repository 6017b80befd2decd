"""Certifications: the kinds an organisation tracks, which roles require them, and the
certificates people hold (with expiry and reminders)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from seedbed.accounts.models import User


class Certification(models.Model):
    """A kind of certificate, e.g. "Basic Life Support" by a named issuer."""

    name = models.CharField(_("name"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    skill = models.ForeignKey(
        "skills.Skill",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certifications",
        verbose_name=_("skill it proves"),
    )
    level = models.PositiveSmallIntegerField(_("level it proves"), null=True, blank=True)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"), null=True, blank=True, help_text=_("Empty: does not expire.")
    )
    roles = models.ManyToManyField(
        "frameworks.Role",
        blank=True,
        related_name="required_certifications",
        verbose_name=_("required by roles"),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "issuer", name="certification_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.issuer})" if self.issuer else self.name


def certificate_upload_to(instance: HeldCertification, filename: str) -> str:
    return f"certificates/{instance.person_id}/{timezone.now():%Y%m%d%H%M%S}-{filename[-80:]}"


class HeldCertificationQuerySet(models.QuerySet["HeldCertification"]):
    def visible_to(self, user: User) -> HeldCertificationQuerySet:
        """Certificates ``user`` may see and change: their own, their reporting line's, and
        (admins, i.e. HR) everyone's. The same scope as development plans."""
        from seedbed.certifications.selectors import people_in_scope

        return self.filter(person__in=people_in_scope(user))


class HeldCertification(models.Model):
    """A certificate a person holds: number, dates, an attachment (type and size checked by the
    service), and which expiry reminders were sent."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="certificates"
    )
    certification = models.ForeignKey(
        Certification, on_delete=models.PROTECT, related_name="holders"
    )
    number = models.CharField(_("certificate number"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to=certificate_upload_to, blank=True, max_length=300
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminders_sent = models.JSONField(
        default=list, blank=True, help_text="Days-before-expiry reminders already sent"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = HeldCertificationQuerySet.as_manager()

    class Meta:
        ordering = ["expires_on"]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.certification_id} until {self.expires_on}"
