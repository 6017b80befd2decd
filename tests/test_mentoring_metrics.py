"""Programme metrics: the maths (level changes from the history, comparison groups), the read
model on a small programme, scoping for managers, the page, exports and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from seedbed.mentoring import metrics as m
from seedbed.mentoring.models import (
    Feedback,
    MentoringSession,
    Pair,
    PairGoal,
    PairState,
    Participant,
    ParticipantRole,
    Programme,
)
from seedbed.people.models import Person
from seedbed.skills.models import Assertion, Skill, Source
from tests.builders import make_person
from tests.conftest import Org, bearer, login_client
from tests.test_mentoring_pairs_setup import make_pair, make_programme

DAY = 86400.0


# --- the maths -----------------------------------------------------------------------------


def _history(rows: list[tuple[int, int, int, int, int, float]]) -> m.History:
    people = sorted({r[1] for r in rows} | {1, 2, 3})
    skills = sorted({r[2] for r in rows} | {10, 11})
    return m.History.from_rows(people, skills, rows)


def test_level_change_of_a_mentee_and_their_peers() -> None:
    # (id, person, skill, level, tier, seconds)
    rows = [
        (1, 1, 10, 1, 0, 1 * DAY),  # mentee: 1 → 3 in skill 10
        (2, 1, 10, 3, 3, 20 * DAY),
        (3, 2, 10, 2, 0, 2 * DAY),  # peer: 2 → 2
        (4, 3, 10, 1, 0, 15 * DAY),  # peer without a level at the start: 0 → 1
        (5, 1, 11, 2, 0, 1 * DAY),  # mentee: 2 → 2 in skill 11
    ]
    [change] = m.level_changes(_history(rows), [m.Cohort(1, [10, 11], 10 * DAY, [2, 3])], 30 * DAY)
    assert change.mentee == pytest.approx(1.0)  # (2 + 0) / 2
    assert change.peers == pytest.approx(0.25)  # (0 + 0 + 1 + 0) / 4
    assert change.peer_count == 2


def test_the_level_rule_is_the_gap_engines() -> None:
    # A later self-rating does not beat an earlier manager validation.
    rows = [(1, 1, 10, 2, 3, 1 * DAY), (2, 1, 10, 5, 0, 20 * DAY)]
    [change] = m.level_changes(_history(rows), [m.Cohort(1, [10], 10 * DAY, [])], 30 * DAY)
    assert change.mentee == 0 and change.peers is None


def test_summary_of_changes_with_a_t_test() -> None:
    changes = [m.Change(2.0, 0.5, 3), m.Change(1.0, 0.0, 2), m.Change(1.5, 0.5, 2)]
    s = m.summarise_changes(changes, {7, 8, 9})
    assert (s.mentees, s.compared, s.comparison_people) == (3, 3, 3)
    assert s.mentee_mean == 1.5 and s.comparison_mean == pytest.approx(0.33, abs=0.01)
    assert s.difference == pytest.approx(1.17, abs=0.01)
    assert s.p_value is not None and 0 < s.p_value < 0.05
    # Identical differences: no p-value (no spread); fewer than three: none either.
    assert m.summarise_changes([m.Change(1.0, 0.0, 1)] * 3, {1}).p_value is None
    assert m.summarise_changes(changes[:2], {1}).p_value is None
    assert m.summarise_changes([], set()).mentee_mean is None


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 3), st.integers(0, 5), st.integers(0, 3), st.floats(0, 30)),
        min_size=1,
        max_size=25,
    ),
    st.floats(0, 30),
)
def test_a_mentee_compared_with_themselves_shows_no_difference(
    evidence: list[tuple[int, int, int, float]], start: float
) -> None:
    rows = [(i, p, 10, lv, tier, t * DAY) for i, (p, lv, tier, t) in enumerate(evidence, 1)]
    [change] = m.level_changes(_history(rows), [m.Cohort(1, [10], start * DAY, [1])], 31 * DAY)
    assert change.peers == pytest.approx(change.mentee)
    assert -5 <= change.mentee <= 5


def test_pair_months_are_at_least_one() -> None:
    now = timezone.now()
    assert m.pair_months(now - timedelta(days=3), None, now) == 1.0
    assert m.pair_months(now - timedelta(days=91), now - timedelta(days=30), now) == pytest.approx(
        61 / m.DAYS_PER_MONTH
    )


# --- a programme ---------------------------------------------------------------------------


def _assert_at(person: Person, skill: Skill, level: int, when: datetime, source: str) -> None:
    a = Assertion.objects.create(person=person, skill=skill, level=level, source=source)
    Assertion.objects.filter(pk=a.pk).update(created_at=when)


@dataclass
class Scene:
    programme: Programme
    active: Pair
    ended: Pair
    mentor: Person


@pytest.fixture
def scene(org: Org) -> Scene:
    """Mia (Operations, reports to outsider_manager) mentors the employee (active 60 days,
    Python 1 → 3, three sessions, goals 50 % / achieved / dropped) and the outsider (ended, one
    session, rated 4 and 5); Nina waits for answers; Uma is signed up without a pair (and
    proposed to Mia, which does not count). The comparison group of the employee (Developers
    outside the programme): report2 1 → 2, lead 2 → 2, manager unrated."""
    now = timezone.now()
    programme = make_programme()
    mia = make_person(
        "Mia Mentor", access="employee", team=org.outsider.team, manager=org.outsider_manager
    )
    nina = make_person("Nina New", access="employee")
    uma = make_person("Uma Unmatched", access="employee")
    python = Skill.objects.get(name="Python")
    active = make_pair(programme, mia, org.employee, started=now - timedelta(days=60))
    active.focus_skills.set([python])
    ended = make_pair(
        programme, mia, org.outsider, state=PairState.ENDED, started=now - timedelta(days=90)
    )
    Pair.objects.filter(pk=ended.pk).update(ended_at=now - timedelta(days=30))
    make_pair(programme, mia, nina, state=PairState.PUBLISHED)
    Participant.objects.create(programme=programme, person=uma, role=ParticipantRole.MENTEE)
    Pair.objects.create(programme=programme, mentor=mia, mentee=uma, state=PairState.PROPOSED)
    for days in (50, 30, 5):
        MentoringSession.objects.create(
            pair=active, held_on=(now - timedelta(days=days)).date(), minutes=60
        )
    MentoringSession.objects.create(pair=ended, held_on=(now - timedelta(days=70)).date())
    PairGoal.objects.create(pair=active, title="Review", progress=50)
    PairGoal.objects.create(pair=active, title="Ship", progress=100, state="achieved")
    PairGoal.objects.create(pair=active, title="Dropped", progress=10, state="dropped")
    Feedback.objects.create(pair=ended, author=org.outsider, rating=4)
    Feedback.objects.create(pair=ended, author=mia, rating=5)
    for person, before, after in ((org.employee, 1, 3), (org.report2, 1, 2), (org.lead, 2, 2)):
        _assert_at(person, python, before, now - timedelta(days=100), Source.MANAGER)
        if after != before:
            _assert_at(person, python, after, now - timedelta(days=10), Source.MANAGER)
    return Scene(programme, active, Pair.objects.get(pk=ended.pk), mia)


def test_programme_figures_for_hr(scene: Scene, org: Org) -> None:
    x = m.programme_metrics(user=org.user("admin"), programme=scene.programme)
    assert x.whole
    assert (x.participants, x.matched, x.share_matched) == (5, 4, 80.0)
    assert x.pairs_by_state == {"active": 1, "ended": 1, "published": 1}
    assert (x.active_pairs, x.started_pairs, x.sessions) == (1, 2, 4)
    assert x.sessions_per_pair_month == pytest.approx(4 / (2 * 60 / m.DAYS_PER_MONTH), abs=0.01)
    assert (x.satisfaction_mean, x.satisfaction_n, x.satisfaction_counts) == (
        4.5,
        2,
        [0, 0, 0, 1, 1],
    )
    assert (x.goals, x.goals_achieved, x.goal_progress) == (2, 1, 75.0)
    lv = x.level
    assert (lv.mentees, lv.compared, lv.comparison_people) == (1, 1, 3)
    assert lv.mentee_mean == 2.0
    assert lv.comparison_mean == pytest.approx(0.33, abs=0.01)
    assert lv.difference == pytest.approx(1.67, abs=0.01)
    row = next(r for r in x.rows if r.pair_id == scene.active.pk)
    assert (row.sessions, row.goals, row.goals_achieved, row.goal_progress) == (3, 3, 1, 75.0)
    assert (row.level_change, row.comparison_people) == (2.0, 3)
    assert {r.state for r in x.rows} == {"active", "ended", "published"}


def test_people_who_joined_after_the_start_are_not_compared(scene: Scene, org: Org) -> None:
    org.report2.start_date = timezone.localdate() - timedelta(days=20)
    org.report2.save()
    x = m.programme_metrics(user=org.user("admin"), programme=scene.programme)
    assert x.level.comparison_people == 2
    assert x.level.comparison_mean == 0.0


def test_a_manager_sees_their_line(scene: Scene, org: Org) -> None:
    x = m.programme_metrics(user=org.user("manager"), programme=scene.programme)
    assert not x.whole
    assert (x.participants, x.matched) == (1, 1)
    assert [r.pair_id for r in x.rows] == [scene.active.pk]
    assert x.level.mentee_mean == 2.0 and x.satisfaction_n == 0


def test_the_mentors_manager_sees_no_level_change_of_others_mentees(scene: Scene, org: Org) -> None:
    x = m.programme_metrics(user=org.user("outsider_manager"), programme=scene.programme)
    assert len(x.rows) == 3  # Mia, their report, mentors all three
    active = next(r for r in x.rows if r.pair_id == scene.active.pk)
    assert active.level_change is None and x.level.mentees == 0
    # Two ratings only: too few to show a manager.
    assert x.satisfaction_hidden and x.satisfaction_mean is None
    assert x.satisfaction_counts == [0, 0, 0, 0, 0]


def test_employees_get_no_metrics(scene: Scene, org: Org) -> None:
    from seedbed.lib.errors import NotAllowed

    with pytest.raises(NotAllowed):
        m.programme_metrics(user=org.user("employee"), programme=scene.programme)


def test_filter_rows() -> None:
    row = m.PairRow(
        1, 1, "Mia", 2, "Emil", "active", None, None, 0, 0, None, 0, 0, None, None, None, 0
    )
    assert m.filter_rows([row], q="emi") == [row]
    assert m.filter_rows([row], q="x") == []
    assert m.filter_rows([row], state="ended") == []


# --- page, exports, API --------------------------------------------------------------------


def test_metrics_page_shows_figures_charts_and_definitions(scene: Scene, clients) -> None:  # type: ignore[no-untyped-def]
    url = reverse("mentoring:metrics", args=[scene.programme.pk])
    body = clients["admin"].get(url).content.decode()
    assert "80.0 %" in body and "4.5" in body and "75.0 %" in body
    assert "+1.67" in body and "Mentees +2.00 levels, comparison group +0.33." in body
    assert body.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 3
    for text in m.DEFINITIONS.values():
        assert str(text)[:40] in body.replace("&#x27;", "'")
    filtered = clients["admin"].get(url, {"state": "ended"}).content.decode()
    assert (
        "Olga Outsider" in filtered
        and reverse("mentoring:pair", args=[scene.active.pk]) not in filtered
    )


def test_metrics_exports(scene: Scene, clients) -> None:  # type: ignore[no-untyped-def]
    url = reverse("mentoring:metrics", args=[scene.programme.pk])
    summary = clients["admin"].get(url, {"format": "csv", "table": "summary"})
    assert summary.status_code == 200 and "Share matched" in summary.content.decode("utf-8-sig")
    pairs = clients["admin"].get(url, {"format": "xlsx", "table": "pairs"})
    assert pairs.status_code == 200 and pairs["Content-Type"].startswith("application/vnd")
    assert clients["admin"].get(url, {"format": "doc", "table": "pairs"}).status_code == 400
    assert clients["admin"].get(url, {"format": "csv", "table": "nope"}).status_code == 400


@pytest.mark.parametrize("who", ["employee", "outsider"])
def test_employees_cannot_open_metrics(scene: Scene, clients, who: str) -> None:  # type: ignore[no-untyped-def]
    assert (
        clients[who].get(reverse("mentoring:metrics", args=[scene.programme.pk])).status_code == 403
    )


def test_a_draft_programme_is_not_found_for_managers(scene: Scene, clients) -> None:  # type: ignore[no-untyped-def]
    Programme.objects.filter(pk=scene.programme.pk).update(state="draft")
    url = reverse("mentoring:metrics", args=[scene.programme.pk])
    assert clients["manager"].get(url).status_code == 404
    assert clients["admin"].get(url).status_code == 200


def test_outsider_manager_sees_only_aggregates_not_the_mentees_of_other_lines(
    scene: Scene,
    clients,  # type: ignore[no-untyped-def]
) -> None:
    body = (
        clients["outsider_manager"]
        .get(reverse("mentoring:metrics", args=[scene.programme.pk]))
        .content.decode()
    )
    main = body[body.index("<main") : body.index("</main>")]  # not the header's icons
    assert "Too few answers" in main and "4.5" not in main


def test_metrics_api(scene: Scene, org: Org) -> None:
    client = Client(headers={"authorization": bearer(org.admin)["HTTP_AUTHORIZATION"]})
    url = f"/api/v1/mentoring/programmes/{scene.programme.pk}/metrics"
    data = client.get(url).json()
    assert data["share_matched"] == 80.0 and data["satisfaction_mean"] == 4.5
    assert data["level_change"]["mentee_mean"] == 2.0 and set(data["definitions"]) == set(
        m.DEFINITIONS
    )
    pairs = client.get(f"{url}/pairs?state=active").json()
    assert pairs["count"] == 1 and pairs["items"][0]["level_change"] == 2.0
    assert client.get(f"{url}/pairs?state=nope").status_code == 422
    assert client.get("/api/v1/mentoring/programmes/999999/metrics").status_code == 404
    for who in (org.employee, org.outsider):
        other = Client(headers={"authorization": bearer(who)["HTTP_AUTHORIZATION"]})
        assert other.get(url).status_code == 403
        assert other.get(f"{url}/pairs").status_code == 403


def test_metrics_query_counts_do_not_grow(
    scene: Scene,
    org: Org,
    clients,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    url = reverse("mentoring:metrics", args=[scene.programme.pk])
    python = Skill.objects.get(name="Python")
    api = Client(headers={"authorization": bearer(org.manager)["HTTP_AUTHORIZATION"]})
    for size in (1, 6):
        for n in range(size):
            mentee = make_person(f"Dev {size}-{n}", role=org.employee.role, manager=org.manager)
            pair = make_pair(scene.programme, scene.mentor, mentee)
            pair.focus_skills.set([python])
            MentoringSession.objects.create(pair=pair, held_on=timezone.localdate())
        # 1 session, 2 user, 3 programme, 4 participants, 5 pairs, 6 sessions, 7 ratings,
        # 8 goals, 9 focus skills, 10 comparison people, 11 rating history, 12 unread count
        with django_assert_num_queries(12):
            assert clients["admin"].get(url).status_code == 200
        api.get(f"/api/v1/mentoring/programmes/{scene.programme.pk}/metrics")  # warm-up
        # 1 token, 2 the reporting line, 3 programme, then 4-11 as above
        with django_assert_num_queries(11):
            api.get(f"/api/v1/mentoring/programmes/{scene.programme.pk}/metrics")


def test_anonymous_is_sent_to_sign_in(scene: Scene) -> None:
    response = Client().get(reverse("mentoring:metrics", args=[scene.programme.pk]))
    assert response.status_code == 302


__all__ = ["login_client"]
