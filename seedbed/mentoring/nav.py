"""The mentoring entries of the navigation: (url name, label) pairs for the "Mentoring" menu.
Every area of the app adds its own entries here. No queries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from seedbed.accounts.models import User


def nav_items(user: User) -> list[tuple[str, Any]]:
    # Everyone: their own mentoring, and the programmes they may see (admins also drafts).
    items = [("mentoring:home", _("My mentoring")), ("mentoring:programmes", _("Programmes"))]
    if user.is_manager:  # managers for their reporting line, HR for everyone
        items.append(("mentoring:cross_training", _("Cross-training")))
    return items
