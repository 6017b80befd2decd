"""Expert finder: ranking behaviour, explanations, visibility, filters and query counts
(``seedbed.knowledge.experts.find_experts`` called directly)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from seedbed.accounts.models import AccessLevel, OrgSettings
from seedbed.certifications.models import Certification, HeldCertification
from seedbed.knowledge.evidence import refresh_evidence
from seedbed.knowledge.experts import explain, find_experts, match_skills
from seedbed.knowledge.models import (
    Answer,
    Article,
    ArticleState,
    FinderSettings,
    Question,
    Visibility,
)
from seedbed.mentoring.models import (
    Pair,
    PairState,
    Participant,
    ParticipantRole,
    Programme,
    ProgrammeState,
)
from seedbed.people.models import Person
from seedbed.skills.models import Skill
from seedbed.skills.services import NewAssertion, record_assertions_bulk
from tests.builders import make_category, make_person, make_skill, make_team
from tests.conftest import Org

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def rate(person: Person, skill: Skill, level: int, source: str, days_ago: float = 10) -> None:
    record_assertions_bulk(
        actor=None,
        rows=[NewAssertion(person.pk, skill.pk, level, source, at=NOW - timedelta(days=days_ago))],
        summary="test",
    )


def article(
    owner: Person,
    *skills: Skill,
    days_ago: float = 10,
    title: str = "A how-to",
    state: str = ArticleState.PUBLISHED,
    visibility: str = Visibility.ORGANISATION,
) -> Article:
    when = NOW - timedelta(days=days_ago)
    art = Article.objects.create(
        title=title,
        body="text",
        owner=owner,
        state=state,
        visibility=visibility,
        created_at=when,
        updated_at=when,
    )
    art.skills.set(skills)
    refresh_evidence(person_ids=[owner.pk])  # written past the services
    return art


def answer(
    author: Person,
    *skills: Skill,
    accepted: bool = True,
    score: int = 0,
    days_ago: float = 10,
    title: str = "How do I?",
) -> Answer:
    when = NOW - timedelta(days=days_ago)
    question = Question.objects.create(title=title, created_at=when)
    question.skills.set(skills)
    ans = Answer.objects.create(
        question=question, author=author, body="like this", score=score, created_at=when
    )
    if accepted:
        question.accepted_answer = ans
        question.save(update_fields=["accepted_answer"])
    refresh_evidence(person_ids=[author.pk])  # written past the services
    return ans


def mentor(mentor_p: Person, mentee: Person, skill: Skill, state: str = PairState.ACTIVE) -> Pair:
    pair = Pair.objects.create(
        mentor=mentor_p, mentee=mentee, state=state, last_activity_at=NOW - timedelta(days=5)
    )
    pair.focus_skills.add(skill)
    return pair


def ranked(viewer_person: Person | None, **kw: object) -> list[str]:
    viewer = viewer_person.user if viewer_person is not None else None
    page = find_experts(viewer=viewer, now=NOW, **kw)  # type: ignore[arg-type]
    return [r.person.full_name for r in page.results]


@pytest.fixture
def k8s(org: Org) -> Skill:
    return Skill.objects.get(name="Kubernetes")


# --- ranking -------------------------------------------------------------------------------


def test_validated_level_beats_the_same_self_rated_level(org: Org, k8s: Skill) -> None:
    a, b = make_person("Ann Selfrated"), make_person("Bob Validated")
    rate(a, k8s, 4, "self")
    rate(b, k8s, 4, "manager")
    assert ranked(None, skill_ids=[k8s.pk])[:2] == ["Bob Validated", "Ann Selfrated"]


def test_recent_evidence_beats_old_evidence(org: Org, k8s: Skill) -> None:
    a, b = make_person("Ann Old"), make_person("Bob Recent")
    rate(a, k8s, 4, "manager", days_ago=4 * 365)
    rate(b, k8s, 4, "manager", days_ago=30)
    assert ranked(None, skill_ids=[k8s.pk]) == ["Bob Recent", "Ann Old"]


def test_half_life_setting_changes_how_fast_evidence_fades(org: Org, k8s: Skill) -> None:
    # An old level 5 against a recent level 3: with a long half-life the 5 wins, with a short
    # one the recent evidence does.
    a, b = make_person("Ann Old Five"), make_person("Bob New Three")
    rate(a, k8s, 5, "manager", days_ago=2 * 365)
    rate(b, k8s, 3, "manager", days_ago=10)
    settings = FinderSettings.load()
    settings.weights = {**settings.weights, "half_life_days": 3650.0}
    settings.save()
    assert ranked(None, skill_ids=[k8s.pk])[0] == "Ann Old Five"
    settings.weights = {**settings.weights, "half_life_days": 90.0}
    settings.save()
    assert ranked(None, skill_ids=[k8s.pk])[0] == "Bob New Three"


def test_articles_answers_votes_and_mentoring_each_count(org: Org, k8s: Skill) -> None:
    nobody = make_person("Zed Nothing")
    writer, answerer, voted, mentor_p = (
        make_person("Wanda Writer"),
        make_person("Andy Answerer"),
        make_person("Vera Voted"),
        make_person("Mona Mentor"),
    )
    article(writer, k8s)
    answer(answerer, k8s, accepted=True)
    answer(voted, k8s, accepted=False, score=3)
    mentor(mentor_p, nobody, k8s)
    names = ranked(None, skill_ids=[k8s.pk])
    assert set(names) == {"Wanda Writer", "Andy Answerer", "Vera Voted", "Mona Mentor"}
    # More of the same evidence ranks higher.
    article(answerer, k8s)
    assert ranked(None, skill_ids=[k8s.pk])[0] == "Andy Answerer"


def test_an_article_on_several_skills_counts_once(org: Org, k8s: Skill) -> None:
    docker = make_skill("Docker", category=k8s.category)
    helm = make_skill("Helm", category=k8s.category)
    p = make_person("Tess Tagged")
    article(p, k8s, docker, helm)
    # Asked for two of its skills, with the third related: one article, counted as direct.
    page = find_experts(viewer=None, skill_ids=[k8s.pk, docker.pk], now=NOW)
    evidence = page.results[0].evidence
    assert evidence["articles"] == 1 and evidence["related"] == {}
    assert page.results[0].explanation.startswith("1 article,")


def test_unaccepted_answer_without_votes_is_no_evidence(org: Org, k8s: Skill) -> None:
    answer(make_person("Quiet Answer"), k8s, accepted=False, score=0)
    assert ranked(None, skill_ids=[k8s.pk]) == []


def test_drafts_and_expired_certificates_do_not_count(org: Org, k8s: Skill) -> None:
    p = make_person("Dora Draft")
    article(p, k8s, state=ArticleState.DRAFT)
    cert = Certification.objects.create(name="CKA", skill=k8s)
    HeldCertification.objects.create(
        person=p, certification=cert, issued_on=date(2020, 1, 1), expires_on=date(2021, 1, 1)
    )
    assert ranked(None, skill_ids=[k8s.pk]) == []
    HeldCertification.objects.create(person=p, certification=cert, issued_on=NOW.date())
    page = find_experts(viewer=None, skill_ids=[k8s.pk], now=NOW)
    assert page.results[0].evidence["certification"] == 1


def test_related_skill_counts_at_the_related_weight(org: Org, k8s: Skill) -> None:
    docker = make_skill("Docker", category=k8s.category, aliases=["containers"])
    direct, related = make_person("Dina Direct"), make_person("Rolf Related")
    rate(direct, k8s, 3, "manager")
    rate(related, docker, 3, "manager")
    page = find_experts(viewer=None, skill_ids=[k8s.pk], now=NOW)
    assert [r.person.full_name for r in page.results] == ["Dina Direct", "Rolf Related"]
    assert [s.name for s in page.related_skills] == ["Docker"]
    weights = FinderSettings.load().weights
    assert page.results[1].score == pytest.approx(
        weights["related"] * page.results[0].score, rel=1e-3
    )
    settings = FinderSettings.load()
    settings.weights = {**weights, "related": 0.0}
    settings.save()
    assert ranked(None, skill_ids=[k8s.pk]) == ["Dina Direct"]


def test_alias_shared_between_categories_makes_skills_related(org: Org, k8s: Skill) -> None:
    other = make_skill("Container orchestration", category=make_category(), aliases=["k8s"])
    p = make_person("Oscar Orchestrator")
    rate(p, other, 4, "manager")
    assert ranked(None, skill_ids=[k8s.pk]) == ["Oscar Orchestrator"]


# --- free text -----------------------------------------------------------------------------


def test_free_text_finds_skills_by_alias_prefix_and_typo(org: Org, k8s: Skill) -> None:
    catalogue = [(s.pk, s.name, s.aliases) for s in Skill.objects.all()]
    assert match_skills("K8S", catalogue) == [k8s.pk]
    assert match_skills("kube", catalogue) == [k8s.pk]
    assert match_skills("kubernets", catalogue) == [k8s.pk]
    assert match_skills("zzzz", catalogue) == []
    # Only the closest of several near spellings.
    numbered: list[tuple[int, str, list[str]]] = [
        (1, "Skill 020", []),
        (2, "Skill 000", []),
        (3, "Skill 021", []),
    ]
    assert match_skills("skil 020", numbered) == [1]


def test_free_text_query_uses_article_and_question_text(org: Org) -> None:
    a, b = make_person("Tina Text"), make_person("Quentin Question")
    article(a, title="Rotating TLS certificates with certbot")
    answer(b, title="Why does certbot fail on renewal?")
    page = find_experts(viewer=None, query="certbot", now=NOW)
    assert {r.person.full_name for r in page.results} == {"Tina Text", "Quentin Question"}
    assert page.skills == []


def test_query_resolves_to_skills(org: Org, k8s: Skill) -> None:
    p = make_person("Kay Kube")
    rate(p, k8s, 4, "manager")
    page = find_experts(viewer=None, query="k8s", now=NOW)
    assert [s.name for s in page.skills] == ["Kubernetes"]
    assert [r.person.full_name for r in page.results] == ["Kay Kube"]


# --- explanations --------------------------------------------------------------------------


def test_explanation_names_every_kind_of_evidence(org: Org, k8s: Skill) -> None:
    p = make_person("Ella Explained")
    rate(p, k8s, 4, "manager", days_ago=20)
    for _ in range(3):
        article(p, k8s, days_ago=14)
    for _ in range(2):
        answer(p, k8s, accepted=True, score=2, days_ago=15)
    mentor(p, make_person("Mentee"), k8s)
    result = find_experts(viewer=None, skill_ids=[k8s.pk], now=NOW).results[0]
    # Django puts a no-break space between number and unit in "5 days".
    assert result.explanation.replace("\xa0", " ") == (
        "validated level 4 in Kubernetes, 3 articles, 2 accepted answers, 4 up-votes, "
        "mentored 1 person, last active 5 days ago"
    )
    assert result.evidence["articles"] == 3
    assert set(result.evidence["contributions"]) == {
        "validated",
        "articles",
        "accepted_answers",
        "votes",
        "mentoring",
    }


def test_explanation_of_self_rating_and_related_evidence(org: Org, k8s: Skill) -> None:
    docker = make_skill("Docker", category=k8s.category)
    p = make_person("Sam Self")
    rate(p, k8s, 5, "self", days_ago=60)
    article(p, docker, days_ago=60)
    text = find_experts(viewer=None, skill_ids=[k8s.pk], now=NOW).results[0].explanation
    text = text.replace("\xa0", " ")
    assert text == (
        "self-rated level 5 in Kubernetes; on the related Docker: 1 article; "
        "last active 1 month ago"
    )


def test_explain_is_empty_for_no_evidence() -> None:
    assert explain({}, now=NOW) == ""


# --- visibility ----------------------------------------------------------------------------


def test_people_who_left_are_hidden(org: Org, k8s: Skill) -> None:
    gone = make_person("Gina Gone")
    rate(gone, k8s, 5, "manager")
    article(gone, k8s)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    assert ranked(org.admin, skill_ids=[k8s.pk]) == []
    assert ranked(None, skill_ids=[k8s.pk]) == []


def test_outsider_sees_no_levels_they_may_not_see(org: Org, k8s: Skill) -> None:
    # The employee's level is visible to their manager and HR, not to the outsider.
    rate(org.employee, k8s, 5, "manager")
    assert ranked(org.manager, skill_ids=[k8s.pk]) == ["Emil Employee"]
    assert ranked(org.admin, skill_ids=[k8s.pk]) == ["Emil Employee"]
    assert ranked(org.outsider, skill_ids=[k8s.pk]) == []
    # Public contributions count for everyone, but the explanation shows no level.
    article(org.employee, k8s)
    result = find_experts(viewer=org.user("outsider"), skill_ids=[k8s.pk], now=NOW).results[0]
    assert result.person == org.employee
    assert result.evidence["level"] is None
    assert "level" not in result.explanation
    assert result.explanation.startswith("1 article")


def test_open_organisation_shows_levels_to_colleagues(org: Org, k8s: Skill) -> None:
    rate(org.employee, k8s, 5, "manager")
    OrgSettings.objects.update_or_create(pk=1, defaults={"colleagues_see_levels": True})
    result = find_experts(viewer=org.user("outsider"), skill_ids=[k8s.pk], now=NOW).results[0]
    assert "validated level 5 in Kubernetes" in result.explanation


def test_certificates_and_mentoring_follow_their_own_scoping(org: Org, k8s: Skill) -> None:
    OrgSettings.objects.update_or_create(pk=1, defaults={"colleagues_see_levels": True})
    cert = Certification.objects.create(name="CKA", skill=k8s)
    HeldCertification.objects.create(person=org.employee, certification=cert, issued_on=NOW.date())
    mentor(org.employee, org.report2, k8s)
    own = find_experts(viewer=org.user("manager"), skill_ids=[k8s.pk], now=NOW).results[0]
    assert own.evidence["certification"] == 1 and own.evidence["mentoring"] == 1
    assert ranked(org.outsider, skill_ids=[k8s.pk]) == []


def test_private_articles_count_only_for_those_who_may_read_them(org: Org, k8s: Skill) -> None:
    article(org.employee, k8s, visibility=Visibility.PRIVATE)
    assert ranked(org.manager, skill_ids=[k8s.pk]) == ["Emil Employee"]
    assert ranked(org.outsider, skill_ids=[k8s.pk]) == []


def test_inactive_viewer_sees_nobody(org: Org, k8s: Skill) -> None:
    rate(org.employee, k8s, 5, "manager")
    user = org.user("admin")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert find_experts(viewer=user, skill_ids=[k8s.pk]).results == []


# --- filters -------------------------------------------------------------------------------


@pytest.fixture
def spread(org: Org, k8s: Skill) -> dict[str, Person]:
    ops = make_team("Platform")
    people = {
        "berlin": make_person("Bea Berlin", location="Berlin", languages="de, en", team=ops),
        "paris": make_person("Pia Paris", location="Paris", languages="fr"),
        "leaving": make_person(
            "Lou Leaving", location="Berlin", leaving_on=NOW.date() + timedelta(days=10)
        ),
        "later": make_person(
            "Larry Later", location="Berlin", leaving_on=NOW.date() + timedelta(days=90)
        ),
        "busy": make_person("Bo Busy", languages="EN"),
        "spare": make_person("Sue Spare"),
    }
    for p in people.values():
        rate(p, k8s, 3, "manager")
    programme = Programme.objects.create(name="Guild", state=ProgrammeState.RUNNING)
    for key, capacity in (("busy", 1), ("spare", 2)):
        Participant.objects.create(
            programme=programme, person=people[key], role=ParticipantRole.MENTOR, capacity=capacity
        )
        Pair.objects.create(
            programme=programme, mentor=people[key], mentee=org.report2, state=PairState.ACTIVE
        )
    return people


def test_filters_by_team_location_and_language(org: Org, k8s: Skill, spread: dict) -> None:
    team = spread["berlin"].team
    assert ranked(None, skill_ids=[k8s.pk], team_id=team.pk) == ["Bea Berlin"]
    assert ranked(None, skill_ids=[k8s.pk], location="berlin") == [
        "Bea Berlin",
        "Larry Later",
        "Lou Leaving",
    ]
    assert ranked(None, skill_ids=[k8s.pk], language="en") == ["Bea Berlin", "Bo Busy"]
    assert ranked(None, skill_ids=[k8s.pk], language="e") == []


def test_available_only_drops_leavers_and_full_mentors(org: Org, k8s: Skill, spread: dict) -> None:
    names = ranked(None, skill_ids=[k8s.pk], available_only=True)
    assert "Lou Leaving" not in names and "Bo Busy" not in names
    assert {"Larry Later", "Sue Spare", "Bea Berlin", "Pia Paris"} <= set(names)
    page = find_experts(viewer=None, skill_ids=[k8s.pk], now=NOW)
    flags = {r.person.full_name: r.evidence["available"] for r in page.results}
    assert flags["Bo Busy"] is False and flags["Sue Spare"] is True


def test_exclude_limit_offset_and_total(org: Org, k8s: Skill, spread: dict) -> None:
    everyone = ranked(None, skill_ids=[k8s.pk], limit=50)
    page = find_experts(
        viewer=None,
        skill_ids=[k8s.pk],
        limit=2,
        offset=1,
        now=NOW,
        exclude_person_ids=[spread["paris"].pk],
    )
    rest = [n for n in everyone if n != "Pia Paris"]
    assert page.total == len(rest)
    assert [r.person.full_name for r in page.results] == rest[1:3]


def test_no_skill_and_no_text_gives_nothing(org: Org) -> None:
    page = find_experts(viewer=None, query="   ")
    assert page.results == [] and page.total == 0


# --- query count ---------------------------------------------------------------------------


def _populate(k8s: Skill, n: int) -> None:
    docker = Skill.objects.filter(name="Docker").first() or make_skill(
        "Docker", category=k8s.category
    )
    for i in range(n):
        p = make_person(f"Load {i}", languages="en")
        rate(p, k8s, 1 + i % 5, "manager" if i % 2 else "self")
        rate(p, docker, 2, "self")
        article(p, k8s)
        answer(p, k8s, accepted=True, score=1)
        HeldCertification.objects.create(
            person=p,
            certification=Certification.objects.get_or_create(name="CKA", skill=k8s)[0],
            issued_on=NOW.date(),
        )
        mentor(p, make_person(f"Mentee {i}"), k8s, state=PairState.ENDED)


@pytest.mark.parametrize("viewer_name", ["admin", "outsider"])
def test_query_count_does_not_grow_with_people(
    org: Org,
    k8s: Skill,
    django_assert_num_queries,
    viewer_name: str,  # type: ignore[no-untyped-def]
) -> None:
    viewer = org.user(viewer_name)
    FinderSettings.load()

    def run() -> None:
        find_experts(
            viewer=viewer, skill_ids=[k8s.pk], query="kube", language="en", available_only=True
        )

    _populate(k8s, 2)
    # settings, catalogue (the skills are made from it), articles and questions containing "kube" (2: it is not
    # exactly a skill's name), levels, certificates, mentoring, articles and answers from the
    # read table (ExpertEvidence, one query), mentors' capacity, people (filtered by
    # language: a statement of its own), the page's people, their articles and answered
    # questions; a reader who may not read every article adds whose articles they read
    # personally (one query) and those not for everyone (one query). On PostgreSQL levels,
    # certificates, mentoring, the read table, capacity and those not for everyone are one
    # statement (evidence.fetch_many).
    together = 5 if viewer_name == "admin" else 6
    expected = (12 if viewer_name == "admin" else 14) - (
        together - 1 if connection.vendor == "postgresql" else 0
    )
    with django_assert_num_queries(expected):
        run()
    _populate(k8s, 6)
    with django_assert_num_queries(expected):
        run()


def test_timestamps_without_time_zone_are_accepted(org: Org, k8s: Skill) -> None:
    p = make_person("Tz Person")
    rate(p, k8s, 3, "manager")
    naive = datetime(2030, 1, 1)
    page = find_experts(viewer=None, skill_ids=[k8s.pk], now=timezone.make_aware(naive))
    assert page.results[0].person == p
    assert AccessLevel.ADMIN  # the import is used by other tests in this module


def test_statements_compiled_once_per_shape_give_what_django_compiles(org: Org, k8s: Skill) -> None:
    """The SQL kept per shape (built with stand-in ids) takes each call's own ids: it reads
    exactly the rows of the queryset Django compiles for those ids; a build that runs a query
    is not kept."""
    from django.db import connection

    from seedbed.knowledge import finder_compile, finder_sql

    others = [make_skill(f"Shape {i}", category=k8s.category) for i in range(3)]
    rate(org.employee, k8s, 4, "manager")
    rate(org.report2, others[0], 2, "self")
    rate(org.lead, others[1], 3, "self")
    finder_compile._SHAPES.clear()

    def via_django(ids: list[int]) -> list[tuple]:
        return sorted(finder_sql._levels_query(ids))

    for ids in ([k8s.pk, others[0].pk], [others[1].pk, others[2].pk], [k8s.pk, others[1].pk]):
        compiled = finder_compile._shaped_sql("levels", finder_sql._levels_query, "default", ids)
        assert compiled is not None and via_django(ids)
        with connection.cursor() as cursor:
            cursor.execute(*compiled)
            assert sorted(cursor.fetchall()) == via_django(ids)
    assert [k[0] for k in finder_compile._SHAPES] == ["levels"]  # one shape: two ids

    def runs_a_query(ids: list[int]) -> object:
        Skill.objects.count()
        return finder_sql._levels_query(ids)

    compiled = finder_compile._shaped_sql("counting", runs_a_query, "default", [k8s.pk])
    assert compiled is not None and "counting" not in [k[0] for k in finder_compile._SHAPES]


def test_scoped_statements_compiled_once_per_viewer_follow_line_team_and_access(
    org: Org, k8s: Skill, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A viewer's scoped statements are compiled once per viewer (keyed by the user, their
    access level and whose articles they read personally): a change of team, reporting
    line or access level between two calls is seen at once, and every call gives what
    compiling each statement afresh gives."""
    from seedbed.knowledge import experts, finder_compile, finder_sql

    rate(org.employee, k8s, 5, "manager")
    cert = Certification.objects.create(name="CKA", skill=k8s)
    HeldCertification.objects.create(person=org.employee, certification=cert, issued_on=NOW.date())
    mentor(org.employee, org.report2, k8s)
    article(org.employee, k8s, title="Open")
    article(org.employee, k8s, title="Team", visibility=Visibility.TEAM)
    article(org.employee, k8s, title="Private", visibility=Visibility.PRIVATE)
    finder_compile._SHAPES.clear()

    def page() -> list[tuple[Any, ...]]:
        found = find_experts(viewer=org.user("outsider"), skill_ids=[k8s.pk], now=NOW)
        return [(r.person.pk, r.score, r.evidence, r.explanation) for r in found.results]

    def fresh() -> list[tuple[Any, ...]]:
        with monkeypatch.context() as m:
            for module in (experts, finder_sql):  # where the statements are compiled
                m.setattr(
                    module,
                    "_shaped_sql",
                    lambda name, build, db, *args, viewer=(): finder_compile._compile_now(
                        build(*args), db
                    ),
                )
            return page()

    def seen() -> tuple[object, ...]:
        first = page()
        assert page() == first == fresh()  # the second call reads the kept SQL
        (pk, _score, evidence, _text), *_ = first
        assert pk == org.employee.pk
        titles = sorted(item["title"] for item in evidence["articles_list"])
        return evidence["level"] is not None, evidence["certification"], titles

    assert seen() == (False, 0, ["Open"])
    scoped = {k[0] for k in finder_compile._SHAPES if k[3]}
    assert {"links", "mentoring:line", "restricted"} <= scoped
    assert {n.split(":")[0] for n in scoped} >= {"certificates", "people"}
    # The outsider joins the employee's team: the team's article counts for them.
    Person.objects.filter(pk=org.outsider.pk).update(team=org.employee.team)
    assert seen() == (False, 0, ["Open", "Team"])
    # The employee now reports to the outsider: level, certificate and pair are seen.
    Person.objects.filter(pk=org.employee.pk).update(manager=org.outsider)
    assert seen() == (True, 1, ["Open", "Private", "Team"])
    mentoring = find_experts(viewer=org.user("outsider"), skill_ids=[k8s.pk], now=NOW)
    assert mentoring.results[0].evidence["mentoring"] == 1
    # Back to another team and line, made an admin: everything, through the admin's rules.
    Person.objects.filter(pk=org.employee.pk).update(manager=org.manager)
    Person.objects.filter(pk=org.outsider.pk).update(team=org.outsider_manager.team)
    assert seen() == (False, 0, ["Open"])
    user = org.user("outsider")
    user.access_level = AccessLevel.ADMIN
    user.save(update_fields=["access_level"])
    assert seen() == (True, 1, ["Open", "Private", "Team"])


