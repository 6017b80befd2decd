"""Programme operations: create and change a programme, move it through its states, and sign
people up (join, change one's sign-up, leave).

Who may do what:
- create, change, open, run, close, delete a programme; see its participant list; sign up
  someone else: admins (HR) only;
- join a programme, change one's own sign-up, leave: the person themselves, while the
  programme is open or running and they are eligible (its teams or roles, none listed =
  everyone).

Matching runs, review, publishing and answers live in ``programmes_matching``; self-service
requests in ``programmes_requests``; the hard rules every pair obeys in ``programmes_rules``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seedbed.accounts.models import TIMEZONE_CHOICES, AccessLevel
from seedbed.accounts.services import audit
from seedbed.frameworks.models import Role
from seedbed.lib.errors import Conflict, NotAllowed, ServiceError
from seedbed.mentoring.models import (
    Objective,
    Pair,
    PairState,
    Participant,
    ParticipantRole,
    Programme,
    ProgrammeKind,
    ProgrammeState,
    Purpose,
    TeamPreference,
    default_weights,
)
from seedbed.people.models import Person, Team
from seedbed.skills.models import Skill

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from seedbed.accounts.models import User

MAX_SKILLS = 50
MAX_PARTICIPANT_SKILLS = 30
MAX_EXCLUDED = 50
MAX_CAPACITY = 10
MAX_HOURS = 160
_TIMEZONES = {tz for tz, _label in TIMEZONE_CHOICES}


@dataclass(frozen=True)
class WeightFactor:
    key: str
    label: _StrPromise
    explanation: _StrPromise


# The pair-score factors in the order they are shown, each with what it measures; the keys
# are those of ``Programme.weights`` (and ``default_weights``).
WEIGHT_FACTORS: tuple[WeightFactor, ...] = (
    WeightFactor(
        "skills",
        gettext_lazy("Skill complementarity"),
        gettext_lazy(
            "For each skill the mentee needs (gaps to their role, skills they want), the share "
            "of the gap the mentor's current level covers, weighted by the skill's importance."
        ),
    ),
    WeightFactor(
        "goals",
        gettext_lazy("Goal fit"),
        gettext_lazy(
            "The share of the skills the mentee wants, or names in their goals, that the "
            "mentor offers or holds at a level they can teach."
        ),
    ),
    WeightFactor(
        "language",
        gettext_lazy("Shared language"),
        gettext_lazy(
            "Full marks with a language in common, none without, half when a side lists none "
            "(a hard rule when the programme requires a shared language)."
        ),
    ),
    WeightFactor(
        "timezone",
        gettext_lazy("Time-zone overlap"),
        gettext_lazy("Full marks in the same time zone, falling to none at 8 hours apart."),
    ),
    WeightFactor(
        "teams",
        gettext_lazy("Team preference"),
        gettext_lazy(
            "Pairs across teams or within one, as the programme prefers; left out when it "
            "has no preference."
        ),
    ),
    WeightFactor(
        "seniority",
        gettext_lazy("Seniority direction"),
        gettext_lazy(
            "Full marks for a mentor a reporting level above the mentee; in reverse mentoring "
            "for the more junior person who holds the higher level."
        ),
    ),
)
WEIGHT_KEYS = tuple(f.key for f in WEIGHT_FACTORS)
OPEN_STATES = (ProgrammeState.OPEN, ProgrammeState.RUNNING)

# Allowed moves between states; anything else is refused with a message.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ProgrammeState.DRAFT: (ProgrammeState.OPEN,),
    ProgrammeState.OPEN: (ProgrammeState.DRAFT, ProgrammeState.RUNNING, ProgrammeState.CLOSED),
    ProgrammeState.RUNNING: (ProgrammeState.OPEN, ProgrammeState.CLOSED),
    ProgrammeState.CLOSED: (ProgrammeState.RUNNING,),
}


# --- who may do what ---------------------------------------------------------------------


def is_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.access_level == AccessLevel.ADMIN)


def check_admin(user: User) -> None:
    if not is_admin(user):
        raise NotAllowed(_("Only HR (admins) manage mentoring programmes."))


def person_of(user: User) -> Person | None:
    """The person a login belongs to (None for a login without a person)."""
    return Person.objects.filter(user=user).select_related("team", "role").first()


def eligibility_problem(programme: Programme, person: Person) -> str | None:
    """Why ``person`` may not join ``programme`` now (None: they may). Two queries for the
    programme's eligible teams and roles unless they are prefetched."""
    if programme.state not in OPEN_STATES:
        return _("This programme is not open for sign-up.")
    if not person.is_active:
        return _("%(name)s has left the organisation.") % {"name": person.full_name}
    teams = {t.pk for t in programme.eligible_teams.all()}
    roles = {r.pk for r in programme.eligible_roles.all()}
    if not teams and not roles:
        return None
    if person.team_id in teams or person.role_id in roles:
        return None
    return _("This programme is open only to some teams or roles, and %(name)s is in none.") % {
        "name": person.full_name
    }


