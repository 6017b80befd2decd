"""The surveys entry of the navigation: campaigns, for managers and admins."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from seedbed.accounts.models import AccessLevel

if TYPE_CHECKING:
    from seedbed.accounts.models import User


def nav_items(user: User) -> list[tuple[str, Any]]:
    if user.access_level in (AccessLevel.MANAGER, AccessLevel.ADMIN):
        return [("surveys:list", _("Surveys"))]
    return []
