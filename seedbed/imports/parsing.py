"""Reading uploaded tables (CSV or XLSX) into a plain ``Table``, refusing what we cannot read.

What is accepted, and why:

- **XLSX** (recognised by content, not by name): the first worksheet, read with openpyxl in
  read-only mode. Date cells arrive as ``date``/``datetime``, numbers as ``int``/``float``.
- **CSV**: UTF-8 with or without BOM, else Windows-1252 (what Excel writes on Windows), or UTF-16
  with BOM (Excel's "Unicode text"); comma, semicolon or tab delimiters, sniffed from the header
  line; CRLF line ends and quoted fields (also with line breaks inside).

Refused with a message a person can act on: empty files, files over ``IMPORT_MAX_MB``, more data
rows than ``IMPORT_MAX_ROWS``, ZIP archives that are not workbooks, old ``.xls`` files, binary
data (NUL bytes, control characters), duplicate column names. Control characters (NUL included,
which PostgreSQL refuses in text) are stripped from cells.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from seedbed.lib.errors import ServiceError
from seedbed.lib.spreadsheet import DANGEROUS_PREFIXES

# C0 controls except tab, line feed and carriage return; plus DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HEADER_JUNK = re.compile(r"[\W_]+")
_NEUTRALISED = frozenset(DANGEROUS_PREFIXES)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class FileRejected(ServiceError):
    """The file as a whole cannot be imported; ``message`` says why and what to do."""

    code = "file_rejected"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the file: position, spreadsheet letter, header as written, normalised key."""

    index: int
    letter: str
    title: str
    key: str


@dataclass(slots=True)
class Table:
    """A file's header and data rows. ``rows`` holds (spreadsheet row number, cell values);
    the header is row 1 when it is the first line, and blank rows are skipped but counted, so
    numbers match what a spreadsheet program shows."""

    columns: list[Column]
    rows: list[tuple[int, list[Any]]]
    name: str = ""
    description: str = ""
    header_row: int = 1
    _by_key: dict[str, Column] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_key = {c.key: c for c in self.columns}

    def column(self, key: str) -> Column | None:
        return self._by_key.get(key)

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    @classmethod
    def from_records(
        cls, headers: list[str], records: Iterable[Iterable[Any]], name: str = ""
    ) -> Table:
        """Build a table from Python values (tests, benchmarks, other callers)."""
        columns = _columns([clean_cell(h) for h in headers])
        rows = [(n, _clean_row(list(r), len(columns))) for n, r in enumerate(records, start=2)]
        return cls(columns, [(n, r) for n, r in rows if any(v is not None for v in r)], name)


def normalise_header(title: str) -> str:
    """ "  Manager E-mail " -> "manager_e_mail": lower case, runs of other characters -> "_"."""
    return _HEADER_JUNK.sub("_", title.replace("\ufeff", "").strip().lower()).strip("_")


def column_letter(index: int) -> str:
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def clean_cell(value: Any) -> Any:
    """Strings: control characters and BOMs removed, the apostrophe an export puts before
    ``=``, ``+``, ``-``, ``@``, tab or CR dropped, outer whitespace stripped, empty -> None.
    Other values (numbers, dates, booleans) unchanged."""
    if value is None:
        return None
    if isinstance(value, str):
        text = _CONTROL.sub("", value).replace("\ufeff", "")
        if text.startswith("'") and text[1:2] in _NEUTRALISED:
            text = text[1:]  # undo our own export's formula neutralisation, so exports round-trip
        return text.strip() or None
    return value


def _clean_row(values: list[Any], width: int) -> list[Any]:
    row = [clean_cell(v) for v in values[:width]]
    row.extend([None] * (width - len(row)))
    return row


def _columns(titles: list[Any]) -> list[Column]:
    # Trailing unnamed columns are common in spreadsheets (formatting beyond the data): drop them.
    while titles and titles[-1] is None:
        titles.pop()
    columns: list[Column] = []
    seen: dict[str, str] = {}
    for i, raw in enumerate(titles):
        title = "" if raw is None else str(raw)
        key = normalise_header(title)
        letter = column_letter(i)
        if key and key in seen:
            raise FileRejected(
                _(
                    "Column %(letter)s “%(title)s” has the same name as column %(other)s: "
                    "rename or remove one of them."
                )
                % {"letter": letter, "title": title, "other": seen[key]}
            )
        if key:
            seen[key] = letter
        columns.append(Column(i, letter, title, key))
    if not any(c.key for c in columns):
        raise FileRejected(_("The first row must name the columns, but it is empty."))
    return columns


def max_bytes() -> int:
    return settings.IMPORT_MAX_MB * 1024 * 1024


def check_size(size: int) -> None:
    """Refuse empty and oversized files before reading them."""
    if size == 0:
        raise FileRejected(_("The file is empty."))
    if size > max_bytes():
        raise FileRejected(
            _("The file is %(size).1f MB; the limit is %(limit)s MB. Split it into smaller files.")
            % {"size": size / 1024 / 1024, "limit": settings.IMPORT_MAX_MB}
        )


def read_table(data: bytes, name: str = "") -> Table:
    """Read CSV or XLSX bytes into a Table; raise FileRejected with a clear message otherwise."""
    check_size(len(data))
    if data.startswith(b"PK\x03\x04"):
        table = _read_xlsx(data)
    elif data.startswith(_OLE2):
        raise FileRejected(
            _(
                "This is an old Excel 97–2003 (.xls) file. Save it as .xlsx or CSV "
                "and upload it again."
            )
        )
    else:
        table = _read_csv(data)
    table.name = name
    if not table.rows:
        raise FileRejected(_("The file has a header row but no data rows."))
    return table


