"""The expert finder: "who here knows X?" — evidence gathering and explanations.

``find_experts`` resolves a query to skills, gathers every kind of evidence for them with a
fixed number of queries (independent of the number of people), scores it with the pure
NumPy functions in ``seedbed.knowledge.ranking`` and explains each result in words.

**Which skills a query means.** Skills chosen by id are taken as they are. Free text is
matched against skill names and aliases (case-insensitive): exact matches win; otherwise a
word of a name or alias starting with the text (``kube`` → Kubernetes) and close spellings
(``kubernets``, via rapidfuzz), keeping only the closest. Unless the text is exactly a skill's
name or alias, it is also looked for in article titles and summaries and in question titles:
those articles and the answers to those questions count as direct evidence. *Related skills* are the other skills of the same category and skills sharing a
name or alias with a matched one; their evidence counts at the ``related`` weight.

**Visibility (who may see what a result rests on).** A viewer only ever sees people of
``Person.objects.visible_to`` who are active (people who left are hidden). A result never
rests on evidence the viewer could not look up themselves, so neither its rank nor its
explanation leaks anything:

- levels count only for people in ``Person.objects.levels_visible_to(viewer)``;
- certificates only where ``HeldCertification.objects.visible_to(viewer)`` allows (its
  people, ``people_in_scope``);
- mentoring only for pairs in ``Pair.objects.visible_to(viewer)`` (active or ended ones);
- articles only when published and in ``Article.objects.visible_to(viewer)``;
- answers and their votes always (questions are open to everyone signed in).

``viewer=None`` is system use (question routing): all of the above, for active people.

**Availability** (the ``available_only`` filter): a person is available when they have not
announced leaving within the next ``LEAVING_SOON_DAYS`` days (``leaving_on`` empty or later)
and, if they take part as a mentor in an open or running mentoring programme, at least one
of those participations still has spare capacity (fewer live pairs as mentor than the
mentees they said they can take). Someone who mentors nowhere is not limited by it.

**Where the parts live.** This module resolves the query and runs the search; its statements
are in ``finder_sql``, compiled once and fetched as numbers by ``finder_compile``; their rows
become NumPy arrays for ``ranking`` in ``finder_rows``; ``finder_explain`` puts each result
into words.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.utils import timezone
from rapidfuzz import fuzz, process

from seedbed.knowledge import ranking
from seedbed.knowledge.evidence import evidence_sql, read_evidence
from seedbed.knowledge.finder_compile import (
    _compiled,
    _fetch,
    _fetch_all,
    _numbers,
    _shaped_sql,
    _viewer_key,
)
from seedbed.knowledge.finder_explain import _contributions, _summarise, explain
from seedbed.knowledge.finder_rows import (
    _evidence,
    _full_mentors,
    _is_direct,
    _levels,
    _Listed,
    _per_item,
    _restricted_articles,
    _Rows,
)
from seedbed.knowledge.finder_sql import (
    ANSWER,
    ARTICLE,
    _answers,
    _articles,
    _capacity_sql,
    _certificates_sql,
    _exceptions_query,
    _levels_sql,
    _levels_visible,
    _links,
    _mentoring_sql,
    _people_query,
    _readable,
    _restricted_sql,
    _text_hits,
    _TextHits,
)

# Imported from here by tests of the read table (``tests/test_knowledge_evidence.py``).
from seedbed.knowledge.finder_sql import _restricted_readable as _restricted_readable
from seedbed.knowledge.models import Article, EvidenceKind, FinderSettings, default_finder_weights
from seedbed.knowledge.ranking import FloatArray, IntArray
from seedbed.people.models import Person
from seedbed.skills.models import PersonSkill, Skill

if TYPE_CHECKING:
    from seedbed.accounts.models import User

LEAVING_SOON_DAYS = 30
MAX_QUERY_SKILLS = 5  # skills a free-text query may resolve to
FUZZY_CUTOFF = 80.0  # rapidfuzz ratio (0–100) for a typo to count as a match
CLOSE_MATCH = 5.0  # matches this far below the best one are dropped
MAX_LIMIT = 500


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


def _stored_weights() -> Any:
    """The stored weights (``FinderSettings.load().weights``), read as the driver returns
    them (no model instance; the row is created by ``load`` when missing). One query."""
    db = router.db_for_read(FinderSettings)
    sql, params = _compiled(
        "weights", db, lambda: FinderSettings.objects.filter(pk=1).values_list("weights")
    )
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return FinderSettings.load().weights
    return json.loads(row[0]) if isinstance(row[0], str) else row[0]


def finder_weights() -> dict[str, float]:
    """The admin's weights, with defaults for any key missing in the stored row."""
    weights: dict[str, float] = dict(default_finder_weights())
    stored = _stored_weights() or {}
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
    if not scored:
        return []
    # Only the closest matches: "skil 020" means Skill 020, not also Skill 000 (a few
    # letters further off).
    best = max(scored.values())
    return [
        sid
        for sid, score in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))
        if score >= best - CLOSE_MATCH
    ]


