"""Certification pages: one's own and a person's certificates (add, correct, verify, scan
upload and download), the certification kinds HR manages, and the compliance table."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from seedbed.accounts.models import AccessLevel
from seedbed.certifications import selectors, services
from seedbed.certifications.forms import (
    AttachmentForm,
    CertificateForm,
    CertificationForm,
    ComplianceFilterForm,
)
from seedbed.certifications.models import Certification, HeldCertification
from seedbed.lib.errors import ServiceError
from seedbed.lib.forms import run_service
from seedbed.lib.http import AuthedHttpRequest, act, require_admin, require_manager
from seedbed.lib.listing import paginate, query_without_page
from seedbed.lib.spreadsheet import export_response
from seedbed.people.models import Person
from seedbed.skills.models import Skill


def _person(request: AuthedHttpRequest, person_id: int) -> Person:
    return get_object_or_404(
        selectors.people_in_scope(request.user).select_related("role", "team", "manager"),
        pk=person_id,
    )


def _certificate(request: AuthedHttpRequest, certificate_id: int) -> HeldCertification:
    return get_object_or_404(
        HeldCertification.objects.visible_to(request.user).select_related(
            "person", "certification__skill", "verified_by"
        ),
        pk=certificate_id,
    )


# --- a person's certificates ---------------------------------------------------------------


@login_required
def mine(request: AuthedHttpRequest) -> HttpResponse:
    me = Person.objects.filter(user=request.user).first()
    if me is None:
        return render(request, "certifications/no_person.html")
    return _person_page(request, me)


@login_required
def person(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    return _person_page(request, _person(request, person_id))


def _person_page(
    request: AuthedHttpRequest, who: Person, form: CertificateForm | None = None
) -> HttpResponse:
    today = timezone.localdate()
    user = request.user
    certificates = list(
        HeldCertification.objects.filter(person=who)
        .select_related("certification__skill", "verified_by")
        .order_by("certification__name", "-issued_on", "-id")
    )
    may_verify = services.may_verify(user, who)
    own = who.user_id == user.pk
    rows = [
        {
            "held": held,
            "status": selectors.status_of(held.expires_on, held=True, today=today),
            "may_change": may_verify or (own and held.verified_by_id is None),
        }
        for held in certificates
    ]
    return render(
        request,
        "certifications/person.html",
        {
            "who": who,
            "own": own,
            "rows": rows,
            "required": selectors.compliance(user, person_id=who.pk, today=today).rows,
            "may_verify": may_verify,
            "may_add": who.is_active,
            "form": form or CertificateForm(),
        },
    )


@login_required
def add(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    who = _person(request, person_id)
    form = CertificateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        held = run_service(
            form,
            lambda: services.add_certificate(
                actor=request.user,
                person=who,
                certification=data["certification"],
                issued_on=data["issued_on"],
                expires_on=data["expires_on"],
                number=data["number"],
                attachment=data["attachment"],
            ),
        )
        if held is not None:
            messages.success(
                request,
                _("Certificate %(name)s added.") % {"name": held.certification.name}
                + (
                    ""
                    if held.verified_by_id
                    else " " + _("Your manager or HR verifies it, then it counts as evidence.")
                ),
            )
            return redirect(_back(request, who))
    if request.method == "POST":
        return _person_page(request, who, form)
    return redirect(_back(request, who) + "#add")


def _back(request: AuthedHttpRequest, who: Person) -> str:
    if who.user_id == request.user.pk:
        return reverse("certifications:mine")
    return reverse("certifications:person", args=[who.pk])


@login_required
def edit(request: AuthedHttpRequest, certificate_id: int) -> HttpResponse:
    held = _certificate(request, certificate_id)
    if not services.may_change(request.user, held):
        raise PermissionDenied
    initial = {"number": held.number, "issued_on": held.issued_on, "expires_on": held.expires_on}
    form = CertificateForm(request.POST or None, initial=initial, with_kind=False)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.update_certificate(
                actor=request.user,
                held=held,
                issued_on=data["issued_on"],
                expires_on=data["expires_on"],
                number=data["number"],
            ),
        )
        if saved is not None:
            messages.success(request, _("Certificate saved."))
            return redirect(_back(request, held.person))
    return render(
        request,
        "certifications/edit.html",
        {"held": held, "form": form, "attachment_form": AttachmentForm()},
    )


@login_required
@require_POST
def attach(request: AuthedHttpRequest, certificate_id: int) -> HttpResponse:
    held = _certificate(request, certificate_id)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a PDF, PNG or JPEG file to upload."))
    else:
        try:
            services.attach_file(
                actor=request.user, held=held, upload=form.cleaned_data["attachment"]
            )
            messages.success(request, _("Scan uploaded."))
        except ServiceError as exc:
            messages.error(request, exc.message)
    return redirect(_back(request, held.person))


@login_required
def download(request: AuthedHttpRequest, certificate_id: int) -> FileResponse:
    """The scan, only to those who may see the person's certificates, always as a download
    with the type its content was recognised as (never from a public media URL)."""
    opened = services.open_attachment(_certificate(request, certificate_id))
    if opened is None:
        raise Http404
    handle, filename, content_type = opened
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


@login_required
@require_POST
def verify(request: AuthedHttpRequest, certificate_id: int) -> HttpResponse:
    held = _certificate(request, certificate_id)
    act(
        request,
        lambda: services.verify_certificate(actor=request.user, held=held),
        _("Certificate verified."),
    )
    return redirect(_back(request, held.person))


@login_required
@require_POST
def delete(request: AuthedHttpRequest, certificate_id: int) -> HttpResponse:
    held = _certificate(request, certificate_id)
    act(
        request,
        lambda: services.delete_certificate(actor=request.user, held=held),
        _("Certificate deleted."),
    )
    return redirect(_back(request, held.person))


# --- certification kinds -------------------------------------------------------------------


@login_required
def kinds(request: AuthedHttpRequest) -> HttpResponse:
    qs = (
        Certification.objects.select_related("skill")
        .prefetch_related("roles")
        .annotate(holder_count=Count("holders", distinct=True))
        .order_by("name", "issuer")
    )
    regulated = 0
    if request.user.access_level == AccessLevel.ADMIN:
        regulated = (
            Skill.objects.active()
            .filter(requires_certification=True, certifications__isnull=True)
            .count()
        )
    return render(
        request,
        "certifications/kinds.html",
        {
            "page_obj": paginate(request, qs, 50),
            "query": query_without_page(request),
            "is_admin": request.user.access_level == AccessLevel.ADMIN,
            "regulated": regulated,
        },
    )


@login_required
def kind_edit(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    require_admin(request)
    kind = get_object_or_404(Certification, pk=pk) if pk is not None else None
    initial = CertificationForm.initial_for(kind) if kind is not None else None
    form = CertificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.save_certification(
                actor=request.user,
                certification=kind,
                data=services.KindData(
                    name=data["name"],
                    issuer=data["issuer"],
                    skill=data["skill"],
                    level=data["level"],
                    validity_months=data["validity_months"],
                    roles=list(data["roles"]),
                ),
            ),
        )
        if saved is not None:
            messages.success(request, _("Certification %(name)s saved.") % {"name": saved.name})
            return redirect("certifications:kinds")
    return render(request, "certifications/kind_edit.html", {"form": form, "kind": kind})


@login_required
@require_POST
def kind_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    require_admin(request)
    kind = get_object_or_404(Certification, pk=pk)
    try:
        services.delete_certification(actor=request.user, certification=kind)
        messages.success(request, _("Certification %(name)s deleted.") % {"name": kind.name})
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("certifications:kinds")


@login_required
@require_POST
def regulated(request: AuthedHttpRequest) -> HttpResponse:
    require_admin(request)
    created = services.create_kinds_for_regulated_skills(actor=request.user)
    if created:
        messages.success(
            request,
            ngettext(
                "%(n)d certification created: %(names)s. Set how long it stays valid.",
                "%(n)d certifications created: %(names)s. Set how long each stays valid.",
                len(created),
            )
            % {"n": len(created), "names": ", ".join(c.name for c in created)},
        )
    else:
        messages.info(request, _("Every regulated skill already has a certification."))
    return redirect("certifications:kinds")


# --- compliance ----------------------------------------------------------------------------


@login_required
def compliance(request: AuthedHttpRequest) -> HttpResponse:
    """Per person and required certification: compliant, expiring, expired or missing. HR
    sees everyone, managers their reporting line."""
    require_manager(request)
    form = ComplianceFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "team_id": data["team"].pk if data["team"] else None,
            "status": data["status"] or None,
            "certification_id": data["certification"].pk if data["certification"] else None,
        }
    report = selectors.compliance(request.user, **filters)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return export_response(
            fmt,
            "compliance",
            ["name", "email", "team", "role", "certification", "status", "expires_on"],
            (
                (
                    r.person_name,
                    r.email,
                    r.team_name,
                    r.role_name,
                    r.certification_name,
                    r.status.value,
                    r.expires_on,
                )
                for r in report.rows
            ),
        )
    return render(
        request,
        "certifications/compliance.html",
        {
            "form": form,
            "report": report,
            "status_counts": [(s.value, s.label, report.counts[s.value]) for s in selectors.Status],
            "page_obj": paginate(request, report.rows, 100),
            "query": query_without_page(request),
            "status_query": _without(request, "page", "status", "format"),
        },
    )


def _without(request: AuthedHttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()
