"""Matching runs and what follows them: the admin's review (lock, swap, remove), publishing,
the two sides' answers, and re-matching the people left without a pair.

Life of a matched pair:
1. ``run_matching`` asks the matcher for a proposal and, in one transaction, replaces the
   programme's unlocked *proposed* pairs with it (locked, published, active and declined pairs
   stay; the matcher works around them). The outcome (objective, total, who is left unmatched
   and why) is kept on the programme for the review page.
2. The admin reviews: ``lock_pair`` keeps a pair through later runs, ``swap_mentor`` gives a
   mentee another mentor (checked against the hard rules and scored by the matcher),
   ``remove_pair`` drops one.
3. ``publish`` turns every proposed pair into one waiting for answers and tells both sides.
4. ``answer`` records each side's yes or no: both yes → active; one no → declined, and HR and
   the other side are told. ``rematch`` then runs the matcher again for whoever is left.

Only admins run, review and publish; only the two people in a pair answer for it.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seedbed.accounts.models import AccessLevel
from seedbed.accounts.services import audit
from seedbed.lib.errors import Conflict, NotAllowed, ServiceError
from seedbed.mentoring.models import (
    Answer,
    Objective,
    Pair,
    PairOrigin,
    PairState,
    Participant,
    Programme,
    ProgrammeState,
)
from seedbed.mentoring.services.programmes import OPEN_STATES, check_admin
from seedbed.mentoring.services.programmes_rules import LIVE, ProgrammeRules
from seedbed.notifications.models import Kind
from seedbed.notifications.services import notify
from seedbed.people.models import Person

if TYPE_CHECKING:
    from seedbed.accounts.models import User
    from seedbed.mentoring.matching import ProposedPair

STRONGEST_SHOWN = 3


# --- a run -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunOutcome:
    """What a run did: pairs proposed, pairs kept from before, people left unmatched."""

    objective: str
    proposed: int
    kept: int
    unmatched: int
    total_score: float
    seconds: float


def _check_matchable(programme: Programme) -> None:
    if programme.state not in OPEN_STATES:
        raise Conflict(_("Open the programme before matching it."))


def _pair_values(proposed: ProposedPair) -> dict[str, Any]:
    return {
        "score": round(float(proposed.score), 6),
        "reasons": list(proposed.reasons),
        "weakest": dict(proposed.weakest or {}),
    }


@transaction.atomic
def run_matching(
    *, actor: User, programme: Programme, objective: str | None = None, action: str = "run"
) -> RunOutcome:
    """Replace the unlocked proposed pairs with the matcher's proposal (``objective``: the
    programme's, unless given). Pairs that are locked, published, active or declined stay; a
    proposal that would clash with them (the mentee already has a mentor, the mentor is full,
    the two declined before) is dropped, should the matcher ever make one."""
    from seedbed.mentoring import matching

    check_admin(actor)
    _check_matchable(programme)
    if objective is not None and objective not in Objective.values:
        raise ServiceError(_("Choose an objective."), field="objective")
    started = time.perf_counter()
    programme.pairs.filter(state=PairState.PROPOSED, locked=False).delete()
    result = matching.propose(programme, objective=objective)
    fixed = list(programme.pairs.values_list("mentor_id", "mentee_id", "state"))
    declined = {(m, e) for m, e, s in fixed if s == PairState.DECLINED}
    mentee_taken = {e for _m, e, s in fixed if s in LIVE}
    load = Counter(m for m, _e, s in fixed if s in LIVE)
    capacity = dict(
        programme.participants.filter(is_active=True).values_list("person_id", "capacity")
    )
    now = timezone.now()
    rows: list[Pair] = []
    focus: list[list[int]] = []
    for proposed in result.pairs:
        mentor_id, mentee_id = proposed.mentor_id, proposed.mentee_id
        if (
            mentee_id in mentee_taken
            or load[mentor_id] >= capacity.get(mentor_id, 0)
            or (mentor_id, mentee_id) in declined
            or mentor_id == mentee_id
        ):
            continue
        mentee_taken.add(mentee_id)
        load[mentor_id] += 1
        rows.append(
            Pair(
                programme=programme,
                mentor_id=mentor_id,
                mentee_id=mentee_id,
                state=PairState.PROPOSED,
                origin=PairOrigin.MATCHING,
                created_at=now,
                **_pair_values(proposed),
            )
        )
        focus.append(list(proposed.focus_skill_ids))
    created = Pair.objects.bulk_create(rows, batch_size=500)
    through = Pair.focus_skills.through
    through.objects.bulk_create(
        [
            through(pair_id=pair.pk, skill_id=skill_id)
            for pair, skill_ids in zip(created, focus, strict=True)
            for skill_id in dict.fromkeys(skill_ids)
        ],
        batch_size=1000,
    )
    seconds = time.perf_counter() - started
    chosen = result.objective or objective or programme.objective
    programme.matched_at = now
    programme.last_run = {
        "objective": chosen,
        "total_score": round(float(result.total_score), 6),
        "seconds": round(seconds, 3),
        "ran_at": now.isoformat(),
        "unmatched": [
            {"person_id": u.person_id, "side": u.side, "reason": dict(u.reason)}
            for u in result.unmatched
        ],
    }
    programme.save(update_fields=["matched_at", "last_run"])
    kept = sum(1 for _m, _e, s in fixed if s in LIVE) - len(created)
    audit(
        actor=actor,
        action=f"mentoring.matching.{action}",
        obj=programme,
        summary=(
            f"Mentoring programme '{programme.name}' matched ({chosen}): "
            f"{len(created)} pairs proposed, {len(result.unmatched)} unmatched"
        ),
    )
    return RunOutcome(
        objective=chosen,
        proposed=len(created),
        kept=max(kept, 0),
        unmatched=len(result.unmatched),
        total_score=float(result.total_score),
        seconds=seconds,
    )


def rematch(*, actor: User, programme: Programme) -> RunOutcome:
    """Match again whoever is left without a pair (declined, new, unmatched), with the
    programme's objective; locked, published and accepted pairs are not touched."""
    return run_matching(actor=actor, programme=programme, action="rematch")


