"""Organisation operations: people, teams, reporting lines, leaving, personal-data erasure."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.accounts.models import AccessLevel, User
from seedbed.accounts.services import audit, diff_fields
from seedbed.knowledge import personal_data as knowledge_data
from seedbed.knowledge.evidence import refresh_evidence
from seedbed.knowledge.services import handovers
from seedbed.lib.errors import NotAllowed, ServiceError
from seedbed.mentoring import personal_data as mentoring_data
from seedbed.people.models import Person, Team
from seedbed.search.index import schedule_index

PERSON_FIELDS = (
    "full_name",
    "email",
    "role",
    "target_role",
    "team",
    "manager",
    "location",
    "timezone",
    "languages",
    "start_date",
    "leaving_on",
)


def _check_admin(actor: User) -> None:
    if not (actor.is_active and actor.access_level == AccessLevel.ADMIN):
        raise NotAllowed(_("Only admins can change the organisation."))


def would_create_cycle(
    person_id: int | None, manager_id: int | None, managers: dict[int, int | None] | None = None
) -> bool:
    """Would making ``manager_id`` the manager of ``person_id`` close a reporting loop?
    ``managers`` (person id -> manager id) may be passed to check planned, unsaved lines."""
    if manager_id is None or person_id is None:
        return False
    if managers is None:
        managers = dict(Person.objects.values_list("id", "manager_id"))
    node: int | None = manager_id
    seen: set[int] = set()
    while node is not None and node not in seen:
        if node == person_id:
            return True
        seen.add(node)
        node = managers.get(node)
    return False


@transaction.atomic
def save_person(*, actor: User, person: Person | None = None, data: dict[str, Any]) -> Person:
    """Create or update a person; email unique ignoring case; no reporting cycles."""
    _check_admin(actor)
    data = {k: v for k, v in data.items() if k in PERSON_FIELDS}
    if "full_name" in data:
        data["full_name"] = " ".join(str(data["full_name"]).split())
        if not data["full_name"]:
            raise ServiceError(_("A person needs a name."), field="full_name")
    if "email" in data:
        data["email"] = str(data["email"]).strip().lower()
        clash = Person.objects.filter(email__iexact=data["email"])
        if person is not None:
            clash = clash.exclude(pk=person.pk)
        if clash.exists():
            raise ServiceError(
                _("Someone with the email %(email)s already exists.") % {"email": data["email"]},
                field="email",
            )
    manager = data.get("manager")
    if person is not None and manager is not None:
        if manager.pk == person.pk:
            raise ServiceError(_("Nobody can be their own manager."), field="manager")
        if would_create_cycle(person.pk, manager.pk):
            raise ServiceError(
                _("%(m)s reports (directly or indirectly) to %(p)s: that would be a loop.")
                % {"m": manager.full_name, "p": person.full_name},
                field="manager",
            )
    if person is None:
        person = Person.objects.create(**data)
        schedule_index("person", [person.pk])
        audit(actor=actor, action="person.create", obj=person, summary=f"{person.full_name} added")
        return person
    changes = diff_fields(person, data)
    for field, value in data.items():
        setattr(person, field, value)
    person.save()
    schedule_index("person", [person.pk])
    if person.user_id and "email" in changes:
        User.objects.filter(pk=person.user_id).update(email=person.email)
    if changes:
        audit(
            actor=actor,
            action="person.update",
            obj=person,
            summary=f"{person.full_name} changed",
            changes=changes,
        )
    if "leaving_on" in data and person.leaving_on is not None:
        handovers.start_for_leaving(actor=actor, person=person)  # knowledge capture
    return person


@transaction.atomic
def deactivate_person(*, actor: User, person: Person, left_on: Any = None) -> Person:
    """Mark someone as having left: no login, out of active lists; their history stays."""
    _check_admin(actor)
    if person.user_id == actor.pk:
        raise ServiceError(_("You cannot deactivate yourself."))
    person.is_active = False
    person.left_on = left_on or timezone.localdate()
    person.save(update_fields=["is_active", "left_on"])
    schedule_index("person", [person.pk])
    if person.user_id:
        User.objects.filter(pk=person.user_id).update(is_active=False)
    Person.objects.filter(manager=person).update(manager=person.manager)
    audit(actor=actor, action="person.deactivate", obj=person, summary=f"{person.full_name} left")
    return person


@transaction.atomic
def reactivate_person(*, actor: User, person: Person) -> Person:
    _check_admin(actor)
    person.is_active = True
    person.left_on = None
    person.save(update_fields=["is_active", "left_on"])
    schedule_index("person", [person.pk])
    if person.user_id:
        User.objects.filter(pk=person.user_id).update(is_active=True)
    audit(actor=actor, action="person.reactivate", obj=person, summary=f"{person.full_name} back")
    return person


@transaction.atomic
def erase_person(*, actor: User, person: Person) -> Person:
    """Personal-data erasure: anonymise the person, remove notes, links and interests, disable
    the login. Levels stay as anonymous figures so organisation statistics keep adding up."""
    _check_admin(actor)
    if person.user_id == actor.pk:
        raise ServiceError(_("You cannot erase yourself."))
    label = f"Erased person #{person.pk}"
    person.assertions.update(note="", evidence_url="")
    person.interests.all().delete()
    person.notifications.all().delete()  # their inbox: titles, bodies, their email address
    _erase_learning(person)
    mentoring_data.erase(person)
    knowledge_data.erase(person)
    if person.user_id:
        user = User.objects.get(pk=person.user_id)
        user.email = f"erased-{person.pk}@invalid"
        user.display_name = label
        user.is_active = False
        user.set_unusable_password()
        user.save()
        user.tokens.all().delete()
    person.full_name = label
    person.email = f"erased-{person.pk}@invalid"
    person.location = ""
    person.languages = ""
    person.is_active = False
    person.left_on = person.left_on or timezone.localdate()
    person.erased_at = timezone.now()
    person.save()
    schedule_index("person", [person.pk])
    Person.objects.filter(manager=person).update(manager=None)
    audit(actor=actor, action="person.erase", obj=person, summary=f"{label}: personal data erased")
    return person


def personal_data_export(*, actor: User, person: Person) -> dict[str, Any]:
    """Everything Seedbed holds about ``person`` (a data-subject access request): profile,
    every assertion about them, current levels, interests, notifications, survey tasks and the
    audit entries about them.
    Admins may export anyone, everyone else only themselves; each export is audited."""
    from seedbed.accounts.models import AuditLog
    from seedbed.skills.models import Assertion, PersonSkill, SkillInterest

    if not (
        actor.is_active and (actor.access_level == AccessLevel.ADMIN or person.user_id == actor.pk)
    ):
        raise NotAllowed(_("Only admins or the person themselves can export personal data."))
    profile = {
        "id": person.pk,
        "name": person.full_name,
        "email": person.email,
        "role": str(person.role or ""),
        "team": str(person.team or ""),
        "manager": person.manager.full_name if person.manager else None,
        "location": person.location,
        "timezone": person.timezone,
        "languages": person.languages,
        "start_date": person.start_date.isoformat() if person.start_date else None,
        "active": person.is_active,
        "left_on": person.left_on.isoformat() if person.left_on else None,
    }
    assertions = [
        {
            "skill": a.skill.name,
            "level": a.level,
            "source": a.source,
            "rated_by": str(a.rater) if a.rater else None,
            "note": a.note,
            "evidence_url": a.evidence_url,
            "recorded_at": a.created_at.isoformat(),
            "review_by": a.review_by.isoformat() if a.review_by else None,
        }
        for a in Assertion.objects.filter(person=person)
        .select_related("skill", "rater")
        .order_by("created_at")
    ]
    current = [
        {
            "skill": ps.skill.name,
            "level": ps.level,
            "source": ps.source,
            "assessed_at": ps.assessed_at.isoformat(),
            "pending_validation": ps.pending_validation,
        }
        for ps in PersonSkill.objects.filter(person=person)
        .select_related("skill")
        .order_by("skill__name")
    ]
    interests = [
        {"skill": i.skill.name, "interest": i.interest, "updated_at": i.updated_at.isoformat()}
        for i in SkillInterest.objects.filter(person=person)
        .select_related("skill")
        .order_by("skill__name")
    ]
    audit_entries = [
        {"at": e.at.isoformat(), "action": e.action, "summary": e.summary}
        for e in AuditLog.objects.filter(object_type="Person", object_id=str(person.pk)).order_by(
            "at"
        )
    ]
    notifications = [
        {
            "kind": n.kind,
            "title": n.title,
            "body": n.body,
            "emailed_to": n.email_to or None,
            "created_at": n.created_at.isoformat(),
            "read": n.read_at is not None,
        }
        for n in person.notifications.order_by("created_at", "id")
    ]
    survey_tasks = [
        {
            "survey": t.campaign.name,
            "status": t.status,
            "completed_at": t.completed_at.isoformat() if t.completed_at else None,
        }
        for t in person.survey_tasks.select_related("campaign").order_by("created_at", "id")
    ]
    learning_and_growth = _learning_export(person)
    audit(
        actor=actor,
        action="person.export",
        obj=person,
        summary=f"Personal data of {person.full_name} exported",
    )
    return {
        "exported_at": timezone.now().isoformat(),
        "person": profile,
        "assertions": assertions,
        "current_levels": current,
        "interests": interests,
        "notifications": notifications,
        "survey_tasks": survey_tasks,
        **learning_and_growth,
        **mentoring_data.export(person),
        "knowledge": knowledge_data.export(person),
        "audit": audit_entries,
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _learning_export(person: Person) -> dict[str, Any]:
    """The person's learning, certificates and development plans, for the data export."""
    from seedbed.certifications.models import HeldCertification
    from seedbed.development.models import DevelopmentPlan
    from seedbed.learning.models import Enrolment, LearningHours, LearningPlan

    enrolments = [
        {
            "item": e.item.title,
            "status": e.status,
            "due_date": _iso(e.due_date),
            "progress": e.progress,
            "completed_at": _iso(e.completed_at),
            "usefulness": e.usefulness,
            "applicability": e.applicability,
            "would_recommend": e.would_recommend,
            "comment": e.reaction_comment,
            "pre_score": str(e.pre_score) if e.pre_score is not None else None,
            "post_score": str(e.post_score) if e.post_score is not None else None,
        }
        for e in Enrolment.objects.filter(person=person)
        .select_related("item")
        .order_by("created_at")
    ]
    hours = [
        {"date": _iso(h.date), "hours": str(h.hours), "note": h.note}
        for h in LearningHours.objects.filter(person=person).order_by("date", "id")
    ]
    plans = [
        {
            "status": p.status,
            "created_at": _iso(p.created_at),
            "items": [i.item.title for i in p.items.all()],
        }
        for p in LearningPlan.objects.filter(person=person).prefetch_related("items__item")
    ]
    certificates = [
        {
            "certification": str(c.certification),
            "number": c.number,
            "issued_on": _iso(c.issued_on),
            "expires_on": _iso(c.expires_on),
            "has_scan": bool(c.attachment),
        }
        for c in HeldCertification.objects.filter(person=person).select_related("certification")
    ]
    development = [
        {
            "title": d.title,
            "state": d.state,
            "next_review": _iso(d.next_review),
            "goals": [
                {
                    "skill": g.skill.name,
                    "target_level": g.target_level,
                    "due_date": _iso(g.due_date),
                    "status": g.status,
                    "note": g.note,
                }
                for g in d.goals.all()
            ],
            "reviews": [
                {"reviewed_on": _iso(r.reviewed_on), "note": r.note} for r in d.reviews.all()
            ],
        }
        for d in DevelopmentPlan.objects.filter(person=person).prefetch_related(
            "goals__skill", "reviews"
        )
    ]
    return {
        "enrolments": enrolments,
        "learning_hours": hours,
        "learning_plans": plans,
        "certificates": certificates,
        "development_plans": development,
    }


