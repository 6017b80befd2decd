"""Mentoring programmes, sign-up, matching runs, review, publishing, answers and requests:
the services, with the named actors of tests/conftest.py.

The standard cast of a matched programme (``matched``): mentors Lea Lead (capacity 1) and
Otto Other (capacity 2); mentees Emil Employee, Rita Report and Olga Outsider. Rita reports to
Lea and Olga to Otto, so the only complete matching is Lea → Olga, Otto → Emil and Rita.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from seedbed.accounts.models import AuditLog
from seedbed.lib.errors import Conflict, NotAllowed, ServiceError
from seedbed.mentoring.models import (
    Answer,
    MentorRequestState,
    Pair,
    PairOrigin,
    PairState,
    Participant,
    Programme,
    ProgrammeState,
)
from seedbed.mentoring.services import programmes as services
from seedbed.mentoring.services import programmes_matching as matching
from seedbed.mentoring.services import programmes_requests as requests
from seedbed.notifications.models import Notification
from seedbed.people.models import Team
from seedbed.skills.models import Skill
from tests.conftest import Org

pytestmark = pytest.mark.django_db


def make_programme(org: Org, *, state: str = ProgrammeState.OPEN, **kw: Any) -> Programme:
    data = services.ProgrammeInput(
        name=kw.pop("name", "Grow together"),
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 6, 30),
        **kw,
    )
    programme = services.create_programme(actor=org.user("admin"), data=data)
    if state != ProgrammeState.DRAFT:
        services.set_state(actor=org.user("admin"), programme=programme, state=ProgrammeState.OPEN)
    if state not in (ProgrammeState.DRAFT, ProgrammeState.OPEN):
        services.set_state(actor=org.user("admin"), programme=programme, state=state)
    return programme


def join(org: Org, programme: Programme, name: str, role: str, **kw: Any) -> Participant:
    person = getattr(org, name)
    kw.setdefault("languages", "en")
    return services.join_programme(
        actor=org.user("admin"),
        programme=programme,
        person=person,
        data=services.ParticipationInput(role=role, **kw),
    )


def cast(org: Org, programme: Programme) -> None:
    join(org, programme, "lead", "mentor", capacity=1)
    join(org, programme, "outsider_manager", "mentor", capacity=2)
    for name in ("employee", "report2", "outsider"):
        join(org, programme, name, "mentee")


@pytest.fixture
def matched(org: Org) -> Programme:
    programme = make_programme(org)
    cast(org, programme)
    matching.run_matching(actor=org.user("admin"), programme=programme)
    return programme


def pairs_of(programme: Programme, state: str = PairState.PROPOSED) -> set[tuple[str, str]]:
    return {
        (p.mentor.full_name, p.mentee.full_name)
        for p in programme.pairs.filter(state=state).select_related("mentor", "mentee")
    }


EXPECTED = {
    ("Lea Lead", "Olga Outsider"),
    ("Otto Other", "Emil Employee"),
    ("Otto Other", "Rita Report"),
}


# --- programmes ----------------------------------------------------------------------------


def test_admin_creates_a_draft_with_weights_scaled_to_one_and_an_audit_entry(org: Org) -> None:
    python = Skill.objects.get(name="Python")
    programme = services.create_programme(
        actor=org.user("admin"),
        data=services.ProgrammeInput(
            name="  Python   guild ",
            skills=[python],
            weights={k: 1.0 for k in services.WEIGHT_KEYS},
        ),
    )
    assert programme.name == "Python guild" and programme.state == ProgrammeState.DRAFT
    assert list(programme.skills.all()) == [python]
    assert set(programme.weights.values()) == {round(1 / 6, 4)}
    assert programme.owner == org.user("admin")
    assert AuditLog.objects.filter(action="mentoring.programme.create").count() == 1


@pytest.mark.parametrize("name", ["manager", "employee", "outsider"])
def test_only_admins_create_programmes(org: Org, name: str) -> None:
    with pytest.raises(NotAllowed):
        services.create_programme(actor=org.user(name), data=services.ProgrammeInput(name="X"))


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"skills": 1}, "Give a weight for goals"),
        ({**dict.fromkeys(services.WEIGHT_KEYS, 0.0)}, "At least one weight"),
        ({**dict.fromkeys(services.WEIGHT_KEYS, 0.5), "skills": 2}, "between 0 and 1"),
        ({**dict.fromkeys(services.WEIGHT_KEYS, 0.5), "luck": 1}, "Unknown weight luck"),
        ({**dict.fromkeys(services.WEIGHT_KEYS, 0.5), "skills": float("nan")}, "between 0"),
    ],
)
def test_bad_weights_are_refused_with_a_specific_message(
    org: Org, weights: dict[str, float], message: str
) -> None:
    with pytest.raises(ServiceError, match=message) as caught:
        services.create_programme(
            actor=org.user("admin"), data=services.ProgrammeInput(name="X", weights=weights)
        )
    assert caught.value.field == "weights"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "   "}, "name"),
        ({"starts_on": date(2027, 2, 1), "ends_on": date(2027, 1, 1)}, "ends_on"),
        ({"min_score": 1.5}, "min_score"),
        ({"duration_weeks": 0}, "duration_weeks"),
        ({"purpose": "fun"}, "purpose"),
    ],
)
def test_bad_programme_input_names_its_field(org: Org, changes: dict[str, Any], field: str) -> None:
    data = services.ProgrammeInput(**{"name": "X", **changes})
    with pytest.raises(ServiceError) as caught:
        services.create_programme(actor=org.user("admin"), data=data)
    assert caught.value.field == field


def test_update_records_what_changed(org: Org) -> None:
    programme = make_programme(org, state=ProgrammeState.DRAFT)
    eng = Team.objects.get(name="Engineering")
    services.update_programme(
        actor=org.user("admin"),
        programme=programme,
        data=services.ProgrammeInput(name="Renamed", eligible_teams=[eng], min_score=0.2),
    )
    programme.refresh_from_db()
    assert programme.name == "Renamed" and programme.min_score == 0.2
    entry = AuditLog.objects.get(action="mentoring.programme.update")
    assert {"name", "min_score", "eligible_teams", "starts_on"} <= set(entry.changes)


def test_states_move_only_along_the_allowed_paths(org: Org) -> None:
    admin = org.user("admin")
    cohort = services.create_programme(actor=admin, data=services.ProgrammeInput(name="C"))
    with pytest.raises(ServiceError, match="start and end dates"):
        services.set_state(actor=admin, programme=cohort, state=ProgrammeState.OPEN)
    with pytest.raises(Conflict, match="cannot go from draft to running"):
        services.set_state(actor=admin, programme=cohort, state=ProgrammeState.RUNNING)
    evergreen = services.create_programme(
        actor=admin, data=services.ProgrammeInput(name="E", kind="evergreen")
    )
    services.set_state(actor=admin, programme=evergreen, state=ProgrammeState.OPEN)
    join(org, evergreen, "employee", "mentee")
    with pytest.raises(Conflict, match="People have signed up"):
        services.set_state(actor=admin, programme=evergreen, state=ProgrammeState.DRAFT)
    with pytest.raises(NotAllowed):
        services.set_state(
            actor=org.user("manager"), programme=evergreen, state=ProgrammeState.CLOSED
        )


def test_closing_withdraws_proposals_but_keeps_published_pairs(
    org: Org, matched: Programme
) -> None:
    first = matched.pairs.first()
    assert first is not None
    matching.publish(actor=org.user("admin"), programme=matched)
    join(org, matched, "manager", "mentor", capacity=1)
    join(org, matched, "admin", "mentee")
    matching.rematch(actor=org.user("admin"), programme=matched)
    assert matched.pairs.filter(state=PairState.PROPOSED).exists()
    services.set_state(actor=org.user("admin"), programme=matched, state=ProgrammeState.CLOSED)
    assert not matched.pairs.filter(state=PairState.PROPOSED).exists()
    assert matched.pairs.filter(state=PairState.PUBLISHED).count() == 3


def test_only_a_draft_without_pairs_is_deleted(org: Org, matched: Programme) -> None:
    with pytest.raises(Conflict, match="Only a draft"):
        services.delete_programme(actor=org.user("admin"), programme=matched)
    draft = make_programme(org, state=ProgrammeState.DRAFT, name="Draft")
    services.delete_programme(actor=org.user("admin"), programme=draft)
    assert not Programme.objects.filter(pk=draft.pk).exists()


# --- sign-up -------------------------------------------------------------------------------


def test_joining_takes_languages_and_time_zone_from_the_person(org: Org) -> None:
    programme = make_programme(org)
    org.employee.languages = "EN, German"
    org.employee.timezone = "Europe/Berlin"
    org.employee.save()
    participant = services.join_programme(
        actor=org.user("employee"),
        programme=programme,
        person=org.employee,
        data=services.ParticipationInput(role="mentee", capacity=3),
    )
    assert participant.languages == "en, german" and participant.timezone == "Europe/Berlin"
    assert participant.capacity == 0  # mentees take no mentees


def test_people_sign_up_only_themselves_unless_admin(org: Org) -> None:
    programme = make_programme(org)
    with pytest.raises(NotAllowed, match="only yourself"):
        services.join_programme(
            actor=org.user("manager"),
            programme=programme,
            person=org.employee,
            data=services.ParticipationInput(role="mentee"),
        )


def test_eligibility_by_team_or_role_and_state(org: Org) -> None:
    ops = Team.objects.get(name="Operations")
    programme = make_programme(org, eligible_teams=[ops])
    with pytest.raises(NotAllowed, match="open only to some teams"):
        join(org, programme, "employee", "mentee")
    assert join(org, programme, "outsider", "mentee").is_active
    draft = make_programme(org, state=ProgrammeState.DRAFT, name="Draft")
    with pytest.raises(NotAllowed, match="not open for sign-up"):
        join(org, draft, "employee", "mentee")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"role": "boss"}, "role"),
        ({"role": "mentor", "capacity": 0}, "capacity"),
        ({"role": "mentor", "capacity": 11}, "capacity"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"languages": "en, <script>"}, "languages"),
        ({"hours_per_month": 500}, "hours_per_month"),
    ],
)
def test_bad_sign_up_names_its_field(org: Org, changes: dict[str, Any], field: str) -> None:
    programme = make_programme(org)
    data = services.ParticipationInput(**{"role": "mentee", **changes})
    with pytest.raises(ServiceError) as caught:
        services.join_programme(
            actor=org.user("employee"), programme=programme, person=org.employee, data=data
        )
    assert caught.value.field == field


def test_excluding_oneself_is_refused(org: Org) -> None:
    programme = make_programme(org)
    with pytest.raises(ServiceError, match="exclude yourself"):
        join(org, programme, "employee", "mentee", excluded=[org.employee])


def test_joining_twice_conflicts_and_leaving_then_rejoining_reactivates(org: Org) -> None:
    programme = make_programme(org)
    first = join(org, programme, "employee", "mentee")
    with pytest.raises(Conflict, match="already joined"):
        join(org, programme, "employee", "mentee")
    services.leave_programme(actor=org.user("employee"), participant=first)
    again = join(org, programme, "employee", "both", capacity=2)
    assert again.pk == first.pk and again.is_active and again.role == "both"


def test_leaving_drops_proposals_but_not_a_published_pair(org: Org, matched: Programme) -> None:
    emil = Participant.objects.get(programme=matched, person=org.employee)
    services.leave_programme(actor=org.user("employee"), participant=emil)
    assert ("Otto Other", "Emil Employee") not in pairs_of(matched)
    matching.publish(actor=org.user("admin"), programme=matched)
    rita = Participant.objects.get(programme=matched, person=org.report2)
    with pytest.raises(Conflict, match="decline or end it"):
        services.leave_programme(actor=org.user("report2"), participant=rita)


def test_a_mentor_cannot_drop_capacity_below_their_pairs(org: Org, matched: Programme) -> None:
    matching.publish(actor=org.user("admin"), programme=matched)
    otto = Participant.objects.get(programme=matched, person=org.outsider_manager)
    with pytest.raises(Conflict, match="capacity of at least 2") as caught:
        services.update_participation(
            actor=org.user("outsider_manager"),
            participant=otto,
            data=services.ParticipationInput(role="mentor", capacity=1, languages="en"),
        )
    assert caught.value.field == "capacity"


def test_changing_a_sign_up_drops_its_unlocked_proposals(org: Org, matched: Programme) -> None:
    emil = Participant.objects.get(programme=matched, person=org.employee)
    services.update_participation(
        actor=org.user("employee"),
        participant=emil,
        data=services.ParticipationInput(role="mentee", languages="en", goals="Kubernetes"),
    )
    assert ("Otto Other", "Emil Employee") not in pairs_of(matched)
    assert AuditLog.objects.filter(action="mentoring.participant.update").exists()


# --- matching runs -------------------------------------------------------------------------


def test_a_run_proposes_the_only_complete_matching_and_keeps_its_outcome(
    org: Org, matched: Programme
) -> None:
    assert pairs_of(matched) == EXPECTED
    matched.refresh_from_db()
    assert matched.matched_at is not None
    assert matched.last_run["objective"] == "quality" and matched.last_run["unmatched"] == []
    pair = matched.pairs.first()
    assert pair is not None and pair.reasons and pair.weakest and 0 <= pair.score <= 1
    view = matching.proposal(matched)
    assert (view.mentees, view.mentees_matched, view.capacity, view.capacity_used) == (3, 3, 3, 3)
    assert all(len(row.strongest) <= 3 and row.weakest for row in view.proposed)
    assert view.other_objective == "coverage"


def test_a_run_honours_every_hard_rule(org: Org) -> None:
    programme = make_programme(org)
    join(org, programme, "lead", "mentor", capacity=3)
    join(org, programme, "outsider_manager", "mentor", capacity=3, languages="fr")
    join(org, programme, "employee", "mentee", excluded=[org.lead])
    join(org, programme, "report2", "mentee")
    join(org, programme, "outsider", "mentee")
    matching.run_matching(actor=org.user("admin"), programme=programme)
    # Emil excluded Lea; Otto speaks no English; Rita reports to Lea: only Olga has a mentor.
    assert pairs_of(programme) == {("Lea Lead", "Olga Outsider")}
    view = matching.proposal(programme)
    left = {(row.participant.person.full_name, row.side) for row in view.unmatched}
    assert left == {
        ("Emil Employee", "mentee"),
        ("Rita Report", "mentee"),
        ("Otto Other", "mentor"),
    }
    assert all(row.reason for row in view.unmatched)


def test_a_rerun_keeps_locked_pairs_and_replaces_the_rest(org: Org, matched: Programme) -> None:
    locked = matched.pairs.get(mentee=org.outsider)
    matching.lock_pair(actor=org.user("admin"), pair=locked, locked=True)
    others = set(matched.pairs.exclude(pk=locked.pk).values_list("pk", flat=True))
    outcome = matching.run_matching(actor=org.user("admin"), programme=matched)
    assert matched.pairs.filter(pk=locked.pk, locked=True).exists()
    assert not matched.pairs.filter(pk__in=others).exists()
    assert pairs_of(matched) == EXPECTED and outcome.proposed == 2


def test_the_objective_switch_is_stored(org: Org, matched: Programme) -> None:
    outcome = matching.run_matching(
        actor=org.user("admin"), programme=matched, objective="coverage"
    )
    matched.refresh_from_db()
    assert outcome.objective == "coverage" == matched.last_run["objective"]
    with pytest.raises(ServiceError, match="objective"):
        matching.run_matching(actor=org.user("admin"), programme=matched, objective="luck")


def test_only_admins_run_matching_and_only_open_programmes(org: Org) -> None:
    programme = make_programme(org, state=ProgrammeState.DRAFT)
    with pytest.raises(Conflict, match="Open the programme"):
        matching.run_matching(actor=org.user("admin"), programme=programme)
    with pytest.raises(NotAllowed):
        matching.run_matching(actor=org.user("manager"), programme=programme)


# --- review --------------------------------------------------------------------------------


def test_swap_refuses_a_hard_rule_with_a_clear_message(org: Org, matched: Programme) -> None:
    pair = matched.pairs.get(mentee=org.report2)
    with pytest.raises(ServiceError, match="same reporting line") as caught:
        matching.swap_mentor(actor=org.user("admin"), pair=pair, mentor=org.lead)
    assert caught.value.field == "mentor"
    with pytest.raises(ServiceError, match="not signed up as a mentor"):
        matching.swap_mentor(actor=org.user("admin"), pair=pair, mentor=org.manager)


def test_swap_refuses_a_full_mentor_then_accepts_a_free_one(org: Org, matched: Programme) -> None:
    pair = matched.pairs.get(mentee=org.employee)
    with pytest.raises(ServiceError, match="as many as they can take"):
        matching.swap_mentor(actor=org.user("admin"), pair=pair, mentor=org.lead)
    join(org, matched, "manager", "mentor", capacity=1)
    # Max manages Emil: still refused; a free mentor outside the line is accepted.
    with pytest.raises(ServiceError, match="reporting line"):
        matching.swap_mentor(actor=org.user("admin"), pair=pair, mentor=org.manager)
    join(org, matched, "admin", "mentor", capacity=1)
    swapped = matching.swap_mentor(actor=org.user("admin"), pair=pair, mentor=org.admin)
    assert swapped.mentor == org.admin and swapped.locked and swapped.reasons
    assert AuditLog.objects.filter(action="mentoring.pair.swap").exists()


def test_swap_candidates_rank_the_allowed_and_explain_the_rest(
    org: Org, matched: Programme
) -> None:
    join(org, matched, "admin", "mentor", capacity=1)
    pair = matched.pairs.get(mentee=org.report2)
    found = {c.participant.person.full_name: c for c in matching.swap_candidates(pair)}
    assert set(found) == {"Lea Lead", "Hana Admin"}
    assert found["Hana Admin"].score is not None and not found["Hana Admin"].problem
    assert "reporting line" in found["Lea Lead"].problem


def _one_by_one(pair: Pair) -> dict[str, tuple[float | None, list[str], str, str]]:
    """The swap candidates as the page computed them before ``mentor_options``: the hard
    rules, then ``score_pair`` for each mentor on its own."""
    from seedbed.mentoring import matching as matcher
    from seedbed.mentoring.services.programmes_rules import ProgrammeRules

    programme = pair.programme
    assert programme is not None
    rules = ProgrammeRules(programme, ignore_pair_id=pair.pk)
    mentee = programme.participants.get(person=pair.mentee)
    out: dict[str, tuple[float | None, list[str], str, str]] = {}
    for mentor in programme.participants.filter(is_active=True).select_related("person"):
        if not mentor.mentors or mentor.person_id in (pair.mentor_id, pair.mentee_id):
            continue
        problem = rules.problem(mentor, mentee)
        scored = None if problem else matcher.score_pair(programme, mentor.person, mentee.person)
        if problem or scored is None:
            out[mentor.person.full_name] = (None, [], "", problem or "below")
        else:
            strongest = [matcher.describe(r) for r in scored.reasons[: matching.STRONGEST_SHOWN]]
            weakest = matcher.describe(scored.weakest) if scored.weakest else ""
            out[mentor.person.full_name] = (scored.score, strongest, weakest, "")
    return out


def test_swap_candidates_score_as_score_pair_does_one_by_one(org: Org, matched: Programme) -> None:
    from seedbed.mentoring import matching as matcher
    from tests.builders import make_person
    from tests.test_mentoring_matching import level as _level

    python, k8s = Skill.objects.get(name="Python"), Skill.objects.get(name="Kubernetes")
    rita = matched.participants.get(person=org.report2)
    rita.goals = "Run Python services on Kubernetes"
    rita.save(update_fields=["goals"])
    rita.wants_skills.set([k8s])
    ops = Team.objects.get(name="Operations")
    mentors: dict[str, tuple[dict[Skill, int], list[Skill], dict[str, Any], str]] = {
        "Anna Alpha": ({python: 4}, [python], {"timezone": "Asia/Tokyo"}, "en"),
        "Bert Beta": ({k8s: 5, python: 2}, [k8s], {"team": ops}, "en, de"),
        "Cara Gamma": ({}, [], {}, "en"),
        "Dora Delta": ({k8s: 3}, [], {"start_date": date(2010, 1, 1)}, "German"),
        "Fred Fr": ({python: 5}, [python], {}, "fr"),
    }
    for name, (levels, offers, fields, languages) in mentors.items():
        person = make_person(name, **fields)
        for skill, value in levels.items():
            _level(person, skill, value)
        services.join_programme(
            actor=org.user("admin"),
            programme=matched,
            person=person,
            data=services.ParticipationInput(
                role="mentor", capacity=2, languages=languages, offers_skills=offers
            ),
        )
    rita.excluded.add(
        Participant.objects.get(programme=matched, person__full_name="Dora Delta").person
    )
    pair = matched.pairs.get(mentee=org.report2)
    scored_at: dict[float, set[str]] = {}
    for min_score in (0.0, 0.45):
        matched.min_score = min_score
        matched.save(update_fields=["min_score"])
        pair.refresh_from_db()
        found = {
            c.participant.person.full_name: (
                c.score,
                c.strongest,
                c.weakest,
                "below" if "below the programme's minimum" in c.problem else c.problem,
            )
            for c in matching.swap_candidates(pair)
        }
        assert found == _one_by_one(pair)
        scored_at[min_score] = {n for n, (score, *_r) in found.items() if score is not None}
        # The matcher's own answer for each allowed mentor is score_pair's, focus skills too.
        options = {o.mentor_id: o.pair for o in matcher.mentor_options(matched, org.report2)}
        for c in matching.swap_candidates(pair):
            if c.score is not None:
                person = c.participant.person
                assert options[person.pk] == matcher.score_pair(matched, person, org.report2)
    # The mix has a mentor of each kind: scored, ruled out by a hard rule, below the minimum.
    assert scored_at == {0.0: {"Anna Alpha", "Bert Beta", "Cara Gamma"}, 0.45: {"Bert Beta"}}
    assert found["Anna Alpha"][3] == found["Cara Gamma"][3] == "below"
    assert "share no language" in found["Fred Fr"][3]
    assert "asked never to be matched" in found["Dora Delta"][3]
    assert "same reporting line" in found["Lea Lead"][3]


def test_a_swap_stores_the_score_the_swap_page_and_a_run_show(org: Org, matched: Programme) -> None:
    """Rita's goal names Terraform, which only Bert holds: scored among the whole programme
    (a run, the swap page), Anna matches one of Rita's two goal skills; the stored pair must
    say the same as the page the admin chose from."""
    from seedbed.mentoring import matching as matcher
    from tests.builders import make_person, make_skill
    from tests.test_mentoring_matching import level as _level

    python, terraform = Skill.objects.get(name="Python"), make_skill("Terraform")
    rita = matched.participants.get(person=org.report2)
    rita.goals = "Python and Terraform"
    rita.save(update_fields=["goals"])
    anna, bert = make_person("Anna Alpha"), make_person("Bert Beta")
    _level(anna, python, 4)
    _level(bert, terraform, 4)
    for person, offers in ((anna, [python]), (bert, [])):
        services.join_programme(
            actor=org.user("admin"),
            programme=matched,
            person=person,
            data=services.ParticipationInput(role="mentor", languages="en", offers_skills=offers),
        )
    pair = matched.pairs.get(mentee=org.report2)
    shown = {c.participant.person_id: c for c in matching.swap_candidates(pair)}[anna.pk]
    run = {o.mentor_id: o.pair for o in matcher.mentor_options(matched, org.report2)}[anna.pk]
    assert run is not None and shown.score == run.score
    goals = next(r for r in run.reasons if r["factor"] == "goals")
    assert goals["detail"]["wanted"] == 2 and goals["value"] == 0.5  # Python of the two
    swapped = matching.swap_mentor(actor=org.user("admin"), pair=pair, mentor=anna)
    assert swapped.score == shown.score and swapped.reasons == run.reasons


def test_remove_and_lock_touch_proposed_pairs_only(org: Org, matched: Programme) -> None:
    pair = matched.pairs.get(mentee=org.employee)
    matching.remove_pair(actor=org.user("admin"), pair=pair)
    assert not Pair.objects.filter(pk=pair.pk).exists()
    view = matching.proposal(matched)
    assert any(r.participant.person == org.employee for r in view.unmatched)
    matching.publish(actor=org.user("admin"), programme=matched)
    published = matched.pairs.filter(state=PairState.PUBLISHED).first()
    assert published is not None
    with pytest.raises(Conflict, match="Only a proposed pair"):
        matching.lock_pair(actor=org.user("admin"), pair=published, locked=True)
    with pytest.raises(NotAllowed):
        matching.remove_pair(actor=org.user("manager"), pair=published)


# --- publishing and answers ----------------------------------------------------------------


def test_publish_asks_both_sides_and_starts_the_programme(org: Org, matched: Programme) -> None:
    assert matching.publish(actor=org.user("admin"), programme=matched) == 3
    matched.refresh_from_db()
    assert matched.state == ProgrammeState.RUNNING and matched.published_at is not None
    assert pairs_of(matched, PairState.PUBLISHED) == EXPECTED
    told = Notification.objects.filter(kind="mentoring")
    assert told.filter(recipient=org.outsider_manager).count() == 1  # one note, two mentees
    assert "Emil Employee" in told.get(recipient=org.outsider_manager).body
    assert told.filter(recipient=org.employee).exists()
    with pytest.raises(Conflict, match="no proposed pairs"):
        matching.publish(actor=org.user("admin"), programme=matched)


def test_both_accept_and_the_pair_is_active(org: Org, matched: Programme) -> None:
    matching.publish(actor=org.user("admin"), programme=matched)
    pair = matched.pairs.get(mentee=org.employee)
    matching.answer(actor=org.user("employee"), pair=pair, accept=True)
    assert pair.state == PairState.PUBLISHED and pair.mentee_answer == Answer.ACCEPTED
    with pytest.raises(NotAllowed):
        matching.answer(actor=org.user("manager"), pair=pair, accept=True)
    matching.answer(actor=org.user("outsider_manager"), pair=pair, accept=True)
    pair.refresh_from_db()
    assert pair.state == PairState.ACTIVE and pair.started_at and pair.last_activity_at
    with pytest.raises(Conflict, match="not waiting for answers"):
        matching.answer(actor=org.user("employee"), pair=pair, accept=False)


def test_a_decline_tells_hr_and_rematch_leaves_accepted_pairs_alone(
    org: Org, matched: Programme
) -> None:
    matching.publish(actor=org.user("admin"), programme=matched)
    accepted = matched.pairs.get(mentee=org.outsider)
    matching.answer(actor=org.user("outsider"), pair=accepted, accept=True)
    declined = matched.pairs.get(mentee=org.employee)
    matching.answer(actor=org.user("employee"), pair=declined, accept=False)
    declined.refresh_from_db()
    assert declined.state == PairState.DECLINED and declined.mentee_answer == Answer.DECLINED
    assert Notification.objects.filter(recipient=org.admin, title__contains="Declined").exists()
    assert Notification.objects.filter(
        recipient=org.outsider_manager, title__contains="will not go ahead"
    ).exists()
    join(org, matched, "admin", "mentor", capacity=1)
    matching.rematch(actor=org.user("admin"), programme=matched)
    # Emil gets the new mentor, never Otto again; the published and accepted pairs stay.
    assert pairs_of(matched) == {("Hana Admin", "Emil Employee")}
    assert matched.pairs.get(pk=accepted.pk).mentee_answer == Answer.ACCEPTED
    assert matched.pairs.filter(state=PairState.PUBLISHED).count() == 2


# --- requests ------------------------------------------------------------------------------


def test_a_direct_request_accepted_starts_an_active_pair(org: Org) -> None:
    python = Skill.objects.get(name="Python")
    sent = requests.ask_mentor(
        actor=org.user("employee"), mentor=org.outsider, skill=python, message="Please"
    )
    assert Notification.objects.filter(recipient=org.outsider, kind="mentoring").exists()
    with pytest.raises(NotAllowed):
        requests.accept_request(actor=org.user("employee"), request=sent)
    pair = requests.accept_request(actor=org.user("outsider"), request=sent)
    assert pair.state == PairState.ACTIVE and pair.origin == PairOrigin.REQUEST
    assert pair.programme is None and python in pair.focus_skills.all()
    sent.refresh_from_db()
    assert sent.state == MentorRequestState.ACCEPTED and sent.pair == pair
    with pytest.raises(Conflict, match="already answered"):
        requests.decline_request(actor=org.user("outsider"), request=sent)


def test_requests_obey_the_hard_rules(org: Org) -> None:
    with pytest.raises(ServiceError, match="reporting line"):
        requests.ask_mentor(actor=org.user("employee"), mentor=org.manager)
    with pytest.raises(ServiceError, match="themselves"):
        requests.ask_mentor(actor=org.user("employee"), mentor=org.employee)
    requests.ask_mentor(actor=org.user("employee"), mentor=org.outsider)
    with pytest.raises(ServiceError, match="already asked"):
        requests.ask_mentor(actor=org.user("employee"), mentor=org.outsider)


def test_a_request_in_a_programme_uses_the_mentors_capacity(org: Org) -> None:
    programme = make_programme(org)
    join(org, programme, "outsider_manager", "mentor", capacity=1)
    join(org, programme, "employee", "mentee")
    join(org, programme, "report2", "mentee")
    with pytest.raises(ServiceError, match="Join the programme"):
        requests.ask_mentor(
            actor=org.user("lead"), mentor=org.outsider_manager, programme=programme
        )
    first = requests.ask_mentor(
        actor=org.user("employee"), mentor=org.outsider_manager, programme=programme
    )
    second = requests.ask_mentor(
        actor=org.user("report2"), mentor=org.outsider_manager, programme=programme
    )
    preview = requests.preview(
        programme=programme, mentor=org.outsider_manager, mentee=org.employee
    )
    assert "already asked" in preview.problem
    pair = requests.accept_request(actor=org.user("outsider_manager"), request=first)
    assert pair.programme == programme and pair.reasons
    with pytest.raises(Conflict, match="as many as they can take"):
        requests.accept_request(actor=org.user("outsider_manager"), request=second)
    requests.withdraw_request(actor=org.user("report2"), request=second)
    second.refresh_from_db()
    assert second.state == MentorRequestState.WITHDRAWN


def test_only_the_mentor_declines_and_only_the_mentee_withdraws(org: Org) -> None:
    sent = requests.ask_mentor(actor=org.user("employee"), mentor=org.outsider)
    with pytest.raises(NotAllowed):
        requests.withdraw_request(actor=org.user("outsider"), request=sent)
    with pytest.raises(NotAllowed):
        requests.decline_request(actor=org.user("employee"), request=sent)
    requests.decline_request(actor=org.user("outsider"), request=sent)
    assert Notification.objects.filter(recipient=org.employee, title__contains="cannot").exists()


def test_requests_are_visible_to_the_two_people_and_hr(org: Org) -> None:
    sent = requests.ask_mentor(actor=org.user("employee"), mentor=org.outsider)
    for name, sees in [
        ("employee", True),
        ("outsider", True),
        ("admin", True),
        ("manager", False),
        ("outsider_manager", False),
    ]:
        assert requests.requests_visible_to(org.user(name)).filter(pk=sent.pk).exists() is sees
