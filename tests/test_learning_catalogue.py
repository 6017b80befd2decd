"""Learning catalogue services: items, skills, prerequisites (cycles refused and named),
sessions and their seats, search and filters."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from seedbed.accounts.models import AuditLog
from seedbed.learning.models import Kind, LearningItem, Prerequisite
from seedbed.learning.services import catalogue as services
from seedbed.learning.services.catalogue import CatalogueFilter
from seedbed.lib.errors import Conflict, NotAllowed, ServiceError
from seedbed.skills.models import Skill
from tests.conftest import Org

pytestmark = pytest.mark.django_db


def make_item(
    org: Org,
    title: str,
    *,
    skills: tuple[tuple[str, int], ...] | list[tuple[str, int]] = (),
    **data: Any,
) -> LearningItem:
    """An item saved through the service by the org's admin."""
    data.setdefault("kind", Kind.ELEARNING)
    return services.save_item(
        actor=org.user("admin"),
        data={"title": title, **data},
        skills=[(Skill.objects.get(name=name), level) for name, level in skills],
    )


# --- items -------------------------------------------------------------------------------


def test_admin_creates_an_item_with_skills_and_the_change_is_audited(org: Org) -> None:
    item = make_item(
        org,
        "  Kubernetes   basics ",
        skills=[("Kubernetes", 3), ("Python", 2)],
        provider="CNCF",
        cost="0",
        duration_hours="2.5",
        code="K8S-101",
    )
    assert item.title == "Kubernetes basics"
    assert item.is_free and item.duration_hours == Decimal("2.5")
    assert {(s.skill.name, s.level) for s in item.skills.all()} == {
        ("Kubernetes", 3),
        ("Python", 2),
    }
    assert AuditLog.objects.filter(action="learning.item.create", object_id=str(item.pk)).exists()


@pytest.mark.parametrize("who", ["manager", "employee", "outsider"])
def test_only_hr_changes_the_catalogue(org: Org, who: str) -> None:
    with pytest.raises(NotAllowed):
        services.save_item(actor=org.user(who), data={"title": "X", "kind": Kind.READING})
    item = make_item(org, "Y")
    with pytest.raises(NotAllowed):
        services.set_item_active(actor=org.user(who), item=item, active=False)


@pytest.mark.parametrize(
    ("data", "field", "text"),
    [
        ({"title": " "}, "title", "needs a title"),
        ({"title": "A", "kind": "podcast"}, "kind", "Choose a kind"),
        ({"title": "A", "format": "vr"}, "format", "Choose a format"),
        ({"title": "A", "language": "english"}, "language", "code such as en"),
        ({"title": "A", "url": "ftp://x.example/a"}, "url", "http(s)"),
        ({"title": "A", "cost": "-1"}, "cost", "zero or more"),
        ({"title": "A", "cost": "1.234"}, "cost", "too many decimals"),
        ({"title": "A", "duration_hours": "abc"}, "duration_hours", "not a number"),
    ],
)
def test_bad_item_data_is_refused_with_the_field(
    org: Org, data: dict[str, Any], field: str, text: str
) -> None:
    data.setdefault("kind", Kind.READING)
    with pytest.raises(ServiceError) as exc:
        services.save_item(actor=org.user("admin"), data=data)
    assert exc.value.field == field
    assert text in exc.value.message


def test_codes_and_title_with_provider_are_unique_ignoring_case(org: Org) -> None:
    make_item(org, "Docker deep dive", provider="Acme", code="DOCK-1")
    with pytest.raises(ServiceError, match="already has the code"):
        make_item(org, "Other", code="dock-1")
    with pytest.raises(ServiceError, match="already in the catalogue"):
        make_item(org, "docker DEEP dive", provider="Acme")
    # Same title from another provider is another item.
    assert make_item(org, "Docker deep dive", provider="Other").pk


def test_item_skill_levels_must_fit_the_scale(org: Org) -> None:
    with pytest.raises(ServiceError, match="outside the scale") as exc:
        make_item(org, "Too far", skills=[("Python", 7)])
    assert exc.value.field == "skills"
    with pytest.raises(ServiceError, match="listed twice"):
        services.save_item(
            actor=org.user("admin"),
            data={"title": "Twice", "kind": Kind.READING},
            skills=[(Skill.objects.get(name="Python"), 2), (Skill.objects.get(name="Python"), 3)],
        )


def test_skill_levels_text_is_parsed_by_name_or_alias(org: Org) -> None:
    pairs = services.resolve_skill_levels("k8s:3;  Python : 2\n")
    assert [(s.name, lvl) for s, lvl in pairs] == [("Kubernetes", 3), ("Python", 2)]
    with pytest.raises(ServiceError, match="name:level"):
        services.resolve_skill_levels("Kubernetes three")
    with pytest.raises(ServiceError, match="Unknown skill “Cobol”"):
        services.resolve_skill_levels("Cobol:2")


def test_archiving_keeps_the_item_out_of_the_catalogue(org: Org) -> None:
    item = make_item(org, "Old course")
    services.set_item_active(actor=org.user("admin"), item=item, active=False)
    assert item not in services.catalogue(CatalogueFilter())
    assert item in services.catalogue(CatalogueFilter(archived=True))


# --- prerequisites -----------------------------------------------------------------------


def test_a_prerequisite_that_closes_a_cycle_is_refused_and_the_cycle_named(org: Org) -> None:
    admin = org.user("admin")
    a, b, c = (make_item(org, t) for t in ("Alpha", "Beta", "Gamma"))
    services.add_prerequisite(actor=admin, item=b, requires_item=a)  # Beta needs Alpha
    services.add_prerequisite(actor=admin, item=c, requires_item=b)  # Gamma needs Beta
    with pytest.raises(ServiceError) as exc:
        services.add_prerequisite(actor=admin, item=a, requires_item=c)  # Alpha needs Gamma?
    assert "Alpha → Gamma → Beta → Alpha" in exc.value.message
    assert "circle" in exc.value.message
    assert exc.value.field == "requires_item"
    assert Prerequisite.objects.count() == 2


