"""The ``seedbed`` console script.

    seedbed demo [--port N] [--fresh]     migrate, load the demo company, run web server + worker
    seedbed serve [--port N] [--host H]   production server (granian, WSGI) + migrations
    seedbed worker                        background task worker (django-tasks-db)
    seedbed import people|skills|esco|catalogue FILE [--dry-run] [--format wide|long] [--occupations FILE]
    seedbed export people|matrix --format csv|xlsx -o FILE
    seedbed token create EMAIL [--name NAME]
    seedbed manage ARGS...                any Django management command

Every command finds its data folder through SEEDBED_DATA_DIR (default ./var).
"""

from __future__ import annotations

import os
import sys


def _django(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seedbed.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["seedbed", *argv])


COMMANDS = {
    # seedbed <name> ...  ->  manage.py <command> ...
    "demo": "seedbed_demo",
    "serve": "seedbed_serve",
    "worker": "seedbed_worker",
    "import": "seedbed_import",
    "export": "seedbed_export",
    "token": "seedbed_token",
}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(__doc__)
        return
    name, rest = args[0], args[1:]
    if name == "manage":
        _django(rest)
    elif name in COMMANDS:
        _django([COMMANDS[name], *rest])
    else:
        print(f"seedbed: unknown command {name!r}\n{__doc__}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
