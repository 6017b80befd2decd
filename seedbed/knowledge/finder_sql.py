"""The expert finder's statements, each scoped to what the viewer may see.

Levels, certificates, mentoring pairs, mentors' capacity, a viewer's own restricted articles
and who may be listed, as querysets and their SQL compiled once (``finder_compile``), for
``find_experts`` to fetch together; articles and answers summed at query time (``_articles``,
``_answers``) where the read table (``seedbed.knowledge.evidence``) cannot give them; the
articles and questions whose text contains the query (``_text_hits``); and the articles and
answered questions listed on a page (``_links``). The visibility rules they follow are in the
docstring of ``seedbed.knowledge.experts``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import connections, router
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least, Power, Upper

from seedbed.accounts.models import OrgSettings
from seedbed.certifications.models import HeldCertification
from seedbed.knowledge.evidence import server_cursor
from seedbed.knowledge.finder_compile import _compile_now, _compiled, _fetch, _numbers, _shaped_sql
from seedbed.knowledge.finder_rows import CODE_SPAN, NARROW_SKILLS, SOURCE_SPAN, SOURCES, _Rows
from seedbed.knowledge.models import (
    OPEN_TO_ALL,
    Answer,
    Article,
    ArticleState,
    Owners,
    Question,
    Visibility,
)
from seedbed.lib.db import EpochSeconds
from seedbed.mentoring.models import Pair, PairState, Participant, ParticipantRole, ProgrammeState
from seedbed.people.models import Person
from seedbed.skills.models import PersonSkill

if TYPE_CHECKING:
    from seedbed.accounts.models import User

MAX_TEXT_HITS = 2000  # newest articles (and questions) found by text that count
TOP_ITEMS = 3  # articles / answered questions listed per result
MENTORING_STATES = (PairState.ACTIVE, PairState.ENDED)


# --- evidence ---------------------------------------------------------------------------------
#
# Evidence is read as numbers only (ids, levels, dates as seconds since 1970 computed by the
# database) into NumPy arrays. Articles and answers, the bulk of it, are summed up by the
# database per person and skill, already weighted by recency, so a popular skill with
# thousands of articles still returns one row per author and skill. Titles are read last, for
# the people on the page only.

ARTICLE, ANSWER = 0, 1  # what a link on the page points at
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


def _decay(field: str, now: datetime, half_life_days: float) -> Any:
    """``0.5 ** (age / half_life)`` of the date in ``field``, computed by the database (the
    same rule as ``ranking.decay``; future dates count as new)."""
    return _decay_at(field, now.timestamp(), half_life_days * 86400.0)


def _decay_at(field: str, now: float, half_life: float) -> Any:
    """``_decay`` with "now" and the half-life in seconds (parameters of the statement)."""
    halves = (Value(float(now)) - EpochSeconds(field)) / Value(float(half_life))
    clamped = Greatest(Value(0.0), Least(halves, Value(MAX_HALF_LIVES)))
    return Power(Value(0.5), clamped, output_field=FloatField())


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
