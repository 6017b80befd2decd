"""Mentoring API: the programmes area. Programmes (HR creates and runs them; everyone sees
those that are not drafts), sign-up, matching runs and the proposal, review (lock, swap,
remove), publishing, re-matching, answers to a pair, self-service requests and one's own pairs.
Reads are scoped by ``Programme.objects.visible_to``, ``Pair.objects.visible_to`` and
``requests_visible_to``; every change goes through ``seedbed.mentoring.services.programmes*``,
the same operations the pages use."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from seedbed.frameworks.models import Role
from seedbed.lib.errors import NotAllowed, NotFound, ServiceError
from seedbed.lib.schemas import ERRORS, AuthedRequest, Id, Pagination
from seedbed.mentoring.models import (
    MentorRequest,
    Pair,
    Participant,
    Programme,
)
from seedbed.mentoring.schemas_programmes import (
    MatchedPairFilter,
    MatchedPairOut,
    MatchingProposalOut,
    MatchingPublishedOut,
    MatchingRunIn,
    MentorRequestFilter,
    MentorRequestIn,
    MentorRequestOut,
    MentorRequestPreviewFilter,
    MentorRequestPreviewOut,
    PairAnswerIn,
    PairLockIn,
    PairSwapIn,
    ProgrammeFilter,
    ProgrammeIn,
    ProgrammeMentorOut,
    ProgrammeOut,
    ProgrammeParticipantFilter,
    ProgrammeParticipantOut,
    ProgrammeParticipationIn,
    ProgrammeStateIn,
)
from seedbed.mentoring.services import programmes as services
from seedbed.mentoring.services import programmes_matching as matching
from seedbed.mentoring.services import programmes_queries as queries
from seedbed.mentoring.services import programmes_requests as requests
from seedbed.people.models import Person, Team
from seedbed.skills.models import Skill

router = Router(tags=["mentoring programmes"])
WITH_CONFLICT = {**ERRORS, 409: ERRORS[400]}


# --- lookups ------------------------------------------------------------------------------


@contextmanager
def _field_renamed(service_name: str, api_name: str) -> Iterator[None]:
    """Service errors name model fields ("mentor"); this API's bodies send ids ("mentor_id")."""
    try:
        yield
    except ServiceError as exc:
        if exc.field == service_name:
            exc.field = api_name
        raise


def _programmes(request: AuthedRequest) -> Any:
    return queries.programmes_for(request.user).prefetch_related(
        "skills", "eligible_teams", "eligible_roles"
    )


def _programme(request: AuthedRequest, programme_id: int) -> Programme:
    found: Programme | None = _programmes(request).filter(pk=programme_id).first()
    if found is None:
        raise NotFound(_("No programme with id %(id)s.") % {"id": programme_id})
    return found


def _admin_programme(request: AuthedRequest, programme_id: int) -> Programme:
    programme = _programme(request, programme_id)
    services.check_admin(request.user)
    return programme


def _by_ids[T](model: type[T], ids: list[int], field: str, label: str) -> list[T]:
    unique = sorted(set(ids))
    found = list(model.objects.filter(pk__in=unique))  # type: ignore[attr-defined]
    missing = set(unique) - {int(x.pk) for x in found}  # type: ignore[attr-defined]
    if missing:
        raise NotFound(
            _("No %(what)s with id %(id)s.") % {"what": label, "id": min(missing)}, field=field
        )
    return found


def _pairs(request: AuthedRequest) -> QuerySet[Pair]:
    return (
        Pair.objects.visible_to(request.user)
        .select_related("mentor", "mentee")
        .prefetch_related("focus_skills")
    )


def _pair_out(request: AuthedRequest, pair_id: int) -> Pair:
    found = _pairs(request).filter(pk=pair_id).first()
    if found is None:
        raise NotFound(_("No pair with id %(id)s.") % {"id": pair_id})
    return found