def _limit_rows(rows: Iterator[tuple[int, list[Any]]]) -> list[tuple[int, list[Any]]]:
    limit = settings.IMPORT_MAX_ROWS
    out = []
    for number, values in rows:
        if all(v is None for v in values):
            continue
        out.append((number, values))
        if len(out) > limit:
            raise FileRejected(
                _("The file has more than %(limit)s data rows. Split it into smaller files.")
                % {"limit": f"{limit:,}"}
            )
    return out


# --- XLSX --------------------------------------------------------------------------------


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileRejected(
            _("This ZIP file is damaged; it is not a readable XLSX workbook.")
        ) from exc
    if "xl/workbook.xml" not in names:
        if "content.xml" in names:
            raise FileRejected(
                _(
                    "OpenDocument spreadsheets (.ods) are not supported. Save the "
                    "file as .xlsx or CSV and upload it again."
                )
            )
        raise FileRejected(
            _("This is a ZIP archive, not an XLSX workbook. Upload a .xlsx or .csv file.")
        )
    # A small file that unpacks to gigabytes is a zip bomb, not an organisation chart.
    if unpacked > max_bytes() * 20:
        raise FileRejected(
            _("The workbook is too large once unpacked. Split it into smaller files.")
        )
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken workbooks
        raise FileRejected(
            _(
                "This XLSX workbook could not be read (%(error)s). Open it in a "
                "spreadsheet program and save it again."
            )
            % {"error": type(exc).__name__}
        ) from exc
    try:
        if not wb.worksheets:
            raise FileRejected(_("The workbook has no worksheet."))
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header: list[Any] | None = None
        number = 0
        for values in rows:
            number += 1
            if any(clean_cell(v) is not None for v in values):
                header = [clean_cell(v) for v in values]
                break
        if header is None:
            raise FileRejected(_("The first worksheet is empty."))
        columns = _columns(header)
        width = len(columns)
        start = number

        def data_rows() -> Iterator[tuple[int, list[Any]]]:
            for offset, values in enumerate(rows, start=start + 1):
                yield offset, _clean_row(list(values), width)

        body = _limit_rows(data_rows())
    finally:
        wb.close()
    return Table(
        columns,
        body,
        description=_("XLSX workbook, sheet “%(sheet)s”") % {"sheet": ws.title},
        header_row=start,
    )


# --- CSV ---------------------------------------------------------------------------------


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-16 with BOM, else UTF-8 (BOM optional, strict), else Windows-1252.
    Returns (text, encoding name)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise FileRejected(_("The file claims to be UTF-16 text but is not.")) from exc
    if b"\x00" in data:
        raise FileRejected(
            _(
                "This is not a CSV or XLSX file: it contains binary data (NUL "
                "bytes). Upload a .csv or .xlsx file."
            )
        )
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise FileRejected(
            _(
                "This file is neither UTF-8 nor Windows-1252 text. Save it as "
                "“CSV UTF-8” and upload it again."
            )
        ) from exc


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    controls = len(_CONTROL.findall(sample))
    return controls > max(2, len(sample) // 100)


def sniff_delimiter(text: str) -> str:
    """The delimiter used most in the header line (outside quotes): comma, semicolon or tab."""
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "\r\n":
            break
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes) -> Table:
    text, encoding = decode_text(data)
    if _looks_binary(text):
        raise FileRejected(
            _(
                "This is not a CSV or XLSX file: it contains binary data. Upload a "
                ".csv or .xlsx file."
            )
        )
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise FileRejected(_("The file is empty."))
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        header: list[Any] | None = None
        number = 0
        for values in reader:
            number += 1
            cleaned = [clean_cell(v) for v in values]
            if any(v is not None for v in cleaned):
                header = cleaned
                break
        if header is None:
            raise FileRejected(_("The file is empty."))
        columns = _columns(header)
        width = len(columns)
        start = number

        def data_rows() -> Iterator[tuple[int, list[Any]]]:
            for offset, values in enumerate(reader, start=start + 1):
                yield offset, _clean_row(values, width)

        body = _limit_rows(data_rows())
    except csv.Error as exc:
        raise FileRejected(
            _("The CSV file could not be read near row %(row)s: %(error)s")
            % {"row": reader.line_num, "error": exc}
        ) from exc
    names = {",": _("comma"), ";": _("semicolon"), "\t": _("tab")}
    return Table(
        columns,
        body,
        description=_("CSV, %(encoding)s, %(delimiter)s-separated")
        % {"encoding": encoding, "delimiter": names[delimiter]},
        header_row=start,
    )


def map_columns(
    table: Table,
    known: tuple[str, ...],
    aliases: dict[str, str],
    required: tuple[str, ...],
) -> tuple[dict[str, Column], list[Column]]:
    """Match the file's columns to ``known`` names (also through ``aliases``). Returns the
    mapping and the columns left over; refuses the file when a required column is missing,
    saying which are missing and which were found."""
    named = [c for c in table.columns if c.key]
    # Exact names first, so "manager_email" wins over a "manager" alias column.
    mapping: dict[str, Column] = {c.key: c for c in named if c.key in known}
    rest: list[Column] = []
    for col in named:
        if col.key in known:
            continue
        name = aliases.get(col.key)
        if name is None or name in mapping:
            rest.append(col)
        else:
            mapping[name] = col
    missing = [name for name in required if name not in mapping]
    if missing:
        found = ", ".join(c.title for c in table.columns if c.key) or "–"
        raise FileRejected(
            _("Missing required column(s): %(missing)s. Found: %(found)s.")
            % {"missing": ", ".join(missing), "found": found}
        )
    return mapping, rest
