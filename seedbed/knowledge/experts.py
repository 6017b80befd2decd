"""The expert finder: "who here knows X?" — evidence gathering and explanations.

``find_experts`` resolves a query to skills, gathers every kind of evidence for them with a
fixed number of queries (independent of the number of people), scores it with the pure
NumPy functions in ``seedbed.knowledge.ranking`` and explains each result in words.

**Which skills a query means.** Skills chosen by id are taken as they are. Free text is
matched against skill names and aliases (case-insensitive): exact matches win; otherwise a
word of a name or alias starting with the text (``kube`` → Kubernetes) and close spellings
(``kubernets``, via rapidfuzz). The text is also looked for in article titles and summaries
and in question titles: those articles and the answers to those questions count as direct
evidence. *Related skills* are the other skills of the same category and skills sharing a
name or alias with a matched one; their evidence counts at the ``related`` weight.

**Visibility (who may see what a result rests on).** A viewer only ever sees people of
``Person.objects.visible_to`` who are active (people who left are hidden). A result never
rests on evidence the viewer could not look up themselves, so neither its rank nor its
explanation leaks anything:

- levels count only for people in ``Person.objects.levels_visible_to(viewer)``;
- certificates only where ``HeldCertification.objects.visible_to(viewer)`` allows;
- mentoring only for pairs in ``Pair.objects.visible_to(viewer)`` (active or ended ones);
- articles only when published and in ``Article.objects.visible_to(viewer)``;
- answers and their votes always (questions are open to everyone signed in).

``viewer=None`` is system use (question routing): all of the above, for active people.

**Availability** (the ``available_only`` filter): a person is available when they have not
announced leaving within the next ``LEAVING_SOON_DAYS`` days (``leaving_on`` empty or later)
and, if they take part as a mentor in an open or running mentoring programme, at least one
of those participations still has spare capacity (fewer live pairs as mentor than the
mentees they said they can take). Someone who mentors nowhere is not limited by it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rapidfuzz import fuzz, process

from seedbed.certifications.models import HeldCertification
from seedbed.knowledge import ranking
from seedbed.knowledge.models import (
    Answer,
    Article,
    ArticleState,
    FinderSettings,
    Question,
    default_finder_weights,
)
from seedbed.mentoring.models import (
    Pair,
    PairState,
    Participant,
    ParticipantRole,
    ProgrammeState,
)
from seedbed.people.models import Person
from seedbed.skills.models import PersonSkill, Skill
from seedbed.skills.rules import TIERS

if TYPE_CHECKING:
    from seedbed.accounts.models import User

LEAVING_SOON_DAYS = 30
MAX_QUERY_SKILLS = 5  # skills a free-text query may resolve to
FUZZY_CUTOFF = 80.0  # rapidfuzz ratio (0–100) for a typo to count as a match
MAX_LIMIT = 500
TOP_ITEMS = 3  # articles / answered questions listed per result
VALIDATED_TIER = 3  # manager, assessment, certification (see seedbed.skills.rules)
MENTORING_STATES = (PairState.ACTIVE, PairState.ENDED)


@dataclass(frozen=True)
class ExpertResult:
    """One ranked person: the score, what was counted per evidence kind, and the words."""

    person: Person
    score: float
    evidence: dict[str, Any]
    explanation: str


@dataclass(frozen=True)
class ExpertPage:
    """One page of results, how many people matched in all, and the skills the query meant."""

    results: list[ExpertResult]
    total: int
    skills: list[Skill]
    related_skills: list[Skill] = field(default_factory=list)


def finder_weights() -> dict[str, float]:
    """The admin's weights, with defaults for any key missing in the stored row."""
    weights: dict[str, float] = dict(default_finder_weights())
    stored = FinderSettings.load().weights or {}
    for key, value in stored.items():
        if key in weights and isinstance(value, (int, float)) and not isinstance(value, bool):
            weights[key] = float(value)
    return weights


# --- skills -----------------------------------------------------------------------------------


def _terms(name: str, aliases: Sequence[str]) -> list[str]:
    return [t.strip().lower() for t in [name, *aliases] if t and t.strip()]


def match_skills(query: str, catalogue: Sequence[tuple[int, str, Sequence[str]]]) -> list[int]:
    """Skill ids ``query`` means, best first, from (id, name, aliases) rows: exact names or
    aliases; else word prefixes and close spellings; else the same per word of the query."""
    text = " ".join(query.lower().split())
    if not text:
        return []
    found = _match_phrase(text, catalogue)
    if not found and " " in text:
        for word in text.split()[:8]:
            for sid in _match_phrase(word, catalogue):
                if sid not in found:
                    found.append(sid)
    return found[:MAX_QUERY_SKILLS]