def _proposal_pair(request: AuthedRequest, programme: Programme, pair_id: int) -> Pair:
    found = _pairs(request).filter(programme=programme, pk=pair_id).first()
    if found is None:
        raise NotFound(_("No pair with id %(id)s in this programme.") % {"id": pair_id})
    return found


def _programme_input(payload: ProgrammeIn) -> services.ProgrammeInput:
    return services.ProgrammeInput(
        name=payload.name,
        description=payload.description,
        purpose=payload.purpose,
        kind=payload.kind,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        duration_weeks=payload.duration_weeks,
        weights=payload.weights.model_dump() if payload.weights is not None else None,
        objective=payload.objective,
        team_preference=payload.team_preference,
        require_shared_language=payload.require_shared_language,
        min_score=payload.min_score,
        quiet_after_days=payload.quiet_after_days,
        skills=_by_ids(Skill, payload.skill_ids, "skill_ids", _("skill")),
        eligible_teams=_by_ids(Team, payload.eligible_team_ids, "eligible_team_ids", _("team")),
        eligible_roles=_by_ids(Role, payload.eligible_role_ids, "eligible_role_ids", _("role")),
    )


# --- programmes ---------------------------------------------------------------------------


@router.get("/mentoring/programmes", response={200: list[ProgrammeOut], **ERRORS})
@paginate(Pagination)
def list_programmes(request: AuthedRequest, filters: Query[ProgrammeFilter]) -> Any:
    """Programmes you may see (HR: drafts too), newest first, with counts of mentors,
    mentees and active pairs, and whether you joined."""
    return queries.programmes_for(
        request.user,
        q=" ".join(filters.q.split()),
        purpose=filters.purpose or "",
        state=filters.state or "",
        kind=filters.kind or "",
        joined=bool(filters.joined),
    ).prefetch_related("skills", "eligible_teams", "eligible_roles")


@router.post("/mentoring/programmes", response={201: ProgrammeOut, **ERRORS})
def create_programme(request: AuthedRequest, payload: ProgrammeIn) -> Status[Any]:
    """HR: a new programme, as a draft."""
    services.check_admin(request.user)
    created = services.create_programme(actor=request.user, data=_programme_input(payload))
    return Status(201, _programme(request, created.pk))


@router.get("/mentoring/programmes/{programme_id}", response={200: ProgrammeOut, **ERRORS})
def read_programme(request: AuthedRequest, programme_id: Path[Id]) -> Programme:
    return _programme(request, programme_id)


@router.put("/mentoring/programmes/{programme_id}", response={200: ProgrammeOut, **WITH_CONFLICT})
def update_programme(
    request: AuthedRequest, programme_id: Path[Id], payload: ProgrammeIn
) -> Programme:
    """HR: replace a programme's settings (weights omitted: unchanged)."""
    programme = _admin_programme(request, programme_id)
    services.update_programme(
        actor=request.user, programme=programme, data=_programme_input(payload)
    )
    return _programme(request, programme_id)


@router.delete("/mentoring/programmes/{programme_id}", response={204: None, **WITH_CONFLICT})
def delete_programme(request: AuthedRequest, programme_id: Path[Id]) -> Status[None]:
    """HR: delete a draft without pairs."""
    services.delete_programme(actor=request.user, programme=_admin_programme(request, programme_id))
    return Status(204, None)


@router.post(
    "/mentoring/programmes/{programme_id}/state", response={200: ProgrammeOut, **WITH_CONFLICT}
)
def set_state(
    request: AuthedRequest, programme_id: Path[Id], payload: ProgrammeStateIn
) -> Programme:
    """HR: draft → open → running → closed (see the programme services for the rules)."""
    services.set_state(
        actor=request.user,
        programme=_admin_programme(request, programme_id),
        state=payload.state,
    )
    return _programme(request, programme_id)


# --- participants and sign-up -------------------------------------------------------------


