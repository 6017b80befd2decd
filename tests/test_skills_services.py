from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seedbed.lib.errors import NotAllowed, ServiceError
from seedbed.people.models import Person
from seedbed.skills.models import Assertion, PersonSkill, Skill, Source
from seedbed.skills.rules import TIERS, Evidence, current_level
from seedbed.skills.services import record_assertion, validate_rating

pytestmark = pytest.mark.django_db


def _skill(name: str) -> Skill:
    return Skill.objects.get(name=name)


def test_self_rating_creates_pending_current_level(org):
    python = _skill("Python")
    record_assertion(
        actor=org.user("employee"), person=org.employee, skill=python, level=3, source=Source.SELF
    )
    ps = PersonSkill.objects.get(person=org.employee, skill=python)
    assert (ps.level, ps.source, ps.self_level, ps.pending_validation) == (3, "self", 3, True)


def test_manager_validation_outranks_later_self_rating(org):
    python = _skill("Python")
    record_assertion(
        actor=org.user("employee"), person=org.employee, skill=python, level=3, source=Source.SELF
    )
    ps = PersonSkill.objects.get(person=org.employee, skill=python)
    validate_rating(actor=org.user("manager"), person_skill=ps, level=2, note="Not yet on prod")
    ps.refresh_from_db()
    assert (ps.level, ps.source, ps.pending_validation) == (2, "manager", False)
    record_assertion(
        actor=org.user("employee"), person=org.employee, skill=python, level=4, source=Source.SELF
    )
    ps.refresh_from_db()
    assert (ps.level, ps.self_level, ps.pending_validation) == (2, 4, True)
    assert Assertion.objects.filter(person=org.employee, skill=python).count() == 3


def test_adjusting_needs_a_note(org):
    python = _skill("Python")
    record_assertion(
        actor=org.user("employee"), person=org.employee, skill=python, level=3, source=Source.SELF
    )
    ps = PersonSkill.objects.get(person=org.employee, skill=python)
    with pytest.raises(ServiceError, match="why"):
        validate_rating(actor=org.user("manager"), person_skill=ps, level=1)


def test_manager_cannot_validate_outside_subtree(org):
    python = _skill("Python")
    record_assertion(
        actor=org.user("outsider"), person=org.outsider, skill=python, level=3, source=Source.SELF
    )
    ps = PersonSkill.objects.get(person=org.outsider, skill=python)
    with pytest.raises(NotAllowed):
        validate_rating(actor=org.user("manager"), person_skill=ps)


def test_manager_validates_indirect_report(org):
    python = _skill("Python")
    record_assertion(
        actor=org.user("report2"), person=org.report2, skill=python, level=2, source=Source.SELF
    )
    ps = PersonSkill.objects.get(person=org.report2, skill=python)
    validate_rating(actor=org.user("manager"), person_skill=ps)
    ps.refresh_from_db()
    assert ps.source == "manager" and not ps.pending_validation


def test_employee_cannot_rate_someone_else_as_self(org):
    with pytest.raises(NotAllowed):
        record_assertion(
            actor=org.user("employee"),
            person=org.outsider,
            skill=_skill("Python"),
            level=3,
            source=Source.SELF,
        )


def test_level_outside_scale_is_refused(org):
    with pytest.raises(ServiceError, match="outside the scale"):
        record_assertion(
            actor=org.user("employee"),
            person=org.employee,
            skill=_skill("Python"),
            level=9,
            source=Source.SELF,
        )


def test_scoping_querysets(org):
    mgr = org.user("manager")
    assert set(Person.objects.validatable_by(mgr)) == {org.lead, org.employee, org.report2}
    assert set(Person.objects.levels_visible_to(org.user("outsider"))) == {org.outsider}
    assert org.outsider not in Person.objects.levels_visible_to(mgr)
    assert Person.objects.validatable_by(org.user("employee")).count() == 0


_T0 = datetime(2026, 1, 1, tzinfo=UTC)
evidence_st = st.lists(
    st.tuples(st.integers(0, 5), st.sampled_from(sorted(TIERS)), st.integers(0, 1000)),
    min_size=1,
    max_size=12,
).map(
    lambda items: [
        Evidence(i, lvl, src, _T0 + timedelta(minutes=m)) for i, (lvl, src, m) in enumerate(items)
    ]
)


@given(evidence_st)
def test_rule_picks_newest_of_highest_tier(evs):
    cur = current_level(evs)
    assert cur is not None
    top = max(TIERS[e.source] for e in evs)
    newest = max((e for e in evs if TIERS[e.source] == top), key=lambda e: (e.at, e.id))
    assert (cur.level, cur.source) == (newest.level, newest.source)


@given(evidence_st)
def test_rule_ignores_order(evs):
    assert current_level(evs) == current_level(list(reversed(evs)))


@given(evidence_st)
def test_pending_iff_claim_newer_than_manager(evs):
    cur = current_level(evs)
    assert cur is not None
    selfs = [e for e in evs if e.source in ("self", "learning")]
    mgrs = [e for e in evs if e.source == "manager"]
    expected = bool(selfs) and (
        not mgrs or max((e.at, e.id) for e in selfs) > max((e.at, e.id) for e in mgrs)
    )
    assert cur.pending_validation == expected
