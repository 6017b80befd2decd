"""People import: upsert by email, teams/roles/managers/logins, every error, all-or-nothing."""

from __future__ import annotations

import time
from datetime import date

import pytest

from seedbed.accounts.models import AuditLog, User
from seedbed.frameworks.models import Role
from seedbed.imports.parsing import FileRejected, read_table
from seedbed.imports.services import ImportHasErrors, commit_people, validate_people
from seedbed.people.models import Person, Team
from tests.data.imports import PEOPLE_HEADER, csv_file, person_row, table, xlsx_file

pytestmark = pytest.mark.django_db


def _errors(preview):
    return [(row, issue.column, issue.text) for row, issue in preview.issues()]


def _counts():
    return (
        Person.objects.count(),
        Team.objects.count(),
        Role.objects.count(),
        User.objects.count(),
    )


def test_creates_people_teams_roles_managers_and_logins(org):
    rows = [
        PEOPLE_HEADER,
        # the manager comes later in the file
        person_row(
            "Ada Lovelace",
            "Ada@Example.com",
            role="Analyst",
            team="Data",
            parent_team="Engineering",
            manager_email="grace@example.com",
            location="London",
            timezone="europe/london",
            languages="en; fr",
            start_date="01.02.2024",
            active="yes",
            access="employee",
        ),
        person_row(
            "Grace Hopper",
            "grace@example.com",
            role="Developer",
            team="Data",
            manager_email=org.manager.email.upper(),
            access="manager",
        ),
    ]
    preview = validate_people(table(rows), actor=org.user("admin"))
    assert preview.ok, _errors(preview)
    assert preview.counts == {"created": 2, "updated": 0, "unchanged": 0, "error": 0}
    assert preview.extra["teams_created"] == 1 and preview.extra["roles_created"] == 1
    assert Person.objects.filter(email__iexact="ada@example.com").count() == 0  # dry run

    commit_people(table=table(rows), actor=org.user("admin"))
    ada = Person.objects.select_related("team__parent", "role", "manager", "user").get(
        email="ada@example.com"
    )
    grace = Person.objects.get(email="grace@example.com")
    assert (ada.full_name, ada.role.name, ada.team.name, ada.team.parent.name) == (
        "Ada Lovelace",
        "Analyst",
        "Data",
        "Engineering",
    )
    assert ada.manager == grace and grace.manager == org.manager
    assert (ada.location, ada.timezone, ada.languages, ada.start_date) == (
        "London",
        "Europe/London",
        "en, fr",
        date(2024, 2, 1),
    )
    assert ada.user.access_level == "employee" and not ada.user.has_usable_password()
    assert grace.user.access_level == "manager"
    assert AuditLog.objects.filter(action="import.people").count() == 1


def test_reimport_changes_nothing(org):
    rows = [
        PEOPLE_HEADER,
        person_row(
            "Ada Lovelace",
            "ada@example.com",
            team="Data",
            parent_team="Eng",
            manager_email="grace@example.com",
            start_date="2024-02-01",
            languages="en, de",
            access="employee",
            active="yes",
        ),
        person_row("Grace Hopper", "grace@example.com", team="Data", role="Dev"),
    ]
    commit_people(table=table(rows), actor=org.user("admin"))
    before = _counts()
    snapshot = list(Person.objects.order_by("pk").values())
    second = commit_people(table=table(rows), actor=org.user("admin"))
    assert second.counts == {"created": 0, "updated": 0, "unchanged": 2, "error": 0}
    assert second.extra == {
        "teams_created": 0,
        "teams_moved": 0,
        "roles_created": 0,
        "logins_created": 0,
    }
    assert _counts() == before
    assert list(Person.objects.order_by("pk").values()) == snapshot