def _participants(
    programme: Programme, filters: ProgrammeParticipantFilter, *, mentors_only: bool
) -> Any:
    team = None
    if filters.team_id is not None:
        team = Team.objects.filter(pk=filters.team_id).first()
        if team is None:
            raise NotFound(_("No team with id %(id)s.") % {"id": filters.team_id}, field="team")
    qs = queries.participants_of(
        programme,
        q=" ".join(filters.q.split()),
        role=(filters.role or "") if not mentors_only else "",
        team=team,
        skill=" ".join(filters.skill.split()),
        paired={True: "yes", False: "no", None: ""}[filters.paired] if not mentors_only else "",
        mentors_only=mentors_only,
    )
    return qs


@router.get(
    "/mentoring/programmes/{programme_id}/participants",
    response={200: list[ProgrammeParticipantOut], **ERRORS},
)
@paginate(Pagination)
def list_participants(
    request: AuthedRequest, programme_id: Path[Id], filters: Query[ProgrammeParticipantFilter]
) -> Any:
    """HR: everyone signed up, with everything they said (goals, exclusions)."""
    return _participants(_admin_programme(request, programme_id), filters, mentors_only=False)


@router.get(
    "/mentoring/programmes/{programme_id}/mentors",
    response={200: list[ProgrammeMentorOut], **ERRORS},
)
@paginate(Pagination)
def list_mentors(
    request: AuthedRequest, programme_id: Path[Id], filters: Query[ProgrammeParticipantFilter]
) -> Any:
    """The programme's mentors, whom a mentee may ask directly (``role`` and ``paired`` do
    not apply here)."""
    return _participants(_programme(request, programme_id), filters, mentors_only=True)


def _participant_out(participant: Participant) -> Participant:
    found = queries.participants_of(participant.programme).filter(pk=participant.pk).first()
    assert found is not None
    return found


def _whose(request: AuthedRequest, person_id: int | None) -> Person:
    if person_id is None:
        me = services.person_of(request.user)
        if me is None:
            raise NotAllowed(_("Your login belongs to no person in the organisation."))
        return me
    services.check_admin(request.user)
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound(_("No person with id %(id)s.") % {"id": person_id}, field="person_id")
    return person


def _participation(programme: Programme, person: Person) -> Participant:
    found = (
        Participant.objects.filter(programme=programme, person=person, is_active=True)
        .select_related("person", "programme")
        .first()
    )
    if found is None:
        raise NotFound(_("%(name)s has not joined this programme.") % {"name": person.full_name})
    return found


def _participation_input(payload: ProgrammeParticipationIn) -> services.ParticipationInput:
    return services.ParticipationInput(
        role=payload.role,
        capacity=payload.capacity,
        availability=payload.availability,
        hours_per_month=payload.hours_per_month,
        languages=payload.languages,
        timezone=payload.timezone,
        goals=payload.goals,
        wants_skills=_by_ids(Skill, payload.wants_skill_ids, "wants_skill_ids", _("skill")),
        offers_skills=_by_ids(Skill, payload.offers_skill_ids, "offers_skill_ids", _("skill")),
        excluded=_by_ids(Person, payload.excluded_ids, "excluded_ids", _("person")),
    )


@router.get(
    "/mentoring/programmes/{programme_id}/participation",
    response={200: ProgrammeParticipantOut, **ERRORS},
)
def read_participation(
    request: AuthedRequest, programme_id: Path[Id], person_id: Id | None = None
) -> Participant:
    """Your sign-up (HR: anyone's, by ``person_id``)."""
    programme = _programme(request, programme_id)
    return _participant_out(_participation(programme, _whose(request, person_id)))


@router.post(
    "/mentoring/programmes/{programme_id}/participation",
    response={201: ProgrammeParticipantOut, **WITH_CONFLICT},
)
def join_programme(
    request: AuthedRequest, programme_id: Path[Id], payload: ProgrammeParticipationIn
) -> Status[Any]:
    """Join as mentor, mentee or both (HR may sign up someone else by ``person_id``)."""
    programme = _programme(request, programme_id)
    person = _whose(request, payload.person_id)
    joined = services.join_programme(
        actor=request.user,
        programme=programme,
        person=person,
        data=_participation_input(payload),
    )
    return Status(201, _participant_out(joined))


