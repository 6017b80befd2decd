"""The certifications entry of the navigation: the compliance table for managers and HR
(it links to their own certificates), one's own certificates for everyone else. No queries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from seedbed.accounts.models import AccessLevel

if TYPE_CHECKING:
    from seedbed.accounts.models import User


def nav_items(user: User) -> list[tuple[str, Any]]:
    if user.access_level in (AccessLevel.MANAGER, AccessLevel.ADMIN):
        return [("certifications:compliance", _("Compliance"))]
    return [("certifications:mine", _("Certificates"))]
