"""Notification operations: write notifications in each recipient's language, mail them, mark
them read.

Steps of a notification's life:
1. ``notify`` writes one row per recipient (title, body and link composed with the recipient's
   language active) and, once the transaction commits, queues the ``send_emails`` task;
2. ``send_pending_emails`` (that task, and the daily housekeeping as a retry) mails every row
   still waiting, each at most once;
3. the recipient reads it in the inbox: ``mark_read`` / ``mark_all_read``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from seedbed.lib.errors import NotFound
from seedbed.notifications.models import Notification

if TYPE_CHECKING:
    from seedbed.accounts.models import User
    from seedbed.people.models import Person

logger = logging.getLogger(__name__)

# Mail that could not be sent is retried by later runs for this long, then given up.
EMAIL_RETRY_WINDOW = timedelta(days=3)

# write(person) -> (title, body, link), called with the person's language active.
Write = Callable[["Person"], tuple[str, str, str]]


def default_language() -> str:
    """The organisation's default language (for people without a login), one query."""
    from seedbed.accounts.models import OrgSettings

    language = OrgSettings.objects.filter(pk=1).values_list("default_language", flat=True).first()
    return language or settings.LANGUAGE_CODE


def language_of(person: Person, default: str) -> str:
    """The language a person reads Seedbed in: their login's, else ``default``."""
    user = person.user
    return user.language if user is not None and user.language else default


def _one_line(text: str, limit: int) -> str:
    # Titles become email subjects: no line breaks (a header injection), bounded length.
    return " ".join(str(text).split())[:limit]


@transaction.atomic
def notify(
    *,
    recipients: Iterable[Person],
    kind: str,
    write: Write,
    email: bool = True,
    now: datetime | None = None,
) -> list[Notification]:
    """Create one notification per recipient. ``write(person)`` runs with the recipient's
    language active and returns (title, body, link); pass recipients with ``user`` loaded
    (``select_related("user")``) to avoid a query each. With ``email``, every recipient with an
    email address (not erased) is also mailed, by the ``send_emails`` task queued on commit."""
    default = default_language()
    rows = []
    for person in recipients:
        with translation.override(language_of(person, default)):
            title, body, link = write(person)
        mail_to = person.email if email and person.email and person.erased_at is None else ""
        rows.append(
            Notification(
                recipient=person,
                kind=kind,
                title=_one_line(title, 200),
                body=str(body),
                link=link,
                created_at=now or timezone.now(),
                email_to=mail_to,
            )
        )
    created = Notification.objects.bulk_create(rows, batch_size=1000)
    if any(n.email_to for n in created):
        transaction.on_commit(_queue_emails)
    return created


def _queue_emails() -> None:
    from seedbed.notifications.tasks import send_emails

    send_emails.enqueue()


def _email(notification: Notification, default: str) -> EmailMessage:
    """The plain-text mail of one notification, in the recipient's language."""
    with translation.override(language_of(notification.recipient, default)):
        parts = [notification.body] if notification.body else []
        if notification.link:
            parts.append(
                _("Open it in Seedbed: %(url)s") % {"url": settings.BASE_URL + notification.link}
            )
        parts.append(
            "-- \n"
            + _(
                "You receive this because you work with Seedbed, your organisation's skills "
                "inventory. All your notifications: %(url)s"
            )
            % {"url": settings.BASE_URL + reverse("notifications:inbox")}
        )
        return EmailMessage(
            subject=_one_line(notification.title, 200),
            body="\n\n".join(parts),
            to=[notification.email_to],
        )


def send_pending_emails(*, batch_size: int = 500, now: datetime | None = None) -> int:
    """Mail every notification waiting for it (created within ``EMAIL_RETRY_WINDOW``), each at
    most once: a row is claimed by setting ``emailed_at`` before its mail is handed to the mail
    backend and released again if that fails, so a later run retries it. Rows are read in
    batches by id, so each is tried once per run however many there are. Returns how many
    were sent."""
    now = now or timezone.now()
    waiting = Notification.objects.email_pending().filter(created_at__gte=now - EMAIL_RETRY_WINDOW)
    default: str | None = None
    sent, last_id = 0, 0
    while batch := list(
        waiting.filter(pk__gt=last_id).select_related("recipient__user").order_by("pk")[:batch_size]
    ):
        last_id = batch[-1].pk
        default = default or default_language()
        with mailers.default as connection:
            for notification in batch:
                claimed = Notification.objects.filter(
                    pk=notification.pk, emailed_at__isnull=True
                ).update(emailed_at=now)
                if not claimed:  # another worker took it
                    continue
                try:
                    connection.send_messages([_email(notification, default)])
                except Exception:
                    logger.exception("Could not mail notification %s; will retry", notification.pk)
                    Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
                else:
                    sent += 1
    return sent


@transaction.atomic
def mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the user's own notifications as read (reading it again changes nothing)."""
    notification = Notification.objects.for_user(user).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound(_("No notification with id %(id)s.") % {"id": notification_id})
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def mark_all_read(*, user: User) -> int:
    """Mark all of the user's unread notifications as read; returns how many."""
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


def unread_count(user: User) -> int:
    return Notification.objects.for_user(user).unread().count()
