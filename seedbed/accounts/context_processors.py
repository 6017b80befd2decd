"""Navigation shown on every page, by access level."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from seedbed.accounts.models import AccessLevel
from seedbed.certifications.nav import nav_items as certification_nav
from seedbed.development.nav import nav_items as development_nav
from seedbed.notifications.nav import nav_items as inbox_nav
from seedbed.surveys.nav import nav_items as survey_nav


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        ("home", _("Home")),
        ("skills:my_skills", _("My skills")),
        ("people:list", _("People")),
        ("skills:list", _("Skills")),
    ]
    items.append(("gaps:org", _("Gap analysis")) if user.is_manager else ("gaps:me", _("My gaps")))
    items.append(("learning:mine", _("Learning")))
    if user.access_level in (AccessLevel.MANAGER, AccessLevel.ADMIN):
        items += [("people:validation", _("Validation")), ("people:matrix", _("Team matrix"))]
        items.append(("frameworks:needs", _("Capability needs")))
    if user.access_level == AccessLevel.ADMIN:
        items += [
            ("frameworks:roles", _("Roles")),
            ("people:teams", _("Teams")),
            ("imports:start", _("Import")),
            ("accounts:settings", _("Settings")),
        ]
    items += development_nav(user) + certification_nav(user)
    items += survey_nav(user) + inbox_nav(user)
    current = request.resolver_match.view_name if request.resolver_match else ""
    return {
        "nav_items": [
            {"url": reverse(name), "label": label, "current": current == name}
            for name, label in items
        ]
    }