def _match_phrase(text: str, catalogue: Sequence[tuple[int, str, Sequence[str]]]) -> list[int]:
    exact = [sid for sid, name, aliases in catalogue if text in _terms(name, aliases)]
    if exact:
        return exact
    scored: dict[int, float] = {}
    if len(text) >= 3:
        for sid, name, aliases in catalogue:
            for term in _terms(name, aliases):
                if any(word.startswith(text) for word in term.split()) or term.startswith(text):
                    # Shorter terms are closer to what was typed.
                    scored[sid] = max(scored.get(sid, 0.0), 90.0 + 10.0 * len(text) / len(term))
    choices: list[str] = []
    owners: list[int] = []
    for sid, name, aliases in catalogue:
        for term in _terms(name, aliases):
            choices.append(term)
            owners.append(sid)
    if len(text) >= 4 and choices:
        for _term, similarity, index in process.extract(
            text, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=10
        ):
            sid = owners[index]
            scored[sid] = max(scored.get(sid, 0.0), float(similarity))
    return [sid for sid, _s in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))]


@dataclass(frozen=True)
class ResolvedSkills:
    direct: list[Skill]
    related: list[Skill]

    @property
    def direct_ids(self) -> set[int]:
        return {s.pk for s in self.direct}

    @property
    def all_ids(self) -> list[int]:
        return [s.pk for s in self.direct] + [s.pk for s in self.related]


def resolve_skills(skill_ids: Sequence[int], query: str) -> ResolvedSkills:
    """The skills asked for (by id and by text) and their related skills. Two queries."""
    wanted = [int(i) for i in skill_ids]
    rows = list(
        Skill.objects.filter(is_active=True)
        .order_by("name", "id")
        .values_list("id", "name", "aliases", "category_id")
    )
    by_id = {sid: (name, list(aliases or []), cat) for sid, name, aliases, cat in rows}
    direct_ids = [sid for sid in dict.fromkeys(wanted) if sid in by_id]
    if query.strip():
        catalogue = [(sid, name, aliases) for sid, (name, aliases, _c) in by_id.items()]
        for sid in match_skills(query, catalogue):
            if sid not in direct_ids:
                direct_ids.append(sid)
    categories = {by_id[sid][2] for sid in direct_ids}
    terms = {t for sid in direct_ids for t in _terms(by_id[sid][0], by_id[sid][1])}
    related_ids = [
        sid
        for sid, (name, aliases, cat) in by_id.items()
        if sid not in direct_ids and (cat in categories or terms & set(_terms(name, aliases)))
    ]
    objects = Skill.objects.select_related("category").in_bulk([*direct_ids, *related_ids])
    return ResolvedSkills(
        direct=[objects[sid] for sid in direct_ids if sid in objects],
        related=[objects[sid] for sid in related_ids if sid in objects],
    )


# --- evidence ---------------------------------------------------------------------------------


@dataclass
class _Item:
    person_id: int
    kind: str
    skill_id: int | None  # None: matched by text
    value: float
    at: datetime | date | None
    ref: tuple[int, str] | None = None  # (id, title) of an article or question, for links
    level: int | None = None
    source: str | None = None


def _aware(moment: datetime | date | None, now: datetime) -> datetime:
    if moment is None:
        return now
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day, tzinfo=now.tzinfo)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _levels(viewer: User | None, ids: list[int]) -> list[_Item]:
    qs = PersonSkill.objects.filter(skill_id__in=ids, person__is_active=True)
    if viewer is not None:
        qs = qs.filter(person__in=Person.objects.levels_visible_to(viewer))
    items = []
    for person_id, skill_id, level, source, at in qs.values_list(
        "person_id", "skill_id", "level", "source", "assessed_at"
    ):
        kind = "validated" if TIERS.get(source, 0) >= VALIDATED_TIER else "self_rated"
        items.append(_Item(person_id, kind, skill_id, float(level), at, level=level, source=source))
    return items


