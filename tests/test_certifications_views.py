"""Certification pages per actor: own and a person's certificates, scan upload and the
permission-checked download, kinds (HR), the regulated-skills button, compliance with its
filters and exports, the home-page panel. The outsider gets 404 or 403, never data."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from seedbed.accounts.models import AuditLog
from seedbed.certifications import services
from seedbed.certifications.models import Certification, HeldCertification
from seedbed.skills.models import PersonSkill
from tests.builders import make_skill
from tests.test_certifications import EXE, PDF, PNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def bls(org) -> Certification:  # type: ignore[no-untyped-def]
    return services.save_certification(
        actor=org.user("admin"),
        data=services.KindData(
            name="Basic Life Support",
            skill=make_skill("First aid"),
            level=3,
            validity_months=24,
            roles=[org.employee.role],
        ),
    )


def _held(org, bls, **kw) -> HeldCertification:  # type: ignore[no-untyped-def]
    kw.setdefault("issued_on", timezone.localdate() - timedelta(days=10))
    return services.add_certificate(
        actor=org.user("admin"), person=kw.pop("person", org.employee), certification=bls, **kw
    )


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def test_employee_adds_own_certificate_with_a_scan(org, clients, bls):
    page = clients["employee"].get(reverse("certifications:mine"))
    assert page.status_code == 200
    assert "Required for the role Developer" in _text(page) and "Missing" in _text(page)
    response = clients["employee"].post(
        reverse("certifications:add", args=[org.employee.pk]),
        {
            "certification": bls.pk,
            "number": "BLS-77",
            "issued_on": timezone.localdate().isoformat(),
            "attachment": SimpleUploadedFile("bls.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("certifications:mine")
    held = HeldCertification.objects.get()
    assert held.number == "BLS-77" and held.attachment.name.endswith(".pdf")
    page = _text(clients["employee"].get(response["Location"]))
    assert "BLS-77" in page and "not yet" in page and "Compliant" in page
    assert "Your manager or HR verifies it" in page  # the flash message


def test_a_renamed_executable_is_refused_with_a_message(org, clients, bls):
    response = clients["employee"].post(
        reverse("certifications:add", args=[org.employee.pk]),
        {
            "certification": bls.pk,
            "issued_on": timezone.localdate().isoformat(),
            "attachment": SimpleUploadedFile("cert.pdf", EXE, content_type="application/pdf"),
        },
    )
    assert response.status_code == 200
    assert "cert.pdf is not a PDF, PNG or JPEG file" in _text(response)
    assert not HeldCertification.objects.exists()


def test_oversized_scan_is_refused_with_a_message(org, clients, bls, settings):
    settings.CERTIFICATE_MAX_MB = 1
    held = _held(org, bls)
    response = clients["manager"].post(
        reverse("certifications:attach", args=[held.pk]),
        {"attachment": SimpleUploadedFile("big.png", PNG + b"\0" * 1024 * 1024)},
        follow=True,
    )
    assert "the limit is 1 MB" in _text(response)
    held.refresh_from_db()
    assert not held.attachment


def test_download_only_for_those_who_may_see_the_certificates(org, clients, bls):
    held = _held(org, bls, attachment=SimpleUploadedFile("photo.pdf", PNG))
    url = reverse("certifications:download", args=[held.pk])
    for who in ("employee", "manager", "lead", "admin"):
        response = clients[who].get(url)
        if who == "lead":  # the employee reports to the manager, not to the lead
            assert response.status_code == 404
            continue
        assert response.status_code == 200, who
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].startswith("attachment;")
        assert 'filename="emil-employee-basic-life-support.png"' in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == PNG
    for who in ("outsider", "outsider_manager"):
        assert clients[who].get(url).status_code == 404
    no_scan = _held(org, bls, person=org.report2)
    assert (
        clients["admin"].get(reverse("certifications:download", args=[no_scan.pk])).status_code
        == 404
    )


def test_outsider_cannot_see_or_change_certificates(org, clients, bls):
    held = _held(org, bls)
    outsider = clients["outsider"]
    assert outsider.get(reverse("certifications:person", args=[org.employee.pk])).status_code == 404
    assert outsider.get(reverse("certifications:edit", args=[held.pk])).status_code == 404
    before = AuditLog.objects.count()
    for name in ("verify", "delete", "attach"):
        response = outsider.post(reverse(f"certifications:{name}", args=[held.pk]))
        assert response.status_code == 404, name
    response = outsider.post(
        reverse("certifications:add", args=[org.employee.pk]),
        {"certification": bls.pk, "issued_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 404
    assert AuditLog.objects.count() == before and HeldCertification.objects.count() == 1
    assert outsider.get(reverse("certifications:compliance")).status_code == 403


def test_manager_verifies_and_the_level_follows(org, clients, bls):
    held = services.add_certificate(
        actor=org.user("employee"),
        person=org.employee,
        certification=bls,
        issued_on=timezone.localdate(),
    )
    page = _text(clients["manager"].get(reverse("certifications:person", args=[org.employee.pk])))
    assert reverse("certifications:verify", args=[held.pk]) in page
    mine = _text(clients["employee"].get(reverse("certifications:mine")))
    assert reverse("certifications:verify", args=[held.pk]) not in mine
    clients["manager"].post(reverse("certifications:verify", args=[held.pk]))
    assert PersonSkill.objects.get(person=org.employee, skill=bls.skill).level == 3
    # Verified: the holder no longer edits it.
    assert (
        clients["employee"].get(reverse("certifications:edit", args=[held.pk])).status_code == 403
    )


def test_edit_keeps_the_kind_and_checks_dates(org, clients, bls):
    held = _held(org, bls)
    url = reverse("certifications:edit", args=[held.pk])
    bad = clients["manager"].post(
        url, {"issued_on": held.issued_on.isoformat(), "expires_on": "2000-01-01"}
    )
    assert "The expiry date must be after the issue date." in _text(bad)
    ok = clients["manager"].post(url, {"number": "X-1", "issued_on": held.issued_on.isoformat()})
    assert ok.status_code == 302
    held.refresh_from_db()
    assert held.number == "X-1" and held.certification == bls


# --- kinds ----------------------------------------------------------------------------------


def test_hr_manages_kinds_and_creates_them_for_regulated_skills(org, clients, bls):
    make_skill("Forklift driving", requires_certification=True)
    page = _text(clients["admin"].get(reverse("certifications:kinds")))
    assert "1 skill is marked" in page and "Basic Life Support" in page
    response = clients["admin"].post(reverse("certifications:regulated"), follow=True)
    assert "1 certification created: Forklift driving" in _text(response)
    response = clients["admin"].post(
        reverse("certifications:kind_new"),
        {"name": "Gas safe", "skill": "first AID", "level": 2, "validity_months": 12},
    )
    assert response.status_code == 302
    assert Certification.objects.get(name="Gas safe").skill == bls.skill
    unknown = clients["admin"].post(
        reverse("certifications:kind_new"), {"name": "Other", "skill": "Quantum knitting"}
    )
    assert "No skill is named “Quantum knitting”" in _text(unknown)
    for who in ("manager", "employee", "outsider"):
        assert clients[who].get(reverse("certifications:kinds")).status_code == 200
        assert clients[who].get(reverse("certifications:kind_new")).status_code == 403
        assert clients[who].post(reverse("certifications:regulated")).status_code == 403
        assert (
            clients[who].post(reverse("certifications:kind_delete", args=[bls.pk])).status_code
            == 403
        )
    assert "Create certification kinds" not in _text(
        clients["manager"].get(reverse("certifications:kinds"))
    )


# --- compliance -------------------------------------------------------------------------


def test_compliance_page_filters_counts_and_exports(org, clients, bls):
    _held(org, bls, expires_on=timezone.localdate() + timedelta(days=20))
    page = _text(clients["manager"].get(reverse("certifications:compliance")))
    assert "Emil Employee" in page and "Rita Report" in page and "Olga" not in page
    expiring = clients["manager"].get(reverse("certifications:compliance"), {"status": "expiring"})
    text = _text(expiring)
    assert "Emil Employee" in text and "Rita Report" not in text
    export = clients["manager"].get(
        reverse("certifications:compliance"), {"status": "missing", "format": "csv"}
    )
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0] == ["name", "email", "team", "role", "certification", "status", "expires_on"]
    assert sorted(r[0] for r in rows[1:]) == ["Lea Lead", "Max Manager", "Rita Report"]
    xlsx = clients["admin"].get(reverse("certifications:compliance"), {"format": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    assert clients["employee"].get(reverse("certifications:compliance")).status_code == 403


def test_home_page_shows_expiring_certificates_to_managers(org, clients, bls):
    _held(org, bls, expires_on=timezone.localdate() + timedelta(days=5))
    home = _text(clients["manager"].get(reverse("home")))
    assert "Certificates expiring" in home and "Basic Life Support" in home
    assert "Certificates expiring" not in _text(clients["outsider_manager"].get(reverse("home")))
    assert "Certificates expiring" not in _text(clients["employee"].get(reverse("home")))


def test_navigation_entries(org, clients):
    assert 'href="/certifications/"' in _text(clients["employee"].get(reverse("home")))
    manager_home = _text(clients["manager"].get(reverse("home")))
    assert 'href="/certifications/compliance/"' in manager_home
    assert 'href="/development/"' in manager_home
