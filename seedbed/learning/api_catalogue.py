"""API of the learning catalogue and of doing the learning. The catalogue is open to everyone
signed in (HR changes it); enrolments are read through ``enrolments_visible_to`` (the person,
their managers, HR, named assessors), queues through ``approvals_for`` / ``signoffs_for``, hours
through ``hours_visible_to``; people through ``Person.objects.visible_to``. Every change is one
call of ``seedbed.learning.services``, which checks permission."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from seedbed.learning.models import (
    Enrolment,
    ItemSkill,
    LearningHours,
    LearningItem,
    Prerequisite,
    Session,
    SignOff,
)
from seedbed.learning.schemas import (
    AssessorIn,
    AttendanceIn,
    DecisionIn,
    DueDateIn,
    EnrolIn,
    EnrolmentDetailOut,
    EnrolmentFilter,
    EnrolmentOut,
    HoursFilter,
    HoursIn,
    HoursOut,
    ItemCreateIn,
    ItemDetailOut,
    ItemFilter,
    ItemSkillIn,
    ItemUpdateIn,
    LearningItemOut,
    MonthHoursOut,
    PrerequisiteIn,
    PrerequisiteOut,
    ProgressIn,
    ReactionIn,
    SessionIn,
    SessionOut,
    SignOffIn,
    SignOffOut,
    SignOffQueueOut,
)
from seedbed.learning.services import catalogue as catalogue_services
from seedbed.learning.services import enrolments as services
from seedbed.learning.services import hours as hours_services
from seedbed.learning.services import signoff as signoff_services
from seedbed.lib.errors import NotFound, ServiceError
from seedbed.lib.schemas import ERRORS, AuthedRequest, Error, Id, Pagination
from seedbed.people.models import Person
from seedbed.skills.models import Skill

router = Router(tags=["learning"])
WITH_CONFLICT: dict[int, Any] = {**ERRORS, 409: Error}
# Services name model fields; API bodies send ids under these names.
_FIELDS = {
    "requires_item": "requires_item_id",
    "requires_skill": "requires_skill_id",
    "item": "item_id",
    "session": "session_id",
    "assessor": "person_id",
    "enrolment": "enrolment_id",
}


@contextmanager
def _api_fields() -> Iterator[None]:
    """Name the body's field (``session_id``) in a service error about ``session``."""
    try:
        yield
    except ServiceError as exc:
        exc.field = _FIELDS.get(exc.field or "", exc.field)
        raise


# --- lookups -------------------------------------------------------------------------------


def _item(item_id: int, *, field: str | None = None) -> LearningItem:
    item = LearningItem.objects.filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("No learning item with id %(id)s.") % {"id": item_id}, field=field)
    return item


def _items() -> QuerySet[LearningItem]:
    return LearningItem.objects.prefetch_related(
        Prefetch(
            "skills",
            queryset=ItemSkill.objects.select_related("skill").order_by("skill__name"),
            to_attr="skill_list",
        )
    )


def _item_detail(item_id: int) -> LearningItem:
    item = _items().filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("No learning item with id %(id)s.") % {"id": item_id})
    item.prerequisites_out = list(  # type: ignore[attr-defined]
        item.prerequisites.select_related("requires_item", "requires_skill").order_by("id")
    )
    item.sessions_out = list(catalogue_services.sessions_with_seats(item))  # type: ignore[attr-defined]
    return item


def _skill(skill_id: int, field: str) -> Skill:
    skill = Skill.objects.filter(pk=skill_id).first()
    if skill is None:
        raise NotFound(_("No skill with id %(id)s.") % {"id": skill_id}, field=field)
    return skill


def _skills(rows: list[ItemSkillIn]) -> list[tuple[Skill, int]]:
    found = Skill.objects.in_bulk([r.skill_id for r in rows])
    pairs = []
    for row in rows:
        if row.skill_id not in found:
            raise NotFound(_("No skill with id %(id)s.") % {"id": row.skill_id}, field="skills")
        pairs.append((found[row.skill_id], row.level))
    return pairs