@dataclass(frozen=True)
class ResolvedSkills:
    direct: list[Skill]
    related: list[Skill]
    exact: bool = False  # the text is the name or an alias of a skill

    @property
    def direct_ids(self) -> set[int]:
        return {s.pk for s in self.direct}

    @property
    def all_ids(self) -> list[int]:
        return [s.pk for s in self.direct] + [s.pk for s in self.related]


@dataclass(frozen=True)
class _Catalogue:
    """The active skills, in name order: per id (name, aliases, category, terms)."""

    by_id: dict[int, tuple[str, list[str], int, frozenset[str]]]
    catalogue: list[tuple[int, str, list[str]]]


# Per database: the catalogue's rows as last read, and what was made of them.
_CATALOGUES: dict[str, tuple[list[tuple[Any, ...]], _Catalogue]] = {}


def _catalogue() -> _Catalogue:
    """The active skills (one query, its SQL compiled once); the names, aliases and terms
    are made from the rows again only when they differ from the rows last read."""
    db = router.db_for_read(Skill)
    sql, params = _compiled(
        "catalogue",
        db,
        lambda: (
            Skill.objects.filter(is_active=True)
            .order_by("name", "id")
            .values_list("id", "name", "aliases", "category_id")
        ),
    )
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    kept = _CATALOGUES.get(db)
    if kept is not None and kept[0] == rows:
        return kept[1]
    by_id: dict[int, tuple[str, list[str], int, frozenset[str]]] = {}
    for sid, name, raw, cat in rows:
        aliases = list((json.loads(raw) if isinstance(raw, str) else raw) or [])
        by_id[sid] = (name, aliases, cat, frozenset(_terms(name, aliases)))
    made = _Catalogue(by_id, [(sid, name, aliases) for sid, (name, aliases, *_r) in by_id.items()])
    _CATALOGUES[db] = (rows, made)
    return made


def _instance[M: Model](model: type[M], db: str, values: dict[str, Any]) -> M:
    """An instance of ``model`` as the database would give it with only the fields of
    ``values`` (by attribute name) loaded, as ``.only()`` makes them: any other field is read
    when first used. (``Model.from_db`` takes the values in the order of the model's
    fields.)"""
    names = _in_field_order(model, tuple(values))
    return model.from_db(db, names, [values[n] for n in names])


@cache
def _in_field_order(model: type[Model], names: tuple[str, ...]) -> tuple[str, ...]:
    """``names`` (attribute names) in the order of ``model``'s fields: worked out once per
    model and set of names, not for each of the page's sixty instances."""
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname in names)


def resolve_skills(skill_ids: Sequence[int], query: str) -> ResolvedSkills:
    """The skills asked for (by id and by text) and their related skills, with the fields of
    the catalogue (id, name, aliases, category; any other is read when first used). One
    query."""
    wanted = [int(i) for i in skill_ids]
    known = _catalogue()
    by_id = known.by_id
    direct_ids = [sid for sid in dict.fromkeys(wanted) if sid in by_id]
    text = " ".join(query.lower().split())
    exact = bool(text) and any(text in terms for *_r, terms in by_id.values())
    if query.strip():
        for sid in match_skills(query, known.catalogue):
            if sid not in direct_ids:
                direct_ids.append(sid)
    categories = {by_id[sid][2] for sid in direct_ids}
    terms = {t for sid in direct_ids for t in by_id[sid][3]}
    related_ids = [
        sid
        for sid, (_name, _aliases, cat, its_terms) in by_id.items()
        if sid not in direct_ids and (cat in categories or terms & its_terms)
    ]
    db = router.db_for_read(Skill)

    def skill(sid: int) -> Skill:
        # Made from the catalogue's row, not read again (as ``.only()`` would make it: other
        # fields are read when first used). A new instance per call: callers may change it.
        name, aliases, category, _terms = by_id[sid]
        values = {"id": sid, "name": name, "aliases": list(aliases), "category_id": category}
        return _instance(Skill, db, values)

    return ResolvedSkills(
        direct=[skill(sid) for sid in direct_ids],
        related=[skill(sid) for sid in related_ids],
        exact=exact,
    )


