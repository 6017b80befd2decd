"""API: taxonomy, scales, skill evidence, a person's current skills and history, and the
validation queue. Skill data of people is read through ``Person.objects.levels_visible_to``
(a person whose levels you may not see is a 404, so their existence does not leak) and the
validation queue through ``validatable_by``; every write goes through
``seedbed.skills.services``, which checks permission."""

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from seedbed.frameworks.models import RoleRequirement
from seedbed.lib.errors import NotFound
from seedbed.lib.schemas import ERRORS, AuthedRequest, Id, Pagination
from seedbed.people.models import Person
from seedbed.skills import services
from seedbed.skills.models import (
    Assertion,
    PersonSkill,
    ProficiencyScale,
    Skill,
    SkillCategory,
    SkillInterest,
    SkillQuerySet,
)
from seedbed.skills.schemas import (
    AssertionFilter,
    AssertionIn,
    AssertionOut,
    CategoryOut,
    InterestIn,
    InterestOut,
    PersonSkillOut,
    QueueItemOut,
    ScaleOut,
    SkillCreateIn,
    SkillFilter,
    SkillOut,
    SkillUpdateIn,
    ValidateIn,
)

router = Router(tags=["skills"])


def _skills() -> SkillQuerySet:
    return Skill.objects.select_related("category")


def get_skill(skill_id: int, *, field: str | None = None) -> Skill:
    skill = _skills().filter(pk=skill_id).first()
    if skill is None:
        raise NotFound(_("No skill with id %(id)s.") % {"id": skill_id}, field=field)
    return skill


def _category(category_id: int) -> SkillCategory:
    category = SkillCategory.objects.filter(pk=category_id).first()
    if category is None:
        raise NotFound(
            _("No skill category with id %(id)s.") % {"id": category_id}, field="category_id"
        )
    return category


def _levels_person(request: AuthedRequest, person_id: int) -> Person:
    """The person if ``request.user`` may see their skill levels, else 404."""
    person = Person.objects.levels_visible_to(request.user).filter(pk=person_id).first()
    if person is None:
        raise NotFound(_("No person with id %(id)s.") % {"id": person_id})
    return person


def _assertions(request: AuthedRequest) -> QuerySet[Assertion]:
    return Assertion.objects.visible_to(request.user).select_related("person", "skill", "rater")


# --- taxonomy ----------------------------------------------------------------------------


@router.get("/skills", response={200: list[SkillOut], **ERRORS})
@paginate(Pagination)
def list_skills(request: AuthedRequest, filters: Query[SkillFilter]) -> QuerySet[Skill]:
    """The taxonomy by name. ``search`` matches every word against names and aliases."""
    qs = _skills()
    if filters.search:
        qs = qs.search(filters.search)
    if filters.category is not None:
        qs = qs.filter(category_id=filters.category)
    if filters.active is not None:
        qs = qs.filter(is_active=filters.active)
    return qs.order_by("name", "id")


@router.get("/skills/{skill_id}", response={200: SkillOut, **ERRORS})
def read_skill(request: AuthedRequest, skill_id: Path[Id]) -> Skill:
    return get_skill(skill_id)


@router.post("/skills", response={201: SkillOut, **ERRORS})
def create_skill(request: AuthedRequest, payload: SkillCreateIn) -> Status[Skill]:
    """Add a skill to the taxonomy (admins); names are unique ignoring case."""
    data: dict[str, Any] = payload.model_dump(exclude={"category_id"})
    data["category"] = _category(payload.category_id)
    skill = services.save_skill(actor=request.user, data=data)
    return Status(201, get_skill(skill.pk))


@router.patch("/skills/{skill_id}", response={200: SkillOut, **ERRORS})
def update_skill(request: AuthedRequest, skill_id: Path[Id], payload: SkillUpdateIn) -> Skill:
    """Change a skill (admins). Only the fields sent change."""
    skill = get_skill(skill_id)
    data: dict[str, Any] = payload.model_dump(exclude_unset=True, exclude={"category_id"})
    if "category_id" in payload.model_fields_set:
        data["category"] = _category(payload.category_id)
    services.save_skill(actor=request.user, skill=skill, data=data)
    return get_skill(skill_id)


@router.get("/skill-categories", response={200: list[CategoryOut], **ERRORS})
@paginate(Pagination)
def list_categories(request: AuthedRequest) -> QuerySet[SkillCategory]:
    """The category tree, flat: follow ``parent_id`` to build it."""
    return SkillCategory.objects.order_by("name", "id")


@router.get("/scales", response={200: list[ScaleOut], **ERRORS})
@paginate(Pagination)
def list_scales(request: AuthedRequest) -> QuerySet[ProficiencyScale]:
    """Proficiency scales with each level's behavioural descriptor."""
    return ProficiencyScale.objects.prefetch_related("levels").order_by("name", "id")


# --- evidence ----------------------------------------------------------------------------


