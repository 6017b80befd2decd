"""Building blocks shared by every app's API schemas: the error shape, strict input models,
text that PostgreSQL can store, ids, dates, and the one pagination class.

Inputs are plain ``pydantic.BaseModel`` subclasses with ``extra="forbid"`` (a ``ninja.Schema``
input once accepted a bare JSON string); outputs list their fields explicitly.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field as NinjaField
from ninja import Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema

if TYPE_CHECKING:
    from seedbed.accounts.models import User


class AuthedRequest(HttpRequest):
    """Type of ``request`` in API operations: the API's auth has admitted a signed-in user."""

    user: User  # type: ignore[assignment]


# Largest id accepted in paths and filters: beyond a 64-bit integer the database driver fails
# instead of finding nothing.
MAX_ID = 2**63 - 1


def _storable(value: str) -> str:
    """Refuse text a database cannot store: NUL (PostgreSQL rejects it) and lone surrogates
    (not encodable as UTF-8)."""
    if "\x00" in value:
        raise ValueError("must not contain NUL (\\u0000) characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text (no lone surrogates)") from None
    return value


def _email(value: str) -> str:
    try:
        validate_email(value)
    except DjangoValidationError:
        raise ValueError("must be a valid email address, e.g. ada@example.com") from None
    return value


_url_validator = URLValidator(schemes=["http", "https"])


def _url(value: str) -> str:
    if value == "":
        return value
    try:
        _url_validator(value)
    except DjangoValidationError:
        raise ValueError("must be an http(s) link, e.g. https://example.com/cert/123") from None
    return value


def _aware(value: datetime) -> datetime:
    """Naive times are read in the server's time zone; every time becomes UTC (a time that
    cannot be expressed in UTC, e.g. year 1 with a positive offset, is refused)."""
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError("is outside the supported range of dates") from None


Text = Annotated[str, AfterValidator(_storable)]
Email = Annotated[
    str,
    Field(max_length=254),
    AfterValidator(_storable),
    AfterValidator(_email),
    WithJsonSchema({"type": "string", "format": "email", "maxLength": 254}),
]
Url = Annotated[str, Field(max_length=500), AfterValidator(_storable), AfterValidator(_url)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
AwareDatetime = Annotated[datetime, AfterValidator(_aware)]


def _drop_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def omittable(**kwargs: Any) -> Any:
    """A field that may be left out (then it does not change) but, when sent, must not be
    null: for partial updates of fields that always have a value."""
    return Field(None, json_schema_extra=_drop_default, **kwargs)


class In(BaseModel):
    """Base of every input body and filter set: unknown fields are an error."""

    model_config = ConfigDict(extra="forbid")


class ErrorItem(BaseModel):
    field: str | None
    message: str


class Error(BaseModel):
    """Every error response: what went wrong in words a person can act on, a stable code, and
    the input field at fault (if any). Validation errors also list every problem."""

    detail: str
    code: str
    field: str | None
    errors: list[ErrorItem] | None = None


ERRORS: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}


class Pagination(LimitOffsetPagination):
    """``?limit=&offset=`` -> ``{"items": [...], "count": n}``; both bounded so no request can
    ask the database for an offset it cannot represent."""

    class Input(Schema):
        limit: int = NinjaField(50, ge=1, le=500)
        offset: int = NinjaField(0, ge=0, le=10**9)


__all__ = [
    "ERRORS",
    "MAX_ID",
    "AuthedRequest",
    "AwareDatetime",
    "Email",
    "Error",
    "ErrorItem",
    "Id",
    "In",
    "Pagination",
    "Text",
    "Url",
    "omittable",
]