def test_upsert_by_email_ignoring_case_updates_only_given_columns(org):
    employee = org.employee
    rows = [
        ["name", "Email", "Team", "Location"],
        ["", employee.email.upper(), "operations", "Leeds"],
    ]
    preview = validate_people(table(rows))
    assert preview.counts["updated"] == 1
    assert preview.rows[0].detail == "Changes: team, location"
    commit_people(table=table(rows), actor=org.user("admin"))
    employee.refresh_from_db()
    assert (employee.full_name, employee.team.name, employee.location) == (
        "Emil Employee",
        "Operations",
        "Leeds",
    )
    assert employee.manager == org.manager  # no manager column: untouched
    assert Person.objects.filter(email__iexact=employee.email).count() == 1


def test_blank_cell_clears_manager_and_team(org):
    rows = [["name", "email", "manager_email", "team"], ["", org.employee.email, "", ""]]
    commit_people(table=table(rows), actor=org.user("admin"))
    org.employee.refresh_from_db()
    assert org.employee.manager is None and org.employee.team is None


def test_deactivate_and_reactivate_through_active_column(org):
    rows = [["name", "email", "active"], ["", org.employee.email, "no"]]
    commit_people(table=table(rows), actor=org.user("admin"))
    org.employee.refresh_from_db()
    assert not org.employee.is_active and org.employee.left_on is not None
    assert not User.objects.get(pk=org.employee.user_id).is_active
    rows[1][2] = "yes"
    commit_people(table=table(rows), actor=org.user("admin"))
    org.employee.refresh_from_db()
    assert org.employee.is_active and org.employee.left_on is None
    assert User.objects.get(pk=org.employee.user_id).is_active


def test_access_changes_existing_login_level(org):
    rows = [["name", "email", "access"], ["", org.employee.email, "Manager"]]
    preview = commit_people(table=table(rows), actor=org.user("admin"))
    assert preview.rows[0].detail == "Changes: access"
    assert User.objects.get(pk=org.employee.user_id).access_level == "manager"


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"email": "not-an-email"}, "email", "“not-an-email” is not a valid email address."),
        ({"email": ""}, "email", "Email is required."),
        ({"name": ""}, "name", "A new person needs a name."),
        (
            {"manager_email": "ghost@example.com"},
            "manager_email",
            "Unknown manager ghost@example.com: nobody with this email is in the file or in Seedbed.",
        ),
        ({"manager_email": "new@example.com"}, "manager_email", "Nobody can be their own manager."),
        (
            {"timezone": "Europe/Berlinn"},
            "timezone",
            "Unknown time zone “Europe/Berlinn”: use a name such as Europe/Berlin or America/New_York.",
        ),
        (
            {"start_date": "31.02.2024"},
            "start_date",
            "“31.02.2024” is not a date: use YYYY-MM-DD, DD.MM.YYYY or DD/MM/YYYY.",
        ),
        (
            {"access": "boss"},
            "access",
            "Unknown access level “boss”: use admin, manager or employee.",
        ),
        ({"active": "maybe"}, "active", "“maybe” is not yes or no: use yes/no, true/false or 1/0."),
        ({"location": "x" * 121}, "location", "Too long: at most 120 characters (this has 121)."),
        ({"parent_team": "Eng"}, "parent_team", "A parent team needs a team in the same row."),
    ],
)
def test_row_errors_name_row_and_column(org, cells, column, message):
    values = {"name": "New Person", "email": "new@example.com", **cells}
    rows = [
        PEOPLE_HEADER,
        person_row("Fine", "fine@example.com"),
        person_row(values.pop("name"), values.pop("email"), **values),
    ]
    preview = validate_people(table(rows))
    assert _errors(preview) == [(3, column, message)]
    assert preview.rows[0].outcome == "created" and preview.rows[1].outcome == "error"


def test_duplicate_email_in_file(org):
    rows = [
        PEOPLE_HEADER,
        person_row("A", "dup@example.com"),
        person_row("B", "x@example.com"),
        person_row("C", "DUP@example.com"),
    ]
    assert _errors(validate_people(table(rows))) == [
        (4, "email", "Duplicate email dup@example.com: it is already on row 2.")
    ]


