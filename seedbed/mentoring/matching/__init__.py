"""The optimal mentoring matcher: loads a programme as matrices (a fixed number of queries),
scores every mentee × mentor pair, solves the assignment exactly (``analysis.solve``) and
explains each pair and each person left unmatched. Nothing is saved here: the programme
services store the proposal as ``Pair`` rows.

Who takes part: the programme's active participants whose person is active; "mentor" and
"both" are mentors, "mentee" and "both" mentees ("both" is never paired with themselves).

What a mentee needs (the rows of the skills factor, restricted to ``programme.skills`` when
the programme names skills):

- **gaps**: every requirement of their role and target role above their current level; the
  needed level is the higher requirement, the weight its importance (1–3);
- **wanted skills** (``Participant.wants_skills``) below the top level ``TOP``: needed is the
  requirement if it is above their level, else one level up but at least ``TEACHES`` (3);
  the weight is the importance + 1 when it is also a gap, else the skill's criticality (low 1,
  medium 2, high and critical 3).

Goal texts (``Participant.goals``, the goals factor) are read against every active skill in
the programme's scope, the whole taxonomy when it names none, by name and alias: never against
the skills of whoever happens to be loaded. So a named skill that nobody in the programme holds
still counts among what the mentee asked for, and a pair scores the same in a run
(``propose``), among one mentee's mentors (``mentor_options``: swaps) and on its own
(``score_pair``: requests, cross-training).

Hard rules (a pair breaking one is never proposed): the mentor's capacity (kept pairs count);
nobody with themselves; nobody with anyone above or below them in the reporting lines; the
exclusions of either side and pairs that were declined in this programme; a shared language
when the programme requires one (``Participant.languages``, else ``Person.languages``; a side
that lists no language has an unknown language, which counts as *not shared* under the rule
and 0.5 in the language factor otherwise); the programme's minimum score.

Kept pairs: published and active pairs of the programme and locked proposed ones. They use
their mentor's capacity, their mentee is not matched again, and they are not in the proposal.
Unlocked proposed pairs are ignored (the proposal replaces them).

Seniority (for the seniority factor): ``analysis.seniority`` of the depth in the reporting
lines (fewer managers above = more senior), the number of direct reports and the years since
``Person.start_date``.

Modules: ``loading`` (the ten queries and the arrays), ``explain`` (scores, hard-rule masks,
reasons), ``text`` (the sentences), ``results`` (what callers get); the maths is in
``seedbed.mentoring.analysis``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from seedbed.lib.errors import ServiceError
from seedbed.mentoring import analysis as an
from seedbed.mentoring.matching.explain import ScoreModel, score_model
from seedbed.mentoring.matching.loading import Inputs, language_list, load
from seedbed.mentoring.matching.results import MentorOption, Proposal, ProposedPair, Unmatched
from seedbed.mentoring.matching.text import (
    describe,
    describe_blocker,
    describe_unmatched,
    language_name,
)
from seedbed.mentoring.models import Objective, Programme
from seedbed.people.models import Person

__all__ = [
    "Inputs",
    "MentorOption",
    "Proposal",
    "ProposedPair",
    "ScoreModel",
    "Unmatched",
    "describe",
    "describe_blocker",
    "describe_unmatched",
    "language_list",
    "language_name",
    "load",
    "mentor_options",
    "pair_blockers",
    "propose",
    "score_model",
    "score_pair",
]


def propose(programme: Programme, *, objective: str | None = None) -> Proposal:
    """The optimal proposal for ``programme`` (``objective`` overrides the programme's:
    "quality" or "coverage"). Ten queries whatever the size of the programme; nothing is
    saved."""
    chosen = objective or programme.objective
    if chosen not in Objective.values:
        raise ServiceError(_("Unknown matching objective: %(objective)s") % {"objective": chosen})
    data = load(programme)
    model = score_model(data)
    kept = data.kept_cells()
    result = an.solve(model.score, model.allowed, data.capacity, objective=chosen, kept=kept)
    pairs = model.proposed_pairs(result.pairs)
    unmatched = model.unmatched(result, kept)
    return Proposal(chosen, pairs, unmatched, round(result.total, 4))


def score_pair(programme: Programme | None, mentor: Person, mentee: Person) -> ProposedPair | None:
    """The score and reasons of one pair as the programme's matcher sees it (its weights, what
    the two said when joining), or None if a hard rule forbids the pair (see ``pair_blockers``).
    The mentor's capacity is not checked here. Without a programme (a self-service request
    outside any programme) the default weights apply and only the reporting-line rule."""
    data = load(programme, only=(mentor.pk, mentee.pk))
    model = score_model(data)
    cell = model.cell(mentor.pk, mentee.pk)
    if cell is None or not model.allowed[cell]:
        return None
    return model.proposed_pair(*cell)


def pair_blockers(
    programme: Programme | None, mentor: Person, mentee: Person
) -> list[dict[str, Any]]:
    """The hard rules that forbid ``mentor`` with ``mentee``, as unmatched-style reasons
    (``{"code", "detail"}``, rendered by ``describe_unmatched``'s sentences through
    ``describe_blocker``); empty when the pair is allowed (capacity not checked)."""
    if mentor.pk == mentee.pk:
        return [{"code": "self", "detail": {}}]
    data = load(programme, only=(mentor.pk, mentee.pk))
    model = score_model(data)
    cell = model.cell(mentor.pk, mentee.pk)
    if cell is None:
        return [{"code": an.NO_CANDIDATE, "detail": {}}]
    return model.blockers_at(*cell)


def mentor_options(programme: Programme, mentee: Person) -> list[MentorOption]:
    """Every mentor of ``programme`` for ``mentee`` (one of its mentees), allowed ones best
    first, then the forbidden ones; for swaps and requests without a query per mentor. Ten
    queries whatever the size of the programme; empty if ``mentee`` is no active mentee
    there."""
    data = load(programme)
    model = score_model(data)
    rows = model.rows_of.get(mentee.pk)
    if not rows:
        return []
    i = rows[0]
    left, _placed = an.remaining(data.capacity, len(data.mentees.person_ids), data.kept_cells())
    allowed = [j for j in range(len(data.mentors.person_ids)) if model.allowed[i, j]]
    scored = dict(zip(allowed, model.proposed_pairs([(i, j) for j in allowed]), strict=True))
    options = []
    for j, pid in enumerate(data.mentors.person_ids):
        if model.self_pair[i, j]:
            continue
        blockers = model.blockers_at(i, j)
        options.append(MentorOption(int(pid), scored.get(j), blockers, int(left[j])))
    options.sort(key=lambda o: (o.pair is None, -(o.pair.score if o.pair else 0.0), o.mentor_id))
    return options
