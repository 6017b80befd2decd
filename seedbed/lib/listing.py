"""List-page helpers: pagination that keeps the other query parameters."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


def paginate(request: HttpRequest, qs: QuerySet[Any] | list[Any], per_page: int = 25) -> Page:
    """Page ``qs`` by ``?page=``; out-of-range or malformed pages give the nearest valid page."""
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The current query string minus ``page`` (for pagination links)."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
