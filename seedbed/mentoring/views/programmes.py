"""Programme pages: my mentoring, the programme list (search, filters, export), a programme,
creating and editing one (admins), its states, signing up and leaving, the participant list
(admins: everyone; others: the mentors they may ask), and the skill picker's search."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedbed.lib.errors import ServiceError
from seedbed.lib.forms import run_service
from seedbed.lib.http import AuthedHttpRequest, require_admin
from seedbed.lib.listing import paginate, query_without_page
from seedbed.lib.spreadsheet import export_response
from seedbed.mentoring.forms_programmes import (
    ParticipantFilterForm,
    ParticipationForm,
    ProgrammeFilterForm,
    ProgrammeForm,
    people_text,
    skills_text,
)
from seedbed.mentoring.models import Pair, Participant, Programme, ProgrammeState
from seedbed.mentoring.services import programmes as services
from seedbed.mentoring.services import programmes_queries as queries
from seedbed.mentoring.services.programmes_rules import LIVE
from seedbed.people.models import Person
from seedbed.skills.models import Skill

EXPORT_PROGRAMMES = [
    "name",
    "purpose",
    "type",
    "state",
    "starts_on",
    "ends_on",
    "duration_weeks",
    "mentors",
    "mentees",
    "active_pairs",
    "objective",
]
EXPORT_PARTICIPANTS = [
    "name",
    "email",
    "team",
    "joins_as",
    "capacity",
    "mentees_now",
    "has_mentor",
    "availability",
    "hours_per_month",
    "languages",
    "timezone",
    "goals",
    "wants_skills",
    "offers_skills",
    "excluded",
    "joined_at",
]
EXPORT_MENTORS = ["name", "team", "capacity", "mentees_now", "languages", "timezone", "offers"]


def _programme(request: AuthedHttpRequest, programme_id: int) -> Programme:
    return get_object_or_404(
        Programme.objects.visible_to(request.user).select_related("owner"), pk=programme_id
    )


def _is_admin(request: AuthedHttpRequest) -> bool:
    return services.is_admin(request.user)


# --- my mentoring --------------------------------------------------------------------------


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    """My programmes, pairs, answers due and requests."""
    person = services.person_of(request.user)
    mine = queries.my_mentoring(request.user, person)
    return render(
        request,
        "mentoring/programmes/home.html",
        {"mine": mine, "me": person, "is_admin": _is_admin(request)},
    )


# --- programmes ----------------------------------------------------------------------------


def _programme_rows(qs: Any) -> Any:
    for p in qs:
        yield (
            p.name,
            p.get_purpose_display(),
            p.get_kind_display(),
            p.get_state_display(),
            p.starts_on,
            p.ends_on,
            p.duration_weeks,
            p.mentor_count,
            p.mentee_count,
            p.active_pairs,
            p.get_objective_display(),
        )


@login_required
def programme_list(request: AuthedHttpRequest) -> HttpResponse:
    form = ProgrammeFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = queries.programmes_for(
        request.user,
        q=filters.get("q", ""),
        purpose=filters.get("purpose", ""),
        state=filters.get("state", ""),
        kind=filters.get("kind", ""),
        joined=bool(filters.get("joined")),
    )
    if request.GET.get("export") in ("csv", "xlsx"):
        return export_response(
            request.GET["export"], "mentoring-programmes", EXPORT_PROGRAMMES, _programme_rows(qs)
        )
    return render(
        request,
        "mentoring/programmes/list.html",
        {
            "form": form,
            "page_obj": paginate(request, qs),
            "query": query_without_page(request),
            "is_admin": _is_admin(request),
        },
    )


@login_required
def programme_detail(request: AuthedHttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    person = services.person_of(request.user)
    mine = (
        Participant.objects.filter(programme=programme, person=person, is_active=True).first()
        if person is not None
        else None
    )
    weights = [(f, programme.weights.get(f.key, 0.0)) for f in services.WEIGHT_FACTORS]
    my_pairs = (
        Pair.objects.visible_to(request.user)
        .filter(programme=programme)
        .filter(Q(mentor=person) | Q(mentee=person))
        .select_related("mentor", "mentee")
        if person is not None
        else []
    )
    return render(
        request,
        "mentoring/programmes/detail.html",
        {
            "programme": programme,
            "skills": programme.skills.order_by("name"),
            "teams": programme.eligible_teams.order_by("name"),
            "roles": programme.eligible_roles.order_by("name"),
            "weights": weights,
            "mine": mine,
            "my_pairs": list(my_pairs),
            "problem": services.eligibility_problem(programme, person) if person else None,
            "summary": queries.programme_summary(programme),
            "is_admin": _is_admin(request),
            "transitions": services.TRANSITIONS[programme.state],
        },
    )


@login_required
def programme_edit(request: AuthedHttpRequest, programme_id: int | None = None) -> HttpResponse:
    """Create (no id) or change a programme: admins only."""
    require_admin(request)
    programme = _programme(request, programme_id) if programme_id else None
    form = ProgrammeForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        data = form.to_input()
        if programme is None:
            saved = run_service(
                form, lambda: services.create_programme(actor=request.user, data=data)
            )
        else:
            saved = run_service(
                form,
                lambda: services.update_programme(
                    actor=request.user, programme=programme, data=data
                ),
            )
        if saved is not None:
            messages.success(request, _("Programme saved."))
            return redirect("mentoring:programme", saved.pk)
    return render(
        request,
        "mentoring/programmes/edit.html",
        {"programme": programme, "form": form},
    )


@login_required
@require_POST
def programme_state(request: AuthedHttpRequest, programme_id: int) -> HttpResponse:
    require_admin(request)
    programme = _programme(request, programme_id)
    state = request.POST.get("state", "")
    try:
        services.set_state(actor=request.user, programme=programme, state=state)
        messages.success(
            request,
            _("The programme is now %(state)s.") % {"state": ProgrammeState(state).label.lower()},
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("mentoring:programme", programme.pk)


@login_required
@require_POST
def programme_delete(request: AuthedHttpRequest, programme_id: int) -> HttpResponse:
    require_admin(request)
    programme = _programme(request, programme_id)
    try:
        services.delete_programme(actor=request.user, programme=programme)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("mentoring:programme", programme.pk)
    messages.success(request, _("Draft deleted."))
    return redirect("mentoring:programmes")


# --- sign-up -------------------------------------------------------------------------------


def _target(request: AuthedHttpRequest) -> tuple[Person | None, bool]:
    """Whom a sign-up page is about: the signed-in person, or (HR, ``?who=`` an id, a name
    or an email) someone else. Returns (person, whether it is someone else)."""
    who = " ".join((request.POST.get("who") or request.GET.get("who") or "").split())[:254]
    if not who or not _is_admin(request):
        return services.person_of(request.user), False
    people = Person.objects.active()
    found = list(
        people.filter(pk=int(who))
        if who.isdigit() and len(who) < 18
        else people.filter(Q(full_name__iexact=who) | Q(email__iexact=who))[:2]
    )
    if len(found) != 1:
        messages.error(
            request,
            _("Nobody in the organisation is called “%(name)s”.") % {"name": who[:100]}
            if not found
            else _("Several people are called “%(name)s”; give their email instead.")
            % {"name": who[:100]},
        )
        return None, True
    return found[0], True


@login_required
def join(request: AuthedHttpRequest, programme_id: int) -> HttpResponse:
    """Sign up, or change one's sign-up (HR: anyone's, with ``who``)."""
    programme = _programme(request, programme_id)
    person, other = _target(request)
    if person is None:
        if other:
            return redirect("mentoring:participants", programme.pk)
        raise PermissionDenied
    done = "mentoring:participants" if other else "mentoring:programme"
    mine = Participant.objects.filter(programme=programme, person=person, is_active=True).first()
    if mine is None:
        problem = services.eligibility_problem(programme, person)
        if problem:
            messages.error(request, problem)
            return redirect(done, programme.pk)
        initial: dict[str, Any] = {
            "role": "mentee",
            "languages": person.languages,
            "timezone": person.timezone,
        }
    else:
        initial = {
            "role": mine.role,
            "capacity": mine.capacity or 1,
            "availability": mine.availability,
            "hours_per_month": mine.hours_per_month,
            "languages": mine.languages,
            "timezone": mine.timezone,
            "goals": mine.goals,
            "wants_skills": skills_text(mine.wants_skills.order_by("name")),
            "offers_skills": skills_text(mine.offers_skills.order_by("name")),
            "excluded": people_text(mine.excluded.order_by("full_name")),
        }
    form = ParticipationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.to_input()
        if mine is None:
            saved = run_service(
                form,
                lambda: services.join_programme(
                    actor=request.user, programme=programme, person=person, data=data
                ),
            )
        else:
            saved = run_service(
                form,
                lambda: services.update_participation(
                    actor=request.user, participant=mine, data=data
                ),
            )
        if saved is not None:
            if other:
                messages.success(request, _("%(name)s is signed up.") % {"name": person.full_name})
            else:
                messages.success(
                    request, _("You have joined.") if mine is None else _("Sign-up saved.")
                )
            return redirect(done, programme.pk)
    return render(
        request,
        "mentoring/programmes/join.html",
        {
            "programme": programme,
            "form": form,
            "mine": mine,
            "person": person,
            "other": other,
        },
    )


@login_required
@require_POST
def leave(request: AuthedHttpRequest, programme_id: int) -> HttpResponse:
    """Leave (HR: withdraw someone's sign-up, with ``who``)."""
    programme = _programme(request, programme_id)
    person, other = _target(request)
    mine = (
        Participant.objects.filter(programme=programme, person=person, is_active=True)
        .select_related("person", "programme")
        .first()
        if person is not None
        else None
    )
    if mine is None:
        raise Http404
    try:
        services.leave_programme(actor=request.user, participant=mine)
        if other:
            messages.success(
                request, _("%(name)s's sign-up is withdrawn.") % {"name": mine.person.full_name}
            )
        else:
            messages.success(request, _("You have left %(name)s.") % {"name": programme.name})
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("mentoring:participants" if other else "mentoring:programme", programme.pk)


# --- participants --------------------------------------------------------------------------


def _participant_rows(qs: Any) -> Any:
    for p in qs:
        yield (
            p.person.full_name,
            p.person.email,
            p.person.team.name if p.person.team else "",
            p.get_role_display(),
            p.capacity,
            p.mentoring,
            p.mentored,
            p.availability,
            p.hours_per_month,
            p.languages,
            p.timezone,
            p.goals,
            "; ".join(s.name for s in p.wants_skills.all()),
            "; ".join(s.name for s in p.offers_skills.all()),
            "; ".join(x.full_name for x in p.excluded.all()),
            p.joined_at,
        )


def _mentor_rows(qs: Any) -> Any:
    for p in qs:
        yield (
            p.person.full_name,
            p.person.team.name if p.person.team else "",
            p.capacity,
            p.mentoring,
            p.languages,
            p.timezone,
            "; ".join(s.name for s in p.offers_skills.all()),
        )


@login_required
def participants(request: AuthedHttpRequest, programme_id: int) -> HttpResponse:
    """Admins: everyone signed up, with everything they said. Others: the mentors (whom
    a mentee may ask directly), without goals or exclusions."""
    programme = _programme(request, programme_id)
    admin = _is_admin(request)
    form = ParticipantFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = queries.participants_of(
        programme,
        q=filters.get("q", ""),
        role=filters.get("role", "") if admin else "",
        team=filters.get("team"),
        skill=filters.get("skill", ""),
        paired=filters.get("paired", "") if admin else "",
        mentors_only=not admin,
    )
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        if admin:
            return export_response(
                export, "mentoring-participants", EXPORT_PARTICIPANTS, _participant_rows(qs)
            )
        return export_response(export, "mentoring-mentors", EXPORT_MENTORS, _mentor_rows(qs))
    person = services.person_of(request.user)
    me = (
        Participant.objects.filter(programme=programme, person=person, is_active=True).first()
        if person is not None
        else None
    )
    has_mentor = (
        me is not None
        and Pair.objects.filter(
            programme=programme, mentee_id=me.person_id, state__in=LIVE
        ).exists()
    )
    may_ask = (
        me is not None and me.mentees and not has_mentor and programme.state in services.OPEN_STATES
    )
    return render(
        request,
        "mentoring/programmes/participants.html",
        {
            "programme": programme,
            "form": form,
            "page_obj": paginate(request, qs),
            "query": query_without_page(request),
            "is_admin": admin,
            "me": me,
            "may_ask": may_ask,
            "has_mentor": has_mentor,
        },
    )


# --- the skill picker ----------------------------------------------------------------------


@login_required
def skill_options(request: AuthedHttpRequest) -> HttpResponse:
    """Search-as-you-type for the skill boxes: skills whose name or alias matches, each with
    an "Add" button the picker script puts into the box it belongs to."""
    q = request.GET.get("q", "").strip()[:100]
    target = request.GET.get("target", "")[:60]
    results = (
        list(Skill.objects.active().search(q).select_related("category").order_by("name")[:15])
        if q
        else []
    )
    return render(
        request,
        "mentoring/programmes/skill_options.html",
        {"results": results, "q": q, "target": target},
    )
