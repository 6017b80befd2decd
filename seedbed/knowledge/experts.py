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
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    Max,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least, Power, Upper
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rapidfuzz import fuzz, process

from seedbed.accounts.models import OrgSettings
from seedbed.certifications.models import HeldCertification
from seedbed.knowledge import ranking
from seedbed.knowledge.evidence import (
    evidence_sql,
    fetch_many,
    fetch_numbers,
    read_evidence,
    server_cursor,
)
from seedbed.knowledge.models import (
    OPEN_TO_ALL,
    Answer,
    Article,
    ArticleState,
    EvidenceKind,
    FinderSettings,
    Owners,
    Question,
    Visibility,
    default_finder_weights,
    scope_key,
)
from seedbed.knowledge.ranking import FloatArray, IntArray
from seedbed.lib.db import EpochSeconds, queries_run
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
CLOSE_MATCH = 5.0  # matches this far below the best one are dropped
MAX_TEXT_HITS = 2000  # newest articles (and questions) found by text that count
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


# SQL of statements that take no parameter from the request, compiled once per database.
_COMPILED: dict[str, tuple[str, tuple[Any, ...]]] = {}


def _compiled(name: str, db: str, build: Callable[[], QuerySet[Any]]) -> tuple[str, list[Any]]:
    """The SQL and parameters of ``build()``'s queryset on ``db``, compiled the first time
    only (for statements that take nothing from the request)."""
    key = f"{name}:{db}"
    if key not in _COMPILED:
        sql, params = build().query.get_compiler(using=db).as_sql()
        _COMPILED[key] = (sql, tuple(params))
    sql, params = _COMPILED[key]
    return sql, list(params)


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
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(db, names, [values[n] for n in names])


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
#
# Evidence is read as numbers only (ids, levels, dates as seconds since 1970 computed by the
# database) into NumPy arrays. Articles and answers, the bulk of it, are summed up by the
# database per person and skill, already weighted by recency, so a popular skill with
# thousands of articles still returns one row per author and skill. Titles are read last, for
# the people on the page only.

ARTICLE, ANSWER = 0, 1  # what a link on the page points at
SOURCES = list(TIERS)  # a level's source travels as its index in this list
IS_VALIDATED = np.asarray([TIERS[s] >= VALIDATED_TIER for s in SOURCES], dtype=np.bool_)
MAX_HALF_LIVES = 60.0  # older evidence counts 0.5**60 ≈ 0 (avoids underflow errors)

# (``type: ignore[misc]`` below: django-stubs does not see annotations on the auto-created
# many-to-many tables.)


def _within[QS: QuerySet[Any]](
    qs: QS, lookup: str, scope: QuerySet[Any], *, per_row: bool = False
) -> QS:
    """``qs`` limited to rows whose ``lookup`` is in the ``visible_to`` queryset ``scope``;
    a scope with no condition (an admin's) adds no subquery for the database to scan. An
    empty scope (``none()``) stays empty. ``per_row``: check each row with EXISTS instead of
    listing the whole scope first (for scopes over big tables, such as all articles)."""
    if scope.query.is_empty():
        return qs.none()  # type: ignore[return-value]
    if not scope.query.where:
        return qs
    if per_row:
        column = "pk" if lookup == "pk" else f"{lookup}_id"
        return qs.filter(Exists(scope.filter(pk=OuterRef(column))))  # type: ignore[return-value]
    return qs.filter(**{f"{lookup}__in": scope.values("pk")})  # type: ignore[return-value]


def _numbers(qs: QuerySet[Any], columns: int = 7) -> Any:
    """The rows of a ``values_list`` query of ``columns`` numbers (or NULL) as a float
    array (see ``evidence.fetch_numbers``)."""
    try:
        sql, params = qs.query.get_compiler(using=qs.db).as_sql()
    except EmptyResultSet:  # e.g. no related skills: nothing to ask (as Django does)
        return np.zeros((0, columns), dtype=np.float64)
    return fetch_numbers(sql, params, columns, qs.db)


