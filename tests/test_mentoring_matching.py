"""The mentoring matcher on the database: hard rules, kept pairs, reasons, query counts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from seedbed.lib.errors import ServiceError
from seedbed.mentoring import analysis as an
from seedbed.mentoring import matching
from seedbed.mentoring.models import Pair, PairState, Participant, Programme
from seedbed.people.models import Person
from seedbed.skills.models import PersonSkill, Skill, Source
from tests.builders import make_person, make_role, make_skill, require
from tests.conftest import Org

pytestmark = pytest.mark.django_db


def programme(**kw: Any) -> Programme:
    return Programme.objects.create(name=kw.pop("name", "Programme"), **kw)


def join(prog: Programme, person: Person, role: str, **kw: Any) -> Participant:
    """``person`` joins ``prog`` (speaking English unless ``languages`` says otherwise)."""
    kw.setdefault("languages", "" if person.languages else "en")
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
    # Stored as JSON on the pair rows as they are.
    assert json.loads(json.dumps([pair.reasons, pair.weakest])) == [pair.reasons, pair.weakest]
    assert len(pair.reasons) == 3 and 0 < pair.score <= 1
    assert result.total_score == pair.score
    texts = [matching.describe(r) for r in pair.reasons]
    assert "Level 4 in Kubernetes where Emil needs 2" in texts
    assert "Shares German" in texts
    assert pair.focus_skill_ids[0] == k8s.pk
    assert matching.describe(pair.weakest)


def add_level(person: Person, skill: Skill, value: int) -> None:
    level(person, skill, value)


def pairs_of(result: matching.Proposal) -> set[tuple[int, int]]:
    return {(p.mentor_id, p.mentee_id) for p in result.pairs}


def unmatched_of(result: matching.Proposal) -> dict[tuple[int, str], str]:
    return {(u.person_id, u.side): u.reason["code"] for u in result.unmatched}


@pytest.fixture
def k8s(org: Org) -> Skill:
    return Skill.objects.get(name="Kubernetes")


@pytest.fixture
def python(org: Org) -> Skill:
    return Skill.objects.get(name="Python")


def test_nobody_is_matched_within_their_reporting_line(org: Org, k8s: Skill) -> None:
    for mentor in (org.manager, org.lead):
        add_level(mentor, k8s, 5)
    prog = programme()
    join(prog, org.manager, "mentor", capacity=3)
    join(prog, org.lead, "mentor", capacity=3)
    join(prog, org.employee, "mentee")
    join(prog, org.report2, "mentee")
    result = matching.propose(prog)
    # The employee's manager is out; the lead is a peer (same manager): allowed. Rita reports
    # to the lead, who reports to the manager: both are above her.
    assert pairs_of(result) == {(org.lead.pk, org.employee.pk)}
    assert unmatched_of(result) == {
        (org.report2.pk, "mentee"): "reporting_line",
        (org.manager.pk, "mentor"): "reporting_line",
    }
    u = next(u for u in result.unmatched if u.person_id == org.report2.pk)
    assert matching.describe_unmatched(u) == (
        "2 of the 2 possible partners are in the same reporting line"
    )
    assert matching.score_pair(prog, org.manager, org.employee) is None
    assert matching.score_pair(prog, org.lead, org.report2) is None
    assert matching.score_pair(prog, org.manager, org.report2) is None
    assert matching.score_pair(prog, org.lead, org.employee) is not None
    blockers = matching.pair_blockers(prog, org.report2, org.manager)  # upwards too
    assert [b["code"] for b in blockers] == ["reporting_line"]
    assert matching.pair_blockers(prog, org.lead, org.lead) == [{"code": "self", "detail": {}}]
    options = matching.mentor_options(prog, org.employee)
    assert [(o.mentor_id, o.pair is not None, o.room) for o in options] == [
        (org.lead.pk, True, 3),
        (org.manager.pk, False, 3),
    ]
    assert options[1].blockers == [{"code": "reporting_line", "detail": {}}]
    assert options[0].pair == matching.score_pair(prog, org.lead, org.employee)
    assert matching.mentor_options(prog, org.outsider) == []  # not a mentee here


def test_exclusions_hold_in_both_directions(org: Org, k8s: Skill) -> None:
    a, b = make_person("Anna Alpha"), make_person("Bert Beta")
    for p in (a, b):
        add_level(p, k8s, 5)
    prog = programme()
    join(prog, a, "mentor", capacity=2)
    join(prog, b, "mentor", capacity=2, excluded=[org.report2])
    join(prog, org.employee, "mentee", excluded=[a])
    join(prog, org.report2, "mentee")
    result = matching.propose(prog)
    assert pairs_of(result) == {(b.pk, org.employee.pk), (a.pk, org.report2.pk)}
    assert [x["code"] for x in matching.pair_blockers(prog, a, org.employee)] == ["excluded"]
    assert [x["code"] for x in matching.pair_blockers(prog, b, org.report2)] == ["excluded"]


def test_declined_pairs_are_not_proposed_again_and_kept_pairs_stay(org: Org, k8s: Skill) -> None:
    a, b, c = make_person("Anna Alpha"), make_person("Bert Beta"), make_person("Cleo Gamma")
    add_level(a, k8s, 5)
    add_level(b, k8s, 3)
    add_level(c, k8s, 2)
    prog = programme()
    join(prog, a, "mentor", capacity=2)
    join(prog, b, "mentor", capacity=1)
    join(prog, c, "mentor", capacity=1)
    mentees = [org.employee, org.report2, org.outsider, org.lead]
    for m in mentees:
        join(prog, m, "mentee")
    Pair.objects.create(programme=prog, mentor=a, mentee=org.employee, state=PairState.DECLINED)
    Pair.objects.create(programme=prog, mentor=a, mentee=org.report2, state=PairState.ACTIVE)
    Pair.objects.create(programme=prog, mentor=b, mentee=org.outsider, locked=True)
    # Unlocked proposals are replaced: this one neither holds capacity nor places its mentee.
    Pair.objects.create(programme=prog, mentor=c, mentee=org.lead)
    result = matching.propose(prog)
    got = pairs_of(result)
    assert (a.pk, org.employee.pk) not in got
    placed = {mentee for _mentor, mentee in got}
    assert not placed & {org.report2.pk, org.outsider.pk}  # kept: not matched again
    assert all(mentor != b.pk for mentor, _m in got)  # b's one place is held by the lock
    # a has one place left, c one: the employee and the lead get them; a (level 5) goes to
    # one of them and c to the other.
    assert placed == {org.employee.pk, org.lead.pk}
    assert {mentor for mentor, _m in got} == {a.pk, c.pk}
    assert not result.unmatched


def test_capacity_full_from_kept_pairs_is_the_reason(org: Org, k8s: Skill) -> None:
    a = make_person("Anna Alpha")
    add_level(a, k8s, 5)
    prog = programme()
    join(prog, a, "mentor", capacity=1)
    join(prog, org.employee, "mentee")
    join(prog, org.report2, "mentee")
    Pair.objects.create(programme=prog, mentor=a, mentee=org.report2, state=PairState.PUBLISHED)
    result = matching.propose(prog)
    assert result.pairs == []
    assert unmatched_of(result) == {(org.employee.pk, "mentee"): "capacity"}
    assert "at capacity" in matching.describe_unmatched(result.unmatched[0])


def test_shared_language_rule_and_unknown_languages(org: Org, k8s: Skill) -> None:
    fr, nobody = make_person("Fanny French", languages="fr"), make_person("Ned Nolang")
    add_level(fr, k8s, 5)
    add_level(nobody, k8s, 5)
    prog = programme(require_shared_language=True)
    join(prog, fr, "mentor")
    join(prog, nobody, "mentor", languages="")
    join(prog, org.employee, "mentee", languages="de, en")
    result = matching.propose(prog)
    assert result.pairs == []
    assert unmatched_of(result)[(org.employee.pk, "mentee")] == "no_shared_language"
    assert matching.describe_unmatched(result.unmatched[0]) == (
        "No language in common with 2 of the 2 possible partners"
    )
    prog.require_shared_language = False
    prog.save()
    result = matching.propose(prog)
    assert len(result.pairs) == 1
    # Unknown (0.5) beats no language in common (0): Ned, who lists none, is proposed.
    assert result.pairs[0].mentor_id == nobody.pk
    assert matching.score_pair(prog, fr, org.employee) is not None


def test_participant_languages_fall_back_to_the_persons(org: Org, k8s: Skill) -> None:
    de = make_person("Dora Deutsch", languages="Deutsch, English")
    add_level(de, k8s, 5)
    org.employee.languages = "de"
    org.employee.save()
    prog = programme(require_shared_language=True)
    join(prog, de, "mentor")
    join(prog, org.employee, "mentee")
    pair = matching.propose(prog).pairs[0]
    lang = [r for r in [*pair.reasons, pair.weakest] if r["factor"] == "language"]
    assert lang and lang[0]["detail"]["shared"] == ["de"]
    assert matching.describe(lang[0]) == "Shares German"


def test_reverse_mentoring_proposes_the_junior_holder_for_the_senior(org: Org) -> None:
    digital = make_skill("Digital tools")
    add_level(org.outsider, digital, 5)  # junior: reports to Otto
    add_level(org.outsider_manager, digital, 5)  # as senior as the manager
    normal = programme(name="Normal")
    reverse = programme(name="Reverse", purpose="reverse")
    for prog in (normal, reverse):
        join(prog, org.outsider, "mentor")
        join(prog, org.outsider_manager, "mentor")
        join(prog, org.manager, "mentee", wants=[digital])
    junior = matching.propose(reverse).pairs
    assert [(p.mentor_id, p.mentee_id) for p in junior] == [(org.outsider.pk, org.manager.pk)]
    texts = [matching.describe(r) for r in junior[0].reasons]
    assert "Level 5 in Digital tools where Max needs 3" in texts
    # With seniority weighing more, it is among the strongest reasons.
    reverse.weights = {**reverse.weights, "seniority": 0.4}
    reverse.save()
    junior = matching.propose(reverse).pairs
    assert junior[0].mentor_id == org.outsider.pk
    texts = [matching.describe(r) for r in junior[0].reasons]
    assert "The mentor is more junior, as reverse mentoring intends" in texts
    senior = matching.propose(normal).pairs
    assert [(p.mentor_id, p.mentee_id) for p in senior] == [
        (org.outsider_manager.pk, org.manager.pk)
    ]


def test_reasons_name_the_skill_that_matters_and_the_goal(
    org: Org, k8s: Skill, python: Skill
) -> None:
    docker = make_skill("Docker")
    a = make_person("Anna Alpha")
    add_level(a, k8s, 2)  # covers the employee's Kubernetes need (2) exactly
    add_level(a, python, 5)
    add_level(a, docker, 4)
    add_level(org.employee, python, 1)
    prog = programme()
    join(prog, a, "mentor", offers=[python])
    join(prog, org.employee, "mentee", wants=[python], goals="Get better at docker compose")
    pair = matching.propose(prog).pairs[0]
    texts = [matching.describe(r) for r in pair.reasons]
    # Python: a gap (needs 3, has 1) and wanted: importance 2 + 1, the strongest skill.
    assert "Level 5 in Python where Emil needs 3" in texts
    goals = next(r for r in pair.reasons if r["factor"] == "goals")
    assert set(goals["detail"]["skills"]) == {"Python", "Docker"}
    # The skill that weighs most first: Python is a gap and wanted, Docker only named.
    assert matching.describe(goals) == "Can help with Python, Docker, which Emil wants to learn"
    assert pair.focus_skill_ids[:2] == [python.pk, k8s.pk]
    # The programme is about Kubernetes only: Python and Docker are out of scope.
    prog.skills.set([k8s])
    pair = matching.propose(prog).pairs[0]
    skills = next(r for r in pair.reasons if r["factor"] == "skills")
    assert matching.describe(skills) == "Level 2 in Kubernetes where Emil needs 2"
    assert pair.focus_skill_ids == [k8s.pk]


def test_minimum_score_and_both_roles(org: Org, k8s: Skill) -> None:
    a = make_person("Anna Alpha")
    add_level(a, k8s, 5)
    prog = programme(min_score=0.99)
    join(prog, a, "both", capacity=2)
    join(prog, org.employee, "mentee")
    result = matching.propose(prog)
    assert result.pairs == []
    codes = unmatched_of(result)
    assert codes[(org.employee.pk, "mentee")] == "below_min_score"
    # Anna is also a mentee: the only mentor is herself.
    assert codes[(a.pk, "mentee")] == "no_candidate"
    assert codes[(a.pk, "mentor")] == "below_min_score"
    u = next(u for u in result.unmatched if u.person_id == org.employee.pk)
    assert matching.describe_unmatched(u).startswith("No pair reaches the minimum score of 0.99")
    prog.min_score = 0.0
    prog.save()
    result = matching.propose(prog)
    assert pairs_of(result) == {(a.pk, org.employee.pk)}
    assert unmatched_of(result) == {(a.pk, "mentee"): "no_candidate"}


def test_coverage_matches_more_mentees_than_quality(org: Org, k8s: Skill, python: Skill) -> None:
    # One strong mentor fits both mentees best; a weak one fits only Rita, badly. Quality
    # gives the strong mentor to the better pair; coverage must match both.
    strong, weak = make_person("Sara Strong"), make_person("Walt Weak", languages="fr")
    add_level(strong, k8s, 5)
    add_level(strong, python, 5)
    prog = programme(require_shared_language=False, min_score=0.0)
    join(prog, strong, "mentor", capacity=1)
    join(prog, weak, "mentor", capacity=1, excluded=[org.employee])
    join(prog, org.employee, "mentee", languages="en")
    join(prog, org.report2, "mentee", languages="en")
    quality = matching.propose(prog, objective="quality")
    coverage = matching.propose(prog, objective="coverage")
    assert coverage.objective == "coverage" and len(coverage.pairs) == 2
    assert len(quality.pairs) >= 1
    assert len(coverage.pairs) >= len(quality.pairs)
    assert quality.total_score >= coverage.total_score - 1e-9
    with pytest.raises(ServiceError):
        matching.propose(prog, objective="speed")


def test_inactive_people_and_participants_take_no_part(org: Org, k8s: Skill) -> None:
    a, b = make_person("Anna Alpha"), make_person("Bert Beta", is_active=False)
    add_level(a, k8s, 3)
    add_level(b, k8s, 5)
    prog = programme()
    join(prog, a, "mentor")
    join(prog, b, "mentor")
    join(prog, org.employee, "mentee")
    join(prog, org.report2, "mentee", is_active=False)
    result = matching.propose(prog)
    assert pairs_of(result) == {(a.pk, org.employee.pk)}
    assert result.unmatched == []


def test_score_pair_reads_goal_texts_as_the_whole_programme_does(org: Org) -> None:
    # Terraform is held only by a third participant (Bert), Rust by nobody here: a goal text
    # is read against the taxonomy, so both count among what Rita asked for, however the pair
    # is loaded (alone, among the mentors of Rita, in a run).
    python, terraform = Skill.objects.get(name="Python"), make_skill("Terraform")
    make_skill("Rust")
    a, b = make_person("Anna Alpha"), make_person("Bert Beta")
    level(a, python, 4)
    level(b, terraform, 4)
    prog = programme(weights={"goals": 1.0})
    join(prog, a, "mentor", offers=[python])
    join(prog, b, "mentor")
    join(prog, org.report2, "mentee", goals="Python and Terraform, later some rust")
    options = {o.mentor_id: o.pair for o in matching.mentor_options(prog, org.report2)}
    alone = matching.score_pair(prog, a, org.report2)
    assert alone is not None and alone == options[a.pk]
    assert alone.score == pytest.approx(1 / 3, abs=1e-4)  # Python of the three named skills
    run = {(p.mentor_id, p.mentee_id): p for p in matching.propose(prog).pairs}
    if (a.pk, org.report2.pk) in run:
        assert run[(a.pk, org.report2.pk)] == alone
    else:
        assert run[(b.pk, org.report2.pk)] == matching.score_pair(prog, b, org.report2)
    goals = next(r for r in alone.reasons if r["factor"] == "goals")
    assert goals["detail"]["wanted"] == 3 and goals["detail"]["skills"] == ["Python"]
    # Without Bert in the programme the pair scores the same.
    Participant.objects.filter(programme=prog, person=b).delete()
    assert matching.score_pair(prog, a, org.report2) == alone
    assert matching.propose(prog).pairs == [alone]
    # A programme about some skills reads goal texts against those only.
    prog.skills.set([python, terraform])
    scoped = matching.score_pair(prog, a, org.report2)
    assert scoped is not None and scoped.score == pytest.approx(0.5, abs=1e-4)
    assert matching.propose(prog).pairs == [scoped]


def test_goal_texts_name_skills_by_whole_words_names_and_aliases() -> None:
    from seedbed.mentoring.matching.loading import goal_mentions, skill_terms

    terms = [
        skill_terms("Machine Learning", ["ML"]),
        skill_terms("Go", None),
        skill_terms("R", ["r-lang", 3]),  # a non-text alias is ignored
        skill_terms("C++", []),
        skill_terms("Kubernetes", ["k8s"]),
    ]
    goals = [
        "machine learning with R, then some go",  # "go" is a word here, not the language
        "Go and C++; ML later",
        "kubernetesish machine vision, K8S",
        "",
        "r-lang via Rust",
    ]
    assert goal_mentions(goals, terms) == [[0, 2], [0, 1, 3], [4], [], [2]]


@pytest.mark.parametrize("seed", range(8))
def test_score_pair_equals_the_run_on_random_pools(org: Org, seed: int) -> None:
    """Every pair a run proposes, and every allowed mentor of every mentee, scores the same
    (score, reasons, weakest point, focus skills) loaded on its own (``score_pair``, as the
    self-service request and cross-training do) and among the mentee's mentors
    (``mentor_options``, as the swap page does). Goal texts name skills held by some
    participants, by nobody in the pool, out of the programme's scope, by alias and by name."""
    import random

    rng = random.Random(1000 + seed)
    python, k8s = Skill.objects.get(name="Python"), Skill.objects.get(name="Kubernetes")
    extra = [
        make_skill(f"Tool{seed}x{k}", aliases=[f"tl{seed}{k}"] if k % 2 else []) for k in range(5)
    ]
    skills = [python, k8s, *extra]
    role = make_role(f"Role {seed}")
    for s in rng.sample(skills, 2):
        require(role, s, rng.randint(2, 4))
    people: list[Person] = []
    for n in range(12):
        manager = rng.choice([None, None, *people[-3:]]) if people else None
        p = make_person(
            f"Pool {seed}-{n}",
            manager=manager,
            languages=rng.choice(["en", "de", "en, de", ""]),
            timezone=rng.choice(["Europe/Berlin", "America/New_York", "Asia/Kolkata", ""]),
            role=rng.choice([None, role]),
            target_role=rng.choice([None, None, role]),
        )
        # Only part of the taxonomy is held here, so goal texts also name unheld skills.
        for s in rng.sample(skills[:5], rng.randint(0, 3)):
            add_level(p, s, rng.randint(1, 5))
        people.append(p)

    def goal_text() -> str:
        named = rng.sample(skills, rng.randint(0, 3))
        words = [rng.choice([s.name, s.name.lower(), *(s.aliases or [])]) for s in named]
        return " and ".join(["I want to learn", *words]) if words else ""

    prog = programme(
        require_shared_language=rng.random() < 0.5,
        min_score=rng.choice([0.0, 0.0, 0.3]),
        purpose=rng.choice(["general", "reverse"]),
        team_preference=rng.choice(["cross", "same", "neutral"]),
        weights={f: rng.choice([0.0, 0.5, 1.0, 2.0]) for f in an.FACTORS},
    )
    if rng.random() < 0.4:
        prog.skills.set(rng.sample(skills, 4))
    for p in people:
        join(
            prog,
            p,
            rng.choice(["mentor", "mentee", "mentee", "both"]),
            languages=p.languages,
            capacity=rng.randint(1, 3),
            goals=goal_text(),
            wants=rng.sample(skills, rng.randint(0, 2)),
            offers=rng.sample(skills, rng.randint(0, 2)),
            excluded=rng.sample(people, rng.randint(0, 1)),
        )
    result = matching.propose(prog)
    assert result.pairs
    by_id = {p.pk: p for p in people}
    for pair in result.pairs:
        alone = matching.score_pair(prog, by_id[pair.mentor_id], by_id[pair.mentee_id])
        assert alone == pair
    compared = 0
    for mentee in {by_id[p.mentee_id] for p in result.pairs}:
        for option in matching.mentor_options(prog, mentee):
            alone = matching.score_pair(prog, by_id[option.mentor_id], mentee)
            assert alone == option.pair
            compared += alone is not None
    assert compared >= len(result.pairs)


