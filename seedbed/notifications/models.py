"""In-app notifications, each optionally sent by email as well.

A notification is written once, in its recipient's language, by ``seedbed.notifications.
services.notify``; the inbox shows it and the background task ``send_emails`` mails it. Only
``read_at`` and ``emailed_at`` change afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from seedbed.accounts.models import User


class Kind(models.TextChoices):
    SURVEY_TASK = "survey_task", _("Skill survey")
    SURVEY_REMINDER = "survey_reminder", _("Survey reminder")
    STALE_LEVELS = "stale_levels", _("Levels to confirm")
    CERTIFICATE_EXPIRY = "certificate_expiry", _("Certificate expiring")
    LEARNING = "learning", _("Learning")
    LEARNING_DUE = "learning_due", _("Learning due")
    MENTORING = "mentoring", _("Mentoring")
    QUESTION = "question", _("Questions and answers")
    HANDOVER = "handover", _("Handover")
    ARTICLE_REVIEW = "article_review", _("Articles to review")


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_user(self, user: User) -> NotificationQuerySet:
        """A user's own notifications (those of the person their login belongs to); nobody
        sees anyone else's, admins included."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        return self.filter(recipient__user=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def email_pending(self) -> NotificationQuerySet:
        return self.exclude(email_to="").filter(emailed_at__isnull=True)


class Notification(models.Model):
    """Something a person should know or do: a survey to answer, a reminder, levels to confirm.
    ``title`` and ``body`` are written in the recipient's language when it is created;
    ``link`` is a path inside Seedbed. ``email_to`` is the address it is mailed to (blank: in-app
    only); ``emailed_at`` says when the mail went out."""

    recipient = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_to = models.EmailField(_("email to"), max_length=254, blank=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient", "kind", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