# --- programmes --------------------------------------------------------------------------


@dataclass
class ProgrammeInput:
    """Everything an admin sets on a programme (the form and the API fill it alike)."""

    name: str
    description: str = ""
    purpose: str = Purpose.GENERAL
    kind: str = ProgrammeKind.COHORT
    starts_on: date | None = None
    ends_on: date | None = None
    duration_weeks: int = 12
    weights: dict[str, float] | None = None  # None: the defaults (new) or unchanged (edit)
    objective: str = Objective.QUALITY
    team_preference: str = TeamPreference.CROSS
    require_shared_language: bool = True
    min_score: float = 0.0
    quiet_after_days: int = 30
    skills: Sequence[Skill] = field(default_factory=list)
    eligible_teams: Sequence[Team] = field(default_factory=list)
    eligible_roles: Sequence[Role] = field(default_factory=list)


def clean_weights(raw: dict[str, Any]) -> dict[str, float]:
    """Check the six weights (each 0–1, not all zero) and scale them to add up to 1, so a
    pair's score stays between 0 and 1 and ``min_score`` keeps its meaning."""
    unknown = set(raw) - set(WEIGHT_KEYS)
    if unknown:
        raise ServiceError(
            _("Unknown weight %(key)s; the weights are %(keys)s.")
            % {"key": sorted(unknown)[0], "keys": ", ".join(WEIGHT_KEYS)},
            field="weights",
        )
    values: dict[str, float] = {}
    for key in WEIGHT_KEYS:
        if key not in raw:
            raise ServiceError(_("Give a weight for %(key)s.") % {"key": key}, field="weights")
        try:
            value = float(raw[key])
        except (TypeError, ValueError):
            raise ServiceError(
                _("The weight for %(key)s must be a number.") % {"key": key}, field="weights"
            ) from None
        if not 0 <= value <= 1:  # also refuses NaN
            raise ServiceError(
                _("The weight for %(key)s must be between 0 and 1.") % {"key": key},
                field="weights",
            )
        values[key] = value
    total = sum(values.values())
    if total <= 0:
        raise ServiceError(_("At least one weight must be above 0."), field="weights")
    scaled = {k: round(v / total, 4) for k, v in values.items()}
    return scaled


def _clean_programme(data: ProgrammeInput) -> dict[str, Any]:
    name = " ".join(data.name.split())
    if not name:
        raise ServiceError(_("Give the programme a name."), field="name")
    if data.purpose not in Purpose.values:
        raise ServiceError(_("Choose one of the purposes."), field="purpose")
    if data.kind not in ProgrammeKind.values:
        raise ServiceError(_("Choose cohort or evergreen."), field="kind")
    if data.objective not in Objective.values:
        raise ServiceError(_("Choose an objective."), field="objective")
    if data.team_preference not in TeamPreference.values:
        raise ServiceError(_("Choose a team preference."), field="team_preference")
    if data.starts_on and data.ends_on and data.ends_on <= data.starts_on:
        raise ServiceError(_("The programme must end after it starts."), field="ends_on")
    if not 1 <= data.duration_weeks <= 260:
        raise ServiceError(
            _("The duration must be between 1 and 260 weeks."), field="duration_weeks"
        )
    if not 0 <= data.min_score <= 1:  # also refuses NaN
        raise ServiceError(_("The minimum pair score must be between 0 and 1."), field="min_score")
    if not 1 <= data.quiet_after_days <= 365:
        raise ServiceError(_("Reminders after 1 to 365 quiet days."), field="quiet_after_days")
    if len(data.skills) > MAX_SKILLS:
        raise ServiceError(_("At most %(n)s skills in scope.") % {"n": MAX_SKILLS}, field="skills")
    for skill in data.skills:
        if not skill.is_active:
            raise ServiceError(_("%(skill)s is archived.") % {"skill": skill.name}, field="skills")
    return {
        "name": name[:200],
        "description": data.description.strip()[:5000],
        "purpose": data.purpose,
        "kind": data.kind,
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "duration_weeks": data.duration_weeks,
        "objective": data.objective,
        "team_preference": data.team_preference,
        "require_shared_language": data.require_shared_language,
        "min_score": float(data.min_score),
        "quiet_after_days": data.quiet_after_days,
    }