def _fetch(qs: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` query as the driver returns them: the numbers read here
    need none of Django's per-value converters, which cost more than the query itself."""
    try:
        sql, params = qs.query.get_compiler(using=qs.db).as_sql()
    except EmptyResultSet:  # e.g. no related skills: nothing to ask (as Django does)
        return []
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# Compiled SQL of the statements whose shape depends only on how many ids they take and, for
# statements scoped to a viewer, on who the viewer is (``_viewer_key``): per database,
# statement, viewer and list lengths, the SQL and where each parameter comes from. Django builds and compiles each of these querysets in 0.5–2 ms;
# that is done once. Built with stand-in values (``_STAND_IN`` and up, which no id or time
# reaches); kept only when compiling ran no query and every stand-in came out as a parameter.
_SHAPES: dict[tuple[Any, ...], tuple[str, tuple[tuple[Any, ...], ...]] | None] = {}
_STAND_IN = 10**15
_SHAPES_SIZE = 1024
_FROM_ARG = object()  # marks a parameter taken from the arguments (then: argument, position)


def _viewer_key(viewer: User | None, owners: Owners | None) -> tuple[Any, ...]:
    """What the scopes of ``viewer`` take from outside the SQL (``scope_key``, as the
    search keys them); empty for the system."""
    if viewer is None:
        return ()
    return scope_key(viewer, owners)


def _shaped_sql(
    name: str, build: Any, db: str, *args: Sequence[Any], viewer: tuple[Any, ...] = ()
) -> tuple[str, list[Any]] | None:
    """SQL and parameters of ``build(*args)`` (a ``values_list`` queryset; each argument a
    list of ids or numbers), compiled once per shape; ``None`` when nothing can match
    (``EmptyResultSet``). A statement scoped to a viewer passes ``_viewer_key`` as
    ``viewer`` (``build`` then takes nothing else from the viewer)."""
    key = (name, db, connections[db].vendor, viewer, *(len(a) for a in args))
    if key not in _SHAPES:
        stand_ins = [[_STAND_IN + 1000 * i + j for j in range(len(a))] for i, a in enumerate(args)]
        where: dict[Any, tuple[int, int]] = {
            v: (i, j) for i, a in enumerate(stand_ins) for j, v in enumerate(a)
        }
        with queries_run(db) as ran:
            try:
                sql, params = build(*stand_ins).query.get_compiler(using=db).as_sql()
            except EmptyResultSet:
                sql, params = "", ()
        template: tuple[tuple[Any, ...], ...] = tuple(
            (_FROM_ARG, *where[p]) if isinstance(p, int | float) and p in where else (p,)
            for p in params
        )
        used = {t[1:] for t in template if t[0] is _FROM_ARG}
        inlined = any(str(v) in sql for v in where)
        if ran or inlined or len(used) != len(where):
            return _compile_now(build(*args), db)  # not cacheable: compiled for this call
        if len(_SHAPES) >= _SHAPES_SIZE:
            _SHAPES.pop(next(iter(_SHAPES)))  # the oldest (e.g. an earlier day's)
        _SHAPES[key] = (sql, template) if sql else None
    shape = _SHAPES[key]
    if shape is None:
        return None
    sql, template = shape
    return sql, [args[t[1]][t[2]] if t[0] is _FROM_ARG else t[0] for t in template]


def _compile_now(qs: QuerySet[Any], db: str) -> tuple[str, list[Any]] | None:
    try:
        sql, params = qs.query.get_compiler(using=db).as_sql()
    except EmptyResultSet:
        return None
    return sql, list(params)


def _fetch_all(
    statements: dict[str, tuple[tuple[str, list[Any]] | None, int, bool]], db: str
) -> dict[str, Any]:
    """Per name, the float rows of a compiled statement (SQL and parameters, or ``None``:
    nothing can match) of so many columns, packed by the database or not, all fetched at
    once (``fetch_many``: one round trip on PostgreSQL)."""
    asked = [
        (name, (*compiled, n, packed))
        for name, (compiled, n, packed) in statements.items()
        if compiled is not None
    ]
    rows = fetch_many([st for _name, st in asked], db)
    out = {name: np.zeros((0, n)) for name, (_c, n, _p) in statements.items()}
    out.update({name: t for (name, _st), t in zip(asked, rows, strict=True)})
    return out


def _decay(field: str, now: datetime, half_life_days: float) -> Any:
    """``0.5 ** (age / half_life)`` of the date in ``field``, computed by the database (the
    same rule as ``ranking.decay``; future dates count as new)."""
    return _decay_at(field, now.timestamp(), half_life_days * 86400.0)


def _decay_at(field: str, now: float, half_life: float) -> Any:
    """``_decay`` with "now" and the half-life in seconds (parameters of the statement)."""
    halves = (Value(float(now)) - EpochSeconds(field)) / Value(float(half_life))
    clamped = Greatest(Value(0.0), Least(halves, Value(MAX_HALF_LIVES)))
    return Power(Value(0.5), clamped, output_field=FloatField())


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


SOURCE_SPAN = 16  # a level and its source travel as one integer: level * 16 + source
assert len(SOURCES) <= SOURCE_SPAN
# ... and with the skill: skill * CODE_SPAN + level * 16 + source (levels are small
# integers, below 2**15), exact in a float for skill ids below 2**34 (``NARROW_SKILLS``).
CODE_SPAN = 2**15 * SOURCE_SPAN
NARROW_SKILLS = 2**53 // CODE_SPAN


def _levels_query(ids: list[int], *, wide: bool = False) -> QuerySet[Any]:
    source = Case(*[When(source=s, then=Value(i)) for i, s in enumerate(SOURCES)], default=Value(0))
    code = F("level") * SOURCE_SPAN + source
    qs = PersonSkill.objects.filter(skill_id__in=ids).annotate(at=EpochSeconds("assessed_at"))
    if wide:  # skill ids too large to share an exact float with the level
        return qs.annotate(code=code).values_list("person_id", "skill_id", "code", "at")
    return qs.annotate(code=F("skill_id") * CODE_SPAN + code).values_list("person_id", "code", "at")


def _levels_sql(ids: list[int], db: str) -> tuple[tuple[str, list[Any]] | None, int, bool]:
    """The levels statement (``_fetch_all``): its SQL and parameters, number of columns and
    whether its rows come packed. On PostgreSQL the generated column ``finder_numbers``
    (person, skill, level and source, date; migration ``skills 0004``) read from its index;
    elsewhere ``_levels_query`` compiled (once per shape): three columns (person, skill with
    level and source, date), or four for skill ids of ``NARROW_SKILLS`` and up."""
    if not ids:
        return None, 3, False
    if connections[db].vendor == "postgresql":
        table = PersonSkill._meta.db_table
        marks = ", ".join(["%s"] * len(ids))
        sql = f"SELECT finder_numbers FROM {table} WHERE skill_id IN ({marks})"  # noqa: S608
        return (sql, list(ids)), 4, True
    if max(ids) >= NARROW_SKILLS:
        return _shaped_sql("levels:wide", partial(_levels_query, wide=True), db, ids), 4, False
    return _shaped_sql("levels", _levels_query, db, ids), 3, False


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


def _certificates_query(ids: list[int], today: date, line: Sequence[int] | None) -> Any:
    """Certificates on the skills; with ``line`` (a reporting line as ids,
    ``Owners.line``), those of its people only: ``people_in_scope`` of a viewer who is not
    an admin is their reporting line (``reporting_line_of``), and
    ``HeldCertification.objects.visible_to`` is exactly that filter on its people. Of
    everyone, as levels: the rows of people who left are dropped with the candidates (not
    joined with people here: PostgreSQL read every person and certificate for it)."""
    qs = HeldCertification.objects.filter(certification__skill_id__in=ids).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )
    if line is not None:
        qs = qs.filter(person_id__in=line)
    annotated = qs.order_by().annotate(at=EpochSeconds("issued_on"))
    return annotated.values_list("person_id", "certification__skill_id", "at", "id")


def _certificates_sql(
    owners: Owners | None, ids: list[int], today: date, key: tuple[Any, ...]
) -> tuple[str, list[Any]] | None:
    """Certificates on the skills that the viewer may see (``owners``: theirs, ``None``
    for the system and admins, who see all); compiled once per day, shape and viewer
    (``key``: ``_viewer_key``). Four columns, as ``_per_item``."""
    line = None if owners is None else owners.line
    db = router.db_for_read(HeldCertification)
    return _shaped_sql(
        f"certificates:{today.isoformat()}",
        lambda i: _certificates_query(i, today, line),
        db,
        ids,
        viewer=key,
    )


def _readable(viewer: User | None, owners: Owners | None) -> QuerySet[Article] | None:
    """``Article.objects.visible_to(viewer)``, with the people whose articles the viewer
    reads personally as id lists (``owners``, from ``Article.objects.personal_owners``):
    the articles open to all (``OPEN_TO_ALL``) or ``personally_visible_to`` the viewer — the
    models' own rules, which together are ``visible_to``. With lists, every rule is an index
    lookup (PostgreSQL misjudges the recursive reporting line of ``visible_to`` and read
    every article). ``None``: every article (the system, admins)."""
    if viewer is None:
        return None
    personal = Article.objects.personally_visible_to(viewer, owners)
    if personal.query.is_empty():
        return personal
    if not personal.query.where:  # admins read every article
        return None
    return Article.objects.filter(OPEN_TO_ALL) | personal


def _visible_articles(readable: QuerySet[Article] | None) -> QuerySet[Article]:
    """Published articles among ``readable`` (``None``: all published ones)."""
    qs = Article.objects.filter(state=ArticleState.PUBLISHED)
    if readable is not None:
        qs = qs & readable
    return qs


@dataclass(frozen=True)
class _TextHits:
    """Articles and questions whose text contains the query (newest first, at most
    ``MAX_TEXT_HITS`` of each), found once and reused by every query that needs them."""

    articles: list[int]
    questions: list[int]


def _text_hits(text: str) -> _TextHits:
    """Two queries (scans of titles and summaries); none without text. (Not one UNION:
    SQLite refuses ORDER BY and LIMIT inside its parts.) On PostgreSQL the articles' titles
    and summaries are read upper-cased as stored (``Article.title_summary_upper``), the
    text upper-cased by the same database: what ``icontains`` on each compares
    (``UPPER(column) LIKE UPPER(pattern)``), without upper-casing every title per search
    (35-45 ms over 100,000 articles)."""
    if not text:
        return _TextHits([], [])
    if connections[router.db_for_read(Article)].vendor == "postgresql":
        found = Q(title_summary_upper__contains=Upper(Value(text)))
    else:
        found = Q(title__icontains=text) | Q(summary__icontains=text)
    articles = (
        Article.objects.filter(found)
        .order_by("-updated_at", "id")  # the newest; among equal times, as the model orders
        .values_list("id", flat=True)[:MAX_TEXT_HITS]
    )
    questions = (
        Question.objects.filter(title__icontains=text)
        .order_by("-created_at", "id")
        .values_list("id", flat=True)[:MAX_TEXT_HITS]
    )
    return _TextHits(list(articles), list(questions))


def _direct_articles(
    readable: QuerySet[Article] | None, direct: list[int], hits: _TextHits
) -> QuerySet[Article]:
    """Published articles the viewer may read, tagged with a skill asked for or found by the
    text. Driven by the tag index, not by a scan."""
    through = Article.skills.through
    hit = Q(pk__in=through.objects.filter(skill_id__in=direct).values("article_id"))
    if hits.articles:
        hit |= Q(pk__in=hits.articles)
    return _visible_articles(readable).filter(hit)


def _articles(
    readable: QuerySet[Article] | None,
    direct: list[int],
    related: list[int],
    hits: _TextHits,
    now: datetime,
    hl: float,
    *,
    only_hits: bool = False,
) -> _Rows:
    """Per person: articles they own or wrote (the author counts too when someone else owns
    it) on the skills asked for, pooled; and per related skill, articles not already counted
    as direct. One query (four grouped parts). ``only_hits``: only the articles the text
    found that are not tagged with a skill asked for (what the read table does not hold;
    no related part)."""
    if only_hits:  # the articles found by the text only, not tagged with a skill asked for
        tagged = Article.skills.through.objects.filter(
            article_id=OuterRef("pk"), skill_id__in=direct
        )
        on_direct = _visible_articles(readable).filter(pk__in=hits.articles).filter(~Exists(tagged))
    else:
        on_direct = _direct_articles(readable, direct, hits)

    def grouped(qs: QuerySet[Any], person: str, skill: Any, date_field: str, pk: str) -> Any:
        return (
            qs.order_by()
            .values(person)
            .annotate(
                skill_ref=skill,
                n=Count(pk),
                worth=Sum(_decay(date_field, now, hl)),
                last=Max(EpochSeconds(date_field)),
                z=Value(0),
            )
            .values_list(person, "skill_ref", "n", "worth", "last", "z", "z")
        )

    direct_by_owner = grouped(
        on_direct.filter(owner__isnull=False), "owner_id", Value(-1), "updated_at", "id"
    )
    direct_by_author = grouped(
        on_direct.filter(created_by__person__isnull=False).exclude(
            owner_id=F("created_by__person__id")
        ),
        "created_by__person__id",
        Value(-1),
        "updated_at",
        "id",
    )
    if only_hits or not related:  # no related part: not built (nor compiled)
        parts = direct_by_owner.union(direct_by_author, all=True).order_by()
        return _Rows.of("articles", _numbers(parts), decayed=True)
    through = Article.skills.through
    # Articles tagged with a skill asked for counted as direct above (one found by its text
    # only and also tagged with a related skill counts in both: rare, and cheap to allow).
    tagged_direct = through.objects.filter(article_id=OuterRef("article_id"), skill_id__in=direct)
    on_related = through.objects.filter(  # type: ignore[misc]
        skill_id__in=related, article__state=ArticleState.PUBLISHED
    ).filter(~Exists(tagged_direct))
    if readable is not None:
        on_related = _within(on_related, "article", readable, per_row=True)
    related_by_owner = grouped(
        on_related.filter(article__owner__isnull=False),
        "article__owner_id",
        F("skill_id"),
        "article__updated_at",
        "article_id",
    )
    related_by_author = grouped(
        on_related.filter(article__created_by__person__isnull=False).exclude(
            article__owner_id=F("article__created_by__person__id")
        ),
        "article__created_by__person__id",
        F("skill_id"),
        "article__updated_at",
        "article_id",
    )
    parts = direct_by_owner.union(
        direct_by_author, related_by_owner, related_by_author, all=True
    ).order_by()
    return _Rows.of("articles", _numbers(parts), decayed=True)


def _direct_questions(direct: list[int], hits: _TextHits) -> Q:
    """Answers to questions tagged with a skill asked for or found by the text."""
    through = Question.skills.through
    # Driven by the tag index (an IN list), not by a check of every answer.
    hit = Q(question_id__in=through.objects.filter(skill_id__in=direct).values("question_id"))
    if hits.questions:
        hit |= Q(question_id__in=hits.questions)
    return hit


def _answers(
    direct: list[int],
    related: list[int],
    hits: _TextHits,
    now: datetime,
    hl: float,
    *,
    only_hits: bool = False,
) -> tuple[_Rows, _Rows]:
    """Per person (skills asked for, pooled) and per (person, related skill): accepted answers
    and net up-votes on answers, recency-weighted. One query (two grouped parts). Questions
    are open to everyone: no scoping. ``only_hits``: only answers to the questions the text
    found that are not tagged with a skill asked for (no related part)."""
    accepted = Q(question__accepted_answer_id=F("id"))
    voted = Q(score__gt=0)
    answers = Answer.objects.filter(author__is_active=True).filter(accepted | voted)
    if only_hits:
        tagged = Question.skills.through.objects.filter(
            question_id=OuterRef("question_id"), skill_id__in=direct
        )
        on_direct = answers.filter(question_id__in=hits.questions).filter(~Exists(tagged))
    else:
        on_direct = answers.filter(_direct_questions(direct, hits))
    tagged_direct = Question.skills.through.objects.filter(
        question_id=OuterRef("question_id"), skill_id__in=direct
    )
    on_related = answers.filter(question__skills__id__in=related).filter(~Exists(tagged_direct))

    def grouped(qs: QuerySet[Answer], skill: Any) -> Any:
        decay = _decay("created_at", now, hl)
        return (
            qs.order_by()
            .values("author_id")
            .annotate(
                skill_ref=skill,
                n_accepted=Count("id", filter=accepted),
                w_accepted=Sum(decay, filter=accepted),
                n_votes=Sum("score", filter=voted),
                w_votes=Sum(F("score") * decay, filter=voted, output_field=FloatField()),
                last=Max(EpochSeconds("created_at")),
            )
            .values_list(
                "author_id", "skill_ref", "n_accepted", "w_accepted", "n_votes", "w_votes", "last"
            )
        )

    parts = grouped(on_direct, Value(-1))
    if related and not only_hits:
        parts = parts.union(grouped(on_related, F("question__skills__id")), all=True)
    rows = _fetch(parts.order_by())
    acc = [(p, s, n, w, t, 0, 0) for p, s, n, w, _nv, _wv, t in rows if n]
    votes = [(p, s, nv, wv, t, 0, 0) for p, s, _n, _w, nv, wv, t in rows if nv]
    return _Rows.of("accepted_answers", acc, decayed=True), _Rows.of("votes", votes, decayed=True)


def _mentoring_query(ids: list[int], line: Sequence[int] | None = None) -> QuerySet[Any]:
    """Pairs on the skills (their skill or a focus skill), as per-item rows; with ``line``
    (a reporting line as ids, ``Owners.line``), only the pairs whose mentor or mentee is
    in it: for a viewer who is not an admin, ``Pair.objects.visible_to`` is the pairs
    (once published) whose mentor or mentee is in their reporting line
    (``reporting_line_of``, which starts with their own person), and the states read
    here are all published ones. Of every mentor, as levels: the rows of mentors who left are
    dropped with the candidates (a focus skill's pair is joined once, not looked up again)."""

    def shown(prefix: str) -> Q:
        rule = Q(**{f"{prefix}state__in": MENTORING_STATES})
        if line is not None:
            rule &= Q(**{f"{prefix}mentor_id__in": line}) | Q(**{f"{prefix}mentee_id__in": line})
        return rule

    by_skill = (
        Pair.objects.filter(shown(""), skill_id__in=ids)
        .order_by()
        .annotate(
            at=EpochSeconds(Coalesce("last_activity_at", "ended_at", "started_at", "created_at")),
        )
        .values_list("mentor_id", "skill_id", "at", "id")
    )
    through = Pair.focus_skills.through
    by_focus = (
        through.objects.filter(shown("pair__"), skill_id__in=ids)  # type: ignore[misc]
        .order_by()
        .annotate(
            at=EpochSeconds(
                Coalesce(
                    "pair__last_activity_at",
                    "pair__ended_at",
                    "pair__started_at",
                    "pair__created_at",
                )
            ),
        )
        .values_list("pair__mentor_id", "skill_id", "at", "pair_id")
    )
    return by_skill.union(by_focus, all=True).order_by()


def _mentoring_sql(
    owners: Owners | None, ids: list[int], key: tuple[Any, ...]
) -> tuple[str, list[Any]] | None:
    """The pairs on the skills that the viewer may see (``owners``: theirs, ``None`` for
    the system and admins, who see every pair), compiled once per shape and viewer (``key``:
    ``_viewer_key``); the visibility is an index lookup on the pair's people (as a subquery
    of ``visible_to`` PostgreSQL built the whole visible set from its recursive reporting
    line each time). Four columns, as ``_per_item``."""
    db = router.db_for_read(Pair)
    if owners is None:
        return _shaped_sql("mentoring", _mentoring_query, db, ids)
    line = owners.line
    return _shaped_sql("mentoring:line", lambda i: _mentoring_query(i, line), db, ids, viewer=key)


def _capacity_query() -> QuerySet[Any]:
    live = (
        Pair.objects.live()
        .filter(programme_id=OuterRef("programme_id"), mentor_id=OuterRef("person_id"))
        .order_by()
        .values("mentor_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return (
        Participant.objects.filter(
            is_active=True,
            role__in=[ParticipantRole.MENTOR, ParticipantRole.BOTH],
            programme__state__in=[ProgrammeState.OPEN, ProgrammeState.RUNNING],
            person__is_active=True,
        )
        .annotate(live=Coalesce(Subquery(live), Value(0)))
        .order_by()
        .values_list("person_id", "capacity", "live")
    )


def _capacity_sql() -> tuple[str, list[Any]]:
    """(person, capacity, live pairs) of every participation as a mentor in an open or
    running programme; the same for every request (compiled once per database)."""
    return _compiled("capacity", router.db_for_read(Participant), _capacity_query)


def _full_mentors(t: Any) -> IntArray:
    """People who mentor in an open or running programme and have no spare capacity in any
    of those participations (see the module docstring), from the rows of ``_capacity_sql``."""
    person = t[:, 0].astype(np.int64)
    spare = t[:, 2] < t[:, 1]
    return np.setdiff1d(person, person[spare])


def _restricted_readable(viewer: User, owners: Owners | None) -> QuerySet[Any]:
    """Ids of the published articles not visible to the whole organisation that ``viewer``
    may read: ``Article.objects.personally_visible_to`` decides (such articles are read only
    because of who the reader is), its owners as lists, so the database starts from the
    articles of those few people and the reader's own (index lookups), not from all."""
    return (
        Article.objects.personally_visible_to(viewer, owners)
        .filter(state=ArticleState.PUBLISHED)
        .exclude(visibility=Visibility.ORGANISATION)
        .order_by()
        .values("pk")
    )


def _restricted_sql(
    viewer: User,
    owners: Owners | None,
    direct_id: int,
    related: list[int],
    now: datetime,
    hl: float,
    key: tuple[Any, ...],
) -> tuple[str, list[Any]] | None:
    """The articles of ``_restricted_readable`` tagged with the skill asked for or a
    related one, per tag (a few hundred rows, driven by those articles; the recency weight
    computed by the database as ``_articles`` does): six columns, summed by
    ``_restricted_articles``. Compiled once per viewer (``key``: ``_viewer_key``) and
    number of skills."""
    through = Article.skills.through

    def build(skills: list[int], times: list[float]) -> Any:
        return (
            through.objects.filter(  # type: ignore[misc]
                article_id__in=_restricted_readable(viewer, owners), skill_id__in=skills
            )
            .order_by()
            .annotate(
                worth=_decay_at("article__updated_at", times[0], times[1]),
                at=EpochSeconds("article__updated_at"),
            )
            .values_list(
                "article_id",
                "skill_id",
                "article__owner_id",
                "article__created_by__person__id",
                "worth",
                "at",
            )
        )

    db = router.db_for_read(through)
    return _shaped_sql(
        "restricted",
        build,
        db,
        list(dict.fromkeys([direct_id, *related])),
        [now.timestamp(), hl * 86400.0],
        viewer=key,
    )


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


def _exceptions_query(levels_scope: Q | None, soon: date) -> QuerySet[Any]:
    """(id, active, not leaving before ``soon``, levels visible) of the people who are not
    all three: everyone else may be listed (the system, admins and viewers who see the
    whole directory, without filters other than excluded people), so a few rows instead
    of one per person. Levels are visible for the people matching ``levels_scope``
    (``None``: everyone's)."""
    one, zero = Value(1), Value(0)
    staying = Q(leaving_on__isnull=True) | Q(leaving_on__gt=soon)
    sees = one if levels_scope is None else Case(When(levels_scope, then=one), default=zero)
    odd = Q(active=0) | Q(stays=0)
    if levels_scope is not None:
        odd |= Q(sees_level=0)
    return (
        Person.objects.annotate(
            active=Case(When(is_active=True, then=one), default=zero),
            stays=Case(When(staying, then=one), default=zero),
            sees_level=sees,
        )
        .filter(odd)
        .order_by()
        .values_list("id", "active", "stays", "sees_level")
    )


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


def _levels_visible(line: Sequence[int]) -> Q:
    """``Person.objects.levels_visible_to`` of a viewer who is not an admin, with their
    reporting line as ids (``Owners.line``: their own person and everyone below them): those
    people, or everyone if the organisation lets colleagues see levels (evaluated in the SQL).
    An index lookup per row instead of the recursive reporting line as a subquery."""
    open_org = Exists(OrgSettings.objects.filter(pk=1, colleagues_see_levels=True))
    return Q(pk__in=line) | Q(open_org)


def _people_query(
    people_scope: QuerySet[Person] | None,
    levels_scope: Q | None,
    team_id: int | None,
    location: str,
    language: str,
    exclude: list[int],
    soon: date,
) -> QuerySet[Any]:
    """(id, not leaving before ``soon``, levels visible, [languages]) of the active people of
    ``people_scope`` (``None``: everyone) matching the filters; levels are visible for the
    people matching ``levels_scope`` (``None``: everyone's)."""
    people_qs = Person.objects.filter(is_active=True)
    if people_scope is not None:
        people_qs = _within(people_qs, "pk", people_scope)
    if team_id is not None:
        people_qs = people_qs.filter(team_id=team_id)
    if location.strip():
        people_qs = people_qs.filter(location__iexact=location.strip())
    if language.strip():
        people_qs = people_qs.filter(languages__icontains=language.strip())
    if exclude:
        people_qs = people_qs.exclude(pk__in=exclude)
    staying = Case(
        When(Q(leaving_on__isnull=True) | Q(leaving_on__gt=soon), then=Value(1)),
        default=Value(0),
    )
    sees_level = (
        Value(1)
        if levels_scope is None
        else Case(When(levels_scope, then=Value(1)), default=Value(0))
    )
    columns = ["id", "stays", "sees_level"] + (["languages"] if language.strip() else [])
    listed = people_qs.annotate(stays=staying, sees_level=sees_level).order_by()
    return listed.values_list(*columns)


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
    kinds: dict[str, _Rows],
    pid: int,
    *,
    on_direct: dict[str, Any],
    related_skill_id: int,
    skill_names: dict[int, str],
) -> dict[str, Any]:
    """What was counted for one person, per evidence kind: on the skills asked for, and on
    the one related skill that counted (``related_skill_id``, -1 for none). ``on_direct``:
    per kind, which rows are on the skills asked for (``_is_direct``)."""
    counts = {k: 0 for k in ranking.KINDS if k not in ranking.LEVEL_KINDS}
    related_counts = dict(counts)
    level: dict[str, Any] | None = None
    related_level: dict[str, Any] | None = None
    last = -math.inf
    for name, rows in kinds.items():
        sel = rows.person == pid
        if not sel.any():
            continue
        direct = on_direct[name][sel]
        counted = direct | (rows.skill[sel] == related_skill_id)
        if counted.any():
            last = max(last, float(rows.at[sel][counted].max()))
        if name == "level":
            mine = rows.take(sel)
            level = _best_level(mine.take(direct), skill_names)
            related_level = _best_level(mine.take(~direct & counted), skill_names)
            continue
        count = rows.count[sel]
        counts[name] = int(count[direct].sum())
        related_counts[name] = int(count[~direct & counted].sum())
    return {
        "level": level,
        **counts,
        "related_skill": skill_names.get(related_skill_id) if related_skill_id >= 0 else None,
        "related_level": related_level,
        "related": {k: v for k, v in related_counts.items() if v},
        "last_active": _day(last) if last > -math.inf else None,
    }


def _best_level(rows: _Rows, skill_names: dict[int, str]) -> dict[str, Any] | None:
    """The strongest level among ``rows`` (validated before self-rated, then higher)."""
    if rows.person.shape[0] == 0:
        return None
    best = int(np.lexsort((rows.value, IS_VALIDATED[rows.extra]))[-1])
    skill_id = int(rows.skill[best])
    return {
        "skill": skill_names.get(skill_id, ""),
        "skill_id": skill_id,
        "level": int(rows.value[best]),
        "source": SOURCES[int(rows.extra[best])],
        "validated": bool(IS_VALIDATED[rows.extra[best]]),
        "at": _day(float(rows.at[best])),
    }


def _day(seconds: float) -> date:
    return timezone.localdate(datetime.fromtimestamp(seconds, tz=UTC))


def _links_query(
    readable: QuerySet[Article] | None, page_ids: list[int], direct: list[int], hits: _TextHits
) -> QuerySet[Any]:
    # Driven by the page's few people; the skill is checked per article (EXISTS), not by
    # listing every article of a popular skill.
    a_tags = Article.skills.through.objects.filter(article_id=OuterRef("pk"), skill_id__in=direct)
    on_skill = Q(Exists(a_tags))
    if hits.articles:
        on_skill |= Q(pk__in=hits.articles)
    mine = _visible_articles(readable).filter(on_skill).order_by()
    by_owner = (
        mine.filter(owner_id__in=page_ids)
        .annotate(what=Value(ARTICLE), at=EpochSeconds("updated_at"))
        .values_list("what", "owner_id", "id", "title", "at")
    )
    by_author = (
        mine.filter(created_by__person__id__in=page_ids)
        .annotate(what=Value(ARTICLE), at=EpochSeconds("updated_at"))
        .values_list("what", "created_by__person__id", "id", "title", "at")
    )
    q_tags = Question.skills.through.objects.filter(
        question_id=OuterRef("question_id"), skill_id__in=direct
    )
    on_question = Q(Exists(q_tags))
    if hits.questions:
        on_question |= Q(question_id__in=hits.questions)
    answered = (
        Answer.objects.filter(author_id__in=page_ids, question__accepted_answer_id=F("id"))
        .filter(on_question)
        .order_by()
        .annotate(what=Value(ANSWER), at=EpochSeconds("created_at"))
        .values_list("what", "author_id", "question_id", "question__title", "at")
    )
    return by_owner.union(by_author, answered, all=True).order_by()


def _links(
    readable: Callable[[], QuerySet[Article] | None],
    everything: bool,
    page_ids: list[int],
    direct: list[int],
    hits: _TextHits,
    key: tuple[Any, ...],
) -> dict[int, dict[int, list[dict[str, Any]]]]:
    """Per person on the page, their newest articles and questions they gave the accepted
    answer to, on the skills asked for (``TOP_ITEMS`` each). One query; asking without text,
    compiled once per shape and viewer (``key``: ``_viewer_key``; ``readable`` builds that
    viewer's ``_readable``; ``everything``: they read every article)."""
    db = router.db_for_read(Article)
    if not hits.articles and not hits.questions:
        compiled = _shaped_sql(
            "links",
            lambda p, d: _links_query(readable(), p, d, hits),
            db,
            page_ids,
            direct,
            viewer=() if everything else key,
        )
    else:
        compiled = _compile_now(_links_query(readable(), page_ids, direct, hits), db)
    rows: list[tuple[Any, ...]] = []
    if compiled is not None:
        connection = connections[db]
        # On PostgreSQL prepared once per shape and connection (``server_cursor``): parsing
        # and planning it took half of its time.
        postgres = connection.vendor == "postgresql"
        with server_cursor(connection) if postgres else connection.cursor() as cursor:
            cursor.execute(*compiled)
            rows = cursor.fetchall()
    rows.sort(key=lambda r: -r[4])
    found: dict[int, dict[int, list[dict[str, Any]]]] = {
        pid: {ARTICLE: [], ANSWER: []} for pid in page_ids
    }
    for what, pid, pk, title, _at in rows:
        listed = found[pid][what]
        if len(listed) < TOP_ITEMS and all(item["id"] != pk for item in listed):
            listed.append({"id": pk, "title": title})
    return found


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
