"""The ``seedbed`` console script and its demo / serve / worker commands."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.tasks import TaskResultStatus, task

from seedbed.cli import main
from seedbed.demo import data
from seedbed.demo.serving import granian_command, missing_translations
from seedbed.people.models import Person

ROOT = Path(__file__).resolve().parent.parent


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--help"])
    out = capsys.readouterr().out
    for command in ("demo", "serve", "worker", "import", "export", "token", "manage"):
        assert f"seedbed {command}" in out


def test_unknown_command_is_rejected_with_the_list_of_commands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["deploy"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "unknown command 'deploy'" in err
    assert "seedbed demo" in err


def test_console_script_runs_as_a_module() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "seedbed.cli", "help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert "seedbed serve" in result.stdout


def test_demo_command_prepares_everything_and_prints_the_logins(
    db: None, settings, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    settings.STATIC_ROOT = tmp_path / "static"
    out = StringIO()
    call_command("seedbed_demo", "--no-serve", stdout=out)
    text = out.getvalue()
    assert data.DEMO_PASSWORD in text
    for key in (data.ADMIN_KEY, data.MANAGER_KEY, data.EMPLOYEE_KEY):
        assert next(p.email for p in data.PEOPLE if p.key == key) in text
    assert "waiting for validation" in text
    assert (tmp_path / "static" / "seedbed" / "app.css").exists()
    assert Person.objects.active().count() == 60
    # Again: nothing duplicated, and it says so.
    again = StringIO()
    call_command("seedbed_demo", "--no-serve", stdout=again)
    assert "already there" in again.getvalue()
    assert Person.objects.active().count() == 60


def test_demo_refuses_a_database_that_holds_a_real_organisation(
    org, settings, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    settings.STATIC_ROOT = tmp_path / "static"
    people = Person.objects.count()
    with pytest.raises(CommandError, match="not the demo"):
        call_command("seedbed_demo", "--no-serve", stdout=StringIO())
    assert Person.objects.count() == people


def test_demo_and_serve_say_when_the_port_is_taken() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match=f"Cannot listen on 127.0.0.1:{port}"):
            call_command("seedbed_demo", "--port", str(port))
        with pytest.raises(CommandError, match="Pick another port"):
            call_command("seedbed_serve", "--port", str(port))


def test_serve_rejects_bad_numbers() -> None:
    with pytest.raises(CommandError, match="--workers must be at least 1"):
        call_command("seedbed_serve", "--workers", "0")
    with pytest.raises(CommandError, match="--port must be between 1 and 65535"):
        call_command("seedbed_serve", "--port", "70000")


def test_server_command_is_granian_wsgi_with_one_blocking_thread() -> None:
    cmd = granian_command(host="0.0.0.0", port=8123, workers=2)  # noqa: S104
    joined = " ".join(cmd)
    assert "-m granian --interface wsgi" in joined
    assert "--host 0.0.0.0 --port 8123 --workers 2 --blocking-threads 1" in joined
    assert cmd[-1] == "seedbed.config.wsgi:application"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
        return response.status, response.read()


def test_demo_serves_pages_and_static_files_until_stopped(tmp_path: Path) -> None:
    """The README's first command end to end: a real granian + worker on a free port, in a
    data folder of its own (always SQLite, whatever DATABASE_URL the suite runs with)."""
    port = _free_port()
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["SEEDBED_DATA_DIR"] = str(tmp_path / "var")
    proc = subprocess.Popen(
        [sys.executable, "-m", "seedbed.cli", "demo", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    # Read the output as it comes, so the test can wait for the worker too (on a busy machine
    # it starts seconds after the web server answers).
    chunks: list[bytes] = []
    reader = threading.Thread(
        target=lambda: chunks.extend(iter(proc.stdout.readline, b"")), daemon=True
    )
    reader.start()
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, b"".join(chunks).decode()
            try:
                status, body = _get(f"{base}/accounts/login/")
                break
            except OSError:
                assert time.monotonic() < deadline, "the demo did not start within 2 minutes"
                time.sleep(0.5)
        assert status == 200
        assert b"/static/seedbed/app." in body  # hashed name from the manifest
        status, css = _get(f"{base}/static/seedbed/app.css")
        assert status == 200 and b"--" in css
        while b"Starting worker" not in b"".join(chunks) and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        reader.join(timeout=10)
    text = b"".join(chunks).decode()
    assert proc.returncode == 0, text
    assert f"Open http://127.0.0.1:{port}/" in text
    assert data.DEMO_PASSWORD in text
    assert "Starting worker" in text  # the task worker ran beside the web server
    # The parent waited for both children; nothing listens on the port any more.
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()


@task
def _write_marker(path: str) -> str:
    Path(path).write_text("done")
    return path


def test_worker_runs_queued_tasks(transactional_db: None, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # transactional_db: the worker closes its database connection between tasks.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    marker = tmp_path / "marker"
    result = _write_marker.enqueue(str(marker))
    assert not marker.exists()
    call_command("seedbed_worker", "--batch", verbosity=0)
    assert marker.read_text() == "done"
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL


def test_translations_are_compiled_only_when_a_catalogue_lacks_its_mo(
    settings, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    assert missing_translations() == []  # the committed catalogues come compiled
    messages = tmp_path / "fr" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "django.po").write_text('msgid ""\nmsgstr ""\n')
    settings.LOCALE_PATHS = [tmp_path]
    assert missing_translations() == [messages / "django.po"]
    (messages / "django.mo").write_bytes(b"")
    assert missing_translations() == []
