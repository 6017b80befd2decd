"""Timing helper for ``benchmarks/``: import a synthetic people CSV through the real path."""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING

from seedbed.imports.parsing import read_table
from seedbed.imports.services import PEOPLE_COLUMNS, commit_people
from seedbed.lib.spreadsheet import csv_bytes

if TYPE_CHECKING:
    from seedbed.accounts.models import User


def synthetic_people_csv(rows: int, *, tag: str = "") -> bytes:
    """A people CSV of ``rows`` new people in 40 teams under 4 departments, 12 roles, managers
    ten to a team lead (some before, some after their reports in the file), one in five with
    a login."""
    tag = tag or secrets.token_hex(3)
    body = []
    for i in range(rows):
        manager = f"bench-{tag}-{i // 10}@example.com" if i >= 10 else ""
        body.append(
            [
                f"Bench Person {tag} {i}",
                f"bench-{tag}-{i}@example.com",
                f"Bench role {i % 12}",
                f"Bench team {i % 40}",
                f"Bench department {i % 4}",
                manager,
                "Berlin",
                "Europe/Berlin",
                "en, de",
                "2024-01-15",
                "yes",
                "employee" if i % 5 == 0 else "",
            ]
        )
    return csv_bytes(list(PEOPLE_COLUMNS), body)


def time_people_import(rows: int, actor: User) -> tuple[float, int]:
    """Seconds to read, validate and commit a ``rows``-row people CSV (all-or-nothing)."""
    data = synthetic_people_csv(rows)
    started = time.perf_counter()
    table = read_table(data, "benchmark.csv")
    preview = commit_people(table=table, actor=actor)
    elapsed = time.perf_counter() - started
    if preview.counts["created"] != rows:
        raise RuntimeError(f"benchmark import created {preview.counts['created']} of {rows}")
    return elapsed, len(table.rows)