def test_every_reason_and_code_reads_as_a_sentence(org: Org, k8s: Skill) -> None:
    a = make_person("Anna Alpha", timezone="Asia/Tokyo")
    add_level(a, k8s, 5)
    prog = programme(team_preference="same")
    join(prog, a, "mentor", timezone="Europe/Berlin")
    join(prog, org.employee, "mentee", goals="kubernetes")
    pair = matching.score_pair(prog, a, org.employee)
    assert pair is not None
    for r in [*pair.reasons, pair.weakest]:
        assert matching.describe(r) and "%(" not in matching.describe(r)
    samples: list[dict[str, Any]] = [
        {"factor": "skills", "detail": {"mentee": "Emil", "needs": 0}},
        {"factor": "skills", "detail": {"mentee": "Emil", "needs": 2}},
        {"factor": "goals", "detail": {"mentee": "Emil", "skills": [], "wanted": 0}},
        {"factor": "goals", "detail": {"mentee": "Emil", "skills": [], "wanted": 3}},
        {"factor": "language", "detail": {"state": "none", "shared": []}},
        {"factor": "language", "detail": {"state": "unknown", "shared": []}},
        {"factor": "timezone", "detail": {"hours": None}},
        {"factor": "timezone", "detail": {"hours": 0.0}},
        {"factor": "timezone", "detail": {"hours": 5.5}},
        {"factor": "teams", "detail": {"same": None, "preference": "cross"}},
        {"factor": "teams", "detail": {"same": True, "preference": "cross"}},
        {"factor": "teams", "detail": {"same": False, "preference": "same"}},
        {"factor": "seniority", "detail": {"mentor": "same", "reverse": False}},
        {"factor": "seniority", "detail": {"mentor": "less", "reverse": False, "difference": -1}},
        {"factor": "seniority", "detail": {"mentor": "less", "reverse": False, "difference": -0.3}},
        {"factor": "seniority", "detail": {"mentor": "more", "reverse": False, "difference": 0.3}},
        {"factor": "seniority", "detail": {"mentor": "more", "reverse": False, "difference": 1.2}},
        {"factor": "seniority", "detail": {"mentor": "less", "reverse": True, "difference": -0.2}},
        {"factor": "seniority", "detail": {"mentor": "more", "reverse": True, "difference": 2}},
    ]
    texts = [matching.describe(s) for s in samples]
    assert len(set(texts)) == len(texts) and all("%(" not in t for t in texts)
    assert "Time zones 5.5 h apart" in texts
    from django.utils import translation

    with translation.override("de"):  # numbers in the reader's format
        assert "5,5" in matching.describe({"factor": "timezone", "detail": {"hours": 5.5}})
    for code in ["no_candidate", "capacity", "outcompeted", *an.BLOCKERS, "self"]:
        for side in ("mentor", "mentee"):
            for detail in ({}, {"candidates": 3, "suitable": 2, "blocked": {code: 2}}):
                u = matching.Unmatched(1, side, {"code": code, "detail": detail})
                text = matching.describe_unmatched(u)
                assert text and "%(" not in text and text != code


