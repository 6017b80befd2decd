"""ESCO benchmark: import a synthetic 14,000-skill ESCO file, then search the taxonomy.

Generates, in a temporary folder, a CSV in the layout of ESCO's ``skills_en.csv`` (UTF-8 with
BOM, ESCO's 13 columns, labels built from verbs and objects, 0–6 alternative labels per skill on
separate lines inside one quoted cell, one- to three-sentence descriptions, about a quarter
knowledge concepts, every reuse level) and reports:

- import of that file through the real path, each of ``--runs`` times on an emptied taxonomy
  (ESCO skills and categories deleted between runs): read (parse the CSV), validate (the dry
  run behind the preview), commit (re-validate against the database and write, as the commit
  of the preview does); "end to end" is their sum, what an admin waits in total; median of the
  runs and each run;
- a re-import of the same file (every row unchanged) and of a file with one row in ten changed;
- the same import with a 3,000-row occupations file next to it (roles), once;
- the admin UI's job path once: upload, background check (preview of every row stored on the
  job), commit task;
- then, with the 14,000 skills in the database (table compacted and analysed), the median in-process server time (Django test
  client) over ``--search-runs`` runs, interleaved, of: a trivial page (the baseline, see
  benchmarks/baseline_urls.py), the skills list endpoint without and with ``?search=``, the
  /skills/ page with ``?q=``, the skill picker; and the ORM search itself
  (``Skill.objects.search(q)``: count + first page, what the endpoint runs) next to a fetch of
  one skill by primary key.

Run:  .venv/bin/python benchmarks/bench_esco.py [--runs 3] [--search-runs 30] [--database-url URL]
(For PostgreSQL pass a database of its own: the benchmark drops and recreates its schema.)
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_foundation import interleaved_medians, setup_django  # noqa: E402

SKILLS = 14_000
OCCUPATIONS = 3_000
HEADER = [
    "conceptType",
    "conceptUri",
    "skillType",
    "reuseLevel",
    "preferredLabel",
    "altLabels",
    "hiddenLabels",
    "status",
    "modifiedDate",
    "scopeNote",
    "definition",
    "inScheme",
    "description",
]
OCCUPATION_HEADER = [
    "conceptType",
    "conceptUri",
    "iscoGroup",
    "preferredLabel",
    "altLabels",
    "hiddenLabels",
    "status",
    "modifiedDate",
    "regulatedProfessionNote",
    "scopeNote",
    "definition",
    "inScheme",
    "description",
    "code",
]


def _words(text: str) -> list[str]:
    return text.split()


VERBS = _words(
    "manage apply develop maintain operate monitor assess design implement coordinate "
    "supervise prepare inspect install repair evaluate analyse plan organise perform advise "
    "train negotiate document test calibrate operate use handle process promote ensure "
    "identify interpret record report communicate teach research source select measure adjust "
    "clean assemble estimate forecast present review schedule translate verify"
)
SYNONYMS = {
    "manage": ["administer", "run", "oversee"],
    "apply": ["use", "employ"],
    "develop": ["create", "build"],
    "assess": ["evaluate", "appraise"],
    "operate": ["run", "work"],
    "analyse": ["examine", "study"],
    "advise": ["counsel", "consult on"],
    "repair": ["fix", "mend"],
    "inspect": ["check", "examine"],
    "teach": ["instruct", "educate"],
}
ADJECTIVES = _words(
    "agricultural financial medical digital industrial environmental legal technical musical "
    "electrical mechanical chemical statistical logistic pharmaceutical maritime commercial "
    "clinical culinary textile forestry veterinary structural acoustic hydraulic nuclear "
    "optical dental judicial railway aviation mining"
)
NOUNS = _words(
    "staff equipment procedures records budgets contracts systems software machinery data "
    "materials samples inventory projects accounts standards regulations risks quality safety "
    "maintenance schedules reports policies customers suppliers tools vehicles documentation "
    "processes resources installations components networks databases surveys audits permits "
    "campaigns claims shipments specimens instruments"
)
KNOWLEDGE = _words(
    "principles techniques legislation theory methods standards history terminology "
    "engineering science practices products markets"
)
WORDS = _words(
    "the a of to and in for with on by from as that which their its work tasks processes "
    "people results organisation ensure according guidelines relevant specific field area "
    "practice methods tools information quality requirements team clients operations"
)
REUSE = [("sector-specific", 55), ("occupation-specific", 30), ("cross-sector", 10)]
REUSE += [("transversal", 5)]


def synthetic_rows(n: int, seed: int = 3) -> list[list[str]]:
    rng = random.Random(seed)
    labels: set[str] = set()
    rows = []
    levels = [lvl for lvl, weight in REUSE for _ in range(weight)]
    while len(rows) < n:
        knowledge = rng.random() < 0.25
        adjective, noun = rng.choice(ADJECTIVES), rng.choice(NOUNS)
        if knowledge:
            label = f"{adjective} {noun} {rng.choice(KNOWLEDGE)}"
            verb = ""
        else:
            verb = rng.choice(VERBS)
            label = f"{verb} {adjective} {noun}"
        if rng.random() < 0.15:
            label += f" ({rng.choice(ADJECTIVES)} {rng.choice(['context', 'sector', 'use'])})"
        if label in labels:
            continue
        labels.add(label)
        alts = []
        for _ in range(rng.randint(0, 6)):
            if verb and verb in SYNONYMS and rng.random() < 0.5:
                alts.append(label.replace(verb, rng.choice(SYNONYMS[verb]), 1))
            elif verb:
                alts.append(f"{verb} {rng.choice(NOUNS)} of {adjective} {noun}")
            else:
                alts.append(f"{noun} {rng.choice(KNOWLEDGE)} in {adjective} contexts")
        description = " ".join(
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 30))).capitalize() + "."
            for _ in range(rng.randint(1, 3))
        )
        uid = f"{rng.getrandbits(128):032x}"
        uid = f"{uid[:8]}-{uid[8:12]}-{uid[12:16]}-{uid[16:20]}-{uid[20:]}"
        rows.append(
            [
                "KnowledgeSkillCompetence",
                f"http://data.europa.eu/esco/skill/{uid}",
                "knowledge" if knowledge else "skill/competence",
                rng.choice(levels),
                label,
                "\n".join(alts),
                "",
                "released",
                "2023-08-25T12:00:00.000Z",
                "",
                "",
                "http://data.europa.eu/esco/concept-scheme/skills "
                "http://data.europa.eu/esco/concept-scheme/member-skills",
                description,
            ]
        )
    return rows


def occupation_rows(n: int, seed: int = 5) -> list[list[str]]:
    rng = random.Random(seed)
    rows = []
    seen: set[str] = set()
    while len(rows) < n:
        label = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {rng.choice(['officer', 'technician', 'manager', 'specialist', 'assistant', 'engineer', 'inspector'])}"
        if label in seen:
            continue
        seen.add(label)
        uid = f"{rng.getrandbits(128):032x}"
        rows.append(
            [
                "Occupation",
                f"http://data.europa.eu/esco/occupation/{uid}",
                str(rng.randint(1000, 9999)),
                label,
                f"{label} trainee\nsenior {label}",
                "",
                "released",
                "2023-08-25T12:00:00.000Z",
                "",
                "",
                "",
                "http://data.europa.eu/esco/concept-scheme/occupations",
                " ".join(rng.choice(WORDS) for _ in range(40)).capitalize() + ".",
                f"{rng.randint(1000, 9999)}.{rng.randint(1, 99)}",
            ]
        )
    return rows


def csv_with_bom(header: list[str], rows: list[list[str]]) -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def empty_taxonomy() -> None:
    from seedbed.frameworks.models import Role
    from seedbed.skills.models import Skill, SkillCategory

    Skill.objects.filter(external_id__isnull=False).delete()
    Role.objects.filter(external_id__isnull=False).delete()
    esco = SkillCategory.objects.filter(name="ESCO", parent=None)
    SkillCategory.objects.filter(parent__in=esco).delete()
    esco.delete()


def timed_import(data: bytes, occupations: bytes | None = None) -> dict[str, float]:
    """Seconds to read, validate (preview) and commit (re-validate + write)."""
    from seedbed.imports.parsing import read_table
    from seedbed.imports.services import commit_esco, validate_esco

    t0 = time.perf_counter()
    table = read_table(data, "skills_en.csv")
    occ = read_table(occupations, "occupations_en.csv") if occupations else None
    t1 = time.perf_counter()
    preview = validate_esco(table, occupations=occ)
    t2 = time.perf_counter()
    assert preview.ok, preview.issues()[:3]
    committed = commit_esco(skills=table, occupations=occ, actor=None)
    t3 = time.perf_counter()
    return {
        "read": t1 - t0,
        "validate": t2 - t1,
        "commit": t3 - t2,
        "total": t3 - t0,
        "created": committed.counts["created"],
        "updated": committed.counts["updated"],
        "unchanged": committed.counts["unchanged"],
    }


def timed_job(data: bytes, admin: object) -> dict[str, float]:
    """The admin UI's path: upload (stored file), the background check storing every row's
    preview on the job, then the commit task. The task functions are called directly."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from seedbed.imports.models import ImportJob, ImportStatus
    from seedbed.imports.services import create_job, request_commit, run_commit, run_validation

    t0 = time.perf_counter()
    job = create_job(
        actor=admin,  # type: ignore[arg-type]
        kind="esco",
        upload=SimpleUploadedFile("skills_en.csv", data),
        name="skills_en.csv",
    )
    t1 = time.perf_counter()
    run_validation(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED and job.error_count == 0, job.message
    t2 = time.perf_counter()
    request_commit(actor=admin, job=job)  # type: ignore[arg-type]
    run_commit(job_id=job.pk, actor_id=admin.pk)  # type: ignore[attr-defined]
    t3 = time.perf_counter()
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.DONE
    return {"upload": t1 - t0, "check": t2 - t1, "commit": t3 - t2, "total": t3 - t0}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--search-runs", type=int, default=30)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()
    setup_django(args.database_url)

    from django.db import connection
    from django.test import Client

    from seedbed.accounts.models import AccessLevel, User
    from seedbed.accounts.services import create_token
    from seedbed.skills.models import Skill
    from seedbed.skills.services import ensure_default_scale

    ensure_default_scale()
    folder = Path(tempfile.mkdtemp(prefix="seedbed-esco-"))
    rows = synthetic_rows(SKILLS)
    path = folder / "skills_en.csv"
    path.write_bytes(csv_with_bom(HEADER, rows))
    data = path.read_bytes()
    aliases = sum(len(r[5].splitlines()) for r in rows)
    print(f"database: {connection.vendor}")
    print(
        f"file: {path} ({len(data) / 1024 / 1024:.1f} MB, {len(rows):,} skills, "
        f"{aliases:,} alt labels)"
    )

    runs = []
    for _ in range(args.runs):
        empty_taxonomy()
        result = timed_import(data)
        assert result["created"] == SKILLS, result
        runs.append(result)
    print(f"\nESCO import of {SKILLS:,} skills on an emptied taxonomy, {args.runs} run(s), seconds")
    print(f"{'step':28} {'median':>8}   runs")
    for step in ("read", "validate", "commit", "total"):
        values = [r[step] for r in runs]
        each = " ".join(f"{v:.2f}" for v in values)
        label = "end to end (sum)" if step == "total" else step
        print(f"{label:28} {statistics.median(values):8.2f}   {each}")

    again = timed_import(data)
    assert again["unchanged"] == SKILLS, again
    changed_rows = [list(r) for r in rows]
    for r in changed_rows[::10]:
        r[12] += " Revised."
        r[5] = (r[5] + "\nrevised label " + r[4]).strip()
    changed = timed_import(csv_with_bom(HEADER, changed_rows))
    assert changed["updated"] == len(changed_rows[::10]), changed
    print(
        f"re-import, all unchanged:     {again['total']:.2f}s "
        f"(read {again['read']:.2f}, validate {again['validate']:.2f}, commit {again['commit']:.2f})"
    )
    print(
        f"re-import, {changed['updated']:,} updated:      {changed['total']:.2f}s "
        f"(read {changed['read']:.2f}, validate {changed['validate']:.2f}, "
        f"commit {changed['commit']:.2f})"
    )
    empty_taxonomy()
    both = timed_import(data, csv_with_bom(OCCUPATION_HEADER, occupation_rows(OCCUPATIONS)))
    assert both["created"] == SKILLS + OCCUPATIONS, both
    print(
        f"with {OCCUPATIONS:,} occupations:      {both['total']:.2f}s "
        f"(read {both['read']:.2f}, validate {both['validate']:.2f}, commit {both['commit']:.2f})"
    )

    admin = User.objects.create_user(
        "admin@bench-esco.example", "x", access_level=AccessLevel.ADMIN
    )
    empty_taxonomy()
    job_times = timed_job(data, admin)
    print(
        f"admin UI job path:            {job_times['total']:.2f}s (upload {job_times['upload']:.2f}, "
        f"check + preview stored {job_times['check']:.2f}, commit {job_times['commit']:.2f})"
    )

    # --- search at this size ---------------------------------------------------------------
    # The runs above deleted and rewrote the skills table several times; compact it so search
    # scans what one import leaves (14,000 live rows), not the pages of the deleted runs.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("VACUUM")
            cursor.execute("ANALYZE")
        else:
            cursor.execute("VACUUM FULL ANALYZE skills_skill")
    web = Client()
    web.force_login(admin)
    _token, raw = create_token(user=admin, name="bench")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    some = Skill.objects.order_by("pk").values_list("pk", flat=True)[SKILLS // 2]
    common, rare = "manage", "hydraulic budgets"
    counts = {q: Skill.objects.search(q).count() for q in (common, rare)}
    total = Skill.objects.count()

    def get(client: Client, url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    def orm_search(q: str) -> None:
        qs = Skill.objects.search(q).order_by("name", "id")
        qs.count()
        list(qs[:50])

    results = interleaved_medians(
        {
            "trivial page (baseline)": lambda: get(web, "/bench/trivial/"),
            "ORM: one skill by pk (baseline)": lambda: Skill.objects.get(pk=some),
            f"ORM search '{common}'": lambda: orm_search(common),
            f"ORM search '{rare}'": lambda: orm_search(rare),
            "API /skills (no search)": lambda: get(api, "/api/v1/skills?limit=50"),
            f"API /skills?search={common}": lambda: get(api, f"/api/v1/skills?search={common}"),
            f"API /skills?search={rare}": lambda: get(
                api, f"/api/v1/skills?search={rare.replace(' ', '+')}"
            ),
            f"page /skills/?q={common}": lambda: get(web, f"/skills/?q={common}"),
            "page /skills/ (no search)": lambda: get(web, "/skills/"),
            f"picker /skills/search/?q={common}": lambda: get(web, f"/skills/search/?q={common}"),
        },
        args.search_runs,
    )
    print(
        f"\nsearch over {total:,} skills ('{common}' matches {counts[common]:,}, "
        f"'{rare}' {counts[rare]:,}); median of {args.search_runs} runs, in-process, ms"
    )
    base = results["trivial page (baseline)"]
    print(f"{'what':38} {'median ms':>10} {'x trivial':>10}")
    for name, ms in results.items():
        print(f"{name:38} {ms:10.2f} {ms / base:10.1f}")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