# --- the proposal as the admin reviews it --------------------------------------------------


@dataclass
class PairRow:
    """A pair with its reasons in words: the strongest three and the weakest point."""

    pair: Pair
    strongest: list[str]
    weakest: str


@dataclass
class UnmatchedRow:
    participant: Participant
    side: str
    reason: str


@dataclass
class ProposalView:
    programme: Programme
    proposed: list[PairRow]
    published: list[PairRow]
    active: list[PairRow]
    declined: list[PairRow]
    unmatched: list[UnmatchedRow]
    mentees: int = 0
    mentees_matched: int = 0
    mentors: int = 0
    capacity: int = 0
    capacity_used: int = 0
    total_score: float = 0.0
    last_run: dict[str, Any] = field(default_factory=dict)

    @property
    def share_matched(self) -> float:
        return self.mentees_matched / self.mentees if self.mentees else 0.0

    @property
    def objective(self) -> str:
        value = self.last_run.get("objective") or self.programme.objective
        return str(value) if value in Objective.values else str(self.programme.objective)

    @property
    def objective_label(self) -> str:
        return str(Objective(self.objective).label)

    @property
    def other_objective(self) -> str:
        if self.objective == Objective.QUALITY:
            return str(Objective.COVERAGE)
        return str(Objective.QUALITY)

    @property
    def other_objective_label(self) -> str:
        return str(Objective(self.other_objective).label)


def describe_reasons(pair: Pair) -> tuple[list[str], str]:
    """The strongest three reasons and the weakest point of a pair, in words."""
    from seedbed.mentoring.matching import describe

    strongest = [describe(r) for r in (pair.reasons or [])[:STRONGEST_SHOWN] if r]
    weakest = describe(pair.weakest) if pair.weakest else ""
    return strongest, weakest


