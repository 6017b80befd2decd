"""The expert finder's SQL, compiled once, and its rows, fetched as numbers.

Django builds and compiles a queryset in 0.5–2 ms and turns every value it reads into a Python
object with per-value converters; the finder's statements run on every search, so their SQL is
kept: a statement that takes nothing from the request once per database (``_compiled``), the
others once per shape — how many ids they take and, when scoped to a viewer, who the viewer is
(``_shaped_sql``). Rows are read as the driver returns them or straight into float arrays, all
of a search's statements in one round trip on PostgreSQL (``_fetch_all``, reading through
``seedbed.knowledge.evidence``). Used by ``seedbed.knowledge.experts`` and ``finder_sql``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

from seedbed.knowledge.evidence import fetch_many, fetch_numbers
from seedbed.knowledge.models import Owners, scope_key
from seedbed.lib.db import queries_run

if TYPE_CHECKING:
    from seedbed.accounts.models import User


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
