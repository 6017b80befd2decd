"""The one NinjaAPI: bearer-token (or session) auth, central error mapping, app routers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from seedbed.accounts.services import user_for_token
from seedbed.lib.errors import ServiceError


class BearerToken(HttpBearer):
    """``Authorization: Bearer <personal API token>``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        return user


api = NinjaAPI(
    title="Seedbed API",
    version="1",
    description=(
        "Seedbed's REST API. Authenticate with a personal API token: "
        "`Authorization: Bearer <token>` (create one under Account → API tokens or with "
        "`seedbed token create EMAIL`). Errors share one shape: "
        '`{"detail": "...", "code": "...", "field": null}`.'
    ),
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, detail: str, code: str,
           field: str | None = None, errors: list[Any] | None = None) -> HttpResponse:
    body: dict[str, Any] = {"detail": detail, "code": code, "field": field}
    if errors is not None:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


@api.exception_handler(ServiceError)
def on_service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return _error(request, exc.status, exc.message, exc.code, exc.field)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": ".".join(str(p) for p in e.get("loc", [])[1:]) or None, "message": e.get("msg", "")}
        for e in exc.errors
    ]
    first = errors[0] if errors else {"field": None, "message": "invalid input"}
    detail = f"Invalid input: {first['field'] + ': ' if first['field'] else ''}{first['message']}"
    return _error(request, 422, detail, "validation_error", first["field"], errors)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "Send a valid API token: 'Authorization: Bearer <token>'.",
                  "unauthorized")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, str(exc) or "Not found.", "not_found")


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or "You are not allowed to do this.", "forbidden")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc), "error")


def _register_routers() -> None:
    from seedbed.accounts.api import router as accounts_router
    from seedbed.frameworks.api import router as frameworks_router
    from seedbed.people.api import router as people_router
    from seedbed.skills.api import router as skills_router

    api.add_router("/", accounts_router)
    api.add_router("/", people_router)
    api.add_router("/", frameworks_router)
    api.add_router("/", skills_router)


_register_routers()
