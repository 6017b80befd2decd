"""``seedbed manage housekeeping``: run the daily housekeeping now, in this process.

Steps: record the start (the worker's scheduler then waits a full interval), send reminders
for campaigns due soon or overdue, nudge people about stale levels, retry failed emails, print
what was done.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from seedbed.surveys import services


class Command(BaseCommand):
    help = "Run the daily housekeeping now: survey reminders, stale-level nudges, email retries."

    def handle(self, *args: Any, **options: Any) -> None:
        services.mark_started(name=services.HOUSEKEEPING)
        result = services.run_housekeeping()
        self.stdout.write(
            f"Reminded {result.reminders} people in {result.campaigns} campaigns, "
            f"nudged {result.nudges} about stale levels, sent {result.emails} waiting emails."
        )