def _person(request: AuthedRequest, person_id: int | None, field: str = "person_id") -> Person:
    if person_id is None:
        me = Person.objects.filter(user=request.user).first()
        if me is None:
            raise NotFound(_("Your login is not linked to a person."), field=field)
        return me
    person = Person.objects.visible_to(request.user).filter(pk=person_id).first()
    if person is None:
        raise NotFound(_("No person with id %(id)s.") % {"id": person_id}, field=field)
    return person


def _enrolments(request: AuthedRequest) -> QuerySet[Enrolment]:
    return services.enrolments_visible_to(request.user).select_related("person", "item", "session")


def _enrolment(request: AuthedRequest, enrolment_id: int) -> Enrolment:
    enrolment = _enrolments(request).filter(pk=enrolment_id).first()
    if enrolment is None:
        raise NotFound(_("No enrolment with id %(id)s.") % {"id": enrolment_id})
    return enrolment


def _enrolment_detail(request: AuthedRequest, enrolment_id: int) -> Enrolment:
    enrolment = _enrolment(request, enrolment_id)
    enrolment.signoffs_out = list(  # type: ignore[attr-defined]
        enrolment.signoffs.select_related("assessor").order_by("assessor__full_name")
    )
    enrolment.unmet_out = (  # type: ignore[attr-defined]
        services.unmet_prerequisites(enrolment.person, enrolment.item)
        if enrolment.status in services.OPEN
        else []
    )
    return enrolment


def _reload(request: AuthedRequest, enrolment: Enrolment) -> Enrolment:
    return _enrolment_detail(request, enrolment.pk)


# --- catalogue -----------------------------------------------------------------------------


@router.get("/learning/items", response={200: list[LearningItemOut], **ERRORS})
@paginate(Pagination)
def list_items(request: AuthedRequest, filters: Query[ItemFilter]) -> QuerySet[LearningItem]:
    """The catalogue by title: search title, provider and description; filter by kind,
    skill developed, format, language, free only, maximum cost."""
    qs = catalogue_services.catalogue(
        catalogue_services.CatalogueFilter(
            q=filters.q or "",
            kind=filters.kind or "",
            skill_id=filters.skill_id,
            format=filters.format or "",
            language=filters.language or "",
            free=bool(filters.free),
            max_cost=filters.max_cost,
            archived=filters.archived,
        )
    )
    return qs.prefetch_related(
        Prefetch(
            "skills",
            queryset=ItemSkill.objects.select_related("skill").order_by("skill__name"),
            to_attr="skill_list",
        )
    )


@router.get("/learning/items/{item_id}", response={200: ItemDetailOut, **ERRORS})
def read_item(request: AuthedRequest, item_id: Path[Id]) -> Any:
    """An item with its skills, prerequisites and sessions (seats taken and free)."""
    return _item_detail(item_id)


@router.post("/learning/items", response={201: ItemDetailOut, **ERRORS})
def create_item(request: AuthedRequest, payload: ItemCreateIn) -> Status[Any]:
    """Add an item to the catalogue (HR). Codes are unique, and so are title + provider."""
    data = payload.model_dump(exclude={"skills"})
    item = catalogue_services.save_item(
        actor=request.user, data=data, skills=_skills(payload.skills)
    )
    return Status(201, _item_detail(item.pk))


@router.patch("/learning/items/{item_id}", response={200: ItemDetailOut, **ERRORS})
def update_item(request: AuthedRequest, item_id: Path[Id], payload: ItemUpdateIn) -> Any:
    """Change an item (HR); only the fields sent change. ``is_active: false`` archives it."""
    item = _item(item_id)
    data = payload.model_dump(exclude_unset=True, exclude={"skills", "is_active"})
    skills = _skills(payload.skills) if "skills" in payload.model_fields_set else None
    catalogue_services.save_item(actor=request.user, item=item, data=data, skills=skills)
    if "is_active" in payload.model_fields_set:
        catalogue_services.set_item_active(
            actor=request.user, item=item, active=bool(payload.is_active)
        )
    return _item_detail(item.pk)


