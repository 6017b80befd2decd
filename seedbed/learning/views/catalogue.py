"""Catalogue pages: search and filters with exports, an item with its skills, prerequisites,
sessions and (for managers and HR) who is enrolled; HR edits items, prerequisites, sessions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedbed.accounts.models import AccessLevel
from seedbed.learning.forms import (
    CatalogueFilterForm,
    EnrolForm,
    ItemForm,
    ItemPrerequisiteForm,
    SessionForm,
    SkillPrerequisiteForm,
)
from seedbed.learning.models import Enrolment, ItemSkill, LearningItem, Prerequisite, Session
from seedbed.learning.services import catalogue as services
from seedbed.learning.services import enrolments as enrolment_services
from seedbed.lib.errors import ServiceError
from seedbed.lib.forms import form_copy, run_service
from seedbed.lib.http import AuthedHttpRequest, require_admin
from seedbed.lib.listing import paginate, query_without_page
from seedbed.lib.spreadsheet import export_response
from seedbed.people.models import Person

EXPORT_HEADERS = [
    "code",
    "title",
    "kind",
    "description",
    "url",
    "provider",
    "format",
    "language",
    "duration_hours",
    "cost",
    "requires_approval",
    "skills",
    "prerequisites",
    "active",
]


def own_person(request: AuthedHttpRequest) -> Person | None:
    return Person.objects.filter(user=request.user).first()


def with_skills(qs: QuerySet[LearningItem]) -> QuerySet[LearningItem]:
    """One extra query for the skills (with levels) of every listed item."""
    return qs.prefetch_related(
        Prefetch(
            "skills",
            queryset=ItemSkill.objects.select_related("skill").order_by("skill__name"),
            to_attr="skill_list",
        )
    )


def _prerequisite_text(pre: Prerequisite) -> str:
    if pre.requires_item is not None:
        return pre.requires_item.code or pre.requires_item.title
    return f"skill:{pre.requires_skill.name}:{pre.requires_level}"  # type: ignore[union-attr]


def _export(fmt: str, qs: QuerySet[LearningItem]) -> HttpResponse:
    items = with_skills(qs).prefetch_related(
        Prefetch(
            "prerequisites",
            queryset=Prerequisite.objects.select_related("requires_item", "requires_skill"),
            to_attr="prerequisite_list",
        )
    )
    rows = (
        (
            item.code or "",
            item.title,
            item.kind,
            item.description,
            item.url,
            item.provider,
            item.format,
            item.language,
            float(item.duration_hours),
            float(item.cost),
            item.requires_approval,
            "; ".join(f"{s.skill.name}:{s.level}" for s in item.skill_list),  # type: ignore[attr-defined]
            "; ".join(_prerequisite_text(p) for p in item.prerequisite_list),  # type: ignore[attr-defined]
            item.is_active,
        )
        for item in items
    )
    # The columns of the catalogue import: an export can be edited and imported again.
    return export_response(fmt, "learning-catalogue", EXPORT_HEADERS, rows)


@login_required
def item_list(request: AuthedHttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET or None)
    qs = services.catalogue(form.filters())
    # ?export=csv|xlsx (not ?format=, which filters by the items' format here).
    if request.GET.get("export") in ("csv", "xlsx"):
        return _export(request.GET["export"], qs)
    return render(
        request,
        "learning/catalogue_list.html",
        {
            "form": form,
            "page_obj": paginate(request, with_skills(qs)),
            "query": query_without_page(request),
            "is_admin": request.user.access_level == AccessLevel.ADMIN,
        },
    )


def _item(item_id: int) -> LearningItem:
    # The catalogue is open to everyone signed in, archived items too (with a badge).
    return get_object_or_404(LearningItem, pk=item_id)


@login_required
def item_detail(request: AuthedHttpRequest, item_id: int) -> HttpResponse:
    item = _item(item_id)
    user = request.user
    person = own_person(request)
    is_manager = user.access_level in (AccessLevel.MANAGER, AccessLevel.ADMIN)
    sessions = list(services.sessions_with_seats(item))
    upcoming = services.sessions_with_seats(item, upcoming_only=True)
    mine = (
        Enrolment.objects.filter(person=person, item=item)
        .select_related("session")
        .order_by("-created_at")
        if person
        else Enrolment.objects.none()
    )
    open_mine = next((e for e in mine if e.status in enrolment_services.OPEN), None)
    people = (
        Person.objects.validatable_by(user).active().order_by("full_name") if is_manager else None
    )
    enrol_form = EnrolForm(people=people, sessions=upcoming if upcoming.exists() else None)
    enrolled = (
        enrolment_services.enrolments_visible_to(user)
        .filter(item=item)
        .select_related("person", "session")
        .order_by("person__full_name", "-created_at")
        if is_manager
        else None
    )
    return render(
        request,
        "learning/item_detail.html",
        {
            "item": item,
            "skills": item.skills.select_related("skill").order_by("skill__name"),
            "prerequisites": item.prerequisites.select_related(
                "requires_item", "requires_skill"
            ).order_by("requires_item__title", "requires_skill__name"),
            "unmet": enrolment_services.unmet_prerequisites(person, item) if person else [],
            "sessions": sessions,
            "mine": list(mine),
            "open_mine": open_mine,
            "person": person,
            "enrol_form": enrol_form,
            "enrolled": enrolled,
            "is_admin": user.access_level == AccessLevel.ADMIN,
            "has_sessions": item.kind in services.SESSION_KINDS,
            "item_prerequisite_form": ItemPrerequisiteForm(),
            "skill_prerequisite_form": SkillPrerequisiteForm(),
        },
    )


@login_required
def item_edit(request: AuthedHttpRequest, item_id: int | None = None) -> HttpResponse:
    require_admin(request)
    item = _item(item_id) if item_id else None
    current = (
        services.format_skill_levels(item.skills.select_related("skill").order_by("skill__name"))
        if item
        else ""
    )
    form = ItemForm(request.POST or None, instance=form_copy(item), skills_text=current)
    if request.method == "POST" and form.is_valid():

        def save() -> LearningItem:
            skills = services.resolve_skill_levels(form.cleaned_data["skills_text"])
            return services.save_item(
                actor=request.user, item=item, data=form.service_data(), skills=skills
            )

        saved = run_service(form, save)
        if saved is not None:
            messages.success(request, _("“%(title)s” saved.") % {"title": saved.title})
            return redirect("learning:item", saved.pk)
    return render(
        request,
        "learning/item_edit.html",
        {"form": form, "item": item},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def item_archive(request: AuthedHttpRequest, item_id: int) -> HttpResponse:
    require_admin(request)
    item = _item(item_id)
    active = request.POST.get("active") == "1"
    services.set_item_active(actor=request.user, item=item, active=active)
    messages.success(
        request,
        (_("“%(title)s” is back in the catalogue.") if active else _("“%(title)s” archived."))
        % {"title": item.title},
    )
    return redirect("learning:item", item.pk)


def _find_item(text: str) -> LearningItem:
    text = " ".join(text.split())
    found = LearningItem.objects.filter(code__iexact=text).first()
    if found is not None:
        return found
    matches = list(LearningItem.objects.filter(title__iexact=text)[:2])
    if len(matches) > 1:
        raise ServiceError(
            _("Several items are called “%(text)s”: use the code.") % {"text": text},
            field="requires",
        )
    if not matches:
        raise ServiceError(
            _("No item has the code or title “%(text)s”.") % {"text": text}, field="requires"
        )
    return matches[0]


@login_required
@require_POST
def prerequisite_add(request: AuthedHttpRequest, item_id: int) -> HttpResponse:
    require_admin(request)
    item = _item(item_id)
    try:
        if "requires" in request.POST:
            item_form = ItemPrerequisiteForm(request.POST)
            if not item_form.is_valid():
                raise ServiceError(_("Give the code or title of the item needed first."))
            services.add_prerequisite(
                actor=request.user,
                item=item,
                requires_item=_find_item(item_form.cleaned_data["requires"]),
            )
        else:
            skill_form = SkillPrerequisiteForm(request.POST)
            if not skill_form.is_valid():
                raise ServiceError(_("Give a skill and the level needed."))
            services.add_prerequisite(
                actor=request.user,
                item=item,
                requires_skill=services.find_skill(skill_form.cleaned_data["skill"]),
                requires_level=skill_form.cleaned_data["level"],
            )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Prerequisite added."))
    return redirect("learning:item", item.pk)


@login_required
@require_POST
def prerequisite_remove(
    request: AuthedHttpRequest, item_id: int, prerequisite_id: int
) -> HttpResponse:
    require_admin(request)
    item = _item(item_id)
    pre = get_object_or_404(Prerequisite, pk=prerequisite_id, item=item)
    services.remove_prerequisite(actor=request.user, prerequisite=pre)
    messages.success(request, _("Prerequisite removed."))
    return redirect("learning:item", item.pk)


@login_required
def session_edit(
    request: AuthedHttpRequest, item_id: int | None = None, session_id: int | None = None
) -> HttpResponse:
    require_admin(request)
    session = (
        get_object_or_404(Session.objects.select_related("item"), pk=session_id)
        if session_id
        else None
    )
    item = session.item if session else _item(item_id or 0)
    initial: dict[str, Any] | None = SessionForm.initial_for(session) if session else None
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.save_session(
                actor=request.user,
                item=item,
                session=session,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                location=data["location"],
                seats=data["seats"],
            ),
        )
        if saved is not None:
            messages.success(request, _("Session saved."))
            return redirect("learning:item", item.pk)
    return render(
        request,
        "learning/session_edit.html",
        {"form": form, "item": item, "session": session},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def session_delete(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    require_admin(request)
    session = get_object_or_404(Session.objects.select_related("item"), pk=session_id)
    item_id = session.item_id
    try:
        services.delete_session(actor=request.user, session=session)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Session deleted."))
    return redirect("learning:item", item_id)
