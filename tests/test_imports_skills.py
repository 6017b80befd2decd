"""Skill levels import: wide and long layouts, every error, idempotent re-import."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from seedbed.imports.parsing import FileRejected, read_table
from seedbed.imports.services import (
    ImportHasErrors,
    commit_skills,
    detect_layout,
    validate_skills,
)
from seedbed.skills.models import Assertion, PersonSkill, ProficiencyScale, ScaleLevel, Skill
from tests.builders import make_category, make_skill
from tests.data.imports import table, xlsx_file

pytestmark = pytest.mark.django_db


def _errors(preview):
    return [(row, issue.where, issue.text) for row, issue in preview.issues()]


def _levels(person):
    return dict(PersonSkill.objects.filter(person=person).values_list("skill__name", "level"))


def test_wide_matrix_records_ratings(org):
    rows = [
        ["Email", "Name", "Team", "Role", "Python", "k8s"],
        [org.employee.email, "Emil", "Engineering", "Developer", 3, ""],
        [org.report2.email.upper(), "Rita", "", "", "2", "4"],
    ]
    preview = validate_skills(table(rows), actor=org.user("admin"))
    assert preview.layout == "wide" and preview.ok, _errors(preview)
    assert preview.counts == {"created": 2, "updated": 0, "unchanged": 0, "error": 0}
    assert preview.extra == {"assertions": 3}
    assert preview.rows[1].detail == "Python 2, Kubernetes 4"
    commit_skills(table=table(rows), actor=org.user("admin"))
    assert _levels(org.employee) == {"Python": 3}
    assert _levels(org.report2) == {"Python": 2, "Kubernetes": 4}
    assertion = Assertion.objects.get(person=org.employee)
    assert (assertion.source, assertion.rater) == ("manager", org.user("admin"))


def test_wide_reimport_changes_nothing(org):
    rows = [
        ["email", "Python", "Kubernetes"],
        [org.employee.email, 3, 2],
        [org.report2.email, 1, ""],
    ]
    commit_skills(table=table(rows), actor=org.user("admin"))
    before = (Assertion.objects.count(), PersonSkill.objects.count())
    again = commit_skills(table=table(rows), actor=org.user("admin"))
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 2, "error": 0}
    assert again.extra == {"assertions": 0}
    assert (Assertion.objects.count(), PersonSkill.objects.count()) == before


def test_wide_changed_level_is_an_update(org):
    commit_skills(
        table=table([["email", "Python"], [org.employee.email, 2]]), actor=org.user("admin")
    )
    preview = commit_skills(
        table=table([["email", "Python", "Kubernetes"], [org.employee.email, 3, ""]]),
        actor=org.user("admin"),
    )
    assert preview.counts["updated"] == 1
    assert _levels(org.employee) == {"Python": 3}
    assert Assertion.objects.filter(person=org.employee).count() == 2  # history kept


def test_wide_xlsx_numbers(org):
    data = xlsx_file([["email", "Python", "Kubernetes"], [org.employee.email, 4, 1.0]])
    commit_skills(table=read_table(data, "levels.xlsx"), actor=org.user("admin"))
    assert _levels(org.employee) == {"Python": 4, "Kubernetes": 1}


def test_wide_unknown_skill_column_is_reported_once(org):
    rows = [["email", "Python", "Kuberntes"], [org.employee.email, 3, 2], [org.report2.email, 1, 1]]
    preview = validate_skills(table(rows))
    assert _errors(preview) == [
        (
            1,
            "C (Kuberntes)",
            "Unknown skill “Kuberntes”: no skill has "
            "this name or alias. Create it in the taxonomy first.",
        )
    ]


def test_wide_cell_errors_name_the_skill_column(org):
    rows = [
        ["email", "Python", "Kubernetes"],
        [org.employee.email, 7, "three"],
        ["ghost@example.com", 1, 1],
        [org.employee.email, 1, 1],
    ]
    assert _errors(validate_skills(table(rows))) == [
        (2, "B (Python)", "Level 7 is outside the scale for Python (0–5)."),
        (2, "C (Kubernetes)", "“three” is not a whole number."),
        (
            3,
            "A (email)",
            "Nobody with the email ghost@example.com is in Seedbed: import people first.",
        ),
        (4, "A (email)", "Duplicate email: this person is already on row 2."),
    ]


def test_category_scale_bounds_apply(org):
    scale = ProficiencyScale.objects.create(name="Four steps")
    ScaleLevel.objects.bulk_create(
        [ScaleLevel(scale=scale, value=v, name=str(v)) for v in (1, 2, 3, 4)]
    )
    make_skill("Negotiation", category=make_category("Sales", scale=scale))
    rows = [["email", "Negotiation"], [org.employee.email, 0], [org.report2.email, 4]]
    assert _errors(validate_skills(table(rows))) == [
        (2, "B (Negotiation)", "Level 0 is outside the scale for Negotiation (1–4).")
    ]


def test_ambiguous_alias_and_archived_skill(org):
    make_skill("Go", aliases=["golang", "g"])
    make_skill("Gardening", aliases=["g"])
    make_skill("Cobol", is_active=False)
    rows = [["email", "g", "Cobol"], [org.employee.email, 1, 1]]
    assert [e[2] for e in _errors(validate_skills(table(rows)))] == [
        "“g” is an alias of several skills (Gardening, Go): use the skill's name.",
        "Cobol is archived.",
    ]


def test_wide_without_skill_columns_is_refused(org):
    with pytest.raises(FileRejected, match="No skill columns found"):
        validate_skills(table([["email", "name"], [org.employee.email, "Emil"]]))


def test_long_layout_with_sources_dates_and_notes(org):
    rows = [
        ["email", "skill", "level", "source", "date", "note"],
        [org.employee.email, "py", 2, "self", "2024-01-10", ""],
        [org.employee.email, "Python", 3, "", "15.02.2024", "Shipped the API"],
        [org.employee.email, "Kubernetes", 1, "Assessment", "", ""],
    ]
    preview = validate_skills(table(rows), actor=org.user("admin"))
    assert preview.layout == "long" and preview.ok, _errors(preview)
    commit_skills(table=table(rows), actor=org.user("admin"))
    got = list(
        Assertion.objects.filter(person=org.employee)
        .order_by("created_at")
        .values_list("skill__name", "level", "source", "note")
    )
    assert got[:2] == [("Python", 2, "self", ""), ("Python", 3, "manager", "Shipped the API")]
    assert got[2] == ("Kubernetes", 1, "assessment", "")
    dated = Assertion.objects.filter(person=org.employee, source="self").get()
    assert timezone.localtime(dated.created_at).date() == date(2024, 1, 10)
    assert _levels(org.employee) == {"Python": 3, "Kubernetes": 1}


def test_long_reimport_changes_nothing(org):
    rows = [
        ["email", "skill", "level", "date"],
        [org.employee.email, "Python", 3, "2024-03-01"],
        [org.employee.email, "Python", 4, "2024-06-01"],
        [org.report2.email, "k8s", 2, ""],
    ]
    commit_skills(table=table(rows), actor=org.user("admin"))
    count = Assertion.objects.count()
    again = commit_skills(table=table(rows), actor=org.user("admin"))
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 3, "error": 0}
    assert Assertion.objects.count() == count


@pytest.mark.parametrize(
    ("cells", "where", "message"),
    [
        (
            {"skill": "Cooking"},
            "B (skill)",
            "Unknown skill “Cooking”: no skill has this name or alias. Create it in the taxonomy first.",
        ),
        ({"level": "9"}, "C (level)", "Level 9 is outside the scale for Python (0–5)."),
        ({"level": "2.5"}, "C (level)", "“2.5” is not a whole number."),
        ({"level": ""}, "C (level)", "Level is required."),
        (
            {"source": "boss"},
            "D (source)",
            "Unknown source “boss”: use one of self, manager, peer, assessment, certification, learning.",
        ),
        (
            {"date": "2024-13-01"},
            "E (date)",
            "“2024-13-01” is not a date: use YYYY-MM-DD, DD.MM.YYYY or DD/MM/YYYY.",
        ),
        (
            {"email": "nobody@example.com"},
            "A (email)",
            "Nobody with the email nobody@example.com is in Seedbed: import people first.",
        ),
    ],
)
def test_long_row_errors(org, cells, where, message):
    values = {
        "email": org.employee.email,
        "skill": "Python",
        "level": "3",
        "source": "",
        "date": "",
        **cells,
    }
    rows = [
        ["email", "skill", "level", "source", "date"],
        [org.report2.email, "Python", 1, "", ""],
        [values[k] for k in ("email", "skill", "level", "source", "date")],
    ]
    preview = validate_skills(table(rows))
    assert _errors(preview) == [(3, where, message)]


def test_long_future_date_and_duplicates(org):
    tomorrow = (timezone.localdate() + timedelta(days=2)).isoformat()
    rows = [
        ["email", "skill", "level", "date"],
        [org.employee.email, "Python", 3, tomorrow],
        [org.report2.email, "Python", 3, "2024-01-01"],
        [org.report2.email, "py", 4, "01.01.2024"],
    ]
    assert _errors(validate_skills(table(rows))) == [
        (2, "D (date)", f"{tomorrow} is in the future."),
        (4, "B (skill)", "Same person, skill, source and date as row 3."),
    ]


def test_person_who_left_cannot_be_rated(org):
    org.employee.is_active = False
    org.employee.save()
    rows = [["email", "skill", "level"], [org.employee.email, "Python", 3]]
    assert _errors(validate_skills(table(rows))) == [
        (2, "A (email)", "Emil Employee has left; their skills can no longer be rated.")
    ]


def test_admin_cannot_give_themselves_a_manager_rating(org):
    rows = [["email", "skill", "level"], [org.admin.email, "Python", 3]]
    assert _errors(validate_skills(table(rows), actor=org.user("admin"))) == [
        (2, "A (email)", "You cannot record a manager rating for yourself.")
    ]
    rows = [["email", "skill", "level", "source"], [org.admin.email, "Python", 3, "self"]]
    assert validate_skills(table(rows), actor=org.user("admin")).ok


def test_long_missing_columns(org):
    with pytest.raises(
        FileRejected, match=r"Missing required column\(s\): level. Found: email, skill."
    ):
        validate_skills(table([["email", "skill"], ["a@example.com", "Python"]]), layout="long")


def test_layout_detection(org):
    assert detect_layout(table([["email", "skill", "level"], ["a", "b", "1"]])) == "long"
    assert detect_layout(table([["email", "Skill Name", "Rating"], ["a", "b", "1"]])) == "long"
    assert detect_layout(table([["email", "Python"], ["a", "1"]])) == "wide"


def test_errors_mean_nothing_is_written(org):
    rows = [
        ["email", "skill", "level"],
        [org.employee.email, "Python", 3],
        [org.report2.email, "Python", 8],
    ]
    with pytest.raises(ImportHasErrors):
        commit_skills(table=table(rows), actor=org.user("admin"))
    assert Assertion.objects.count() == 0 and PersonSkill.objects.count() == 0


def test_failure_mid_commit_writes_nothing(org, monkeypatch):
    from seedbed.skills import services as skill_services

    def explode(pairs):
        raise RuntimeError("boom")

    monkeypatch.setattr(skill_services, "refresh_current_levels", explode)
    rows = [["email", "Python"], [org.employee.email, 3]]
    with pytest.raises(RuntimeError):
        commit_skills(table=table(rows), actor=org.user("admin"))
    assert Assertion.objects.count() == 0


def test_many_wide_rows(org):
    skills = [make_skill(f"Skill {i}") for i in range(20)]
    from tests.builders import make_person

    people = [make_person(f"P {i}") for i in range(200)]
    rows = [["email", *[s.name for s in skills]]]
    rows += [[p.email, *[(i + j) % 6 for j in range(20)]] for i, p in enumerate(people)]
    preview = commit_skills(table=table(rows), actor=org.user("admin"))
    assert preview.extra["assertions"] == 4000
    assert PersonSkill.objects.filter(skill__in=skills).count() == 4000
    assert Skill.objects.count() >= 22
