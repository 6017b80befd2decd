"""API schemas for the signed-in user and personal API tokens."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from seedbed.lib.schemas import In, Text


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    access_level: str
    language: str
    timezone: str
    person_id: int | None = Field(description="Your entry in the people directory, if any.")


class TokenIn(In):
    name: Text = Field(min_length=1, max_length=100, description="What the token is for.")


class TokenOut(Schema):
    id: int
    name: str
    hint: str = Field(description="The first characters of the token, to recognise it.")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    is_active: bool


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The token itself. Shown only now: store it safely.")
