"""``{% career_panel person %}``: readiness for the person's current, target and next roles,
and (on their own page) the target-role picker. Used by "My skills" and the person page, so
both show the same figures with the same definition."""

from __future__ import annotations

from typing import Any

from django import template

from seedbed.frameworks.forms import TargetRoleForm
from seedbed.frameworks.selectors import career_readiness
from seedbed.people.models import Person

register = template.Library()


@register.inclusion_tag("frameworks/includes/career_panel.html", takes_context=True)
def career_panel(context: template.Context, person: Person) -> dict[str, Any]:
    """Empty unless the viewer may see ``person``'s levels (the same rule as everywhere)."""
    user = context["request"].user
    is_self = person.user_id is not None and person.user_id == user.pk
    if not (is_self or Person.objects.levels_visible_to(user).filter(pk=person.pk).exists()):
        return {"visible": False}
    return {
        "visible": True,
        "person": person,
        "is_self": is_self,
        "rows": career_readiness(person),
        "target_form": TargetRoleForm(initial={"role": person.target_role_id}) if is_self else None,
        "csrf_token": context.get("csrf_token"),
    }
