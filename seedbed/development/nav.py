"""The development-plans entry of the navigation, for everyone. No queries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from seedbed.accounts.models import User


def nav_items(user: User) -> list[tuple[str, Any]]:
    return [("development:home", _("Development"))]
