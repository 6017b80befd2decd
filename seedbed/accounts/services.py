"""Account operations: audit entries, API tokens, organisation settings, login throttling."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.accounts.models import ApiToken, AuditLog, LoginFailure, OrgSettings, User, hash_token
from seedbed.lib.errors import NotAllowed, NotFound


def audit(
    *,
    actor: User | None,
    action: str,
    obj: Any = None,
    summary: str,
    changes: dict[str, Any] | None = None,
) -> AuditLog:
    """Append one audit entry. ``obj`` gives type and id; ``changes`` maps field -> [old, new]."""
    return AuditLog.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "pk", "") or ""),
        summary=summary[:500],
        changes=changes or {},
    )


def diff_fields(obj: Any, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields of ``obj`` that ``data`` would change, as {field: [old, new]} (JSON-safe)."""
    changes: dict[str, list[Any]] = {}
    for field, new in data.items():
        old = getattr(obj, field)
        if old != new:
            changes[field] = [_json_safe(old), _json_safe(new)]
    return changes


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "pk"):
        return str(value)
    return str(value)


@transaction.atomic
def create_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token; returns it and the raw value, which is never stored."""
    raw = ApiToken.generate_raw()
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100] or "API token",
        token_hash=hash_token(raw),
        hint=raw[:8],
    )
    audit(actor=user, action="token.create", obj=token, summary=f"API token '{token.name}' created")
    return token, raw


@transaction.atomic
def revoke_token(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s own tokens (admins may revoke anyone's)."""
    qs = ApiToken.objects.all() if user.is_admin else ApiToken.objects.filter(user=user)
    token = qs.filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("No such API token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit(
            actor=user,
            action="token.revoke",
            obj=token,
            summary=f"API token '{token.name}' revoked",
        )
    return token


def user_for_token(raw: str) -> User | None:
    """The active user a raw bearer token belongs to, or None. Marks the token as used."""
    if not raw or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.active().select_related("user").filter(token_hash=hash_token(raw)).first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Touch at most once a minute so a busy integration does not write on every request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def update_org_settings(*, actor: User, data: dict[str, Any]) -> OrgSettings:
    if not actor.is_admin:
        raise NotAllowed(_("Only admins can change the organisation's settings."))
    org = OrgSettings.load()
    changes = diff_fields(org, data)
    for field, value in data.items():
        setattr(org, field, value)
    org.save()
    if changes:
        audit(
            actor=actor,
            action="settings.update",
            obj=org,
            summary="Organisation settings changed",
            changes=changes,
        )
    return org


# --- login throttle ----------------------------------------------------------------------


def login_blocked(*, email: str, address: str) -> bool:
    """True when this email or this client address failed too often within the window."""
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    recent = LoginFailure.objects.filter(at__gte=since, kind="login")
    by_email = recent.filter(email=email.strip().lower()[:254]).count()
    by_address = recent.filter(address=address[:64]).count()
    # An address gets more room than one account (an office behind one NAT address).
    return by_email >= settings.LOGIN_MAX_FAILURES or by_address >= settings.LOGIN_MAX_FAILURES * 4


def record_login_failure(*, email: str, address: str) -> None:
    LoginFailure.objects.create(email=email.strip().lower()[:254], address=address[:64])
    # Keep the table small: drop entries well past the window.
    cutoff = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS * 2)
    LoginFailure.objects.filter(at__lt=cutoff).delete()


def clear_login_failures(*, email: str) -> None:
    LoginFailure.objects.filter(Q(email=email.strip().lower()[:254]), kind="login").delete()


def reset_allowed(*, email: str, address: str) -> bool:
    """Count a password-reset request and say whether to send its email: at most
    ``PASSWORD_RESET_MAX_PER_WINDOW`` per email address and four times that per client
    address within the login throttle window, so the form cannot be used to flood a
    mailbox or probe many accounts. Refused requests are counted too."""
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    email = email.strip().lower()[:254]
    recent = LoginFailure.objects.filter(at__gte=since, kind="reset")
    by_email = recent.filter(email=email).count()
    by_address = recent.filter(address=address[:64]).count()
    LoginFailure.objects.create(email=email, address=address[:64], kind="reset")
    limit = settings.PASSWORD_RESET_MAX_PER_WINDOW
    return by_email < limit and by_address < limit * 4
