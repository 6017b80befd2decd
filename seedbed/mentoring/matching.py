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
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
from django.conf.locale import LANG_INFO
from django.db.models import Q
from django.utils import timezone as dj_timezone
from django.utils.formats import number_format
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext as _

from seedbed.frameworks.models import RoleRequirement
from seedbed.lib.errors import ServiceError
from seedbed.mentoring import analysis as an
from seedbed.mentoring.models import (
    Objective,
    Pair,
    PairState,
    Participant,
    ParticipantRole,
    Programme,
    default_weights,
)
from seedbed.people.models import Person
from seedbed.skills.models import Criticality, PersonSkill, Skill

NONE = an.NONE
TOP = 5  # the highest level of the default scale: nobody needs more
TEACHES = an.TEACHES
FOCUS_SKILLS = 5  # focus skills kept per pair
CRITICALITY_WEIGHT = {
    Criticality.LOW: 1.0,
    Criticality.MEDIUM: 2.0,
    Criticality.HIGH: 3.0,
    Criticality.CRITICAL: 3.0,
}
KEPT_STATES = (PairState.PUBLISHED, PairState.ACTIVE)


# --- the public interface ---------------------------------------------------------------------


@dataclass(frozen=True)
class ProposedPair:
    """A pair the matcher proposes, with its score (0..1), the three strongest factors and the
    weakest one (``{"factor", "value", "detail"}``, rendered by ``describe``) and the skills the
    pair should work on, best first."""

    mentor_id: int
    mentee_id: int
    score: float
    reasons: list[dict[str, Any]]
    weakest: dict[str, Any]
    focus_skill_ids: list[int]


@dataclass(frozen=True)
class Unmatched:
    """A mentee the proposal leaves without a mentor, or a mentor with room and no mentee, with
    the most informative reason: ``{"code": ..., "detail": {...}}`` (see ``describe_unmatched``).
    """

    person_id: int
    side: str  # "mentor" or "mentee"
    reason: dict[str, Any]


@dataclass(frozen=True)
class Proposal:
    objective: str
    pairs: list[ProposedPair]
    unmatched: list[Unmatched]
    total_score: float


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


@dataclass(frozen=True)
class MentorOption:
    """One mentor of the programme for a given mentee: the scored pair, or None with the hard
    rules that forbid it (``blockers``, as ``pair_blockers``), and the places the mentor has
    left after the programme's published, active and locked pairs (unlocked proposals are
    not counted: a new run replaces them)."""

    mentor_id: int
    pair: ProposedPair | None
    blockers: list[dict[str, Any]]
    room: int


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


# --- loading ------------------------------------------------------------------------------------


@dataclass
class Side:
    """The people on one side (mentees or mentors) and what they said when joining."""

    person_ids: np.ndarray  # Person ids
    person_idx: np.ndarray  # indices into ``Inputs.parent``
    names: list[str]
    languages: list[list[str]]
    zones: list[str]
    offsets: np.ndarray  # UTC offset in hours now, NaN when unknown
    teams: np.ndarray  # team id, 0 for none
    seniority: np.ndarray
    wants: np.ndarray  # (n, K) bool
    offers: np.ndarray  # (n, K) bool
    excluded: list[set[int]]  # person ids they will not be matched with
    levels: np.ndarray  # (n, K) current levels
    capacity: np.ndarray  # mentees they can take (mentors)
    goals: list[str]


@dataclass
class Inputs:
    programme: Programme | None
    weights: dict[str, float]
    team_preference: str
    reverse: bool
    require_language: bool
    min_score: float
    skill_ids: np.ndarray  # K
    skill_names: list[str]
    skill_terms: list[list[str]]  # name and aliases, for goal texts
    skill_weight: np.ndarray  # criticality weight per skill
    mentees: Side
    mentors: Side
    need: np.ndarray  # (M, K)
    need_weight: np.ndarray  # (M, K)
    mentioned: np.ndarray  # (M, K) bool: skills the goal text names
    parent: np.ndarray
    declined: set[tuple[int, int]]  # (mentor person, mentee person)
    kept: list[tuple[int, int]]  # (mentor person, mentee person)
    capacity: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def kept_cells(self) -> list[tuple[int, int]]:
        """Kept pairs as (mentee row, mentor column); -1 where that side is not matched here."""
        rows = {int(p): i for i, p in enumerate(self.mentees.person_ids)}
        cols = {int(p): j for j, p in enumerate(self.mentors.person_ids)}
        return [(rows.get(mentee, -1), cols.get(mentor, -1)) for mentor, mentee in self.kept]


_TOKEN = re.compile(r"[\w+#]+(?:[.\-][\w+#]+)*")