@router.put(
    "/mentoring/programmes/{programme_id}/participation",
    response={200: ProgrammeParticipantOut, **WITH_CONFLICT},
)
def update_participation(
    request: AuthedRequest, programme_id: Path[Id], payload: ProgrammeParticipationIn
) -> Participant:
    """Change a sign-up (everything it says; omitted languages and time zone come from the
    person)."""
    programme = _programme(request, programme_id)
    participant = _participation(programme, _whose(request, payload.person_id))
    services.update_participation(
        actor=request.user, participant=participant, data=_participation_input(payload)
    )
    return _participant_out(participant)


@router.delete(
    "/mentoring/programmes/{programme_id}/participation",
    response={204: None, **WITH_CONFLICT},
)
def leave_programme(
    request: AuthedRequest, programme_id: Path[Id], person_id: Id | None = None
) -> Status[None]:
    """Leave (HR: sign someone out by ``person_id``)."""
    programme = _programme(request, programme_id)
    participant = _participation(programme, _whose(request, person_id))
    services.leave_programme(actor=request.user, participant=participant)
    return Status(204, None)


# --- matching and review ------------------------------------------------------------------


def _proposal_out(programme: Programme) -> dict[str, Any]:
    view = matching.proposal(programme)
    run = view.last_run
    return {
        "programme_id": programme.pk,
        "objective": view.objective,
        "ran_at": run.get("ran_at"),
        "seconds": run.get("seconds"),
        "mentees": view.mentees,
        "mentees_matched": view.mentees_matched,
        "mentors": view.mentors,
        "capacity": view.capacity,
        "capacity_used": view.capacity_used,
        "total_score": round(view.total_score, 6),
        "proposed": [row.pair for row in view.proposed],
        "unmatched": [
            {
                "person_id": row.participant.person_id,
                "person_name": row.participant.person.full_name,
                "side": row.side,
                "reason": row.reason,
            }
            for row in view.unmatched
        ],
    }


@router.get(
    "/mentoring/programmes/{programme_id}/proposal", response={200: MatchingProposalOut, **ERRORS}
)
def read_proposal(request: AuthedRequest, programme_id: Path[Id]) -> Any:
    """HR: the proposed pairs (reasons and weakest point in words), who is left without a
    pair and why, and the totals."""
    return _proposal_out(_admin_programme(request, programme_id))


@router.post(
    "/mentoring/programmes/{programme_id}/matching",
    response={200: MatchingProposalOut, **WITH_CONFLICT},
)
def run_matching(request: AuthedRequest, programme_id: Path[Id], payload: MatchingRunIn) -> Any:
    """HR: run the matcher; it replaces the unlocked proposed pairs (locked, published,
    active and declined pairs stay)."""
    programme = _admin_programme(request, programme_id)
    matching.run_matching(actor=request.user, programme=programme, objective=payload.objective)
    programme.refresh_from_db()
    return _proposal_out(programme)


@router.post(
    "/mentoring/programmes/{programme_id}/rematch",
    response={200: MatchingProposalOut, **WITH_CONFLICT},
)
def rematch(request: AuthedRequest, programme_id: Path[Id]) -> Any:
    """HR: match again whoever is left without a pair, with the programme's objective."""
    programme = _admin_programme(request, programme_id)
    matching.rematch(actor=request.user, programme=programme)
    programme.refresh_from_db()
    return _proposal_out(programme)


@router.post(
    "/mentoring/programmes/{programme_id}/publish",
    response={200: MatchingPublishedOut, **WITH_CONFLICT},
)
def publish(request: AuthedRequest, programme_id: Path[Id]) -> Any:
    """HR: every proposed pair now waits for both sides' answers; both are told."""
    count = matching.publish(actor=request.user, programme=_admin_programme(request, programme_id))
    return {"published": count}


