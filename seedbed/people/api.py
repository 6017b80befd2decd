"""API: people and teams. Reads go through ``Person.objects.visible_to``; writes through
``seedbed.people.services`` (which allow admins only)."""

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from seedbed.frameworks.models import Role
from seedbed.lib.errors import NotFound
from seedbed.lib.schemas import ERRORS, AuthedRequest, Id, Pagination
from seedbed.people import services
from seedbed.people.models import Person, Team
from seedbed.people.schemas import (
    DeactivateIn,
    PeopleFilter,
    PersonCreateIn,
    PersonOut,
    PersonUpdateIn,
    TeamCreateIn,
    TeamFilter,
    TeamOut,
    TeamUpdateIn,
)

router = Router(tags=["people"])


def _people(request: AuthedRequest) -> QuerySet[Person]:
    return Person.objects.visible_to(request.user).select_related("team", "role", "manager")


def get_person(request: AuthedRequest, person_id: int) -> Person:
    """The person with this id if ``request.user`` may see them, else 404."""
    person = _people(request).filter(pk=person_id).first()
    if person is None:
        raise NotFound(_("No person with id %(id)s.") % {"id": person_id})
    return person


def _resolve(request: AuthedRequest, data: dict[str, Any]) -> dict[str, Any]:
    """Turn ``team_id``/``role_id``/``manager_id`` into objects, with a clear message for each
    id that does not exist; join languages into the stored comma-separated form."""
    out = {k: v for k, v in data.items() if k not in ("team_id", "role_id", "manager_id")}
    if data.get("team_id") is not None:
        out["team"] = Team.objects.filter(pk=data["team_id"]).first()
        if out["team"] is None:
            raise NotFound(_("No team with id %(id)s.") % {"id": data["team_id"]}, field="team_id")
    elif "team_id" in data:
        out["team"] = None
    if data.get("role_id") is not None:
        out["role"] = Role.objects.filter(pk=data["role_id"]).first()
        if out["role"] is None:
            raise NotFound(_("No role with id %(id)s.") % {"id": data["role_id"]}, field="role_id")
    elif "role_id" in data:
        out["role"] = None
    if data.get("manager_id") is not None:
        out["manager"] = (
            Person.objects.visible_to(request.user).filter(pk=data["manager_id"]).first()
        )
        if out["manager"] is None:
            raise NotFound(
                _("No person with id %(id)s to be the manager.") % {"id": data["manager_id"]},
                field="manager_id",
            )
    elif "manager_id" in data:
        out["manager"] = None
    if "languages" in data:
        out["languages"] = ", ".join(data["languages"])
    return out


# --- people ------------------------------------------------------------------------------


@router.get("/people", response={200: list[PersonOut], **ERRORS})
@paginate(Pagination)
def list_people(request: AuthedRequest, filters: Query[PeopleFilter]) -> QuerySet[Person]:
    """The people directory, by name. Filter by text (name or email), team, role, direct
    manager, or whether people are still here."""
    qs = _people(request)
    if filters.q:
        qs = qs.filter(Q(full_name__icontains=filters.q) | Q(email__icontains=filters.q))
    if filters.team is not None:
        qs = qs.filter(team_id=filters.team)
    if filters.role is not None:
        qs = qs.filter(role_id=filters.role)
    if filters.manager is not None:
        qs = qs.filter(manager_id=filters.manager)
    if filters.active is not None:
        qs = qs.filter(is_active=filters.active)
    return qs.order_by("full_name", "id")


@router.get("/people/{person_id}", response={200: PersonOut, **ERRORS})
def read_person(request: AuthedRequest, person_id: Path[Id]) -> Person:
    return get_person(request, person_id)


@router.post("/people", response={201: PersonOut, **ERRORS})
def create_person(request: AuthedRequest, payload: PersonCreateIn) -> Status[Person]:
    """Add someone to the organisation (admins). Email must be unique, ignoring case."""
    person = services.save_person(actor=request.user, data=_resolve(request, payload.model_dump()))
    return Status(201, get_person(request, person.pk))


