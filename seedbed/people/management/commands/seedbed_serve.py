"""``seedbed serve [--port N] [--host H] [--workers N]``: run Seedbed in production.

Steps:
1. migrate, compile translations if their .mo files are missing, collect static files;
2. replace this process with granian serving the WSGI application (``--workers`` processes,
   one blocking thread each). Background tasks need ``seedbed worker`` running beside it.
"""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from seedbed.demo import serving


class Command(BaseCommand):
    help = "Prepare the database and static files, then run the production web server (granian)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help="address to bind (default 127.0.0.1; 0.0.0.0 for all)",
        )
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        parser.add_argument(
            "--workers", type=int, default=2, help="web server processes (default 2, one per core)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1:
            raise CommandError(f"--workers must be at least 1, got {options['workers']}.")
        serving.check_port(options["host"], options["port"])
        serving.prepare(say=self.say)
        command = serving.granian_command(
            host=options["host"], port=options["port"], workers=options["workers"]
        )
        self.say(
            f"Serving on http://{options['host']}:{options['port']}/ "
            f"({options['workers']} workers). Run `seedbed worker` for background tasks."
        )
        connections.close_all()
        os.execve(command[0], command, serving.child_environment(demo=False))  # noqa: S606

    def say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()
