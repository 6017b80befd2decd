"""``seedbed token create|revoke|list``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command, get_commands
from django.test import Client

from seedbed.accounts.models import ApiToken, hash_token
from seedbed.cli import COMMANDS

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("seedbed_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_prints_raw_token_once_and_stores_hash(org):
    out, err = _run("create", org.employee.email.upper(), "--name", "backup script")
    raw = out.strip()
    assert raw.startswith("sb_")
    assert "shown only now" in err
    token = ApiToken.objects.get(user=org.user("employee"))
    assert (token.name, token.token_hash) == ("backup script", hash_token(raw))
    response = Client(headers={"authorization": f"Bearer {raw}"}).get("/api/v1/me")
    assert response.json()["person_id"] == org.employee.pk
    listed, _err = _run("list", org.employee.email)
    assert "backup script" in listed and "active" in listed and raw not in listed


def test_revoke_stops_the_token(org):
    out, _err = _run("create", org.employee.email)
    token = ApiToken.objects.get(user=org.user("employee"))
    revoked, _err = _run("revoke", str(token.pk))
    assert f"Revoked token #{token.pk}" in revoked
    assert (
        Client(headers={"authorization": f"Bearer {out.strip()}"}).get("/api/v1/me").status_code
        == 401
    )
    assert "revoked" in _run("list", org.employee.email)[0]


def test_clear_errors(org):
    with pytest.raises(CommandError, match=r"No user with the email nobody@example\.com"):
        _run("create", "nobody@example.com")
    with pytest.raises(CommandError, match="No API token with id 424242"):
        _run("revoke", "424242")
    with pytest.raises(CommandError, match="Give the token a name"):
        _run("create", org.employee.email, "--name", "  ")
    user = org.user("outsider")
    user.is_active = False
    user.save(update_fields=["is_active"])
    with pytest.raises(CommandError, match="deactivated"):
        _run("create", org.outsider.email)
    assert _run("list", org.admin.email)[0].strip().endswith("has no API tokens.")


def test_console_script_routes_to_the_command():
    """``seedbed token ...`` runs this management command (calling ``main`` here would close the
    test's database connection, as every management command does when run from argv)."""
    assert COMMANDS["token"] == "seedbed_token"
    assert get_commands()["seedbed_token"] == "seedbed.accounts"