def _ids(items: Sequence[Any]) -> list[int]:
    return sorted({int(i.pk) for i in items})


@transaction.atomic
def create_programme(*, actor: User, data: ProgrammeInput) -> Programme:
    """A new programme, as a draft nobody but admins sees yet."""
    check_admin(actor)
    values = _clean_programme(data)
    weights = clean_weights(data.weights) if data.weights is not None else default_weights()
    programme = Programme.objects.create(**values, weights=weights, owner=actor)
    programme.skills.set(_ids(data.skills))
    programme.eligible_teams.set(_ids(data.eligible_teams))
    programme.eligible_roles.set(_ids(data.eligible_roles))
    audit(
        actor=actor,
        action="mentoring.programme.create",
        obj=programme,
        summary=f"Mentoring programme '{programme.name}' created",
    )
    return programme


@transaction.atomic
def update_programme(*, actor: User, programme: Programme, data: ProgrammeInput) -> Programme:
    """Change a programme's settings (any state but closed)."""
    check_admin(actor)
    if programme.state == ProgrammeState.CLOSED:
        raise Conflict(_("This programme is closed; reopen it to change it."))
    values = _clean_programme(data)
    if data.weights is not None:
        values["weights"] = clean_weights(data.weights)
    changes: dict[str, list[Any]] = {}
    for key, new in values.items():
        old = getattr(programme, key)
        if old != new:
            changes[key] = [str(old), str(new)]
            setattr(programme, key, new)
    relations = {
        "skills": _ids(data.skills),
        "eligible_teams": _ids(data.eligible_teams),
        "eligible_roles": _ids(data.eligible_roles),
    }
    for name, ids in relations.items():
        manager = getattr(programme, name)
        old_ids = sorted(manager.values_list("pk", flat=True))
        if old_ids != ids:
            manager.set(ids)
            changes[name] = [str(old_ids), str(ids)]
    if changes:
        if set(changes) & set(values):
            programme.save(update_fields=[k for k in values if k in changes])
        audit(
            actor=actor,
            action="mentoring.programme.update",
            obj=programme,
            summary=f"Mentoring programme '{programme.name}' changed",
            changes=changes,
        )
    return programme


@transaction.atomic
def set_state(*, actor: User, programme: Programme, state: str) -> Programme:
    """Move a programme: draft → open (sign-up) → running → closed (and back where it makes
    sense). Opening a cohort needs its dates; going back to draft needs nobody signed up;
    closing withdraws the proposals nobody has seen yet."""
    check_admin(actor)
    if state not in ProgrammeState.values:
        raise ServiceError(_("Unknown state %(state)s.") % {"state": state}, field="state")
    old = programme.state
    if state == old:
        raise Conflict(
            _("The programme is already %(state)s.")
            % {"state": ProgrammeState(state).label.lower()}
        )
    if state not in TRANSITIONS[old]:
        raise Conflict(
            _("A programme cannot go from %(old)s to %(new)s.")
            % {
                "old": ProgrammeState(old).label.lower(),
                "new": ProgrammeState(state).label.lower(),
            },
            field="state",
        )
    if (
        state == ProgrammeState.OPEN
        and programme.kind == ProgrammeKind.COHORT
        and not (programme.starts_on and programme.ends_on)
    ):
        raise ServiceError(
            _("A cohort needs its start and end dates before it opens."), field="starts_on"
        )
    if state == ProgrammeState.DRAFT and programme.participants.filter(is_active=True).exists():
        raise Conflict(_("People have signed up; a programme with participants stays visible."))
    if state == ProgrammeState.CLOSED:
        programme.pairs.filter(state=PairState.PROPOSED).delete()
    programme.state = state
    programme.save(update_fields=["state"])
    audit(
        actor=actor,
        action="mentoring.programme.state",
        obj=programme,
        summary=f"Mentoring programme '{programme.name}': {old} → {state}",
        changes={"state": [old, state]},
    )
    return programme


