"""Cross-training of knowledge at risk: proposals (holder as mentor, learners ranked by interest
then level, never the holder's reporting line), starting a pair, progress and clearing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse

from seedbed.lib.errors import Conflict, NotAllowed, ServiceError
from seedbed.mentoring.models import (
    Pair,
    PairOrigin,
    PairState,
    Participant,
    ParticipantRole,
    Programme,
    ProgrammeKind,
    Purpose,
)
from seedbed.mentoring.selectors import cross_training_by_skill
from seedbed.mentoring.services import cross_training as ct
from seedbed.notifications.models import Notification
from seedbed.people.models import Person
from seedbed.skills.models import Interest, Skill, SkillInterest, Source
from seedbed.skills.services import record_assertion
from tests.builders import make_person, make_skill
from tests.conftest import Org

pytestmark = pytest.mark.django_db


def rate(org: Org, person: Person, skill: Skill, level: int) -> None:
    record_assertion(
        actor=org.user("admin"), person=person, skill=skill, level=level, source=Source.ASSESSMENT
    )


def keen(person: Person, skill: Skill, interest: str = Interest.KEEN) -> None:
    SkillInterest.objects.create(person=person, skill=skill, interest=interest)


@dataclass
class Risk:
    skill: Skill
    holder: Person


@pytest.fixture
def risk(org: Org) -> Risk:
    """Terraform is critical and only the employee holds it (level 4). The report2 (under the
    lead, not in the employee's line) is keen at level 1; the outsider is happy at level 3;
    the lead has level 3 and said nothing; the manager (the holder's manager) is keen."""
    terraform = make_skill("Terraform", criticality="critical")
    rate(org, org.employee, terraform, 4)
    rate(org, org.report2, terraform, 1)
    rate(org, org.outsider, terraform, 3)
    rate(org, org.lead, terraform, 3)
    keen(org.report2, terraform)
    keen(org.outsider, terraform, Interest.HAPPY)
    keen(org.manager, terraform)
    return Risk(terraform, org.employee)


def _proposal(user, skill: Skill) -> ct.Proposal:  # type: ignore[no-untyped-def]
    return next(p for p in ct.proposals(user) if p.skill_id == skill.pk)


def test_the_holder_is_proposed_with_the_keenest_closest_learners(risk: Risk, org: Org) -> None:
    p = _proposal(org.user("admin"), risk.skill)
    assert (p.holder_id, p.target_level, p.critical, p.live) == (org.employee.pk, 4, True, 0)
    assert [c.person_id for c in p.learners] == [org.report2.pk, org.outsider.pk]
    assert p.learners[0].interest == "keen" and p.learners[1].level == 3
    # Then those who said nothing, closest to the level first; never the holder's manager.
    others = [c.person_id for c in p.others]
    assert others[0] == org.lead.pk
    assert org.manager.pk not in others and org.employee.pk not in others


def test_people_not_interested_leaving_or_without_login_are_not_proposed(
    risk: Risk, org: Org
) -> None:
    keen(org.lead, risk.skill, Interest.NONE)
    org.report2.leaving_on = org.report2.created_at.date()
    org.report2.save()
    nologin = make_person("No Login")
    rate(org, nologin, risk.skill, 3)
    p = _proposal(org.user("admin"), risk.skill)
    ids = {c.person_id for c in p.learners + p.others}
    assert not ids & {org.lead.pk, org.report2.pk, nologin.pk}
    assert p.learners[0].person_id == org.outsider.pk


def test_nobody_in_the_holders_reporting_line_is_proposed(org: Org) -> None:
    # The manager holds it: the lead, employee and report2 are all in his line.
    vault = make_skill("Vault", criticality="critical")
    rate(org, org.manager, vault, 5)
    for person in (org.lead, org.employee, org.report2):
        keen(person, vault)
    p = _proposal(org.user("admin"), vault)
    ids = {c.person_id for c in p.learners + p.others}
    assert not ids & {org.lead.pk, org.employee.pk, org.report2.pk}
    assert org.outsider.pk in ids


def test_skills_with_two_holders_or_none_get_no_proposal(risk: Risk, org: Org) -> None:
    rate(org, org.outsider, risk.skill, 4)  # a second holder: no longer at risk
    orphan = make_skill("Fortran", criticality="critical")  # nobody holds it
    skills = {p.skill_id for p in ct.proposals(org.user("admin"))}
    assert risk.skill.pk not in skills and orphan.pk not in skills


def test_managers_see_their_line_and_employees_nothing(risk: Risk, org: Org) -> None:
    p = _proposal(org.user("manager"), risk.skill)
    ids = {c.person_id for c in p.learners + p.others}
    assert org.outsider.pk not in ids and org.report2.pk in ids
    assert risk.skill.pk not in {p.skill_id for p in ct.proposals(org.user("outsider_manager"))}
    with pytest.raises(NotAllowed):
        ct.proposals(org.user("employee"))


def test_starting_creates_a_published_pair_in_the_cross_training_programme(
    risk: Risk, org: Org
) -> None:
    pair = ct.start(
        actor=org.user("admin"), skill=risk.skill, mentor=org.employee, mentee=org.report2
    )
    assert (pair.state, pair.origin, pair.skill, pair.target_level) == (
        PairState.PUBLISHED,
        PairOrigin.CROSS_TRAINING,
        risk.skill,
        4,
    )
    assert list(pair.focus_skills.all()) == [risk.skill]
    programme = pair.programme
    assert programme is not None
    assert (programme.purpose, programme.kind) == (Purpose.CROSS_TRAINING, ProgrammeKind.EVERGREEN)
    roles = dict(Participant.objects.filter(programme=programme).values_list("person_id", "role"))
    assert roles == {
        org.employee.pk: ParticipantRole.MENTOR,
        org.report2.pk: ParticipantRole.MENTEE,
    }
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert told == {org.employee.pk, org.report2.pk}
    assert pair.reasons, "the matcher explains the pair"
    # The second pair reuses the programme; the proposal shrinks to what is left.
    ct.start(actor=org.user("admin"), skill=risk.skill, mentor=org.employee, mentee=org.outsider)
    assert Programme.objects.filter(purpose=Purpose.CROSS_TRAINING).count() == 1
    p = _proposal(org.user("admin"), risk.skill)
    assert p.live == 2 and p.learners == []
    assert {c.mentee_id for c in cross_training_by_skill([risk.skill.pk])[risk.skill.pk]} == {
        org.report2.pk,
        org.outsider.pk,
    }


@pytest.mark.parametrize(
    ("mentor", "mentee", "error", "message"),
    [
        ("employee", "manager", ServiceError, "same reporting line"),
        ("employee", "employee", ServiceError, "cannot cross-train themselves"),
        ("lead", "report2", ServiceError, "does not hold"),
        ("employee", "admin", ServiceError, None),  # admin is fine... unless not interested
    ],
)
def test_bad_pairs_are_refused(
    risk: Risk, org: Org, mentor: str, mentee: str, error: type, message: str | None
) -> None:
    if message is None:
        keen(org.admin, risk.skill, Interest.NONE)
        message = "not interested"
    with pytest.raises(error, match=message):
        ct.start(
            actor=org.user("admin"),
            skill=risk.skill,
            mentor=getattr(org, mentor),
            mentee=getattr(org, mentee),
        )
    assert not Pair.objects.exists()


def test_a_skill_not_at_risk_or_a_learner_twice_is_a_conflict(risk: Risk, org: Org) -> None:
    ct.start(actor=org.user("admin"), skill=risk.skill, mentor=org.employee, mentee=org.report2)
    with pytest.raises(Conflict, match="already cross-training"):
        ct.start(actor=org.user("admin"), skill=risk.skill, mentor=org.employee, mentee=org.report2)
    rate(org, org.lead, risk.skill, 4)
    with pytest.raises(Conflict, match="not at risk"):
        ct.start(
            actor=org.user("admin"), skill=risk.skill, mentor=org.employee, mentee=org.outsider
        )


def test_a_declined_pair_is_not_proposed_again_by_hand(risk: Risk, org: Org) -> None:
    pair = ct.start(
        actor=org.user("admin"), skill=risk.skill, mentor=org.employee, mentee=org.report2
    )
    pair.state = PairState.DECLINED
    pair.mentee_answer = "declined"
    pair.save()
    with pytest.raises(ServiceError, match="declined before"):
        ct.start(actor=org.user("admin"), skill=risk.skill, mentor=org.employee, mentee=org.report2)


def test_managers_start_only_within_their_line(risk: Risk, org: Org) -> None:
    with pytest.raises(NotAllowed, match="not in your reporting line"):
        ct.start(
            actor=org.user("manager"), skill=risk.skill, mentor=org.employee, mentee=org.outsider
        )
    pair = ct.start(
        actor=org.user("manager"), skill=risk.skill, mentor=org.employee, mentee=org.report2
    )
    assert pair.state == PairState.PUBLISHED
    with pytest.raises(NotAllowed):
        ct.start(actor=org.user("employee"), skill=risk.skill, mentor=org.employee, mentee=org.lead)


def test_progress_and_the_risk_clears_when_the_learner_reaches_the_level(
    risk: Risk, org: Org
) -> None:
    pair = ct.start(
        actor=org.user("admin"), skill=risk.skill, mentor=org.employee, mentee=org.outsider
    )
    row = ct.rows(org.user("admin")).get(pk=pair.pk)
    assert (row.learner_level, row.cleared) == (3, False)  # type: ignore[attr-defined]
    assert ct.progress_percent(3, 4) == 75
    rate(org, org.outsider, risk.skill, 4)
    row = ct.rows(org.user("admin")).get(pk=pair.pk)
    assert row.cleared  # type: ignore[attr-defined]
    assert list(ct.rows(org.user("admin"), ct.RowFilters(cleared=True))) == [row]
    assert not ct.rows(org.user("admin"), ct.RowFilters(cleared=False)).exists()
    # The gap engine now sees two holders: no proposal any more.
    assert risk.skill.pk not in {p.skill_id for p in ct.proposals(org.user("admin"))}


def test_rows_are_scoped_and_hide_levels_a_manager_may_not_see(risk: Risk, org: Org) -> None:
    pair = ct.start(
        actor=org.user("admin"), skill=risk.skill, mentor=org.employee, mentee=org.outsider
    )
    # The manager leads the mentor, not the learner: sees the pair, not the learner's level.
    row = ct.rows(org.user("manager")).get(pk=pair.pk)
    assert not row.level_visible  # type: ignore[attr-defined]
    assert ct.rows(org.user("outsider_manager")).get(pk=pair.pk).level_visible  # type: ignore[attr-defined]
    assert not ct.rows(org.user("lead")).exists()
    assert list(ct.rows(org.user("admin"), ct.RowFilters(q="terra"))) == [pair]
    assert not ct.rows(org.user("admin"), ct.RowFilters(q="nothing")).exists()


# --- pages ---------------------------------------------------------------------------------


def test_cross_training_page_lists_proposals_and_accepts_one(risk: Risk, org: Org, clients) -> None:  # type: ignore[no-untyped-def]
    url = reverse("mentoring:cross_training")
    body = clients["admin"].get(url).content.decode()
    assert "Terraform" in body and "Emil Employee" in body and "keen to grow it" in body
    response = clients["admin"].post(
        reverse("mentoring:cross_training_start"),
        {"skill": risk.skill.pk, "mentor": org.employee.pk, "mentee": org.report2.pk},
    )
    assert response.status_code == 302
    pair = Pair.objects.get()
    body = clients["admin"].get(url).content.decode()
    assert reverse("mentoring:pair", args=[pair.pk]) in body and "Waiting for answers" in body
    assert pair.programme is not None
    assert reverse("mentoring:metrics", args=[pair.programme.pk]) in body


def test_cross_training_page_shows_cleared(risk: Risk, org: Org, clients) -> None:  # type: ignore[no-untyped-def]
    ct.start(actor=org.user("admin"), skill=risk.skill, mentor=org.employee, mentee=org.outsider)
    rate(org, org.outsider, risk.skill, 4)
    body = clients["admin"].get(reverse("mentoring:cross_training")).content.decode()
    assert "cleared" in body


def test_cross_training_page_refuses_bad_input_with_a_message(
    risk: Risk, org: Org, clients
) -> None:  # type: ignore[no-untyped-def]
    response = clients["admin"].post(
        reverse("mentoring:cross_training_start"),
        {"skill": risk.skill.pk, "mentor": org.employee.pk, "mentee": "999999"},
        follow=True,
    )
    assert "Choose a learner from the list." in response.content.decode()
    response = clients["admin"].post(
        reverse("mentoring:cross_training_start"),
        {"skill": risk.skill.pk, "mentor": org.employee.pk, "mentee": org.manager.pk},
        follow=True,
    )
    assert "same reporting line" in response.content.decode()
    assert not Pair.objects.exists()


def test_cross_training_filters(risk: Risk, org: Org, clients) -> None:  # type: ignore[no-untyped-def]
    plain = make_skill("Excel")
    require_role = org.employee.role
    assert require_role is not None
    from tests.builders import require

    require(require_role, plain, 2)
    rate(org, org.outsider, plain, 5)
    url = reverse("mentoring:cross_training")
    body = clients["admin"].get(url).content.decode()
    assert "Terraform" in body and "Excel" in body
    body = clients["admin"].get(url, {"critical": "on"}).content.decode()
    assert "Terraform" in body and ">Excel<" not in body
    body = clients["admin"].get(url, {"q": "excel"}).content.decode()
    assert ">Terraform<" not in body and "Excel" in body
    found = ct.proposals(org.user("admin"))
    assert [p.skill_name for p in ct.filter_proposals(found, q="TERRA")] == ["Terraform"]
    assert [p.skill_name for p in ct.filter_proposals(found, critical=True)] == ["Terraform"]
    # A person's name finds the skills they hold or could learn.
    assert {p.skill_name for p in ct.filter_proposals(found, q="olga")} == {"Terraform", "Excel"}


def test_cross_training_exports(risk: Risk, org: Org, clients) -> None:  # type: ignore[no-untyped-def]
    ct.start(actor=org.user("admin"), skill=risk.skill, mentor=org.employee, mentee=org.outsider)
    url = reverse("mentoring:cross_training")
    proposals = clients["admin"].get(url, {"format": "csv", "table": "proposals"})
    assert "Rita Report" in proposals.content.decode("utf-8-sig")
    response = clients["admin"].get(url, {"format": "csv", "table": "pairs"})
    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200 and "Terraform" in text and "Olga Outsider" in text
    assert clients["admin"].get(url, {"format": "xlsx", "table": "pairs"}).status_code == 200
    assert clients["admin"].get(url, {"format": "pdf", "table": "pairs"}).status_code == 400
    assert clients["admin"].get(url, {"format": "csv", "table": "x"}).status_code == 400


@pytest.mark.parametrize("who", ["employee", "outsider"])
def test_employees_cannot_open_or_use_cross_training(
    risk: Risk, org: Org, clients, who: str
) -> None:  # type: ignore[no-untyped-def]
    assert clients[who].get(reverse("mentoring:cross_training")).status_code == 403
    response = clients[who].post(
        reverse("mentoring:cross_training_start"),
        {"skill": risk.skill.pk, "mentor": org.employee.pk, "mentee": org.report2.pk},
    )
    assert response.status_code == 302
    assert not Pair.objects.exists()


def test_outsider_manager_sees_no_proposal_or_pair_of_another_line(
    risk: Risk,
    org: Org,
    clients,  # type: ignore[no-untyped-def]
) -> None:
    ct.start(actor=org.user("admin"), skill=risk.skill, mentor=org.employee, mentee=org.report2)
    body = clients["outsider_manager"].get(reverse("mentoring:cross_training")).content.decode()
    assert "Terraform" not in body and "Rita Report" not in body


def test_cross_training_page_query_count_is_fixed(
    risk: Risk,
    org: Org,
    clients,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    ct.start(actor=org.user("admin"), skill=risk.skill, mentor=org.employee, mentee=org.report2)
    for n in range(4):
        skill = make_skill(f"Risky {n}", criticality="critical")
        rate(org, org.outsider, skill, 4)
        learner = make_person(f"Learner {n}", access="employee")
        rate(org, learner, skill, 2)
        ct.start(actor=org.user("admin"), skill=skill, mentor=org.outsider, mentee=learner)
    # 1 session, 2 user, 3 count and 4 page of cross-training pairs, 5-9 the organisation's
    # matrix (people, requirements, needs, levels, critical skills), 10 the directory,
    # 11 interests, 12 live cross-training, 13 skill names, 14 the cross-training programme,
    # 15 unread notifications.
    with django_assert_num_queries(15):
        response = clients["admin"].get(reverse("mentoring:cross_training"))
    assert response.status_code == 200