def test_reporting_line_rules_are_the_models_scopes(org: Org, k8s: Skill) -> None:
    """For every reader who is not an admin, the finder's rules on their reporting line as
    ids (``Owners.line``) are exactly the models' scopes: whose levels they see
    (``Person.objects.levels_visible_to``, with and without colleagues seeing levels), whose
    certificates (``people_in_scope``) and which pairs on a skill (``Pair.objects.visible_to``)."""
    from seedbed.certifications.selectors import people_in_scope
    from seedbed.knowledge.finder_sql import _levels_visible, _mentoring_query
    from seedbed.knowledge.models import Article

    people = [org.employee, org.lead, org.manager, org.report2, org.outsider, org.outsider_manager]
    for i, (state, left) in enumerate(
        [(s, left) for s in PairState.values for left in (False, True)] * 2
    ):
        pair = mentor(people[i % 6], people[(i * 5 + 1) % 6], k8s, state=state)
        if left:  # pairs on the skill itself, not a focus skill
            Pair.objects.filter(pk=pair.pk).update(skill=k8s)
            pair.focus_skills.clear()
    everyone = set(Person.objects.values_list("pk", flat=True))
    all_pairs = {int(row[3]) for row in _mentoring_query([k8s.pk])}
    for colleagues in (False, True):
        OrgSettings.objects.update_or_create(pk=1, defaults={"colleagues_see_levels": colleagues})
        for name in ("employee", "lead", "manager", "report2", "outsider", "outsider_manager"):
            viewer = org.user(name)
            owners = Article.objects.personal_owners(viewer)
            assert owners is not None, name
            levels = Person.objects.levels_visible_to(viewer).values_list("pk", flat=True)
            found = Person.objects.filter(_levels_visible(owners.line)).values_list("pk", flat=True)
            assert set(found) == set(levels), (name, colleagues)
            assert (set(levels) == everyone) == colleagues, name
            assert set(owners.line) == set(people_in_scope(viewer).values_list("pk", flat=True))
            visible = set(Pair.objects.visible_to(viewer).values_list("pk", flat=True))
            seen = {int(row[3]) for row in _mentoring_query([k8s.pk], owners.line)}
            assert seen == all_pairs & visible, name
            assert seen or name == "outsider_manager", name


