"""Database expressions shared by the apps."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import FloatField, Func


class EpochSeconds(Func):
    """Seconds since 1970 (UTC) of a date or datetime expression, as a float computed by the
    database (NULL stays NULL), so that large reads arrive as plain numbers."""

    output_field = FloatField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # julianday() parses the stored text in C.
        template = "((julianday(%(expressions)s) - 2440587.5) * 86400.0)"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # date_part, not EXTRACT: EXTRACT computes a numeric that is then cast (about 0.15 us
        # a row: 0.8 ms of the 5,000 levels the expert finder reads for a popular skill). The
        # same value: both are the exact microseconds divided by a million, rounded once.
        template = "date_part('epoch', %(expressions)s)"
        return self.as_sql(compiler, connection, template=template, **extra)


@contextmanager
def queries_run(using: str = DEFAULT_DB_ALIAS) -> Iterator[list[str]]:
    """The SQL of every query run inside the block (a list filled as they run): compiled
    SQL may be kept and reused only if building it touched the database not at all (then it
    depends on nothing but what its cache key holds)."""
    ran: list[str] = []

    def spy(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        ran.append(sql)
        return execute(sql, params, many, context)

    with connections[using].execute_wrapper(spy):
        yield ran
