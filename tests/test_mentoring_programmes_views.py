"""Mentoring programme pages per actor: my mentoring, the programme list and page, editing,
states, sign-up, participants, the matching review (runs, lock, swap, remove, publish,
re-match, htmx partials), answers and requests; outsiders and employees are refused; list
pages keep a fixed query count."""

from __future__ import annotations

import pytest
from django.test import Client

from seedbed.mentoring.models import (
    MentorRequest,
    MentorRequestState,
    Pair,
    PairState,
    Participant,
    Programme,
    ProgrammeState,
)
from seedbed.mentoring.services import programmes as services
from seedbed.mentoring.services import programmes_matching as matching
from seedbed.mentoring.services import programmes_requests as requests
from tests.builders import make_person
from tests.conftest import Org, login_client
from tests.test_mentoring_programmes import cast, join, make_programme

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def programme(org: Org) -> Programme:
    found = make_programme(org)
    cast(org, found)
    return found


@pytest.fixture
def matched(org: Org, programme: Programme) -> Programme:
    matching.run_matching(actor=org.user("admin"), programme=programme)
    return programme


def _url(name: str, *args: object) -> str:
    from django.urls import reverse

    return reverse(f"mentoring:{name}", args=args)


# --- navigation and my mentoring -----------------------------------------------------------


def test_the_mentoring_menu_offers_my_mentoring_and_programmes(clients: dict[str, Client]) -> None:
    page = clients["employee"].get("/").content.decode()
    assert _url("home") in page and _url("programmes") in page