def _unmatched_reason(side: str, stored: dict[tuple[int, str], dict[str, Any]], pid: int) -> str:
    from seedbed.mentoring.matching import Unmatched, describe_unmatched

    reason = stored.get((pid, side))
    if reason is None:
        return _("Not matched in the last run (joined or was freed since).")
    return describe_unmatched(Unmatched(person_id=pid, side=side, reason=reason))


def proposal(programme: Programme) -> ProposalView:
    """The programme's pairs by state, the people without a pair (with the last run's
    reason), and totals. Three queries, whatever the size."""
    pairs = list(
        programme.pairs.select_related("mentor__team", "mentee__team")
        .prefetch_related("focus_skills")
        .order_by("-score", "id")
    )
    participants = list(
        programme.participants.filter(is_active=True)
        .select_related("person__team")
        .order_by("person__full_name")
    )
    rows: dict[str, list[PairRow]] = {s: [] for s in PairState.values}
    for pair in pairs:
        strongest, weakest = describe_reasons(pair)
        rows[pair.state].append(PairRow(pair, strongest, weakest))
    live = [p for p in pairs if p.state in LIVE]
    with_mentor = {p.mentee_id for p in live}
    load = Counter(p.mentor_id for p in live)
    stored = {
        (int(u["person_id"]), str(u["side"])): dict(u.get("reason") or {})
        for u in (programme.last_run or {}).get("unmatched", [])
    }
    unmatched: list[UnmatchedRow] = []
    mentees = mentors = capacity = 0
    for part in participants:
        pid = part.person_id
        if part.mentees:
            mentees += 1
            if pid not in with_mentor:
                unmatched.append(
                    UnmatchedRow(part, "mentee", _unmatched_reason("mentee", stored, pid))
                )
        if part.mentors:
            mentors += 1
            capacity += part.capacity
            if load[pid] == 0:
                unmatched.append(
                    UnmatchedRow(part, "mentor", _unmatched_reason("mentor", stored, pid))
                )
    active_ids = {p.person_id for p in participants}
    return ProposalView(
        programme=programme,
        proposed=rows[PairState.PROPOSED],
        published=rows[PairState.PUBLISHED],
        active=rows[PairState.ACTIVE],
        declined=rows[PairState.DECLINED],
        unmatched=unmatched,
        mentees=mentees,
        mentees_matched=len(with_mentor & active_ids),
        mentors=mentors,
        capacity=capacity,
        capacity_used=sum(n for pid, n in load.items() if pid in active_ids),
        total_score=sum(p.score for p in live),
        last_run=programme.last_run or {},
    )


# --- review ------------------------------------------------------------------------------


def _check_proposed(pair: Pair) -> None:
    if pair.state != PairState.PROPOSED:
        raise Conflict(
            _("Only a proposed pair can be changed; this one is %(state)s.")
            % {"state": PairState(pair.state).label.lower()}
        )


@transaction.atomic
def lock_pair(*, actor: User, pair: Pair, locked: bool) -> Pair:
    """A locked pair survives later runs unchanged; unlocking lets the next run replace it."""
    check_admin(actor)
    _check_proposed(pair)
    if pair.locked != locked:
        pair.locked = locked
        pair.save(update_fields=["locked"])
        audit(
            actor=actor,
            action="mentoring.pair.lock" if locked else "mentoring.pair.unlock",
            obj=pair,
            summary=f"Proposed pair {pair.mentor} → {pair.mentee} {'locked' if locked else 'unlocked'}",
        )
    return pair


@transaction.atomic
def remove_pair(*, actor: User, pair: Pair) -> None:
    """Drop a proposed pair (its mentee shows as unmatched until the next run)."""
    check_admin(actor)
    _check_proposed(pair)
    audit(
        actor=actor,
        action="mentoring.pair.remove",
        obj=pair,
        summary=f"Proposed pair {pair.mentor} → {pair.mentee} removed",
    )
    pair.delete()


