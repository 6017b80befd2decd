"""Matching pages (admins): the proposal with every pair's reasons and the people left
unmatched, a run (with either objective), lock / swap / remove, publish and re-match; and the
answer a mentor or mentee gives to a published pair (the ``_answer.html`` partial)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedbed.lib.errors import ServiceError
from seedbed.lib.http import AuthedHttpRequest, require_admin
from seedbed.mentoring.forms_programmes import RunForm, SwapForm
from seedbed.mentoring.models import Pair, Programme
from seedbed.mentoring.services import programmes_matching as services
from seedbed.people.models import Person


def _programme(request: AuthedHttpRequest, programme_id: int) -> Programme:
    require_admin(request)
    return get_object_or_404(Programme.objects.visible_to(request.user), pk=programme_id)


def _pair(request: AuthedHttpRequest, programme: Programme, pair_id: int) -> Pair:
    return get_object_or_404(
        Pair.objects.visible_to(request.user)
        .filter(programme=programme)
        .select_related("mentor", "mentee", "programme"),
        pk=pair_id,
    )


def _proposal_response(
    request: AuthedHttpRequest, programme: Programme, status: str = ""
) -> HttpResponse:
    """The proposal partial for htmx, the whole page otherwise."""
    view = services.proposal(programme)
    ctx = {
        "programme": programme,
        "view": view,
        "run_form": RunForm(initial={"objective": programme.objective}),
        "status": status,
    }
    if request.htmx:
        return render(request, "mentoring/programmes/matching.html#proposal", ctx)
    return render(request, "mentoring/programmes/matching.html", ctx)


def _back(request: AuthedHttpRequest, programme: Programme, status: str) -> HttpResponse:
    if request.htmx:
        return _proposal_response(request, programme, status)
    messages.success(request, status)
    return redirect("mentoring:matching", programme.pk)


def _failed(request: AuthedHttpRequest, programme: Programme, exc: ServiceError) -> HttpResponse:
    if request.htmx:
        response = _proposal_response(request, programme, exc.message)
        return response
    messages.error(request, exc.message)
    return redirect("mentoring:matching", programme.pk)


@login_required
def matching(request: AuthedHttpRequest, programme_id: int) -> HttpResponse:
    return _proposal_response(request, _programme(request, programme_id))


@login_required
@require_POST
def run(request: AuthedHttpRequest, programme_id: int) -> HttpResponse:
    """Run the matcher (``rematch=1``: after publishing, for whoever is left)."""
    programme = _programme(request, programme_id)
    form = RunForm(request.POST)
    objective = form.cleaned_data["objective"] if form.is_valid() else None
    try:
        if request.POST.get("rematch"):
            outcome = services.rematch(actor=request.user, programme=programme)
        else:
            outcome = services.run_matching(
                actor=request.user, programme=programme, objective=objective
            )
    except ServiceError as exc:
        return _failed(request, programme, exc)
    programme.refresh_from_db()
    status = _(
        "Matched in %(seconds)s s: %(proposed)s pairs proposed, %(kept)s kept, "
        "%(unmatched)s people without a pair."
    ) % {
        "seconds": f"{outcome.seconds:.2f}",
        "proposed": outcome.proposed,
        "kept": outcome.kept,
        "unmatched": outcome.unmatched,
    }
    return _back(request, programme, status)


@login_required
@require_POST
def pair_lock(request: AuthedHttpRequest, programme_id: int, pair_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    pair = _pair(request, programme, pair_id)
    locked = request.POST.get("locked") == "1"
    try:
        services.lock_pair(actor=request.user, pair=pair, locked=locked)
    except ServiceError as exc:
        return _failed(request, programme, exc)
    names = {"mentor": pair.mentor.full_name, "mentee": pair.mentee.full_name}
    status = (
        _("Locked %(mentor)s → %(mentee)s.") if locked else _("Unlocked %(mentor)s → %(mentee)s.")
    ) % names
    return _back(request, programme, status)


@login_required
@require_POST
def pair_remove(request: AuthedHttpRequest, programme_id: int, pair_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    pair = _pair(request, programme, pair_id)
    names = {"mentor": pair.mentor.full_name, "mentee": pair.mentee.full_name}
    try:
        services.remove_pair(actor=request.user, pair=pair)
    except ServiceError as exc:
        return _failed(request, programme, exc)
    return _back(request, programme, _("Removed %(mentor)s → %(mentee)s.") % names)


@login_required
def pair_swap(request: AuthedHttpRequest, programme_id: int, pair_id: int) -> HttpResponse:
    """Every other mentor for this pair's mentee, scored and explained; choosing one swaps."""
    programme = _programme(request, programme_id)
    pair = _pair(request, programme, pair_id)
    error = ""
    if request.method == "POST":
        form = SwapForm(request.POST)
        mentor = (
            Person.objects.filter(pk=form.cleaned_data["mentor"]).first()
            if form.is_valid()
            else None
        )
        if mentor is None:
            error = _("Choose one of the mentors listed.")
        else:
            try:
                swapped = services.swap_mentor(actor=request.user, pair=pair, mentor=mentor)
            except ServiceError as exc:
                error = exc.message
            else:
                strongest, weakest = services.describe_reasons(swapped)
                messages.success(
                    request,
                    _(
                        "%(mentee)s now has %(mentor)s as mentor (locked). Why: %(why)s. "
                        "Weakest point: %(weakest)s."
                    )
                    % {
                        "mentee": swapped.mentee.full_name,
                        "mentor": mentor.full_name,
                        "why": "; ".join(strongest) or "—",
                        "weakest": weakest or "—",
                    },
                )
                return redirect(reverse("mentoring:matching", args=[programme.pk]) + "#proposal")
    return render(
        request,
        "mentoring/programmes/swap.html",
        {
            "programme": programme,
            "pair": pair,
            "candidates": services.swap_candidates(pair),
            "current": services.describe_reasons(pair),
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def publish(request: AuthedHttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    try:
        count = services.publish(actor=request.user, programme=programme)
    except ServiceError as exc:
        return _failed(request, programme, exc)
    programme.refresh_from_db()
    return _back(
        request,
        programme,
        _("Published %(n)s pairs; both sides of each have been asked to accept.") % {"n": count},
    )


# --- answers -------------------------------------------------------------------------------


@login_required
@require_POST
def answer(request: AuthedHttpRequest, pair_id: int) -> HttpResponse:
    """Accept or decline a published pair (mentor or mentee). htmx gets the answer partial
    back; a plain form goes back to ``next`` (a local path) or My mentoring."""
    pair = get_object_or_404(
        Pair.objects.visible_to(request.user).select_related("mentor", "mentee", "programme"),
        pk=pair_id,
    )
    choice = request.POST.get("answer")
    error = ""
    if choice not in ("accept", "decline"):
        error = _("Answer accept or decline.")
    else:
        try:
            services.answer(actor=request.user, pair=pair, accept=choice == "accept")
        except ServiceError as exc:
            error = exc.message
    if request.htmx:
        return render(
            request,
            "mentoring/_answer.html",
            {"pair": pair, "answer_error": error, "answered": not error},
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    elif pair.state == "active":
        messages.success(request, _("You both accepted: the pair is active."))
    elif choice == "accept":
        messages.success(request, _("Accepted. Waiting for the other side."))
    else:
        messages.success(request, _("Declined. HR has been told."))
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("mentoring:home")
