"""``seedbed token create EMAIL [--name NAME] | revoke ID | list EMAIL``: personal API tokens.

Steps:
- create: find the active user by email (ignoring case), create a token through
  ``seedbed.accounts.services.create_token`` and print the raw token once (it is stored hashed);
- revoke: revoke the token with that id through ``revoke_token`` (acting as its owner);
- list: print a user's tokens: id, name, first characters, created, last used, status.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from seedbed.accounts.models import ApiToken, User
from seedbed.accounts.services import create_token, revoke_token


def _user(email: str) -> User:
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise CommandError(f"No user with the email {email}.")
    return user


class Command(BaseCommand):
    help = "Create, revoke or list personal API tokens."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="create|revoke|list")
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("email")
        create.add_argument(
            "--name", default="CLI token", help='what it is for (default "CLI token")'
        )
        revoke = sub.add_parser("revoke", help="revoke a token by id")
        revoke.add_argument("token_id", type=int)
        listing = sub.add_parser("list", help="list a user's tokens")
        listing.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"do_{options['action']}")(options)

    def do_create(self, options: dict[str, Any]) -> None:
        user = _user(options["email"])
        if not user.is_active:
            raise CommandError(f"{user.email} is deactivated; a token would not work.")
        if not options["name"].strip() or "\x00" in options["name"]:
            raise CommandError("Give the token a name.")
        token, raw = create_token(user=user, name=options["name"])
        self.stderr.write(
            f"Token #{token.pk} '{token.name}' for {user.email}. "
            "It is shown only now; store it safely:"
        )
        self.stdout.write(raw)

    def do_revoke(self, options: dict[str, Any]) -> None:
        token = ApiToken.objects.select_related("user").filter(pk=options["token_id"]).first()
        if token is None:
            raise CommandError(f"No API token with id {options['token_id']}.")
        revoke_token(user=token.user, token_id=token.pk)
        self.stdout.write(f"Revoked token #{token.pk} '{token.name}' of {token.user.email}.")

    def do_list(self, options: dict[str, Any]) -> None:
        user = _user(options["email"])
        tokens = ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
        if not tokens:
            self.stdout.write(f"{user.email} has no API tokens.")
            return
        for t in tokens:
            status = "active" if t.revoked_at is None else f"revoked {t.revoked_at:%Y-%m-%d}"
            used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
            self.stdout.write(
                f"{t.pk}\t{t.name}\t{t.hint}…\tcreated {t.created_at:%Y-%m-%d}\t"
                f"last used {used}\t{status}"
            )