def _certificates(viewer: User | None, ids: list[int], today: date) -> list[_Item]:
    qs: QuerySet[HeldCertification] = HeldCertification.objects.filter(
        certification__skill_id__in=ids, person__is_active=True
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    if viewer is not None:
        qs = qs.filter(pk__in=HeldCertification.objects.visible_to(viewer).values("pk"))
    return [
        _Item(person_id, "certification", skill_id, 1.0, issued, ref=(cert_id, name))
        for person_id, skill_id, issued, cert_id, name in qs.values_list(
            "person_id",
            "certification__skill_id",
            "issued_on",
            "certification_id",
            "certification__name",
        )
    ]


def _visible_articles(viewer: User | None) -> QuerySet[Article]:
    qs = Article.objects.filter(state=ArticleState.PUBLISHED)
    if viewer is not None:
        qs = qs.filter(pk__in=Article.objects.visible_to(viewer).values("pk"))
    return qs


def _article_items(rows: Any, with_skill: bool) -> list[_Item]:
    items: list[_Item] = []
    for row in rows:
        skill_id = row[0] if with_skill else None
        article_id, owner_id, author_id, updated, title = row[1:] if with_skill else row
        credited = {pid for pid in (owner_id, author_id) if pid is not None}
        for pid in credited:
            items.append(_Item(pid, "articles", skill_id, 1.0, updated, ref=(article_id, title)))
    return items


_ARTICLE_FIELDS = ("id", "owner_id", "created_by__person__id", "updated_at", "title")


def _articles(viewer: User | None, ids: list[int], text: str) -> list[_Item]:
    through = Article.skills.through
    tagged = through.objects.filter(
        skill_id__in=ids, article__in=_visible_articles(viewer)
    ).values_list("skill_id", *[f"article__{f}" for f in _ARTICLE_FIELDS])
    items = _article_items(tagged, with_skill=True)
    if text:
        matched = (
            _visible_articles(viewer)
            .filter(Q(title__icontains=text) | Q(summary__icontains=text))
            .values_list(*_ARTICLE_FIELDS)
        )
        items += _article_items(matched, with_skill=False)
    return items


def _answer_items(rows: Any, with_skill: bool) -> list[_Item]:
    items: list[_Item] = []
    for row in rows:
        skill_id = row[0] if with_skill else None
        answer_id, author_id, score, created, accepted_id, question_id, title = (
            row[1:] if with_skill else row
        )
        if author_id is None:
            continue
        if accepted_id == answer_id:
            items.append(
                _Item(
                    author_id, "accepted_answers", skill_id, 1.0, created, ref=(question_id, title)
                )
            )
        if score > 0:
            items.append(
                _Item(author_id, "votes", skill_id, float(score), created, ref=(question_id, title))
            )
    return items


def _answers(ids: list[int], text: str) -> list[_Item]:
    through = Question.skills.through
    # One row per (tag on the question, answer): the join from the tag to the answers.
    tagged = (
        through.objects.filter(skill_id__in=ids, question__answers__author__is_active=True)
        .filter(
            Q(question__accepted_answer_id=F("question__answers__id"))
            | Q(question__answers__score__gt=0)
        )
        .values_list(
            "skill_id",
            "question__answers__id",
            "question__answers__author_id",
            "question__answers__score",
            "question__answers__created_at",
            "question__accepted_answer_id",
            "question_id",
            "question__title",
        )
    )
    items = _answer_items(tagged, with_skill=True)
    if text:
        matched = (
            Answer.objects.filter(question__title__icontains=text, author__is_active=True)
            .filter(Q(question__accepted_answer_id=F("id")) | Q(score__gt=0))
            .values_list(
                "id",
                "author_id",
                "score",
                "created_at",
                "question__accepted_answer_id",
                "question_id",
                "question__title",
            )
        )
        items += _answer_items(matched, with_skill=False)
    return items


def _mentoring(viewer: User | None, ids: list[int]) -> list[_Item]:
    pairs = Pair.objects.filter(state__in=MENTORING_STATES, mentor__is_active=True)
    if viewer is not None:
        pairs = pairs.filter(pk__in=Pair.objects.visible_to(viewer).values("pk"))
    when = Coalesce("last_activity_at", "ended_at", "started_at", "created_at")
    by_skill = (
        pairs.filter(skill_id__in=ids)
        .order_by()
        .values_list("id", "mentor_id", "skill_id")
        .annotate(at=when)
    )
    through = Pair.focus_skills.through
    by_focus = (
        through.objects.filter(skill_id__in=ids, pair__in=pairs)
        .order_by()
        .values_list("pair_id", "pair__mentor_id", "skill_id")
        .annotate(
            at=Coalesce(
                "pair__last_activity_at", "pair__ended_at", "pair__started_at", "pair__created_at"
            )
        )
    )
    items = []
    for pair_id, mentor_id, skill_id, at in by_skill.union(by_focus, all=True).order_by():
        items.append(_Item(mentor_id, "mentoring", skill_id, 1.0, at, ref=(pair_id, "")))
    return items


def _dedupe(items: list[_Item], direct_ids: set[int]) -> list[_Item]:
    """One item per (person, kind, thing): an article tagged with two asked-for skills, or
    with one asked-for and one related skill, counts once, as direct evidence."""
    best: dict[tuple[int, str, Any], _Item] = {}
    rest: list[_Item] = []
    for item in items:
        if item.ref is None:
            rest.append(item)
            continue
        key = (item.person_id, item.kind, item.ref[0])
        seen = best.get(key)
        if seen is None or (_is_direct(item, direct_ids) and not _is_direct(seen, direct_ids)):
            best[key] = item
    return rest + list(best.values())


def _is_direct(item: _Item, direct_ids: set[int]) -> bool:
    return item.skill_id is None or item.skill_id in direct_ids


def _available(person_rows: Mapping[int, Mapping[str, Any]], today: date) -> dict[int, bool]:
    """Person id -> available (see the module docstring). One query."""
    soon = today + timedelta(days=LEAVING_SOON_DAYS)
    available = {
        pid: row["leaving_on"] is None or row["leaving_on"] > soon
        for pid, row in person_rows.items()
    }
    live = (
        Pair.objects.live()
        .filter(programme_id=OuterRef("programme_id"), mentor_id=OuterRef("person_id"))
        .order_by()
        .values("mentor_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    mentors = (
        Participant.objects.filter(
            person_id__in=list(person_rows),
            is_active=True,
            role__in=[ParticipantRole.MENTOR, ParticipantRole.BOTH],
            programme__state__in=[ProgrammeState.OPEN, ProgrammeState.RUNNING],
        )
        .annotate(live=Coalesce(Subquery(live), Value(0)))
        .values_list("person_id", "capacity", "live")
    )
    spare: dict[int, bool] = {}
    for pid, capacity, n_live in mentors:
        spare[pid] = spare.get(pid, False) or n_live < capacity
    return {pid: ok and spare.get(pid, True) for pid, ok in available.items()}


# --- the finder -------------------------------------------------------------------------------


def find_experts(
    *,
    viewer: User | None,
    skill_ids: Sequence[int] = (),
    query: str = "",
    team_id: int | None = None,
    location: str = "",
    language: str = "",
    available_only: bool = False,
    exclude_person_ids: Collection[int] = (),
    limit: int = 10,
    offset: int = 0,
    now: datetime | None = None,
) -> ExpertPage:
    """People ranked by evidence for the skills ``skill_ids`` and/or the text ``query``.

    A fixed number of queries whatever the number of people: settings, skills (2), levels,
    certificates, articles (+1 with text), answers (+1 with text), mentoring, people,
    availability, the page's people.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    text = " ".join(query.split())[:200]
    limit = max(0, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    if viewer is not None and not (viewer.is_authenticated and viewer.is_active):
        return ExpertPage([], 0, [])
    weights = finder_weights()
    resolved = resolve_skills(skill_ids, text)
    ids = resolved.all_ids
    if not ids and not text:
        return ExpertPage([], 0, resolved.direct, resolved.related)
    direct_ids = resolved.direct_ids
    items: list[_Item] = []
    items += _levels(viewer, ids)
    items += _certificates(viewer, ids, today)
    items += _articles(viewer, ids, text)
    items += _answers(ids, text)
    items += _mentoring(viewer, ids)
    items = _dedupe(items, direct_ids)

    people_qs = Person.objects.filter(is_active=True, pk__in={i.person_id for i in items})
    if viewer is not None:
        people_qs = people_qs.filter(pk__in=Person.objects.visible_to(viewer).values("pk"))
    if team_id is not None:
        people_qs = people_qs.filter(team_id=team_id)
    if location.strip():
        people_qs = people_qs.filter(location__iexact=location.strip())
    if language.strip():
        people_qs = people_qs.filter(languages__icontains=language.strip())
    if exclude_person_ids:
        people_qs = people_qs.exclude(pk__in=list(exclude_person_ids))
    person_rows = {
        row["id"]: row for row in people_qs.values("id", "full_name", "languages", "leaving_on")
    }
    if language.strip():
        wanted = language.strip().lower()
        person_rows = {
            pid: row
            for pid, row in person_rows.items()
            if wanted in [lang.strip().lower() for lang in row["languages"].split(",")]
        }
    availability = _available(person_rows, today)
    if available_only:
        person_rows = {pid: row for pid, row in person_rows.items() if availability[pid]}

    pids = sorted(person_rows, key=lambda pid: (person_rows[pid]["full_name"].lower(), pid))
    index = {pid: i for i, pid in enumerate(pids)}
    items = [i for i in items if i.person_id in index]
    top_level = max([5.0, *[i.value for i in items if i.kind in ranking.LEVEL_KINDS]])
    rows = [
        (
            index[i.person_id],
            ranking.KIND_INDEX[i.kind],
            i.skill_id or 0,  # text matches are direct evidence: their group does not matter
            not _is_direct(i, direct_ids),
            i.value / top_level if i.kind in ranking.LEVEL_KINDS else i.value,
            (now - _aware(i.at, now)).total_seconds() / 86400.0,
        )
        for i in items
    ]
    scores = ranking.score(ranking.Evidence.from_rows(rows), len(pids), weights)
    ordered = ranking.order(scores.total, np.arange(len(pids), dtype=np.int64))
    ordered = ordered[scores.total[ordered] > 0]
    total = int(ordered.shape[0])
    page = [int(i) for i in ordered[offset : offset + limit]]
    page_ids = [pids[i] for i in page]
    people = Person.objects.select_related("team", "role").in_bulk(page_ids)
    by_person: dict[int, list[_Item]] = {}
    for item in items:
        by_person.setdefault(item.person_id, []).append(item)
    skill_names = {s.pk: s.name for s in [*resolved.direct, *resolved.related]}
    results = []
    for i in page:
        pid = pids[i]
        evidence = _summarise(
            by_person.get(pid, []),
            direct_ids=direct_ids,
            skill_names=skill_names,
            related_skill_id=int(scores.related_skill[i]),
            contributions=_contributions(scores, i, weights),
            available=availability[pid],
        )
        results.append(
            ExpertResult(
                person=people[pid],
                score=round(float(scores.total[i]), 4),
                evidence=evidence,
                explanation=explain(evidence, now=now),
            )
        )
    return ExpertPage(results, total, resolved.direct, resolved.related)


def _contributions(scores: ranking.Scores, i: int, weights: dict[str, float]) -> dict[str, float]:
    out: dict[str, float] = {}
    for k, name in enumerate(ranking.KINDS):
        direct = float(scores.direct[i, k]) * weights[name]
        related = float(scores.related[i, k]) * weights[name] * weights["related"]
        if direct:
            out[name] = round(direct, 4)
        if related:
            out["related"] = round(out.get("related", 0.0) + related, 4)
    return out


def _summarise(
    items: list[_Item],
    *,
    direct_ids: set[int],
    skill_names: dict[int, str],
    related_skill_id: int,
    contributions: dict[str, float],
    available: bool,
) -> dict[str, Any]:
    """What was counted for one person, per evidence kind: on the skills asked for, and on
    the one related skill that counted (``related_skill_id``, -1 for none)."""
    counts = {k: 0 for k in ranking.KINDS if k not in ranking.LEVEL_KINDS}
    related_counts = dict(counts)
    best_level: _Item | None = None
    best_related: _Item | None = None
    articles: dict[int, str] = {}
    questions: dict[int, str] = {}
    last: datetime | date | None = None
    for item in items:
        direct = _is_direct(item, direct_ids)
        if not direct and item.skill_id != related_skill_id:
            continue  # evidence on other related skills did not count
        if item.at is not None and (last is None or _date(item.at) > _date(last)):
            last = item.at
        if item.kind in ranking.LEVEL_KINDS:
            if direct:
                if best_level is None or _level_key(item) > _level_key(best_level):
                    best_level = item
            elif best_related is None or _level_key(item) > _level_key(best_related):
                best_related = item
        else:
            amount = int(item.value) if item.kind == "votes" else 1
            (counts if direct else related_counts)[item.kind] += amount
            if item.kind == "articles" and item.ref is not None:
                articles[item.ref[0]] = item.ref[1]
            if item.kind == "accepted_answers" and item.ref is not None:
                questions[item.ref[0]] = item.ref[1]
    return {
        "level": _level_dict(best_level, skill_names),
        **counts,
        "related_skill": skill_names.get(related_skill_id) if related_skill_id >= 0 else None,
        "related_level": _level_dict(best_related, skill_names),
        "related": {k: v for k, v in related_counts.items() if v},
        "articles_list": [{"id": k, "title": v} for k, v in list(articles.items())[:TOP_ITEMS]],
        "answered_list": [{"id": k, "title": v} for k, v in list(questions.items())[:TOP_ITEMS]],
        "last_active": _date(last) if last is not None else None,
        "available": available,
        "contributions": contributions,
    }


def _level_key(item: _Item) -> tuple[bool, int]:
    return (TIERS.get(item.source or "", 0) >= VALIDATED_TIER, item.level or 0)


def _level_dict(item: _Item | None, skill_names: dict[int, str]) -> dict[str, Any] | None:
    if item is None or item.skill_id is None:
        return None
    return {
        "skill": skill_names.get(item.skill_id, ""),
        "skill_id": item.skill_id,
        "level": item.level,
        "source": item.source,
        "validated": TIERS.get(item.source or "", 0) >= VALIDATED_TIER,
        "at": _date(item.at) if item.at is not None else None,
    }


def _date(moment: datetime | date) -> date:
    return timezone.localdate(moment) if isinstance(moment, datetime) else moment


def _phrases(level: dict[str, Any] | None, counts: dict[str, int], *, in_skill: bool) -> list[str]:
    parts: list[str] = []
    if level:
        if in_skill:
            template = (
                _("validated level %(level)s in %(skill)s")
                if level["validated"]
                else _("self-rated level %(level)s in %(skill)s")
            )
        else:
            template = (
                _("validated level %(level)s")
                if level["validated"]
                else _("self-rated level %(level)s")
            )
        parts.append(template % {"level": level["level"], "skill": level["skill"]})
    n = counts.get("certification", 0)
    if n:
        parts.append(ngettext("%(n)d certificate", "%(n)d certificates", n) % {"n": n})
    n = counts.get("articles", 0)
    if n:
        parts.append(ngettext("%(n)d article", "%(n)d articles", n) % {"n": n})
    n = counts.get("accepted_answers", 0)
    if n:
        parts.append(ngettext("%(n)d accepted answer", "%(n)d accepted answers", n) % {"n": n})
    n = counts.get("votes", 0)
    if n:
        parts.append(ngettext("%(n)d up-vote", "%(n)d up-votes", n) % {"n": n})
    n = counts.get("mentoring", 0)
    if n:
        parts.append(ngettext("mentored %(n)d person", "mentored %(n)d people", n) % {"n": n})
    return parts


def explain(evidence: dict[str, Any], *, now: datetime) -> str:
    """The evidence in words, e.g. "validated level 4 in Kubernetes, 3 articles, 7 accepted
    answers, last active 2 weeks ago". Only what was counted (and so what the viewer may see)."""
    parts = _phrases(evidence.get("level"), evidence, in_skill=True)
    related = _phrases(evidence.get("related_level"), evidence.get("related") or {}, in_skill=False)
    segments = [", ".join(parts)] if parts else []
    if related and evidence.get("related_skill"):
        segments.append(
            _("on the related %(skill)s: %(evidence)s")
            % {"skill": evidence["related_skill"], "evidence": ", ".join(related)}
        )
    last = evidence.get("last_active")
    if last is not None:
        moment = datetime(last.year, last.month, last.day, tzinfo=now.tzinfo)
        if (now.date() - last).days < 1:
            segments.append(_("last active today"))
        else:
            segments.append(_("last active %(ago)s ago") % {"ago": timesince(moment, now, depth=1)})
    # A related part lists evidence with commas itself: semicolons keep the parts apart.
    return ("; " if related else ", ").join(segments)


def raw_levels(skill_id: int) -> list[tuple[int, int]]:
    """The "declared skills only" baseline: (person id, level) of active holders, highest
    level first, newest assessment first among equals. One query (the benchmark's raw query
    and the evaluation's baseline)."""
    return list(
        PersonSkill.objects.filter(skill_id=skill_id, person__is_active=True)
        .order_by("-level", "-assessed_at", "person_id")
        .values_list("person_id", "level")
    )


__all__ = [
    "LEAVING_SOON_DAYS",
    "ExpertPage",
    "ExpertResult",
    "explain",
    "find_experts",
    "finder_weights",
    "match_skills",
    "raw_levels",
    "resolve_skills",
]