@transaction.atomic
def delete_programme(*, actor: User, programme: Programme) -> None:
    """Delete a draft (nobody has seen it); later programmes are closed instead."""
    check_admin(actor)
    if programme.state != ProgrammeState.DRAFT:
        raise Conflict(_("Only a draft can be deleted; close the programme instead."))
    if programme.pairs.exists():
        raise Conflict(_("This programme has pairs; close it instead."))
    audit(
        actor=actor,
        action="mentoring.programme.delete",
        obj=programme,
        summary=f"Mentoring programme '{programme.name}' deleted",
    )
    programme.delete()


# --- sign-up -----------------------------------------------------------------------------


@dataclass
class ParticipationInput:
    """A person's sign-up. ``languages``/``timezone`` None: take them from the person."""

    role: str
    capacity: int = 1
    availability: str = ""
    hours_per_month: int = 2
    languages: str | None = None
    timezone: str | None = None
    goals: str = ""
    wants_skills: Sequence[Skill] = field(default_factory=list)
    offers_skills: Sequence[Skill] = field(default_factory=list)
    excluded: Sequence[Person] = field(default_factory=list)


def clean_languages(text: str) -> str:
    """ "EN,de , fr" -> "en, de, fr" (lower case, no repeats, each 2–20 characters)."""
    found: list[str] = []
    for part in text.replace(";", ",").split(","):
        lang = part.strip().lower()
        if not lang:
            continue
        if len(lang) > 20 or not all(c.isalpha() or c in "-_" for c in lang):
            raise ServiceError(
                _("“%(lang)s” is not a language; list codes or names such as en, de.")
                % {"lang": lang[:30]},
                field="languages",
            )
        if lang not in found:
            found.append(lang)
    return ", ".join(found)[:200]


def _clean_participation(person: Person, data: ParticipationInput) -> dict[str, Any]:
    if data.role not in ParticipantRole.values:
        raise ServiceError(_("Join as mentor, mentee or both."), field="role")
    mentors = data.role in (ParticipantRole.MENTOR, ParticipantRole.BOTH)
    if mentors and not 1 <= data.capacity <= MAX_CAPACITY:
        raise ServiceError(
            _("A mentor takes between 1 and %(n)s mentees.") % {"n": MAX_CAPACITY},
            field="capacity",
        )
    if not 0 <= data.hours_per_month <= MAX_HOURS:
        raise ServiceError(
            _("Hours per month must be between 0 and %(n)s.") % {"n": MAX_HOURS},
            field="hours_per_month",
        )
    languages = clean_languages(data.languages if data.languages is not None else person.languages)
    zone = data.timezone if data.timezone is not None else person.timezone
    zone = (zone or "UTC").strip()
    if zone not in _TIMEZONES:
        raise ServiceError(
            _("Unknown time zone “%(tz)s”; use a name such as Europe/Berlin.") % {"tz": zone[:64]},
            field="timezone",
        )
    for label, skills in (
        ("wants_skills", data.wants_skills),
        ("offers_skills", data.offers_skills),
    ):
        if len(skills) > MAX_PARTICIPANT_SKILLS:
            raise ServiceError(
                _("At most %(n)s skills.") % {"n": MAX_PARTICIPANT_SKILLS}, field=label
            )
        for skill in skills:
            if not skill.is_active:
                raise ServiceError(_("%(skill)s is archived.") % {"skill": skill.name}, field=label)
    if len(data.excluded) > MAX_EXCLUDED:
        raise ServiceError(
            _("At most %(n)s people to avoid.") % {"n": MAX_EXCLUDED}, field="excluded"
        )
    if any(p.pk == person.pk for p in data.excluded):
        raise ServiceError(_("You need not exclude yourself."), field="excluded")
    return {
        "role": data.role,
        "capacity": data.capacity if mentors else 0,
        "availability": " ".join(data.availability.split())[:200],
        "hours_per_month": data.hours_per_month,
        "languages": languages,
        "timezone": zone,
        "goals": data.goals.strip()[:2000],
    }


def _check_may_sign_up(actor: User, person: Person) -> None:
    if person.user_id != actor.pk and not is_admin(actor):
        raise NotAllowed(_("You can sign up only yourself; HR can sign up others."))


