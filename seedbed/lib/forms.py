"""Glue between Django forms and services: service errors land on the right form field."""

from __future__ import annotations

import copy
from collections.abc import Callable

from django import forms
from django.db import models

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


def form_copy[M: models.Model](obj: M | None) -> M | None:
    """A copy of ``obj`` to give a ModelForm as its instance. Validating a ModelForm writes
    the submitted values onto its instance; the service that saves must still see the stored
    values, or its audit diff finds no change. (The copy shares no state that saving needs.)"""
    return copy.copy(obj) if obj is not None else None
