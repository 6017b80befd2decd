"""``seedbed worker [--batch]``: run background tasks (django-tasks-db's database worker).

Steps: start the housekeeping scheduler (a thread that queues the daily housekeeping about
every ``SEEDBED_HOUSEKEEPING_INTERVAL_SECONDS``; not with ``--batch``), then run
``db_worker --no-reload`` on the default queue until stopped, or with ``--batch`` until the
queue is empty.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from seedbed.surveys.scheduler import HousekeepingScheduler


class Command(BaseCommand):
    help = "Run the background task worker (django-tasks-db) and the housekeeping scheduler."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="process the tasks waiting now, then exit"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker_args = ["--no-reload", "--no-startup-delay"]
        scheduler = None
        if options["batch"]:
            worker_args.append("--batch")
        else:
            scheduler = HousekeepingScheduler(
                interval_seconds=settings.HOUSEKEEPING_INTERVAL_SECONDS
            )
            scheduler.start()
        try:
            call_command("db_worker", *worker_args, verbosity=options["verbosity"])
        finally:
            if scheduler is not None:
                scheduler.stop()
