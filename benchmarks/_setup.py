"""What every benchmark script does before it builds its data: Django on a data folder of its
own (temporary, or one kept between runs) and the database asked for, then an empty,
migrated database."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path


def start_django(prefix: str, database_url: str | None, *, keep: str | None = None) -> Path:
    """Set Django up with ``SEEDBED_DATA_DIR`` a new temporary folder (removed at exit) named
    after ``prefix``, or ``keep`` (created if missing, left in place), and ``DATABASE_URL``
    if given. Returns the data folder."""
    if keep:
        data_dir = Path(keep)
        data_dir.mkdir(parents=True, exist_ok=True)
    else:
        data_dir = Path(tempfile.mkdtemp(prefix=prefix))
        atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    os.environ["SEEDBED_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seedbed.config.settings")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    return data_dir


def serve_pages() -> None:
    """Settings for timing pages through the test client: any host, static files without a
    manifest, and the trivial baseline page (``benchmarks/baseline_urls.py``)."""
    from django.conf import settings

    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    settings.ALLOWED_HOSTS = ["*"]
    settings.ROOT_URLCONF = "benchmarks.baseline_urls"


def fast_passwords() -> None:
    """A cheap password hasher: building thousands of logins is not what is measured."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def fresh_database(*, empty: bool = True) -> None:
    """Migrate the database; on PostgreSQL, with ``empty``, drop its schema first."""
    from django.core.management import call_command
    from django.db import connection

    if empty and connection.vendor == "postgresql":
        with connection.cursor() as cur:  # start from an empty schema
            cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)


def raw_full_text(
    texts: Iterable[str], limit: int = 20, *, prepared: bool = False
) -> Callable[[str], int]:
    """Issue 6's baseline: the bare full-text statement of each text as the search runs it
    (typos corrected, synonyms expanded; FTS5 ``MATCH`` ranked by ``bm25`` or a tsvector
    ``@@`` ranked by ``ts_rank_cd``), the ``limit`` best ids, no visibility. Compiled here;
    the returned function runs the one for a text and returns how many rows it fetched.
    ``prepared`` (PostgreSQL): on a server-binding cursor, prepared once it repeats, as the
    expert finder runs its statements (``seedbed.knowledge.evidence.server_cursor``)."""
    from django.db import connection

    from seedbed.knowledge.evidence import server_cursor
    from seedbed.search.backends import full_text
    from seedbed.search.query import parse
    from seedbed.search.services import correct
    from seedbed.search.text import tokens

    backend = full_text()
    statements = {}
    for text in texts:
        fixed, _changed = correct(tokens(text))
        statements[text] = backend.raw_sql(parse(fixed), limit)

    def run(text: str) -> int:
        sql, params = statements[text]
        with server_cursor(connection) if prepared else connection.cursor() as cur:
            cur.execute(sql, params)
            return len(cur.fetchall())

    return run


def percentile(values: Iterable[float], fraction: float) -> float:
    """The ``fraction`` quantile of ``values`` (0.95 for the p95), interpolated linearly
    between the two nearest ranks — NumPy's default and ``statistics.quantiles(...,
    method="inclusive")``: the one definition every benchmark reports."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    k = (len(ordered) - 1) * fraction
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)