@transaction.atomic
def join_programme(
    *, actor: User, programme: Programme, person: Person, data: ParticipationInput
) -> Participant:
    """Sign ``person`` up (or back up, after leaving) as mentor, mentee or both."""
    _check_may_sign_up(actor, person)
    problem = eligibility_problem(programme, person)
    if problem:
        raise NotAllowed(problem)
    existing = Participant.objects.filter(programme=programme, person=person).first()
    if existing is not None and existing.is_active:
        raise Conflict(_("%(name)s has already joined.") % {"name": person.full_name})
    values = _clean_participation(person, data)
    if existing is None:
        participant = Participant.objects.create(programme=programme, person=person, **values)
    else:
        participant = existing
        for key, value in values.items():
            setattr(participant, key, value)
        participant.is_active = True
        participant.save(update_fields=[*values, "is_active"])
    _set_participant_relations(participant, data)
    audit(
        actor=actor,
        action="mentoring.participant.join",
        obj=participant,
        summary=f"{person.full_name} joined '{programme.name}' as {participant.role}",
    )
    return participant


def _set_participant_relations(
    participant: Participant, data: ParticipationInput
) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name, items in (
        ("wants_skills", data.wants_skills),
        ("offers_skills", data.offers_skills),
        ("excluded", data.excluded),
    ):
        ids = _ids(items)
        manager = getattr(participant, name)
        old = sorted(manager.values_list("pk", flat=True))
        if old != ids:
            manager.set(ids)
            changes[name] = [str(old), str(ids)]
    return changes


def _live_pairs_of(participant: Participant) -> Any:
    return Pair.objects.filter(programme_id=participant.programme_id).filter(
        Q(mentor_id=participant.person_id) | Q(mentee_id=participant.person_id)
    )


@transaction.atomic
def update_participation(
    *, actor: User, participant: Participant, data: ParticipationInput
) -> Participant:
    """Change a sign-up. A mentor cannot drop below the mentees they already have."""
    person = participant.person
    _check_may_sign_up(actor, person)
    if not participant.is_active:
        raise Conflict(_("This sign-up was withdrawn; join again instead."))
    if participant.programme.state == ProgrammeState.CLOSED:
        raise Conflict(_("This programme is closed."))
    values = _clean_participation(person, data)
    held = _live_pairs_of(participant).filter(
        mentor_id=person.pk, state__in=[PairState.PUBLISHED, PairState.ACTIVE]
    )
    held_count = held.count()
    mentors = values["role"] in (ParticipantRole.MENTOR, ParticipantRole.BOTH)
    if held_count and (not mentors or values["capacity"] < held_count):
        raise Conflict(
            _("You already mentor %(n)s people here; keep a capacity of at least %(n)s.")
            % {"n": held_count},
            field="capacity",
        )
    mentee_held = _live_pairs_of(participant).filter(
        mentee_id=person.pk, state__in=[PairState.PUBLISHED, PairState.ACTIVE]
    )
    if values["role"] == ParticipantRole.MENTOR and mentee_held.exists():
        raise Conflict(
            _("You are a mentee in a pair here; you cannot stop being a mentee now."),
            field="role",
        )
    changes: dict[str, Any] = {}
    for key, value in values.items():
        old = getattr(participant, key)
        if old != value:
            changes[key] = [str(old), str(value)]
            setattr(participant, key, value)
    if changes:
        participant.save(update_fields=list(values))
    changes.update(_set_participant_relations(participant, data))
    if changes:
        # Proposals made on the old sign-up no longer hold: the next run redoes them.
        _live_pairs_of(participant).filter(state=PairState.PROPOSED, locked=False).delete()
        audit(
            actor=actor,
            action="mentoring.participant.update",
            obj=participant,
            summary=f"{person.full_name} changed their sign-up to '{participant.programme.name}'",
            changes=changes,
        )
    return participant


@transaction.atomic
def leave_programme(*, actor: User, participant: Participant) -> Participant:
    """Withdraw a sign-up: proposals for the person go; a pair that is waiting for answers
    or active must be declined or ended first."""
    person = participant.person
    _check_may_sign_up(actor, person)
    if not participant.is_active:
        raise Conflict(_("This sign-up was already withdrawn."))
    pairs = _live_pairs_of(participant)
    if pairs.filter(state__in=[PairState.PUBLISHED, PairState.ACTIVE]).exists():
        raise Conflict(_("You are in a pair of this programme; decline or end it before leaving."))
    pairs.filter(state=PairState.PROPOSED).delete()
    participant.is_active = False
    participant.save(update_fields=["is_active"])
    audit(
        actor=actor,
        action="mentoring.participant.leave",
        obj=participant,
        summary=f"{person.full_name} left '{participant.programme.name}'",
    )
    return participant