def normalise_language(text: str) -> str:
    """A language as a code: "en", "German" and "Deutsch" become "en" and "de"."""
    t = text.strip().lower().replace("_", "-")
    if t in LANG_INFO:
        return t
    if not _LANG_BY_NAME:
        for code, info in LANG_INFO.items():
            if "name" in info:
                _LANG_BY_NAME.setdefault(str(info["name"]).lower(), code)
                _LANG_BY_NAME.setdefault(str(info.get("name_local", "")).lower(), code)
    if t in _LANG_BY_NAME:
        return _LANG_BY_NAME[t]
    base = t.split("-")[0]
    return base if base in LANG_INFO else t


_LANG_BY_NAME: dict[str, str] = {}


def language_list(text: str) -> list[str]:
    found: list[str] = []
    for part in text.split(","):
        if part.strip():
            code = normalise_language(part)
            if code not in found:
                found.append(code)
    return found


def utc_offset_hours(zone: str, now: datetime) -> float:
    """The zone's offset from UTC at ``now``, in hours (NaN for an unknown zone)."""
    try:
        off = now.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return float("nan")
    return off.total_seconds() / 3600.0 if off is not None else float("nan")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def mentioned_skills(goals: list[str], terms: list[list[str]]) -> np.ndarray:
    """(M, K) bool: the skills whose name or an alias appears as whole words in each goal text.
    Terms of one or two characters ("R", "Go") must match with their case."""
    index: dict[str, list[tuple[tuple[str, ...], int, bool]]] = {}
    for k, names in enumerate(terms):
        for name in names:
            words = tuple(_tokens(name))
            if not words:
                continue
            exact = len(name.strip()) < 3
            key = words[0] if exact else words[0].lower()
            index.setdefault(key, []).append((words, k, exact))
    out = np.zeros((len(goals), len(terms)), dtype=bool)
    for i, text in enumerate(goals):
        if not text:
            continue
        toks = _tokens(text)
        lower = [t.lower() for t in toks]
        for pos, tok in enumerate(toks):
            for key in {tok, lower[pos]}:
                for words, k, exact in index.get(key, ()):
                    seq = toks if exact else lower
                    want = words if exact else tuple(w.lower() for w in words)
                    if tuple(seq[pos : pos + len(want)]) == want:
                        out[i, k] = True
    return out


