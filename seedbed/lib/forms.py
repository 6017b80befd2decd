"""Glue between Django forms and services: service errors land on the right form field."""

from __future__ import annotations

from collections.abc import Callable

from django import forms

from seedbed.lib.errors import ServiceError


def run_service[T](form: forms.BaseForm, call: Callable[[], T]) -> T | None:
    """Run ``call``; on a ServiceError put its message on the named field (or the whole form)
    and return None."""
    try:
        return call()
    except ServiceError as exc:
        field = exc.field if exc.field in form.fields else None
        form.add_error(field, exc.message)
        return None
