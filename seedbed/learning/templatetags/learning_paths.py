"""``{% plan_learning_link person %}``: a "Plan learning" button for the people whose learning
the viewer may plan (themselves, their reporting line, everyone for HR), nothing otherwise.
No query for oneself or HR; one for a manager looking at someone else."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from seedbed.learning.services.paths import people_planned_by

register = template.Library()


@register.simple_tag(takes_context=True)
def plan_learning_link(context: dict[str, Any], person: Any, css: str = "btn") -> str:
    user = context.get("user")
    if user is None or not user.is_authenticated or person is None:
        return ""
    if person.user_id == user.pk:
        label = _("Plan my learning")
    elif user.is_admin or (
        user.is_manager and people_planned_by(user).filter(pk=person.pk).exists()
    ):
        label = _("Plan learning")
    else:
        return ""
    return format_html(
        '<a class="{}" href="{}">{}</a>', css, reverse("learning:plan_new", args=[person.pk]), label
    )