def load(programme: Programme | None, *, only: tuple[int, int] | None = None) -> Inputs:
    """Everything the matcher needs, as arrays: ten queries whatever the number of
    participants (a query whose filter is empty is skipped by Django). ``only``: the (mentor,
    mentee) person ids of a single pair, each as the programme's participant if they are one,
    else as in the directory; one query more."""
    now = dj_timezone.now()
    today = dj_timezone.localdate()
    fields = (
        "id",
        "person_id",
        "role",
        "capacity",
        "languages",
        "timezone",
        "goals",
        "person__languages",
        "person__timezone",
        "person__team_id",
        "person__role_id",
        "person__target_role_id",
        "person__start_date",
        "person__full_name",
    )
    # Query 1: the participants (and their people).
    if programme is not None:
        part_qs = Participant.objects.filter(
            programme=programme, is_active=True, person__is_active=True
        )
        if only is not None:
            part_qs = part_qs.filter(person_id__in=only)
    else:
        part_qs = Participant.objects.none()
    rows: list[tuple[Any, ...]] = list(part_qs.order_by("id").values_list(*fields))
    # Later reads select by subquery: no list of ids to send (or to prepare) per query.
    part_sub = part_qs.values("id")
    if only is not None:
        # One pair: each person as the programme's participant if they are one (in the role
        # asked for here), else as they are in the directory.
        by_person = {r[1]: r for r in rows}
        people = {
            p[0]: p
            for p in Person.objects.filter(pk__in=only)
            .order_by()
            .values_list(
                "id",
                "languages",
                "timezone",
                "team_id",
                "role_id",
                "target_role_id",
                "start_date",
                "full_name",
            )
        }
        rows = []
        for pid, role in ((only[0], ParticipantRole.MENTOR), (only[1], ParticipantRole.MENTEE)):
            base = by_person.get(pid)
            if base is not None:
                rows.append((*base[:2], role, *base[3:]))
            elif pid in people:
                rows.append((0, pid, role, 1, "", "", "", *people[pid][1:]))
    # Query 2: the manager map of everyone (reporting lines, depth, direct reports).
    manager_rows = list(Person.objects.order_by().values_list("id", "manager_id"))
    # Queries 3–5: skills wanted and offered, people excluded.
    through_w = Participant.wants_skills.through.objects.filter(participant_id__in=part_sub)
    wants_rows = list(through_w.values_list("participant_id", "skill_id"))
    through_o = Participant.offers_skills.through.objects.filter(participant_id__in=part_sub)
    offers_rows = list(through_o.values_list("participant_id", "skill_id"))
    through_x = Participant.excluded.through.objects.filter(participant_id__in=part_sub)
    excluded_rows = list(through_x.values_list("participant_id", "person_id"))
    # Query 6: the skills in scope.
    scope: set[int] = set()
    if programme is not None:
        scope = set(
            Programme.skills.through.objects.filter(programme=programme).values_list(
                "skill_id", flat=True
            )
        )
    # Query 7: requirements of the mentees' roles and target roles.
    learners = [r for r in rows if r[2] in (ParticipantRole.MENTEE, ParticipantRole.BOTH)]
    role_ids = {r[10] for r in learners if r[10]} | {r[11] for r in learners if r[11]}
    reqs = list(
        RoleRequirement.objects.filter(role_id__in=role_ids)
        .order_by()
        .values_list("role_id", "skill_id", "required_level", "importance")
    )
    # Query 8: current levels of the participants.
    people_filter = (
        Q(person_id__in=only) if only is not None else Q(person_id__in=part_qs.values("person_id"))
    )
    level_rows = list(
        PersonSkill.objects.filter(people_filter)
        .order_by()
        .values_list("person_id", "skill_id", "level")
    )
    # Query 9: the skills (names for goal texts and reasons, criticality for weights).
    skill_set = (
        {s for _p, s, _l in level_rows}
        | {s for _p, s in wants_rows}
        | {s for _p, s in offers_rows}
        | {r[1] for r in reqs}
    )
    if scope:
        skill_set &= scope
    skill_rows = list(
        Skill.objects.filter(id__in=sorted(skill_set), is_active=True)
        .order_by("id")
        .values_list("id", "name", "aliases", "criticality")
    )
    # Query 10: pairs of the programme that stay or must not come back.
    kept: list[tuple[int, int]] = []
    declined: set[tuple[int, int]] = set()
    if programme is not None:
        for mentor_pid, mentee_pid, state in (
            Pair.objects.filter(programme=programme)
            .filter(
                Q(state__in=KEPT_STATES)
                | Q(state=PairState.PROPOSED, locked=True)
                | Q(state=PairState.DECLINED)
            )
            .order_by("id")
            .values_list("mentor_id", "mentee_id", "state")
        ):
            if state == PairState.DECLINED:
                declined.add((mentor_pid, mentee_pid))
            else:
                kept.append((mentor_pid, mentee_pid))
    return _assemble(
        programme,
        rows,
        manager_rows,
        wants_rows,
        offers_rows,
        excluded_rows,
        reqs,
        level_rows,
        skill_rows,
        kept,
        declined,
        now,
        today,
    )