@router.post(
    "/mentoring/programmes/{programme_id}/proposal/{pair_id}/lock",
    response={200: MatchedPairOut, **WITH_CONFLICT},
)
def lock_pair(
    request: AuthedRequest, programme_id: Path[Id], pair_id: Path[Id], payload: PairLockIn
) -> Pair:
    """HR: a locked proposed pair survives later runs."""
    programme = _admin_programme(request, programme_id)
    pair = _proposal_pair(request, programme, pair_id)
    matching.lock_pair(actor=request.user, pair=pair, locked=payload.locked)
    return _pair_out(request, pair_id)


@router.post(
    "/mentoring/programmes/{programme_id}/proposal/{pair_id}/swap",
    response={200: MatchedPairOut, **WITH_CONFLICT},
)
def swap_mentor(
    request: AuthedRequest, programme_id: Path[Id], pair_id: Path[Id], payload: PairSwapIn
) -> Pair:
    """HR: give the pair's mentee another mentor of the programme. A hard rule it breaks
    is refused with the rule; the pair takes the matcher's score and reasons and is locked."""
    programme = _admin_programme(request, programme_id)
    pair = _proposal_pair(request, programme, pair_id)
    mentor = Person.objects.filter(pk=payload.mentor_id).first()
    if mentor is None:
        raise NotFound(
            _("No person with id %(id)s.") % {"id": payload.mentor_id}, field="mentor_id"
        )
    with _field_renamed("mentor", "mentor_id"):
        matching.swap_mentor(actor=request.user, pair=pair, mentor=mentor)
    return _pair_out(request, pair_id)


@router.delete(
    "/mentoring/programmes/{programme_id}/proposal/{pair_id}",
    response={204: None, **WITH_CONFLICT},
)
def remove_pair(request: AuthedRequest, programme_id: Path[Id], pair_id: Path[Id]) -> Any:
    """HR: drop a proposed pair."""
    programme = _admin_programme(request, programme_id)
    matching.remove_pair(actor=request.user, pair=_proposal_pair(request, programme, pair_id))
    return Status(204, None)


@router.get(
    "/mentoring/programmes/{programme_id}/pairs", response={200: list[MatchedPairOut], **ERRORS}
)
@paginate(Pagination)
def list_programme_pairs(
    request: AuthedRequest, programme_id: Path[Id], filters: Query[MatchedPairFilter]
) -> Any:
    """The programme's pairs you may see (HR: all, proposals too; others: their own and
    their reporting line's, once published), best score first."""
    programme = _programme(request, programme_id)
    qs = _pairs(request).filter(programme=programme)
    if filters.state is not None:
        qs = qs.filter(state=filters.state)
    return qs.order_by("-score", "id")


# --- answers and my pairs -----------------------------------------------------------------


@router.post("/mentoring/pairs/{pair_id}/answer", response={200: MatchedPairOut, **WITH_CONFLICT})
def answer_pair(request: AuthedRequest, pair_id: Path[Id], payload: PairAnswerIn) -> Pair:
    """The mentor or mentee of a published pair accepts or declines it: both accept → the
    pair is active; one declines → it is declined and HR is told."""
    pair = _pair_out(request, pair_id)
    matching.answer(actor=request.user, pair=pair, accept=payload.answer == "accept")
    return _pair_out(request, pair_id)


@router.get("/mentoring/me/pairs", response={200: list[MatchedPairOut], **ERRORS})
@paginate(Pagination)
def my_pairs(request: AuthedRequest, filters: Query[MatchedPairFilter]) -> Any:
    """Your pairs, as mentor or mentee (proposals are HR's until published), newest first."""
    qs = _pairs(request).filter(Q(mentor__user=request.user) | Q(mentee__user=request.user))
    if filters.state is not None:
        qs = qs.filter(state=filters.state)
    return qs.order_by("-created_at", "-id")


# --- requests -----------------------------------------------------------------------------


def _request(request: AuthedRequest, request_id: int) -> MentorRequest:
    found = (
        requests.requests_visible_to(request.user)
        .select_related("mentor", "mentee", "programme")
        .filter(pk=request_id)
        .first()
    )
    if found is None:
        raise NotFound(_("No request with id %(id)s.") % {"id": request_id})
    return found


