"""Scores, hard-rule masks and explanations of pairs and of people left unmatched (NumPy on
the loaded inputs; no queries)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from seedbed.mentoring import analysis as an
from seedbed.mentoring.matching.loading import TEACHES, Inputs
from seedbed.mentoring.matching.results import ProposedPair, Unmatched

FOCUS_SKILLS = 5  # focus skills kept per pair


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
