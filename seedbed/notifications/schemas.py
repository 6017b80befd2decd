"""API schemas for notifications."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from seedbed.lib.schemas import In
from seedbed.notifications.models import Kind


class NotificationOut(Schema):
    id: int
    kind: Kind
    title: str
    body: str
    link: str = Field(description="A path inside Seedbed (empty: nothing to open).")
    created_at: datetime
    read_at: datetime | None
    emailed_at: datetime | None


class NotificationFilter(In):
    unread: bool | None = Field(None, description="true: only unread; false: only read.")
    kind: Kind | None = None


class ReadAllOut(Schema):
    marked: int = Field(description="How many notifications were unread and are read now.")


class UnreadCountOut(Schema):
    unread: int
