"""What the project's migrations share. Migrations that use it are history: change nothing
here that would make an applied migration mean something else."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import migrations

Statements = Mapping[str, Sequence[str]]  # database vendor ("sqlite", "postgresql") -> SQL


def _run(statements: Statements) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(sql)

    return run


def run_sql_per_vendor(forward: Statements, backward: Statements) -> migrations.RunPython:
    """An operation running the SQL written for the database's vendor, in order, forwards
    and backwards; a vendor with none runs nothing (``RunSQL`` would run the same SQL on
    every database)."""
    return migrations.RunPython(_run(forward), _run(backward))


def run_sql_on_postgresql(
    forward: str | Sequence[str], backward: str | Sequence[str]
) -> migrations.RunPython:
    """``run_sql_per_vendor`` for PostgreSQL only: nothing on SQLite."""

    def listed(sql: str | Sequence[str]) -> list[str]:
        return [sql] if isinstance(sql, str) else list(sql)

    return run_sql_per_vendor({"postgresql": listed(forward)}, {"postgresql": listed(backward)})
