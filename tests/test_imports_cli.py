"""``seedbed import`` and ``seedbed export`` (management commands, run synchronously)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from seedbed.accounts.models import AuditLog
from seedbed.people.models import Person
from seedbed.skills.models import Assertion, PersonSkill
from seedbed.skills.services import record_assertion
from tests.builders import make_person
from tests.data.imports import PEOPLE_HEADER, csv_file, person_row, xlsx_file

pytestmark = pytest.mark.django_db


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _file(tmp_path, rows, name="people.csv", **kw):
    path = tmp_path / name
    path.write_bytes(xlsx_file(rows) if name.endswith(".xlsx") else csv_file(rows, **kw))
    return str(path)


def test_import_people_dry_run_changes_nothing(org, tmp_path):
    path = _file(tmp_path, [PEOPLE_HEADER, person_row("Ada", "ada@example.com", team="Data")])
    out, err = _run("seedbed_import", "people", path, "--dry-run")
    assert "people: 1 created, 0 updated, 0 unchanged, 0 error" in out
    assert "(would be imported)" in out and "Dry run: nothing was changed." in out
    assert "1 data rows" in err
    assert not Person.objects.filter(email="ada@example.com").exists()


def test_import_people_commits(org, tmp_path):
    path = _file(
        tmp_path,
        [
            PEOPLE_HEADER,
            person_row("Jürgen Müller", "jm@example.com", manager_email=org.manager.email),
        ],
        encoding="cp1252",
        delimiter=";",
        newline="\r\n",
    )
    out, _err = _run("seedbed_import", "people", path)
    assert "Imported." in out
    person = Person.objects.get(email="jm@example.com")
    assert person.full_name == "Jürgen Müller" and person.manager == org.manager
    assert AuditLog.objects.get(action="import.people").actor == org.user("admin")


def test_import_people_errors_exit_non_zero_with_row_and_column(org, tmp_path):
    path = _file(
        tmp_path,
        [
            PEOPLE_HEADER,
            person_row("Ada", "ada@example.com"),
            person_row(
                "Bob", "bob@example.com", manager_email="ghost@example.com", timezone="Mars/Olympus"
            ),
        ],
    )
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"Nothing was imported: 1 row\(s\) have errors"):
        call_command("seedbed_import", "people", path, stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert "row 3, column F (manager_email): Unknown manager ghost@example.com" in text
    assert "row 3, column H (timezone): Unknown time zone “Mars/Olympus”" in text
    assert not Person.objects.filter(email="ada@example.com").exists()


def test_import_people_into_an_empty_database(db, tmp_path):
    path = _file(
        tmp_path, [PEOPLE_HEADER, person_row("First Admin", "root@example.com", access="admin")]
    )
    _run("seedbed_import", "people", path)
    assert Person.objects.get().user.access_level == "admin"


def test_import_rejected_file(org, tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match=r"The file is empty\."):
        _run("seedbed_import", "people", str(path))
    with pytest.raises(CommandError, match="No such file"):
        _run("seedbed_import", "people", str(tmp_path / "missing.csv"))


def test_import_skills_detects_layout(org, tmp_path):
    wide = _file(tmp_path, [["email", "Python", "k8s"], [org.employee.email, 3, 2]], "wide.xlsx")
    out, _err = _run("seedbed_import", "skills", wide)
    assert "skills (wide): 1 created" in out
    long = _file(
        tmp_path,
        [["email", "skill", "level", "source"], [org.report2.email, "Python", 2, "peer"]],
        "long.csv",
    )
    out, _err = _run("seedbed_import", "skills", long, "--actor", org.manager.email)
    assert "skills (long): 1 created" in out
    peer = Assertion.objects.get(person=org.report2)
    assert (peer.source, peer.rater) == ("peer", org.user("manager"))
    out, _err = _run("seedbed_import", "skills", wide)
    assert "0 created, 0 updated, 1 unchanged" in out
    assert Assertion.objects.count() == 3


def test_import_skills_forced_layout_and_source(org, tmp_path):
    path = _file(tmp_path, [["email", "Python"], [org.employee.email, 4]])
    _run("seedbed_import", "skills", path, "--layout", "wide", "--source", "assessment")
    assert PersonSkill.objects.get(person=org.employee).source == "assessment"
    with pytest.raises(CommandError, match=r"Missing required column\(s\): skill, level"):
        _run("seedbed_import", "skills", path, "--layout", "long")


def test_import_skills_errors(org, tmp_path):
    path = _file(tmp_path, [["email", "Python", "Cooking"], [org.employee.email, 9, 1]])
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("seedbed_import", "skills", path, stdout=out, stderr=io.StringIO())
    assert "row 1, column C (Cooking): Unknown skill “Cooking”" in out.getvalue()
    assert (
        "row 2, column B (Python): Level 9 is outside the scale for Python (0–5)." in out.getvalue()
    )
    assert Assertion.objects.count() == 0


def test_import_unknown_actor(org, tmp_path):
    path = _file(tmp_path, [["email", "Python"], [org.employee.email, 4]])
    with pytest.raises(CommandError, match=r"No active user with the email nobody@example\.com"):
        _run("seedbed_import", "skills", path, "--actor", "nobody@example.com")


def test_export_people_csv_and_xlsx(org, tmp_path):
    make_person('=HYPERLINK("http://x")', email="evil@example.com")
    out_csv = tmp_path / "people.csv"
    _run("seedbed_export", "people", "--format", "csv", "-o", str(out_csv))
    rows = list(csv.reader(io.StringIO(out_csv.read_text("utf-8-sig"), newline="")))
    assert rows[0][:2] == ["name", "email"] and rows[0][-1] == "access"
    assert ['\'=HYPERLINK("http://x")', "evil@example.com"] in [r[:2] for r in rows]
    out_xlsx = tmp_path / "people.xlsx"
    _run("seedbed_export", "people", "-o", str(out_xlsx))  # format from the extension
    ws = load_workbook(out_xlsx, read_only=True).worksheets[0]
    assert '\'=HYPERLINK("http://x")' in [r[0] for r in ws.iter_rows(values_only=True)]


def test_export_matrix(org, tmp_path):
    admin = org.user("admin")
    python = org.employee.role.requirements.get(skill__name="Python").skill
    record_assertion(actor=admin, person=org.employee, skill=python, level=4, source="manager")
    record_assertion(actor=admin, person=org.outsider, skill=python, level=1, source="assessment")
    path = tmp_path / "matrix.xlsx"
    _run("seedbed_export", "matrix", "--format", "xlsx", "-o", str(path))
    rows = [
        list(r)
        for r in load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True)
    ]
    col = rows[0].index("Python")
    levels = {r[1]: r[col] for r in rows[1:]}  # email, name, team, role, skills...
    assert levels["Emil Employee"] == 4 and levels["Olga Outsider"] == 1
    # As the manager: only their subtree (and themselves), never the outsider.
    path = tmp_path / "mine.csv"
    _run("seedbed_export", "matrix", "--format", "csv", "-o", str(path), "--as", org.manager.email)
    names = {r[1] for r in csv.reader(io.StringIO(path.read_text("utf-8-sig")))}
    assert "Emil Employee" in names and "Olga Outsider" not in names
    with pytest.raises(CommandError, match="No team named Nowhere"):
        _run("seedbed_export", "matrix", "-o", str(path), "--team", "Nowhere")


def test_export_needs_someone_to_act_as(db, tmp_path):
    with pytest.raises(CommandError, match="There is no admin yet"):
        _run("seedbed_export", "people", "-o", str(tmp_path / "x.csv"))


def test_long_files_show_progress_on_stderr(org, tmp_path):
    rows = [PEOPLE_HEADER, *[person_row(f"P{i}", f"p{i}@example.com") for i in range(2500)]]
    out, err = _run("seedbed_import", "people", _file(tmp_path, rows), "--dry-run")
    assert "checking: 2,500/2,500 rows" in err and "2500 created" in out
