"""The periodic scheduler that ``seedbed worker`` runs beside the task worker.

django.tasks has no periodic tasks, so a small daemon thread checks every minute (or every
``interval`` if shorter) whether the daily housekeeping is due and, if so, queues it. Whether it
is due is decided in the database (``services.claim_run``), so restarting the worker does not
run it again early and several workers queue it only once.
"""

from __future__ import annotations

import logging
import threading

from django.db import connections

from seedbed.surveys.services import queue_housekeeping_if_due

logger = logging.getLogger(__name__)


class HousekeepingScheduler(threading.Thread):
    """Queues ``daily_housekeeping`` about every ``interval_seconds`` until ``stop()``."""

    def __init__(self, *, interval_seconds: int, check_every: float | None = None) -> None:
        super().__init__(name="seedbed-scheduler", daemon=True)
        self.interval_seconds = interval_seconds
        self.check_every = check_every if check_every is not None else min(60, interval_seconds)
        self.queued = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                if queue_housekeeping_if_due(interval_seconds=self.interval_seconds):
                    self.queued += 1
                    logger.info("Queued the daily housekeeping")
            except Exception:  # a locked or unreachable database: try again next time
                logger.exception("The scheduler could not check the housekeeping schedule")
            finally:
                connections.close_all()  # this thread's connections only
            self._stop_event.wait(self.check_every)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout)
