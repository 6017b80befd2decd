"""Programme metrics: how many people got a pair, how pairs meet, how satisfied they are, how
far their goals got, and whether mentees grew more than similar people outside the programme.

The figures are read with a fixed number of queries (``programme_metrics``) and computed by the
pure functions below (``level_changes``), which take NumPy arrays and use the same level rule
as the gap engine (``seedbed.gaps.analysis.levels_at``) on the assertion history.

**Scope.** HR admins see every pair of the programme; managers the pairs in which the mentor or
the mentee is in their reporting line, the level changes of the mentees in it, and comparison
people from it. Managers see satisfaction only when at least ``MIN_GROUP`` people answered, so
no single rating can be read off.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from django.db.models import Case, Count, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seedbed.accounts.models import AccessLevel
from seedbed.gaps import analysis as an
from seedbed.lib.errors import NotAllowed
from seedbed.mentoring.models import (
    Feedback,
    MentoringSession,
    Pair,
    PairGoal,
    PairGoalState,
    PairState,
    Participant,
    Programme,
)
from seedbed.people.models import Person
from seedbed.skills.models import Assertion
from seedbed.skills.rules import TIERS

if TYPE_CHECKING:
    from seedbed.accounts.models import User

MIN_GROUP = 3
DAYS_PER_MONTH = 30.44
STARTED = (PairState.ACTIVE, PairState.ENDED)
PAIRED = (PairState.PUBLISHED, PairState.ACTIVE, PairState.ENDED)

DEFINITIONS: dict[str, Any] = {
    "matched": gettext_lazy(
        "Share matched: of the people taking part in the programme (active sign-ups), those who "
        "have a pair that was published to them — waiting for answers, active or ended. "
        "Proposals the admin has not published yet and declined pairs do not count."
    ),
    "active": gettext_lazy("Active pairs: pairs both people accepted and nobody has ended yet."),
    "frequency": gettext_lazy(
        "Sessions per pair per month: all sessions the pairs logged, divided by the months the "
        "pairs have been running (from the day both accepted to the end, or today; at least "
        "one month per pair)."
    ),
    "satisfaction": gettext_lazy(
        "Satisfaction: the mean of the end-of-mentoring ratings (1 = very unhappy, "
        "5 = very happy) from both sides of ended pairs; n is the number of ratings. Managers "
        "see it once at least 3 people have answered."
    ),
    "goals": gettext_lazy(
        "Goal progress: the mean progress (0–100 %) the pairs recorded on their goals, dropped "
        "goals left out; achieved goals count as 100 %."
    ),
    "level_change": gettext_lazy(
        "Level change: for each pair that started, the mentee's current level minus their level "
        "on the day the pair started, averaged over the pair's goal and focus skills (no "
        "rating counts as level 0). Levels come from the rating history by the same rule as "
        "everywhere in Seedbed."
    ),
    "comparison": gettext_lazy(
        "Comparison group: for each mentee, the people with the same role (or, without a role, "
        "in the same team) who are not in the programme and were already there when the pair "
        "started; their change on the same skills over the same period. The difference is the "
        "mentees' change minus their comparison group's, averaged over the mentees who have "
        "one; p is from a one-sample t-test of those differences (shown from 3 mentees on)."
    ),
}


def scope(user: User) -> QuerySet[Person] | None:
    """Whose figures ``user`` sees: None for HR admins (everyone), the reporting line for
    managers. Employees: NotAllowed."""
    if user.is_authenticated and user.is_active:
        if user.access_level == AccessLevel.ADMIN:
            return None
        if user.access_level == AccessLevel.MANAGER:
            return Person.objects.reporting_line_of(user)
    raise NotAllowed(_("Programme metrics are for managers and HR admins."))


# --- the maths -----------------------------------------------------------------------------

IntArray = npt.NDArray[np.integer]
FloatArray = npt.NDArray[np.floating]


@dataclass(frozen=True)
class History:
    """Assertions as parallel arrays (see ``analysis.levels_at``), on ``people`` × ``skills``
    (sorted ids)."""

    people: IntArray
    skills: IntArray
    person_idx: IntArray
    skill_idx: IntArray
    level: IntArray
    tier: IntArray
    at: FloatArray
    seq: IntArray

    @classmethod
    def from_rows(
        cls, people: Sequence[int], skills: Sequence[int], rows: Sequence[Sequence[float]]
    ) -> History:
        """``rows``: (id, person id, skill id, level, tier, seconds) per assertion."""
        p = np.array(sorted(set(people)), dtype=np.int64)
        s = np.array(sorted(set(skills)), dtype=np.int64)
        a = np.array(rows, dtype=np.float64).reshape(len(rows), 6)
        return cls(
            p,
            s,
            np.searchsorted(p, a[:, 1].astype(np.int64)),
            np.searchsorted(s, a[:, 2].astype(np.int64)),
            a[:, 3].astype(np.int16),
            a[:, 4].astype(np.int8),
            a[:, 5],
            a[:, 0].astype(np.int64),
        )

    def levels_at(self, when: float) -> IntArray:
        """(people × skills) levels at time ``when`` (seconds), NONE where none."""
        levels, _last = an.levels_at(
            self.person_idx,
            self.skill_idx,
            self.level,
            self.tier,
            self.at,
            self.seq,
            when,
            (len(self.people), len(self.skills)),
        )
        return levels


@dataclass(frozen=True)
class Cohort:
    """One pair's question: did ``mentee`` grow in ``skills`` since ``start`` (seconds) more
    than ``peers``?"""

    mentee: int
    skills: Sequence[int]
    start: float
    peers: Sequence[int]


@dataclass(frozen=True)
class Change:
    mentee: float  # mean level change of the mentee over the skills
    peers: float | None  # mean change of the peers (None: no peers)
    peer_count: int


def level_changes(history: History, cohorts: Sequence[Cohort], now: float) -> list[Change]:
    """For every cohort, the mentee's mean change (current level minus level at ``start``,
    unrated = 0) over its skills, and the same for its peers (over all peers × skills)."""
    if not cohorts:
        return []
    row = {int(p): i for i, p in enumerate(history.people)}
    col = {int(s): j for j, s in enumerate(history.skills)}
    current = an.held(history.levels_at(now))
    then_cache: dict[float, IntArray] = {}
    out = []
    for c in cohorts:
        if c.start not in then_cache:
            then_cache[c.start] = an.held(history.levels_at(c.start))
        delta = current - then_cache[c.start]
        cols = np.array([col[s] for s in c.skills], dtype=np.int64)
        mentee = float(delta[row[c.mentee], cols].mean())
        peer_rows = np.array([row[p] for p in c.peers], dtype=np.int64)
        peers = float(delta[np.ix_(peer_rows, cols)].mean()) if len(peer_rows) else None
        out.append(Change(mentee, peers, len(peer_rows)))
    return out


@dataclass(frozen=True)
class LevelChange:
    """The programme's level-change figures (see ``DEFINITIONS``)."""

    mentees: int  # pairs whose mentee change is known
    mentee_mean: float | None
    compared: int  # of those, pairs with a comparison group
    comparison_people: int  # distinct people in the comparison groups
    comparison_mean: float | None
    difference: float | None
    p_value: float | None

    @property
    def text(self) -> dict[str, str]:
        """The changes as signed text for pages."""
        return {
            "mentee": signed(self.mentee_mean),
            "comparison": signed(self.comparison_mean),
            "difference": signed(self.difference),
        }