# --- evidence ---------------------------------------------------------------------------------


def _summed_evidence(
    readable: Callable[[], QuerySet[Article] | None],
    direct: list[int],
    related: list[int],
    hits: _TextHits,
    now: datetime,
    hl: float,
    fetched: dict[str, Any],
) -> dict[str, _Rows]:
    """Articles, accepted answers and votes, recency-weighted and summed per person (and
    related skill).

    With one skill asked for, they come from the read table (``seedbed.knowledge.evidence``)
    and only what it cannot know is summed here, so the result is the same as summing it all:

    - articles visible to a team or privately, for viewers who may not read every article
      (the table holds those apart from the ones visible to the organisation);
    - articles and questions found by the text and *not* tagged with the skill (an item both
      tagged and found counts once, as when summed).

    Several skills asked for are pooled (an article tagged with two of them counts once),
    which the table cannot give: everything is summed here then. Four queries at most.

    ``fetched``: the rows of the table (``evidence``, from ``evidence_sql``) and, for a
    viewer who may not read every article, of ``_restricted_sql`` (``restricted``), fetched
    by the caller with its other statements; ``readable``: ``_readable`` of the viewer
    (built only when needed)."""
    if len(direct) != 1:
        return _summed_at_query_time(readable(), direct, related, hits, now, hl)
    stored = read_evidence(direct[0], related, now.timestamp(), hl, table=fetched["evidence"])
    if stored is None:  # the table was built with another half-life
        return _summed_at_query_time(readable(), direct, related, hits, now, hl)
    parts = [_Rows.of_array("articles", stored[EvidenceKind.ARTICLES])]
    if "restricted" not in fetched:  # the system and admins read every article
        parts.append(_Rows.of_array("articles", stored[EvidenceKind.RESTRICTED_ARTICLES]))
    else:
        # Their own share: the few articles not for everyone that they may read.
        parts.append(_restricted_articles(fetched["restricted"], direct[0]))
    if hits.articles:  # found by the text, not tagged with the skill (as the reader may see)
        parts.append(_articles(readable(), direct, related, hits, now, hl, only_hits=True))
    out = {
        "articles": _Rows.concat("articles", parts),
        "accepted_answers": _Rows.of_array(
            "accepted_answers", stored[EvidenceKind.ACCEPTED_ANSWERS]
        ),
        "votes": _Rows.of_array("votes", stored[EvidenceKind.VOTES]),
    }
    if hits.questions:
        accepted, votes = _answers(direct, related, hits, now, hl, only_hits=True)
        out["accepted_answers"] = _Rows.concat(
            "accepted_answers", [out["accepted_answers"], accepted]
        )
        out["votes"] = _Rows.concat("votes", [out["votes"], votes])
    return out


