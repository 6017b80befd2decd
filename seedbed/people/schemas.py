"""API schemas for people and teams."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Schema
from pydantic import Field, field_validator

from seedbed.accounts.models import TIMEZONE_CHOICES
from seedbed.lib.schemas import Email, Id, In, Text, omittable

_TIMEZONES = frozenset(tz for tz, _label in TIMEZONE_CHOICES)
Language = Text


class PersonOut(Schema):
    id: int
    full_name: str
    email: str
    team_id: int | None
    team_name: str | None
    role_id: int | None
    role_name: str | None
    manager_id: int | None
    manager_name: str | None
    location: str
    timezone: str
    languages: list[str]
    start_date: date | None
    is_active: bool
    left_on: date | None
    leaving_on: date | None = Field(description="Announced last day (still active until then).")

    @staticmethod
    def resolve_team_name(obj: Any) -> str | None:
        return obj.team.name if obj.team_id else None

    @staticmethod
    def resolve_role_name(obj: Any) -> str | None:
        return obj.role.name if obj.role_id else None

    @staticmethod
    def resolve_manager_name(obj: Any) -> str | None:
        return obj.manager.full_name if obj.manager_id else None

    @staticmethod
    def resolve_languages(obj: Any) -> list[str]:
        return list(obj.language_list)


class PeopleFilter(In):
    q: Text | None = Field(None, max_length=200, description="Part of the name or email.")
    team: Id | None = Field(None, description="Team id.")
    role: Id | None = Field(None, description="Role id.")
    manager: Id | None = Field(None, description="Manager's person id (direct reports).")
    active: bool | None = Field(None, description="true: current staff; false: people who left.")


class _PersonFields(In):
    """Fields shared by create and update; ids refer to teams, roles and people."""

    team_id: Id | None = None
    role_id: Id | None = None
    manager_id: Id | None = None
    location: Text = Field("", max_length=120)
    timezone: Text = Field("UTC", max_length=64, description="An IANA zone, e.g. Europe/Berlin.")
    languages: list[Language] = Field(
        default_factory=list, max_length=20, description='Language codes, e.g. ["en", "de"].'
    )
    start_date: date | None = None
    leaving_on: date | None = Field(
        None, description="Announced departure; setting it starts a handover interview."
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        if value is not None and value not in _TIMEZONES:
            raise ValueError("must be an IANA time zone such as Europe/Berlin or UTC")
        return value

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        cleaned = [lang.strip() for lang in value if lang.strip()]
        if any("," in lang or len(lang) > 20 for lang in cleaned):
            raise ValueError("each language is a short code without commas, e.g. en or pt-BR")
        if len(", ".join(cleaned)) > 200:
            raise ValueError("too many languages (at most 200 characters together)")
        return cleaned


class PersonCreateIn(_PersonFields):
    full_name: Text = Field(min_length=1, max_length=200)
    email: Email  # type: ignore[assignment]


class PersonUpdateIn(_PersonFields):
    """Only the fields you send change; send null to clear team, role, manager or start date."""

    full_name: Text = omittable(min_length=1, max_length=200)
    email: Email = omittable()  # type: ignore[assignment]
    location: Text = omittable(max_length=120)
    timezone: Text = omittable(max_length=64)
    languages: list[Language] = omittable(max_length=20)


class DeactivateIn(In):
    left_on: date | None = Field(None, description="Last day; today if omitted.")


class TeamOut(Schema):
    id: int
    name: str
    parent_id: int | None
    description: str
    member_count: int = Field(description="Active people in this team.")


class TeamFilter(In):
    q: Text | None = Field(None, max_length=150, description="Part of the team name.")
    parent: Id | None = Field(None, description="Only direct sub-teams of this team.")


class TeamCreateIn(In):
    name: Text = Field(min_length=1, max_length=150)
    parent_id: Id | None = None
    description: Text = Field("", max_length=5000)


class TeamUpdateIn(In):
    """Only the fields you send change; send null as parent_id to make a top-level team."""

    name: Text = omittable(min_length=1, max_length=150)
    parent_id: Id | None = None
    description: Text = omittable(max_length=5000)