def _assemble(
    programme: Programme | None,
    rows: list[tuple[Any, ...]],
    manager_rows: Sequence[tuple[int, int | None]],
    wants_rows: list[tuple[int, int]],
    offers_rows: list[tuple[int, int]],
    excluded_rows: list[tuple[int, int]],
    reqs: list[tuple[int, int, int, int]],
    level_rows: list[tuple[int, int, int]],
    skill_rows: list[tuple[int, str, Any, str]],
    kept: list[tuple[int, int]],
    declined: set[tuple[int, int]],
    now: datetime,
    today: date,
) -> Inputs:
    # People and the reporting lines.
    ids = np.array(sorted({p for p, _m in manager_rows}), dtype=np.int64)
    idx = {int(p): i for i, p in enumerate(ids)}
    parent = np.full(len(ids), -1, dtype=np.int64)
    for p, m in manager_rows:
        if m is not None and m in idx:
            parent[idx[p]] = idx[m]
    depth = an.depths(parent)
    reports = np.bincount(parent[parent >= 0], minlength=len(ids))
    # Skills.
    skill_ids = np.array([s[0] for s in skill_rows], dtype=np.int64)
    col = {int(s): k for k, s in enumerate(skill_ids)}
    names = [s[1] for s in skill_rows]
    terms = [[s[1], *[a for a in (s[2] or []) if isinstance(a, str)]] for s in skill_rows]
    crit = np.array(
        [CRITICALITY_WEIGHT.get(Criticality(s[3]), 2.0) for s in skill_rows], dtype=np.float64
    )
    n_k = len(skill_ids)
    wants_of: dict[int, list[int]] = {}
    for pid, sid in wants_rows:
        if sid in col:
            wants_of.setdefault(pid, []).append(col[sid])
    offers_of: dict[int, list[int]] = {}
    for pid, sid in offers_rows:
        if sid in col:
            offers_of.setdefault(pid, []).append(col[sid])
    excluded_of: dict[int, set[int]] = {}
    for pid, person in excluded_rows:
        excluded_of.setdefault(pid, set()).add(person)
    # Levels as (person, skill column, level) arrays, scattered into each side's matrix.
    lv = np.array(level_rows, dtype=np.int64).reshape(-1, 3)
    lv_k = np.searchsorted(skill_ids, lv[:, 1])
    known_k = lv_k < n_k
    known_k[known_k] = skill_ids[lv_k[known_k]] == lv[known_k, 1]
    lv, lv_k = lv[known_k], lv_k[known_k]

    offsets: dict[str, float] = {}

    def offset_of(zone: str) -> float:
        if zone not in offsets:
            offsets[zone] = utc_offset_hours(zone, now) if zone else float("nan")
        return offsets[zone]

    def side(members: list[tuple[Any, ...]]) -> Side:
        n = len(members)
        wants = np.zeros((n, n_k), dtype=bool)
        offers = np.zeros((n, n_k), dtype=bool)
        levels = np.full((n, n_k), NONE, dtype=np.int64)
        for r, row in enumerate(members):
            wants[r, wants_of.get(row[0], [])] = True
            offers[r, offers_of.get(row[0], [])] = True
        pids = np.array([row[1] for row in members], dtype=np.int64)
        order = np.argsort(pids, kind="stable")
        pos = np.searchsorted(pids[order], lv[:, 0])
        mine = pos < n
        mine[mine] = pids[order][pos[mine]] == lv[mine, 0]
        levels[order[pos[mine]], lv_k[mine]] = lv[mine, 2]
        person_idx = np.array([idx.get(row[1], len(ids)) for row in members], dtype=np.int64)
        known = person_idx < len(ids)
        dep = np.zeros(n, dtype=np.int64)
        rep = np.zeros(n, dtype=np.int64)
        dep[known] = depth[person_idx[known]]
        rep[known] = reports[person_idx[known]]
        tenure = np.array(
            [(today - row[12]).days / 365.25 if row[12] else 0.0 for row in members],
            dtype=np.float64,
        )
        zones = [row[5] or row[8] or "" for row in members]
        return Side(
            person_ids=np.array([row[1] for row in members], dtype=np.int64),
            person_idx=np.where(known, person_idx, -1),
            names=[row[13] for row in members],
            languages=[language_list(row[4] or row[7] or "") for row in members],
            zones=zones,
            offsets=np.array([offset_of(z) for z in zones], dtype=np.float64),
            teams=np.array([row[9] or 0 for row in members], dtype=np.int64),
            seniority=an.seniority(dep, rep, tenure),
            wants=wants,
            offers=offers,
            excluded=[excluded_of.get(row[0], set()) for row in members],
            levels=levels,
            capacity=np.array([row[3] for row in members], dtype=np.int64),
            goals=[row[6] or "" for row in members],
        )

    mentee_rows = [r for r in rows if r[2] in (ParticipantRole.MENTEE, ParticipantRole.BOTH)]
    mentor_rows = [r for r in rows if r[2] in (ParticipantRole.MENTOR, ParticipantRole.BOTH)]
    mentees, mentors = side(mentee_rows), side(mentor_rows)
    # What the mentees need: gaps of their role and target role, and wanted skills.
    role_list = sorted(
        {r[10] for r in mentee_rows if r[10]} | {r[11] for r in mentee_rows if r[11]}
    )
    role_pos = {rid: i + 1 for i, rid in enumerate(role_list)}  # row 0: no role
    req_level = np.full((len(role_list) + 1, n_k), NONE, dtype=np.int64)
    req_imp = np.zeros((len(role_list) + 1, n_k), dtype=np.float64)
    for rid, sid, lvl, imp in reqs:
        if rid in role_pos and sid in col:
            req_level[role_pos[rid], col[sid]] = lvl
            req_imp[role_pos[rid], col[sid]] = imp
    own = np.array([role_pos.get(r[10], 0) for r in mentee_rows], dtype=np.int64)
    target = np.array([role_pos.get(r[11], 0) for r in mentee_rows], dtype=np.int64)
    required = np.maximum(req_level[own], req_level[target])
    importance = np.maximum(req_imp[own], req_imp[target])
    cur = np.maximum(mentees.levels, 0)
    gap = (required >= 0) & (cur < required)
    wanted = mentees.wants & (cur < TOP)
    want_level = np.minimum(TOP, np.maximum(np.maximum(cur + 1, TEACHES), required))
    need = np.where(gap, required, np.where(wanted, want_level, NONE))
    need_weight = np.where(gap, importance + wanted, np.where(wanted, crit[None, :], 0.0)).astype(
        np.float64
    )
    mentioned = mentioned_skills(mentees.goals, terms)
    weights = default_weights() if programme is None else dict(programme.weights or {})
    preference = "cross" if programme is None else programme.team_preference
    return Inputs(
        programme=programme,
        weights=an.normalised_weights(weights, team_preference=preference),
        team_preference=preference,
        reverse=programme is not None and programme.is_reverse,
        require_language=programme is not None and programme.require_shared_language,
        min_score=0.0 if programme is None else float(programme.min_score or 0.0),
        skill_ids=skill_ids,
        skill_names=names,
        skill_terms=terms,
        skill_weight=crit,
        mentees=mentees,
        mentors=mentors,
        need=need,
        need_weight=need_weight,
        mentioned=mentioned,
        parent=parent,
        declined=declined,
        kept=kept,
        capacity=mentors.capacity,
    )


