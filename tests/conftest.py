"""Shared fixtures: the four named actors every permission test uses.

- ``admin``: HR lead, access level admin.
- ``manager``: manages ``employee`` (directly) and ``report2`` (indirectly, via ``lead``).
- ``employee``: in the manager's team.
- ``outsider``: an employee in another team, with another manager; must see and change nothing
  of the manager's team.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.test import Client

from seedbed.accounts.models import AccessLevel, User
from seedbed.accounts.services import create_token
from seedbed.people.models import Person
from tests.builders import PASSWORD, make_person, make_role, make_skill, make_team, require

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield
    # A request leaves its user's language and time zone active on this thread; reset them so
    # a later test that calls a service directly gets English messages and the default zone.
    from django.utils import timezone, translation

    translation.activate(settings.LANGUAGE_CODE)
    timezone.deactivate()


@dataclass
class Org:
    admin: Person
    manager: Person
    lead: Person
    employee: Person
    report2: Person
    outsider_manager: Person
    outsider: Person

    def user(self, name: str) -> User:
        user = getattr(self, name).user
        assert user is not None
        return user


@pytest.fixture
def org(db) -> Org:  # type: ignore[no-untyped-def]
    eng = make_team("Engineering")
    ops = make_team("Operations")
    role = make_role("Developer")
    python = make_skill("Python", aliases=["py"])
    k8s = make_skill("Kubernetes", aliases=["k8s"])
    require(role, python, 3)
    require(role, k8s, 2)
    admin = make_person("Hana Admin", access=AccessLevel.ADMIN)
    manager = make_person("Max Manager", access=AccessLevel.MANAGER, team=eng, role=role)
    lead = make_person("Lea Lead", access=AccessLevel.MANAGER, team=eng, role=role, manager=manager)
    employee = make_person(
        "Emil Employee", access=AccessLevel.EMPLOYEE, team=eng, role=role, manager=manager
    )
    report2 = make_person(
        "Rita Report", access=AccessLevel.EMPLOYEE, team=eng, role=role, manager=lead
    )
    outsider_manager = make_person("Otto Other", access=AccessLevel.MANAGER, team=ops)
    outsider = make_person(
        "Olga Outsider", access=AccessLevel.EMPLOYEE, team=ops, manager=outsider_manager
    )
    return Org(admin, manager, lead, employee, report2, outsider_manager, outsider)


def login_client(person: Person) -> Client:
    client = Client()
    assert person.user is not None
    client.force_login(person.user)
    return client


@pytest.fixture
def clients(org: Org) -> dict[str, Client]:
    return {
        name: login_client(getattr(org, name))
        for name in (
            "admin",
            "manager",
            "lead",
            "employee",
            "report2",
            "outsider_manager",
            "outsider",
        )
    }


def bearer(person: Person) -> dict[str, str]:
    assert person.user is not None
    _token, raw = create_token(user=person.user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


__all__ = ["PASSWORD", "Org", "bearer", "login_client"]