def test_reporting_cycle_within_file(org):
    rows = [
        PEOPLE_HEADER,
        person_row("A", "a@example.com", manager_email="b@example.com"),
        person_row("B", "b@example.com", manager_email="c@example.com"),
        person_row("C", "c@example.com", manager_email="a@example.com"),
    ]
    errors = _errors(validate_people(table(rows)))
    assert errors[0] == (
        2,
        "manager_email",
        "Reporting cycle: a@example.com → b@example.com → c@example.com → a@example.com.",
    )
    assert [e[0] for e in errors] == [2, 3, 4]


def test_reporting_cycle_through_the_database(org):
    # In Seedbed: report2 -> lead -> manager. The file makes the manager report to report2.
    rows = [["name", "email", "manager_email"], ["", org.manager.email, org.report2.email]]
    errors = _errors(validate_people(table(rows)))
    assert errors == [
        (
            2,
            "manager_email",
            "Reporting cycle: "
            f"{org.manager.email} → {org.report2.email} → {org.lead.email} → "
            f"{org.manager.email}.",
        )
    ]


def test_moving_a_whole_chain_in_one_file_is_not_a_cycle(org):
    # Swap: lead becomes the manager's manager, and the lead no longer reports to the manager.
    rows = [
        ["name", "email", "manager_email"],
        ["", org.manager.email, org.lead.email],
        ["", org.lead.email, ""],
    ]
    assert validate_people(table(rows)).ok


def test_team_loop_is_an_error(org):
    rows = [
        PEOPLE_HEADER,
        person_row("A", "a@example.com", team="Alpha", parent_team="Beta"),
        person_row("B", "b@example.com", team="Beta", parent_team="Alpha"),
    ]
    errors = _errors(validate_people(table(rows)))
    assert errors[0] == (
        2,
        "parent_team",
        "Team Alpha would sit inside itself: alpha → beta → alpha.",
    )


def test_login_of_someone_else(org):
    other = User.objects.create_user("taken@example.com", None)
    Person.objects.create(full_name="Holder", email="holder@example.com", user=other)
    rows = [PEOPLE_HEADER, person_row("New", "taken@example.com")]
    assert _errors(validate_people(table(rows))) == [
        (2, "", "The login taken@example.com belongs to someone else.")
    ]


def test_admin_cannot_deactivate_or_demote_themselves(org):
    rows = [["name", "email", "active", "access"], ["", org.admin.email, "no", "employee"]]
    assert [e[2] for e in _errors(validate_people(table(rows), actor=org.user("admin")))] == [
        "You cannot deactivate yourself.",
        "You cannot change your own access level.",
    ]


def test_missing_required_columns_says_which_and_what_was_found(org):
    with pytest.raises(
        FileRejected,
        match=r"Missing required column\(s\): email. Found: "
        r"Name, Mail address, Team.",
    ):
        validate_people(table([["Name", "Mail address", "Team"], ["A", "a@example.com", "X"]]))


def test_unknown_columns_are_reported_as_ignored(org):
    preview = validate_people(table([["name", "email", "shoe size"], ["A", "a@example.com", "44"]]))
    assert preview.notes == ["Ignored columns: C (shoe size)."]


def test_commit_with_an_error_writes_nothing(org):
    rows = [
        PEOPLE_HEADER,
        person_row(
            "Good",
            "good@example.com",
            team="Brand New Team",
            role="Brand New Role",
            access="employee",
        ),
        person_row("Bad", "bad@example.com", manager_email="ghost@example.com"),
    ]
    before = _counts()
    with pytest.raises(
        ImportHasErrors, match=r"Nothing was imported: 1 row\(s\) have errors"
    ) as exc:
        commit_people(table=table(rows), actor=org.user("admin"))
    assert exc.value.preview.error_count == 1
    assert _counts() == before
    assert not Team.objects.filter(name="Brand New Team").exists()


def test_failure_mid_commit_rolls_everything_back(org, monkeypatch):
    from seedbed.imports.services import people

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(people, "_write_logins", explode)
    rows = [
        PEOPLE_HEADER,
        person_row("Ada", "ada@example.com", team="New Team", role="New Role", access="employee"),
        person_row("", org.employee.email, location="Mars"),
    ]
    before = _counts()
    with pytest.raises(RuntimeError):
        commit_people(table=table(rows), actor=org.user("admin"))
    assert _counts() == before
    org.employee.refresh_from_db()
    assert org.employee.location == ""


