"""The certifications API per actor (kinds, certificates, scan upload and download,
compliance), and query budgets of its list endpoints: as many queries with 3 rows as with 30."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from seedbed.certifications import services
from seedbed.certifications.models import Certification, HeldCertification
from seedbed.skills.models import Assertion, Skill
from tests.builders import make_person, make_skill
from tests.conftest import bearer
from tests.test_certifications import EXE, PDF, PNG

pytestmark = pytest.mark.django_db


def _api(person) -> Client:  # type: ignore[no-untyped-def]
    return Client(headers={"authorization": bearer(person)["HTTP_AUTHORIZATION"]})


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


def _body(org, bls, **kw):  # type: ignore[no-untyped-def]
    return {
        "person_id": org.employee.pk,
        "certification_id": bls.pk,
        "issued_on": timezone.localdate().isoformat(),
        **kw,
    }


def test_hr_creates_updates_and_deletes_kinds(org):
    client = _api(org.admin)
    skill = make_skill("Welding")
    body = {"name": "Welder", "skill_id": skill.pk, "level": 3, "role_ids": [org.employee.role_id]}
    created = client.post("/api/v1/certifications", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["skill_name"] == "Welding" and data["role_ids"] == [org.employee.role_id]
    again = client.post("/api/v1/certifications", body, content_type="application/json")
    assert again.status_code == 409 and again.json()["field"] == "name"
    kid = data["id"]
    put = client.put(
        f"/api/v1/certifications/{kid}",
        {"name": "Welder", "validity_months": 36},
        content_type="application/json",
    )
    assert put.json()["validity_months"] == 36 and put.json()["role_ids"] == []
    bad = client.post(
        "/api/v1/certifications",
        {"name": "X", "role_ids": [999999]},
        content_type="application/json",
    )
    assert bad.status_code == 404 and bad.json()["field"] == "role_ids"
    assert client.delete(f"/api/v1/certifications/{kid}").status_code == 204
    for who in ("manager", "employee", "outsider"):
        response = _api(getattr(org, who)).post(
            "/api/v1/certifications", {"name": "Mine"}, content_type="application/json"
        )
        assert response.status_code == 403
        assert _api(getattr(org, who)).get("/api/v1/certifications").status_code == 200


def test_regulated_skills_endpoint(org):
    make_skill("Gas safety", requires_certification=True)
    response = _api(org.admin).post("/api/v1/certifications/from-regulated-skills")
    assert [c["name"] for c in response.json()] == ["Gas safety"]
    assert _api(org.admin).post("/api/v1/certifications/from-regulated-skills").json() == []
    assert _api(org.manager).post("/api/v1/certifications/from-regulated-skills").status_code == 403


def test_certificates_per_actor(org, bls):
    own = _api(org.employee).post(
        "/api/v1/certificates", _body(org, bls, number="A-1"), content_type="application/json"
    )
    assert own.status_code == 201, own.json()
    data = own.json()
    assert data["verified"] is False and data["status"] == "compliant"
    assert (
        data["expires_on"]
        == (timezone.localdate().replace(year=timezone.localdate().year + 2)).isoformat()
    )
    cid = data["id"]
    for who in ("outsider", "outsider_manager", "lead"):
        client = _api(getattr(org, who))
        assert client.get(f"/api/v1/certificates/{cid}").status_code == 404
        assert client.post(f"/api/v1/certificates/{cid}/verify").status_code == 404
        assert client.delete(f"/api/v1/certificates/{cid}").status_code == 404
        assert client.get("/api/v1/certificates").json()["count"] == 0
        refused = client.post(
            "/api/v1/certificates", _body(org, bls), content_type="application/json"
        )
        assert refused.status_code == 404 and refused.json()["field"] == "person_id"
    assert _api(org.employee).post(f"/api/v1/certificates/{cid}/verify").status_code == 403
    verified = _api(org.manager).post(f"/api/v1/certificates/{cid}/verify")
    assert verified.json()["verified"] is True and verified.json()["verified_by"] == "Max Manager"
    assert Assertion.objects.get().skill == Skill.objects.get(name="First aid")
    put = _api(org.employee).put(
        f"/api/v1/certificates/{cid}",
        {"issued_on": data["issued_on"], "number": "B"},
        content_type="application/json",
    )
    assert put.status_code == 403
    assert (
        _api(org.admin).get("/api/v1/certificates", {"person": org.employee.pk}).json()["count"]
        == 1
    )


def test_bad_certificate_input(org, bls):
    client = _api(org.employee)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(
        "/api/v1/certificates", _body(org, bls, issued_on=future), content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["field"] == "issued_on"
    response = client.post(
        "/api/v1/certificates",
        _body(org, bls, certification_id=999999),
        content_type="application/json",
    )
    assert response.status_code == 404 and response.json()["field"] == "certification_id"
    response = client.post(
        "/api/v1/certificates", _body(org, bls, extra=1), content_type="application/json"
    )
    assert response.status_code == 422


def test_scan_upload_and_download(org, bls):
    held = services.add_certificate(
        actor=org.user("employee"),
        person=org.employee,
        certification=bls,
        issued_on=timezone.localdate(),
    )
    url = f"/api/v1/certificates/{held.pk}/attachment"
    assert _api(org.employee).get(url).status_code == 404  # no scan yet
    refused = _api(org.employee).post(url, {"attachment": SimpleUploadedFile("x.pdf", EXE)})
    assert refused.status_code == 400
    assert refused.json()["field"] == "attachment"
    assert "x.pdf is not a PDF, PNG or JPEG file" in refused.json()["detail"]
    ok = _api(org.employee).post(url, {"attachment": SimpleUploadedFile("scan.pdf", PDF)})
    assert ok.status_code == 200 and ok.json()["attachment_url"] == url
    download = _api(org.manager).get(url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == PDF
    assert _api(org.outsider).get(url).status_code == 404
    assert (
        _api(org.outsider).post(url, {"attachment": SimpleUploadedFile("s.png", PNG)}).status_code
        == 404
    )


def test_compliance_endpoints(org, bls):
    HeldCertification.objects.create(
        person=org.employee,
        certification=bls,
        issued_on=timezone.localdate(),
        expires_on=timezone.localdate() + timedelta(days=10),
    )
    rows = _api(org.manager).get("/api/v1/compliance").json()
    assert rows["count"] == 4
    emil = next(r for r in rows["items"] if r["person_name"] == "Emil Employee")
    assert emil["status"] == "expiring" and emil["certification_name"] == "Basic Life Support"
    summary = _api(org.manager).get("/api/v1/compliance/summary").json()
    assert summary == {"compliant": 0, "expiring": 1, "expired": 0, "missing": 3}
    missing = _api(org.admin).get("/api/v1/compliance", {"status": "missing"}).json()
    assert missing["count"] == 3
    assert _api(org.employee).get("/api/v1/compliance").status_code == 403
    assert _api(org.outsider_manager).get("/api/v1/compliance").json()["count"] == 0


# --- query budgets ----------------------------------------------------------------------------

AUTH = "bearer token + user"
PAGE = ["count(*) of the filtered rows", "the page of rows (with select_related joins)"]
BUDGETS: dict[str, tuple[str, list[str]]] = {
    "/api/v1/certifications": ("employee", [AUTH, *PAGE, "prefetch roles"]),
    "/api/v1/certificates": ("manager", [AUTH, *PAGE]),
    "/api/v1/compliance": (
        "manager",
        [AUTH, "people in scope", "required certifications of their roles", "their certificates"],
    ),
}


def _grow(org, bls, n: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        person = make_person(
            access="employee", team=org.employee.team, role=org.employee.role, manager=org.manager
        )
        HeldCertification.objects.create(
            person=person,
            certification=bls,
            issued_on=timezone.localdate(),
            expires_on=timezone.localdate() + timedelta(days=i),
        )
        kind = Certification.objects.create(name=f"Kind {Certification.objects.count()}")
        kind.roles.add(org.employee.role)


@pytest.mark.parametrize("endpoint", list(BUDGETS))
def test_list_endpoint_query_count_does_not_grow(org, bls, endpoint, django_assert_num_queries):
    actor, queries = BUDGETS[endpoint]
    client = _api(getattr(org, actor))
    counts = []
    for size in (3, 27):
        _grow(org, bls, size)
        client.get(endpoint)  # warm-up: touches the token's last_used_at
        with django_assert_num_queries(len(queries)):
            response = client.get(endpoint)
        assert response.status_code == 200
        counts.append(response.json()["count"])
    assert counts[1] > counts[0], "the second size must really have more rows"
