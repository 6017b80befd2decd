"""One search across people, skills, articles, questions and learning items.

``search(viewer=..., q=...)`` is the one entry point for the results page and the API:

1. the query's words (``seedbed.search.text``); words the index does not know are replaced
   by the closest known word ("Showing results for ...") — one or two queries;
2. synonyms expand each word (``seedbed.search.query``);
3. one statement finds the matching documents, drops what ``viewer`` may not see (each
   kind's ``visible_to`` as a correlated subquery, so counts and pages are exact), counts
   the hits per kind and returns one ranked page of them;
4. titles and snippets are escaped and the hits marked (``seedbed.search.highlight``).

The query count is fixed (at most four), whatever the number of documents or results.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from rapidfuzz.distance import OSA

from seedbed.lib.errors import ServiceError
from seedbed.search import highlight, vocabulary
from seedbed.search.backends import candidate_hits, full_text, semantic
from seedbed.search.backends.base import Hits
from seedbed.search.index import KINDS
from seedbed.search.models import SearchDocument
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


def visible_documents(viewer: User) -> dict[str, Q]:
    """Per kind, the documents whose object ``viewer`` may see, through the model's own
    scoping; people who left never. (Documents of deleted objects are dropped by the index
    on commit.)"""
    from seedbed.knowledge.models import Article, Question
    from seedbed.learning.models import LearningItem
    from seedbed.people.models import Person
    from seedbed.skills.models import Skill

    def of(kind: str, qs: QuerySet[Any]) -> Q:
        if not qs.query.where:  # every object of this kind: no need to look at them
            return Q(kind=kind)
        return Q(kind=kind) & Q(Exists(qs.filter(pk=OuterRef("object_id"))))

    if not (viewer.is_authenticated and viewer.is_active):
        return {}
    return {
        "person": of("person", Person.objects.visible_to(viewer).filter(is_active=True)),
        "skill": of("skill", Skill.objects.filter(is_active=True)),
        "article": of("article", Article.objects.visible_to(viewer)),
        "question": of("question", Question.objects.visible_to(viewer)),
        "learning_item": of("learning_item", LearningItem.objects.filter(is_active=True)),
    }


# Compiled visibility filters by viewer: building them through the ORM costs more than many
# a search. A filter is kept only if compiling it ran no query (then it depends on nothing
# but the viewer's id, access level and active flag: the database decides the rest).
_VISIBILITY: dict[tuple[Any, ...], list[tuple[str, tuple[Any, ...]]]] = {}
_VISIBILITY_SIZE = 512


def _visibility_sql(viewer: User) -> list[tuple[str, tuple[Any, ...]]]:
    """One SQL condition (with its parameters) per kind."""
    key = (connection.alias, connection.vendor, viewer.pk, viewer.is_active, viewer.access_level)
    cached = _VISIBILITY.get(key)
    if cached is not None:
        return cached
    ran: list[str] = []

    def spy(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        ran.append(sql)
        return execute(sql, params, many, context)

    conditions = []
    with connection.execute_wrapper(spy):
        for q in visible_documents(viewer).values():
            qs = SearchDocument.objects.filter(q)
            compiler = qs.query.get_compiler(connection=connection)
            sql, params = compiler.compile(qs.query.where)
            conditions.append((sql, tuple(params)))
    if not ran:
        if len(_VISIBILITY) >= _VISIBILITY_SIZE:
            _VISIBILITY.pop(next(iter(_VISIBILITY)))
        _VISIBILITY[key] = conditions
    return conditions


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


def _run(
    hits: Hits,
    viewer: User,
    kinds: tuple[str, ...],
    limit: int,
    offset: int,
) -> tuple[list[tuple[Any, ...]], dict[str, int]]:
    """One statement: the page of ranked visible hits and the hits per kind."""
    conditions = _visibility_sql(viewer)
    if not conditions:
        return [], dict.fromkeys(KINDS, 0)
    kind_sql = ""
    kind_params: list[Any] = []
    if kinds and len(kinds) < len(KINDS):
        kind_sql = "WHERE kind IN (" + ", ".join(["%s"] * len(kinds)) + ")"
        kind_params = list(kinds)
    # The visibility conditions name ``search_searchdocument``'s ``kind`` and ``object_id``:
    # the backend's hits stand in for the table under that name. One branch per kind (not
    # one OR): each kind's check can then be planned as a join of its own (PostgreSQL).
    visible = " UNION ALL ".join(
        f"SELECT id, kind, score FROM found AS search_searchdocument WHERE {cond}"  # noqa: S608
        for cond, _params in conditions
    )
    sql = f"""
        WITH found AS MATERIALIZED ({hits.sql}),
        hits AS MATERIALIZED ({visible})
        SELECT d.id, d.kind, d.object_id, d.title, d.extra, substr(d.body, 1, %s), d.meta,
               p.score
        FROM (SELECT id, score FROM hits {kind_sql} ORDER BY score DESC, id LIMIT %s OFFSET %s)
             AS p
        JOIN search_searchdocument d ON d.id = p.id
        UNION ALL
        SELECT NULL, kind, count(*), NULL, NULL, NULL, NULL, NULL FROM hits GROUP BY kind
    """  # noqa: S608 - pieces are constant SQL; every value is a parameter
    params = [
        *hits.params,
        *(p for _cond, cond_params in conditions for p in cond_params),
        SNIPPET_SOURCE,
        *kind_params,
        limit,
        offset,
    ]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    counts = dict.fromkeys(KINDS, 0)
    page = []
    for row in rows:
        if row[0] is None:
            counts[row[1]] = int(row[2])
        else:
            page.append(row)
    page.sort(key=lambda r: (-r[7], r[0]))
    return page, counts


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