@router.post(
    "/learning/items/{item_id}/prerequisites", response={201: PrerequisiteOut, **WITH_CONFLICT}
)
def add_prerequisite(
    request: AuthedRequest, item_id: Path[Id], payload: PrerequisiteIn
) -> Status[Prerequisite]:
    """Before this item: another item completed, or a skill at a level (HR). An item
    prerequisite that would close a cycle is refused, and the cycle named."""
    item = _item(item_id)
    requires_item = (
        _item(payload.requires_item_id, field="requires_item_id")
        if payload.requires_item_id is not None
        else None
    )
    requires_skill = (
        _skill(payload.requires_skill_id, "requires_skill_id")
        if payload.requires_skill_id is not None
        else None
    )
    with _api_fields():
        pre = catalogue_services.add_prerequisite(
            actor=request.user,
            item=item,
            requires_item=requires_item,
            requires_skill=requires_skill,
            requires_level=payload.requires_level,
        )
    return Status(201, pre)


@router.delete("/learning/prerequisites/{prerequisite_id}", response={204: None, **ERRORS})
def remove_prerequisite(request: AuthedRequest, prerequisite_id: Path[Id]) -> Status[None]:
    pre = Prerequisite.objects.select_related("item").filter(pk=prerequisite_id).first()
    if pre is None:
        raise NotFound(_("No prerequisite with id %(id)s.") % {"id": prerequisite_id})
    catalogue_services.remove_prerequisite(actor=request.user, prerequisite=pre)
    return Status(204, None)


def _session_out(session: Session) -> Session:
    return catalogue_services.sessions_with_seats(session.item).get(pk=session.pk)


def _session(session_id: int) -> Session:
    session = Session.objects.select_related("item").filter(pk=session_id).first()
    if session is None:
        raise NotFound(_("No session with id %(id)s.") % {"id": session_id})
    return session


@router.post("/learning/items/{item_id}/sessions", response={201: SessionOut, **ERRORS})
def create_session(
    request: AuthedRequest, item_id: Path[Id], payload: SessionIn
) -> Status[Session]:
    """Plan a dated session with seats (HR; workshops, external training, conferences)."""
    session = catalogue_services.save_session(
        actor=request.user, item=_item(item_id), **payload.model_dump()
    )
    return Status(201, _session_out(session))


@router.put("/learning/sessions/{session_id}", response={200: SessionOut, **ERRORS})
def update_session(request: AuthedRequest, session_id: Path[Id], payload: SessionIn) -> Session:
    """Change a session (HR); seats cannot drop below the people booked."""
    session = _session(session_id)
    catalogue_services.save_session(
        actor=request.user, item=session.item, session=session, **payload.model_dump()
    )
    return _session_out(session)


@router.delete("/learning/sessions/{session_id}", response={204: None, **WITH_CONFLICT})
def delete_session(request: AuthedRequest, session_id: Path[Id]) -> Status[None]:
    """Delete a session nobody is booked on (HR)."""
    catalogue_services.delete_session(actor=request.user, session=_session(session_id))
    return Status(204, None)


# --- enrolments ----------------------------------------------------------------------------


@router.get("/learning/enrolments", response={200: list[EnrolmentOut], **ERRORS})
@paginate(Pagination)
def list_enrolments(request: AuthedRequest, filters: Query[EnrolmentFilter]) -> QuerySet[Enrolment]:
    """Enrolments you may see: yours, your reporting line's, tasks you assess (HR: all)."""
    qs = _enrolments(request)
    if filters.person_id is not None:
        qs = qs.filter(person_id=filters.person_id)
    if filters.item_id is not None:
        qs = qs.filter(item_id=filters.item_id)
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    if filters.open is not None:
        qs = (
            qs.filter(status__in=services.OPEN)
            if filters.open
            else qs.exclude(status__in=services.OPEN)
        )
    return qs.order_by("-created_at", "-id")