def summarise_changes(changes: Sequence[Change], peers: set[int]) -> LevelChange:
    """Means of the mentees' and the comparison groups' changes, their mean difference over
    the mentees who have a comparison group, and the p-value of a one-sample t-test of those
    differences against 0 (from 3 on, when they vary)."""
    if not changes:
        return LevelChange(0, None, 0, 0, None, None, None)
    mentee = np.array([c.mentee for c in changes])
    compared = [c for c in changes if c.peers is not None]
    diffs = np.array([c.mentee - (c.peers or 0.0) for c in compared])
    p_value = None
    if len(diffs) >= 3 and float(np.ptp(diffs)) > 0:
        from scipy.stats import ttest_1samp

        p = float(ttest_1samp(diffs, 0.0).pvalue)
        p_value = None if np.isnan(p) else round(p, 3)
    return LevelChange(
        mentees=len(changes),
        mentee_mean=round(float(mentee.mean()), 2),
        compared=len(compared),
        comparison_people=len(peers),
        comparison_mean=round(float(np.mean([c.peers for c in compared])), 2) if compared else None,
        difference=round(float(diffs.mean()), 2) if len(diffs) else None,
        p_value=p_value,
    )


def signed(value: float | None, decimals: int = 2) -> str:
    """A change for people: +1.67, −0.50, ±0; None → "–" (localised decimals)."""
    from django.utils.formats import number_format

    if value is None:
        return "–"
    rounded = round(value, decimals)
    if rounded == 0:
        return "±0"
    sign = "+" if rounded > 0 else "−"
    return f"{sign}{number_format(abs(rounded), decimals)}"


