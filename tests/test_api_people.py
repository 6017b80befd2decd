"""API: people and teams — directory reads for everyone, writes for admins."""

from __future__ import annotations

import pytest
from django.test import Client

from seedbed.accounts.models import AuditLog
from seedbed.people.models import Person, Team
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


def api(person) -> Client:  # type: ignore[no-untyped-def]
    return Client(headers={"authorization": bearer(person)["HTTP_AUTHORIZATION"]})


def _post(client: Client, url: str, body: object) -> object:
    return client.post(url, body, content_type="application/json")


def _patch(client: Client, url: str, body: object) -> object:
    return client.patch(url, body, content_type="application/json")


# --- reads -------------------------------------------------------------------------------


def test_people_list_is_paginated_and_sorted(org):
    body = api(org.employee).get("/api/v1/people?limit=2&offset=1").json()
    assert body["count"] == 7
    assert [p["full_name"] for p in body["items"]] == ["Hana Admin", "Lea Lead"]


def test_people_filters(org):
    client = api(org.outsider)

    def names(url: str) -> list[str]:
        return [p["full_name"] for p in client.get(url).json()["items"]]

    assert names("/api/v1/people?q=olga") == ["Olga Outsider"]
    assert names(f"/api/v1/people?q={org.employee.email.upper()}") == ["Emil Employee"]
    assert names(f"/api/v1/people?manager={org.manager.pk}") == ["Emil Employee", "Lea Lead"]
    assert names(f"/api/v1/people?team={org.outsider.team_id}") == ["Olga Outsider", "Otto Other"]
    assert names(f"/api/v1/people?role={org.employee.role_id}") == [
        "Emil Employee",
        "Lea Lead",
        "Max Manager",
        "Rita Report",
    ]
    assert names(f"/api/v1/people?role={org.employee.role_id}&q=ea") == ["Lea Lead"]
    Person.objects.filter(pk=org.report2.pk).update(is_active=False)
    assert names("/api/v1/people?active=false") == ["Rita Report"]


def test_person_detail_and_404(org):
    client = api(org.outsider)
    body = client.get(f"/api/v1/people/{org.employee.pk}").json()
    assert body["manager_name"] == "Max Manager"
    assert body["team_name"] == "Engineering"
    response = client.get("/api/v1/people/999999")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "No person with id 999999.",
        "code": "not_found",
        "field": None,
    }


def test_bad_filter_values_get_422_with_the_field(org):
    response = api(org.employee).get("/api/v1/people?team=abc")
    assert response.status_code == 422
    assert response.json()["field"] == "team"
    assert api(org.employee).get("/api/v1/people?q=%00").status_code == 422
    assert api(org.employee).get("/api/v1/people?limit=0").status_code == 422


# --- writes ------------------------------------------------------------------------------


