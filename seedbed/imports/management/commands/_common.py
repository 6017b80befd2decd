"""Shared bits of the import/export commands: choosing the acting user, progress on stderr."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.core.management.base import CommandError, OutputWrapper

from seedbed.accounts.models import AccessLevel, User


def acting_user(email: str | None, *, required: bool) -> User | None:
    """The user named by ``email``, else the first active admin (None if there is none and
    none is ``required``)."""
    if email:
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active user with the email {email}.")
        return user
    user = (
        User.objects.filter(access_level=AccessLevel.ADMIN, is_active=True).order_by("pk").first()
    )
    if user is None and required:
        raise CommandError(
            "There is no admin yet: pass --as EMAIL (or import people with an admin first)."
        )
    return user


def stderr_progress(
    label: str, stream: OutputWrapper, *, min_rows: int = 2000
) -> Callable[[int, int], None]:
    """A progress callback that writes "label: done/total" to ``stream`` (the command's
    stderr) for long files, at most a few times a second."""
    last = [0.0]

    def report(done: int, total: int) -> None:
        if total < min_rows:
            return
        now = time.monotonic()
        if done < total and now - last[0] < 0.25:
            return
        last[0] = now
        end = "\n" if done >= total else ""
        stream.write(f"\r{label}: {done:,}/{total:,} rows", ending=end)
        stream.flush()

    return report
