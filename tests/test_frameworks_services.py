"""Career paths, target roles, strategic needs and role comparison: the services and read
models, with readiness and need figures checked against values worked out by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from seedbed.accounts.models import AuditLog
from seedbed.frameworks.models import Priority, Role, StrategicNeed
from seedbed.frameworks.selectors import career_readiness, compare_roles, need_rows
from seedbed.frameworks.services import (
    archive_need,
    save_need,
    set_next_roles,
    set_target_role,
)
from seedbed.lib.errors import NotAllowed, ServiceError
from seedbed.skills.models import Skill, Source
from seedbed.skills.services import NewAssertion, record_assertions_bulk
from tests.builders import make_person, make_role, make_skill, require

pytestmark = pytest.mark.django_db


def _levels(person, **levels: int) -> None:  # type: ignore[no-untyped-def]
    """Give ``person`` manager-validated levels, by skill name."""
    rows = [
        NewAssertion(person.pk, Skill.objects.get(name=name).pk, level, Source.MANAGER)
        for name, level in levels.items()
    ]
    record_assertions_bulk(actor=None, rows=rows, summary="test levels")


@pytest.fixture
def senior(org) -> Role:  # type: ignore[no-untyped-def]
    """Senior Developer: Python 4 (essential), Kubernetes 2 (nice), SQL 3 (important)."""
    make_skill("SQL")
    role = make_role("Senior Developer")
    require(role, Skill.objects.get(name="Python"), 4, importance=3)
    require(role, Skill.objects.get(name="Kubernetes"), 2, importance=1)
    require(role, Skill.objects.get(name="SQL"), 3, importance=2)
    return role


# --- readiness, by hand -------------------------------------------------------------------------


def test_readiness_for_the_current_target_and_next_roles(org, senior) -> None:  # type: ignore[no-untyped-def]
    developer = org.employee.role
    lead_role = make_role("Tech Lead")
    require(lead_role, Skill.objects.get(name="Python"), 5, importance=2)
    set_next_roles(actor=org.user("admin"), role=developer, next_roles=[senior, lead_role])
    set_target_role(actor=org.user("employee"), person=org.employee, role=senior)
    _levels(org.employee, Python=3, Kubernetes=4)

    rows = {r.role.name: r for r in career_readiness(org.employee)}
    assert [r.role.name for r in career_readiness(org.employee)] == [
        "Developer",
        "Senior Developer",
        "Tech Lead",
    ]
    assert rows["Developer"].kinds == ("current",)
    assert rows["Senior Developer"].kinds == ("target", "next")
    # Developer: Python 3/3 (w2) and Kubernetes 2/2 (w2) are both met.
    assert (rows["Developer"].readiness.percent, rows["Developer"].readiness.met) == (100.0, 2)
    # Senior: (3·min(3,4)/4 + 1·min(4,2)/2 + 2·0/3) / (3+1+2) = (2.25 + 1) / 6 = 54.17 %.
    senior_r = rows["Senior Developer"].readiness
    assert senior_r.percent == 54.2
    assert (senior_r.met, senior_r.total) == (1, 3)
    # Biggest weighted gap first: SQL 3 levels × 2 = 6, then Python 1 × 3 = 3.
    assert [(m["skill_name"], m["level"], m["gap"]) for m in senior_r.missing] == [
        ("SQL", None, 3),
        ("Python", 3, 1),
    ]
    # Tech Lead: Python 3 of 5 = 60 %.
    assert rows["Tech Lead"].readiness.percent == 60.0


def test_retired_next_roles_are_left_out_of_readiness(org, senior) -> None:  # type: ignore[no-untyped-def]
    set_next_roles(actor=org.user("admin"), role=org.employee.role, next_roles=[senior])
    senior.is_active = False
    senior.save(update_fields=["is_active"])
    assert [r.role.name for r in career_readiness(org.employee)] == ["Developer"]


# --- career paths -------------------------------------------------------------------------------


def test_next_roles_are_admin_only_and_never_the_role_itself(org, senior) -> None:  # type: ignore[no-untyped-def]
    developer = org.employee.role
    with pytest.raises(NotAllowed):
        set_next_roles(actor=org.user("manager"), role=developer, next_roles=[senior])
    with pytest.raises(ServiceError, match="its own next role"):
        set_next_roles(actor=org.user("admin"), role=developer, next_roles=[developer])
    retired = make_role("Old role", is_active=False)
    with pytest.raises(ServiceError, match="Old role is retired"):
        set_next_roles(actor=org.user("admin"), role=developer, next_roles=[retired])
    set_next_roles(actor=org.user("admin"), role=developer, next_roles=[senior])
    assert list(senior.previous_roles.all()) == [developer]
    assert AuditLog.objects.filter(action="role.next_roles").count() == 1
    set_next_roles(actor=org.user("admin"), role=developer, next_roles=[senior])  # no change
    assert AuditLog.objects.filter(action="role.next_roles").count() == 1
    set_next_roles(actor=org.user("admin"), role=developer, next_roles=[])
    assert not developer.next_roles.exists()


def test_target_role_by_the_person_or_an_admin_only(org, senior) -> None:  # type: ignore[no-untyped-def]
    set_target_role(actor=org.user("employee"), person=org.employee, role=senior)
    org.employee.refresh_from_db()
    assert org.employee.target_role == senior
    for who in ("manager", "outsider", "report2"):
        with pytest.raises(NotAllowed):
            set_target_role(actor=org.user(who), person=org.employee, role=None)
    set_target_role(actor=org.user("admin"), person=org.employee, role=None)
    org.employee.refresh_from_db()
    assert org.employee.target_role is None
    senior.is_active = False
    senior.save(update_fields=["is_active"])
    with pytest.raises(ServiceError, match="retired"):
        set_target_role(actor=org.user("employee"), person=org.employee, role=senior)
    assert AuditLog.objects.filter(action="person.target_role").count() == 2


# --- strategic needs ----------------------------------------------------------------------------


def _need(org, **data) -> StrategicNeed:  # type: ignore[no-untyped-def]
    base = {
        "skill": Skill.objects.get(name="Python"),
        "level": 4,
        "headcount": 3,
        "due_date": timezone.localdate() + timedelta(days=200),
        "priority": Priority.HIGH,
        "owner": org.manager,
        "goal": "  Launch   the data platform ",
    }
    return save_need(actor=org.user("admin"), data=base | data)


def test_need_status_counts_have_close_and_shortfall(org) -> None:  # type: ignore[no-untyped-def]
    need = _need(org)
    assert need.goal == "Launch the data platform"
    _levels(org.employee, Python=4)
    _levels(org.lead, Python=5)
    _levels(org.report2, Python=3)  # one level short: close
    _levels(org.outsider, Python=2)
    gone = make_person("Gone Person")
    _levels(gone, Python=5)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    [row] = need_rows(org.user("admin"))
    assert (row.have, row.close, row.shortfall, row.overdue) == (2, 1, 1, False)


def test_overdue_and_met_filters(org) -> None:  # type: ignore[no-untyped-def]
    late = _need(org)
    StrategicNeed.objects.filter(pk=late.pk).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    met = _need(org, headcount=1, level=1)
    _levels(org.employee, Python=2)
    admin = org.user("admin")
    assert [r.need.pk for r in need_rows(admin, status="overdue")] == [late.pk]
    assert [r.need.pk for r in need_rows(admin, status="met")] == [met.pk]
    assert [r.need.pk for r in need_rows(admin, skill_text="pyth")] == [late.pk, met.pk]
    assert need_rows(admin, skill_text="kubernetes") == []
    assert need_rows(admin, priority=Priority.LOW) == []
    archive_need(actor=admin, need=met)
    assert [r.need.pk for r in need_rows(admin, status="archived")] == [met.pk]
    assert [r.need.pk for r in need_rows(admin)] == [late.pk]


def test_owners_see_their_needs_and_others_see_none(org) -> None:  # type: ignore[no-untyped-def]
    mine = _need(org)
    _need(org, owner=org.outsider_manager)
    assert [r.need.pk for r in need_rows(org.user("manager"), status="all")] == [mine.pk]
    assert need_rows(org.user("employee"), status="all") == []
    assert len(need_rows(org.user("admin"), status="all")) == 2


def test_need_validation_messages(org) -> None:  # type: ignore[no-untyped-def]
    admin = org.user("admin")
    today = timezone.localdate()
    with pytest.raises(ServiceError, match="cannot be in the past"):
        _need(org, due_date=today - timedelta(days=1))
    with pytest.raises(ServiceError, match=r"outside the scale for Python \(0–5\)"):
        _need(org, level=7)
    with pytest.raises(ServiceError, match="between 1 and 10000"):
        _need(org, headcount=0)
    archived = make_skill("COBOL", is_active=False)
    with pytest.raises(ServiceError, match="COBOL is archived"):
        _need(org, skill=archived)
    gone = make_person("Left Person", is_active=False)
    with pytest.raises(ServiceError, match="has left"):
        _need(org, owner=gone)
    with pytest.raises(ServiceError, match="Unknown fields: colour"):
        save_need(actor=admin, data={"colour": "red"})
    for who in ("manager", "employee", "outsider"):
        with pytest.raises(NotAllowed):
            save_need(actor=org.user(who), data={"level": 1})
    assert not StrategicNeed.objects.exists()


def test_changing_a_need_is_audited_and_an_old_date_may_stay(org) -> None:  # type: ignore[no-untyped-def]
    need = _need(org)
    StrategicNeed.objects.filter(pk=need.pk).update(
        due_date=timezone.localdate() - timedelta(days=3)
    )
    need.refresh_from_db()
    save_need(actor=org.user("admin"), need=need, data={"headcount": 5})  # date untouched
    need.refresh_from_db()
    assert need.headcount == 5
    entry = AuditLog.objects.filter(action="need.update").get()
    assert entry.changes == {"headcount": [3, 5]}
    archive_need(actor=org.user("admin"), need=need)
    assert AuditLog.objects.filter(action="need.archive").count() == 1
    with pytest.raises(NotAllowed):
        archive_need(actor=org.user("manager"), need=need)  # even its owner


# --- comparing roles ----------------------------------------------------------------------------


def test_compare_two_roles(org, senior) -> None:  # type: ignore[no-untyped-def]
    comparison = compare_roles(org.employee.role, senior)
    rows = {r.skill_name: r for r in comparison.rows}
    # By category, then name (each builder skill has a category of its own, made in order).
    assert [r.skill_name for r in comparison.rows] == ["Python", "Kubernetes", "SQL"]
    assert (rows["Python"].level_a, rows["Python"].level_b, rows["Python"].difference) == (3, 4, 1)
    assert rows["Kubernetes"].difference == 0
    assert (rows["SQL"].where, rows["SQL"].level_a, rows["SQL"].difference) == ("b", None, None)
    assert (comparison.both, comparison.only_a, comparison.only_b) == (2, 0, 1)
    assert (comparison.higher_in_b, comparison.higher_in_a) == (1, 0)
