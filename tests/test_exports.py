"""People export (CSV/XLSX): scoping, formula neutralisation, round trip through the import."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from seedbed.imports.parsing import read_table
from seedbed.imports.services import PEOPLE_COLUMNS, people_export_rows, validate_people
from seedbed.people.models import Person
from tests.builders import make_person

pytestmark = pytest.mark.django_db

URL = reverse("imports:export_people")
DANGEROUS = {
    '=HYPERLINK("http://evil.example","click")': '\'=HYPERLINK("http://evil.example","click")',
    "+49 30 1234": "'+49 30 1234",
    "-2+3": "'-2+3",
    "@SUM(A1)": "'@SUM(A1)",
    "\tTabbed": "'\tTabbed",
    "\rReturned": "'\rReturned",
}


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def _xlsx(response):
    ws = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


@pytest.fixture
def hostile(org):
    names = list(DANGEROUS)
    make_person(
        names[0],
        email="evil@example.com",
        location=names[1],
        languages=names[2],
        start_date=date(2024, 5, 6),
    )
    for i, value in enumerate(names[3:]):
        make_person(f"Loc {i}", email=f"loc{i}@example.com", location=value)


def test_csv_export_neutralises_formulas(clients, hostile):
    rows = _csv(clients["admin"].get(URL + "?format=csv"))
    assert rows[0] == list(PEOPLE_COLUMNS)
    evil = next(r for r in rows if r[1] == "evil@example.com")
    assert evil[0] == DANGEROUS[next(iter(DANGEROUS))]
    assert evil[6] == "'+49 30 1234" and evil[8] == "'-2+3" and evil[9] == "2024-05-06"
    locations = {r[6] for r in rows}
    for value in list(DANGEROUS)[3:]:
        assert DANGEROUS[value] in locations
        assert value not in locations


def test_xlsx_export_neutralises_formulas(clients, hostile):
    response = clients["admin"].get(URL + "?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _xlsx(response)
    evil = next(r for r in rows if r[1] == "evil@example.com")
    assert evil[0] == DANGEROUS[next(iter(DANGEROUS))]
    assert evil[6] == "'+49 30 1234"
    assert evil[9].date() == date(2024, 5, 6)  # a real date cell
    locations = {r[6] for r in rows}
    assert {"'@SUM(A1)", "'\tTabbed"} <= locations
    # XML turns a carriage return into a line feed; what matters is the apostrophe in front.
    assert {"'\rReturned", "'\nReturned"} & locations


def test_export_reimports_unchanged(org, clients):
    # Values an export neutralises come back without the apostrophe.
    make_person(
        "=1+2",
        email="formula@example.com",
        location="+49 30 1234",
        languages="-x",
        start_date=date(2024, 5, 6),
    )
    make_person("@home", email="at@example.com", location="-")
    response = clients["admin"].get(URL + "?format=csv")
    preview = validate_people(read_table(response.content, "export.csv"), actor=org.user("admin"))
    assert preview.ok, preview.issues()
    assert preview.counts["unchanged"] == Person.objects.count()
    xlsx = clients["admin"].get(URL + "?format=xlsx")
    again = validate_people(read_table(xlsx.content, "export.xlsx"), actor=org.user("admin"))
    assert again.counts["unchanged"] == Person.objects.count()


def test_access_column_only_for_admins(org, clients):
    admin_rows = _csv(clients["admin"].get(URL))
    assert admin_rows[0][-1] == "access"
    assert next(r for r in admin_rows if r[0] == "Max Manager")[-1] == "manager"
    outsider_rows = _csv(clients["outsider"].get(URL))
    assert "access" not in outsider_rows[0]
    assert len(outsider_rows) == len(admin_rows)  # the directory is visible to every user


def test_export_scoping_follows_visible_to(org, clients):
    erased = make_person("Gone", email="gone@example.com")
    Person.objects.filter(pk=erased.pk).update(erased_at="2024-01-01T00:00Z")
    rows = _csv(clients["admin"].get(URL))
    assert "gone@example.com" not in {r[1] for r in rows}
    headers, data = people_export_rows(org.user("employee"))
    assert "access" not in headers and len(data) == Person.objects.count() - 1


def test_anonymous_and_bad_format(client, clients, org):
    assert client.get(URL).status_code == 302
    assert clients["admin"].get(URL + "?format=pdf").status_code == 400