def test_my_mentoring_lists_answers_due_pairs_requests_and_open_programmes(
    org: Org, clients: dict[str, Client], matched: Programme
) -> None:
    other = make_programme(org, name="Leadership circle")
    matching.publish(actor=org.user("admin"), programme=matched)
    requests.ask_mentor(actor=org.user("report2"), mentor=org.outsider)
    page = clients["employee"].get(_url("home"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Waiting for your answer" in text and "Do you want Otto Other as your mentor?" in text
    assert "Grow together" in text and other.name in text  # joined, and open to join
    received = clients["outsider"].get(_url("home")).content.decode()
    assert "Rita Report" in received and "Accept" in received


def test_a_login_without_a_person_sees_an_explanation(org: Org) -> None:
    from seedbed.accounts.models import User

    lonely = User.objects.create_user("lonely@example.com", "x-very-long-password-1")
    client = Client()
    client.force_login(lonely)
    assert "belongs to no person" in client.get(_url("home")).content.decode()


# --- programmes ----------------------------------------------------------------------------


def test_programme_list_search_filter_and_export(
    org: Org, clients: dict[str, Client], programme: Programme
) -> None:
    make_programme(org, name="Reverse tech", purpose="reverse")
    make_programme(org, name="Secret draft", state=ProgrammeState.DRAFT)
    employee = clients["employee"].get(_url("programmes")).content.decode()
    assert "Grow together" in employee and "Secret draft" not in employee
    assert "Secret draft" in clients["admin"].get(_url("programmes")).content.decode()
    found = clients["employee"].get(_url("programmes"), {"purpose": "reverse"}).content.decode()
    assert "Reverse tech" in found and "Grow together" not in found
    found = clients["employee"].get(_url("programmes"), {"q": "grow"}).content.decode()
    assert "Grow together" in found and "Reverse tech" not in found
    csv = clients["employee"].get(_url("programmes"), {"export": "csv", "q": "grow"})
    assert csv["Content-Type"].startswith("text/csv")
    body = csv.content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("name,purpose") and "Grow together" in body
    xlsx = clients["admin"].get(_url("programmes"), {"export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_programme_list_query_count_does_not_grow(
    org: Org, clients: dict[str, Client], django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = clients["employee"]
    for i in range(3):
        make_programme(org, name=f"P{i}")
    client.get(_url("programmes"))
    # session, user, unread notifications (nav), count, page of programmes with counts
    with django_assert_num_queries(5):
        assert client.get(_url("programmes")).status_code == 200
    for i in range(20):
        p = make_programme(org, name=f"Q{i}")
        join(org, p, "outsider", "mentee")
    with django_assert_num_queries(5):
        assert client.get(_url("programmes")).status_code == 200


def test_programme_page_shows_weights_explained_and_join_for_the_eligible(
    org: Org, clients: dict[str, Client], programme: Programme
) -> None:
    page = clients["manager"].get(_url("programme", programme.pk)).content.decode()
    assert "Skill complementarity" in page and "Time-zone overlap" in page
    assert "0.45" in page and _url("join", programme.pk) in page
    assert _url("matching", programme.pk) not in page  # admins only
    mine = clients["employee"].get(_url("programme", programme.pk)).content.decode()
    assert "Change my sign-up" in mine and "You joined as Mentee" in mine
    admin = clients["admin"].get(_url("programme", programme.pk)).content.decode()
    assert _url("matching", programme.pk) in admin and "5 people: 2 mentors, 3 mentees" in admin


def test_admin_creates_a_programme_through_the_form(org: Org, clients: dict[str, Client]) -> None:
    data = {
        "name": "Kubernetes guild",
        "purpose": "skill_area",
        "kind": "cohort",
        "starts_on": "2027-01-01",
        "ends_on": "2027-06-30",
        "duration_weeks": "12",
        "skills": "k8s\nPython",
        "objective": "coverage",
        "team_preference": "neutral",
        "require_shared_language": "on",
        "min_score": "0.1",
        "quiet_after_days": "21",
        **{f"weight_{k}": "0.5" for k in services.WEIGHT_KEYS},
    }
    response = clients["admin"].post(_url("programme_new"), data)
    assert response.status_code == 302
    created = Programme.objects.get(name="Kubernetes guild")
    assert {s.name for s in created.skills.all()} == {"Kubernetes", "Python"}
    assert created.objective == "coverage" and round(sum(created.weights.values()), 3) == 1.0
    edit = clients["admin"].get(_url("programme_edit", created.pk)).content.decode()
    assert "Kubernetes\nPython" in edit


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"skills": "Underwater basket weaving"}, "No skill is named"),
        ({"ends_on": "2026-01-01"}, "must end after it starts"),
        ({"weight_skills": "2"}, "less than or equal to 1"),
        ({**{f"weight_{k}": "0" for k in services.WEIGHT_KEYS}}, "At least one weight"),
    ],
)
def test_programme_form_bad_input_says_what_is_wrong(
    clients: dict[str, Client], changes: dict[str, str], message: str
) -> None:
    data = {
        "name": "X",
        "purpose": "general",
        "kind": "cohort",
        "starts_on": "2027-01-01",
        "duration_weeks": "12",
        "objective": "quality",
        "team_preference": "cross",
        "min_score": "0",
        "quiet_after_days": "30",
        **{f"weight_{k}": "0.2" for k in services.WEIGHT_KEYS},
        **changes,
    }
    response = clients["admin"].post(_url("programme_new"), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Programme.objects.filter(name="X").exists()


def test_states_through_the_page(org: Org, clients: dict[str, Client]) -> None:
    draft = make_programme(org, state=ProgrammeState.DRAFT)
    admin = clients["admin"]
    admin.post(_url("programme_state", draft.pk), {"state": "open"})
    draft.refresh_from_db()
    assert draft.state == ProgrammeState.OPEN
    response = admin.post(_url("programme_state", draft.pk), {"state": "bogus"}, follow=True)
    assert "Unknown state" in response.content.decode()
    assert (
        clients["manager"].post(_url("programme_state", draft.pk), {"state": "closed"}).status_code
        == 403
    )


def test_delete_a_draft(org: Org, clients: dict[str, Client]) -> None:
    draft = make_programme(org, state=ProgrammeState.DRAFT)
    assert clients["admin"].post(_url("programme_delete", draft.pk)).status_code == 302
    assert not Programme.objects.filter(pk=draft.pk).exists()


# --- sign-up -------------------------------------------------------------------------------


def test_join_form_prefills_from_the_person_and_saves(org: Org, clients: dict[str, Client]) -> None:
    open_one = make_programme(org)
    org.manager.languages = "de, en"
    org.manager.timezone = "Europe/Vienna"
    org.manager.save()
    form = clients["manager"].get(_url("join", open_one.pk)).content.decode()
    assert 'value="de, en"' in form and 'value="Europe/Vienna" selected' in form
    response = clients["manager"].post(
        _url("join", open_one.pk),
        {
            "role": "mentor",
            "capacity": "2",
            "hours_per_month": "4",
            "languages": "de, en",
            "timezone": "Europe/Vienna",
            "offers_skills": "Python\nk8s",
            "excluded": "Olga Outsider",
            "goals": "Share what I know",
        },
    )
    assert response.status_code == 302
    mine = Participant.objects.get(programme=open_one, person=org.manager)
    assert mine.capacity == 2 and {s.name for s in mine.offers_skills.all()} == {
        "Python",
        "Kubernetes",
    }
    assert list(mine.excluded.all()) == [org.outsider]
    again = clients["manager"].get(_url("join", open_one.pk)).content.decode()
    assert "Olga Outsider" in again and "My sign-up to" in again


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"role": "mentor", "capacity": ""}, "how many mentees"),
        ({"excluded": "Nobody Known"}, "Nobody in the organisation"),
        ({"wants_skills": "Quantum knitting"}, "No skill is named"),
        ({"languages": "en; 42"}, "is not a language"),
        ({"timezone": "Mars/Base"}, "Select a valid choice"),
    ],
)
def test_join_bad_input_says_what_is_wrong(
    org: Org, clients: dict[str, Client], changes: dict[str, str], message: str
) -> None:
    open_one = make_programme(org)
    data = {"role": "mentee", "hours_per_month": "2", "timezone": "UTC", **changes}
    response = clients["employee"].post(_url("join", open_one.pk), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Participant.objects.filter(programme=open_one).exists()


def test_the_ineligible_are_sent_back_with_the_reason(org: Org, clients: dict[str, Client]) -> None:
    from seedbed.people.models import Team

    ops_only = make_programme(org, eligible_teams=[Team.objects.get(name="Operations")])
    response = clients["employee"].get(_url("join", ops_only.pk), follow=True)
    assert "open only to some teams" in response.content.decode()


def test_leave(org: Org, clients: dict[str, Client], programme: Programme) -> None:
    clients["employee"].post(_url("leave", programme.pk))
    assert not Participant.objects.get(programme=programme, person=org.employee).is_active
    assert clients["employee"].post(_url("leave", programme.pk)).status_code == 404


# --- participants --------------------------------------------------------------------------


def test_admin_sees_everyone_with_goals_and_exports(
    org: Org, clients: dict[str, Client], matched: Programme
) -> None:
    page = clients["admin"].get(_url("participants", matched.pk)).content.decode()
    assert all(n in page for n in ("Emil Employee", "Lea Lead", "Otto Other", "Never with"))
    only = clients["admin"].get(_url("participants", matched.pk), {"role": "mentor"})
    assert "Emil Employee" not in only.content.decode()
    csv = clients["admin"].get(_url("participants", matched.pk), {"export": "csv"})
    assert "excluded" in csv.content.decode("utf-8-sig").splitlines()[0]


def test_others_see_only_mentors_and_can_ask_them(
    org: Org, clients: dict[str, Client], programme: Programme
) -> None:
    page = clients["employee"].get(_url("participants", programme.pk)).content.decode()
    assert "Otto Other" in page and "Rita Report" not in page and "Never with" not in page
    assert f"{_url('request_new')}?mentor={org.outsider_manager.pk}" in page
    csv = clients["outsider"].get(_url("participants", programme.pk), {"export": "csv"})
    header = csv.content.decode("utf-8-sig").splitlines()[0]
    assert "excluded" not in header and "goals" not in header


def test_participant_list_query_count_does_not_grow(
    org: Org, clients: dict[str, Client], programme: Programme, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = clients["admin"]
    url = _url("participants", programme.pk)
    client.get(url)
    # session, user, nav unread, programme, teams (filter), my person, my participation,
    # count, page, then offers, wants and excluded prefetched
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200
    for _i in range(15):
        person = make_person(languages="en")
        services.join_programme(
            actor=org.user("admin"),
            programme=programme,
            person=person,
            data=services.ParticipationInput(role="both", capacity=2),
        )
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200


# --- matching review -----------------------------------------------------------------------


def test_run_shows_every_pair_with_reasons_and_weakest_point(
    org: Org, clients: dict[str, Client], programme: Programme
) -> None:
    admin = clients["admin"]
    empty = admin.get(_url("matching", programme.pk)).content.decode()
    assert "Not matched yet" in empty
    response = admin.post(_url("run", programme.pk), {"objective": "quality"}, **HTMX)
    text = response.content.decode()
    assert response.status_code == 200 and 'id="proposal"' in text and "<html" not in text
    assert "3 pairs proposed" in text and 'hx-swap-oob="true"' in text
    assert text.count('class="weakest"') == 3 and "Shares English" in text
    assert "3 / 3" in text  # mentees with a mentor
    page = admin.get(_url("matching", programme.pk)).content.decode()
    assert "Re-run for “Most people matched”" in page


def test_run_without_htmx_redirects_with_a_message(
    clients: dict[str, Client], programme: Programme
) -> None:
    response = clients["admin"].post(
        _url("run", programme.pk), {"objective": "coverage"}, follow=True
    )
    assert "pairs proposed" in response.content.decode()
    programme.refresh_from_db()
    assert programme.last_run["objective"] == "coverage"


def test_unmatched_people_are_listed_with_the_reason(org: Org, clients: dict[str, Client]) -> None:
    lonely = make_programme(org)
    join(org, lonely, "employee", "mentee")
    join(org, lonely, "manager", "mentor")
    clients["admin"].post(_url("run", lonely.pk), {"objective": "quality"})
    page = clients["admin"].get(_url("matching", lonely.pk)).content.decode()
    assert "Without a pair" in page and "reporting line" in page


def test_lock_remove_and_publish_through_htmx(
    org: Org, clients: dict[str, Client], matched: Programme
) -> None:
    admin = clients["admin"]
    pair = matched.pairs.get(mentee=org.employee)
    text = admin.post(
        _url("proposal_lock", matched.pk, pair.pk), {"locked": "1"}, **HTMX
    ).content.decode()
    assert "Locked Otto Other → Emil Employee" in text and "Unlock" in text
    other = matched.pairs.get(mentee=org.report2)
    admin.post(_url("proposal_remove", matched.pk, other.pk), **HTMX)
    assert not Pair.objects.filter(pk=other.pk).exists()
    text = admin.post(_url("publish", matched.pk), **HTMX).content.decode()
    assert "Published 2 pairs" in text and "Waiting for answers" in text
    again = admin.post(_url("publish", matched.pk), **HTMX).content.decode()
    assert "no proposed pairs" in again


def test_swap_page_lists_candidates_and_refuses_a_hard_rule(
    org: Org, clients: dict[str, Client], matched: Programme
) -> None:
    join(org, matched, "admin", "mentor", capacity=1)
    pair = matched.pairs.get(mentee=org.report2)
    url = _url("proposal_swap", matched.pk, pair.pk)
    page = clients["admin"].get(url).content.decode()
    assert "Hana Admin" in page and "ruled out" in page and "reporting line" in page
    refused = clients["admin"].post(url, {"mentor": org.lead.pk})
    assert refused.status_code == 400 and "same reporting line" in refused.content.decode()
    bogus = clients["admin"].post(url, {"mentor": "x"})
    assert bogus.status_code == 400 and "Choose one of the mentors" in bogus.content.decode()
    done = clients["admin"].post(url, {"mentor": org.admin.pk}, follow=True)
    assert "now has Hana Admin as mentor (locked)" in done.content.decode()


def test_matching_page_query_count_does_not_grow(
    org: Org, clients: dict[str, Client], programme: Programme, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = clients["admin"]
    url = _url("matching", programme.pk)
    matching.run_matching(actor=org.user("admin"), programme=programme)
    client.get(url)
    # session, user, nav unread, programme, pairs, focus skills, participants
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200
    for _i in range(10):
        for role in ("mentor", "mentee"):
            person = make_person(languages="en")
            services.join_programme(
                actor=org.user("admin"),
                programme=programme,
                person=person,
                data=services.ParticipationInput(role=role, capacity=1),
            )
    matching.run_matching(actor=org.user("admin"), programme=programme)
    assert programme.pairs.count() > 10
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200


def test_swap_page_query_count_does_not_grow_with_the_mentors(
    org: Org, clients: dict[str, Client], matched: Programme, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = clients["admin"]
    pair = matched.pairs.get(mentee=org.report2)
    url = _url("proposal_swap", matched.pk, pair.pk)

    def add_mentors(n: int) -> None:
        for _i in range(n):
            services.join_programme(
                actor=org.user("admin"),
                programme=matched,
                person=make_person(languages="en"),
                data=services.ParticipationInput(role="mentor", capacity=1),
            )

    add_mentors(1)
    client.get(url)
    # session, user, programme, pair, the mentee, the mentors, nav unread; the hard rules
    # (``ProgrammeRules``): manager map, pairs, exclusions; the matcher scoring every mentor
    # at once (``matching.mentor_options``): participants, manager map, wanted, offered,
    # excluded, programme skills, role requirements, levels, skills, kept pairs.
    expected = 20
    with django_assert_num_queries(expected):
        page = client.get(url)
    # One mentor to choose: Lea is in Rita's reporting line, Otto is her mentor now.
    assert page.status_code == 200 and page.content.decode().count('name="mentor"') == 1
    add_mentors(12)
    with django_assert_num_queries(expected):
        page = client.get(url)
    assert page.status_code == 200 and page.content.decode().count('name="mentor"') == 13


# --- answers -------------------------------------------------------------------------------


def test_answers_through_htmx_and_plain_forms(
    org: Org, clients: dict[str, Client], matched: Programme
) -> None:
    matching.publish(actor=org.user("admin"), programme=matched)
    pair = matched.pairs.get(mentee=org.employee)
    url = _url("answer", pair.pk)
    box = clients["employee"].post(url, {"answer": "accept"}, **HTMX).content.decode()
    assert f'id="answer-{pair.pk}"' in box and "You accepted" in box
    done = clients["outsider_manager"].post(
        url, {"answer": "accept", "next": "https://evil.example/"}
    )
    assert done.status_code == 302 and done["Location"] == _url("home")
    pair.refresh_from_db()
    assert pair.state == PairState.ACTIVE
    late = clients["employee"].post(url, {"answer": "decline"}, **HTMX)
    assert late.status_code == 400 and "not waiting for answers" in late.content.decode()
    bad = clients["employee"].post(url, {"answer": "maybe"}, **HTMX)
    assert bad.status_code == 400 and "Answer accept or decline" in bad.content.decode()


def test_a_decline_then_rematch_through_the_page(
    org: Org, clients: dict[str, Client], matched: Programme
) -> None:
    matching.publish(actor=org.user("admin"), programme=matched)
    pair = matched.pairs.get(mentee=org.employee)
    clients["employee"].post(_url("answer", pair.pk), {"answer": "decline"})
    join(org, matched, "admin", "mentor", capacity=1)
    page = clients["admin"].get(_url("matching", matched.pk)).content.decode()
    assert "Re-match the people left without a pair" in page and "Declined by" in page
    text = (
        clients["admin"]
        .post(_url("run", matched.pk), {"rematch": "1", "objective": "quality"}, **HTMX)
        .content.decode()
    )
    assert "1 pairs proposed" in text and "Hana Admin" in text


def test_nobody_answers_for_someone_else(
    org: Org, clients: dict[str, Client], matched: Programme
) -> None:
    matching.publish(actor=org.user("admin"), programme=matched)
    pair = matched.pairs.get(mentee=org.employee)
    # The manager sees the pair (his report's) but may not answer for it.
    response = clients["manager"].post(_url("answer", pair.pk), {"answer": "accept"}, follow=True)
    assert "Only the mentor and the mentee" in response.content.decode()
    assert clients["report2"].post(_url("answer", pair.pk), {"answer": "accept"}).status_code == 404


# --- requests ------------------------------------------------------------------------------


def test_request_page_shows_the_fit_and_sends(
    org: Org, clients: dict[str, Client], programme: Programme
) -> None:
    url = f"{_url('request_new')}?mentor={org.outsider_manager.pk}&programme={programme.pk}"
    page = clients["employee"].get(url).content.decode()
    assert "Pair score" in page and "Grow together" in page
    response = clients["employee"].post(
        _url("request_new"),
        {"mentor": org.outsider_manager.pk, "programme": programme.pk, "skill": "py"},
    )
    assert response.status_code == 302
    sent = MentorRequest.objects.get(mentee=org.employee)
    assert sent.programme == programme and sent.skill is not None and sent.skill.name == "Python"


def test_request_page_explains_a_hard_rule_and_offers_no_form(
    org: Org, clients: dict[str, Client]
) -> None:
    page = clients["employee"].get(f"{_url('request_new')}?mentor={org.manager.pk}")
    text = page.content.decode()
    assert "same reporting line" in text and "Send the request" not in text
    refused = clients["employee"].post(_url("request_new"), {"mentor": org.manager.pk})
    assert refused.status_code == 400 and "same reporting line" in refused.content.decode()
    assert clients["employee"].get(_url("request_new")).status_code == 404
    assert clients["employee"].get(f"{_url('request_new')}?mentor=99999").status_code == 404


def test_request_actions(org: Org, clients: dict[str, Client]) -> None:
    sent = requests.ask_mentor(actor=org.user("employee"), mentor=org.outsider)
    assert (
        clients["employee"]
        .post(_url("request_action", sent.pk, "accept"), follow=True)
        .content.decode()
        .count("Only the person asked")
        == 1
    )
    clients["outsider"].post(_url("request_action", sent.pk, "accept"))
    sent.refresh_from_db()
    assert sent.state == MentorRequestState.ACCEPTED and sent.pair is not None
    assert clients["manager"].post(_url("request_action", sent.pk, "decline")).status_code == 404
    assert clients["outsider"].post(_url("request_action", sent.pk, "bogus")).status_code == 404


# --- outsiders -----------------------------------------------------------------------------


def test_admin_pages_refuse_everyone_else(
    org: Org, clients: dict[str, Client], matched: Programme
) -> None:
    pair = matched.pairs.first()
    assert pair is not None
    gets = [
        _url("programme_new"),
        _url("programme_edit", matched.pk),
        _url("matching", matched.pk),
        _url("proposal_swap", matched.pk, pair.pk),
    ]
    posts = [
        _url("programme_state", matched.pk),
        _url("programme_delete", matched.pk),
        _url("run", matched.pk),
        _url("publish", matched.pk),
        _url("proposal_lock", matched.pk, pair.pk),
        _url("proposal_remove", matched.pk, pair.pk),
    ]
    for name in ("manager", "employee", "outsider"):
        for url in gets:
            assert clients[name].get(url).status_code == 403, (name, url)
        for url in posts:
            assert clients[name].post(url, {"state": "closed"}).status_code == 403, (name, url)
    assert matched.pairs.filter(state=PairState.PROPOSED).count() == 3


def test_drafts_are_invisible_to_non_admins(org: Org, clients: dict[str, Client]) -> None:
    draft = make_programme(org, state=ProgrammeState.DRAFT)
    for url in (
        _url("programme", draft.pk),
        _url("participants", draft.pk),
        _url("join", draft.pk),
    ):
        assert clients["outsider"].get(url).status_code == 404
    assert clients["admin"].get(_url("programme", draft.pk)).status_code == 200


def test_proposed_pairs_cannot_be_answered_before_publishing(
    org: Org, clients: dict[str, Client], matched: Programme
) -> None:
    pair = matched.pairs.get(mentee=org.employee)
    assert (
        clients["employee"].post(_url("answer", pair.pk), {"answer": "accept"}).status_code == 404
    )
    home = clients["employee"].get(_url("home")).content.decode()
    assert "Otto Other" not in home  # proposals are HR's until published


def test_anonymous_visitors_are_sent_to_sign_in(matched: Programme) -> None:
    anonymous = Client()
    for url in (_url("home"), _url("programmes"), _url("programme", matched.pk)):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_skill_options_for_the_picker(clients: dict[str, Client]) -> None:
    text = (
        clients["employee"]
        .get(_url("skill_options"), {"q": "k8s", "target": "id_wants_skills"}, **HTMX)
        .content.decode()
    )
    assert 'data-add-skill="Kubernetes"' in text and 'data-target="id_wants_skills"' in text
    assert clients["employee"].get(_url("skill_options")).content.decode().strip() == ""


def test_every_page_renders_for_a_participant(org: Org, matched: Programme) -> None:
    client = login_client(org.employee)
    for url in (
        _url("home"),
        _url("programmes"),
        _url("programme", matched.pk),
        _url("participants", matched.pk),
        _url("join", matched.pk),
    ):
        assert client.get(url).status_code == 200, url


def test_a_persons_page_offers_to_ask_them_to_mentor_me(
    org: Org, clients: dict[str, Client]
) -> None:
    link = f"{_url('request_new')}?mentor={org.outsider.pk}"
    other = clients["employee"].get(f"/people/{org.outsider.pk}/").content.decode()
    assert link in other and "Ask to mentor me" in other
    own = clients["outsider"].get(f"/people/{org.outsider.pk}/").content.decode()
    assert "Ask to mentor me" not in own


def test_a_mentee_with_a_mentor_is_not_offered_to_ask_another(
    org: Org, clients: dict[str, Client], matched: Programme
) -> None:
    matching.publish(actor=org.user("admin"), programme=matched)
    page = clients["employee"].get(_url("participants", matched.pk)).content.decode()
    assert "You have a mentor in this programme already." in page
    assert "Ask to mentor me" not in page


def test_my_mentoring_query_count_does_not_grow(
    org: Org, clients: dict[str, Client], django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = clients["employee"]

    def grow(n: int) -> None:
        for _i in range(n):
            programme = make_programme(org, name=f"P{Programme.objects.count()}")
            join(org, programme, "employee", "mentee")
            mentor = make_person(access="employee", languages="en")
            join_as = services.ParticipationInput(role="mentor", capacity=1, languages="en")
            services.join_programme(
                actor=org.user("admin"), programme=programme, person=mentor, data=join_as
            )
            matching.run_matching(actor=org.user("admin"), programme=programme)
            matching.publish(actor=org.user("admin"), programme=programme)
            requests.ask_mentor(actor=org.user("employee"), mentor=make_person(access="employee"))
            make_programme(org, name=f"Open {mentor.pk}")

    grow(2)
    client.get(_url("home"))
    # session, user, nav unread, my person, participations, open programmes (+ teams and
    # roles prefetched), pairs, requests
    with django_assert_num_queries(10):
        assert client.get(_url("home")).status_code == 200
    grow(6)
    with django_assert_num_queries(10):
        response = client.get(_url("home"))
    assert response.content.decode().count("Do you want") == 8


def test_hr_signs_someone_up_edits_and_withdraws_it(org: Org, clients: dict[str, Client]) -> None:
    open_one = make_programme(org)
    admin = clients["admin"]
    form = admin.get(_url("join", open_one.pk), {"who": "olga outsider"}).content.decode()
    assert "Sign-up of Olga Outsider" in form and f'name="who" value="{org.outsider.pk}"' in form
    response = admin.post(
        _url("join", open_one.pk),
        {"who": org.outsider.pk, "role": "mentee", "hours_per_month": "2", "timezone": "UTC"},
        follow=True,
    )
    assert "Olga Outsider is signed up." in response.content.decode()
    joined = Participant.objects.get(programme=open_one, person=org.outsider)
    page = admin.get(_url("participants", open_one.pk)).content.decode()
    assert f"?who={org.outsider.pk}" in page and "Sign someone up" in page
    unknown = admin.get(_url("join", open_one.pk), {"who": "Nobody Here"}, follow=True)
    assert "Nobody in the organisation is called" in unknown.content.decode()
    admin.post(_url("leave", open_one.pk), {"who": org.outsider.pk})
    joined.refresh_from_db()
    assert not joined.is_active


def test_who_means_nothing_for_everyone_else(org: Org, clients: dict[str, Client]) -> None:
    open_one = make_programme(org)
    join(org, open_one, "outsider", "mentee")
    form = clients["employee"].get(_url("join", open_one.pk), {"who": org.outsider.pk})
    assert "Join Grow together" in form.content.decode()  # their own sign-up, not Olga's
    assert (
        clients["employee"].post(_url("leave", open_one.pk), {"who": org.outsider.pk}).status_code
        == 404
    )
    assert Participant.objects.get(programme=open_one, person=org.outsider).is_active


def test_the_pair_page_carries_the_answer_box(
    org: Org, clients: dict[str, Client], matched: Programme
) -> None:
    matching.publish(actor=org.user("admin"), programme=matched)
    pair = matched.pairs.get(mentee=org.employee)
    page = clients["employee"].get(_url("pair", pair.pk)).content.decode()
    assert f'id="answer-{pair.pk}"' in page and "Do you want Otto Other as your mentor?" in page
    mentor = clients["outsider_manager"].get(_url("pair", pair.pk)).content.decode()
    assert "Will you mentor Emil Employee?" in mentor
