"""The expert finder's evidence as NumPy arrays: no ORM, no queries.

``_Rows`` holds one kind of evidence as parallel arrays. The functions here make it from the
rows of the statements in ``seedbed.knowledge.finder_sql`` (levels, with the skill, level and
source packed in one number: ``SOURCE_SPAN``, ``CODE_SPAN``; certificates and pairs; a viewer's
own restricted articles), tell who may be listed and who is available (``_Listed``,
``_full_mentors``) and turn every kind into the one set of arrays that
``seedbed.knowledge.ranking.score`` takes (``_evidence``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from seedbed.knowledge import ranking
from seedbed.knowledge.ranking import FloatArray, IntArray
from seedbed.skills.rules import TIERS

VALIDATED_TIER = 3  # manager, assessment, certification (see seedbed.skills.rules)
SOURCES = list(TIERS)  # a level's source travels as its index in this list
IS_VALIDATED = np.asarray([TIERS[s] >= VALIDATED_TIER for s in SOURCES], dtype=np.bool_)

SOURCE_SPAN = 16  # a level and its source travel as one integer: level * 16 + source
assert len(SOURCES) <= SOURCE_SPAN
# ... and with the skill: skill * CODE_SPAN + level * 16 + source (levels are small
# integers, below 2**15), exact in a float for skill ids below 2**34 (``NARROW_SKILLS``).
CODE_SPAN = 2**15 * SOURCE_SPAN
NARROW_SKILLS = 2**53 // CODE_SPAN


@dataclass
class _Rows:
    """Evidence of one kind as parallel arrays. ``skill`` -1: on the skills asked for, pooled
    (or matched by text). ``count``: items (votes: net votes). ``value``: a level, 1 per item,
    or — when ``decayed`` — the recency-weighted sum the database computed. ``at``: seconds
    since 1970 (for sums, of the newest item). ``ref``: the certificate or pair (per-item
    kinds); ``extra``: a level's source (index in SOURCES)."""

    kind: str
    person: IntArray
    skill: IntArray
    count: IntArray
    value: FloatArray
    at: FloatArray
    ref: IntArray
    extra: IntArray
    decayed: bool = False

    @classmethod
    def of(cls, kind: str, rows: Any, *, decayed: bool = False) -> _Rows:
        """From (person, skill, count, value, at, ref, extra) tuples, or a float array of
        them (NULL as NaN); no person: dropped."""
        if len(rows) == 0:
            z = np.zeros(0, dtype=np.int64)
            f = np.zeros(0, dtype=np.float64)
            return cls(kind, z, z, z, f, f, z, z, decayed)
        table = np.asarray(rows, dtype=np.float64)  # None becomes NaN; one pass in C
        table = table[~np.isnan(table[:, 0])]
        ints = np.nan_to_num(table, nan=-1.0).astype(np.int64)
        return cls(
            kind,
            ints[:, 0],
            ints[:, 1],
            ints[:, 2],
            np.nan_to_num(table[:, 3], nan=0.0),
            np.nan_to_num(table[:, 4], nan=0.0),
            ints[:, 5],
            ints[:, 6],
            decayed,
        )

    @classmethod
    def of_array(cls, kind: str, table: Any) -> _Rows:
        """Sums from the read table: float rows of (person, skill, count, worth, at)."""
        n = table.shape[0]
        z = np.zeros(n, dtype=np.int64)
        ints = table[:, :3].astype(np.int64)
        return cls(kind, ints[:, 0], ints[:, 1], ints[:, 2], table[:, 3], table[:, 4], z, z, True)

    @classmethod
    def concat(cls, kind: str, parts: Sequence[_Rows]) -> _Rows:
        """Rows of the same kind from several sources (sums are added up when scoring and
        summarising: a person may have one row per source)."""

        def joined(column: str) -> Any:
            return np.concatenate([getattr(p, column) for p in parts])

        return cls(
            kind,
            joined("person"),
            joined("skill"),
            joined("count"),
            joined("value"),
            joined("at"),
            joined("ref"),
            joined("extra"),
            all(p.decayed for p in parts),
        )

    def take(self, mask: Any) -> _Rows:
        return _Rows(
            self.kind,
            self.person[mask],
            self.skill[mask],
            self.count[mask],
            self.value[mask],
            self.at[mask],
            self.ref[mask],
            self.extra[mask],
            self.decayed,
        )

    def dedupe(self, direct_ids: IntArray) -> _Rows:
        """Per-item kinds: one row per (person, thing), a pair with two skills asked for, or
        with one asked for and one related skill, counts once, as direct evidence."""
        if self.person.shape[0] == 0:
            return self
        related = ~_is_direct(self.skill, direct_ids)
        order = np.lexsort((related, self.ref, self.person))
        p, r = self.person[order], self.ref[order]
        first = np.ones(order.shape[0], dtype=np.bool_)
        first[1:] = (p[1:] != p[:-1]) | (r[1:] != r[:-1])
        return self.take(order[first])