def test_windows_1252_names_survive(org):
    data = csv_file(
        [["Name", "Email", "Team"], ["Jürgen Müller", "jm@example.com", "Straßenbau"]],
        encoding="cp1252",
        delimiter=";",
        newline="\r\n",
    )
    commit_people(table=read_table(data, "people.csv"), actor=org.user("admin"))
    person = Person.objects.get(email="jm@example.com")
    assert (person.full_name, person.team.name) == ("Jürgen Müller", "Straßenbau")


def test_xlsx_with_date_cells(org):
    data = xlsx_file(
        [["Name", "Email", "Start date"], ["Ada", "ada@example.com", date(2023, 5, 17)]]
    )
    commit_people(table=read_table(data, "people.xlsx"), actor=org.user("admin"))
    assert Person.objects.get(email="ada@example.com").start_date == date(2023, 5, 17)


def test_ten_thousand_people_import_quickly(org):
    rows = [PEOPLE_HEADER]
    for i in range(10_000):
        manager = f"p{i // 10}@example.com" if i >= 10 else ""
        rows.append(
            person_row(
                f"Person {i}",
                f"p{i}@example.com",
                team=f"Team {i % 40}",
                role=f"Role {i % 12}",
                manager_email=manager,
                start_date="2024-01-15",
                access="employee" if i % 5 else "manager",
            )
        )
    data = csv_file(rows)
    started = time.monotonic()
    preview = commit_people(table=read_table(data, "big.csv"), actor=org.user("admin"))
    elapsed = time.monotonic() - started
    assert preview.counts["created"] == 10_000, preview.issues()[:3]
    assert (
        Person.objects.filter(
            email__startswith="p", email__endswith="@example.com", manager__isnull=False
        ).count()
        >= 9_990
    )
    assert Person.objects.get(email="p1234@example.com").manager.email == "p123@example.com"
    assert elapsed < 20, f"10,000 rows took {elapsed:.1f}s"
    started = time.monotonic()
    again = commit_people(table=read_table(data, "big.csv"), actor=org.user("admin"))
    assert again.counts["unchanged"] == 10_000
    assert time.monotonic() - started < 20


def test_a_bad_email_does_not_hide_the_rows_other_errors(org):
    rows = [
        PEOPLE_HEADER,
        person_row(
            "Bad",
            "bad@x",
            manager_email="ghost@example.com",
            timezone="Mars/Base",
            start_date="31.02.2024",
        ),
    ]
    assert [(e[0], e[1]) for e in _errors(validate_people(table(rows)))] == [
        (2, "email"),
        (2, "manager_email"),
        (2, "timezone"),
        (2, "start_date"),
    ]


def test_progress_is_reported_while_validating(org):
    rows = [PEOPLE_HEADER, *[person_row(f"P{i}", f"p{i}@example.com") for i in range(1200)]]
    seen = []
    validate_people(table(rows), progress=lambda done, total: seen.append((done, total)))
    assert seen == [(500, 1200), (1000, 1200), (1200, 1200)]


def test_rows_with_errors_create_no_teams_or_roles_in_the_preview(org):
    rows = [
        PEOPLE_HEADER,
        person_row(
            "Eve", "eve@example.com", team="Nowhere", role="Ghost", manager_email="eve@example.com"
        ),
    ]
    preview = validate_people(table(rows))
    assert preview.extra["teams_created"] == 0 and preview.extra["roles_created"] == 0


def test_benchmark_helper_imports_the_synthetic_file(org):
    from seedbed.imports.benchmark import time_people_import

    seconds, rows = time_people_import(300, org.user("admin"))
    assert rows == 300 and seconds > 0
    assert Person.objects.filter(email__startswith="bench-").count() == 300
    assert Team.objects.get(name="Bench team 1").parent.name == "Bench department 1"
