"""The demo's certifications and development plans: every compliance status is there, the
demo manager has an overdue plan and a stalled goal to act on, and adding them again changes
nothing."""

from __future__ import annotations

import pytest

from seedbed.accounts.models import User
from seedbed.certifications.models import Certification, HeldCertification
from seedbed.certifications.selectors import compliance
from seedbed.demo import data
from seedbed.demo.services import build_certifications_and_plans, build_demo
from seedbed.development.models import DevelopmentPlan, Goal
from seedbed.development.selectors import overdue_plans

pytestmark = pytest.mark.django_db


def test_demo_has_certificates_and_plans_and_is_idempotent():
    build_demo()
    admin = User.objects.get(email__iexact=next(p.email for p in data.PEOPLE if p.key == "hannah"))
    manager = User.objects.get(email__iexact=next(p.email for p in data.PEOPLE if p.key == "marco"))
    counts = compliance(admin).counts
    assert all(counts[s] > 0 for s in ("compliant", "expiring", "expired", "missing")), counts
    assert [p.title for p in overdue_plans(manager)] == ["Backend depth, 2027"]
    assert not HeldCertification.objects.filter(verified_by__isnull=False).exists()
    before = (
        Certification.objects.count(),
        HeldCertification.objects.count(),
        DevelopmentPlan.objects.count(),
        Goal.objects.count(),
    )
    build_certifications_and_plans()
    after = (
        Certification.objects.count(),
        HeldCertification.objects.count(),
        DevelopmentPlan.objects.count(),
        Goal.objects.count(),
    )
    assert before == after == (4, 11, 2, 4)