@router.post("/learning/enrolments", response={201: EnrolmentDetailOut, **WITH_CONFLICT})
def enrol(request: AuthedRequest, payload: EnrolIn) -> Status[Any]:
    """Enrol yourself (items needing approval start as requested), or, as a manager, someone
    in your reporting line (HR: anyone). A session is required when the item has upcoming
    ones, and a full session is refused."""
    person = _person(request, payload.person_id)
    item = _item(payload.item_id, field="item_id")
    session = None
    if payload.session_id is not None:
        session = Session.objects.filter(pk=payload.session_id, item=item).first()
        if session is None:
            raise NotFound(
                _("No session with id %(id)s of this item.") % {"id": payload.session_id},
                field="session_id",
            )
    with _api_fields():
        enrolment = services.enrol(
            actor=request.user, person=person, item=item, session=session, due_date=payload.due_date
        )
    return Status(201, _reload(request, enrolment))


@router.get("/learning/enrolments/{enrolment_id}", response={200: EnrolmentDetailOut, **ERRORS})
def read_enrolment(request: AuthedRequest, enrolment_id: Path[Id]) -> Any:
    return _enrolment_detail(request, enrolment_id)


@router.post(
    "/learning/enrolments/{enrolment_id}/decision",
    response={200: EnrolmentDetailOut, **WITH_CONFLICT},
)
def decide(request: AuthedRequest, enrolment_id: Path[Id], payload: DecisionIn) -> Any:
    """Approve or reject a request (the person's managers and HR; a rejection needs a note)."""
    enrolment = _enrolment(request, enrolment_id)
    services.decide(
        actor=request.user, enrolment=enrolment, approve=payload.approve, note=payload.note
    )
    return _reload(request, enrolment)


@router.post(
    "/learning/enrolments/{enrolment_id}/progress",
    response={200: EnrolmentDetailOut, **WITH_CONFLICT},
)
def set_progress(request: AuthedRequest, enrolment_id: Path[Id], payload: ProgressIn) -> Any:
    enrolment = _enrolment(request, enrolment_id)
    services.set_progress(actor=request.user, enrolment=enrolment, progress=payload.progress)
    return _reload(request, enrolment)


@router.post(
    "/learning/enrolments/{enrolment_id}/due-date",
    response={200: EnrolmentDetailOut, **WITH_CONFLICT},
)
def set_due_date(request: AuthedRequest, enrolment_id: Path[Id], payload: DueDateIn) -> Any:
    enrolment = _enrolment(request, enrolment_id)
    services.set_due_date(actor=request.user, enrolment=enrolment, due_date=payload.due_date)
    return _reload(request, enrolment)


@router.post(
    "/learning/enrolments/{enrolment_id}/attendance",
    response={200: EnrolmentDetailOut, **WITH_CONFLICT},
)
def mark_attendance(request: AuthedRequest, enrolment_id: Path[Id], payload: AttendanceIn) -> Any:
    """Attended or absent (the person's managers and HR, once the session began)."""
    enrolment = _enrolment(request, enrolment_id)
    services.mark_attendance(actor=request.user, enrolment=enrolment, attended=payload.attended)
    return _reload(request, enrolment)


def _reaction(payload: ReactionIn | None) -> services.Reaction:
    if payload is None:
        return services.Reaction()
    return services.Reaction(
        usefulness=payload.usefulness,
        applicability=payload.applicability,
        would_recommend=payload.would_recommend,
        comment=payload.comment,
        pre_score=payload.pre_score,
        post_score=payload.post_score,
    )


