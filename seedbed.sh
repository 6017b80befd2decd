#!/usr/bin/env bash
# Seedbed's one entry point: installs what Seedbed needs, then runs a command.
#
#   ./seedbed.sh demo [--port N] [--fresh]  install, then run the demo company on http://127.0.0.1:8000/
#   ./seedbed.sh test [PYTEST ARGS]         install (and Chromium), then lint, type-check and test
#   ./seedbed.sh COMMAND ...                any `seedbed` command: serve, worker, import, export, token, manage
#
# Installing needs only python3 with pip: uv comes from PyPI and builds .venv from uv.lock.
# SEEDBED_DATA_DIR (default ./var) says where the database, uploads and secret key live.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")" && pwd)"

export UV_PYTHON_DOWNLOADS=never  # use the machine's Python 3.13 (see .python-version)

install() {
    # In the project folder, where .python-version picks Python 3.13.
    (
        cd "$ROOT"
        if ! python3 -m uv --version >/dev/null 2>&1; then
            echo "Installing uv…"
            python3 -m pip install --quiet uv
        fi
        python3 -m uv sync --frozen --quiet
    )
}

ensure_chromium() {
    # The browser tests drive Debian's Chromium; never a browser downloaded by Playwright.
    command -v chromium >/dev/null 2>&1 && return
    echo "Installing Chromium for the browser tests…"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
}

run_pytest() {
    # The real-browser journeys first and alone, so Chromium has the machine to itself (exit
    # code 5 there just means no browser test was selected); then the rest in two processes,
    # whose summary closes the output.
    local browser=0 rest=0
    .venv/bin/python -m pytest -m browser "$@" || browser=$?
    [ "$browser" -eq 5 ] && browser=0
    .venv/bin/python -m pytest -n 2 -m "not browser" "$@" || rest=$?
    [ "$browser" -eq 0 ] && [ "$rest" -eq 0 ]
}

run_tests() {
    # Every stage runs even if an earlier one fails, so one run shows every problem.
    local failed=()
    echo "== ruff check"
    .venv/bin/ruff check . || failed+=("ruff check")
    echo "== ruff format --check"
    .venv/bin/ruff format --check . || failed+=("ruff format")
    echo "== mypy"
    .venv/bin/mypy seedbed || failed+=("mypy")
    echo "== pytest"
    run_pytest "$@" || failed+=("pytest")
    if [ ${#failed[@]} -gt 0 ]; then
        echo "FAILED: ${failed[*]}" >&2
        return 1
    fi
    echo "All checks passed."
}

command="${1:-help}"
[ $# -gt 0 ] && shift
case "$command" in
    test)
        install
        ensure_chromium
        cd "$ROOT"
        run_tests "$@"
        ;;
    pytest)  # the test suite alone (CI runs it again on PostgreSQL)
        install
        ensure_chromium
        cd "$ROOT"
        run_pytest "$@"
        ;;
    help | -h | --help)
        sed -n '2,9p' "$ROOT/seedbed.sh" | sed 's/^# \{0,1\}//'
        ;;
    *)
        install
        # From the caller's folder, so relative paths (files, SEEDBED_DATA_DIR) mean what they say.
        exec "$ROOT/.venv/bin/seedbed" "$command" "$@"
        ;;
esac
