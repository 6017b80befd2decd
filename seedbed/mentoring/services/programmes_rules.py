"""The hard rules a pair must obey, with a message that says which one a pair breaks.

The matcher (``seedbed.mentoring.matching``) never proposes a pair that breaks them; these
checks serve the hand-made pairs: an admin's swap and a self-service request. Rules:
nobody mentors themselves; both sides signed up (mentor / mentee role, still active); nobody
is matched with their manager or anyone above or below them in the reporting line; nobody is
matched with someone either side excluded; a shared language when the programme requires
one; the mentor's capacity; one mentor per mentee and programme; a pair declined once is not
proposed again.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seedbed.mentoring.models import Pair, PairState, Participant, Programme
from seedbed.people.models import Person

LIVE = (PairState.PROPOSED, PairState.PUBLISHED, PairState.ACTIVE)


def manager_map() -> dict[int, int | None]:
    """Person id -> manager id for everyone (one query; reporting lines are walked in memory)."""
    return dict(Person.objects.values_list("pk", "manager_id"))


def _above(managers: dict[int, int | None], person_id: int) -> set[int]:
    seen: set[int] = set()
    current = managers.get(person_id)
    while current is not None and current not in seen:
        seen.add(current)
        current = managers.get(current)
    return seen


def in_reporting_line(managers: dict[int, int | None], a: int, b: int) -> bool:
    """Is either person above the other (manager, manager's manager, ...)?"""
    return b in _above(managers, a) or a in _above(managers, b)


def languages_of(participant: Participant) -> list[str]:
    """A participant's languages as codes (the matcher's reading: "German" is "de"), or
    their person's when the sign-up lists none."""
    from seedbed.mentoring.matching import language_list

    return language_list(participant.languages) or language_list(participant.person.languages)


def reporting_line_problem(
    managers: dict[int, int | None], mentor: Person, mentee: Person
) -> str | None:
    if in_reporting_line(managers, mentor.pk, mentee.pk):
        return _(
            "%(mentor)s and %(mentee)s are in the same reporting line; nobody is matched with "
            "their manager or anyone above or below them."
        ) % {"mentor": mentor.full_name, "mentee": mentee.full_name}
    return None


class ProgrammeRules:
    """The hard rules of one programme, loaded once (four queries) and then checked for any
    number of pairs in memory: the swap page checks every mentor against one mentee.
    ``ignore_pair_id``: a pair being replaced (a swap) counts neither against the mentor's
    capacity nor as the mentee's mentor."""

    def __init__(self, programme: Programme, *, ignore_pair_id: int | None = None) -> None:
        self.programme = programme
        self.managers = manager_map()
        pairs = Pair.objects.filter(programme=programme)
        if ignore_pair_id is not None:
            pairs = pairs.exclude(pk=ignore_pair_id)
        rows = list(pairs.values_list("mentor_id", "mentee_id", "state"))
        self.declined = {(m, e) for m, e, s in rows if s == PairState.DECLINED}
        self.with_mentor = {e for _m, e, s in rows if s in LIVE}
        self.load: Counter[int] = Counter(m for m, _e, s in rows if s in LIVE)
        self.excluded: dict[int, set[int]] = {}
        through = Participant.excluded.through
        for participant_id, person_id in through.objects.filter(
            participant__programme=programme
        ).values_list("participant_id", "person_id"):
            self.excluded.setdefault(participant_id, set()).add(person_id)

    def problem(
        self, mentor: Participant, mentee: Participant, *, for_admin: bool = True
    ) -> str | None:
        """Which hard rule the pair ``mentor`` → ``mentee`` breaks (None: none).
        ``for_admin`` False words an exclusion without saying who excluded whom."""
        mp, mn = mentor.person, mentee.person
        names = {"mentor": mp.full_name, "mentee": mn.full_name}
        if mp.pk == mn.pk:
            return _("Nobody mentors themselves.")
        if not (mentor.is_active and mentor.mentors and mp.is_active):
            return _("%(mentor)s is not signed up as a mentor in this programme.") % names
        if not (mentee.is_active and mentee.mentees and mn.is_active):
            return _("%(mentee)s is not signed up as a mentee in this programme.") % names
        problem = reporting_line_problem(self.managers, mp, mn)
        if problem:
            return problem
        mentee_excludes = mp.pk in self.excluded.get(mentee.pk, set())
        mentor_excludes = mn.pk in self.excluded.get(mentor.pk, set())
        if mentee_excludes or mentor_excludes:
            if not for_admin:
                return _("%(mentor)s cannot be matched with %(mentee)s in this programme.") % names
            who, whom = (mn, mp) if mentee_excludes else (mp, mn)
            return _("%(who)s asked never to be matched with %(whom)s.") % {
                "who": who.full_name,
                "whom": whom.full_name,
            }
        if self.programme.require_shared_language:
            a, b = languages_of(mentor), languages_of(mentee)
            for who, langs in ((mp, a), (mn, b)):
                if not langs:
                    return _(
                        "%(name)s lists no language, and this programme requires a shared one."
                    ) % {"name": who.full_name}
            if not set(a) & set(b):
                return _(
                    "%(mentor)s (%(a)s) and %(mentee)s (%(b)s) share no language, and this "
                    "programme requires one."
                ) % {**names, "a": ", ".join(a), "b": ", ".join(b)}
        if (mp.pk, mn.pk) in self.declined:
            return _("%(mentee)s and %(mentor)s were paired before and it was declined.") % names
        if mn.pk in self.with_mentor:
            return _("%(mentee)s already has a mentor in this programme.") % names
        taken = self.load[mp.pk]
        if taken >= mentor.capacity:
            return ngettext(
                "%(mentor)s already has %(n)s mentee here, as many as they can take.",
                "%(mentor)s already has %(n)s mentees here, as many as they can take.",
                taken,
            ) % {**names, "n": taken}
        return None


def direct_problem(
    *, mentor: Person, mentee: Person, ignore_request_id: int | None = None
) -> str | None:
    """The rules for a request outside any programme: not oneself, both still here, not in
    one reporting line, no live pair or waiting request between the two already."""
    from seedbed.mentoring.models import MentorRequest, MentorRequestState

    names = {"mentor": mentor.full_name, "mentee": mentee.full_name}
    if mentor.pk == mentee.pk:
        return _("Nobody mentors themselves.")
    if not mentor.is_active:
        return _("%(mentor)s has left the organisation.") % names
    if not mentee.is_active:
        return _("%(mentee)s has left the organisation.") % names
    problem = reporting_line_problem(manager_map(), mentor, mentee)
    if problem:
        return problem
    if Pair.objects.filter(
        Q(mentor=mentor, mentee=mentee), state__in=[PairState.PUBLISHED, PairState.ACTIVE]
    ).exists():
        return _("%(mentor)s already mentors %(mentee)s.") % names
    waiting = MentorRequest.objects.filter(
        mentor=mentor, mentee=mentee, state=MentorRequestState.PENDING
    )
    if waiting.exclude(pk=ignore_request_id or 0).exists():
        return _("%(mentee)s has already asked %(mentor)s; wait for the answer.") % names
    return None