@dataclass
class Candidate:
    """A mentor a mentee could be swapped to: their load, the score and reasons the matcher
    gives the pair, or the hard rule that rules it out."""

    participant: Participant
    load: int
    score: float | None = None
    strongest: list[str] = field(default_factory=list)
    weakest: str = ""
    problem: str = ""


def _participant(programme: Programme, person_id: int) -> Participant | None:
    return (
        Participant.objects.filter(programme=programme, person_id=person_id, is_active=True)
        .select_related("person")
        .first()
    )


def _scored(programme: Programme, mentee: Participant) -> dict[int, ProposedPair | None]:
    """Mentor person id -> the matcher's pair with ``mentee`` (None: a hard rule or the
    minimum score forbids it), every mentor scored at once among the whole programme, as a
    run scores them (``matching.mentor_options``; ten queries whatever the number of
    mentors). Not ``score_pair`` per mentor: that is one query set per mentor (the scores
    are the same)."""
    from seedbed.mentoring.matching import mentor_options

    return {o.mentor_id: o.pair for o in mentor_options(programme, mentee.person)}


def _below_minimum(programme: Programme) -> str:
    return _(
        "The matcher rules this pair out: it scores below the programme's minimum of "
        "%(min)s, or a hard rule forbids it."
    ) % {"min": f"{programme.min_score:.2f}"}


def swap_candidates(pair: Pair) -> list[Candidate]:
    """Every mentor of the programme but the pair's own, best first; ruled-out ones last
    with the rule they break. A fixed number of queries whatever the number of mentors: the
    hard rules are loaded once (``ProgrammeRules``) and every mentor is scored for the mentee
    at once (``matching.mentor_options``: the numbers and reasons of ``score_pair``)."""
    from seedbed.mentoring.matching import describe

    programme = pair.programme
    assert programme is not None
    mentee = _participant(programme, pair.mentee_id)
    if mentee is None:
        return []
    rules = ProgrammeRules(programme, ignore_pair_id=pair.pk)
    mentors = [
        p
        for p in programme.participants.filter(is_active=True)
        .select_related("person")
        .order_by("person__full_name")
        if p.mentors and p.person_id not in (pair.mentor_id, pair.mentee_id)
    ]
    problems = {m.person_id: rules.problem(m, mentee) for m in mentors}
    # Scored only when some mentor passes the rules.
    scored = _scored(programme, mentee) if not all(problems.values()) else {}
    found: list[Candidate] = []
    for mentor in mentors:
        candidate = Candidate(mentor, rules.load[mentor.person_id])
        problem = problems[mentor.person_id]
        if problem:
            candidate.problem = problem
        else:
            option = scored.get(mentor.person_id)
            if option is None:
                candidate.problem = _below_minimum(programme)
            else:
                candidate.score = float(option.score)
                candidate.strongest = [describe(r) for r in option.reasons[:STRONGEST_SHOWN]]
                candidate.weakest = describe(option.weakest) if option.weakest else ""
        found.append(candidate)
    found.sort(key=lambda c: (c.score is None, -(c.score or 0.0), c.participant.person.full_name))
    return found


