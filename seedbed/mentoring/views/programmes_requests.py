"""Self-service request pages: "ask this person to mentor me" (with the rule check and, when
allowed, the matcher's reasons), and the mentor's accept / decline or the mentee's withdraw."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedbed.lib.errors import ServiceError
from seedbed.lib.forms import run_service
from seedbed.lib.http import AuthedHttpRequest
from seedbed.mentoring.forms_programmes import RequestForm
from seedbed.mentoring.models import Programme
from seedbed.mentoring.services import programmes as programme_services
from seedbed.mentoring.services import programmes_requests as services
from seedbed.people.models import Person


def _int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


@login_required
def request_new(request: AuthedHttpRequest) -> HttpResponse:
    """``?mentor=<person id>[&programme=<id>]``: the form, the rule check and the reasons."""
    mentee = programme_services.person_of(request.user)
    if mentee is None:
        raise PermissionDenied
    mentor_id = _int(request.POST.get("mentor") or request.GET.get("mentor"))
    mentor = (
        get_object_or_404(Person.objects.visible_to(request.user).active(), pk=mentor_id)
        if mentor_id
        else None
    )
    if mentor is None:
        raise Http404
    # Programmes both may meet in: open ones the mentor mentors in and the mentee joined.
    programmes = (
        Programme.objects.visible_to(request.user)
        .filter(state__in=programme_services.OPEN_STATES)
        .filter(participants__person=mentor, participants__is_active=True)
        .filter(pk__in=mentee.mentoring_participations.filter(is_active=True).values("programme"))
        .distinct()
        .order_by("name")
    )
    chosen_id = _int(request.POST.get("programme") or request.GET.get("programme"))
    options = list(programmes)
    programme = next((p for p in options if p.pk == chosen_id), None)
    form = RequestForm(
        request.POST or None,
        programmes=programmes if options else [],
        initial={"programme": programme},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sent = run_service(
            form,
            lambda: services.ask_mentor(
                actor=request.user,
                mentor=mentor,
                programme=data.get("programme"),
                skill=data["skill"],
                message=data["message"],
            ),
        )
        if sent is not None:
            messages.success(
                request,
                _("Your request went to %(name)s.") % {"name": mentor.full_name},
            )
            return redirect("mentoring:home")
        programme = data.get("programme")
    preview = services.preview(programme=programme, mentor=mentor, mentee=mentee)
    return render(
        request,
        "mentoring/programmes/request.html",
        {
            "mentor": mentor,
            "programme": programme,
            "form": form,
            "preview": preview,
            "programmes": options,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def request_action(request: AuthedHttpRequest, request_id: int, action: str) -> HttpResponse:
    """accept | decline (the mentor) | withdraw (the mentee)."""
    found = get_object_or_404(
        services.requests_visible_to(request.user).select_related("mentor", "mentee", "programme"),
        pk=request_id,
    )
    operations = {
        "accept": (services.accept_request, _("Accepted: the pair is active.")),
        "decline": (services.decline_request, _("Request declined.")),
        "withdraw": (services.withdraw_request, _("Request withdrawn.")),
    }
    if action not in operations:
        raise Http404
    operation, done = operations[action]
    try:
        operation(actor=request.user, request=found)
        messages.success(request, done)
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("mentoring:home")
