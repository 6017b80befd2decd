"""Shared set-up of the mentoring pair tests (no tests here): a running programme and an active pair.

- mentor: Mia Mentor, an employee in Operations reporting to ``outsider_manager``;
- mentee: the ``employee`` of the standard org (reports to ``manager``).
So ``manager`` and ``outsider_manager`` each lead one side, ``admin`` is HR, and ``outsider``
and ``lead`` have nothing to do with the pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from seedbed.accounts.models import AccessLevel
from seedbed.mentoring.models import (
    Pair,
    PairOrigin,
    PairState,
    Participant,
    ParticipantRole,
    Programme,
    ProgrammeKind,
    ProgrammeState,
)
from seedbed.people.models import Person
from seedbed.skills.models import Skill
from tests.builders import make_person
from tests.conftest import Org, login_client

SECRET = "PRIVATE-NOTE-91c2"
TOPIC = "Topic: code review habits"


@dataclass
class Mentoring:
    programme: Programme
    pair: Pair
    mentor: Person
    mentee: Person
    python: Skill
    started: datetime


def make_programme(**kw: object) -> Programme:
    today = timezone.localdate()
    defaults: dict[str, object] = {
        "name": "Spring cohort",
        "kind": ProgrammeKind.COHORT,
        "state": ProgrammeState.RUNNING,
        "starts_on": today - timedelta(days=60),
        "ends_on": today + timedelta(days=60),
    }
    defaults.update(kw)
    return Programme.objects.create(**defaults)


def make_pair(
    programme: Programme | None,
    mentor: Person,
    mentee: Person,
    *,
    state: str = PairState.ACTIVE,
    started: datetime | None = None,
    **kw: object,
) -> Pair:
    started = started or timezone.now() - timedelta(days=40)
    pair = Pair.objects.create(
        programme=programme,
        mentor=mentor,
        mentee=mentee,
        state=state,
        origin=kw.pop("origin", PairOrigin.MATCHING),  # type: ignore[arg-type]
        published_at=started - timedelta(days=2),
        started_at=started if state in (PairState.ACTIVE, PairState.ENDED) else None,
        mentor_answer="accepted" if state != PairState.PUBLISHED else "pending",
        mentee_answer="accepted" if state != PairState.PUBLISHED else "pending",
        **kw,
    )
    if programme is not None:
        for person, role in ((mentor, ParticipantRole.MENTOR), (mentee, ParticipantRole.MENTEE)):
            Participant.objects.get_or_create(
                programme=programme, person=person, defaults={"role": role}
            )
    return pair


@pytest.fixture
def mentoring(org: Org) -> Mentoring:
    mentor = make_person(
        "Mia Mentor",
        access=AccessLevel.EMPLOYEE,
        team=org.outsider.team,
        manager=org.outsider_manager,
    )
    programme = make_programme()
    python = Skill.objects.get(name="Python")
    started = timezone.now() - timedelta(days=40)
    pair = make_pair(programme, mentor, org.employee, started=started)
    pair.focus_skills.set([python])
    return Mentoring(programme, pair, mentor, org.employee, python, started)


@pytest.fixture
def mentor_client(mentoring: Mentoring):  # type: ignore[no-untyped-def]
    return login_client(mentoring.mentor)


__all__ = ["SECRET", "TOPIC", "Mentoring", "make_pair", "make_programme", "mentoring"]