def test_a_changed_catalogue_is_seen_at_once(org: Org, k8s: Skill) -> None:
    """The catalogue's names, aliases and terms are made again when its rows change: a new
    alias, a renamed skill and a skill no longer active are seen by the next call."""
    from seedbed.knowledge.experts import resolve_skills

    assert resolve_skills([], "orchestration").direct == []
    k8s.aliases = [*k8s.aliases, "orchestration"]
    k8s.save(update_fields=["aliases"])
    assert resolve_skills([], "orchestration").direct == [k8s]
    Skill.objects.filter(pk=k8s.pk).update(name="Kubernetes Engine")
    assert resolve_skills([], "kubernetes engine").exact
    Skill.objects.filter(pk=k8s.pk).update(is_active=False)
    assert resolve_skills([k8s.pk], "orchestration").direct == []


def test_text_is_found_in_titles_and_summaries_as_icontains_finds_it(org: Org, k8s: Skill) -> None:
    """The articles found by text (on PostgreSQL through the stored upper-cased title and
    summary) are exactly those ``icontains`` finds on the title or the summary, also after
    an edit; a text never matches across the title's end and the summary's start."""
    from django.db.models import Q

    from seedbed.knowledge.finder_sql import _text_hits

    rows = [
        ("Rolling Updates", "Über die Straße"),
        ("rollout plan", ""),
        ("Plain", "a ROLLOUT of 100% of pods_1"),
        ("Ends with roll", "out starts here"),
        ("Ünïcode ŞTRASSE", "ß and ǅ"),
    ]
    for i, (title, summary) in enumerate(rows):
        art = article(org.employee, k8s, title=title, days_ago=i)
        Article.objects.filter(pk=art.pk).update(summary=summary)

    def same(text: str) -> set[int]:
        found = set(_text_hits(text).articles)
        expected = Article.objects.filter(Q(title__icontains=text) | Q(summary__icontains=text))
        assert found == set(expected.values_list("pk", flat=True)), text
        return found

    for text in ("rollout", "ROLL", "über", "STRASSE", "straße", "100%", "pods_1", "ß", "ǅ"):
        same(text)
    boundary = Article.objects.get(title="Ends with roll")  # "out" starts its summary
    assert boundary.pk not in same("rollout") and boundary.pk in same("roll")
    art = Article.objects.get(title="Plain")
    art.title = "Now mentions kubectl"
    art.save(update_fields=["title"])
    assert same("KUBECTL") == {art.pk}


