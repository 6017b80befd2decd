"""Import pages (admins only) and the people export (scoped to what the user may see)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from seedbed.accounts.models import User
from seedbed.imports import services
from seedbed.imports.forms import UploadForm
from seedbed.imports.models import ImportJob
from seedbed.imports.preview import Outcome
from seedbed.lib.errors import ServiceError
from seedbed.lib.listing import paginate, query_without_page
from seedbed.lib.spreadsheet import export_response


class AuthedRequest(HttpRequest):
    """``request`` in views behind ``login_required``: the user is signed in."""

    user: User  # type: ignore[assignment]


def _require_admin(request: AuthedRequest) -> None:
    if not request.user.is_admin:
        raise PermissionDenied(_("Only admins can import."))


def _job(request: AuthedRequest, pk: int, *, with_rows: bool = False) -> ImportJob:
    qs = ImportJob.objects.visible_to(request.user).select_related("created_by")
    if not with_rows:
        qs = qs.defer("rows")
    return get_object_or_404(qs, pk=pk)


@login_required
def start(request: AuthedRequest) -> HttpResponse:
    """Choose what to import, upload, download templates; recent jobs."""
    _require_admin(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        kind, layout = form.kind_and_layout()
        upload = form.cleaned_data["file"]
        occupations = form.cleaned_data.get("occupations")
        try:
            job = services.create_job(
                actor=request.user,
                kind=kind,
                layout=layout,
                upload=upload,
                name=upload.name,
                source=form.cleaned_data.get("source") or "",
                occupations=occupations or None,
                occupations_name=occupations.name if occupations else "",
            )
        except ServiceError as exc:
            field = exc.field if exc.field in ("file", "occupations") else None
            form.add_error("file" if exc.field is None else field, exc.message)
        else:
            return redirect("imports:job", pk=job.pk)
    jobs = ImportJob.objects.visible_to(request.user).select_related("created_by").defer("rows")
    return render(
        request,
        "imports/start.html",
        {
            "form": form,
            "jobs": jobs[:20],
            "templates": services.TEMPLATES,
        },
        status=400 if form.errors else 200,
    )


def _outcome_labels() -> dict[str, tuple[str, str]]:
    """Outcome -> (badge class, label)."""
    return {
        Outcome.CREATED: ("ok", _("new")),
        Outcome.UPDATED: ("warn", _("updated")),
        Outcome.UNCHANGED: ("", _("unchanged")),
        Outcome.ERROR: ("danger", _("error")),
    }


@login_required
def job_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """Progress while running; then every row's outcome and every error (``?errors=1``)."""
    _require_admin(request)
    job = _job(request, pk, with_rows=True)
    only_errors = request.GET.get("errors") == "1"
    rows: list[dict[str, Any]] = job.rows
    if only_errors:
        rows = [r for r in rows if r["outcome"] == Outcome.ERROR]
    labels = _outcome_labels()
    page = paginate(request, rows, per_page=100)
    for r in page.object_list:
        r["badge"], r["outcome_label"] = labels.get(r["outcome"], ("", r["outcome"]))
    return render(
        request,
        "imports/job.html",
        {
            "job": job,
            "page_obj": page,
            "only_errors": only_errors,
            "query": query_without_page(request),
            "counts": job.summary,
        },
    )


@login_required
def job_progress(request: AuthedRequest, pk: int) -> HttpResponse:
    """The progress partial, polled by htmx while the job runs; reloads the page when done."""
    _require_admin(request)
    job = _job(request, pk)
    if getattr(request, "htmx", False) and not job.is_running:
        return HttpResponseClientRefresh()
    return render(request, "imports/job.html#progress", {"job": job})


@login_required
@require_POST
def job_commit(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    job = _job(request, pk)
    try:
        services.request_commit(actor=request.user, job=job)
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("imports:job", pk=job.pk)


@login_required
@require_POST
def job_discard(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    job = _job(request, pk)
    try:
        services.discard_job(actor=request.user, job=job)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("imports:job", pk=job.pk)
    messages.success(request, _("Import of %(name)s discarded.") % {"name": job.original_name})
    return redirect("imports:start")


@login_required
def template_download(request: AuthedRequest, name: str) -> HttpResponse:
    """An empty CSV template with one example row."""
    _require_admin(request)
    if name not in services.TEMPLATES:
        raise Http404
    headers, rows = services.template_table(name)
    return export_response("csv", f"seedbed-{name}-template", headers, rows)


@login_required
def export_people(request: AuthedRequest) -> HttpResponse:
    """People as CSV or XLSX, in the import's columns; only whom the user may see."""
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        return HttpResponseBadRequest(_("Choose format=csv or format=xlsx."))
    headers, rows = services.people_export_rows(request.user)
    return export_response(fmt, "seedbed-people", headers, rows)
