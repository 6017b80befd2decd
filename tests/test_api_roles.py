"""API: roles with their requirements — read by everyone, changed by admins."""

from __future__ import annotations

import pytest
from django.test import Client

from seedbed.frameworks.models import Role, RoleRequirement
from seedbed.skills.models import Skill
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


def api(person) -> Client:  # type: ignore[no-untyped-def]
    return Client(headers={"authorization": bearer(person)["HTTP_AUTHORIZATION"]})


def test_roles_embed_requirements(org):
    body = api(org.outsider).get("/api/v1/roles").json()
    assert body["count"] == 1
    role = body["items"][0]
    assert role["name"] == "Developer"
    assert [
        (r["skill_name"], r["required_level"], r["importance"]) for r in role["requirements"]
    ] == [("Kubernetes", 2, 2), ("Python", 3, 2)]


def test_role_detail_and_filters(org):
    client = api(org.employee)
    role = Role.objects.get(name="Developer")
    assert client.get(f"/api/v1/roles/{role.pk}").json()["name"] == "Developer"
    assert client.get("/api/v1/roles/999999").status_code == 404
    Role.objects.create(name="Retired role", is_active=False)
    assert [r["name"] for r in client.get("/api/v1/roles?active=false").json()["items"]] == [
        "Retired role"
    ]
    assert client.get("/api/v1/roles?q=dev").json()["count"] == 1


def test_admin_creates_and_updates_role(org):
    client = api(org.admin)
    response = client.post(
        "/api/v1/roles",
        {"name": "Data Engineer", "description": "Pipelines"},
        content_type="application/json",
    )
    assert response.status_code == 201
    role_id = response.json()["id"]
    response = client.patch(
        f"/api/v1/roles/{role_id}", {"is_active": False}, content_type="application/json"
    )
    assert response.json()["is_active"] is False
    assert response.json()["description"] == "Pipelines"
    clash = client.post("/api/v1/roles", {"name": "data engineer"}, content_type="application/json")
    assert clash.status_code == 400 and clash.json()["field"] == "name"


def test_admin_sets_and_removes_requirement(org):
    client = api(org.admin)
    role = Role.objects.get(name="Developer")
    python = Skill.objects.get(name="Python")
    url = f"/api/v1/roles/{role.pk}/requirements/{python.pk}"
    response = client.put(url, {"level": 4, "importance": 3}, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {
        "skill_id": python.pk,
        "skill_name": "Python",
        "required_level": 4,
        "importance": 3,
    }
    assert client.delete(url).status_code == 204
    assert not RoleRequirement.objects.filter(role=role, skill=python).exists()


def test_requirement_level_outside_scale_is_refused(org):
    role = Role.objects.get(name="Developer")
    python = Skill.objects.get(name="Python")
    response = api(org.admin).put(
        f"/api/v1/roles/{role.pk}/requirements/{python.pk}",
        {"level": 9},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "level"
    assert "outside the scale" in response.json()["detail"]


def test_requirement_for_unknown_skill_or_role_is_404(org):
    client = api(org.admin)
    role = Role.objects.get(name="Developer")
    response = client.put(
        f"/api/v1/roles/{role.pk}/requirements/999999",
        {"level": 2},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert response.json()["detail"] == "No skill with id 999999."
    assert client.delete("/api/v1/roles/999999/requirements/1").status_code == 404


@pytest.mark.parametrize("actor", ["manager", "employee", "outsider"])
def test_non_admins_cannot_change_roles(org, actor):
    client = api(getattr(org, actor))
    role = Role.objects.get(name="Developer")
    python = Skill.objects.get(name="Python")
    url = f"/api/v1/roles/{role.pk}"
    assert (
        client.post("/api/v1/roles", {"name": "X"}, content_type="application/json").status_code
        == 403
    )
    assert client.patch(url, {"name": "X"}, content_type="application/json").status_code == 403
    assert (
        client.put(
            f"{url}/requirements/{python.pk}", {"level": 1}, content_type="application/json"
        ).status_code
        == 403
    )
    assert client.delete(f"{url}/requirements/{python.pk}").status_code == 403
    assert RoleRequirement.objects.get(role=role, skill=python).required_level == 3