@pytest.mark.django_db
def test_levels_share_one_number_with_the_skill_unless_its_id_is_too_large() -> None:
    """Levels travel in three columns (the skill, the level and its source in one exact
    integer); skill ids too large for that are read in four. Both decode the same."""
    import numpy as np
    from django.db import connection

    from seedbed.knowledge.finder_compile import _fetch_all
    from seedbed.knowledge.finder_rows import CODE_SPAN, NARROW_SKILLS, SOURCE_SPAN, _levels
    from seedbed.knowledge.finder_sql import _levels_sql

    # (PostgreSQL reads the generated column, four numbers already packed: see below.)
    packed = connection.vendor == "postgresql"
    assert _levels_sql([3, 7], "default")[1:] == ((4, True) if packed else (3, False))
    assert _levels_sql([3, NARROW_SKILLS], "default")[1] == 4
    fetched = _fetch_all({"level": _levels_sql([3, NARROW_SKILLS], "default")}, "default")
    assert fetched["level"].shape == (0, 4)  # the wide statement runs (and finds nothing)
    wide = np.array(
        [
            [11.0, 7.0, 5 * SOURCE_SPAN + 2, 1.7e9 + 0.25],
            [12.0, NARROW_SKILLS - 1, 32767 * SOURCE_SPAN + 5, 0.0],
        ]
    )
    narrow = np.column_stack([wide[:, 0], wide[:, 1] * CODE_SPAN + wide[:, 2], wide[:, 3]])
    a, b = _levels(wide), _levels(narrow)
    for name in ("person", "skill", "count", "value", "at", "ref", "extra"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert b.skill.tolist() == [7, NARROW_SKILLS - 1]
    assert b.value.tolist() == [5.0, 32767.0]
    assert b.extra.tolist() == [2, 5]


@pytest.mark.django_db
def test_levels_read_by_the_finder_are_the_stored_ones_for_every_source() -> None:
    """What the finder's levels statement returns (on PostgreSQL the generated column
    ``finder_numbers`` of migration ``skills 0004``, whose source numbers are written in the
    migration) decodes to each level's person, skill, level, source and date, for every
    source; after an update too (the database recomputes the column)."""
    from datetime import UTC, datetime

    from seedbed.knowledge.finder_compile import _fetch_all
    from seedbed.knowledge.finder_rows import SOURCES, _levels
    from seedbed.knowledge.finder_sql import _levels_sql
    from seedbed.people.models import Person
    from seedbed.skills.models import PersonSkill, Skill, SkillCategory

    category = SkillCategory.objects.create(name="Sources")
    skills = [Skill.objects.create(name=f"Source skill {i}", category=category) for i in range(2)]
    when = datetime(2024, 2, 29, 23, 59, 58, 250000, tzinfo=UTC)
    for i, source in enumerate(SOURCES):
        person = Person.objects.create(full_name=f"Source {i}", email=f"source{i}@example.com")
        PersonSkill.objects.create(
            person=person, skill=skills[i % 2], level=1 + i % 5, source=source, assessed_at=when
        )
    person = Person.objects.create(full_name="Source again", email="again@example.com")
    changed = PersonSkill.objects.create(
        person=person, skill=skills[0], level=2, source=SOURCES[0], assessed_at=when
    )
    changed.level, changed.source = 5, SOURCES[-1]
    changed.save(update_fields=["level", "source"])

    ids = [s.pk for s in skills]
    rows = _levels(_fetch_all({"level": _levels_sql(ids, "default")}, "default")["level"])
    got = sorted(
        zip(
            rows.person.tolist(),
            rows.skill.tolist(),
            rows.value.tolist(),
            rows.extra.tolist(),
            rows.at.tolist(),
            strict=True,
        )
    )
    expected = sorted(
        (ps.person_id, ps.skill_id, float(ps.level), SOURCES.index(ps.source))
        for ps in PersonSkill.objects.filter(skill__in=skills)
    )
    assert [row[:4] for row in got] == expected
    # (SQLite's epoch comes from julianday: exact to the millisecond.)
    assert all(at == pytest.approx(when.timestamp(), abs=1e-3) for *_r, at in got)
    assert {SOURCES[e] for *_r, e, _at in got} == set(SOURCES)


@pytest.mark.parametrize("viewer_name", ["admin", "outsider"])
def test_statements_are_prepared_once_they_repeat_on_postgresql(
    org: Org, k8s: Skill, viewer_name: str
) -> None:
    """On PostgreSQL psycopg prepares the finder's numbers and links statements (run on
    server-binding cursors, ``evidence.server_cursor``) once they ran a few times on the
    connection (settings: ``prepare_threshold``); the answers stay the same."""
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    assert settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"] == 5
    _populate(k8s, 3)
    viewer = org.user(viewer_name)
    pages = [
        [
            (r.person.pk, r.score, r.explanation)
            for r in find_experts(viewer=viewer, skill_ids=[k8s.pk], now=NOW).results
        ]
        for _ in range(7)
    ]
    assert pages[0] and all(page == pages[0] for page in pages)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("string_agg" in sql for sql in prepared)  # the numbers
    assert any('AS "what"' in sql for sql in prepared)  # the links
