"""Self-service requests: "please mentor me". A person asks someone directly, inside a
programme (both signed up there: the mentor's capacity and the programme's rules apply) or
outside any. The mentor accepts (an active pair starts) or declines; the person who asked
may withdraw while it waits.

Who sees a request: the two people in it and HR (``requests_visible_to``, the one place it
is scoped). The hard rules of ``programmes_rules`` apply when it is sent and again when it
is accepted (capacity may have filled up in between).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.accounts.services import audit
from seedbed.lib.errors import Conflict, NotAllowed, ServiceError
from seedbed.mentoring.models import (
    Answer,
    MentorRequest,
    MentorRequestState,
    Pair,
    PairOrigin,
    PairState,
    Participant,
    Programme,
    ProgrammeState,
)
from seedbed.mentoring.services.programmes import OPEN_STATES, is_admin, person_of
from seedbed.mentoring.services.programmes_matching import STRONGEST_SHOWN
from seedbed.mentoring.services.programmes_rules import ProgrammeRules, direct_problem
from seedbed.notifications.models import Kind
from seedbed.notifications.services import notify
from seedbed.people.models import Person
from seedbed.skills.models import Skill

if TYPE_CHECKING:
    from seedbed.accounts.models import User


def requests_visible_to(user: User) -> QuerySet[MentorRequest]:
    """Requests ``user`` may see: those they sent or received; HR sees all."""
    if not (user.is_authenticated and user.is_active):
        return MentorRequest.objects.none()
    if is_admin(user):
        return MentorRequest.objects.all()
    return MentorRequest.objects.filter(Q(mentee__user=user) | Q(mentor__user=user))


@dataclass
class Preview:
    """What asking ``mentor`` would mean: the rule it breaks, or the pair's score and reasons
    as the matcher sees them."""

    problem: str = ""
    score: float | None = None
    strongest: list[str] = field(default_factory=list)
    weakest: str = ""


def _participants(
    programme: Programme, mentor: Person, mentee: Person
) -> tuple[Participant | None, Participant | None]:
    found = {
        p.person_id: p
        for p in Participant.objects.filter(
            programme=programme, person__in=[mentor, mentee], is_active=True
        ).select_related("person")
    }
    return found.get(mentor.pk), found.get(mentee.pk)


def problem_of(
    *,
    programme: Programme | None,
    mentor: Person,
    mentee: Person,
    ignore_request_id: int | None = None,
) -> str | None:
    """The hard rule a request ``mentee`` → ``mentor`` breaks (None: it may be sent).
    ``ignore_request_id``: the request being accepted (it is no duplicate of itself)."""
    if programme is None:
        return direct_problem(mentor=mentor, mentee=mentee, ignore_request_id=ignore_request_id)
    if programme.state not in OPEN_STATES:
        return _("This programme is not open.")
    mentor_part, mentee_part = _participants(programme, mentor, mentee)
    if mentor_part is None or not mentor_part.mentors:
        return _("%(name)s is not a mentor in this programme.") % {"name": mentor.full_name}
    if mentee_part is None or not mentee_part.mentees:
        return _("Join the programme as a mentee first.")
    problem = ProgrammeRules(programme).problem(mentor_part, mentee_part, for_admin=False)
    if problem:
        return problem
    waiting = MentorRequest.objects.filter(
        mentor=mentor, mentee=mentee, state=MentorRequestState.PENDING
    )
    if waiting.exclude(pk=ignore_request_id or 0).exists():
        return _("%(mentee)s has already asked %(mentor)s; wait for the answer.") % {
            "mentee": mentee.full_name,
            "mentor": mentor.full_name,
        }
    return None


def preview(*, programme: Programme | None, mentor: Person, mentee: Person) -> Preview:
    """The request's rule check and, when allowed, the matcher's score and reasons."""
    from seedbed.mentoring.matching import describe, score_pair

    problem = problem_of(programme=programme, mentor=mentor, mentee=mentee)
    if problem:
        return Preview(problem=problem)
    scored = score_pair(programme, mentor, mentee)
    if scored is None:
        return Preview()
    return Preview(
        score=float(scored.score),
        strongest=[describe(r) for r in scored.reasons[:STRONGEST_SHOWN]],
        weakest=describe(scored.weakest) if scored.weakest else "",
    )


def _link() -> str:
    return reverse("mentoring:home")


def _with_user(person: Person) -> list[Person]:
    return list(Person.objects.filter(pk=person.pk).select_related("user"))


@transaction.atomic
def ask_mentor(
    *,
    actor: User,
    mentor: Person,
    programme: Programme | None = None,
    skill: Skill | None = None,
    message: str = "",
) -> MentorRequest:
    """The actor asks ``mentor`` to mentor them (in ``programme``, or outside any)."""
    mentee = person_of(actor)
    if mentee is None:
        raise NotAllowed(_("Your login belongs to no person in the organisation."))
    if programme is not None and programme.state == ProgrammeState.DRAFT and not is_admin(actor):
        raise NotAllowed(_("This programme is not open."))
    if skill is not None and not skill.is_active:
        raise ServiceError(_("%(skill)s is archived.") % {"skill": skill.name}, field="skill")
    problem = problem_of(programme=programme, mentor=mentor, mentee=mentee)
    if problem:
        raise ServiceError(problem, field="mentor")
    request = MentorRequest.objects.create(
        programme=programme,
        mentee=mentee,
        mentor=mentor,
        skill=skill,
        message=message.strip()[:2000],
    )
    audit(
        actor=actor,
        action="mentoring.request.create",
        obj=request,
        summary=f"{mentee.full_name} asked {mentor.full_name} to mentor them",
    )
    link = _link()

    def write(person: Person) -> tuple[str, str, str]:
        about = (
            _("%(name)s asks you to mentor them in %(skill)s.")
            % {"name": mentee.full_name, "skill": skill.name}
            if skill is not None
            else _("%(name)s asks you to mentor them.") % {"name": mentee.full_name}
        )
        return (
            _("Mentoring request from %(name)s") % {"name": mentee.full_name},
            f"{about} {request.message}".strip(),
            link,
        )

    notify(recipients=_with_user(mentor), kind=Kind.MENTORING, write=write)
    return request


def _check_pending(request: MentorRequest) -> None:
    if request.state != MentorRequestState.PENDING:
        raise Conflict(
            _("This request was already answered (%(state)s).")
            % {"state": MentorRequestState(request.state).label.lower()}
        )


@transaction.atomic
def accept_request(*, actor: User, request: MentorRequest) -> Pair:
    """The mentor accepts: an active pair starts at once (in the request's programme, using
    the mentor's capacity there)."""
    from seedbed.mentoring.matching import score_pair

    if request.mentor.user_id != actor.pk:
        raise NotAllowed(_("Only the person asked can accept."))
    _check_pending(request)
    mentor, mentee, programme = request.mentor, request.mentee, request.programme
    problem = problem_of(
        programme=programme, mentor=mentor, mentee=mentee, ignore_request_id=request.pk
    )
    if problem:
        raise Conflict(problem)
    now = timezone.now()
    scored = score_pair(programme, mentor, mentee)
    values: dict[str, Any] = {}
    focus: list[int] = [request.skill_id] if request.skill_id else []
    if scored is not None:
        values = {
            "score": round(float(scored.score), 6),
            "reasons": list(scored.reasons),
            "weakest": dict(scored.weakest or {}),
        }
        focus += list(scored.focus_skill_ids)
    pair = Pair.objects.create(
        programme=programme,
        mentor=mentor,
        mentee=mentee,
        state=PairState.ACTIVE,
        origin=PairOrigin.REQUEST,
        mentor_answer=Answer.ACCEPTED,
        mentee_answer=Answer.ACCEPTED,
        published_at=now,
        started_at=now,
        last_activity_at=now,
        **values,
    )
    pair.focus_skills.set(list(dict.fromkeys(focus))[:5])
    request.state = MentorRequestState.ACCEPTED
    request.answered_at = now
    request.pair = pair
    request.save(update_fields=["state", "answered_at", "pair"])
    audit(
        actor=actor,
        action="mentoring.request.accept",
        obj=request,
        summary=f"{mentor.full_name} accepted to mentor {mentee.full_name}",
    )
    link = _link()

    def write(person: Person) -> tuple[str, str, str]:
        return (
            _("%(name)s will mentor you") % {"name": mentor.full_name},
            _("%(name)s accepted your request. Plan your first session.")
            % {"name": mentor.full_name},
            link,
        )

    notify(recipients=_with_user(mentee), kind=Kind.MENTORING, write=write)
    return pair


@transaction.atomic
def decline_request(*, actor: User, request: MentorRequest) -> MentorRequest:
    if request.mentor.user_id != actor.pk:
        raise NotAllowed(_("Only the person asked can decline."))
    _check_pending(request)
    request.state = MentorRequestState.DECLINED
    request.answered_at = timezone.now()
    request.save(update_fields=["state", "answered_at"])
    audit(
        actor=actor,
        action="mentoring.request.decline",
        obj=request,
        summary=f"{request.mentor.full_name} declined to mentor {request.mentee.full_name}",
    )
    mentor = request.mentor
    link = _link()

    def write(person: Person) -> tuple[str, str, str]:
        return (
            _("%(name)s cannot mentor you now") % {"name": mentor.full_name},
            _("%(name)s declined your request. Ask someone else, or join a programme.")
            % {"name": mentor.full_name},
            link,
        )

    notify(recipients=_with_user(request.mentee), kind=Kind.MENTORING, write=write)
    return request


@transaction.atomic
def withdraw_request(*, actor: User, request: MentorRequest) -> MentorRequest:
    if request.mentee.user_id != actor.pk:
        raise NotAllowed(_("Only the person who asked can withdraw the request."))
    _check_pending(request)
    request.state = MentorRequestState.WITHDRAWN
    request.answered_at = timezone.now()
    request.save(update_fields=["state", "answered_at"])
    audit(
        actor=actor,
        action="mentoring.request.withdraw",
        obj=request,
        summary=f"{request.mentee.full_name} withdrew the request to {request.mentor.full_name}",
    )
    return request