@router.post(
    "/learning/enrolments/{enrolment_id}/complete",
    response={200: EnrolmentDetailOut, **WITH_CONFLICT},
)
def complete(request: AuthedRequest, enrolment_id: Path[Id], payload: ReactionIn) -> Any:
    """Complete an item (not on-the-job tasks: those are signed off) with the optional reaction
    survey and scores. Each skill the item develops gets a "learning" assertion at the item's
    level, waiting for the manager's confirmation in the validation queue."""
    enrolment = _enrolment(request, enrolment_id)
    services.complete(actor=request.user, enrolment=enrolment, reaction=_reaction(payload))
    return _reload(request, enrolment)


@router.post(
    "/learning/enrolments/{enrolment_id}/reaction",
    response={200: EnrolmentDetailOut, **WITH_CONFLICT},
)
def record_reaction(request: AuthedRequest, enrolment_id: Path[Id], payload: ReactionIn) -> Any:
    """The learner's reaction survey on a completed item (e.g. after a sign-off)."""
    enrolment = _enrolment(request, enrolment_id)
    services.record_reaction(actor=request.user, enrolment=enrolment, reaction=_reaction(payload))
    return _reload(request, enrolment)


@router.post(
    "/learning/enrolments/{enrolment_id}/cancel",
    response={200: EnrolmentDetailOut, **WITH_CONFLICT},
)
def cancel(request: AuthedRequest, enrolment_id: Path[Id]) -> Any:
    enrolment = _enrolment(request, enrolment_id)
    services.cancel(actor=request.user, enrolment=enrolment)
    return _reload(request, enrolment)


@router.post(
    "/learning/enrolments/{enrolment_id}/assessors",
    response={201: SignOffOut, **WITH_CONFLICT},
)
def add_assessor(
    request: AuthedRequest, enrolment_id: Path[Id], payload: AssessorIn
) -> Status[SignOff]:
    """Name an assessor of an on-the-job task (the person's managers and HR): the person's
    manager, or a colleague whose confirmed level in each of the task's skills is at least
    the task's level."""
    enrolment = _enrolment(request, enrolment_id)
    assessor = _person(request, payload.person_id)
    with _api_fields():
        signoff = signoff_services.add_assessor(
            actor=request.user, enrolment=enrolment, assessor=assessor
        )
    return Status(201, signoff)


@router.delete(
    "/learning/enrolments/{enrolment_id}/assessors/{signoff_id}",
    response={204: None, **WITH_CONFLICT},
)
def remove_assessor(
    request: AuthedRequest, enrolment_id: Path[Id], signoff_id: Path[Id]
) -> Status[None]:
    enrolment = _enrolment(request, enrolment_id)
    signoff = enrolment.signoffs.filter(pk=signoff_id).first()
    if signoff is None:
        raise NotFound(_("No assessor with id %(id)s on this task.") % {"id": signoff_id})
    signoff_services.remove_assessor(actor=request.user, signoff=signoff)
    return Status(204, None)


# --- queues --------------------------------------------------------------------------------


@router.get("/learning/approvals", response={200: list[EnrolmentOut], **ERRORS})
@paginate(Pagination)
def approvals(request: AuthedRequest) -> QuerySet[Enrolment]:
    """Requests waiting for your decision, oldest first (managers: their reporting line; HR:
    everyone's but their own)."""
    return (
        services.approvals_for(request.user)
        .select_related("person", "item", "session")
        .order_by("created_at", "id")
    )


@router.get("/learning/sign-offs", response={200: list[SignOffQueueOut], **ERRORS})
@paginate(Pagination)
def signoff_queue(request: AuthedRequest) -> QuerySet[SignOff]:
    """On-the-job tasks you were named to assess that are not signed off yet. Rule: a task is
    signed off when every named assessor passed it; the level recorded is the lowest level
    they confirmed."""
    return (
        signoff_services.signoffs_for(request.user)
        .select_related("assessor", "enrolment__person", "enrolment__item")
        .order_by("decision", "id")
    )


