"""Navigation shown on every page, by access level."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from seedbed.accounts.models import AccessLevel
from seedbed.certifications.nav import nav_items as certification_nav
from seedbed.development.nav import nav_items as development_nav
from seedbed.knowledge.nav import nav_items as knowledge_nav
from seedbed.mentoring.nav import nav_items as mentoring_nav
from seedbed.notifications.nav import nav_items as inbox_nav
from seedbed.surveys.nav import nav_items as survey_nav


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Top-level links, then menus grouped by what people do (their own growth, their team,
    the organisation, administration), each filtered by access level."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_groups": []}
    manager = user.access_level in (AccessLevel.MANAGER, AccessLevel.ADMIN)
    admin = user.access_level == AccessLevel.ADMIN
    top = [
        ("home", _("Home")),
        ("skills:my_skills", _("My skills")),
        ("learning:mine", _("Learning")),
    ]
    growth = [("gaps:me", _("My gaps")), ("learning:plan_mine", _("Plan my learning"))]
    growth += development_nav(user)
    if not manager:
        growth += certification_nav(user)
    groups: list[tuple[Any, list[tuple[str, Any]]]] = [(_("My growth"), growth)]
    if mentoring := mentoring_nav(user):
        groups.append((_("Mentoring"), mentoring))
    if knowledge := knowledge_nav(user):
        groups.append((_("Knowledge"), knowledge))
    if manager:
        groups.append(
            (
                _("Team"),
                [
                    ("people:validation", _("Validation")),
                    ("people:matrix", _("Team matrix")),
                    ("gaps:org", _("Gap analysis")),
                    *survey_nav(user),
                    *certification_nav(user),
                ],
            )
        )
    organisation = [
        ("people:list", _("People")),
        ("skills:list", _("Skills")),
        ("frameworks:roles", _("Roles")),
        ("learning:paths", _("Learning paths")),
    ]
    if manager:
        organisation.append(("frameworks:needs", _("Capability needs")))
    if admin:
        organisation.append(("people:teams", _("Teams")))
    groups.append((_("Organisation"), organisation))
    if admin:
        groups.append(
            (
                _("Admin"),
                [
                    ("imports:start", _("Import")),
                    ("accounts:settings", _("Settings")),
                    ("accounts:audit", _("Audit log")),
                ],
            )
        )
    top += inbox_nav(user)
    current = request.resolver_match.view_name if request.resolver_match else ""

    def link(name: str, label: Any) -> dict[str, Any]:
        return {"url": reverse(name), "label": label, "current": current == name}

    nav_groups = []
    for label, entries in groups:
        links = [link(n, lbl) for n, lbl in entries]
        nav_groups.append(
            {"label": label, "items": links, "current": any(x["current"] for x in links)}
        )
    return {"nav_items": [link(n, lbl) for n, lbl in top], "nav_groups": nav_groups}
