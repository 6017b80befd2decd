"""What the matcher returns: proposed pairs, people left unmatched, mentor options."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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
