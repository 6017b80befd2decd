"""Activate each signed-in user's language and time zone for the request; the API always
answers in English."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

API_PREFIX = "/api/"


class UserPreferencesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language  # type: ignore[attr-defined]
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        if request.path_info.startswith(API_PREFIX):
            # Clients read the API's messages, and services raise translated errors that the API
            # passes on: keep them English whatever the user's or the browser's language.
            translation.activate("en")
            request.LANGUAGE_CODE = "en"  # type: ignore[attr-defined]
        response = self.get_response(request)
        if user.is_authenticated:
            response.headers.setdefault("Content-Language", translation.get_language())
        return response
