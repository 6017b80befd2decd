"""Read models for the home page."""

from __future__ import annotations

from typing import Any

from seedbed.accounts.models import AccessLevel, AuditLog, OrgSettings, User


def home_context(user: User) -> dict[str, Any]:
    """What the home page shows: the first-run checklist for admins, the validation queue size,
    overdue development plans, stalled goals and expiring certificates for managers, and one's
    own rating progress for everyone."""
    from seedbed.certifications.selectors import home_panel as certification_panel
    from seedbed.development.selectors import home_panel as development_panel
    from seedbed.frameworks.models import RoleRequirement
    from seedbed.learning.services.enrolments import home_panel as learning_panel
    from seedbed.people.models import Person
    from seedbed.skills.models import PersonSkill, Skill
    from seedbed.surveys.selectors import open_tasks as open_survey_tasks

    person = Person.objects.filter(user=user).select_related("role", "team").first()
    ctx: dict[str, Any] = {"person": person}
    ctx["survey_tasks"] = open_survey_tasks(user) if person is not None else []
    ctx.update(learning_panel(user, person))
    if person is not None:
        ctx["my_rated"] = PersonSkill.objects.filter(person=person).count()
        ctx["my_required"] = (
            RoleRequirement.objects.filter(role_id=person.role_id).count() if person.role_id else 0
        )
    if user.access_level in (AccessLevel.MANAGER, AccessLevel.ADMIN):
        ctx["pending_count"] = PersonSkill.objects.pending_for(user).count()
        ctx["report_count"] = Person.objects.validatable_by(user).active().count()
        ctx.update(development_panel(user) | certification_panel(user))
    if user.access_level == AccessLevel.ADMIN:
        settings_done = AuditLog.objects.filter(action="settings.update").exists() or (
            OrgSettings.objects.exclude(name="My organisation").exists()
        )
        ctx["checklist"] = [
            {"label": "settings", "done": settings_done},
            {"label": "people", "done": Person.objects.count() > 1},
            {"label": "skills", "done": Skill.objects.exists()},
            {"label": "requirements", "done": RoleRequirement.objects.exists()},
        ]
        ctx["checklist_done"] = all(item["done"] for item in ctx["checklist"])
        ctx["people_count"] = Person.objects.active().count()
        ctx["skill_count"] = Skill.objects.active().count()
    return ctx
