"""Import jobs: upload -> background dry run -> preview -> commit (all-or-nothing) or discard.

The background steps (``run_validation``, ``run_commit``) are what the tasks in
``seedbed.imports.tasks`` call; they record progress on the job every few hundred rows so the
job page can show it.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import PurePath
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.accounts.models import AccessLevel, User
from seedbed.accounts.services import audit
from seedbed.imports.models import ImportJob, ImportKind, ImportStatus
from seedbed.imports.parsing import Table, check_size, read_table
from seedbed.imports.preview import Preview
from seedbed.imports.services.catalogue import commit_catalogue, validate_catalogue
from seedbed.imports.services.esco import commit_esco, validate_esco
from seedbed.imports.services.people import (
    ImportHasErrors,
    Progress,
    commit_people,
    validate_people,
)
from seedbed.imports.services.skills import LAYOUTS, commit_skills, validate_skills
from seedbed.lib.errors import Conflict, NotAllowed, ServiceError
from seedbed.skills.models import Source

logger = logging.getLogger(__name__)


def validate_table(
    table: Table,
    *,
    kind: str,
    layout: str = "",
    source: str = "",
    actor: User | None = None,
    progress: Progress | None = None,
    occupations: Table | None = None,
) -> Preview:
    """Dry run of ``table`` as a people, skills, ESCO or learning catalogue import
    (``occupations``: ESCO only)."""
    if kind == ImportKind.CATALOGUE:
        return validate_catalogue(table, progress=progress)
    if kind == ImportKind.ESCO:
        return validate_esco(table, occupations=occupations, progress=progress)
    if kind == ImportKind.PEOPLE:
        return validate_people(table, actor=actor, progress=progress)
    return validate_skills(
        table,
        layout=layout or None,
        source=source or Source.MANAGER,
        actor=actor,
        progress=progress,
    )


def commit_table(
    table: Table,
    *,
    kind: str,
    layout: str = "",
    source: str = "",
    actor: User | None = None,
    progress: Progress | None = None,
    occupations: Table | None = None,
) -> Preview:
    """Re-validate and write ``table`` in one transaction; ImportHasErrors if any row fails."""
    if kind == ImportKind.CATALOGUE:
        return commit_catalogue(table=table, actor=actor, progress=progress)
    if kind == ImportKind.ESCO:
        return commit_esco(skills=table, occupations=occupations, actor=actor, progress=progress)
    if kind == ImportKind.PEOPLE:
        return commit_people(table=table, actor=actor, progress=progress)
    return commit_skills(
        table=table,
        layout=layout or None,
        source=source or Source.MANAGER,
        actor=actor,
        progress=progress,
    )


def _check_admin(actor: User) -> None:
    if not (actor.is_active and actor.access_level == AccessLevel.ADMIN):
        raise NotAllowed(_("Only admins can import."))


def _suffix(name: str) -> str:
    suffix = PurePath(name).suffix.lower()
    return suffix if suffix in (".csv", ".xlsx", ".txt", ".tsv") else ""


@transaction.atomic
def create_job(
    *,
    actor: User,
    kind: str,
    upload: File,
    name: str,
    layout: str = "",
    source: str = "",
    occupations: File | None = None,
    occupations_name: str = "",
) -> ImportJob:
    """Store an uploaded file (ESCO: and the optional occupations file) and queue its dry run.
    Refuses unknown kinds, layouts and sources and files that are empty or too large before
    storing anything."""
    _check_admin(actor)
    if kind not in ImportKind.values:
        raise ServiceError(
            _("Choose what to import: people, skill levels, ESCO or a learning catalogue."),
            field="kind",
        )
    if occupations is not None and kind != ImportKind.ESCO:
        raise ServiceError(
            _("An occupations file belongs to an ESCO import only."), field="occupations"
        )
    if kind == ImportKind.SKILLS:
        if layout and layout not in LAYOUTS:
            raise ServiceError(_("Choose the wide or the long layout."), field="layout")
        if source and source not in Source.values:
            raise ServiceError(_("Unknown source %(source)s.") % {"source": source}, field="source")
    else:
        layout = source = ""
    check_size(upload.size or 0)
    if occupations is not None:
        try:
            check_size(occupations.size or 0)
        except ServiceError as exc:
            raise ServiceError(
                _("Occupations file: %(error)s") % {"error": exc.message}, field="occupations"
            ) from exc
    job = ImportJob(
        kind=kind, layout=layout, source=source, original_name=name[:255], created_by=actor
    )
    job.file.save(f"{uuid.uuid4().hex}{_suffix(name)}", upload, save=False)
    if occupations is not None:
        job.occupations_name = occupations_name[:255]
        job.occupations_file.save(
            f"{uuid.uuid4().hex}{_suffix(occupations_name)}", occupations, save=False
        )
    job.save()
    audit(
        actor=actor,
        action="import.upload",
        obj=job,
        summary=f"{job.get_kind_display()} import uploaded: {job.original_name}",
    )
    from seedbed.imports.tasks import validate_import

    transaction.on_commit(lambda: validate_import.enqueue(job.pk))
    return job


def _load_table(job: ImportJob) -> Table:
    with job.file.open("rb") as fh:
        data = fh.read()
    return read_table(data, job.original_name)


def _load_occupations(job: ImportJob) -> Table | None:
    """ESCO's optional second file, if the job has one."""
    if not job.occupations_file:
        return None
    with job.occupations_file.open("rb") as fh:
        data = fh.read()
    return read_table(data, job.occupations_name)


