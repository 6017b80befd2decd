"""Loading a programme as arrays for the matcher: ten queries whatever its size."""

from __future__ import annotations

import functools
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

from seedbed.frameworks.models import RoleRequirement
from seedbed.mentoring import analysis as an
from seedbed.mentoring.models import (
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


def goal_mentions(goals: list[str], terms: list[list[str]]) -> list[list[int]]:
    """For each goal text, the indices into ``terms`` of the skills whose name or an alias
    appears in it as whole words (sorted, each once). Terms of one or two characters ("R",
    "Go") must match with their case."""
    index = _term_index(tuple(tuple(names) for names in terms))
    out: list[list[int]] = []
    for text in goals:
        found: set[int] = set()
        toks = _tokens(text) if text else []
        if toks:
            lower = [t.lower() for t in toks]
            for length, case_sensitive, table in index:
                seq = toks if case_sensitive else lower
                for pos in range(len(seq) - length + 1):
                    hit = table.get(tuple(seq[pos : pos + length]))
                    if hit:
                        found.update(hit)
        out.append(sorted(found))
    return out


_Index = list[tuple[int, bool, dict[tuple[str, ...], list[int]]]]


@functools.lru_cache(maxsize=8)
def _term_index(terms: tuple[tuple[str, ...], ...]) -> _Index:
    """The terms as word tuples, grouped by number of words and by whether they match with
    their case (short terms) or lower-cased (the others): one dictionary look-up per position
    of a goal text and group. Cached: every load of a programme reads the same vocabulary."""
    tables: dict[tuple[int, bool], dict[tuple[str, ...], list[int]]] = {}
    for k, names in enumerate(terms):
        for name in names:
            words = tuple(_tokens(name))
            if not words:
                continue
            case_sensitive = len(name.strip()) < 3
            if not case_sensitive:
                words = tuple(w.lower() for w in words)
            tables.setdefault((len(words), case_sensitive), {}).setdefault(words, []).append(k)
    return [(n, case_sensitive, table) for (n, case_sensitive), table in sorted(tables.items())]


def skill_terms(name: str, aliases: Any) -> list[str]:
    """A skill's name and its aliases: what a goal text may name it by."""
    return [name, *[a for a in (aliases or []) if isinstance(a, str)]]


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
    # Query 9: the skills (names for goal texts and reasons, criticality for weights). A goal
    # text is read against every active skill in scope (the whole taxonomy when the programme
    # names none), never against the skills of whoever is loaded: a pair then scores the same
    # in a run, on its own (``only``) and among the mentors of one mentee.
    skill_set = (
        {s for _p, s, _l in level_rows}
        | {s for _p, s in wants_rows}
        | {s for _p, s in offers_rows}
        | {r[1] for r in reqs}
    )
    if scope:
        skill_set &= scope
    skill_qs = Skill.objects.filter(is_active=True)
    if any(r[6] for r in learners):
        if scope:
            skill_qs = skill_qs.filter(id__in=sorted(scope))
    else:
        skill_qs = skill_qs.filter(id__in=sorted(skill_set))
    skill_rows = list(skill_qs.order_by("id").values_list("id", "name", "aliases", "criticality"))
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
        skill_set,
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
    vocabulary: list[tuple[int, str, Any, str]],
    skill_set: set[int],
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
    # Skills: the columns are those of the participants' levels, wants, offers and role
    # requirements, and those a mentee's goal text names (``vocabulary``: the active skills in
    # scope, by id, when a mentee wrote one; else the former only). A named skill nobody here
    # holds still counts among the skills the mentee asked for.
    mentee_rows = [r for r in rows if r[2] in (ParticipantRole.MENTEE, ParticipantRole.BOTH)]
    mentor_rows = [r for r in rows if r[2] in (ParticipantRole.MENTOR, ParticipantRole.BOTH)]
    named = goal_mentions(
        [r[6] or "" for r in mentee_rows], [skill_terms(s[1], s[2]) for s in vocabulary]
    )
    named_any = {k for ks in named for k in ks}
    keep = [v for v, s in enumerate(vocabulary) if s[0] in skill_set or v in named_any]
    skill_rows = [vocabulary[v] for v in keep]
    column_of = {v: k for k, v in enumerate(keep)}
    skill_ids = np.array([s[0] for s in skill_rows], dtype=np.int64)
    col = {int(s): k for k, s in enumerate(skill_ids)}
    names = [s[1] for s in skill_rows]
    terms = [skill_terms(s[1], s[2]) for s in skill_rows]
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
    mentioned = np.zeros((len(mentee_rows), n_k), dtype=bool)
    for i, ks in enumerate(named):
        mentioned[i, [column_of[v] for v in ks]] = True
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
