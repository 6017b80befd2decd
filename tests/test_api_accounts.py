"""API: authentication, /me, personal tokens, the error shape, and the docs."""

from __future__ import annotations

import pytest
from django.test import Client

from seedbed.accounts.models import ApiToken, hash_token
from seedbed.accounts.services import create_token, revoke_token
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


def api(person) -> Client:  # type: ignore[no-untyped-def]
    return Client(headers={"authorization": bearer(person)["HTTP_AUTHORIZATION"]})


def test_me_returns_user_and_person_id(org):
    body = api(org.employee).get("/api/v1/me").json()
    assert body["person_id"] == org.employee.pk
    assert body["email"] == org.employee.email
    assert body["access_level"] == "employee"


def test_unauthenticated_gets_401_in_common_shape(org):
    for method, url in [
        ("get", "/api/v1/me"),
        ("get", "/api/v1/people"),
        ("post", "/api/v1/assertions"),
        ("get", "/api/v1/validation-queue"),
    ]:
        response = getattr(Client(), method)(url)
        assert response.status_code == 401, url
        body = response.json()
        assert body["code"] == "unauthorized"
        assert "Bearer" in body["detail"]
        assert body["field"] is None


def test_writes_without_token_get_401_not_a_csrf_error(org):
    """Real clients send no CSRF token: a missing or revoked token on a write is still 401."""
    user = org.user("employee")
    token, raw = create_token(user=user, name="ci")
    revoke_token(user=user, token_id=token.pk)
    for headers in ({}, {"authorization": f"Bearer {raw}"}):
        client = Client(enforce_csrf_checks=True, headers=headers)
        response = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"


def test_signed_in_session_still_needs_csrf_for_writes(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.user("employee"))
    assert client.get("/api/v1/me").status_code == 200
    response = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403


def test_garbage_token_gets_401(org):
    client = Client(headers={"authorization": "Bearer sb_not-a-token"})
    assert client.get("/api/v1/me").status_code == 401


def test_revoked_token_gets_401(org):
    user = org.user("employee")
    token, raw = create_token(user=user, name="ci")
    client = Client(headers={"authorization": f"Bearer {raw}"})
    assert client.get("/api/v1/me").status_code == 200
    revoke_token(user=user, token_id=token.pk)
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_token_of_deactivated_user_gets_401(org):
    headers = bearer(org.employee)
    user = org.user("employee")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert (
        Client(headers={"authorization": headers["HTTP_AUTHORIZATION"]})
        .get("/api/v1/me")
        .status_code
        == 401
    )


def test_create_token_shows_raw_once_and_stores_only_its_hash(org):
    client = api(org.employee)
    response = client.post("/api/v1/tokens", {"name": "laptop"}, content_type="application/json")
    assert response.status_code == 201
    raw = response.json()["token"]
    token = ApiToken.objects.get(pk=response.json()["id"])
    assert token.token_hash == hash_token(raw)
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert all(raw not in str(value) for value in row.values())
    # The list never shows the raw token again.
    listed = client.get("/api/v1/tokens").json()
    assert listed["count"] == 2  # the one the test authenticates with, and the new one
    assert raw not in str(listed)
    assert Client(headers={"authorization": f"Bearer {raw}"}).get("/api/v1/me").status_code == 200


def test_token_list_shows_only_own_tokens(org):
    create_token(user=org.user("outsider"), name="outsider's")
    names = [t["name"] for t in api(org.employee).get("/api/v1/tokens").json()["items"]]
    assert names == ["test"]


def test_revoke_token_via_api(org):
    client = api(org.employee)
    token, raw = create_token(user=org.user("employee"), name="old")
    assert client.delete(f"/api/v1/tokens/{token.pk}").status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client(headers={"authorization": f"Bearer {raw}"}).get("/api/v1/me").status_code == 401


def test_outsider_cannot_revoke_someone_elses_token(org):
    token, _raw = create_token(user=org.user("employee"), name="mine")
    response = api(org.outsider).delete(f"/api/v1/tokens/{token.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_name_is_required_and_nul_is_refused(org):
    client = api(org.employee)
    response = client.post("/api/v1/tokens", {"name": ""}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["field"] == "name"
    response = client.post("/api/v1/tokens", {"name": "a\x00b"}, content_type="application/json")
    assert response.status_code == 422
    assert "NUL" in response.json()["detail"]


def test_unknown_fields_and_non_object_bodies_are_refused(org):
    client = api(org.employee)
    response = client.post(
        "/api/v1/tokens", {"name": "x", "user_id": 1}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["field"] == "user_id"
    assert client.post("/api/v1/tokens", '"x"', content_type="application/json").status_code == 422
    response = client.post("/api/v1/tokens", "{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The request body is not valid JSON.",
        "code": "invalid_json",
        "field": None,
    }


def test_session_auth_also_works(clients):
    assert clients["employee"].get("/api/v1/me").status_code == 200


def test_openapi_document_is_served(org):
    doc = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/people/{person_id}/skills" in doc["paths"]
    assert "BearerToken" in doc["components"]["securitySchemes"]


def test_docs_load_nothing_from_a_cdn(org):
    html = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "https://" not in html
