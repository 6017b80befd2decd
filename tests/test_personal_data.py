"""People's data: export on request, erasure, interest API, audit."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from seedbed.accounts.models import AuditLog
from seedbed.skills.models import Assertion, Skill, SkillInterest, Source
from seedbed.skills.services import record_assertion
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


def _rate(org) -> Skill:
    python = Skill.objects.get(name="Python")
    record_assertion(
        actor=org.employee.user,
        person=org.employee,
        skill=python,
        level=3,
        source=Source.SELF,
        note="Built the billing service",
    )
    return python


def test_person_downloads_own_personal_data(org, clients):
    _rate(org)
    response = clients["employee"].get(reverse("people:personal_data", args=[org.employee.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["person"]["email"] == org.employee.email
    assert data["assertions"][0]["note"] == "Built the billing service"
    assert AuditLog.objects.filter(action="person.export", object_id=str(org.employee.pk)).exists()


@pytest.mark.parametrize("who", ["outsider", "manager", "outsider_manager"])
def test_others_cannot_download_personal_data(org, clients, who):
    response = clients[who].get(reverse("people:personal_data", args=[org.employee.pk]))
    assert response.status_code == 403


def test_admin_exports_and_erases_through_the_api(org):
    _rate(org)
    api = Client(**bearer(org.admin))
    data = api.get(f"/api/v1/people/{org.employee.pk}/personal-data").json()
    assert data["person"]["name"] == "Emil Employee"
    assert api.post(f"/api/v1/people/{org.employee.pk}/erase").status_code == 200
    org.employee.refresh_from_db()
    assert org.employee.erased_at is not None and "Emil" not in org.employee.full_name
    assert Assertion.objects.get(person=org.employee).note == ""


def test_outsider_cannot_erase_or_export_through_the_api(org):
    api = Client(**bearer(org.outsider))
    assert api.get(f"/api/v1/people/{org.employee.pk}/personal-data").status_code == 403
    assert api.post(f"/api/v1/people/{org.employee.pk}/erase").status_code == 403
    org.employee.refresh_from_db()
    assert org.employee.erased_at is None


def test_interest_api_only_for_oneself(org):
    python = Skill.objects.get(name="Python")
    url = f"/api/v1/people/{org.employee.pk}/skills/{python.pk}/interest"
    own = Client(**bearer(org.employee))
    response = own.put(url, {"interest": "keen"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["interest"] == "keen"
    assert SkillInterest.objects.get(person=org.employee, skill=python).interest == "keen"
    manager = Client(**bearer(org.manager))
    assert (
        manager.put(url, {"interest": "none"}, content_type="application/json").status_code == 403
    )
    outsider = Client(**bearer(org.outsider))
    assert (
        outsider.put(url, {"interest": "none"}, content_type="application/json").status_code == 404
    )
    assert own.put(url, {"interest": "very"}, content_type="application/json").status_code == 422