@router.post("/learning/sign-offs/{signoff_id}", response={200: SignOffOut, **WITH_CONFLICT})
def sign_off(request: AuthedRequest, signoff_id: Path[Id], payload: SignOffIn) -> SignOff:
    """Your judgement as a named assessor: passed with the level you saw, or not yet with a
    note. You may change it until the task is signed off."""
    signoff = signoff_services.signoffs_for(request.user).filter(pk=signoff_id).first()
    if signoff is None:
        raise NotFound(_("No sign-off of yours with id %(id)s is open.") % {"id": signoff_id})
    signoff_services.sign_off(
        actor=request.user,
        signoff=signoff,
        passed=payload.passed,
        level=payload.level,
        note=payload.note,
    )
    return SignOff.objects.select_related("assessor").get(pk=signoff.pk)


# --- hours ---------------------------------------------------------------------------------


@router.get("/learning/hours", response={200: list[HoursOut], **ERRORS})
@paginate(Pagination)
def list_hours(request: AuthedRequest, filters: Query[HoursFilter]) -> QuerySet[LearningHours]:
    """Learning hours you may see (yours and your reporting line's; HR: everyone's)."""
    qs = hours_services.hours_visible_to(request.user).select_related("person")
    if filters.person_id is not None:
        qs = qs.filter(person_id=filters.person_id)
    if filters.month:
        year, month = (int(x) for x in filters.month.split("-"))
        qs = qs.filter(date__range=hours_services.month_bounds(year, month))
    return qs.order_by("-date", "-id")


@router.post("/learning/hours", response={201: HoursOut, **ERRORS})
def log_hours(request: AuthedRequest, payload: HoursIn) -> Status[LearningHours]:
    """Log learning time: more than 0 and at most 24 hours on a day (not in the future)."""
    person = _person(request, payload.person_id)
    enrolment = None
    if payload.enrolment_id is not None:
        enrolment = _enrolments(request).filter(pk=payload.enrolment_id).first()
        if enrolment is None:
            raise NotFound(
                _("No enrolment with id %(id)s.") % {"id": payload.enrolment_id},
                field="enrolment_id",
            )
    with _api_fields():
        entry = hours_services.log_hours(
            actor=request.user,
            person=person,
            on=payload.date,
            hours=payload.hours,
            enrolment=enrolment,
            note=payload.note,
        )
    return Status(201, entry)


@router.get("/learning/hours/month", response={200: MonthHoursOut, **ERRORS})
def month_hours(request: AuthedRequest, filters: Query[HoursFilter]) -> Any:
    """Hours logged in a month (default: this one) against the monthly allowance, for you or
    someone whose hours you may see."""
    if filters.person_id is None:
        person = _person(request, None)
    else:
        found = (
            hours_services.people_with_hours_visible_to(request.user)
            .filter(pk=filters.person_id)
            .first()
        )
        if found is None:
            raise NotFound(
                _("No person with id %(id)s.") % {"id": filters.person_id}, field="person_id"
            )
        person = found
    if filters.month:
        year, month = (int(x) for x in filters.month.split("-"))
    else:
        year, month = hours_services.this_month()
    summary = hours_services.month_hours(person, year, month)
    return {
        "person_id": person.pk,
        "year": year,
        "month": month,
        "logged": float(summary.logged),
        "allowance": float(summary.allowance),
        "remaining": float(summary.remaining),
        "percent": summary.percent,
    }


@router.delete("/learning/hours/{hours_id}", response={204: None, **ERRORS})
def delete_hours(request: AuthedRequest, hours_id: Path[Id]) -> Status[None]:
    entry = (
        hours_services.hours_visible_to(request.user)
        .select_related("person")
        .filter(pk=hours_id)
        .first()
    )
    if entry is None:
        raise NotFound(_("No hours entry with id %(id)s.") % {"id": hours_id})
    hours_services.delete_hours(actor=request.user, entry=entry)
    return Status(204, None)
