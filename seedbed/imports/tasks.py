"""Background steps of an import job (run by the django-tasks-db worker; immediate in tests)."""

from __future__ import annotations

from django.tasks import task

from seedbed.imports.services import jobs


@task()
def validate_import(job_id: int) -> None:
    """Dry run of an uploaded file; progress and preview are stored on the job."""
    jobs.run_validation(job_id=job_id)


@task()
def commit_import(job_id: int, actor_id: int | None) -> None:
    """All-or-nothing commit of a clean preview."""
    jobs.run_commit(job_id=job_id, actor_id=actor_id)
