"""The expert finder's read table of evidence (``ExpertEvidence``): articles, accepted answers
and answer votes per (person, skill), so ``find_experts`` reads a few hundred indexed rows
instead of summing thousands of articles and answers at query time.

**Recency without "now".** An item dated ``t`` (days since 1970) counts
``0.5 ** ((now - t) / h) = 2 ** (t / h) * 0.5 ** (now / h)``, so a row stores
``log2(Σ 2 ** (t / h))`` (log2 keeps the sum finite for any half-life ``h``) and the finder
multiplies by ``0.5 ** (now / h)``. Rows depend on the half-life: changing it rebuilds the
table (``seedbed.knowledge.services.finder.update_finder_settings``).

**Pooling and related skills.** The finder pools the evidence on the skills asked for and
counts, per related skill, only items *not* also tagged with a skill asked for. A row with
``also_skill`` holds the items tagged with both skills, so for one skill asked for ``d`` the
related evidence on ``r`` is ``row(r) − row(r, also d)``. Queries that pool several skills or
match text in titles are still summed at query time (see ``experts.py``).

**Upkeep.** ``refresh_evidence(person_ids=...)`` recomputes every row of those people from the
source tables (three queries and a delete and insert); ``rebuild_evidence()`` the whole
table. The services that change what the table reads call it themselves, once per operation,
inside their transaction, for the people counted before and after the change:
``services.articles.refresh_article_evidence`` (an article's owner and author, and the old
owner on a change of owner) after creating, editing (text, skills, visibility, state),
verifying, archiving, re-assigning an article and attaching or deleting a file, also when
handovers or an answer turned into an article do these; ``services.questions`` for the
authors of the answers accepted before and after (``accept_answer``), of a voted answer
(``vote``) and of the answers to a question whose skills change (``edit_question``);
``personal_data.erase`` for the erased person; a new half-life rebuilds the table
(``services.finder``). Asking, answering (an answer counts once accepted or voted on),
comments and drafts change nothing here. Writes that bypass these services (bulk loads: the
demo, benchmark and evaluation data, tests) call ``rebuild_evidence()`` (or
``refresh_evidence``) when done; ``tests/test_knowledge_evidence_upkeep.py`` checks after
every service operation that the table equals a rebuild.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from django.db import connections, router, transaction
from django.db.models import Case, F, IntegerField, Q, Value, When

from seedbed.knowledge.models import (
    Answer,
    Article,
    ArticleState,
    EvidenceKind,
    ExpertEvidence,
    FinderSettings,
    Question,
    Visibility,
    default_finder_weights,
)

DAY = 86400.0
Key = tuple[int, int, int | None, int]  # person, skill, also skill, kind


def _half_life() -> float:
    stored = (FinderSettings.load().weights or {}).get("half_life_days")
    if isinstance(stored, (int, float)) and not isinstance(stored, bool) and stored > 0:
        return float(stored)
    return float(default_finder_weights()["half_life_days"])


def _tags(through: Any, column: str, ids: Iterable[int]) -> dict[int, list[int]]:
    tags: dict[int, list[int]] = defaultdict(list)
    for item, skill in through.objects.filter(**{f"{column}__in": list(ids)}).values_list(
        column, "skill_id"
    ):
        tags[item].append(skill)
    return tags


@transaction.atomic
def refresh_evidence(*, person_ids: Iterable[int | None] | None = None) -> int:
    """Recompute the rows of ``person_ids`` (``None``: everyone) from articles and answers;
    returns the number of rows written."""
    from seedbed.knowledge.finder_compile import _fetch
    from seedbed.lib.db import EpochSeconds

    people = None if person_ids is None else {int(p) for p in person_ids if p is not None}
    if people is not None and not people:
        return 0
    hl = _half_life()
    groups: dict[Key, list[Any]] = {}

    def add(person: int, tags: list[int], kind: int, n: int, x: float, at: float) -> None:
        for skill in tags:
            for also in [None, *[o for o in tags if o != skill]]:
                group = groups.setdefault((person, skill, also, kind), [0, [], -math.inf])
                group[0] += n
                group[1].append(x)
                group[2] = max(group[2], at)

    articles = Article.objects.filter(state=ArticleState.PUBLISHED)
    if people is not None:
        articles = articles.filter(Q(owner_id__in=people) | Q(created_by__person__id__in=people))
    rows = _fetch(
        articles.order_by()
        .annotate(at=EpochSeconds("updated_at"))
        .values_list("id", "owner_id", "created_by__person__id", "at", "visibility")
    )
    tags = _tags(Article.skills.through, "article_id", {r[0] for r in rows})
    for pk, owner, author, at, visibility in rows:
        # Articles everyone may read apart from the others: readers who may not read every
        # article add theirs at query time (see ``finder_sql._restricted_sql``).
        kind: int = (
            EvidenceKind.ARTICLES
            if visibility == Visibility.ORGANISATION
            else EvidenceKind.RESTRICTED_ARTICLES
        )
        # The owner, and the author too when someone else owns it (as the finder counts).
        for person in {owner, author if author != owner else None} - {None}:
            if people is None or person in people:
                add(person, tags.get(pk, []), kind, 1, at / DAY / hl, at)
    answers = Answer.objects.filter(author__isnull=False)
    if people is not None:
        answers = answers.filter(author_id__in=people)
    accepted = Case(
        When(question__accepted_answer_id=F("id"), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    rows = _fetch(
        answers.filter(Q(question__accepted_answer_id=F("id")) | Q(score__gt=0))
        .order_by()
        .annotate(at=EpochSeconds("created_at"), accepted=accepted)
        .values_list("author_id", "question_id", "at", "accepted", "score")
    )
    qtags = _tags(Question.skills.through, "question_id", {r[1] for r in rows})
    for person, question, at, is_accepted, score in rows:
        skills = qtags.get(question, [])
        if is_accepted:
            add(person, skills, EvidenceKind.ACCEPTED_ANSWERS, 1, at / DAY / hl, at)
        if score > 0:
            x = at / DAY / hl + math.log2(score)
            add(person, skills, EvidenceKind.VOTES, int(score), x, at)
    objs = []
    for (person, skill, also, kind), (n, xs, last) in groups.items():
        arr = np.asarray(xs, dtype=np.float64)
        top = float(arr.max())
        objs.append(
            ExpertEvidence(
                person_id=person,
                skill_id=skill,
                also_skill_id=also,
                kind=kind,
                count=n,
                log_worth=top + math.log2(float(np.exp2(arr - top).sum())),
                last_at=last,
                half_life_days=hl,
            )
        )
    stale = ExpertEvidence.objects.all()
    if people is not None:
        stale = stale.filter(person_id__in=people)
    stale.delete()
    ExpertEvidence.objects.bulk_create(objs, batch_size=5000)
    return len(objs)


def rebuild_evidence() -> int:
    """The whole table from scratch (after bulk loads and when the half-life changes)."""
    return refresh_evidence(person_ids=None)


def article_people(article_ids: Iterable[int]) -> set[int]:
    """Owners and authors (as people) of the articles."""
    found: set[int] = set()
    for owner, author in Article.objects.filter(pk__in=list(article_ids)).values_list(
        "owner_id", "created_by__person__id"
    ):
        found |= {owner, author} - {None}
    return found


def question_people(question_ids: Iterable[int]) -> set[int]:
    """Authors of answers to the questions."""
    return set(
        Answer.objects.filter(question_id__in=list(question_ids), author__isnull=False)
        .values_list("author_id", flat=True)
        .distinct()
    )


# Kinds travel in KIND_BITS bits of one integer (``read_evidence``).
KIND_BITS = 2
KIND_SPAN = 1 << KIND_BITS
assert max(EvidenceKind.values) < KIND_SPAN

# Columns of the arrays ``read_evidence`` returns (one row per person and skill).
PERSON, SKILL, COUNT, WORTH, LAST = range(5)


def _packed(columns: int) -> str:
    """Every row of a subquery ``rows (c0, c1, ...)`` in one ``bytea``: 8 bytes per value
    (as ``float8send`` writes them), NULL as NaN."""
    packed = " || ".join(
        f"COALESCE(float8send(c{i}::float8), float8send('NaN'::float8))" for i in range(columns)
    )
    return f"string_agg({packed}, ''::bytea)"


def _unpacked(data: Any, columns: int) -> Any:
    if data is None:  # no rows
        return np.zeros((0, columns), dtype=np.float64)
    return np.frombuffer(bytes(data), dtype=">f8").astype(np.float64).reshape(-1, columns)


def fetch_numbers(sql: str, params: Sequence[Any], columns: int, using: str = "default") -> Any:
    """The rows of ``sql`` (``columns`` numeric columns) as a float array, NULL as NaN. On
    PostgreSQL the rows come packed in one ``bytea`` (8 bytes per value, as ``float8send``
    writes them) that NumPy reads as it is: thousands of rows are not made into Python
    tuples and numbers first (half the time of reading the evidence table). Values are the
    same: ids and counts are exact in a float up to 2**53."""
    return fetch_many([(sql, params, columns)], using)[0]


# A statement for ``fetch_many``: SQL, parameters, number of columns and, optionally, whether
# its rows are already packed (PostgreSQL only: one ``bytea`` column of that many doubles a
# row, as the generated ``finder_numbers`` columns hold them).
type Statement = tuple[str, Sequence[Any], int] | tuple[str, Sequence[Any], int, bool]


def fetch_many(statements: Sequence[Statement], using: str = "default") -> list[Any]:
    """``fetch_numbers`` of several statements (SQL, parameters, columns[, packed]). On
    PostgreSQL in one round trip: one row of one packed ``bytea`` per statement, each
    statement a scalar subquery (planned and run as on its own; each round trip costs
    there); rows already packed are only joined. On SQLite one after the other."""
    if not statements:
        return []
    connection = connections[using]
    if connection.vendor != "postgresql":
        out = []
        with connection.cursor() as cursor:
            for sql, params, columns, *_rest in statements:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
                try:  # a third faster than np.array over the tuples
                    flat = itertools.chain.from_iterable(rows)
                    table = np.fromiter(flat, dtype=np.float64, count=len(rows) * columns)
                except TypeError:  # a NULL: np.array makes it NaN
                    table = np.array(rows, dtype=np.float64)
                out.append(table.reshape(-1, columns))
        return out
    parts = []
    values: list[Any] = []
    for sql, params, columns, *packed in statements:
        if packed and packed[0]:
            subquery = f"(SELECT string_agg(c0, ''::bytea) FROM ({sql}) AS rows (c0))"  # noqa: S608
        else:
            names = ", ".join(f"c{i}" for i in range(columns))
            subquery = f"(SELECT {_packed(columns)} FROM ({sql}) AS rows ({names}))"  # noqa: S608
        parts.append(subquery)
        values.extend(params)
    # Binary results: the packed ``bytea`` travels as its bytes, not as text of twice their
    # length (about 1 ms less for the 360 KB of a popular skill's numbers).
    with server_cursor(connection, binary=True) as cursor:
        cursor.execute("SELECT " + ", ".join(parts), values)
        row = cursor.fetchone()
    return [_unpacked(data, st[2]) for data, st in zip(row, statements, strict=True)]


def server_cursor(connection: Any, *, binary: bool = False) -> Any:
    """A cursor (Django's wrapper: logged and seen by execute wrappers as any other) whose
    parameters are bound by the server (as with Django's ``server_side_binding``), so that
    psycopg prepares a statement that runs again and again on the connection (settings:
    ``prepare_threshold``, ``SEEDBED_DB_PREPARED``): the finder's long statements are then
    not parsed and planned on every call. ``binary``: results in binary format (needs
    server binding too). PostgreSQL only."""
    from django.db.backends.postgresql.base import ServerBindingCursor
    from psycopg.pq import Format

    connection.ensure_connection()
    cursor_class: Any = ServerBindingCursor  # (the stubs do not know its arguments)
    raw = cursor_class(connection.connection)
    if binary:
        raw.format = Format.BINARY
    return connection._prepare_cursor(raw)


def evidence_sql(
    direct_id: int, related: list[int], hl: float, vendor: str = "sqlite"
) -> tuple[str, list[Any], int, bool]:
    """The statement of ``read_evidence``, for callers that fetch it with others
    (``fetch_many``: SQL, parameters, columns, packed) and pass its rows as ``table``. Rows
    of the skill asked for and of its related skills, and of the related skills those items
    also tagged with ``direct_id``.

    On PostgreSQL six numbers a row, already packed by the database (the generated column
    ``finder_numbers``, read from an index alone; see migration ``knowledge 0009``): person,
    ``(count * 4 + kind) * 2 + also``, skill, log_worth, last_at and half_life_days. Elsewhere
    four columns, not eight (every value read costs a Python object): the kind, whether the
    row holds the items also tagged with ``direct_id``, the count and the skill (as its place
    in ``[direct_id, *related]``) share one integer (exact in a float), and a row built with
    another half-life reads NULL (NaN) as its worth."""
    table = ExpertEvidence._meta.db_table
    ids = [direct_id, *related]
    marks = ", ".join(["%s"] * len(ids))
    if vendor == "postgresql":
        sql = f"SELECT finder_numbers FROM {table} WHERE skill_id IN ({marks}) AND also_skill_id IS NULL"  # noqa: S608
        params: list[Any] = list(ids)
        if related:
            rel = ", ".join(["%s"] * len(related))
            sql += f" UNION ALL SELECT finder_numbers FROM {table} WHERE skill_id IN ({rel}) AND also_skill_id = %s"  # noqa: S608
            params += [*related, direct_id]
        return sql, params, 6, True
    position = " ".join(f"WHEN %s THEN {i}" for i in range(len(ids)))
    return (
        f"SELECT person_id, "  # noqa: S608 - constant SQL; values are parameters
        f"((count * {KIND_SPAN} + kind) * 2 + CASE WHEN also_skill_id IS NULL THEN 0 ELSE 1 END)"
        f" * {len(ids)} + CASE skill_id {position} END, "
        f"CASE WHEN half_life_days = %s THEN log_worth END, last_at FROM {table} "
        f"WHERE skill_id IN ({marks}) AND (also_skill_id IS NULL OR also_skill_id = %s)",
        [*ids, float(hl), *ids, direct_id],
        4,
        False,
    )


def read_evidence(
    direct_id: int, related: list[int], now_s: float, hl: float, *, table: Any = None
) -> dict[int, np.ndarray[Any, np.dtype[np.float64]]] | None:
    """Evidence per kind for one skill asked for and its related skills, from the read
    table, as float arrays of (person, skill, count, worth at ``now_s``, newest date):
    direct ones pooled (skill -1), related ones without the items also tagged with
    ``direct_id``. ``None`` when the table was built with another half-life (the finder
    then sums at query time). One query (none with ``table``: the rows of ``evidence_sql``
    fetched by the caller); no Python loop over the rows."""
    if table is None:
        db = router.db_for_read(ExpertEvidence)
        statement = evidence_sql(direct_id, related, hl, connections[db].vendor)
        table = fetch_many([statement], db)[0]
    t = table
    ids = np.asarray([direct_id, *related], dtype=np.int64)
    if t.shape[1] == 6:  # PostgreSQL's packed rows: the skill as it is, the half-life apart
        if t.shape[0] and (t[:, 5] != hl).any():
            return None
        person, code, skill = (t[:, c].astype(np.int64) for c in range(3))
        t = np.column_stack([t[:, 0], t[:, 1], t[:, 3], t[:, 4]])
    else:
        if t.shape[0] and np.isnan(t[:, 2]).any():
            return None
        person, packed = t[:, 0].astype(np.int64), t[:, 1].astype(np.int64)
        # Floor division and arithmetic shifts floor, so a negative count decodes as well.
        skill, code = ids[packed % ids.shape[0]], packed // ids.shape[0]
    also = np.where(code & 1, direct_id, -1)
    kind = (code >> 1) & (KIND_SPAN - 1)
    count = code >> KIND_BITS + 1
    worth = np.exp2(t[:, 2] - now_s / DAY / hl)
    last = t[:, 3]
    out: dict[int, np.ndarray[Any, np.dtype[np.float64]]] = {}
    span = int(skill.max()) + 1 if skill.shape[0] else 1
    for k in EvidenceKind.values:
        of_kind = kind == k
        on_direct = of_kind & (skill == direct_id)
        direct = np.stack(
            [person[on_direct], np.full(int(on_direct.sum()), -1), count[on_direct]], axis=1
        ).astype(np.float64)
        direct = np.column_stack([direct, worth[on_direct], last[on_direct]])
        alls = np.flatnonzero(of_kind & (skill != direct_id) & (also == -1))
        both = np.flatnonzero(of_kind & (skill != direct_id) & (also == direct_id))
        # Subtract the items also tagged with the skill asked for (matched by person and
        # skill; every "both" row has its "all" row).
        n = count[alls].copy()
        w = worth[alls].copy()
        if both.shape[0]:
            keys = person[alls] * span + skill[alls]
            order = np.argsort(keys, kind="stable")
            at = order[np.searchsorted(keys, person[both] * span + skill[both], sorter=order)]
            n[at] -= count[both]
            w[at] = w[at] - worth[both]
        # The newest item may be one also tagged with the skill asked for: it is then
        # counted there too, so the person's "last active" comes out the same.
        keep = n > 0
        rel = np.column_stack(
            [person[alls][keep], skill[alls][keep], n[keep], w[keep], last[alls][keep]]
        ).astype(np.float64)
        out[int(k)] = np.concatenate([direct, rel]) if rel.shape[0] else direct
    return out