def test_admin_creates_person(org):
    response = _post(
        api(org.admin),
        "/api/v1/people",
        {
            "full_name": "  Nia   New ",
            "email": "Nia@Example.com",
            "team_id": org.employee.team_id,
            "manager_id": org.manager.pk,
            "languages": ["en", "de"],
            "timezone": "Europe/Berlin",
            "start_date": "2026-02-01",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["full_name"], body["email"], body["languages"]) == (
        "Nia New",
        "nia@example.com",
        ["en", "de"],
    )
    assert body["manager_name"] == "Max Manager"
    assert AuditLog.objects.filter(action="person.create").exists()


def test_duplicate_email_is_refused_with_field(org):
    response = _post(
        api(org.admin), "/api/v1/people", {"full_name": "Twin", "email": org.employee.email.upper()}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "email"
    assert "already exists" in response.json()["detail"]


def test_bad_person_input_gets_clear_422s(org):
    client = api(org.admin)
    cases = [
        ({"full_name": "X", "email": "not-an-email"}, "email"),
        ({"full_name": "X", "email": "x@example.com", "timezone": "Mars/Base"}, "timezone"),
        ({"full_name": "X\x00", "email": "x@example.com"}, "full_name"),
        ({"full_name": "X", "email": "x@example.com", "languages": ["en,de"]}, "languages"),
        ({"email": "x@example.com"}, "full_name"),
    ]
    for body, field in cases:
        response = _post(client, "/api/v1/people", body)
        assert response.status_code == 422, body
        assert response.json()["field"] == field, response.json()


def test_unknown_team_or_manager_is_named(org):
    response = _post(
        api(org.admin),
        "/api/v1/people",
        {"full_name": "X", "email": "x@example.com", "team_id": 424242},
    )
    assert response.status_code == 404
    assert response.json() == {
        "detail": "No team with id 424242.",
        "code": "not_found",
        "field": "team_id",
    }
    response = _patch(api(org.admin), f"/api/v1/people/{org.employee.pk}", {"manager_id": 424242})
    assert response.status_code == 404
    assert response.json()["field"] == "manager_id"


def test_admin_patches_only_sent_fields_and_clears_with_null(org):
    client = api(org.admin)
    url = f"/api/v1/people/{org.employee.pk}"
    body = _patch(client, url, {"location": "Berlin", "team_id": None}).json()
    assert (body["location"], body["team_id"], body["manager_id"]) == (
        "Berlin",
        None,
        org.manager.pk,
    )
    response = _patch(client, url, {"full_name": None})
    assert response.status_code == 422
    assert response.json()["field"] == "full_name"


def test_reporting_cycle_is_refused(org):
    response = _patch(
        api(org.admin), f"/api/v1/people/{org.manager.pk}", {"manager_id": org.report2.pk}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "manager_id"


@pytest.mark.parametrize("actor", ["manager", "employee", "outsider"])
def test_non_admins_cannot_change_people(org, actor):
    client = api(getattr(org, actor))
    url = f"/api/v1/people/{org.employee.pk}"
    assert _patch(client, url, {"full_name": "Hacked"}).status_code == 403
    assert (
        _post(client, "/api/v1/people", {"full_name": "X", "email": "x@example.com"}).status_code
        == 403
    )
    response = client.post(f"{url}/deactivate", content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    org.employee.refresh_from_db()
    assert org.employee.full_name == "Emil Employee" and org.employee.is_active


def test_admin_deactivates_person_keeping_history(org):
    client = api(org.admin)
    response = client.post(
        f"/api/v1/people/{org.lead.pk}/deactivate",
        {"left_on": "2026-06-30"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert (response.json()["is_active"], response.json()["left_on"]) == (False, "2026-06-30")
    org.report2.refresh_from_db()
    assert org.report2.manager_id == org.manager.pk  # moved up to the lead's manager
    # Without a body the last day is today.
    response = client.post(
        f"/api/v1/people/{org.outsider.pk}/deactivate", content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["left_on"] is not None


# --- teams -------------------------------------------------------------------------------


def test_teams_list_with_member_counts(org):
    body = api(org.outsider).get("/api/v1/teams").json()
    assert [(t["name"], t["member_count"]) for t in body["items"]] == [
        ("Engineering", 4),
        ("Operations", 2),
    ]


def test_admin_creates_and_moves_team(org):
    client = api(org.admin)
    created = _post(
        client, "/api/v1/teams", {"name": "Platform", "parent_id": org.employee.team_id}
    )
    assert created.status_code == 201
    team_id = created.json()["id"]
    assert (
        api(org.employee)
        .get(f"/api/v1/teams?parent={org.employee.team_id}")
        .json()["items"][0]["name"]
        == "Platform"
    )
    body = _patch(client, f"/api/v1/teams/{team_id}", {"parent_id": None, "name": "Core"}).json()
    assert (body["name"], body["parent_id"]) == ("Core", None)
    # A team cannot sit inside itself.
    response = _patch(client, f"/api/v1/teams/{org.employee.team_id}", {"parent_id": team_id})
    assert response.status_code == 200
    response = _patch(client, f"/api/v1/teams/{team_id}", {"parent_id": team_id})
    assert response.status_code == 400 and response.json()["field"] == "parent_id"


def test_team_name_clash_and_missing_team(org):
    client = api(org.admin)
    response = _post(client, "/api/v1/teams", {"name": "engineering"})
    assert response.status_code == 400 and response.json()["field"] == "name"
    assert client.get("/api/v1/teams/999999").status_code == 404
    assert _patch(client, "/api/v1/teams/999999", {"name": "x"}).status_code == 404


@pytest.mark.parametrize("actor", ["manager", "employee", "outsider"])
def test_non_admins_cannot_change_teams(org, actor):
    client = api(getattr(org, actor))
    assert _post(client, "/api/v1/teams", {"name": "Shadow"}).status_code == 403
    assert (
        _patch(client, f"/api/v1/teams/{org.employee.team_id}", {"name": "Hacked"}).status_code
        == 403
    )
    assert not Team.objects.filter(name__in=["Shadow", "Hacked"]).exists()