@transaction.atomic
def swap_mentor(*, actor: User, pair: Pair, mentor: Person) -> Pair:
    """Give the pair's mentee ``mentor`` instead. The new pair must obey every hard rule
    and be one the matcher would score; it takes the matcher's score and reasons and is
    locked, so a later run keeps the admin's choice."""
    check_admin(actor)
    _check_proposed(pair)
    programme = pair.programme
    assert programme is not None
    if mentor.pk == pair.mentor_id:
        raise ServiceError(
            _("%(name)s already mentors this mentee here.") % {"name": mentor.full_name},
            field="mentor",
        )
    new = _participant(programme, mentor.pk)
    if new is None or not new.mentors:
        raise ServiceError(
            _("%(name)s has not signed up as a mentor in this programme.")
            % {"name": mentor.full_name},
            field="mentor",
        )
    mentee = _participant(programme, pair.mentee_id)
    if mentee is None:
        raise Conflict(_("The mentee has left the programme; remove this pair instead."))
    problem = ProgrammeRules(programme, ignore_pair_id=pair.pk).problem(new, mentee)
    if problem:
        raise ServiceError(problem, field="mentor")
    scored = _scored(programme, mentee).get(mentor.pk)
    if scored is None:
        raise ServiceError(_below_minimum(programme), field="mentor")
    old_mentor = pair.mentor
    pair.mentor = mentor
    for key, value in _pair_values(scored).items():
        setattr(pair, key, value)
    pair.locked = True
    pair.save(update_fields=["mentor", "score", "reasons", "weakest", "locked"])
    pair.focus_skills.set(list(dict.fromkeys(scored.focus_skill_ids)))
    audit(
        actor=actor,
        action="mentoring.pair.swap",
        obj=pair,
        summary=f"Proposed pair for {pair.mentee}: mentor {old_mentor} → {mentor}",
        changes={"mentor": [old_mentor.pk, mentor.pk]},
    )
    return pair


# --- publishing and answers --------------------------------------------------------------


def _home_link() -> str:
    return reverse("mentoring:home")


@transaction.atomic
def publish(*, actor: User, programme: Programme) -> int:
    """Every proposed pair now waits for both sides' answers; both are told. An open
    programme starts running. Returns how many pairs were published."""
    check_admin(actor)
    _check_matchable(programme)
    pairs = list(
        programme.pairs.filter(state=PairState.PROPOSED).select_related("mentor", "mentee")
    )
    if not pairs:
        raise Conflict(_("There are no proposed pairs to publish; run the matching first."))
    now = timezone.now()
    Pair.objects.filter(pk__in=[p.pk for p in pairs]).update(
        state=PairState.PUBLISHED,
        published_at=now,
        locked=False,
        mentor_answer=Answer.PENDING,
        mentee_answer=Answer.PENDING,
    )
    programme.published_at = now
    fields = ["published_at"]
    if programme.state == ProgrammeState.OPEN:
        programme.state = ProgrammeState.RUNNING
        fields.append("state")
    programme.save(update_fields=fields)
    mentees_of: dict[int, list[str]] = {}
    mentor_of: dict[int, str] = {}
    for pair in pairs:
        mentees_of.setdefault(pair.mentor_id, []).append(pair.mentee.full_name)
        mentor_of[pair.mentee_id] = pair.mentor.full_name
    people = Person.objects.filter(pk__in=set(mentees_of) | set(mentor_of)).select_related("user")
    link = _home_link()

    def write(person: Person) -> tuple[str, str, str]:
        parts = []
        if person.pk in mentor_of:
            parts.append(
                _("%(mentor)s is proposed as your mentor.") % {"mentor": mentor_of[person.pk]}
            )
        if person.pk in mentees_of:
            names = mentees_of[person.pk]
            parts.append(
                ngettext(
                    "You are proposed as mentor of %(names)s.",
                    "You are proposed as mentor of %(names)s.",
                    len(names),
                )
                % {"names": ", ".join(names)}
            )
        parts.append(_("Accept or decline on your mentoring page."))
        title = _("Mentoring in %(programme)s: your match") % {"programme": programme.name}
        return title, " ".join(parts), link

    notify(recipients=people, kind=Kind.MENTORING, write=write)
    audit(
        actor=actor,
        action="mentoring.programme.publish",
        obj=programme,
        summary=f"Mentoring programme '{programme.name}': {len(pairs)} pairs published",
    )
    return len(pairs)


def admins_to_tell(programme: Programme | None) -> list[Person]:
    """Who hears about declined pairs: the programme's owner, else every active admin."""
    admins = Person.objects.filter(
        is_active=True, user__is_active=True, user__access_level=AccessLevel.ADMIN
    ).select_related("user")
    if programme is not None and programme.owner_id is not None:
        owner = list(admins.filter(user_id=programme.owner_id))
        if owner:
            return owner
    return list(admins)


