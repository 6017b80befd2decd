"""What is being done about knowledge at risk: live cross-training pairs per skill, the sole
holder's handover progress and announced leaving day. Shared by the knowledge-at-risk page,
its exports and the API, so all three say the same."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import TYPE_CHECKING

from seedbed.gaps import dashboards as d
from seedbed.knowledge.selectors import HandoverProgress, handover_progress
from seedbed.mentoring.models import PairState
from seedbed.mentoring.selectors import cross_training_by_skill
from seedbed.people.models import Person

if TYPE_CHECKING:
    from seedbed.accounts.models import User


@dataclass(frozen=True)
class PairView:
    """A cross-training pair as the risk table names it."""

    pair_id: int
    mentor: str
    mentee: str
    state: str
    target_level: int | None


@dataclass(frozen=True)
class CapturedRisk(d.RiskRow):
    """A risk with what is being done about it: live cross-training pairs for the skill, the
    sole holder's latest handover and announced leaving day, and whether the viewer may
    start a handover for them (HR; managers for others than themselves)."""

    pairs: tuple[PairView, ...] = ()
    handover: HandoverProgress | None = None
    leaving_on: date | None = None
    may_start: bool = False


def capture(user: User, rows: list[d.RiskRow], own_id: int | None) -> list[CapturedRisk]:
    """Three more queries at most, whatever the number of rows: the pairs, the handovers,
    the people involved (names, leaving days)."""
    pairs = cross_training_by_skill([r.skill.id for r in rows])
    holders = [r.holder_id for r in rows if r.holder_id]
    ids = set(holders) | {
        p for ps in pairs.values() for x in ps for p in (x.mentor_id, x.mentee_id)
    }
    people = {
        pid: (name, day)
        for pid, name, day in (
            Person.objects.filter(pk__in=ids).values_list("id", "full_name", "leaving_on")
            if ids
            else []
        )
    }
    progress = handover_progress(holders)
    states = dict(PairState.choices)
    may_start = user.is_manager
    return [
        CapturedRisk(
            **{f.name: getattr(r, f.name) for f in fields(d.RiskRow)},
            pairs=tuple(
                PairView(
                    x.pair_id,
                    people.get(x.mentor_id, ("", None))[0],
                    people.get(x.mentee_id, ("", None))[0],
                    str(states.get(x.state, x.state)),
                    x.target_level,
                )
                for x in pairs.get(r.skill.id, [])
            ),
            handover=progress.get(r.holder_id) if r.holder_id else None,
            leaving_on=people.get(r.holder_id, ("", None))[1] if r.holder_id else None,
            may_start=may_start and r.holder_id is not None and r.holder_id != own_id,
        )
        for r in rows
    ]
