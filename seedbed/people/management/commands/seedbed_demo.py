"""``seedbed demo [--port N] [--fresh] [--no-serve]``: try Seedbed on a realistic company.

Steps:
1. ``--fresh``: delete the SQLite database in the data folder (SEEDBED_DATA_DIR);
2. migrate, compile translations if their .mo files are missing, collect static files;
3. build the demo company Greenfield Works (skipped if it is already there);
4. print the address and the three demo logins;
5. unless ``--no-serve``: run the web server (granian, one worker) and the background task worker
   side by side until Ctrl-C.
"""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from seedbed.demo import serving
from seedbed.demo.services import DemoSummary, build_demo
from seedbed.lib.errors import ServiceError

HOST = "127.0.0.1"


class Command(BaseCommand):
    help = "Load the demo company Greenfield Works and run Seedbed on it."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--port", type=int, default=8000, help="port to serve on (default 8000)"
        )
        parser.add_argument(
            "--fresh",
            action="store_true",
            help="delete the data folder's database first and build the demo anew",
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="prepare the database and demo data, then exit"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        port: int = options["port"]
        if not options["no_serve"]:
            serving.check_port(HOST, port)
        if options["fresh"]:
            self.delete_database()
        serving.prepare(say=self.say)
        self.say("Building the demo company…")
        try:
            summary = build_demo()
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.print_summary(summary, url=f"http://{HOST}:{port}/", serve=not options["no_serve"])
        if options["no_serve"]:
            return
        code = serving.run_together(
            [
                ("web server", serving.granian_command(host=HOST, port=port, workers=1)),
                ("task worker", serving.worker_command()),
            ],
            env={
                **serving.child_environment(demo=True),
                # Links in the demo's (console) emails point at this demo's address.
                "SEEDBED_BASE_URL": os.environ.get("SEEDBED_BASE_URL", f"http://{HOST}:{port}"),
            },
            say=self.say,
        )
        if code:
            raise CommandError("Seedbed stopped because one of its processes did.")
        self.say("Stopped.")

    def say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def delete_database(self) -> None:
        db = settings.DATABASES["default"]
        if db["ENGINE"] != "django.db.backends.sqlite3":
            raise CommandError(
                "--fresh deletes the embedded SQLite database; with DATABASE_URL set, drop and "
                "recreate that database yourself instead."
            )
        connections.close_all()
        path = settings.DATA_DIR / "seedbed.sqlite3"
        for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            file.unlink(missing_ok=True)
        self.say(f"Deleted the database in {settings.DATA_DIR}.")

    def print_summary(self, summary: DemoSummary, *, url: str, serve: bool) -> None:
        style = self.style
        state = "ready" if summary.created else "already there (use --fresh to start over)"
        lines = [
            "",
            style.SUCCESS(
                f"Greenfield Works demo is {state}: {summary.people} people, "
                f"{summary.teams} teams, {summary.roles} roles, {summary.skills} skills."
            ),
            f"Data folder: {settings.DATA_DIR}",
            "",
        ]
        if serve:
            lines += [style.HTTP_INFO(f"  Open {url}"), ""]
        lines.append(f"  Sign in with one of these (password for all three: {summary.password}):")
        width = max(len(login.email) for login in summary.logins)
        for login in summary.logins:
            lines.append(f"    {login.label:<9} {login.email:<{width}}  {login.what}")
        lines.append(
            f"  The manager has {summary.pending_for_manager} self-ratings from "
            f"{summary.manager_reports} reports waiting for validation."
        )
        lines.append("")
        if serve:
            lines.append("Web server and task worker are starting; press Ctrl-C to stop both.")
        self.say("\n".join(lines))
