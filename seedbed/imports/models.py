"""Import jobs: an uploaded file, its dry run (every row's outcome) and its commit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedbed.accounts.models import AccessLevel

if TYPE_CHECKING:
    from seedbed.accounts.models import User


class ImportKind(models.TextChoices):
    PEOPLE = "people", _("People")
    SKILLS = "skills", _("Skill levels")
    ESCO = "esco", _("ESCO skills and occupations")
    CATALOGUE = "catalogue", _("Learning catalogue")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    VALIDATING = "validating", _("Checking")
    PREVIEWED = "previewed", _("Checked")
    COMMITTING = "committing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")
    DISCARDED = "discarded", _("Discarded")


RUNNING = (ImportStatus.UPLOADED, ImportStatus.VALIDATING, ImportStatus.COMMITTING)


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    def visible_to(self, user: User) -> ImportJobQuerySet:
        """Imports are an admin tool: admins see every job, everyone else none."""
        if user.is_authenticated and user.is_active and user.access_level == AccessLevel.ADMIN:
            return self.all()
        return self.none()


class ImportJob(models.Model):
    """One uploaded file on its way in: checked in the background (dry run), shown as a preview
    of every row, then committed all-or-nothing or discarded. ``rows`` holds the per-row
    outcomes as JSON: ``{"row", "outcome", "label", "detail", "issues": [{"text", "column",
    "letter"}]}``."""

    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices)
    layout = models.CharField(_("layout"), max_length=10, blank=True)
    source = models.CharField(_("source"), max_length=16, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(upload_to="imports/%Y/%m/", max_length=255, blank=True)
    # ESCO only: the optional occupations file that comes with the skills file.
    occupations_name = models.CharField(_("occupations file name"), max_length=255, blank=True)
    occupations_file = models.FileField(upload_to="imports/%Y/%m/", max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    message = models.TextField(_("message"), blank=True)
    description = models.CharField(max_length=200, blank=True)
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    notes = models.JSONField(default=list, blank=True)
    rows = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name} ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING

    @property
    def can_commit(self) -> bool:
        return self.status == ImportStatus.PREVIEWED and self.error_count == 0

    @property
    def percent(self) -> int:
        return int(100 * self.progress / self.total) if self.total else 0
