"""Request type for views behind ``login_required``: the user is a signed-in ``User`` and
django-htmx has attached ``request.htmx``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from seedbed.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    user: User  # type: ignore[assignment]
    htmx: HtmxDetails