def _populate(prog: Programme, n_mentors: int, n_mentees: int, skills: list[Skill]) -> None:
    boss = make_person("Big Boss")
    role = make_role("Engineer")
    require(role, skills[0], 4)
    for n in range(n_mentors):
        p = make_person(f"Mentor {n}", manager=boss, languages="en")
        for s in skills:
            add_level(p, s, 2 + (n + s.pk) % 4)
        join(prog, p, "mentor", capacity=1 + n % 3, offers=skills[:1], excluded=[boss])
    for n in range(n_mentees):
        p = make_person(f"Mentee {n}", manager=boss, target_role=role)
        add_level(p, skills[n % len(skills)], 1)
        join(prog, p, "mentee", wants=skills[1:], goals="Python and kubernetes please")
    Pair.objects.create(
        programme=prog,
        mentor=Participant.objects.filter(programme=prog, role="mentor").first().person,  # type: ignore[union-attr]
        mentee=boss,
        state=PairState.DECLINED,
    )


@pytest.mark.parametrize("size", [(2, 3), (12, 30)])
def test_propose_runs_a_fixed_number_of_queries(
    org: Org, k8s: Skill, python: Skill, django_assert_num_queries: Any, size: tuple[int, int]
) -> None:
    prog = programme()
    prog.skills.set([k8s, python, make_skill("Go")])
    _populate(prog, *size, [k8s, python])
    prog = Programme.objects.get(pk=prog.pk)
    # participants, manager map, wanted, offered, excluded, scope, requirements, levels,
    # skills, kept and declined pairs
    with django_assert_num_queries(10):
        result = matching.propose(prog)
    assert len(result.pairs) == size[1] if size[0] * 2 >= size[1] else len(result.pairs) > 0
    # One pair: the same reads for two people, plus the directory entry of anyone who is not
    # a participant.
    mentor, mentee = (
        Person.objects.get(full_name="Mentor 0"),
        Person.objects.get(full_name="Mentee 0"),
    )
    with django_assert_num_queries(11):
        assert matching.score_pair(prog, mentor, mentee) is not None
    with django_assert_num_queries(11):  # the employee is no participant: as in the directory
        assert matching.score_pair(prog, mentor, org.employee) is None  # no language known
    with django_assert_num_queries(10):
        options = matching.mentor_options(prog, mentee)
    assert len(options) == size[0]


