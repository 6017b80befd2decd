"""Request type for views behind ``login_required``: the user is a signed-in ``User`` and
django-htmx has attached ``request.htmx``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpRequest

from seedbed.lib.errors import ServiceError

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from seedbed.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    user: User  # type: ignore[assignment]
    htmx: HtmxDetails


def require_admin(request: AuthedHttpRequest) -> None:
    """Pages for admins (HR) only: anyone else gets 403."""
    from django.core.exceptions import PermissionDenied

    from seedbed.accounts.models import AccessLevel

    if request.user.access_level != AccessLevel.ADMIN:
        raise PermissionDenied


def require_manager(request: AuthedHttpRequest) -> None:
    """Pages for managers and admins: employees get 403 (what they may see inside is then
    scoped by the querysets in ``seedbed.people.models``)."""
    from django.core.exceptions import PermissionDenied

    from seedbed.accounts.models import AccessLevel

    if request.user.access_level not in (AccessLevel.MANAGER, AccessLevel.ADMIN):
        raise PermissionDenied


def act(request: HttpRequest, call: Callable[[], object], success: str) -> bool:
    """Run one service ``call`` for a POST-then-redirect view: on success flash ``success``,
    on a ServiceError flash its message instead. True when the call went through."""
    try:
        call()
    except ServiceError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True