# --- scores and reasons -------------------------------------------------------------------------


def per_row(mask: np.ndarray) -> list[np.ndarray]:
    """The column indices of the True cells of each row of a 2-D mask."""
    r, k = np.nonzero(mask)
    return np.split(k, np.searchsorted(r, np.arange(1, mask.shape[0])))


def _first_name(name: str) -> str:
    return name.split()[0] if name.strip() else name


class ScoreModel:
    """The factor matrices, scores and hard-rule masks of a programme (mentees × mentors), and
    the explanations of single pairs and of people left unmatched."""

    def __init__(self, data: Inputs) -> None:
        self.data = data
        me, mo = data.mentees, data.mentors
        m, n = len(me.person_ids), len(mo.person_ids)
        self.factors: dict[str, np.ndarray] = {}
        self.factors["skills"] = an.skill_complementarity(
            data.need, me.levels, data.need_weight, mo.levels
        )
        teachable = mo.offers | (mo.levels >= TEACHES)
        self.factors["goals"], _hits = an.goal_fit(me.wants, data.mentioned, mo.offers, teachable)
        self.teachable = teachable
        langs = sorted({c for ls in [*me.languages, *mo.languages] for c in ls})
        lpos = {c: i for i, c in enumerate(langs)}
        me_l = np.zeros((m, len(langs)), dtype=bool)
        mo_l = np.zeros((n, len(langs)), dtype=bool)
        for i, ls in enumerate(me.languages):
            me_l[i, [lpos[c] for c in ls]] = True
        for j, ls in enumerate(mo.languages):
            mo_l[j, [lpos[c] for c in ls]] = True
        self.factors["language"], self.shared = an.language_fit(me_l, mo_l)
        self.factors["timezone"] = an.timezone_fit(me.offsets, mo.offsets)
        self.factors["teams"] = an.team_fit(me.teams, mo.teams, data.team_preference)
        self.factors["seniority"] = an.seniority_fit(
            me.seniority, mo.seniority, reverse=data.reverse
        )
        self.score = an.combine(self.factors, data.weights)
        # Hard rules.
        self_pair = me.person_ids[:, None] == mo.person_ids[None, :]
        line = an.reporting_line(me.person_idx, mo.person_idx, data.parent)
        excluded = np.zeros((m, n), dtype=bool)
        rows_of: dict[int, list[int]] = {}
        cols_of: dict[int, list[int]] = {}
        for i, p in enumerate(me.person_ids):
            rows_of.setdefault(int(p), []).append(i)
        for j, p in enumerate(mo.person_ids):
            cols_of.setdefault(int(p), []).append(j)
        for i, persons in enumerate(me.excluded):
            for p in persons:
                excluded[i, cols_of.get(p, [])] = True
        for j, persons in enumerate(mo.excluded):
            for p in persons:
                excluded[rows_of.get(p, []), j] = True
        for mentor_pid, mentee_pid in data.declined:
            for i in rows_of.get(mentee_pid, []):
                excluded[i, cols_of.get(mentor_pid, [])] = True
        no_language = ~self.shared if data.require_language else np.zeros((m, n), dtype=bool)
        below = an.quantised(self.score) < round(data.min_score * an.SCALE)
        self.blocked = {
            "no_shared_language": no_language,
            "reporting_line": line,
            "excluded": excluded,
            "below_min_score": below,
        }
        self.self_pair = self_pair
        self.allowed = ~(self_pair | line | excluded | no_language | below)
        self.rows_of, self.cols_of = rows_of, cols_of

    def blockers_at(self, i: int, j: int) -> list[dict[str, Any]]:
        """The hard rules that forbid the pair (mentee row i, mentor column j)."""
        found: list[dict[str, Any]] = []
        for code in an.BLOCKERS:
            if self.blocked[code][i, j]:
                detail: dict[str, Any] = {}
                if code == "below_min_score":
                    detail = {
                        "best": round(float(self.score[i, j]), 4),
                        "min_score": self.data.min_score,
                    }
                found.append({"code": code, "detail": detail})
        return found

    def cell(self, mentor_pid: int, mentee_pid: int) -> tuple[int, int] | None:
        rows = self.rows_of.get(mentee_pid)
        cols = self.cols_of.get(mentor_pid)
        if not rows or not cols:
            return None
        return rows[0], cols[0]

    # -- pairs -----------------------------------------------------------------------------

    def proposed_pair(self, i: int, j: int) -> ProposedPair:
        return self.proposed_pairs([(i, j)])[0]

    def proposed_pairs(self, cells: Sequence[tuple[int, int]]) -> list[ProposedPair]:
        """The proposed pairs for (mentee row, mentor column) cells, with their reasons. The
        per-skill arrays are computed for all the cells at once."""
        if not cells:
            return []
        d, me, mo = self.data, self.data.mentees, self.data.mentors
        rows = np.array([i for i, _j in cells], dtype=np.int64)
        cols = np.array([j for _i, j in cells], dtype=np.int64)
        need, cur, mlv = d.need[rows], me.levels[rows], mo.levels[cols]
        contrib = an.pair_skill_contributions(need, cur, d.need_weight[rows], mlv)
        gap = np.where(need >= 0, need - np.maximum(cur, 0), 0)
        # Focus: needs the mentor covers (most first, then the bigger gap), then goal skills
        # the mentor offers though no level of theirs is known.
        extra = ((need >= 0) | me.wants[rows] | d.mentioned[rows]) & mo.offers[cols] & (mlv < 0)
        goal_hit = (me.wants[rows] & mo.offers[cols]) | (d.mentioned[rows] & self.teachable[cols])
        asked = (me.wants[rows] | d.mentioned[rows]).sum(axis=1)
        n_needs = (need >= 0).sum(axis=1)
        hours = an.clock_distance(me.offsets[rows], mo.offsets[cols])
        diff = mo.seniority[cols] - me.seniority[rows]
        values = {f: self.factors[f][rows, cols] for f in an.FACTORS}
        # The few skills of each pair, found at once for all pairs.
        covered_at, extra_at, goal_at = (per_row(contrib > 0), per_row(extra), per_row(goal_hit))
        out = []
        for p, (i, j) in enumerate(cells):
            covered = covered_at[p]
            covered = covered[np.lexsort((-gap[p, covered], -contrib[p, covered]))]
            focus = [int(k) for k in covered]
            focus += [int(k) for k in extra_at[p] if int(k) not in focus]
            name = _first_name(me.names[i])
            skills: dict[str, Any] = {"mentee": name, "needs": int(n_needs[p])}
            if len(covered):
                k = int(covered[0])
                lvl = int(cur[p, k])
                skills |= {
                    "skill_id": int(d.skill_ids[k]),
                    "skill": d.skill_names[k],
                    "mentor_level": int(mlv[p, k]),
                    "needed": int(need[p, k]),
                    "mentee_level": None if lvl < 0 else lvl,
                    "covered": len(covered),
                }
            ks = [int(k) for k in goal_at[p]]
            ks.sort(key=lambda k: (-float(d.need_weight[i, k]), d.skill_names[k]))
            shared = [c for c in me.languages[i] if c in mo.languages[j]]
            if shared:
                state = "shared"
            elif not me.languages[i] or not mo.languages[j]:
                state = "unknown"
            else:
                state = "none"
            same_team = (
                None if not (me.teams[i] and mo.teams[j]) else bool(me.teams[i] == mo.teams[j])
            )
            gap_sen = float(diff[p])
            detail: dict[str, dict[str, Any]] = {
                "skills": skills,
                "goals": {
                    "mentee": name,
                    "skills": [d.skill_names[k] for k in ks[:3]],
                    "skill_ids": [int(d.skill_ids[k]) for k in ks[:3]],
                    "matched": len(ks),
                    "wanted": int(asked[p]),
                },
                "language": {"state": state, "shared": shared},
                "timezone": {
                    "hours": None if np.isnan(hours[p]) else round(float(hours[p]), 1),
                    "mentor_zone": mo.zones[j],
                    "mentee_zone": me.zones[i],
                },
                "teams": {"same": same_team, "preference": d.team_preference},
                "seniority": {
                    "reverse": d.reverse,
                    "mentor": "more" if gap_sen > 0.05 else "less" if gap_sen < -0.05 else "same",
                    "difference": round(gap_sen, 2),
                },
            }
            strong, weakest = self._rank({f: float(values[f][p]) for f in an.FACTORS}, detail)
            out.append(
                ProposedPair(
                    mentor_id=int(mo.person_ids[j]),
                    mentee_id=int(me.person_ids[i]),
                    score=round(float(self.score[i, j]), 4),
                    reasons=strong,
                    weakest=weakest,
                    focus_skill_ids=[int(d.skill_ids[k]) for k in focus[:FOCUS_SKILLS]],
                )
            )
        return out

    def _rank(
        self, values: dict[str, float], detail: dict[str, dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The three strongest factors (largest weight × value, value above 0) and the weakest
        of the others (lowest value; on a tie the one weighing more)."""
        w = self.data.weights
        items: list[dict[str, Any]] = [
            {"factor": f, "value": round(values[f], 3), "detail": detail[f]}
            for f in an.FACTORS
            if w[f] > 0
        ]

        def strength(r: dict[str, Any]) -> tuple[float, int]:
            return (-w[r["factor"]] * float(r["value"]), an.FACTORS.index(r["factor"]))

        strong = sorted((r for r in items if float(r["value"]) > 0), key=strength)[:3]
        rest = [r for r in items if r not in strong] or items
        weakest: dict[str, Any] = min(
            rest, key=lambda r: (float(r["value"]), -w[r["factor"]]), default={}
        )
        return strong, weakest

    # -- people left unmatched -------------------------------------------------------------

    def unmatched(self, result: an.Matching, kept: list[tuple[int, int]]) -> list[Unmatched]:
        d, me, mo = self.data, self.data.mentees, self.data.mentors
        left, placed = an.remaining(d.capacity, len(me.person_ids), kept)
        matched_rows = {i for i, _j in result.pairs} | {i for i, _j in kept if i >= 0}
        busy_cols = {j for _i, j in result.pairs} | {j for _i, j in kept if j >= 0}
        out: list[Unmatched] = []
        has_room = d.capacity > 0
        for i in range(len(me.person_ids)):
            if i in matched_rows:
                continue
            code, detail = an.why_unmatched(
                {c: b[i] for c, b in self.blocked.items()},
                has_room & ~self.self_pair[i],
                self.allowed[i],
                left > 0,
            )
            self._best(detail, code, self.score[i], has_room & ~self.self_pair[i])
            out.append(Unmatched(int(me.person_ids[i]), "mentee", {"code": code, "detail": detail}))
        open_rows = ~placed
        for j in range(len(mo.person_ids)):
            if j in busy_cols or d.capacity[j] <= 0:
                continue
            candidate = open_rows & ~self.self_pair[:, j]
            code, detail = an.why_unmatched(
                {c: b[:, j] for c, b in self.blocked.items()},
                candidate,
                self.allowed[:, j],
                np.ones(len(me.person_ids), dtype=bool),
            )
            self._best(detail, code, self.score[:, j], candidate)
            out.append(Unmatched(int(mo.person_ids[j]), "mentor", {"code": code, "detail": detail}))
        return out

    def _best(
        self, detail: dict[str, Any], code: str, scores: np.ndarray, candidate: np.ndarray
    ) -> None:
        if code == "below_min_score" and candidate.any():
            detail["best"] = round(float(scores[candidate].max()), 4)
            detail["min_score"] = self.data.min_score


def score_model(data: Inputs) -> ScoreModel:
    """The factor matrices, scores and hard-rule masks of loaded inputs (no queries)."""
    return ScoreModel(data)


# --- sentences ---------------------------------------------------------------------------------


def language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def _level(value: Any) -> str:
    return "–" if value is None else str(value)


def describe(reason: dict[str, Any]) -> str:
    """One translated sentence for a factor of a pair (``ProposedPair.reasons`` or
    ``weakest``), e.g. "Level 4 in Kubernetes where Emil needs 3" or "Shares German"."""
    factor = reason.get("factor")
    d: dict[str, Any] = reason.get("detail") or {}
    name = str(d.get("mentee", ""))
    if factor == "skills":
        if d.get("skill"):
            return _("Level %(level)s in %(skill)s where %(name)s needs %(needed)s") % {
                "level": _level(d.get("mentor_level")),
                "skill": d["skill"],
                "name": name,
                "needed": _level(d.get("needed")),
            }
        if not d.get("needs"):
            return _("%(name)s has no skill gaps or wanted skills in scope") % {"name": name}
        return _("Holds none of the skills %(name)s needs above %(name)s's level") % {"name": name}
    if factor == "goals":
        skills = list(d.get("skills") or [])
        if skills:
            return _("Can help with %(skills)s, which %(name)s wants to learn") % {
                "skills": ", ".join(skills),
                "name": name,
            }
        if not d.get("wanted"):
            return _("%(name)s named no skills as goals") % {"name": name}
        return ngettext(
            "Cannot help with the skill %(name)s wants to learn",
            "Can help with none of the %(count)d skills %(name)s wants to learn",
            int(d["wanted"]),
        ) % {"count": int(d["wanted"]), "name": name}
    if factor == "language":
        if d.get("state") == "shared":
            return _("Shares %(languages)s") % {
                "languages": ", ".join(language_name(c) for c in d.get("shared", []))
            }
        if d.get("state") == "unknown":
            return _("Languages not known")
        return _("No language in common")
    if factor == "timezone":
        hours = d.get("hours")
        if hours is None:
            return _("Time zone not known")
        if hours == 0:
            return _("No time difference")
        value = float(hours)
        shown = number_format(int(value) if value.is_integer() else round(value, 1))
        return _("Time zones %(hours)s h apart") % {"hours": shown}
    if factor == "teams":
        same, pref = d.get("same"), d.get("preference")
        if same is None:
            return _("Team not known")
        if pref == "same":
            return (
                _("From the same team")
                if same
                else _("From different teams (the programme prefers pairs within a team)")
            )
        return (
            _("From the same team (the programme prefers pairs across teams)")
            if same
            else _("From different teams")
        )
    if factor == "seniority":
        mentor, reverse = d.get("mentor"), bool(d.get("reverse"))
        # Less than a reporting level apart: only a little (direct reports, tenure).
        slight = abs(float(d.get("difference") or 0.0)) < 0.9
        if mentor == "same":
            return _("About equally senior")
        if mentor == "less":
            if reverse:
                return (
                    _("The mentor is only a little more junior (reverse mentoring)")
                    if slight
                    else _("The mentor is more junior, as reverse mentoring intends")
                )
            return (
                _("The mentor is a little more junior")
                if slight
                else _("The mentor is more junior")
            )
        if reverse:
            return _("The mentor is more senior (reverse mentoring prefers a junior mentor)")
        return (
            _("The mentor is only a little more senior")
            if slight
            else _("The mentor is more senior")
        )
    return str(factor or "")


def describe_blocker(code: str, side: str, detail: dict[str, Any]) -> str:
    """One translated sentence for a reason code (``Unmatched.reason`` or ``pair_blockers``),
    from the point of view of a person on ``side`` ("mentor" or "mentee")."""
    n = int(detail.get("candidates", 0))
    mentee = side == "mentee"
    if code == "self":
        return _("Nobody can mentor themselves")
    if code == an.NO_CANDIDATE:
        return (
            _("No mentor in the programme has room for a mentee")
            if mentee
            else _("No mentee in the programme is waiting for a mentor")
        )
    if code == an.CAPACITY:
        return _("Every suitable mentor is already at capacity")
    if code == an.OUTCOMPETED:
        k = int(detail.get("suitable", 0))
        if mentee:
            return ngettext(
                "The one suitable mentor fits other mentees better",
                "The %(count)d suitable mentors fit other mentees better",
                k,
            ) % {"count": k}
        return ngettext(
            "The one suitable mentee fits other mentors better",
            "The %(count)d suitable mentees fit other mentors better",
            k,
        ) % {"count": k}
    if code == "no_shared_language":
        if not detail:
            return _("No language in common (the programme requires one)")
        return ngettext(
            "No language in common with the one possible partner",
            "No language in common with %(count)d of the %(total)d possible partners",
            n,
        ) % {"count": int(detail.get("blocked", {}).get(code, n)), "total": n}
    if code == "reporting_line":
        if not detail:
            return _("One reports to the other (directly or further down)")
        return ngettext(
            "The one possible partner is in the same reporting line",
            "%(count)d of the %(total)d possible partners are in the same reporting line",
            n,
        ) % {"count": int(detail.get("blocked", {}).get(code, n)), "total": n}
    if code == "excluded":
        if not detail:
            return _("Excluded by one of the two, or declined before")
        return ngettext(
            "The one possible partner is excluded or declined before",
            "%(count)d of the %(total)d possible partners are excluded or declined before",
            n,
        ) % {"count": int(detail.get("blocked", {}).get(code, n)), "total": n}
    if code == "below_min_score":
        if "best" in detail:
            return _("No pair reaches the minimum score of %(min)s (best %(best)s)") % {
                "min": number_format(float(detail.get("min_score", 0)), 2),
                "best": number_format(float(detail["best"]), 2),
            }
        return _("The pair scores below the programme's minimum")
    return code


def describe_unmatched(u: Unmatched) -> str:
    """One translated sentence for why ``u`` stays unmatched."""
    return describe_blocker(str(u.reason.get("code", "")), u.side, u.reason.get("detail") or {})
