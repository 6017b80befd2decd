"""How far the first page of a PostgreSQL search is from the full ranking.

On PostgreSQL ``search()`` ranks in two steps (``seedbed.search.backends.postgres``): only the
``CANDIDATES`` best hits by a cheap first score are ranked by ``ts_rank_cd`` of the full
vector. Up to that many visible hits the order is exactly the full ranking; beyond it the
first page can differ. This script compares, on the data set ``bench_search.py`` keeps, the
first page of ``search()`` with the first page of the full ranking (the same search with
``CANDIDATES`` above any hit count) for the benchmark's 16 queries, employee and admin:

- **same**: results of the first page that are also on the full ranking's first page;
- **order**: how many leading results are the same, in the same order;
- **titled**: results whose title holds every word of the query (search / full ranking), a
  rough relevance judgement: a reader expects those first.

Also the median time of the first page both ways (``--runs``). Counts must be identical.

Run:  .venv/bin/python benchmarks/search_overlap.py --keep /tmp/bs-pg \
          --database-url postgres://postgres@127.0.0.1:5432/seedbed_bench_search
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_search import (  # noqa: E402
    BROAD,
    QUERIES,
    kept_viewers,
    setup_django,
)

FULL = 10**9


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--keep", required=True, help="the folder bench_search.py kept")
    parser.add_argument("--queries", choices=["all", "broad"], default="all")
    args = parser.parse_args()
    # Never build (or drop) anything here: only a data set bench_search.py kept.
    if not args.database_url or not (Path(args.keep) / "built-postgresql").exists():
        sys.exit("PostgreSQL data set needed: run bench_search.py --keep --database-url first")
    setup_django(args.database_url, args.keep)

    from django.db import connection

    from seedbed.search.backends import postgres
    from seedbed.search.services import search
    from seedbed.search.text import tokens

    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only: SQLite ranks every hit in one step")
    viewers = kept_viewers()
    cut = postgres.CANDIDATES

    def page(q: str, who: str, candidates: int) -> tuple[Any, float]:
        postgres.CANDIDATES = candidates
        try:
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                result = search(viewer=viewers[who], q=q, limit=20)
                times.append((time.perf_counter() - start) * 1000)
        finally:
            postgres.CANDIDATES = cut
        return result, statistics.median(times)

    def titled(q: str, results: list[Any]) -> int:
        words = set(tokens(q))
        return sum(words <= set(tokens(r.title)) for r in results)

    queries = BROAD if args.queries == "broad" else QUERIES
    print(f"CANDIDATES = {cut:,}; first page of 20; median ms of {args.runs}")
    print(
        f"{'query':28} {'viewer':9} {'hits':>7} {'same':>5} {'order':>6} {'titled':>7} "
        f"{'ms':>7} {'full ms':>8}"
    )
    differ = 0
    for q in queries:
        for who in ("employee", "admin"):
            got, ms = page(q, who, cut)
            full, full_ms = page(q, who, FULL)
            if got.counts != full.counts:
                differ += 1
            ids = [(r.kind, r.object_id) for r in got.results]
            best = [(r.kind, r.object_id) for r in full.results]
            same = len(set(ids) & set(best))
            order = next(
                (i for i, (a, b) in enumerate(zip(ids, best, strict=False)) if a != b), len(ids)
            )
            mark = "" if q in BROAD else " (topic)"
            print(
                f"{q + mark:28} {who:9} {got.total:7,} {same:2}/{len(best):<2} {order:6} "
                f"{titled(q, got.results):3}/{titled(q, full.results):<3} {ms:7.1f} {full_ms:8.1f}"
            )
    print("counts identical" if not differ else f"COUNTS DIFFER in {differ} searches")


if __name__ == "__main__":
    main()