@pytest.mark.parametrize("seed", range(6))
def test_hard_rules_hold_on_random_programmes(org: Org, seed: int) -> None:
    import random

    rng = random.Random(seed)
    skills = [make_skill(f"Random skill {seed}-{k}") for k in range(4)]
    people: list[Person] = []
    for n in range(14):
        manager = rng.choice([None, *people[-4:]]) if people else None
        p = make_person(
            f"Random {seed}-{n}",
            manager=manager,
            languages=rng.choice(["en", "de", "en, de", "fr", ""]),
            timezone=rng.choice(["Europe/Berlin", "America/New_York", "Asia/Tokyo"]),
        )
        for s in rng.sample(skills, rng.randint(0, 3)):
            add_level(p, s, rng.randint(1, 5))
        people.append(p)
    prog = programme(
        require_shared_language=rng.random() < 0.7,
        min_score=rng.choice([0.0, 0.2, 0.4]),
        objective=rng.choice(["quality", "coverage"]),
        purpose=rng.choice(["general", "reverse"]),
    )
    parts: dict[int, Participant] = {}
    for p in people:
        role = rng.choice(["mentor", "mentee", "mentee", "both"])
        parts[p.pk] = join(
            prog,
            p,
            role,
            languages=p.languages,
            capacity=rng.randint(0, 3),
            wants=rng.sample(skills, rng.randint(0, 2)),
            excluded=rng.sample(people, rng.randint(0, 2)),
        )
    mentors = [p for p in people if parts[p.pk].role in ("mentor", "both")]
    mentees = [p for p in people if parts[p.pk].role in ("mentee", "both")]
    kept: list[Pair] = []
    for state in (PairState.ACTIVE, PairState.DECLINED, PairState.PROPOSED):
        if mentors and mentees:
            a, b = rng.choice(mentors), rng.choice(mentees)
            if a != b:
                stored = Pair.objects.create(
                    programme=prog, mentor=a, mentee=b, state=state, locked=rng.random() < 0.5
                )
                if state == PairState.ACTIVE or (stored.locked and state == PairState.PROPOSED):
                    kept.append(stored)
    declined = set(
        Pair.objects.filter(programme=prog, state=PairState.DECLINED).values_list(
            "mentor_id", "mentee_id"
        )
    )
    result = matching.propose(prog)
    managers = dict(Person.objects.values_list("id", "manager_id"))

    def above(pid: int) -> set[int]:
        seen: set[int] = set()
        cur = managers.get(pid)
        while cur is not None and cur not in seen:
            seen.add(cur)
            cur = managers.get(cur)
        return seen

    def langs(p: Person) -> set[str]:
        return set(matching.language_list(parts[p.pk].languages or p.languages))

    by_id = {p.pk: p for p in people}
    seen_mentees: set[int] = set()
    used: dict[int, int] = {}
    for k in kept:
        used[k.mentor_id] = used.get(k.mentor_id, 0) + 1
    for pair in result.pairs:
        mentor, mentee = by_id[pair.mentor_id], by_id[pair.mentee_id]
        assert parts[mentor.pk].role in ("mentor", "both")
        assert parts[mentee.pk].role in ("mentee", "both")
        assert mentor != mentee
        assert mentor.pk not in above(mentee.pk) and mentee.pk not in above(mentor.pk)
        assert mentee not in parts[mentor.pk].excluded.all()
        assert mentor not in parts[mentee.pk].excluded.all()
        assert (mentor.pk, mentee.pk) not in declined
        if prog.require_shared_language:
            assert langs(mentor) & langs(mentee)
        assert pair.score >= prog.min_score - 1e-6
        assert mentee.pk not in seen_mentees and mentee.pk not in {k.mentee_id for k in kept}
        seen_mentees.add(mentee.pk)
        used[mentor.pk] = used.get(mentor.pk, 0) + 1
        assert used[mentor.pk] <= parts[mentor.pk].capacity
        assert matching.score_pair(prog, mentor, mentee) == pair
    waiting = {p.pk for p in mentees} - seen_mentees - {k.mentee_id for k in kept}
    assert {u.person_id for u in result.unmatched if u.side == "mentee"} == waiting
    for u in result.unmatched:
        assert matching.describe_unmatched(u)