def _summed_at_query_time(
    readable: QuerySet[Article] | None,
    direct: list[int],
    related: list[int],
    hits: _TextHits,
    now: datetime,
    hl: float,
) -> dict[str, _Rows]:
    accepted, votes = _answers(direct, related, hits, now, hl)
    return {
        "articles": _articles(readable, direct, related, hits, now, hl),
        "accepted_answers": accepted,
        "votes": votes,
    }


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

    A bounded number of queries whatever the number of people: settings, skills (2), with
    text that is not a skill's name the articles and questions containing it (2); levels,
    certificates, mentoring, the read table (one skill asked for), people (with whose levels
    the viewer may see) and mentors' capacity, fetched together (``_fetch_all``: one round
    trip on PostgreSQL); articles and answers summed at query time where the read table
    cannot give them; and when the page lists anyone: its people, and their articles and
    answered questions. A reader who may not read every article adds whose articles they
    read personally (1) and, fetched with the others, those of them not for everyone.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    text = " ".join(query.split())[:200]
    limit = max(0, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    if viewer is not None and not (viewer.is_authenticated and viewer.is_active):
        return ExpertPage([], 0, [])
    weights = finder_weights()
    hl = float(weights["half_life_days"])
    resolved = resolve_skills(skill_ids, text)
    ids = resolved.all_ids
    if not ids and not text:
        return ExpertPage([], 0, resolved.direct, resolved.related)
    direct = sorted(resolved.direct_ids)
    related = [s.pk for s in resolved.related]
    # The name or an alias of a skill means that skill: its tagged articles and questions
    # are the evidence. Other text is also looked for in titles (a scan of every title).
    hits = _text_hits("" if resolved.exact else text)
    direct_ids = np.asarray(direct, dtype=np.int64)
    # Whose articles the viewer reads personally, as id lists (one query; none for admins
    # and the system, ``None`` then: they see everything the finder reads); with the viewer,
    # they key the SQL of the scoped statements compiled once.
    owners = Article.objects.personal_owners(viewer) if viewer is not None else None
    key = _viewer_key(viewer, owners)
    built: list[QuerySet[Article] | None] = []

    def readable() -> QuerySet[Article] | None:  # built only when a statement needs it
        if not built:
            built.append(_readable(viewer, owners))
        return built[0]

    # Who may be listed: active, visible, matching the filters; whose levels the viewer may
    # see (Person.objects.levels_visible_to), flagged on the people's rows: the scope is
    # evaluated once, not per level row.
    people_scope = Person.objects.visible_to(viewer) if viewer is not None else None
    unscoped = people_scope is None or not (
        people_scope.query.where or people_scope.query.is_empty()
    )
    levels_scope = None if owners is None else _levels_visible(owners.line)
    soon = today + timedelta(days=LEAVING_SOON_DAYS)
    wanted = language.strip().lower()
    exclude = list(dict.fromkeys(int(i) for i in exclude_person_ids))

    # The numbers, in one round trip on PostgreSQL (``fetch_many``): levels, certificates,
    # mentoring, the read table and the viewer's own restricted articles (one skill asked
    # for), the people who may be listed (without filters other than excluded people) and
    # the mentors' capacity.
    db = router.db_for_read(PersonSkill)
    statements: dict[str, tuple[tuple[str, list[Any]] | None, int, bool]] = {
        "level": _levels_sql(ids, db),
        "certification": (_certificates_sql(owners, ids, today, key), 4, False),
        "mentoring": (_mentoring_sql(owners, ids, key), 4, False),
        "capacity": (_capacity_sql(), 3, False),
    }
    if len(direct) == 1:
        sql, params, columns, packed = evidence_sql(direct[0], related, hl, connections[db].vendor)
        statements["evidence"] = ((sql, params), columns, packed)
        if owners is not None:
            assert viewer is not None
            restricted = _restricted_sql(viewer, owners, direct[0], related, now, hl, key)
            statements["restricted"] = (restricted, 6, False)
    if unscoped and team_id is None and not location.strip() and not wanted:
        # Everyone but a few: only the exceptions are read. Compiled once per day (and
        # viewer: with whose levels they see).
        statements["people"] = (
            _shaped_sql(
                f"people:{soon.isoformat()}",
                lambda: _exceptions_query(levels_scope, soon),
                db,
                viewer=key if levels_scope is not None else (),
            ),
            4,
            False,
        )
    fetched = _fetch_all(statements, db)
    kinds = {
        "level": _levels(fetched["level"]),
        "certification": _per_item("certification", fetched["certification"], direct_ids),
        "mentoring": _per_item("mentoring", fetched["mentoring"], direct_ids),
    }
    kinds.update(_summed_evidence(readable, direct, related, hits, now, hl, fetched))

    if "people" in fetched:
        listed = _Listed.all_but(fetched["people"], exclude)
    else:
        listed_qs = _people_query(
            people_scope, levels_scope, team_id, location, language, exclude, soon
        )
        if wanted:
            matching = [
                (pid, stay, sees)
                for pid, stay, sees, languages in _fetch(listed_qs)
                if wanted in [x.strip().lower() for x in languages.split(",")]
            ]
            listed = _Listed.only(np.asarray(matching, dtype=np.float64).reshape(-1, 3))
        else:
            listed = _Listed.only(_numbers(listed_qs, 3))
    if levels_scope is not None:
        on_levels = kinds["level"]
        kinds["level"] = on_levels.take(listed.levels_seen(on_levels.person))
    full = _full_mentors(fetched["capacity"])

    def is_available(pids: IntArray) -> Any:
        return listed.stays(pids) & ~np.isin(pids, full)

    # Candidates: listed (and available, if asked) people with any evidence, by id.
    with_evidence = np.unique(np.concatenate([rows.person for rows in kinds.values()]))
    chosen = listed.listed(with_evidence)
    if available_only:
        chosen &= is_available(with_evidence)
    id_array = with_evidence[chosen]
    for name, rows in kinds.items():
        kinds[name] = rows.take(np.isin(rows.person, id_array))
    sort_ids = np.arange(id_array.shape[0], dtype=np.int64)
    evidence = _evidence(kinds, id_array, sort_ids, direct_ids, now)
    scores = ranking.score(evidence, int(id_array.shape[0]), weights)
    page, page_people = _page(scores.total, id_array, offset, limit)
    total = int(np.count_nonzero(scores.total > 0))
    if not page:
        return ExpertPage([], total, resolved.direct, resolved.related)
    page_ids = [int(id_array[i]) for i in page]
    links = _links(readable, owners is None, page_ids, direct, hits, key)
    skill_names = {s.pk: s.name for s in [*resolved.direct, *resolved.related]}
    on_page = {name: rows.take(np.isin(rows.person, page_ids)) for name, rows in kinds.items()}
    page_array = np.asarray(page_ids, dtype=np.int64)
    available_on_page = dict(
        zip(page_ids, [bool(x) for x in is_available(page_array)], strict=True)
    )
    on_direct = {name: _is_direct(rows.skill, direct_ids) for name, rows in on_page.items()}
    results = []
    for i in page:
        pid = int(id_array[i])
        summary = _summarise(
            on_page,
            pid,
            on_direct=on_direct,
            related_skill_id=int(scores.related_skill[i]),
            skill_names=skill_names,
        )
        summary["articles_list"] = links[pid][ARTICLE]
        summary["answered_list"] = links[pid][ANSWER]
        summary["available"] = available_on_page[pid]
        summary["contributions"] = _contributions(scores, i, weights)
        results.append(
            ExpertResult(
                person=page_people[pid],
                score=round(float(scores.total[i]), 4),
                evidence=summary,
                explanation=explain(summary, now=now),
            )
        )
    return ExpertPage(results, total, resolved.direct, resolved.related)


def _page(
    total: FloatArray, ids: IntArray, offset: int, limit: int
) -> tuple[list[int], dict[int, Person]]:
    """Indices of the page's people, best score first, ties in name order (then id), and
    the people. Names are read only for the scores down to the page's last one (the page's
    people and anyone tied with them): one query."""
    positive = np.flatnonzero(total > 0)
    end = min(offset + limit, int(positive.shape[0]))
    if offset >= end:
        return [], {}
    # Scores equal to ranking.TIE_DECIMALS tie (sums of the same evidence read from the
    # table or summed here may differ in the last bits).
    rounded = np.round(total, ranking.TIE_DECIMALS)
    by_score = positive[np.lexsort((ids[positive], -rounded[positive]))]
    contenders = positive[rounded[positive] >= rounded[by_score[end - 1]]]
    people = _page_people([int(ids[i]) for i in contenders])
    ordered = sorted(
        (int(i) for i in contenders),
        key=lambda i: (-float(rounded[i]), people[int(ids[i])].full_name.lower(), int(ids[i])),
    )
    page = ordered[offset:end]
    return page, {int(ids[i]): people[int(ids[i])] for i in page}


# What a page shows of a person (the finder's page, its API and export, question routing);
# any other field is read when first used, as with ``.only()``.
_PERSON_FIELDS = ["id", "full_name", "location", "user_id", "team_id", "role_id"]


def _page_people_query(ids: list[int]) -> QuerySet[Any]:
    return Person.objects.filter(pk__in=ids).values_list(
        *_PERSON_FIELDS, "team__name", "role__name"
    )


def _page_people(ids: list[int]) -> dict[int, Person]:
    """The people ``ids`` with their team and role, as ``select_related("team", "role")``
    would give them but with the fields a page shows only (``_PERSON_FIELDS``, the team's
    and the role's name). One query, its SQL compiled once per number of people: Django
    builds, compiles and turns into instances the ``select_related`` query in about 1.3 ms,
    three times the time of the query itself."""
    db = router.db_for_read(Person)
    compiled = _shaped_sql("page-people", _page_people_query, db, ids)
    if compiled is None:
        return {}
    with connections[db].cursor() as cursor:
        cursor.execute(*compiled)
        rows = cursor.fetchall()
    team_field, role_field = Person._meta.get_field("team"), Person._meta.get_field("role")
    team_model, role_model = team_field.related_model, role_field.related_model
    assert isinstance(team_model, type) and isinstance(role_model, type)
    people: dict[int, Person] = {}
    for row in rows:
        values = dict(zip(_PERSON_FIELDS, row, strict=False))
        team_name, role_name = row[len(_PERSON_FIELDS) :]
        person = _instance(Person, db, values)
        team_id, role_id = values["team_id"], values["role_id"]
        team = (
            None
            if team_id is None
            else _instance(team_model, db, {"id": team_id, "name": team_name})
        )
        role = (
            None
            if role_id is None
            else _instance(role_model, db, {"id": role_id, "name": role_name})
        )
        team_field.set_cached_value(person, team)
        role_field.set_cached_value(person, role)
        people[person.pk] = person
    return people


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
