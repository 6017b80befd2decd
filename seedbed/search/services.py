"""One search across people, skills, articles, questions and learning items.

``search(viewer=..., q=...)`` is the one entry point for the results page and the API:

1. the query's words (``seedbed.search.text``); words the index does not know are replaced
   by the closest known word ("Showing results for ...") — one or two queries;
2. synonyms expand each word (``seedbed.search.query``);
3. one statement finds the matching documents, drops what ``viewer`` may not see (the
   forms of ``seedbed.search.scopes``: a bit of the document id, or a set read once per
   statement, so counts and pages are exact at a cost per hit of next to nothing), counts
   the hits per kind (without ranking them) and returns one ranked page of them — on
   PostgreSQL ranked in two steps when more than ``CANDIDATES`` hits are visible
   (``Hits.rerank``, see ``backends.postgres``);
4. titles and snippets are escaped and the hits marked (``seedbed.search.highlight``).

The query count is fixed (at most four; on PostgreSQL two more set and restore planner
settings around the statement), whatever the number of documents or results.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from rapidfuzz.distance import OSA

from seedbed.lib.db import queries_run
from seedbed.lib.errors import ServiceError
from seedbed.search import highlight, scopes, vocabulary
from seedbed.search.backends import candidate_hits, full_text, semantic
from seedbed.search.backends.base import Hits
from seedbed.search.index import KINDS
from seedbed.search.models import ID_BITS, KIND_CODES, OPEN_BIT
from seedbed.search.query import MIN_PREFIX, in_synonyms, parse
from seedbed.search.text import tokens

if TYPE_CHECKING:
    from seedbed.accounts.models import User

MAX_QUERY_LENGTH = 500  # characters (forms and the API refuse longer queries)
MAX_WORDS = 12
MAX_LIMIT = 100
MAX_OFFSET = 10_000
# Words shorter than this are never corrected (too many near neighbours).
MIN_CORRECTABLE = 4
SNIPPET_SOURCE = 20_000  # characters of a body read for its snippet
KEYWORD, SEMANTIC = "keyword", "semantic"
MAX_SEMANTIC = 500  # nearest documents asked of a semantic backend

DETAIL_URLS = {
    "person": "people:detail",
    "skill": "skills:detail",
    "article": "knowledge:article",
    "question": "knowledge:question",
    "learning_item": "learning:item",
}


@dataclass(frozen=True)
class SearchResult:
    kind: str
    object_id: int
    title: str
    title_html: SafeString
    snippet_html: SafeString
    url: str | None
    meta: dict[str, Any]
    score: float


@dataclass(frozen=True)
class SearchPage:
    """One page of results. ``total`` counts every hit of the kinds asked for; ``counts``
    has the hits of every kind (for the tabs). ``corrected_query`` is set when misspelt
    words were replaced."""

    query: str
    results: list[SearchResult]
    total: int
    counts: dict[str, int] = field(default_factory=dict)
    corrected_query: str | None = None
    kinds: tuple[str, ...] = ()
    limit: int = 20
    offset: int = 0

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.results) < self.total


def check_arguments(q: str, kinds: Collection[str], limit: int, offset: int) -> tuple[str, ...]:
    """Refuse what the search cannot answer, with a message naming the field."""
    if len(q) > MAX_QUERY_LENGTH:
        raise ServiceError(
            _("Search for at most %(n)s characters.") % {"n": MAX_QUERY_LENGTH}, field="q"
        )
    if "\x00" in q:
        raise ServiceError(_("The search text contains a NUL character."), field="q")
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ServiceError(
            _("Unknown kind %(kind)s: use one of %(kinds)s.")
            % {"kind": unknown[0], "kinds": ", ".join(KINDS)},
            field="kind",
        )
    if not 1 <= limit <= MAX_LIMIT:
        raise ServiceError(
            _("Ask for 1 to %(n)s results at a time.") % {"n": MAX_LIMIT}, field="limit"
        )
    if not 0 <= offset <= MAX_OFFSET:
        raise ServiceError(
            _("Results can be paged up to %(n)s.") % {"n": MAX_OFFSET}, field="offset"
        )
    return tuple(k for k in KINDS if k in kinds)


@dataclass(frozen=True)
class _Visibility:
    """What a statement needs to keep only the hits a viewer may see: ``sets`` to read once
    (``WITH name AS MATERIALIZED (sql)``, with parameters) and ``where``, one condition on
    ``search_searchdocument``'s ``id`` and ``object_id`` naming them (no parameters of its
    own: every value is in the sets)."""

    sets: tuple[tuple[str, str, tuple[Any, ...]], ...]
    where: str

    def with_(self) -> tuple[str, list[Any]]:
        """The sets as the start of a ``WITH`` list (ending in a comma), and parameters."""
        sql = "".join(f"{name} AS MATERIALIZED ({body}), " for name, body, _p in self.sets)
        return sql, [p for _n, _b, params in self.sets for p in params]


# Compiled visibility by viewer: building it through the ORM costs more than many a search.
# It is kept only if compiling it ran no query (then it depends on nothing but what the key
# holds: the database decides the rest).
_VISIBILITY: dict[tuple[Any, ...], _Visibility] = {}
_VISIBILITY_SIZE = 512
_DOC = "search_searchdocument"
_FIRST = {"article": 0, "question": 1, "learning_item": 2, "skill": 3, "person": 4}
_KIND_OF_CODE = {code: kind for kind, code in KIND_CODES.items()}


def _subquery(qs: QuerySet[Any]) -> tuple[str, tuple[Any, ...]] | None:
    """The SQL of the ids of ``qs``; None if it is empty by construction."""
    try:
        sql, params = qs.order_by().values("pk").query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:
        return None
    return sql, tuple(params)


def _condition(
    kind: str, scope: scopes.Scope
) -> tuple[str, tuple[str, str, tuple[Any, ...]] | None]:
    """The SQL condition on a document (``search_searchdocument``'s ``id`` and
    ``object_id``) for "of ``kind``, and the viewer may see its object" (see
    ``seedbed.search.scopes``), and the set it names (read once per statement, never per
    hit), if any."""
    # The kind is read off the id (``models.document_id``): a number, compared per hit.
    is_kind = f"({_DOC}.id >> {ID_BITS}) = {KIND_CODES[kind]}"
    name = f"scope_{kind}"
    if scope.everything:
        return is_kind, None
    if scope.hidden is not None:
        hidden = _subquery(scope.hidden)
        if hidden is None:
            return is_kind, None
        where = f"{is_kind} AND {_DOC}.object_id NOT IN (SELECT pk FROM {name})"  # noqa: S608
        return where, (name, hidden[0], hidden[1])
    opened = f"({_DOC}.id & {OPEN_BIT}) <> 0"
    own = _subquery(scope.personal) if scope.personal is not None else None
    if own is None:
        return f"{is_kind} AND {opened}", None
    where = f"{is_kind} AND ({opened} OR {_DOC}.object_id IN (SELECT pk FROM {name}))"  # noqa: S608
    return where, (name, own[0], own[1])


def _visibility_sql(viewer: User) -> _Visibility | None:
    """How a statement keeps only what ``viewer`` may see; None for a viewer who may not
    search."""
    from seedbed.knowledge.models import Article, scope_key

    # The owners of the articles the viewer reads personally change with reporting lines and
    # teams: read them (one query), and keep the compiled conditions per list.
    owners = Article.objects.personal_owners(viewer)
    key = (connection.alias, connection.vendor, *scope_key(viewer, owners))
    cached = _VISIBILITY.get(key)
    if cached is not None:
        return cached
    with queries_run(connection.alias) as ran:
        found = scopes.scopes(viewer, owners)
        # Articles first: most hits are articles, and OR stops at the first condition met.
        parts = [_condition(kind, found[kind]) for kind in sorted(found, key=_FIRST.__getitem__)]
    if not parts:
        return None
    visibility = _Visibility(
        sets=tuple(named for _w, named in parts if named is not None),
        where=" OR ".join(f"({where})" for where, _n in parts),
    )
    if not ran:
        if len(_VISIBILITY) >= _VISIBILITY_SIZE:
            _VISIBILITY.pop(next(iter(_VISIBILITY)))
        _VISIBILITY[key] = visibility
    return visibility


def correct(words: list[str]) -> tuple[list[str], bool]:
    """Replace words the index does not know (not even as the start of a word) by the known
    word closest in optimal string alignment distance (1 edit for words up to 5 letters,
    2 above), the more frequent one on a tie. Returns the words and whether any changed."""
    checked = [w for w in dict.fromkeys(words) if not in_synonyms(w)]
    known = vocabulary.known([(w, len(w) >= MIN_PREFIX) for w in checked])
    unknown = [w for w in checked if w not in known and len(w) >= MIN_CORRECTABLE]
    unknown = [w for w in unknown if not w.isdigit()]
    if not unknown:
        return words, False
    fixes: dict[str, str] = {}
    for word, options in vocabulary.near(unknown, spread=2).items():
        most = 1 if len(word) <= 5 else 2
        scored = []
        for term, docs in options:
            distance = OSA.distance(word, term, score_cutoff=most)
            if distance <= most:
                scored.append((distance, -docs, term))
        if scored:
            fixes[word] = min(scored)[2]
    return [fixes.get(w, w) for w in words], bool(fixes)


# The page's rows (a document, its snippet source and its score ``p.score``) and, beside
# them in the same result, one row per kind: its code and its count of visible hits.
_COLUMNS = "d.id, d.kind, d.object_id, d.title, d.extra, substr(d.body, 1, %s), d.meta, p.score"
_PER_KIND = f"NULL, CAST({_DOC}.id >> {ID_BITS} AS TEXT), count(*), NULL, NULL, NULL, NULL, NULL"


def _run(
    hits: Hits,
    viewer: User,
    kinds: tuple[str, ...],
    limit: int,
    offset: int,
) -> tuple[list[tuple[Any, ...]], dict[str, int]]:
    """One statement: the page of ranked visible hits and the visible hits per kind."""
    visibility = _visibility_sql(viewer)
    if visibility is None:
        return [], dict.fromkeys(KINDS, 0)
    kind_sql = ""
    kind_params: list[Any] = []
    if kinds and len(kinds) < len(KINDS):
        kind_sql = f"AND ({_DOC}.id >> {ID_BITS}) IN (" + ", ".join(["%s"] * len(kinds)) + ")"
        kind_params = [KIND_CODES[k] for k in kinds]
    # The visibility condition names ``search_searchdocument``'s ``id`` and ``object_id``:
    # the backend's hits stand in for the table under that name. Per hit it tests a bit of
    # the id or looks the object up in a set read once for the statement.
    seen = visibility.where
    sets, sets_params = visibility.with_()
    if hits.matched:
        # Two passes over the matches: ranked (visible hits only) for the page, unranked for
        # the counts — cheaper than keeping every ranked hit when ranking costs (FTS5).
        sql = f"""
            WITH {sets} found AS (SELECT {_DOC}.id, {_DOC}.score FROM ({hits.sql}) AS {_DOC}
                  WHERE ({seen}) {kind_sql}
                  ORDER BY {_DOC}.score DESC, {_DOC}.id LIMIT %s OFFSET %s)
            SELECT {_COLUMNS} FROM found AS p JOIN search_searchdocument d ON d.id = p.id
            UNION ALL
            SELECT {_PER_KIND} FROM ({hits.matched}) AS {_DOC} WHERE ({seen})
            GROUP BY {_DOC}.id >> {ID_BITS}
        """  # noqa: S608 - pieces are constant SQL; every value is a parameter
        params = [
            *sets_params,
            *hits.params,
            *kind_params,
            limit,
            offset,
            SNIPPET_SOURCE,
            *(hits.matched_params or []),
        ]
    elif hits.rerank:
        sql, params = _reranked(hits, visibility, kind_sql, kind_params, limit, offset)
    else:
        # One pass: the visible ranked hits are kept, then paged and counted.
        sql = f"""
            WITH {sets} visible AS MATERIALIZED (
                SELECT {_DOC}.id, {_DOC}.score FROM ({hits.sql}) AS {_DOC} WHERE ({seen})
            )
            SELECT {_COLUMNS}
            FROM (SELECT {_DOC}.id, {_DOC}.score FROM visible AS {_DOC} WHERE TRUE {kind_sql}
                  ORDER BY {_DOC}.score DESC, {_DOC}.id LIMIT %s OFFSET %s) AS p
            JOIN search_searchdocument d ON d.id = p.id
            UNION ALL
            SELECT {_PER_KIND} FROM visible AS {_DOC} GROUP BY {_DOC}.id >> {ID_BITS}
        """  # noqa: S608 - pieces are constant SQL; every value is a parameter
        params = [
            *sets_params,
            *hits.params,
            SNIPPET_SOURCE,
            *kind_params,
            limit,
            offset,
        ]
    with connection.cursor() as cur, _planner(cur, hits.settings):
        cur.execute(sql, params)
        rows = cur.fetchall()
    counts = dict.fromkeys(KINDS, 0)
    page = []
    for row in rows:
        if row[0] is None:
            counts[_KIND_OF_CODE[int(row[1])]] = int(row[2])
        else:
            page.append(row)
    if hits.rerank:  # the rows carry their place
        page.sort(key=lambda r: r[8])
        return [r[:8] for r in page], counts
    page.sort(key=lambda r: (-r[7], r[0]))
    return page, counts


@contextmanager
def _planner(cur: Any, settings: tuple[tuple[str, str], ...]) -> Iterator[None]:
    """Run a statement with planner ``settings`` (name, value), then restore them (one
    query before, one after). Should the statement fail inside a transaction, its rollback
    restores them (settings are transactional); outside one they are restored here."""
    if not settings:
        yield
        return
    names = [name for name, _v in settings]
    reads = ", ".join(["current_setting(%s)"] * len(settings))
    sets = ", ".join(["set_config(%s, %s, false)"] * len(settings))
    cur.execute(f"SELECT {reads}, {sets}", [*names, *(v for pair in settings for v in pair)])
    before = cur.fetchone()[: len(settings)]
    restore = [v for pair in zip(names, before, strict=True) for v in pair]
    try:
        yield
    except Exception:
        if not connection.in_atomic_block:
            cur.execute(f"SELECT {sets}", restore)
        raise
    cur.execute(f"SELECT {sets}", restore)


def _reranked(
    hits: Hits,
    visibility: _Visibility,
    kind_sql: str,
    kind_params: list[Any],
    limit: int,
    offset: int,
) -> tuple[str, list[Any]]:
    """The statement for hits ranked in two steps (``Hits.rerank``): the visible hits with
    their first score are kept once; the ``candidates`` best of the kinds asked for (then
    the newest objects) are ranked by the full score and come first, the others follow by
    the first score. The page is the part of that order asked for; each of its rows carries
    its place (a ninth column). The counts are of every visible hit."""
    sets, sets_params = visibility.with_()
    cut = hits.candidates
    # One integer orders by the first score (below 2^19), then the newest object, then kind:
    # sorting tens of thousands of hits by one key costs a fraction of sorting by three.
    first = (
        "((CAST({t}.score AS BIGINT) << 44) | ({t}.object_id << 3) | ({t}.id >> "
        f"{ID_BITS})) DESC"
    )
    rerank_params = hits.rerank_params or []
    parts: list[str] = []
    parts_params: list[Any] = []
    if offset < cut:  # from the candidates, ranked by the full score
        parts.append(f"""
            SELECT c.id, c.score, row_number() OVER (ORDER BY c.score DESC, c.id) AS place
            FROM (SELECT r.id, {hits.rerank.replace("{v}", "r.v")} AS score
                  FROM (SELECT w.id, w.v FROM wanted AS w ORDER BY {first.format(t="w")}
                        LIMIT %s) AS r
                  ORDER BY score DESC, r.id LIMIT %s OFFSET %s) AS c
        """)  # noqa: S608 - pieces are constant SQL; every value is a parameter
        parts_params += [*rerank_params, cut, min(limit, cut - offset), offset]
    if offset + limit > cut:  # beyond the candidates, by the first score
        start = max(offset, cut)
        parts.append(f"""
            SELECT t.id, {hits.rerank.replace("{v}", "t.v")} AS score,
                   %s + row_number() OVER (ORDER BY {first.format(t="t")}) AS place
            FROM (SELECT w.id, w.object_id, w.score, w.v FROM wanted AS w
                  ORDER BY {first.format(t="w")} LIMIT %s OFFSET %s) AS t
        """)  # noqa: S608 - pieces are constant SQL; every value is a parameter
        parts_params += [*rerank_params, limit, offset + limit - start, start]
    sql = f"""
        WITH {sets} visible AS MATERIALIZED (
            SELECT {_DOC}.id, {_DOC}.object_id, {_DOC}.score, {_DOC}.v
            FROM ({hits.sql}) AS {_DOC} WHERE ({visibility.where})
        ),
        wanted AS (SELECT * FROM visible AS {_DOC} WHERE TRUE {kind_sql})
        SELECT {_COLUMNS}, p.place
        FROM ({" UNION ALL ".join(parts)}) AS p JOIN search_searchdocument d ON d.id = p.id
        UNION ALL
        SELECT {_PER_KIND}, NULL FROM visible AS {_DOC} GROUP BY {_DOC}.id >> {ID_BITS}
    """  # noqa: S608 - pieces are constant SQL; every value is a parameter
    params = [*sets_params, *hits.params, *kind_params, SNIPPET_SOURCE, *parts_params]
    return sql, params


_PLACEHOLDER = 918273645


class _Links:
    """Detail-page links of one page of results: one ``reverse`` per kind, not per result."""

    def __init__(self) -> None:
        self.patterns: dict[str, str | None] = {}

    def __call__(self, kind: str, object_id: int) -> str | None:
        if kind not in self.patterns:
            try:
                url = reverse(DETAIL_URLS[kind], args=[_PLACEHOLDER])
                self.patterns[kind] = url.replace(str(_PLACEHOLDER), "{}")
            except NoReverseMatch:  # that area has no page for it (yet)
                self.patterns[kind] = None
        pattern = self.patterns[kind]
        return pattern.format(object_id) if pattern is not None else None


def _result(row: tuple[Any, ...], matcher: highlight.Matcher, links: _Links) -> SearchResult:
    _id, kind, object_id, title, extra, body, meta, score = row
    if isinstance(meta, str):
        meta = json.loads(meta)
    # Hits in the text first, then in the tags (a skill's aliases, an article's skills);
    # else the start of the text. A person's facts (role, team, place) are shown beside the
    # name instead.
    if kind == "person":
        snippet = SafeString("")
    else:
        snippet = (
            highlight.snippet(body or "", matcher)
            or highlight.snippet((extra or "").replace("\n", " · "), matcher)
            or highlight.lead(body or "")
        )
    return SearchResult(
        kind=kind,
        object_id=int(object_id),
        title=title,
        title_html=highlight.mark(title, matcher),
        snippet_html=snippet,
        url=links(kind, int(object_id)),
        meta=meta or {},
        score=float(score),
    )


def search(
    *,
    viewer: User,
    q: str,
    kinds: Collection[str] = (),
    limit: int = 20,
    offset: int = 0,
    fix_typos: bool = True,
    mode: str = KEYWORD,
) -> SearchPage:
    """Search everything ``viewer`` may see for ``q``: all words must match (as a word, the
    start of a word, or a synonym); ``kinds`` limits the results (not the counts). With
    ``fix_typos`` off, words are taken as typed ("Search instead for ..."). ``mode``
    "semantic" asks the semantic backend (if installed) for the nearest documents instead;
    what the viewer may see, counts and pages work the same."""
    wanted = check_arguments(q, kinds, limit, offset)
    if mode not in (KEYWORD, SEMANTIC):
        raise ServiceError(_("Search mode is keyword or semantic."), field="mode")
    if mode == SEMANTIC and semantic() is None:
        raise ServiceError(_("Search by meaning is not installed here."), field="mode")
    page = SearchPage(
        query=q,
        results=[],
        total=0,
        counts=dict.fromkeys(KINDS, 0),
        kinds=wanted,
        limit=limit,
        offset=offset,
    )
    words = tokens(q)[:MAX_WORDS]
    if not words or not (viewer.is_authenticated and viewer.is_active):
        return page
    backend = full_text()
    meaning = semantic() if mode == SEMANTIC else None
    if meaning is not None:
        fixed, changed = words, False
        query = parse(words)
        candidates = meaning.nearest(q, limit=MAX_SEMANTIC)
        if not candidates:
            return page
        hits = candidate_hits(candidates)
    else:
        fixed, changed = correct(words) if fix_typos else (words, False)
        query = parse(fixed)
        hits = backend.hits(query)
    rows, counts = _run(hits, viewer, wanted, limit, offset)
    total = sum(counts[k] for k in (wanted or KINDS))
    if changed and total == 0:
        # The correction found nothing this viewer may see: say nothing about it (the word
        # may exist only in documents they cannot read).
        changed = False
    matcher = highlight.Matcher.of(query.terms())
    links = _Links()
    return SearchPage(
        query=q,
        results=[_result(row, matcher, links) for row in rows],
        total=total,
        counts=counts,
        corrected_query=" ".join(fixed) if changed else None,
        kinds=wanted,
        limit=limit,
        offset=offset,
    )