@router.get("/assertions", response={200: list[AssertionOut], **ERRORS})
@paginate(Pagination)
def list_assertions(request: AuthedRequest, filters: Query[AssertionFilter]) -> QuerySet[Assertion]:
    """Skill evidence you may see (yours, your reporting line's; admins all), newest first."""
    qs = _assertions(request)
    if filters.person is not None:
        qs = qs.filter(person_id=filters.person)
    if filters.skill is not None:
        qs = qs.filter(skill_id=filters.skill)
    if filters.source is not None:
        qs = qs.filter(source=filters.source)
    if filters.since is not None:
        qs = qs.filter(created_at__gte=filters.since)
    return qs.order_by("-created_at", "-id")


@router.post("/assertions", response={201: AssertionOut, **ERRORS})
def create_assertion(request: AuthedRequest, payload: AssertionIn) -> Status[Assertion]:
    """Record one piece of evidence. ``self``: only about yourself; ``manager``: about people
    in your reporting line; ``peer``: about an active colleague; ``assessment``,
    ``certification``, ``learning``: admins. Evidence is never changed afterwards."""
    person = Person.objects.visible_to(request.user).filter(pk=payload.person_id).first()
    if person is None:
        raise NotFound(
            _("No person with id %(id)s.") % {"id": payload.person_id}, field="person_id"
        )
    assertion = services.record_assertion(
        actor=request.user,
        person=person,
        skill=get_skill(payload.skill_id, field="skill_id"),
        level=payload.level,
        source=payload.source,
        note=payload.note,
        evidence_url=payload.evidence_url,
        review_by=payload.review_by,
    )
    return Status(201, assertion)


@router.get("/people/{person_id}/skills", response={200: list[PersonSkillOut], **ERRORS})
@paginate(Pagination)
def person_skills(request: AuthedRequest, person_id: Path[Id]) -> QuerySet[PersonSkill]:
    """A person's current levels by skill name, next to what their role requires and how keen
    they are to grow each skill."""
    person = _levels_person(request, person_id)
    requirement = RoleRequirement.objects.filter(role__people=person, skill_id=OuterRef("skill_id"))
    interest = SkillInterest.objects.filter(person_id=person.pk, skill_id=OuterRef("skill_id"))
    return (
        PersonSkill.objects.visible_to(request.user)
        .filter(person=person)
        .select_related("skill")
        .annotate(
            required_level=Subquery(requirement.values("required_level")[:1]),
            importance=Subquery(requirement.values("importance")[:1]),
            interest=Subquery(interest.values("interest")[:1]),
        )
        .order_by("skill__name", "skill_id")
    )


@router.get(
    "/people/{person_id}/skills/{skill_id}/history", response={200: list[AssertionOut], **ERRORS}
)
@paginate(Pagination)
def skill_history(
    request: AuthedRequest, person_id: Path[Id], skill_id: Path[Id]
) -> QuerySet[Assertion]:
    """Every assertion about this person and skill, newest first."""
    person = _levels_person(request, person_id)
    skill = get_skill(skill_id)
    return _assertions(request).filter(person=person, skill=skill).order_by("-created_at", "-id")


@router.put("/people/{person_id}/skills/{skill_id}/interest", response={200: InterestOut, **ERRORS})
def set_interest(
    request: AuthedRequest, person_id: Path[Id], skill_id: Path[Id], payload: InterestIn
) -> SkillInterest:
    """Say how keen you are to grow a skill (only for yourself)."""
    person = _levels_person(request, person_id)
    return services.set_interest(
        actor=request.user, person=person, skill=get_skill(skill_id), interest=payload.interest
    )


# --- validation queue --------------------------------------------------------------------


@router.get("/validation-queue", response={200: list[QueueItemOut], **ERRORS})
@paginate(Pagination)
def validation_queue(request: AuthedRequest) -> QuerySet[PersonSkill]:
    """Self-ratings of your reporting line waiting for you, oldest first."""
    return (
        PersonSkill.objects.pending_for(request.user)
        .select_related("person", "skill", "pending_assertion")
        .order_by("self_assessed_at", "id")
    )


@router.post("/validation-queue/{person_skill_id}", response={201: AssertionOut, **ERRORS})
def validate(
    request: AuthedRequest, person_skill_id: Path[Id], payload: ValidateIn
) -> Status[Assertion]:
    """Accept a self-rating as it is, or adjust it to another level with a note saying why.
    Records a manager validation; the response is that assertion."""
    ps = PersonSkill.objects.filter(
        pk=person_skill_id, person__in=Person.objects.validatable_by(request.user)
    ).first()
    if ps is None:
        raise NotFound(
            _("No rating with id %(id)s among the people you validate.") % {"id": person_skill_id}
        )
    assertion = services.validate_rating(
        actor=request.user, person_skill=ps, level=payload.level, note=payload.note
    )
    return Status(201, assertion)
