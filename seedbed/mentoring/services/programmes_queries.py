"""Read models of the programmes area: the programme list with its counts, a programme's
participants, and one person's mentoring (programmes, pairs, answers due, requests). Each
reads a fixed number of queries whatever the number of rows; scoping goes through
``Programme.objects.visible_to``, ``Pair.objects.visible_to`` and ``requests_visible_to``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from seedbed.mentoring.models import (
    Answer,
    MentorRequest,
    MentorRequestState,
    Pair,
    PairState,
    Participant,
    ParticipantRole,
    Programme,
    ProgrammeQuerySet,
    ProgrammeState,
)
from seedbed.mentoring.services.programmes import OPEN_STATES, eligibility_problem
from seedbed.mentoring.services.programmes_requests import requests_visible_to
from seedbed.mentoring.services.programmes_rules import LIVE
from seedbed.people.models import Person, Team
from seedbed.skills.models import Skill

if TYPE_CHECKING:
    from seedbed.accounts.models import User

MENTOR_ROLES = (ParticipantRole.MENTOR, ParticipantRole.BOTH)
MENTEE_ROLES = (ParticipantRole.MENTEE, ParticipantRole.BOTH)


def programmes_for(
    user: User,
    *,
    q: str = "",
    purpose: str = "",
    state: str = "",
    kind: str = "",
    joined: bool = False,
) -> ProgrammeQuerySet:
    """Programmes ``user`` may see, filtered, with counts of mentors, mentees and live pairs
    and whether the user has joined (annotations: one query for a page)."""
    active = Q(participants__is_active=True)
    mine = Participant.objects.filter(programme=OuterRef("pk"), person__user=user, is_active=True)
    qs = Programme.objects.visible_to(user).annotate(
        mentor_count=Count(
            "participants", filter=active & Q(participants__role__in=MENTOR_ROLES), distinct=True
        ),
        mentee_count=Count(
            "participants", filter=active & Q(participants__role__in=MENTEE_ROLES), distinct=True
        ),
        active_pairs=Count("pairs", filter=Q(pairs__state=PairState.ACTIVE), distinct=True),
        joined=Exists(mine),
    )
    if q:
        for word in q.split()[:8]:
            qs = qs.filter(Q(name__icontains=word) | Q(description__icontains=word))
    if purpose:
        qs = qs.filter(purpose=purpose)
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    if joined:
        qs = qs.filter(joined=True)
    return qs.order_by("-created_at", "-id")  # type: ignore[return-value]


def participants_of(
    programme: Programme,
    *,
    q: str = "",
    role: str = "",
    team: Team | None = None,
    skill: str = "",
    paired: str = "",
    mentors_only: bool = False,
) -> QuerySet[Participant]:
    """A programme's active participants, filtered, with their people, skills, exclusions
    and the number of live pairs each has as mentor and as mentee (a page: four queries)."""
    live = Pair.objects.filter(programme=programme, state__in=LIVE)
    qs = (
        programme.participants.filter(is_active=True)
        .select_related("person__team", "person__role")
        .prefetch_related(
            Prefetch("offers_skills", queryset=Skill.objects.order_by("name")),
            Prefetch("wants_skills", queryset=Skill.objects.order_by("name")),
            Prefetch("excluded", queryset=Person.objects.order_by("full_name")),
        )
        .annotate(
            mentoring=Coalesce(
                Subquery(
                    live.filter(mentor=OuterRef("person"))
                    .order_by()
                    .values("mentor")
                    .annotate(n=Count("*"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
            mentored=Exists(live.filter(mentee=OuterRef("person"))),
        )
    )
    if mentors_only:
        qs = qs.filter(role__in=MENTOR_ROLES)
    if q:
        for word in q.split()[:8]:
            qs = qs.filter(Q(person__full_name__icontains=word) | Q(person__email__icontains=word))
    if role:
        qs = qs.filter(role=role)
    if team is not None:
        qs = qs.filter(person__team=team)
    if skill:
        qs = qs.filter(offers_skills__in=Skill.objects.search(skill)).distinct()
    if paired == "yes":
        qs = qs.filter(Q(mentoring__gt=0) | Q(mentored=True))
    elif paired == "no":
        qs = qs.filter(mentoring=0, mentored=False)
    return qs.order_by("person__full_name", "id")


@dataclass
class MyMentoring:
    """One person's mentoring at a glance."""

    person: Person | None
    participations: list[Participant] = field(default_factory=list)
    open_programmes: list[Programme] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)
    to_answer: list[Pair] = field(default_factory=list)
    received: list[MentorRequest] = field(default_factory=list)
    sent: list[MentorRequest] = field(default_factory=list)


def my_mentoring(user: User, person: Person | None) -> MyMentoring:
    """The user's programmes, the open ones they may join, their pairs (those waiting for
    their answer apart), and requests they received or sent. About eight queries."""
    found = MyMentoring(person)
    if person is None:
        return found
    found.participations = list(
        Participant.objects.filter(person=person, is_active=True)
        .select_related("programme")
        .exclude(programme__state=ProgrammeState.DRAFT)
        .order_by("programme__name")
    )
    joined = {p.programme_id for p in found.participations}
    candidates = (
        Programme.objects.visible_to(user)
        .filter(state__in=OPEN_STATES)
        .exclude(pk__in=joined)
        .prefetch_related("eligible_teams", "eligible_roles")
        .order_by("name")[:20]
    )
    found.open_programmes = [p for p in candidates if eligibility_problem(p, person) is None]
    pairs = list(
        Pair.objects.visible_to(user)
        .filter(Q(mentor=person) | Q(mentee=person))
        .select_related("mentor", "mentee", "programme")
        .order_by("-created_at", "id")[:100]
    )
    for pair in pairs:
        side_answer = pair.mentor_answer if pair.mentor_id == person.pk else pair.mentee_answer
        if pair.state == PairState.PUBLISHED and side_answer == Answer.PENDING:
            found.to_answer.append(pair)
        found.pairs.append(pair)
    requests = (
        requests_visible_to(user)
        .filter(Q(mentor=person) | Q(mentee=person))
        .select_related("mentor", "mentee", "programme", "skill", "pair")
        .order_by("-created_at")
    )
    recent = list(
        requests.filter(Q(state=MentorRequestState.PENDING) | Q(answered_at__isnull=False))[:50]
    )
    found.received = [r for r in recent if r.mentor_id == person.pk]
    found.sent = [r for r in recent if r.mentee_id == person.pk]
    return found


def programme_summary(programme: Programme) -> dict[str, Any]:
    """Counts for a programme page: participants by side and pairs by state (two queries)."""
    parts = programme.participants.filter(is_active=True).aggregate(
        mentors=Count("pk", filter=Q(role__in=MENTOR_ROLES)),
        mentees=Count("pk", filter=Q(role__in=MENTEE_ROLES)),
        total=Count("pk"),
    )
    by_state = dict(
        programme.pairs.order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    return {**parts, "pairs": {s: by_state.get(s, 0) for s in PairState.values}}