def pair_months(started: datetime, ended: datetime | None, now: datetime) -> float:
    """How long a pair has been running, in months, at least one."""
    end = ended or now
    return max((end - started).total_seconds() / 86400 / DAYS_PER_MONTH, 1.0)


# --- the read model ------------------------------------------------------------------------


@dataclass(frozen=True)
class PairRow:
    pair_id: int
    mentor_id: int
    mentor_name: str
    mentee_id: int
    mentee_name: str
    state: str
    started_at: datetime | None
    ended_at: datetime | None
    sessions: int
    minutes: int
    per_month: float | None
    goals: int
    goals_achieved: int
    goal_progress: float | None
    level_change: float | None  # None: not started, no skills, or the mentee is out of scope
    comparison_change: float | None
    comparison_people: int

    @property
    def state_label(self) -> str:
        return str(PairState(self.state).label)

    @property
    def change_text(self) -> str:
        return signed(self.level_change)

    @property
    def comparison_text(self) -> str:
        return signed(self.comparison_change)


@dataclass(frozen=True)
class Metrics:
    programme: Programme
    whole: bool  # everyone (HR admin) or a manager's reporting line
    participants: int
    matched: int
    pairs_by_state: dict[str, int]
    sessions: int
    months: float
    satisfaction_n: int
    satisfaction_mean: float | None
    satisfaction_counts: list[int]  # ratings 1..5
    satisfaction_hidden: bool
    goals: int
    goals_achieved: int
    goal_progress: float | None
    level: LevelChange
    rows: list[PairRow] = field(default_factory=list)

    @property
    def share_matched(self) -> float | None:
        return round(100.0 * self.matched / self.participants, 1) if self.participants else None

    @property
    def active_pairs(self) -> int:
        return self.pairs_by_state.get(PairState.ACTIVE, 0)

    @property
    def started_pairs(self) -> int:
        return sum(self.pairs_by_state.get(s, 0) for s in STARTED)

    @property
    def sessions_per_pair_month(self) -> float | None:
        return round(self.sessions / self.months, 2) if self.months else None


def _tier() -> Case:
    return Case(*(When(source=src, then=Value(t)) for src, t in TIERS.items()), default=0)


