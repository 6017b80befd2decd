"""The inbox entry of the navigation, with the unread count."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seedbed.notifications.services import unread_count

if TYPE_CHECKING:
    from seedbed.accounts.models import User


class InboxLabel:
    """ "Inbox" plus a badge with the number of unread notifications. The count is one query,
    made only when the navigation is rendered (not for API calls, redirects or downloads)."""

    def __init__(self, user: User) -> None:
        self.user = user

    @cached_property
    def _html(self) -> SafeString:
        count = unread_count(self.user)
        if not count:
            return format_html("{}", _("Inbox"))
        return format_html(
            '{} <span class="badge count">{}<span class="visually-hidden"> {}</span></span>',
            _("Inbox"),
            count,
            ngettext("unread notification", "unread notifications", count),
        )

    def __str__(self) -> SafeString:
        return self._html


def nav_items(user: User) -> list[tuple[str, Any]]:
    return [("notifications:inbox", InboxLabel(user))]
