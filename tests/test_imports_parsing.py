"""Reading CSV and XLSX files: encodings, delimiters, dates, and clear refusals."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest

from seedbed.imports.parsing import FileRejected, Table, normalise_header, read_table
from seedbed.imports.preview import parse_date, parse_level
from tests.data.imports import csv_file, xlsx_file

ROWS = [
    ["Name", "E-Mail", "Team"],
    ["Jürgen Müller", "jm@example.com", "Straße"],
    ["Zoë Ångström", "za@example.com", "Ops"],
]


def _values(table):
    return [values for _n, values in table.rows]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_reads_utf8_with_and_without_bom_and_windows_1252(encoding):
    rows = (
        ROWS
        if encoding != "cp1252"
        else [["Name", "E-Mail", "Team"], ["Jürgen Müller", "jm@example.com", "Straße"]]
    )
    table = read_table(csv_file(rows, encoding=encoding), "people.csv")
    assert [c.key for c in table.columns] == ["name", "e_mail", "team"]
    assert _values(table)[0] == ["Jürgen Müller", "jm@example.com", "Straße"]
    expected = "Windows-1252" if encoding == "cp1252" else "UTF-8"
    assert expected in table.description


def test_reads_utf16_excel_unicode_text():
    data = "Name\tEmail\r\nJürgen Müller\tjm@example.com\r\n".encode("utf-16")  # with BOM
    table = read_table(data)
    assert _values(table) == [["Jürgen Müller", "jm@example.com"]]


def test_semicolon_crlf_and_quoted_fields():
    rows = [
        ["name", "email", "note"],
        ["Müller; Jürgen", "jm@example.com", 'said "hi"\r\nthen left'],
        ["Ann", "ann@example.com", ""],
    ]
    table = read_table(csv_file(rows, delimiter=";", newline="\r\n"))
    assert "semicolon" in table.description
    assert _values(table) == [
        ["Müller; Jürgen", "jm@example.com", 'said "hi"\r\nthen left'],
        ["Ann", "ann@example.com", None],
    ]
    # the quoted line break does not shift row numbers: records are rows
    assert [n for n, _v in table.rows] == [2, 3]


def test_header_names_are_normalised():
    table = read_table("\ufeff  Manager E-mail ;START DATE;Time  zone\nx;y;z\n".encode())
    assert [c.key for c in table.columns] == ["manager_e_mail", "start_date", "time_zone"]
    assert normalise_header("\ufeffE-Mail") == "e_mail"


def test_blank_rows_are_skipped_but_counted():
    table = read_table(b"name,email\n\nAnn,a@example.com\n,\nBo,b@example.com\n")
    assert [n for n, _v in table.rows] == [3, 5]


def test_stray_control_characters_are_stripped_from_cells():
    table = read_table(b"name,email\nAn\x01n, ann@example.com\x7f \n")
    assert _values(table) == [["Ann", "ann@example.com"]]
    # Values handed over by other callers (benchmarks, API) get the same cleaning, NUL included.
    records = Table.from_records(["name", "email"], [["An\x00n", "ann@example.com"]])
    assert _values(records) == [["Ann", "ann@example.com"]]


def test_xlsx_date_cells_and_numbers():
    data = xlsx_file(
        [
            ["email", "start_date", "level", "when"],
            ["a@example.com", date(2024, 3, 31), 3, datetime(2023, 1, 2, 9, 30)],
        ]
    )
    table = read_table(data, "people.xlsx")
    assert "XLSX" in table.description
    _email, start, level, when = _values(table)[0]
    assert isinstance(start, datetime | date) and parse_date(start) == date(2024, 3, 31)
    assert parse_level(level) == 3
    assert parse_date(when) == date(2023, 1, 2)


@pytest.mark.parametrize("text", ["2024-03-31", "31.03.2024", "31/03/2024", "2024-03-31 00:00:00"])
def test_date_formats(text):
    assert parse_date(text) == date(2024, 3, 31)


def test_bad_date_message():
    with pytest.raises(ValueError, match=r"“31\.02\.2024” is not a date: use YYYY-MM-DD"):
        parse_date("31.02.2024")


def test_empty_file_is_refused():
    with pytest.raises(FileRejected, match="The file is empty"):
        read_table(b"")
    with pytest.raises(FileRejected, match="The file is empty"):
        read_table(b"\xef\xbb\xbf\r\n\r\n")


def test_header_without_rows_is_refused():
    with pytest.raises(FileRejected, match="header row but no data rows"):
        read_table(b"name,email\r\n")


def test_oversize_file_is_refused(settings):
    settings.IMPORT_MAX_MB = 1
    data = b"name,email\n" + b"x" * (1024 * 1024)
    with pytest.raises(FileRejected, match=r"The file is 1\.0 MB; the limit is 1 MB"):
        read_table(data)


def test_too_many_rows_is_refused(settings):
    settings.IMPORT_MAX_ROWS = 3
    data = csv_file([["name", "email"], *[[f"P{i}", f"p{i}@example.com"] for i in range(4)]])
    with pytest.raises(FileRejected, match="more than 3 data rows"):
        read_table(data)
    settings.IMPORT_MAX_ROWS = 4
    assert len(read_table(data).rows) == 4


def test_zip_that_is_not_xlsx_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(FileRejected, match="ZIP archive, not an XLSX workbook"):
        read_table(buf.getvalue(), "people.xlsx")


def test_broken_xlsx_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", "<not-a-workbook")
    with pytest.raises(FileRejected, match="could not be read"):
        read_table(buf.getvalue(), "people.xlsx")


def test_old_xls_is_refused():
    with pytest.raises(FileRejected, match=r"old Excel 97–2003 \(.xls\)"):
        read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "people.xls")


def test_binary_garbage_and_nul_bytes_are_refused():
    with pytest.raises(FileRejected, match="binary data"):
        read_table(b"name,email\nAnn\x00,a@example.com\n")
    with pytest.raises(FileRejected, match=r"binary data|neither UTF-8 nor Windows-1252"):
        read_table(bytes(range(1, 256)) * 40)
    with pytest.raises(FileRejected, match="binary data"):
        read_table(b"\x01\x02\x03\x04\x05\x06,\x07\x08\n\x0b\x0c,\x0e\x0f\n" * 20)


def test_duplicate_columns_are_refused():
    with pytest.raises(FileRejected, match="Column C “EMAIL” has the same name as column B"):
        read_table(b"name,email,EMAIL\nAnn,a@example.com,b@example.com\n")


def test_xlsx_row_numbers_match_the_sheet():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws["A2"], ws["B2"] = "name", "email"  # header not on row 1
    ws["A3"], ws["B3"] = "Ann", "a@example.com"
    ws["A6"], ws["B6"] = "Bo", "b@example.com"  # gap of blank rows
    buf = io.BytesIO()
    wb.save(buf)
    table = read_table(buf.getvalue(), "people.xlsx")
    assert table.header_row == 2
    assert table.rows == [(3, ["Ann", "a@example.com"]), (6, ["Bo", "b@example.com"])]
