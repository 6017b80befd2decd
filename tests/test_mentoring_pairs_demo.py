"""The demo's mentoring: a running cohort with active, ended and waiting pairs, and
cross-training of a critical skill with a single holder."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import override_settings

from seedbed.demo import data
from seedbed.demo.mentoring import COHORT_NAME, CROSS_TRAINING_SKILL, build_mentoring
from seedbed.demo.services import build_demo
from seedbed.mentoring.models import (
    Feedback,
    MentoringSession,
    Pair,
    PairOrigin,
    PairState,
    Programme,
    Purpose,
)

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
@pytest.mark.django_db
def test_demo_mentoring() -> None:
    build_demo(now=NOW)
    cohort = Programme.objects.get(name=COHORT_NAME)
    assert cohort.state == "running" and cohort.participants.count() == 15
    pairs = cohort.pairs.select_related("mentee")
    states = sorted(p.state for p in pairs)
    assert states.count(PairState.ACTIVE) >= 6 and states.count(PairState.ENDED) == 1
    waiting = pairs.get(state=PairState.PUBLISHED)
    assert waiting.mentee.email == f"emma.lindqvist@{data.EMAIL_DOMAIN}"
    assert (waiting.mentor_answer, waiting.mentee_answer) == ("accepted", "pending")
    assert MentoringSession.objects.filter(pair__programme=cohort).count() >= 15
    assert not MentoringSession.objects.filter(held_on__gt=NOW.date()).exists()
    ended = pairs.get(state=PairState.ENDED)
    assert sorted(Feedback.objects.filter(pair=ended).values_list("rating", flat=True)) == [4, 5]
    for pair in pairs.filter(state=PairState.ACTIVE):
        assert pair.started_at is not None and pair.started_at < NOW
        assert pair.goals.exists()
    cross = Pair.objects.get(origin=PairOrigin.CROSS_TRAINING)
    assert cross.skill is not None and cross.skill.name == CROSS_TRAINING_SKILL
    assert cross.state == PairState.ACTIVE and cross.programme is not None
    assert cross.programme.purpose == Purpose.CROSS_TRAINING
    # Additive and idempotent.
    build_mentoring(now=NOW)
    assert Programme.objects.filter(name=COHORT_NAME).count() == 1