def _request_programme(request: AuthedRequest, programme_id: int | None, field: str) -> Any:
    if programme_id is None:
        return None
    programme = Programme.objects.visible_to(request.user).filter(pk=programme_id).first()
    if programme is None:
        raise NotFound(_("No programme with id %(id)s.") % {"id": programme_id}, field=field)
    return programme


def _person(person_id: int, field: str) -> Person:
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound(_("No person with id %(id)s.") % {"id": person_id}, field=field)
    return person


@router.get("/mentoring/requests", response={200: list[MentorRequestOut], **ERRORS})
@paginate(Pagination)
def list_requests(request: AuthedRequest, filters: Query[MentorRequestFilter]) -> Any:
    """Requests you received or sent (HR: all), newest first."""
    qs = requests.requests_visible_to(request.user).select_related("mentor", "mentee")
    if filters.direction == "received":
        qs = qs.filter(mentor__user=request.user)
    elif filters.direction == "sent":
        qs = qs.filter(mentee__user=request.user)
    if filters.state is not None:
        qs = qs.filter(state=filters.state)
    return qs.order_by("-created_at", "-id")


@router.get("/mentoring/requests/preview", response={200: MentorRequestPreviewOut, **ERRORS})
def preview_request(request: AuthedRequest, filters: Query[MentorRequestPreviewFilter]) -> Any:
    """Before asking: the hard rule a request would break, or the pair's score and
    reasons as the matcher sees them (in the programme, if one is named)."""
    me = _whose(request, None)
    mentor = _person(filters.mentor, "mentor")
    programme = _request_programme(request, filters.programme, "programme")
    found = requests.preview(programme=programme, mentor=mentor, mentee=me)
    return {
        "allowed": not found.problem,
        "problem": found.problem,
        "score": found.score,
        "reasons": found.strongest,
        "weakest": found.weakest,
    }


@router.post("/mentoring/requests", response={201: MentorRequestOut, **ERRORS})
def create_request(request: AuthedRequest, payload: MentorRequestIn) -> Status[Any]:
    """Ask someone to mentor you, in a programme you both joined or outside any."""
    mentor = _person(payload.mentor_id, "mentor_id")
    programme = _request_programme(request, payload.programme_id, "programme_id")
    skill = None
    if payload.skill_id is not None:
        skill = Skill.objects.filter(pk=payload.skill_id).first()
        if skill is None:
            raise NotFound(
                _("No skill with id %(id)s.") % {"id": payload.skill_id}, field="skill_id"
            )
    with _field_renamed("mentor", "mentor_id"):
        sent = requests.ask_mentor(
            actor=request.user,
            mentor=mentor,
            programme=programme,
            skill=skill,
            message=payload.message,
        )
    return Status(201, _request(request, sent.pk))


@router.post(
    "/mentoring/requests/{request_id}/accept", response={200: MatchedPairOut, **WITH_CONFLICT}
)
def accept_request(request: AuthedRequest, request_id: Path[Id]) -> Pair:
    """The person asked accepts: an active pair starts."""
    pair = requests.accept_request(actor=request.user, request=_request(request, request_id))
    return _pair_out(request, pair.pk)


@router.post(
    "/mentoring/requests/{request_id}/decline", response={200: MentorRequestOut, **WITH_CONFLICT}
)
def decline_request(request: AuthedRequest, request_id: Path[Id]) -> MentorRequest:
    requests.decline_request(actor=request.user, request=_request(request, request_id))
    return _request(request, request_id)


@router.post(
    "/mentoring/requests/{request_id}/withdraw", response={200: MentorRequestOut, **WITH_CONFLICT}
)
def withdraw_request(request: AuthedRequest, request_id: Path[Id]) -> MentorRequest:
    requests.withdraw_request(actor=request.user, request=_request(request, request_id))
    return _request(request, request_id)
