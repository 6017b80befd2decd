"""The one NinjaAPI: bearer-token (or session) auth, central error mapping, app routers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

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


class SignedInSession(SessionAuth):
    """Django's session (the browser: API docs, htmx). Without a signed-in session it steps
    aside before ninja's CSRF check, so a request with neither a valid token nor a session gets
    401 "send a token" rather than 403 "CSRF check failed"."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


api = NinjaAPI(
    title="Seedbed API",
    version="1",
    description=(
        "Seedbed's REST API. Authenticate with a personal API token: "
        "`Authorization: Bearer <token>` (create one under Account → API tokens or with "
        "`seedbed token create EMAIL`). Errors share one shape: "
        '`{"detail": "...", "code": "...", "field": null}`.'
    ),
    auth=[BearerToken(), SignedInSession()],
    urls_namespace="api",
)


def _error(
    request: HttpRequest,
    status: int,
    detail: str,
    code: str,
    field: str | None = None,
    errors: list[Any] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {"detail": detail, "code": code, "field": field}
    if errors is not None:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


# Services name model fields; API bodies send ids under these names.
_API_FIELD_NAMES = {
    "person": "person_id",
    "skill": "skill_id",
    "team": "team_id",
    "role": "role_id",
    "manager": "manager_id",
    "parent": "parent_id",
    "category": "category_id",
}


@api.exception_handler(ServiceError)
def on_service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    field = _API_FIELD_NAMES.get(exc.field, exc.field) if exc.field else None
    return _error(request, exc.status, exc.message, exc.code, field)


def _error_field(loc: list[Any] | tuple[Any, ...]) -> str | None:
    """``("body", "payload", "name")`` -> ``"name"``; ``("query", "q")`` -> ``"q"``: the name
    a client sent, without ninja's location and parameter names."""
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        parts = parts[2:]  # drop "body" and the view's parameter name
    elif parts:
        parts = parts[1:]
    return ".".join(parts) or None


def _error_message(error: dict[str, Any]) -> str:
    message = str(error.get("msg", "invalid input"))
    return message.removeprefix("Value error, ")


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": _error_field(e.get("loc", ())), "message": _error_message(e)} for e in exc.errors
    ]
    first = errors[0] if errors else {"field": None, "message": "invalid input"}
    detail = f"Invalid input: {first['field'] + ': ' if first['field'] else ''}{first['message']}"
    return _error(request, 422, detail, "validation_error", first["field"], errors)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request, 401, "Send a valid API token: 'Authorization: Bearer <token>'.", "unauthorized"
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, str(exc) or "Not found.", "not_found")


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or "You are not allowed to do this.", "forbidden")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return _error(request, 400, "The request body is not valid JSON.", "invalid_json")
    return _error(request, exc.status_code, str(exc), "error")


def _register_routers() -> None:
    from seedbed.accounts.api import router as accounts_router
    from seedbed.certifications.api import router as certifications_router
    from seedbed.development.api import router as development_router
    from seedbed.frameworks.api import router as frameworks_router
    from seedbed.gaps.api import router as gaps_router
    from seedbed.knowledge.api import router as knowledge_router
    from seedbed.learning.api import router as learning_router
    from seedbed.mentoring.api import router as mentoring_router
    from seedbed.notifications.api import router as notifications_router
    from seedbed.people.api import router as people_router
    from seedbed.search.api import router as search_router
    from seedbed.skills.api import router as skills_router
    from seedbed.surveys.api import router as surveys_router

    api.add_router("/", accounts_router)
    api.add_router("/", people_router)
    api.add_router("/", frameworks_router)
    api.add_router("/", skills_router)
    api.add_router("/", gaps_router)
    api.add_router("/", learning_router)
    api.add_router("/", surveys_router)
    api.add_router("/", notifications_router)
    api.add_router("/", certifications_router)
    api.add_router("/", development_router)
    api.add_router("/", mentoring_router)
    api.add_router("/", knowledge_router)
    api.add_router("/", search_router)


_register_routers()
