"""The demo company: its shape, its history, its logins, and that building it is repeatable."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from django.db.models import F
from django.test import Client, override_settings
from django.urls import reverse

from seedbed.accounts.models import AccessLevel
from seedbed.demo import data
from seedbed.demo.services import DemoSummary, build_demo, demo_logins
from seedbed.frameworks.models import Role
from seedbed.people.models import Person, Team
from seedbed.skills.models import (
    Assertion,
    PersonSkill,
    Skill,
    SkillCategory,
    SkillInterest,
    Source,
)

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _fingerprint() -> list[tuple[str, str, int, str, str]]:
    return sorted(
        Assertion.objects.values_list(
            "person__email", "skill__name", "level", "source", "created_at"
        )
    )  # type: ignore[arg-type]


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
def test_same_seed_builds_the_same_company(db: None) -> None:
    with transaction.atomic():
        build_demo(now=NOW)
        first = _fingerprint()
        transaction.set_rollback(True)
    assert Person.objects.count() == 0
    build_demo(now=NOW)
    assert _fingerprint() == first
    assert len(first) > 1000


@pytest.fixture(scope="class")
def demo(django_db_setup: None, django_db_blocker) -> Iterator[DemoSummary]:  # type: ignore[no-untyped-def]
    """One demo build shared by the tests of a class, rolled back after the class."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        yield build_demo(now=NOW)
        transaction.set_rollback(True)


class TestDemoCompany:
    def test_about_sixty_people_in_eight_teams_with_twelve_roles(
        self, demo: DemoSummary, db: None
    ) -> None:
        assert demo.created
        assert 55 <= Person.objects.active().count() <= 65
        assert Person.objects.filter(is_active=False).count() == 1  # someone who left; history kept
        assert Assertion.objects.filter(person__is_active=False).exists()
        assert set(Team.objects.values_list("name", flat=True)) == set(data.TEAMS)
        assert Team.objects.get(name="Customer Success").parent == Team.objects.get(name="Sales")
        assert Team.objects.get(name="Leadership").parent is None
        assert Role.objects.count() == 12
        for role in Role.objects.all():
            levels = list(role.requirements.values_list("required_level", flat=True))
            assert 6 <= len(levels) <= 12, role.name
            assert all(2 <= level <= 4 for level in levels), role.name
            assert set(role.requirements.values_list("importance", flat=True)) <= {1, 2, 3}

    def test_taxonomy_has_categories_aliases_and_a_category_scale(
        self, demo: DemoSummary, db: None
    ) -> None:
        assert Skill.objects.count() >= 80
        tops = set(SkillCategory.objects.filter(parent=None).values_list("name", flat=True))
        assert {
            "Engineering",
            "Operations",
            "Sales and customers",
            "Finance",
            "People",
            "Leadership and management",
            "Languages",
        } <= tops
        assert list(Skill.objects.search("k8s").values_list("name", flat=True)) == ["Kubernetes"]
        assert "JavaScript" in Skill.objects.search("js").values_list("name", flat=True)
        assert not Skill.objects.filter(description="").exists()
        assert Skill.objects.filter(criticality="critical").exists()
        languages = SkillCategory.objects.get(name="Languages")
        assert languages.scale is not None and languages.scale.level_bounds() == (1, 4)
        language_levels = set(
            PersonSkill.objects.filter(skill__category=languages).values_list("level", flat=True)
        )
        assert language_levels and language_levels <= {1, 2, 3, 4}

    def test_reporting_lines_and_access_levels(self, demo: DemoSummary, db: None) -> None:
        people = Person.objects.active()
        assert people.filter(manager=None).count() == 1  # only the CEO
        assert not people.filter(user=None).exists()
        for person in people.filter(reports__isnull=False).distinct().select_related("user"):
            assert person.user is not None
            assert person.user.access_level in (AccessLevel.MANAGER, AccessLevel.ADMIN)

    def test_demo_manager_has_reports_with_pending_self_ratings(
        self, demo: DemoSummary, db: None
    ) -> None:
        manager = Person.objects.get(email=demo.logins[1].email)
        assert manager.user is not None and manager.user.access_level == AccessLevel.MANAGER
        reports = set(manager.reports.filter(is_active=True).values_list("pk", flat=True))
        assert len(reports) == 7 == demo.manager_reports
        pending = PersonSkill.objects.pending_for(manager.user)
        assert set(pending.values_list("person_id", flat=True)) == reports
        assert pending.count() == demo.pending_for_manager >= 14
        # Validating changes what the matrix shows: the self-rating is above the current level.
        assert pending.filter(self_level__gt=F("level")).exists()

    def test_history_has_stale_levels_and_several_sources(
        self, demo: DemoSummary, db: None
    ) -> None:
        year_ago = NOW - timedelta(days=365)
        assert PersonSkill.objects.filter(assessed_at__lt=year_ago).count() >= 50
        assert PersonSkill.objects.filter(assessed_at__gte=year_ago).count() >= 300
        oldest = Assertion.objects.order_by("created_at").first()
        assert oldest is not None and oldest.created_at < NOW - timedelta(days=600)
        assert not Assertion.objects.filter(created_at__gt=NOW).exists()
        assert set(Assertion.objects.values_list("source", flat=True)) == set(Source.values)
        manager_rows = Assertion.objects.filter(source=Source.MANAGER)
        assert manager_rows.exclude(note="").exists()  # some validations adjusted, with a reason
        # Validations come from the person's own manager (the CEO has none: hers wait).
        assert manager_rows.filter(rater=F("person__manager__user")).count() == manager_rows.count()
        self_rows = Assertion.objects.filter(source=Source.SELF).select_related("person")
        assert all(a.rater_id == a.person.user_id for a in self_rows[:200])
        assert set(SkillInterest.objects.values_list("interest", flat=True)) == {
            "keen",
            "happy",
            "none",
        }

    def test_employee_is_in_the_managers_team_with_a_role_that_has_requirements(
        self, demo: DemoSummary, db: None
    ) -> None:
        employee = Person.objects.select_related("manager", "role").get(email=demo.logins[2].email)
        assert employee.manager is not None and employee.manager.email == demo.logins[1].email
        assert employee.role is not None and employee.role.requirements.count() >= 6
        assert employee.user is not None and employee.user.access_level == AccessLevel.EMPLOYEE

    def test_the_three_demo_logins_sign_in(self, demo: DemoSummary, db: None) -> None:
        assert [login.email for login in demo.logins] == [login.email for login in demo_logins()]
        for login in demo.logins:
            client = Client()
            response = client.post(
                reverse("accounts:login"), {"email": login.email, "password": demo.password}
            )
            assert response.status_code == 302, login.email
            assert client.get(reverse("home")).status_code == 200
        admin = Person.objects.select_related("user").get(email=demo.logins[0].email)
        assert admin.user is not None and admin.user.access_level == AccessLevel.ADMIN
        # Nobody else has a usable password: only the printed logins work.
        others = Person.objects.exclude(email__in=[login.email for login in demo.logins])
        assert not any(
            p.user.has_usable_password() for p in others.select_related("user") if p.user
        )

    def test_building_again_changes_nothing(self, demo: DemoSummary, db: None) -> None:
        counts = (Person.objects.count(), Assertion.objects.count(), Skill.objects.count())
        again = build_demo(now=NOW)
        assert not again.created
        assert (Person.objects.count(), Assertion.objects.count(), Skill.objects.count()) == counts
        assert again.pending_for_manager == demo.pending_for_manager
