"""The knowledge entries of the navigation: (url name, label) pairs for the "Knowledge" menu.
Every area of the app adds its own entries here. No queries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from seedbed.accounts.models import User


def nav_items(user: User) -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = [
        ("knowledge:articles", _("Articles")),
        ("knowledge:article_review_queue", _("My review queue")),
    ]
    items += [
        ("knowledge:questions", _("Questions")),
        ("knowledge:questions_for_me", _("Questions for me")),
    ]
    items.append(("knowledge:experts", _("Who knows…")))
    if user.is_manager:
        items.append(("knowledge:handovers", _("Handovers")))
    else:
        items.append(("knowledge:handovers_mine", _("My handovers")))
    if user.is_admin:
        items.append(("knowledge:finder_settings", _("Finder settings")))
    return items