def _progress(job_id: int) -> Progress:
    def report(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(progress=done, total=total)

    return report


def _stored(preview: Preview) -> dict[str, Any]:
    """Job fields that hold a preview."""
    return {
        "rows": preview.rows_json(),
        "summary": preview.summary(),
        "notes": preview.notes,
        "error_count": preview.error_count,
        "layout": preview.layout,
        "progress": len(preview.rows),
        "total": len(preview.rows),
        "updated_at": timezone.now(),
    }


def run_validation(*, job_id: int) -> None:
    """The background dry run: read the file, validate every row, store the preview."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    started = ImportJob.objects.filter(
        pk=job_id,
        status__in=[ImportStatus.UPLOADED, ImportStatus.VALIDATING],
    ).update(status=ImportStatus.VALIDATING, progress=0, total=0, message="")
    if not started:
        return  # discarded before the worker got to it
    try:
        table = _load_table(job)
        occupations = _load_occupations(job)
        ImportJob.objects.filter(pk=job_id).update(
            total=len(table.rows) + (len(occupations.rows) if occupations else 0),
            description=table.description[:200],
        )
        preview = validate_table(
            table,
            kind=job.kind,
            layout=job.layout,
            source=job.source,
            actor=job.created_by,
            progress=_progress(job_id),
            occupations=occupations,
        )
    except ServiceError as exc:
        ImportJob.objects.filter(pk=job_id, status=ImportStatus.VALIDATING).update(
            status=ImportStatus.FAILED, message=exc.message
        )
        return
    except Exception:
        logger.exception("import %s: validation crashed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.FAILED,
            message=_("An unexpected error stopped the check. Nothing was imported."),
        )
        raise
    ImportJob.objects.filter(pk=job_id, status=ImportStatus.VALIDATING).update(
        status=ImportStatus.PREVIEWED, **_stored(preview)
    )


def request_commit(*, actor: User, job: ImportJob) -> ImportJob:
    """Queue the commit of a clean preview. Refused while the preview has errors."""
    _check_admin(actor)
    if job.status != ImportStatus.PREVIEWED:
        raise Conflict(
            _("This import cannot be committed now (it is %(status)s).")
            % {"status": job.get_status_display().lower()}
        )
    if job.error_count:
        raise ServiceError(
            _(
                "Fix the %(n)s row(s) with errors and upload the file again: an "
                "import is all or nothing."
            )
            % {"n": job.error_count}
        )
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PREVIEWED).update(
        status=ImportStatus.COMMITTING, progress=0, message=""
    )
    if not claimed:
        raise Conflict(_("This import is already being committed."))
    from seedbed.imports.tasks import commit_import

    job_id, actor_id = job.pk, actor.pk
    transaction.on_commit(lambda: commit_import.enqueue(job_id, actor_id))
    job.refresh_from_db()
    return job


def run_commit(*, job_id: int, actor_id: int | None) -> None:
    """The background commit: re-validate against the current database and write everything
    in one transaction, or nothing (the new errors then show in the preview)."""
    job = ImportJob.objects.get(pk=job_id)
    if job.status != ImportStatus.COMMITTING:
        return
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    try:
        table = _load_table(job)
        preview = commit_table(
            table,
            kind=job.kind,
            layout=job.layout,
            source=job.source,
            actor=actor,
            occupations=_load_occupations(job),
        )
    except ImportHasErrors as exc:
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.PREVIEWED,
            **_stored(exc.preview),
            message=_(
                "Seedbed changed since the check and some rows now have errors. Nothing was "
                "imported."
            ),
        )
        return
    except ServiceError as exc:
        ImportJob.objects.filter(pk=job_id).update(status=ImportStatus.FAILED, message=exc.message)
        return
    except Exception:
        logger.exception("import %s: commit crashed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.FAILED,
            message=_("An unexpected error stopped the import. Nothing was imported."),
        )
        raise
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportStatus.DONE, committed_at=timezone.now(), **_stored(preview)
    )


@transaction.atomic
def discard_job(*, actor: User, job: ImportJob) -> ImportJob:
    """Drop a job that was not imported: its stored file and preview go."""
    _check_admin(actor)
    if job.status in (ImportStatus.COMMITTING, ImportStatus.DONE):
        raise Conflict(_("An import that was committed cannot be discarded."))
    if job.file:
        job.file.delete(save=False)
    if job.occupations_file:
        job.occupations_file.delete(save=False)
    job.status = ImportStatus.DISCARDED
    job.rows = []
    job.save(update_fields=["status", "rows", "file", "occupations_file", "updated_at"])
    audit(
        actor=actor,
        action="import.discard",
        obj=job,
        summary=f"{job.get_kind_display()} import discarded: {job.original_name}",
    )
    return job
