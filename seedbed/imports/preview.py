"""The outcome of validating an import (a dry run), and the cell parsers both imports share.

A ``Preview`` lists every data row with its outcome (created, updated, unchanged or error) and
every problem with its row and column. It is plain data: stored as JSON on the ``ImportJob``,
printed by the CLI, shown by the job page.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

from seedbed.imports.parsing import Column


class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ERROR = "error"
    ALL = (CREATED, UPDATED, UNCHANGED, ERROR)


@dataclass(slots=True)
class Issue:
    """A problem in one cell (or a whole row, when ``column`` is empty)."""

    text: str
    column: str = ""
    letter: str = ""

    @property
    def where(self) -> str:
        if self.letter and self.column:
            return f"{self.letter} ({self.column})"
        return self.column or self.letter


@dataclass(slots=True)
class RowResult:
    """What a data row does (or would do) and why not, if it cannot. ``file`` names the file
    the row comes from when an import reads more than one (ESCO skills and occupations)."""

    row: int
    outcome: str = Outcome.UNCHANGED
    label: str = ""
    detail: str = ""
    issues: list[Issue] = field(default_factory=list)
    file: str = ""

    def error(self, text: str, column: Column | None = None) -> None:
        self.outcome = Outcome.ERROR
        self.issues.append(
            Issue(text, column.title if column else "", column.letter if column else "")
        )

    @property
    def ok(self) -> bool:
        return self.outcome != Outcome.ERROR


@dataclass(slots=True)
class Preview:
    """The whole dry run: one ``RowResult`` per data row (header problems as row 1), counts of
    side effects (``extra``: teams or roles created, assertions recorded), and the plan that
    ``commit_*`` carries out (not serialised); ``notes`` are file-level remarks such as ignored
    columns."""

    kind: str
    layout: str = ""
    rows: list[RowResult] = field(default_factory=list)
    extra: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    plan: Any = None

    @property
    def counts(self) -> dict[str, int]:
        tally = Counter(r.outcome for r in self.rows)
        return {o: tally.get(o, 0) for o in Outcome.ALL}

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.rows if r.outcome == Outcome.ERROR)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def sort_issues(self) -> None:
        """Order each row's problems left to right (whole-row problems last)."""
        for r in self.rows:
            r.issues.sort(key=lambda i: (not i.letter, len(i.letter), i.letter))

    def issues(self) -> list[tuple[int, Issue]]:
        return [(r.row, issue) for r in self.rows for issue in r.issues]

    def rows_json(self) -> list[dict[str, Any]]:
        return [asdict(r) for r in self.rows]

    def summary(self) -> dict[str, int]:
        return {**self.counts, **self.extra}


# --- cell parsers: each returns the value or raises ValueError with a message for the person

_TRUE = {"1", "yes", "y", "true", "t", "x", "active", "ja", "j", "wahr", "aktiv"}
_FALSE = {"0", "no", "n", "false", "f", "inactive", "left", "nein", "falsch", "inaktiv"}


def as_text(value: Any, *, max_length: int) -> str:
    """A single-line text value: whitespace collapsed; numbers from spreadsheets as written."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime):
        value = value.date()
    text = " ".join(str(value).split())
    if len(text) > max_length:
        raise ValueError(
            _("Too long: at most %(n)s characters (this has %(len)s).")
            % {"n": max_length, "len": len(text)}
        )
    return text


def parse_date(value: Any) -> date:
    """ISO (2024-03-31), 31.03.2024, 31/03/2024, or an Excel date cell."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        # A spreadsheet date serial in a cell not formatted as a date.
        from openpyxl.utils.datetime import from_excel

        converted = from_excel(value)
        if isinstance(converted, datetime):
            return converted.date()
        if isinstance(converted, date):
            return converted
    text = str(value).strip()
    formats = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y")
    candidate = text[:10] if len(text) > 10 and text[10] in " T" else text
    for fmt in formats:
        try:
            return datetime.strptime(candidate, fmt).date()
        except ValueError:
            continue
    raise ValueError(
        _("“%(value)s” is not a date: use YYYY-MM-DD, DD.MM.YYYY or DD/MM/YYYY.") % {"value": text}
    )


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(
        _("“%(value)s” is not yes or no: use yes/no, true/false or 1/0.") % {"value": value}
    )


def parse_level(value: Any) -> int:
    """A whole number from an integer cell, an integral float cell (3.0) or text ("3")."""
    if isinstance(value, bool):
        raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        number = None
    if number is not None and number.is_integer():
        return int(number)
    raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})