def programme_metrics(*, user: User, programme: Programme, now: datetime | None = None) -> Metrics:
    """The programme's figures as ``user`` may see them (see the module docstring). Nine
    queries for a manager, eight for an HR admin, whatever the number of pairs."""
    now = now or timezone.now()
    people = scope(user)
    # Query 1 (managers): the reporting line.
    mine: set[int] | None = None if people is None else set(people.values_list("id", flat=True))

    def seen(pid: int) -> bool:
        return mine is None or pid in mine

    # Query 2: who takes part.
    participant_ids = set(
        Participant.objects.filter(programme=programme, is_active=True).values_list(
            "person_id", flat=True
        )
    )
    # Query 3: the pairs (proposals are the admin's draft, not yet pairs).
    pair_rows = [
        r
        for r in Pair.objects.filter(programme=programme)
        .exclude(state=PairState.PROPOSED)
        .order_by("mentee__full_name", "id")
        .values_list(
            "id",
            "mentor_id",
            "mentor__full_name",
            "mentee_id",
            "mentee__full_name",
            "state",
            "started_at",
            "ended_at",
            "skill_id",
            "mentee__role_id",
            "mentee__team_id",
        )
        if seen(r[1]) or seen(r[3])
    ]
    ids = [r[0] for r in pair_rows]
    # Query 4: sessions per pair.
    sessions = {
        pid: (n, minutes or 0)
        for pid, n, minutes in MentoringSession.objects.filter(pair_id__in=ids)
        .values("pair_id")
        .annotate(n=Count("id"), minutes=Sum("minutes"))
        .values_list("pair_id", "n", "minutes")
    }
    # Query 5: ratings.
    ratings = list(Feedback.objects.filter(pair_id__in=ids).values_list("pair_id", "rating"))
    # Query 6: goals.
    goals_by_pair: dict[int, list[tuple[int | None, int, str]]] = defaultdict(list)
    for pid, sid, progress, state in PairGoal.objects.filter(pair_id__in=ids).values_list(
        "pair_id", "skill_id", "progress", "state"
    ):
        goals_by_pair[pid].append((sid, progress, state))
    # Query 7: focus skills.
    focus: dict[int, set[int]] = defaultdict(set)
    for pid, sid in Pair.focus_skills.through.objects.filter(pair_id__in=ids).values_list(
        "pair_id", "skill_id"
    ):
        focus[pid].add(sid)

    participants = {p for p in participant_ids if seen(p)}
    paired = {r[1] for r in pair_rows if r[5] in PAIRED} | {
        r[3] for r in pair_rows if r[5] in PAIRED
    }
    by_state = Counter(r[5] for r in pair_rows)

    # Which pairs get a level change: started, mentee in scope, some goal or focus skills.
    skills_of: dict[int, list[int]] = {}
    for r in pair_rows:
        pid, mentee, state, started, skill_id = r[0], r[3], r[5], r[6], r[8]
        wanted = set(focus.get(pid, set())) | {s for s, _p, _st in goals_by_pair.get(pid, []) if s}
        if skill_id:
            wanted.add(skill_id)
        if state in STARTED and started is not None and seen(mentee) and wanted:
            skills_of[pid] = sorted(wanted)
    changes: dict[int, Change] = {}
    peers_used: set[int] = set()
    if skills_of:
        measured = [r for r in pair_rows if r[0] in skills_of]
        roles = {r[9] for r in measured if r[9]}
        teams = {r[10] for r in measured if not r[9] and r[10]}
        # Query 8: possible comparison people: same role or (no role) same team, not in the
        # programme (not signed up, in no pair of it).
        in_programme = participant_ids | {r[1] for r in pair_rows} | {r[3] for r in pair_rows}
        candidates = [
            c
            for c in Person.objects.filter(is_active=True)
            .filter(Q(role_id__in=roles) | Q(role__isnull=True, team_id__in=teams))
            .values_list("id", "role_id", "team_id", "start_date")
            if c[0] not in in_programme and seen(c[0])
        ]
        cohorts = []
        for r in measured:
            start = r[6]
            assert start is not None  # measured pairs have started
            day = timezone.localdate(start)
            peers = [
                c[0]
                for c in candidates
                if (c[1] == r[9] if r[9] else (c[1] is None and c[2] == r[10]))
                and (c[3] is None or c[3] <= day)
            ]
            peers_used.update(peers)
            cohorts.append(Cohort(r[3], skills_of[r[0]], start.timestamp(), peers))
        everyone = {c.mentee for c in cohorts} | peers_used
        all_skills = {s for c in cohorts for s in c.skills}
        # Query 9: their rating history in those skills.
        history_rows = [
            (aid, person_id, skill_id, level, tier, at.timestamp())
            for aid, person_id, skill_id, level, tier, at in Assertion.objects.filter(
                person_id__in=everyone, skill_id__in=all_skills, created_at__lte=now
            )
            .order_by()
            .values_list("id", "person_id", "skill_id", "level", _tier(), "created_at")
        ]
        history = History.from_rows(list(everyone), list(all_skills), history_rows)
        for r, change in zip(
            measured, level_changes(history, cohorts, now.timestamp()), strict=True
        ):
            changes[r[0]] = change

    rating_values = [rating for _pid, rating in ratings]
    hidden = mine is not None and 0 < len(rating_values) < MIN_GROUP
    counts = [0] * 5
    for rating in rating_values:
        if 1 <= rating <= 5:
            counts[rating - 1] += 1
    all_goals = [g for r in pair_rows for g in goals_by_pair.get(r[0], [])]
    kept = [progress for _s, progress, state in all_goals if state != PairGoalState.DROPPED]

    months_total = 0.0
    sessions_total = 0
    rows = []
    for r in pair_rows:
        pid, state, started, ended = r[0], r[5], r[6], r[7]
        n, minutes = sessions.get(pid, (0, 0))
        months = pair_months(started, ended, now) if state in STARTED and started else None
        if months is not None:
            months_total += months
            sessions_total += n
        pair_goals = goals_by_pair.get(pid, [])
        pair_kept = [p for _s, p, st in pair_goals if st != PairGoalState.DROPPED]
        found = changes.get(pid)
        rows.append(
            PairRow(
                pair_id=pid,
                mentor_id=r[1],
                mentor_name=r[2],
                mentee_id=r[3],
                mentee_name=r[4],
                state=state,
                started_at=started,
                ended_at=ended,
                sessions=n,
                minutes=minutes,
                per_month=round(n / months, 2) if months else None,
                goals=len(pair_goals),
                goals_achieved=sum(1 for _s, _p, st in pair_goals if st == PairGoalState.ACHIEVED),
                goal_progress=round(sum(pair_kept) / len(pair_kept), 1) if pair_kept else None,
                level_change=round(found.mentee, 2) if found else None,
                comparison_change=round(found.peers, 2)
                if found and found.peers is not None
                else None,
                comparison_people=found.peer_count if found else 0,
            )
        )
    return Metrics(
        programme=programme,
        whole=mine is None,
        participants=len(participants),
        matched=len(participants & paired),
        pairs_by_state=dict(by_state),
        sessions=sessions_total,
        months=round(months_total, 2),
        satisfaction_n=len(rating_values),
        satisfaction_mean=None
        if hidden or not rating_values
        else round(sum(rating_values) / len(rating_values), 2),
        satisfaction_counts=[0] * 5 if hidden else counts,
        satisfaction_hidden=hidden,
        goals=len(kept),
        goals_achieved=sum(1 for _s, _p, st in all_goals if st == PairGoalState.ACHIEVED),
        goal_progress=round(sum(kept) / len(kept), 1) if kept else None,
        level=summarise_changes(list(changes.values()), peers_used),
        rows=rows,
    )