@transaction.atomic
def answer(*, actor: User, pair: Pair, accept: bool) -> Pair:
    """The mentor or the mentee of a published pair accepts or declines it."""
    if pair.state != PairState.PUBLISHED:
        raise Conflict(
            _("This pair is not waiting for answers (it is %(state)s).")
            % {"state": PairState(pair.state).label.lower()}
        )
    sides = [
        s
        for s, person in (("mentor", pair.mentor), ("mentee", pair.mentee))
        if person.user_id == actor.pk
    ]
    if not sides:
        raise NotAllowed(_("Only the mentor and the mentee answer for a pair."))
    side = sides[0]
    value = Answer.ACCEPTED if accept else Answer.DECLINED
    setattr(pair, f"{side}_answer", value)
    fields = [f"{side}_answer"]
    now = timezone.now()
    if not accept:
        pair.state = PairState.DECLINED
        pair.ended_at = now
        fields += ["state", "ended_at"]
    elif pair.mentor_answer == Answer.ACCEPTED and pair.mentee_answer == Answer.ACCEPTED:
        pair.state = PairState.ACTIVE
        pair.started_at = now
        pair.last_activity_at = now
        fields += ["state", "started_at", "last_activity_at"]
    pair.save(update_fields=fields)
    audit(
        actor=actor,
        action="mentoring.pair.answer",
        obj=pair,
        summary=f"Pair {pair.mentor} → {pair.mentee}: the {side} {value}",
        changes={f"{side}_answer": [Answer.PENDING, value]},
    )
    _tell_about_answer(pair, side)
    return pair


def _tell_about_answer(pair: Pair, side: str) -> None:
    mentor, mentee = pair.mentor, pair.mentee
    programme = pair.programme
    where = programme.name if programme is not None else _("mentoring")
    link = _home_link()
    if pair.state == PairState.ACTIVE:

        def active(person: Person) -> tuple[str, str, str]:
            other = mentee if person.pk == mentor.pk else mentor
            return (
                _("Mentoring with %(name)s starts") % {"name": other.full_name},
                _("You both accepted the pair in %(where)s. Plan your first session.")
                % {"where": where},
                link,
            )

        notify(recipients=_with_users([mentor, mentee]), kind=Kind.MENTORING, write=active)
    elif pair.state == PairState.DECLINED:
        who = mentor if side == "mentor" else mentee
        other = mentee if side == "mentor" else mentor

        def to_other(person: Person) -> tuple[str, str, str]:
            return (
                _("Your mentoring pair in %(where)s will not go ahead") % {"where": where},
                _("%(name)s declined. HR will look for another match.") % {"name": who.full_name},
                link,
            )

        notify(recipients=_with_users([other]), kind=Kind.MENTORING, write=to_other)
        admin_link = (
            reverse("mentoring:matching", args=[programme.pk]) if programme is not None else link
        )

        def to_admin(person: Person) -> tuple[str, str, str]:
            return (
                _("Declined pair in %(where)s") % {"where": where},
                _("%(who)s declined the pair %(mentor)s → %(mentee)s. Re-match to find others.")
                % {"who": who.full_name, "mentor": mentor.full_name, "mentee": mentee.full_name},
                admin_link,
            )

        notify(recipients=admins_to_tell(programme), kind=Kind.MENTORING, write=to_admin)


def _with_users(people: Iterable[Person]) -> list[Person]:
    return list(Person.objects.filter(pk__in=[p.pk for p in people]).select_related("user"))


def my_pairs(user: User) -> Any:
    """Pairs the user is in (as mentor or mentee), proposals excluded: those are HR's."""
    return Pair.objects.exclude(state=PairState.PROPOSED).filter(
        Q(mentor__user=user) | Q(mentee__user=user)
    )