def _per_item(kind: str, t: Any, direct_ids: IntArray) -> _Rows:
    """Certificates or pairs from rows of (person, skill, date, certificate or pair): one
    item each (count 1, worth 1), deduplicated (``_Rows.dedupe``). The constant columns are
    added here, not read (on SQLite each value read costs, on PostgreSQL each value packed)."""
    one = np.ones((t.shape[0], 1))
    return _Rows.of(kind, np.hstack([t[:, :2], one, one, t[:, 2:4], one])).dedupe(direct_ids)


def _is_direct(skill: IntArray, direct_ids: IntArray) -> Any:
    return (skill == -1) | np.isin(skill, direct_ids)


def _levels(t: Any) -> _Rows:
    """Current levels on the skills, of everyone, from the rows of ``_levels_sql``: which
    of them the viewer may see is read with the people (``find_experts``), and the rows of
    people who left or are not listed are dropped with the candidates. Three columns (on
    SQLite each value read costs, on PostgreSQL each value packed, about 0.1 us a row): the
    skill, the level and its source share one exact integer."""
    if t.shape[1] == 3:
        both = t[:, 1].astype(np.int64)
        skill, code = both // CODE_SPAN, both % CODE_SPAN
        t = np.column_stack([t[:, 0], skill, code, t[:, 2]])
    code = t[:, 2:3].astype(np.int64)
    level, source = (
        (code // SOURCE_SPAN).astype(np.float64),
        (code % SOURCE_SPAN).astype(np.float64),
    )
    one = np.ones((t.shape[0], 1))
    # (person, skill, count 1, level, at, the skill again, source)
    return _Rows.of("level", np.hstack([t[:, :2], one, level, t[:, 3:4], t[:, 1:2], source]))


def _full_mentors(t: Any) -> IntArray:
    """People who mentor in an open or running programme and have no spare capacity in any
    of those participations (see the docstring of ``seedbed.knowledge.experts``), from the
    rows of ``_capacity_sql``."""
    person = t[:, 0].astype(np.int64)
    spare = t[:, 2] < t[:, 1]
    return np.setdiff1d(person, person[spare])


def _restricted_articles(t: Any, direct_id: int) -> _Rows:
    """What ``_articles`` would sum over the articles of ``_restricted_readable`` (the rows
    of ``_restricted_sql``), summed here."""
    if t.shape[0] == 0:
        return _Rows.of("articles", [], decayed=True)
    article, skill = t[:, 0].astype(np.int64), t[:, 1].astype(np.int64)
    on_direct = np.unique(article[skill == direct_id])
    # Direct: once per article (pooled, skill -1); related: per tag, unless also tagged with
    # the skill asked for.
    is_direct = skill == direct_id
    counted = is_direct | ~np.isin(article, on_direct)
    t, skill = t[counted], np.where(is_direct, -1, skill)[counted]
    # The owner counts, and the author too when someone else owns the article.
    owner, author = t[:, 2], t[:, 3]
    by_owner = ~np.isnan(owner)
    by_author = ~np.isnan(author) & (author != owner)
    person = np.concatenate([owner[by_owner], author[by_author]]).astype(np.int64)
    skill = np.concatenate([skill[by_owner], skill[by_author]])
    worth = np.concatenate([t[by_owner, 4], t[by_author, 4]])
    at = np.concatenate([t[by_owner, 5], t[by_author, 5]])
    keys, group = np.unique(np.stack([person, skill], axis=1), axis=0, return_inverse=True)
    group = group.reshape(-1)
    n = keys.shape[0]
    last = np.full(n, -np.inf)
    np.maximum.at(last, group, at)
    table = np.column_stack(
        [
            keys[:, 0],
            keys[:, 1],
            np.bincount(group, minlength=n),
            np.bincount(group, weights=worth, minlength=n),
            last,
        ]
    ).astype(np.float64)
    return _Rows.of_array("articles", table)


@dataclass(frozen=True)
class _Listed:
    """Who may be listed, and which of them stay (do not leave soon) and have levels the
    viewer may see: either every such person (``rows``: id, stays, sees level) or, with
    ``complement``, the exceptions among everyone (``rows``: id, active, stays, sees level,
    of ``_exceptions_query``) and the people excluded by the caller."""

    rows: Any
    complement: bool
    excluded: IntArray

    @classmethod
    def only(cls, rows: Any) -> _Listed:
        return cls(rows, False, np.zeros(0, dtype=np.int64))

    @classmethod
    def all_but(cls, rows: Any, excluded: list[int]) -> _Listed:
        return cls(rows, True, np.asarray(excluded, dtype=np.int64))

    def _ids(self, column: int, flag: bool) -> IntArray:
        """Ids of the rows whose flag in ``column`` is set (``flag``) or not."""
        on = self.rows[:, column] > 0
        return self.rows[on if flag else ~on, 0].astype(np.int64)

    def listed(self, pids: IntArray) -> Any:
        if self.complement:  # not inactive, not excluded
            return ~np.isin(pids, self._ids(1, False)) & ~np.isin(pids, self.excluded)
        return np.isin(pids, self.rows[:, 0].astype(np.int64))

    def stays(self, pids: IntArray) -> Any:
        """Of listed people: not leaving soon."""
        if self.complement:
            return ~np.isin(pids, self._ids(2, False))
        return np.isin(pids, self._ids(1, True))

    def levels_seen(self, pids: IntArray) -> Any:
        """Listed, with levels the viewer may see."""
        if self.complement:
            return self.listed(pids) & ~np.isin(pids, self._ids(3, False))
        return np.isin(pids, self._ids(2, True))


def _evidence(
    kinds: dict[str, _Rows],
    id_array: IntArray,
    sort_ids: IntArray,
    direct_ids: IntArray,
    now: datetime,
) -> ranking.Evidence:
    """All kinds as one set of arrays for ``ranking.score`` (person ids -> candidate index;
    sums the database already weighted by recency come with age 0)."""
    parts: list[tuple[Any, ...]] = []
    now_s = now.timestamp()
    for name, rows in kinds.items():
        n = rows.person.shape[0]
        if n == 0:
            continue
        index = sort_ids[np.searchsorted(id_array, rows.person, sorter=sort_ids)]
        if name == "level":
            kind = np.where(
                IS_VALIDATED[rows.extra],
                ranking.KIND_INDEX["validated"],
                ranking.KIND_INDEX["self_rated"],
            )
            value = rows.value / max(5.0, float(rows.value.max()))
        else:
            kind = np.full(n, ranking.KIND_INDEX[name], dtype=np.int64)
            value = rows.value
        related = ~_is_direct(rows.skill, direct_ids)
        age = np.zeros(n) if rows.decayed else (now_s - rows.at) / 86400.0
        parts.append((index, kind, rows.skill, related, value, age))
    if not parts:
        return ranking.Evidence.empty()
    cols = [np.concatenate([p[c] for p in parts]) for c in range(6)]
    return ranking.Evidence(
        person=cols[0].astype(np.int64),
        kind=cols[1].astype(np.int64),
        skill=cols[2].astype(np.int64),
        related=cols[3].astype(np.bool_),
        value=cols[4].astype(np.float64),
        age_days=cols[5].astype(np.float64),
    )