def _erase_learning(person: Person) -> None:
    """Erasure of the person's free text and files in learning, certificates and plans; the
    figures (hours, completions, levels) stay, anonymous."""
    from seedbed.certifications.models import HeldCertification
    from seedbed.development.models import Goal, PlanReview
    from seedbed.learning.models import Enrolment, LearningHours

    Enrolment.objects.filter(person=person).update(reaction_comment="", decision_note="")
    LearningHours.objects.filter(person=person).update(note="")
    Goal.objects.filter(plan__person=person).update(note="")
    PlanReview.objects.filter(plan__person=person).update(note="")
    for cert in HeldCertification.objects.filter(person=person).exclude(attachment=""):
        cert.attachment.delete(save=False)
    HeldCertification.objects.filter(person=person).update(number="", attachment="")


@transaction.atomic
def save_team(*, actor: User, team: Team | None = None, data: dict[str, Any]) -> Team:
    _check_admin(actor)
    name = " ".join(str(data.get("name", team.name if team else "")).split())
    if not name:
        raise ServiceError(_("A team needs a name."), field="name")
    data = {**data, "name": name}
    clash = Team.objects.filter(name__iexact=name)
    if team is not None:
        clash = clash.exclude(pk=team.pk)
    if clash.exists():
        raise ServiceError(
            _("A team named %(name)s already exists.") % {"name": name}, field="name"
        )
    parent = data.get("parent")
    if team is not None and parent is not None:
        node: Team | None = parent
        while node is not None:
            if node.pk == team.pk:
                raise ServiceError(_("A team cannot sit inside itself."), field="parent")
            node = node.parent
    if team is None:
        team = Team.objects.create(**data)
        audit(actor=actor, action="team.create", obj=team, summary=f"Team '{name}' created")
        return team
    changes = diff_fields(team, data)
    for field, value in data.items():
        setattr(team, field, value)
    team.save()
    schedule_index("person", team.members.values_list("pk", flat=True))
    if changes:
        audit(
            actor=actor,
            action="team.update",
            obj=team,
            summary=f"Team '{name}' changed",
            changes=changes,
        )
    return team


@transaction.atomic
def link_user(
    *, person: Person, access_level: str, password: str | None = None, actor: User | None = None
) -> User:
    """Give a person a login (or update its access level)."""
    if actor is not None:
        _check_admin(actor)
    if access_level not in AccessLevel.values:
        raise ServiceError(_("Unknown access level."), field="access_level")
    if person.user_id:
        user = User.objects.get(pk=person.user_id)
        user.access_level = access_level
        if password:
            user.set_password(password)
        user.save(update_fields=["access_level", "password"])
    else:
        user = User.objects.filter(email__iexact=person.email).first() or User.objects.create_user(
            person.email,
            password,
            display_name=person.full_name,
            access_level=access_level,
            timezone=person.timezone,
        )
        person.user = user
        person.save(update_fields=["user"])
        # An existing login may have written articles: they now count for this person in the
        # expert finder's read table.
        refresh_evidence(person_ids=[person.pk])
    if actor is not None:
        audit(
            actor=actor,
            action="person.access",
            obj=person,
            summary=f"{person.full_name}: access {access_level}",
        )
    return user
