"""Domain errors raised by services and mapped once, for HTML (messages/form errors) and for the
API (one JSON shape: ``{"detail": str, "code": str, "field": str | null}``)."""

from __future__ import annotations


class ServiceError(Exception):
    """A request that cannot be carried out as asked; ``message`` tells the person why."""

    code = "invalid"
    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(ServiceError):
    code = "forbidden"
    status = 403


class NotFound(ServiceError):
    code = "not_found"
    status = 404


class Conflict(ServiceError):
    code = "conflict"
    status = 409