def filter_rows(rows: Sequence[PairRow], *, q: str = "", state: str | None = None) -> list[PairRow]:
    """The per-pair rows matching a name (mentor or mentee) and a state."""
    term = q.strip().lower()
    return [
        r
        for r in rows
        if (not state or r.state == state)
        and (not term or term in r.mentor_name.lower() or term in r.mentee_name.lower())
    ]


def summary_table(m: Metrics) -> tuple[list[str], list[list[Any]]]:
    """The figures as an export table: figure, value, basis, definition."""
    lv = m.level
    rows: list[list[Any]] = [
        [_("Participants"), m.participants, "", ""],
        [_("Share matched (%)"), m.share_matched, m.matched, str(DEFINITIONS["matched"])],
        [_("Active pairs"), m.active_pairs, "", str(DEFINITIONS["active"])],
        [
            _("Sessions per pair per month"),
            m.sessions_per_pair_month,
            m.sessions,
            str(DEFINITIONS["frequency"]),
        ],
        [
            _("Satisfaction (1–5)"),
            m.satisfaction_mean,
            m.satisfaction_n,
            str(DEFINITIONS["satisfaction"]),
        ],
        [_("Goal progress (%)"), m.goal_progress, m.goals, str(DEFINITIONS["goals"])],
        [
            _("Mentees' level change"),
            lv.mentee_mean,
            lv.mentees,
            str(DEFINITIONS["level_change"]),
        ],
        [
            _("Comparison group's level change"),
            lv.comparison_mean,
            lv.comparison_people,
            str(DEFINITIONS["comparison"]),
        ],
        [_("Difference (mentees − comparison)"), lv.difference, lv.compared, ""],
        [_("p-value"), lv.p_value, lv.compared, ""],
    ]
    return [_("Figure"), _("Value"), _("Basis (n)"), _("Definition")], rows


def pairs_table(rows: Sequence[PairRow]) -> tuple[list[str], list[list[Any]]]:
    headers = [
        _("Mentor"),
        _("Mentee"),
        _("State"),
        _("Started"),
        _("Ended"),
        _("Sessions"),
        _("Minutes"),
        _("Sessions per month"),
        _("Goals"),
        _("Goals achieved"),
        _("Goal progress (%)"),
        _("Level change"),
        _("Comparison change"),
        _("Comparison people"),
    ]
    return headers, [
        [
            r.mentor_name,
            r.mentee_name,
            r.state_label,
            timezone.localdate(r.started_at) if r.started_at else None,
            timezone.localdate(r.ended_at) if r.ended_at else None,
            r.sessions,
            r.minutes,
            r.per_month,
            r.goals,
            r.goals_achieved,
            r.goal_progress,
            r.level_change,
            r.comparison_change,
            r.comparison_people,
        ]
        for r in rows
    ]


__all__ = [
    "DEFINITIONS",
    "Change",
    "Cohort",
    "History",
    "LevelChange",
    "Metrics",
    "PairRow",
    "filter_rows",
    "level_changes",
    "pair_months",
    "programme_metrics",
    "scope",
    "summarise_changes",
]
