"""Helpers for import tests: build CSV and XLSX files in memory (no fixture files)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from seedbed.imports.parsing import Table, read_table


def csv_file(
    rows: Sequence[Sequence[Any]],
    *,
    delimiter: str = ",",
    newline: str = "\n",
    encoding: str = "utf-8",
) -> bytes:
    def cell(value: Any) -> str:
        text = "" if value is None else str(value)
        if any(ch in text for ch in (delimiter, '"', "\n", "\r")):
            text = '"' + text.replace('"', '""') + '"'
        return text

    text = newline.join(delimiter.join(cell(v) for v in row) for row in rows) + newline
    return text.encode(encoding)


def xlsx_file(rows: Sequence[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def table(rows: Sequence[Sequence[Any]], name: str = "test.csv") -> Table:
    return read_table(csv_file(rows), name)


PEOPLE_HEADER = [
    "name",
    "email",
    "role",
    "team",
    "parent_team",
    "manager_email",
    "location",
    "timezone",
    "languages",
    "start_date",
    "active",
    "access",
]


def person_row(name: str, email: str, **values: Any) -> list[Any]:
    """A row in PEOPLE_HEADER order; unspecified cells blank."""
    data = {"name": name, "email": email, **values}
    return [data.get(col) for col in PEOPLE_HEADER]
