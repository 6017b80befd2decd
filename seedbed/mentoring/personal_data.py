"""Mentoring in a person's data-subject access export and in a personal-data erasure.

Called by ``seedbed.people.services`` (``personal_data_export`` / ``erase_person``), which
check who may ask and audit the request; these functions only read and change rows.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from seedbed.mentoring.models import (
    Feedback,
    MentoringSession,
    MentorRequest,
    MentorRequestState,
    Pair,
    PairGoal,
    PairState,
    Participant,
)
from seedbed.people.models import Person

ERASED_TEXT = "(erased)"


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def export(person: Person) -> dict[str, Any]:
    """Everything mentoring holds about ``person``: sign-ups, pairs (with the sessions, private
    notes included — the person was in the pair —, goals), the feedback they gave and the
    mentoring requests they sent or received."""
    participations = [
        {
            "programme": p.programme.name,
            "joins_as": p.role,
            "capacity": p.capacity,
            "availability": p.availability,
            "hours_per_month": p.hours_per_month,
            "languages": p.languages,
            "timezone": p.timezone,
            "goals": p.goals,
            "wants_skills": sorted(s.name for s in p.wants_skills.all()),
            "offers_skills": sorted(s.name for s in p.offers_skills.all()),
            "never_match_with": sorted(x.full_name for x in p.excluded.all()),
            "active": p.is_active,
            "joined_at": _iso(p.joined_at),
        }
        for p in Participant.objects.filter(person=person)
        .select_related("programme")
        .prefetch_related("wants_skills", "offers_skills", "excluded")
        .order_by("joined_at", "id")
    ]
    pairs = (
        Pair.objects.filter(Q(mentor=person) | Q(mentee=person))
        .exclude(state=PairState.PROPOSED)  # the admin's draft: never shown to the person
        .select_related("programme", "mentor", "mentee", "skill")
        .prefetch_related("focus_skills")
        .order_by("created_at", "id")
    )
    sessions: dict[int, list[dict[str, Any]]] = {}
    for s in (
        MentoringSession.objects.filter(pair__in=pairs)
        .select_related("logged_by")
        .prefetch_related("skills")
        .order_by("held_on", "id")
    ):
        sessions.setdefault(s.pair_id, []).append(
            {
                "held_on": _iso(s.held_on),
                "minutes": s.minutes,
                "topics": s.topics,
                "private_notes": s.private_notes,
                "skills": sorted(k.name for k in s.skills.all()),
                "logged_by_you": person.user_id is not None and s.logged_by_id == person.user_id,
            }
        )
    goals: dict[int, list[dict[str, Any]]] = {}
    for g in PairGoal.objects.filter(pair__in=pairs).select_related("skill").order_by("id"):
        goals.setdefault(g.pair_id, []).append(
            {
                "title": g.title,
                "skill": g.skill.name if g.skill else None,
                "target_level": g.target_level,
                "progress": g.progress,
                "state": g.state,
            }
        )
    pair_rows = []
    for p in pairs:
        mine = p.mentor_id == person.pk
        pair_rows.append(
            {
                "programme": p.programme.name if p.programme else None,
                "you_are": "mentor" if mine else "mentee",
                "with": (p.mentee if mine else p.mentor).full_name,
                "state": p.state,
                "origin": p.origin,
                "skill": p.skill.name if p.skill else None,
                "target_level": p.target_level,
                "focus_skills": sorted(s.name for s in p.focus_skills.all()),
                "your_answer": p.mentor_answer if mine else p.mentee_answer,
                "published_at": _iso(p.published_at),
                "started_at": _iso(p.started_at),
                "ended_at": _iso(p.ended_at),
                "sessions": sessions.get(p.pk, []),
                "goals": goals.get(p.pk, []),
            }
        )
    feedback = [
        {
            "pair_with": (
                f.pair.mentee if f.pair.mentor_id == person.pk else f.pair.mentor
            ).full_name,
            "rating": f.rating,
            "comment": f.comment,
            "created_at": _iso(f.created_at),
        }
        for f in Feedback.objects.filter(author=person)
        .select_related("pair__mentor", "pair__mentee")
        .order_by("created_at")
    ]
    requests = [
        {
            "you_asked": r.mentee_id == person.pk,
            "with": (r.mentor if r.mentee_id == person.pk else r.mentee).full_name,
            "skill": r.skill.name if r.skill else None,
            "message": r.message,
            "state": r.state,
            "created_at": _iso(r.created_at),
            "answered_at": _iso(r.answered_at),
        }
        for r in MentorRequest.objects.filter(Q(mentee=person) | Q(mentor=person))
        .select_related("mentor", "mentee", "skill")
        .order_by("created_at")
    ]
    return {
        "mentoring": {
            "participations": participations,
            "pairs": pair_rows,
            "feedback_given": feedback,
            "requests": requests,
        }
    }


def erase(person: Person) -> None:
    """Remove what ``person`` wrote and what identifies them in mentoring, keeping anonymous
    counts (pairs, sessions with their dates and minutes, goals with their progress, ratings):
    private notes of their pairs' sessions and the topics they logged, goal titles of their
    pairs, the matcher's reasons (which name people), their sign-ups' free text, exclusions and
    skills, their feedback comments and the messages they sent. Their live pairs end (or are
    declined, if not yet started) so no one waits for them."""
    now = timezone.now()
    pairs = Pair.objects.filter(Q(mentor=person) | Q(mentee=person))
    MentoringSession.objects.filter(pair__in=pairs).update(private_notes="")
    if person.user_id is not None:
        MentoringSession.objects.filter(pair__in=pairs, logged_by_id=person.user_id).update(
            topics=""
        )
    PairGoal.objects.filter(pair__in=pairs).update(title=ERASED_TEXT)
    pairs.update(reasons=[], weakest={})
    pairs.filter(state=PairState.ACTIVE).update(state=PairState.ENDED, ended_at=now)
    pairs.filter(state__in=[PairState.PROPOSED, PairState.PUBLISHED]).update(
        state=PairState.DECLINED
    )
    participants = Participant.objects.filter(person=person)
    for participant in participants:
        participant.wants_skills.clear()
        participant.offers_skills.clear()
        participant.excluded.clear()
    participants.update(availability="", languages="", timezone="", goals="", is_active=False)
    # Others' exclusions of this person say something about them too.
    Participant.excluded.through.objects.filter(person_id=person.pk).delete()
    Feedback.objects.filter(author=person).update(comment="")
    MentorRequest.objects.filter(mentee=person).update(message="")
    MentorRequest.objects.filter(
        Q(mentee=person) | Q(mentor=person), state=MentorRequestState.PENDING
    ).update(state=MentorRequestState.WITHDRAWN, answered_at=now)
