"""Sector templates: valid data, preview, and applying them merges into existing data without
duplicates, never lowers a requirement, flags regulated skills, and is idempotent."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.db.models.functions import Lower

from seedbed.accounts.models import AccessLevel, AuditLog, User
from seedbed.demo.services import build_demo
from seedbed.frameworks import sector_templates
from seedbed.frameworks.models import Role, RoleRequirement
from seedbed.frameworks.services import apply_template, preview_template, template_summaries
from seedbed.lib.errors import NotAllowed, NotFound
from seedbed.skills.models import ProficiencyScale, ScaleLevel, Skill, SkillCategory
from tests.builders import make_category, make_role, make_skill, require

pytestmark = pytest.mark.django_db

NAMES = [
    "technology",
    "healthcare",
    "manufacturing",
    "financial-services",
    "creative-industries",
]


def _snapshot() -> dict[str, Any]:
    """Everything a template can touch, as comparable values."""
    return {
        "categories": sorted(SkillCategory.objects.values_list("name", "parent__name")),
        "skills": sorted(
            Skill.objects.values_list(
                "name", "category__name", "is_active", "requires_certification", "description"
            )
        ),
        "roles": sorted(Role.objects.values_list("name", "description", "is_active")),
        "requirements": sorted(
            RoleRequirement.objects.values_list(
                "role__name", "skill__name", "required_level", "importance"
            )
        ),
        "links": sorted(Role.next_roles.through.objects.values_list("from_role_id", "to_role_id")),
    }


# --- the data itself ------------------------------------------------------------------------


def test_the_five_sectors_load_with_the_promised_sizes() -> None:
    templates = sector_templates.all_templates()
    assert [t.name for t in templates] == NAMES
    for t in templates:
        assert 25 <= len(t.skills) <= 40, t.name
        assert 5 <= len(t.roles) <= 8, t.name
        assert all(s.description and s.aliases for s in t.skills), t.name
        assert all(len(r.requirements) >= 5 for r in t.roles), t.name
        assert {s.criticality for s in t.skills} >= {"medium", "high"}, t.name


def test_no_name_or_alias_is_shared_by_two_skills_of_one_template() -> None:
    """Otherwise matching by alias would be ambiguous inside the template itself."""
    for t in sector_templates.all_templates():
        words = Counter(
            word.lower() for s in t.skills for word in {s.name.lower(), *map(str.lower, s.aliases)}
        )
        assert [w for w, n in words.items() if n > 1] == [], t.name


def test_regulated_sectors_mark_skills_that_need_certification() -> None:
    def certified(name: str) -> set[str]:
        return {s.name for s in sector_templates.load(name).skills if s.requires_certification}

    assert {"Basic life support", "Advanced life support", "Medication administration"} <= (
        certified("healthcare")
    )
    assert {"Anti-money laundering", "Customer due diligence", "Securities trading"} <= (
        certified("financial-services")
    )
    # Not every skill is regulated: the flag means something.
    for name in ("healthcare", "financial-services"):
        assert len(certified(name)) < len(sector_templates.load(name).skills) / 2


def test_a_broken_template_is_refused_with_the_reason() -> None:
    raw = sector_templates.load("technology").model_dump()
    raw["roles"][0]["requirements"] = [["No such skill", 3, 2]]
    with pytest.raises(ValueError, match="unknown skill 'No such skill'"):
        sector_templates.SectorTemplate.model_validate(raw)
    raw = sector_templates.load("technology").model_dump()
    raw["roles"][0]["requirements"] = [["Python", 9, 2]]
    with pytest.raises(ValueError, match="less than or equal to 5"):
        sector_templates.SectorTemplate.model_validate(raw)


# --- applying to an empty organisation --------------------------------------------------------


def test_apply_to_an_empty_organisation_creates_everything(org) -> None:  # type: ignore[no-untyped-def]
    Skill.objects.all().delete()
    RoleRequirement.objects.all().delete()
    Role.objects.all().delete()
    SkillCategory.objects.all().delete()
    template = sector_templates.load("healthcare")
    plan = apply_template(actor=org.user("admin"), name="healthcare")
    assert len(plan.new_skills) == len(template.skills) == Skill.objects.count()
    assert len(plan.new_roles) == len(template.roles) == Role.objects.count()
    assert RoleRequirement.objects.count() == template.requirement_count
    assert SkillCategory.objects.count() == len(template.categories)
    bls = Skill.objects.get(name="Basic life support")
    assert bls.requires_certification and "bls" in bls.search_text
    nurse = Role.objects.get(name="Registered Nurse")
    assert sorted(nurse.next_roles.values_list("name", flat=True)) == [
        "Advanced Nurse Practitioner",
        "Senior Nurse",
    ]
    assert nurse.requirements.get(skill__name="Medication administration").required_level == 3
    entry = AuditLog.objects.get(action="template.apply")
    assert entry.changes["skills_created"] == len(template.skills)
    assert entry.actor == org.user("admin")


@pytest.mark.parametrize("name", NAMES)
def test_applying_twice_changes_nothing_the_second_time(org, name) -> None:  # type: ignore[no-untyped-def]
    admin = org.user("admin")
    first = apply_template(actor=admin, name=name)
    assert first.change_count > 0
    before, audits = _snapshot(), AuditLog.objects.count()
    again = preview_template(name, actor=admin)
    assert again.change_count == 0
    assert again.new_skills == [] and again.new_roles == [] and again.new_categories == []
    second = apply_template(actor=admin, name=name)
    assert second.change_count == 0
    assert _snapshot() == before
    assert AuditLog.objects.count() == audits


# --- merging into existing data ---------------------------------------------------------------


def test_merge_matches_by_name_and_alias_and_never_duplicates(org) -> None:  # type: ignore[no-untyped-def]
    """The org fixture has Python and Kubernetes (alias k8s) and a Developer role."""
    cloud = make_category("Cloud")
    terraform = make_skill("Terraform", category=cloud, aliases=["infrastructure as code"])
    aws = make_skill("AWS", category=cloud, aliases=["Amazon Web Services"])
    docker = make_skill("docker", category=cloud, is_active=False)  # archived, other case
    git = make_skill("Git", description="Our branching rules.")
    engineer = make_role("software engineer", description="Ours.")  # other case
    python = Skill.objects.get(name="Python")
    require(engineer, python, 5, importance=1)  # higher than the template's 3: must stay 5
    require(engineer, git, 1, importance=3)  # lower than the template's 3: raised to 3
    skills_before = Skill.objects.count()

    plan = preview_template("technology", actor=org.user("admin"))
    merged = {s.template_name: s for s in plan.merged_skills}
    assert (
        merged["Infrastructure as code"].existing_id,
        merged["Infrastructure as code"].matched_by,
    ) == (terraform.pk, "alias")
    assert merged["Public cloud platforms"].existing_id == aws.pk  # template alias "AWS"
    assert merged["Public cloud platforms"].matched_text == "AWS"
    assert merged["Docker"].existing_id == docker.pk and merged["Docker"].reactivate
    assert merged["Kubernetes"].matched_by == "name"
    assert "Software Engineer" not in [r.name for r in plan.new_roles]

    apply_template(actor=org.user("admin"), name="technology")
    template = sector_templates.load("technology")
    assert Skill.objects.count() == skills_before + len(plan.new_skills)
    # Python and Kubernetes (the fixture's) and Terraform, AWS, docker and Git matched.
    assert len(plan.new_skills) == len(template.skills) - 6
    # Names stay unique ignoring case, and the existing wording is kept.
    names = Counter(Skill.objects.annotate(n=Lower("name")).values_list("n", flat=True))
    assert max(names.values()) == 1
    docker.refresh_from_db()
    git.refresh_from_db()
    assert docker.is_active and docker.name == "docker"
    assert git.description == "Our branching rules."
    assert Role.objects.filter(name__iexact="software engineer").count() == 1
    engineer.refresh_from_db()
    assert engineer.description == "Ours."
    reqs = {
        r.skill.name: (r.required_level, r.importance)
        for r in engineer.requirements.select_related("skill")
    }
    assert reqs["Python"] == (5, 3)  # level kept, importance raised to the template's
    assert reqs["Git"] == (3, 3)
    platform = Role.objects.get(name="Platform Engineer")
    assert platform.requirements.filter(skill=terraform, required_level=3).exists()
    assert platform.requirements.filter(skill=aws).exists()
    # The career path reaches the existing role too.
    assert engineer in Role.objects.get(name="Junior Software Engineer").next_roles.all()
    assert Role.objects.get(name="Senior Software Engineer") in engineer.next_roles.all()


def test_two_template_skills_matching_one_existing_skill_merge_into_one_requirement(org) -> None:  # type: ignore[no-untyped-def]
    """Manufacturing has "Lean manufacturing" (alias Lean) and "Six Sigma"; here both are one
    skill. The Quality Engineer asks Six Sigma 3 (important) and Lean manufacturing 2 (nice)."""
    lean = make_skill("Lean", aliases=["Six Sigma", "Kaizen"])
    apply_template(actor=org.user("admin"), name="manufacturing")
    engineer = Role.objects.get(name="Quality Engineer")
    req = engineer.requirements.get(skill=lean)
    assert (req.required_level, req.importance) == (3, 2)
    assert not Skill.objects.filter(name__in=["Lean manufacturing", "Six Sigma"]).exists()
    assert preview_template("manufacturing", actor=org.user("admin")).change_count == 0


def test_regulated_flag_is_set_on_a_matching_existing_skill(org) -> None:  # type: ignore[no-untyped-def]
    meds = make_skill("Medicines administration", description="")  # a template alias
    plan = preview_template("healthcare", actor=org.user("admin"))
    merge = next(s for s in plan.merged_skills if s.existing_id == meds.pk)
    assert merge.set_certification and merge.fill_description
    apply_template(actor=org.user("admin"), name="healthcare")
    meds.refresh_from_db()
    assert meds.requires_certification
    assert meds.description.startswith("Gives medicines")
    assert not Skill.objects.filter(name="Medication administration").exists()


def test_levels_are_clamped_to_the_scale_of_an_existing_skill(org) -> None:  # type: ignore[no-untyped-def]
    scale = ProficiencyScale.objects.create(name="Three steps")
    ScaleLevel.objects.bulk_create(
        [ScaleLevel(scale=scale, value=v, name=str(v)) for v in (1, 2, 3)]
    )
    sheets = make_skill("Spreadsheets", category=make_category("Office", scale=scale))
    apply_template(actor=org.user("admin"), name="financial-services")
    # The Risk Analyst asks level 4, the top of this scale is 3.
    assert RoleRequirement.objects.get(role__name="Risk Analyst", skill=sheets).required_level == 3
    assert preview_template("financial-services", actor=org.user("admin")).change_count == 0


def test_preview_writes_nothing_and_counts_what_is_present(org) -> None:  # type: ignore[no-untyped-def]
    before = _snapshot()
    plan = preview_template("technology", actor=org.user("admin"))
    assert _snapshot() == before
    assert {s.template_name for s in plan.merged_skills} == {"Python", "Kubernetes"}
    summaries = {s.template.name: s for s in template_summaries(actor=org.user("admin"))}
    assert summaries["technology"].skills_present == 2
    assert summaries["healthcare"].skills_present == 0


def test_only_admins_preview_or_apply(org) -> None:  # type: ignore[no-untyped-def]
    for who in ("manager", "employee", "outsider"):
        with pytest.raises(NotAllowed):
            apply_template(actor=org.user(who), name="technology")
        with pytest.raises(NotAllowed):
            preview_template("technology", actor=org.user(who))
        with pytest.raises(NotAllowed):
            template_summaries(actor=org.user(who))
    assert not Skill.objects.filter(name="Go").exists()
    with pytest.raises(NotFound, match="No sector template named farming"):
        apply_template(actor=org.user("admin"), name="farming")


def test_every_template_merges_into_the_demo_company(db) -> None:  # type: ignore[no-untyped-def]
    """Greenfield Works shares many skills (Python, Terraform via an alias, Lean…) and three
    role names with the templates; applying all five keeps every name unique and a second
    round changes nothing."""
    build_demo()
    admin = User.objects.filter(access_level=AccessLevel.ADMIN).first()
    assert admin is not None
    skills_before = Skill.objects.count()
    created, overlapping = 0, set()
    for name in NAMES:
        plan = apply_template(actor=admin, name=name)
        created += len(plan.new_skills)
        if plan.merged_skills:
            overlapping.add(name)
    assert overlapping == set(NAMES) - {"healthcare"}
    assert Skill.objects.count() == skills_before + created
    names = Counter(Skill.objects.annotate(n=Lower("name")).values_list("n", flat=True))
    assert max(names.values()) == 1
    # The demo's Software Engineer keeps its own requirements and gains the template's.
    engineer = Role.objects.get(name="Software Engineer")
    assert engineer.requirements.get(skill__name="Django").required_level == 3
    assert engineer.requirements.filter(skill__name="TypeScript").exists()
    before = _snapshot()
    for name in NAMES:
        assert apply_template(actor=admin, name=name).change_count == 0
    assert _snapshot() == before