@router.patch("/people/{person_id}", response={200: PersonOut, **ERRORS})
def update_person(request: AuthedRequest, person_id: Path[Id], payload: PersonUpdateIn) -> Person:
    """Change someone's record (admins). Only the fields sent change."""
    person = get_person(request, person_id)
    services.save_person(
        actor=request.user,
        person=person,
        data=_resolve(request, payload.model_dump(exclude_unset=True)),
    )
    return get_person(request, person_id)


@router.post("/people/{person_id}/deactivate", response={200: PersonOut, **ERRORS})
def deactivate_person(
    request: AuthedRequest, person_id: Path[Id], payload: DeactivateIn | None = None
) -> Person:
    """Mark someone as having left (admins): no login, out of active lists; their skill
    history stays. Their direct reports move to their manager."""
    person = get_person(request, person_id)
    services.deactivate_person(
        actor=request.user, person=person, left_on=payload.left_on if payload else None
    )
    return get_person(request, person_id)


@router.get("/people/{person_id}/personal-data", response={200: dict[str, Any], **ERRORS})
def personal_data(request: AuthedRequest, person_id: Path[Id]) -> dict[str, Any]:
    """Everything Seedbed holds about a person (data-subject access request): profile, every
    assertion, current levels, interests and audit entries. Admins, or the person themselves."""
    return services.personal_data_export(actor=request.user, person=get_person(request, person_id))


@router.post("/people/{person_id}/erase", response={200: PersonOut, **ERRORS})
def erase_person(request: AuthedRequest, person_id: Path[Id]) -> Person:
    """Personal-data erasure (admins): anonymise the person and remove notes, links, interests
    and their login; levels stay as anonymous figures."""
    services.erase_person(actor=request.user, person=get_person(request, person_id))
    return get_person(request, person_id)


# --- teams -------------------------------------------------------------------------------


def _teams() -> QuerySet[Team]:
    return Team.objects.annotate(member_count=Count("members", filter=Q(members__is_active=True)))


def get_team(team_id: int) -> Team:
    team = _teams().filter(pk=team_id).first()
    if team is None:
        raise NotFound(_("No team with id %(id)s.") % {"id": team_id})
    return team


def _resolve_team(data: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in data.items() if k != "parent_id"}
    if data.get("parent_id") is not None:
        out["parent"] = Team.objects.filter(pk=data["parent_id"]).first()
        if out["parent"] is None:
            raise NotFound(
                _("No team with id %(id)s.") % {"id": data["parent_id"]}, field="parent_id"
            )
    elif "parent_id" in data:
        out["parent"] = None
    return out


@router.get("/teams", response={200: list[TeamOut], **ERRORS})
@paginate(Pagination)
def list_teams(request: AuthedRequest, filters: Query[TeamFilter]) -> QuerySet[Team]:
    """All teams by name, with their number of active members."""
    qs = _teams()
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    if filters.parent is not None:
        qs = qs.filter(parent_id=filters.parent)
    return qs.order_by("name", "id")


@router.get("/teams/{team_id}", response={200: TeamOut, **ERRORS})
def read_team(request: AuthedRequest, team_id: Path[Id]) -> Team:
    return get_team(team_id)


@router.post("/teams", response={201: TeamOut, **ERRORS})
def create_team(request: AuthedRequest, payload: TeamCreateIn) -> Status[Team]:
    """Create a team (admins); names are unique ignoring case."""
    team = services.save_team(actor=request.user, data=_resolve_team(payload.model_dump()))
    return Status(201, get_team(team.pk))


@router.patch("/teams/{team_id}", response={200: TeamOut, **ERRORS})
def update_team(request: AuthedRequest, team_id: Path[Id], payload: TeamUpdateIn) -> Team:
    """Rename a team, move it under another team, or change its description (admins)."""
    team = get_team(team_id)
    services.save_team(
        actor=request.user, team=team, data=_resolve_team(payload.model_dump(exclude_unset=True))
    )
    return get_team(team_id)