def test_an_item_cannot_need_itself_or_the_same_item_twice(org: Org) -> None:
    admin = org.user("admin")
    a, b = make_item(org, "Alpha"), make_item(org, "Beta")
    with pytest.raises(ServiceError, match="its own prerequisite"):
        services.add_prerequisite(actor=admin, item=a, requires_item=a)
    services.add_prerequisite(actor=admin, item=b, requires_item=a)
    with pytest.raises(Conflict, match="already a prerequisite"):
        services.add_prerequisite(actor=admin, item=b, requires_item=a)


def test_diamonds_are_fine_only_cycles_are_refused(org: Org) -> None:
    admin = org.user("admin")
    base, left, right, top = (make_item(org, t) for t in ("Base", "Left", "Right", "Top"))
    for item, needs in ((left, base), (right, base), (top, left), (top, right)):
        services.add_prerequisite(actor=admin, item=item, requires_item=needs)
    assert Prerequisite.objects.count() == 4


def test_skill_prerequisite_needs_a_level_on_the_scale(org: Org) -> None:
    admin = org.user("admin")
    item = make_item(org, "Advanced Kubernetes")
    python = Skill.objects.get(name="Python")
    with pytest.raises(ServiceError, match="Give the level"):
        services.add_prerequisite(actor=admin, item=item, requires_skill=python)
    with pytest.raises(ServiceError, match="outside the scale"):
        services.add_prerequisite(actor=admin, item=item, requires_skill=python, requires_level=9)
    pre = services.add_prerequisite(actor=admin, item=item, requires_skill=python, requires_level=3)
    assert pre.requires_level == 3
    with pytest.raises(ServiceError, match="either another item or a skill"):
        services.add_prerequisite(actor=admin, item=item)


def test_find_path_returns_the_chain_of_requirements() -> None:
    graph = {1: {2}, 2: {3}, 3: set(), 4: {1}}
    assert services.find_path(graph, 4, 3) == [4, 1, 2, 3]
    assert services.find_path(graph, 3, 4) is None


# --- sessions ----------------------------------------------------------------------------


def _times(days: int = 7) -> dict[str, Any]:
    start = timezone.now() + timedelta(days=days)
    return {"starts_at": start, "ends_at": start + timedelta(hours=3)}


def test_sessions_belong_to_workshops_and_end_after_they_start(org: Org) -> None:
    admin = org.user("admin")
    course = make_item(org, "Online course")
    with pytest.raises(ServiceError, match="Sessions belong to workshops"):
        services.save_session(actor=admin, item=course, seats=5, **_times())
    workshop = make_item(org, "Workshop", kind=Kind.WORKSHOP)
    start = timezone.now() + timedelta(days=2)
    with pytest.raises(ServiceError, match="ends after it starts"):
        services.save_session(actor=admin, item=workshop, starts_at=start, ends_at=start, seats=5)
    with pytest.raises(ServiceError, match="Seats"):
        services.save_session(actor=admin, item=workshop, seats=0, **_times())
    session = services.save_session(
        actor=admin, item=workshop, seats=5, location="  Room   1 ", **_times()
    )
    assert session.location == "Room 1"


def test_seats_cannot_drop_below_the_people_booked(org: Org) -> None:
    from seedbed.learning.services.enrolments import enrol

    admin = org.user("admin")
    workshop = make_item(org, "Workshop", kind=Kind.WORKSHOP)
    session = services.save_session(actor=admin, item=workshop, seats=3, **_times())
    for who in ("employee", "report2"):
        enrol(actor=admin, person=getattr(org, who), item=workshop, session=session)
    with pytest.raises(ServiceError, match="2 people are booked"):
        services.save_session(actor=admin, item=workshop, session=session, seats=1, **_times())
    with pytest.raises(Conflict, match="2 people are booked"):
        services.delete_session(actor=admin, session=session)
    services.save_session(actor=admin, item=workshop, session=session, seats=2, **_times())
    seats = services.sessions_with_seats(workshop).get()
    assert (seats.taken, seats.free) == (2, 0)  # type: ignore[attr-defined]


# --- search and filters --------------------------------------------------------------------


def test_catalogue_search_and_filters(org: Org) -> None:
    make_item(org, "Kubernetes basics", provider="CNCF", skills=[("Kubernetes", 2)], cost="0")
    make_item(
        org,
        "Advanced clusters",
        description="Run kubernetes in production",
        skills=[("Kubernetes", 4)],
        cost="450",
        format="in_person",
        kind=Kind.WORKSHOP,
        language="de",
    )
    make_item(
        org, "Python for everyone", provider="Kubernetes Press", skills=[("Python", 2)], cost="20"
    )

    def titles(**filters: Any) -> list[str]:
        return [i.title for i in services.catalogue(CatalogueFilter(**filters))]

    assert titles(q="kubernetes") == [
        "Advanced clusters",
        "Kubernetes basics",
        "Python for everyone",
    ]
    k8s = Skill.objects.get(name="Kubernetes").pk
    assert titles(skill_id=k8s) == ["Advanced clusters", "Kubernetes basics"]
    assert titles(free=True) == ["Kubernetes basics"]
    assert titles(max_cost=Decimal(20)) == ["Kubernetes basics", "Python for everyone"]
    assert titles(kind=Kind.WORKSHOP) == ["Advanced clusters"]
    assert titles(format="in_person", language="DE") == ["Advanced clusters"]
