"""The mentoring matcher on the database: hard rules, kept pairs, reasons, query counts."""

from __future__ import annotations

from typing import Any

import pytest

from seedbed.mentoring import matching
from seedbed.mentoring.models import Participant, Programme
from seedbed.people.models import Person
from seedbed.skills.models import PersonSkill, Skill, Source
from tests.conftest import Org

pytestmark = pytest.mark.django_db


def programme(**kw: Any) -> Programme:
    return Programme.objects.create(name=kw.pop("name", "Programme"), **kw)


def join(prog: Programme, person: Person, role: str, **kw: Any) -> Participant:
    wants = kw.pop("wants", [])
    offers = kw.pop("offers", [])
    excluded = kw.pop("excluded", [])
    part = Participant.objects.create(programme=prog, person=person, role=role, **kw)
    part.wants_skills.set(wants)
    part.offers_skills.set(offers)
    part.excluded.set(excluded)
    return part


def level(person: Person, skill: Skill, value: int) -> None:
    from django.utils import timezone

    now = timezone.now()
    PersonSkill.objects.update_or_create(
        person=person,
        skill=skill,
        defaults={
            "level": value,
            "source": Source.MANAGER,
            "assessed_at": now,
            "last_evidence_at": now,
        },
    )


def test_smoke_proposes_a_pair_with_reasons(org: Org) -> None:
    k8s = Skill.objects.get(name="Kubernetes")
    level(org.outsider, k8s, 4)
    prog = programme()
    join(prog, org.outsider, "mentor", languages="en, de")
    join(prog, org.employee, "mentee", languages="German")
    result = matching.propose(prog)
    assert [(p.mentor_id, p.mentee_id) for p in result.pairs] == [
        (org.outsider.pk, org.employee.pk)
    ]
    pair = result.pairs[0]
    texts = [matching.describe(r) for r in pair.reasons]
    assert "Level 4 in Kubernetes where Emil needs 2" in texts
    assert "Shares German" in texts
    assert pair.focus_skill_ids[0] == k8s.pk
    assert matching.describe(pair.weakest)
