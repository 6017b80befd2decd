"""API: the skills taxonomy, categories and scales."""

from __future__ import annotations

import pytest
from django.test import Client

from seedbed.skills.models import Skill
from tests.builders import make_category, make_skill
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


def api(person) -> Client:  # type: ignore[no-untyped-def]
    return Client(headers={"authorization": bearer(person)["HTTP_AUTHORIZATION"]})


def test_skill_search_matches_aliases(org):
    client = api(org.employee)
    assert [s["name"] for s in client.get("/api/v1/skills?search=k8s").json()["items"]] == [
        "Kubernetes"
    ]
    assert [s["name"] for s in client.get("/api/v1/skills?search=PY").json()["items"]] == ["Python"]
    assert client.get("/api/v1/skills?search=nothing-like-it").json() == {"items": [], "count": 0}


def test_skill_category_filter_and_detail(org):
    client = api(org.employee)
    cloud = make_category("Cloud")
    terraform = make_skill("Terraform", category=cloud)
    body = client.get(f"/api/v1/skills?category={cloud.pk}").json()
    assert [s["name"] for s in body["items"]] == ["Terraform"]
    detail = client.get(f"/api/v1/skills/{terraform.pk}").json()
    assert (detail["category_name"], detail["criticality"]) == ("Cloud", "medium")
    assert client.get("/api/v1/skills/999999").status_code == 404


def test_admin_creates_skill_with_aliases(org):
    client = api(org.admin)
    category = make_category("Data")
    response = client.post(
        "/api/v1/skills",
        {
            "name": "PostgreSQL",
            "category_id": category.pk,
            "aliases": ["postgres", "pg", "Postgres"],
            "criticality": "high",
            "external_id": "http://data.europa.eu/esco/skill/x",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["aliases"] == ["postgres", "pg"]
    assert [s["name"] for s in client.get("/api/v1/skills?search=pg").json()["items"]] == [
        "PostgreSQL"
    ]


def test_skill_input_errors(org):
    client = api(org.admin)
    category = make_category()
    cases = [
        ({"name": "X", "category_id": category.pk, "criticality": "extreme"}, 422, "criticality"),
        ({"name": "X", "category_id": 999999}, 404, "category_id"),
        ({"name": "python", "category_id": category.pk}, 400, "name"),
        ({"name": "X", "category_id": category.pk, "aliases": ["a\x00"]}, 422, "aliases.0"),
    ]
    for body, status, field in cases:
        response = client.post("/api/v1/skills", body, content_type="application/json")
        assert response.status_code == status, (body, response.json())
        assert response.json()["field"] == field


def test_duplicate_external_id_is_refused(org):
    client = api(org.admin)
    Skill.objects.filter(name="Python").update(external_id="esco:python")
    kubernetes = Skill.objects.get(name="Kubernetes")
    response = client.patch(
        f"/api/v1/skills/{kubernetes.pk}",
        {"external_id": "esco:python"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "external_id"


def test_admin_archives_and_renames_skill(org):
    client = api(org.admin)
    python = Skill.objects.get(name="Python")
    body = client.patch(
        f"/api/v1/skills/{python.pk}",
        {"is_active": False, "name": "Python 3"},
        content_type="application/json",
    ).json()
    assert (body["name"], body["is_active"], body["aliases"]) == ("Python 3", False, ["py"])
    assert [s["name"] for s in client.get("/api/v1/skills?active=true").json()["items"]] == [
        "Kubernetes"
    ]


@pytest.mark.parametrize("actor", ["manager", "employee", "outsider"])
def test_non_admins_cannot_change_taxonomy(org, actor):
    client = api(getattr(org, actor))
    python = Skill.objects.get(name="Python")
    assert (
        client.post(
            "/api/v1/skills",
            {"name": "X", "category_id": python.category_id},
            content_type="application/json",
        ).status_code
        == 403
    )
    response = client.patch(
        f"/api/v1/skills/{python.pk}", {"name": "Snake"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    python.refresh_from_db()
    assert python.name == "Python"


def test_categories_and_scales(org):
    client = api(org.employee)
    categories = client.get("/api/v1/skill-categories").json()
    assert categories["count"] == 2
    scales = client.get("/api/v1/scales").json()["items"]
    assert len(scales) == 1 and scales[0]["is_default"]
    assert [(lvl["value"], lvl["name"]) for lvl in scales[0]["levels"]][:2] == [
        (0, "None"),
        (1, "Novice"),
    ]
