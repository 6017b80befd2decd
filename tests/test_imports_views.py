"""Import pages: admin only, upload -> preview -> commit/discard, progress partial, templates."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from seedbed.imports.models import ImportJob, ImportStatus
from seedbed.imports.services import create_job, run_validation
from seedbed.people.models import Person
from tests.data.imports import PEOPLE_HEADER, csv_file, person_row

pytestmark = pytest.mark.django_db


def _upload(client, rows, *, what="people", name="people.csv", capture=None, **extra):
    upload = SimpleUploadedFile(name, csv_file(rows), content_type="text/csv")
    with capture(execute=True):
        return client.post(reverse("imports:start"), {"what": what, "file": upload, **extra})


def _job(org, rows, kind="people", status=None):
    upload = SimpleUploadedFile("people.csv", csv_file(rows))
    job = create_job(actor=org.user("admin"), kind=kind, upload=upload, name="people.csv")
    if status:
        ImportJob.objects.filter(pk=job.pk).update(status=status)
        job.refresh_from_db()
    return job


GOOD = [
    PEOPLE_HEADER,
    person_row("Ada Lovelace", "ada@example.com", team="Data"),
    person_row("Grace Hopper", "grace@example.com", manager_email="ada@example.com"),
]
BAD = [
    PEOPLE_HEADER,
    person_row("Ada Lovelace", "ada@example.com"),
    person_row("Bad Manager", "bad@example.com", manager_email="ghost@example.com"),
]


@pytest.mark.parametrize("actor", ["manager", "employee", "outsider", "outsider_manager"])
def test_only_admins_reach_import_pages(org, clients, actor):
    job = _job(org, GOOD)
    client = clients[actor]
    for url in (
        reverse("imports:start"),
        reverse("imports:job", args=[job.pk]),
        reverse("imports:job_progress", args=[job.pk]),
        reverse("imports:template", args=["people"]),
    ):
        assert client.get(url).status_code == 403, url
    for url in (
        reverse("imports:start"),
        reverse("imports:job_commit", args=[job.pk]),
        reverse("imports:job_discard", args=[job.pk]),
    ):
        assert client.post(url).status_code == 403, url
    job.refresh_from_db()
    assert job.status == ImportStatus.UPLOADED


def test_anonymous_is_sent_to_sign_in(client, org):
    response = client.get(reverse("imports:start"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_landing_page(clients):
    response = clients["admin"].get(reverse("imports:start"))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("people", "skills-wide", "skills-long"):
        assert reverse("imports:template", args=[name]) in html
    assert 'enctype="multipart/form-data"' in html
    assert "No imports yet" in html


def test_upload_preview_commit(org, clients, django_capture_on_commit_callbacks):
    admin = clients["admin"]
    response = _upload(admin, GOOD, capture=django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "imports:job", args=[job.pk]
    )
    assert job.status == ImportStatus.PREVIEWED and job.error_count == 0
    assert job.summary["created"] == 2 and job.total == 2
    page = admin.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Ada Lovelace &lt;ada@example.com&gt;" in page
    assert "hx-trigger" not in page  # finished: no polling
    assert not Person.objects.filter(email="ada@example.com").exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("imports:job_commit", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.committed_at is not None
    grace = Person.objects.get(email="grace@example.com")
    assert grace.manager.email == "ada@example.com"
    assert "Imported" in admin.get(reverse("imports:start")).content.decode()


def test_preview_with_errors_blocks_commit(org, clients, django_capture_on_commit_callbacks):
    admin = clients["admin"]
    _upload(admin, BAD, capture=django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.PREVIEWED and job.error_count == 1
    page = admin.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Unknown manager ghost@example.com" in page
    assert "F · manager_email" in page
    assert "disabled" in page and "1 row has an error" in page
    only_errors = admin.get(reverse("imports:job", args=[job.pk]) + "?errors=1").content.decode()
    assert "ghost@example.com" in only_errors and "ada@example.com" not in only_errors

    response = admin.post(reverse("imports:job_commit", args=[job.pk]), follow=True)
    assert "Fix the 1 row(s) with errors" in response.content.decode()
    assert not Person.objects.filter(email="ada@example.com").exists()
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED


def test_commit_revalidates_against_current_data(org, clients, django_capture_on_commit_callbacks):
    rows = [PEOPLE_HEADER, person_row("Ada", "ada@example.com", manager_email=org.lead.email)]
    _upload(clients["admin"], rows, capture=django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.error_count == 0
    Person.objects.filter(pk=org.lead.pk).update(email="lead-renamed@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        clients["admin"].post(reverse("imports:job_commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED and job.error_count == 1
    assert "Seedbed changed since the check" in job.message
    assert not Person.objects.filter(email="ada@example.com").exists()


def test_failed_file_shows_its_message(org, clients, django_capture_on_commit_callbacks):
    _upload(
        clients["admin"],
        [["Name", "Contact"], ["A", "a@example.com"]],
        capture=django_capture_on_commit_callbacks,
    )
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    page = clients["admin"].get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Missing required column(s): email. Found: Name, Contact." in page


def test_oversize_upload_is_refused_before_storing(clients, settings):
    settings.IMPORT_MAX_MB = 1
    big = SimpleUploadedFile("big.csv", b"name,email\n" + b"x" * (1024 * 1024 + 10))
    response = clients["admin"].post(reverse("imports:start"), {"what": "people", "file": big})
    assert response.status_code == 400
    assert "the limit is 1 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_skill_upload_keeps_layout_and_source(org, clients, django_capture_on_commit_callbacks):
    rows = [["email", "skill", "level"], [org.employee.email, "Python", 3]]
    _upload(
        clients["admin"],
        rows,
        what="skills-long",
        source="assessment",
        capture=django_capture_on_commit_callbacks,
    )
    job = ImportJob.objects.get()
    assert (job.kind, job.layout, job.source, job.status) == (
        "skills",
        "long",
        "assessment",
        ImportStatus.PREVIEWED,
    )
    assert job.summary["assertions"] == 1


def test_progress_partial_polls_while_running(org, clients):
    job = _job(org, GOOD, status=ImportStatus.VALIDATING)
    ImportJob.objects.filter(pk=job.pk).update(progress=500, total=2000)
    url = reverse("imports:job_progress", args=[job.pk])
    response = clients["admin"].get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f'hx-get="{url}"' in html and 'hx-trigger="every 1s"' in html
    assert '<progress class="progress" max="2000" value="500"' in html
    # The full page works without JavaScript: a plain refresh link.
    page = clients["admin"].get(reverse("imports:job", args=[job.pk])).content.decode()
    assert f'href="{reverse("imports:job", args=[job.pk])}">Refresh' in page

    run_validation(job_id=job.pk)
    response = clients["admin"].get(url, headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"  # finished: reload the page, polling stops


def test_discard(org, clients):
    job = _job(org, GOOD)
    run_validation(job_id=job.pk)
    path = job.file.path
    response = clients["admin"].post(reverse("imports:job_discard", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DISCARDED and not job.file
    import os

    assert not os.path.exists(path)
    response = clients["admin"].post(reverse("imports:job_commit", args=[job.pk]), follow=True)
    assert "cannot be committed now" in response.content.decode()


def test_templates_download(org, clients):
    response = clients["admin"].get(reverse("imports:template", args=["people"]))
    assert response["Content-Type"].startswith("text/csv")
    first_line = response.content.decode("utf-8-sig").splitlines()[0]
    assert first_line == ",".join(PEOPLE_HEADER)
    wide = clients["admin"].get(reverse("imports:template", args=["skills-wide"]))
    header = wide.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:2] == ["email", "name"] and sorted(header[2:]) == ["Kubernetes", "Python"]
    assert clients["admin"].get("/import/templates/nope.csv").status_code == 404
