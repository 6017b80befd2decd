"""Preparing a data folder and running the web server and task worker (``seedbed demo|serve``).

The web server is granian (WSGI). Its thread counts follow docs in shared/STACK.md: one
blocking thread per worker keeps tail latency low on small machines.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

WSGI_TARGET = "seedbed.config.wsgi:application"
CONSOLE_EMAIL = "django.core.mail.backends.console.EmailBackend"


def check_port(host: str, port: int) -> None:
    """Fail early, with a message a person can act on, if ``port`` is taken or invalid."""
    if not 1 <= port <= 65535:
        raise CommandError(f"--port must be between 1 and 65535, got {port}.")
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        # As servers do: connections of a just-stopped server (TIME_WAIT) don't block the port.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise CommandError(
                f"Cannot listen on {host}:{port} ({exc.strerror}). Is another Seedbed running "
                "there? Pick another port with --port N."
            ) from exc


def missing_translations() -> list[Path]:
    """.po catalogues without a compiled .mo beside them. The .mo files are committed, so this
    is normally empty (file times after a git clone say nothing, so only absence counts)."""
    return [
        po
        for base in settings.LOCALE_PATHS
        for po in Path(base).glob("*/LC_MESSAGES/*.po")
        if not po.with_suffix(".mo").exists()
    ]


def prepare(*, say: Callable[[str], None]) -> None:
    """Migrate the database, compile translations if needed, collect static files."""
    say("Migrating the database…")
    call_command("migrate", interactive=False, verbosity=0)
    if missing_translations():
        say("Compiling translations…")
        try:
            call_command("compilemessages", verbosity=0)
        except CommandError as exc:  # gettext's msgfmt missing: run in English, say so
            say(f"  skipped ({exc}); the interface stays in English.")
    say("Collecting static files…")
    call_command("collectstatic", interactive=False, verbosity=0)


def granian_command(*, host: str, port: int, workers: int, blocking_threads: int = 1) -> list[str]:
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(blocking_threads),
        "--no-ws",
        "--workers-kill-timeout",
        "10",
        WSGI_TARGET,
    ]


def worker_command() -> list[str]:
    return [sys.executable, "-m", "seedbed.cli", "worker"]


def child_environment(*, demo: bool) -> dict[str, str]:
    """The environment for server and worker: same settings and data folder as this process;
    the demo prints mail to the console instead of sending it."""
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = os.environ.get(
        "DJANGO_SETTINGS_MODULE", "seedbed.config.settings"
    )
    env["SEEDBED_DATA_DIR"] = str(settings.DATA_DIR)
    if demo:
        env.setdefault("SEEDBED_EMAIL_BACKEND", CONSOLE_EMAIL)
    return env


class _Stop(Exception):
    """Raised by the signal handlers so the parent stops its children in one place."""


def _raise_stop(signum: int, frame: object) -> None:
    raise _Stop


def run_together(
    commands: Sequence[tuple[str, list[str]]], *, env: dict[str, str], say: Callable[[str], None]
) -> int:
    """Run the named commands side by side until Ctrl-C, SIGTERM or SIGHUP (then stop them all
    and return 0) or until one of them exits (then stop the others and return 1).

    The children get sessions of their own, so a terminal's Ctrl-C reaches only this process,
    which then interrupts each child's main process. (Interrupting granian's whole process group
    at once can leave its worker hanging.)"""
    connections.close_all()  # children open their own database connections
    stop_signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.signal(sig, _raise_stop) for sig in stop_signals}
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for _name, cmd in commands:
            procs.append(subprocess.Popen(cmd, env=env, start_new_session=True))  # noqa: S603
        while True:
            for (name, _cmd), proc in zip(commands, procs, strict=False):
                code = proc.poll()
                if code is not None:
                    say(f"The {name} stopped (exit code {code}); stopping the rest.")
                    return 1
            time.sleep(0.3)
    except _Stop:
        say("Stopping…")
        return 0
    finally:
        _stop_all(procs)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _stop_all(procs: list[subprocess.Popen[bytes]], *, timeout: float = 15.0) -> None:
    """Interrupt each child (granian and the task worker both shut down gracefully on SIGINT),
    then kill whatever is still running after ``timeout`` seconds."""
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
    deadline = time.monotonic() + timeout
    for proc in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
