"""The mentoring entries of the navigation: (url name, label) pairs for the "Mentoring" menu.
Every area of the app adds its own entries here. No queries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from seedbed.accounts.models import User


def nav_items(user: User) -> list[tuple[str, Any]]:
    return []
