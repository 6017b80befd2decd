"""ESCO import: skills (and occupations as roles) from ESCO-style CSVs built in each test.

Covers the official layout (BOM, multi-line altLabels in quoted cells, ESCO's column names),
categories by skillType/reuseLevel, idempotent re-import by URI, linking by name, conflicts,
every row error with its row and column, the job flow in the UI (admins only) and the CLI.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from seedbed.accounts.models import AuditLog
from seedbed.frameworks.models import Role
from seedbed.imports.models import ImportJob, ImportKind, ImportStatus
from seedbed.imports.parsing import FileRejected, read_table
from seedbed.imports.services import (
    ImportHasErrors,
    commit_esco,
    create_job,
    discard_job,
    run_validation,
    validate_esco,
)
from seedbed.skills.models import Skill, SkillCategory
from tests.builders import make_role, make_skill
from tests.data.imports import csv_file, xlsx_file

pytestmark = pytest.mark.django_db

SKILL_HEADER = [
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
SKILL_URI = "http://data.europa.eu/esco/skill/"
OCCUPATION_URI = "http://data.europa.eu/esco/occupation/"


def skill_row(
    uid: str,
    label: str | None,
    *,
    alt: str = "",
    skill_type: str = "skill/competence",
    reuse: str = "sector-specific",
    status: str = "released",
    description: str = "",
    definition: str = "",
    uri: str | None = None,
) -> list[str | None]:
    return [
        "KnowledgeSkillCompetence",
        SKILL_URI + uid if uri is None else uri,
        skill_type,
        reuse,
        label,
        alt,
        "",
        status,
        "2023-08-25T12:00:00.000Z",
        "",
        definition,
        "http://data.europa.eu/esco/concept-scheme/skills",
        description,
    ]


def occupation_row(uid: str, label: str, *, description: str = "") -> list[str]:
    return [
        "Occupation",
        OCCUPATION_URI + uid,
        "2512",
        label,
        "app developer\nsoftware engineer",
        "",
        "released",
        "2023-08-25T12:00:00.000Z",
        "",
        "",
        "",
        "http://data.europa.eu/esco/concept-scheme/occupations",
        description,
    ]


def esco_bytes(header: list[str], rows: list[list[str | None]], *, bom: bool = True) -> bytes:
    return (b"\xef\xbb\xbf" if bom else b"") + csv_file([header, *rows])


def skills_table(rows: list[list[str | None]], *, bom: bool = True):
    return read_table(esco_bytes(SKILL_HEADER, rows, bom=bom), "skills_en.csv")


def occupations_table(rows: list[list[str]]):
    return read_table(esco_bytes(OCCUPATION_HEADER, rows), "occupations_en.csv")


def _errors(preview):
    return [(r.row, i.where, i.text) for r in preview.rows for i in r.issues]


BASIC = [
    skill_row(
        "s1",
        "manage musical staff",
        alt="coordinate duties of musical staff\nmanage staff of music\n  manage staff of music  ",
        reuse="sector-specific",
        description="Assign and manage staff tasks in areas such as scoring and arranging.",
    ),
    skill_row(
        "k1",
        "Python (computer programming)",
        alt="Python\npython programming",
        skill_type="knowledge",
        reuse="cross-sector",
        definition="The techniques and principles of software development in Python.",
    ),
    skill_row("t1", "think critically", alt="", reuse="transversal", description="Reason well."),
]


# --- validation and commit -------------------------------------------------------------------


def test_official_layout_is_read_and_checked_without_writing(org):
    table = skills_table(BASIC)
    assert "UTF-8" in table.description
    preview = validate_esco(table)
    assert preview.ok, _errors(preview)
    assert preview.counts == {"created": 3, "updated": 0, "unchanged": 0, "error": 0}
    assert preview.extra["categories_created"] == 4  # ESCO + three children
    assert preview.notes == []  # ESCO's unused columns are expected, not "ignored"
    first = preview.rows[0]
    assert (first.row, first.label) == (2, "manage musical staff")
    assert first.detail == "ESCO › Sector-specific skills · 2 aliases"
    assert not Skill.objects.filter(external_id__startswith=SKILL_URI).exists()
    assert not SkillCategory.objects.filter(name="ESCO").exists()


def test_commit_creates_skills_with_aliases_categories_and_search_text(org):
    preview = commit_esco(skills=skills_table(BASIC), actor=org.user("admin"))
    assert preview.counts["created"] == 3
    staff = Skill.objects.get(external_id=SKILL_URI + "s1")
    assert staff.name == "manage musical staff"
    assert staff.aliases == ["coordinate duties of musical staff", "manage staff of music"]
    assert staff.description.startswith("Assign and manage staff tasks")
    assert staff.search_text == (
        "manage musical staff\ncoordinate duties of musical staff\nmanage staff of music"
    )
    assert (staff.category.name, staff.category.parent.name) == ("Sector-specific skills", "ESCO")
    python = Skill.objects.get(external_id=SKILL_URI + "k1")
    assert python.category.name == "Knowledge"  # knowledge first, whatever its reuse level
    assert python.description.startswith("The techniques")  # definition when no description
    assert Skill.objects.get(external_id=SKILL_URI + "t1").category.name == "Transversal skills"
    # Search finds ESCO skills by name and alias, like any other skill.
    assert list(Skill.objects.search("staff music").values_list("pk", flat=True)) == [staff.pk]
    assert python in Skill.objects.search("python programming")
    entry = AuditLog.objects.get(action="import.esco")
    assert entry.actor == org.user("admin") and "3 created" in entry.summary


def test_reimport_of_the_same_file_changes_nothing(org):
    commit_esco(skills=skills_table(BASIC), actor=None)
    skills, categories = Skill.objects.count(), SkillCategory.objects.count()
    preview = commit_esco(skills=skills_table(BASIC), actor=None)
    assert preview.counts == {"created": 0, "updated": 0, "unchanged": 3, "error": 0}
    assert preview.extra["categories_created"] == 0
    assert (Skill.objects.count(), SkillCategory.objects.count()) == (skills, categories)


def test_reimport_updates_name_description_and_aliases_by_uri(org):
    commit_esco(skills=skills_table(BASIC), actor=None)
    staff = Skill.objects.get(external_id=SKILL_URI + "s1")
    other = make_skill("Conducting")
    staff.category = other.category  # an admin moved it: a re-import leaves it there
    staff.save()
    changed = [
        skill_row(
            "s1",
            "manage music staff",
            alt="manage staff of music\nlead music staff",
            description="New text.",
        ),
        *BASIC[1:],
    ]
    preview = commit_esco(skills=skills_table(changed), actor=None)
    assert preview.counts == {"created": 0, "updated": 1, "unchanged": 2, "error": 0}
    assert preview.rows[0].detail == (
        "renamed from “manage musical staff”; new description; 1 alias added"
    )
    staff.refresh_from_db()
    assert staff.name == "manage music staff" and staff.description == "New text."
    # Seedbed's aliases stay (ESCO's removal of one does not delete it), ESCO's new one is added.
    assert staff.aliases == [
        "coordinate duties of musical staff",
        "manage staff of music",
        "lead music staff",
    ]
    assert "lead music staff" in staff.search_text and staff.search_text.startswith("manage music")
    assert staff.category == other.category
    assert Skill.objects.filter(external_id=SKILL_URI + "s1").count() == 1


def test_same_name_without_external_id_is_linked(org):
    python = Skill.objects.get(name="Python")  # from the org fixture, aliases ["py"]
    category = python.category_id
    rows = [skill_row("p1", "python", alt="Python 3\npy", description="A language.")]
    preview = validate_esco(skills_table(rows))
    assert preview.ok, _errors(preview)
    assert preview.counts["updated"] == 1 and preview.extra["linked"] == 1
    assert preview.rows[0].detail.startswith("linked by name to the existing skill “Python”")
    count = Skill.objects.count()
    commit_esco(skills=skills_table(rows), actor=None)
    python.refresh_from_db()
    assert python.external_id == SKILL_URI + "p1"
    # Same name ignoring case: Seedbed's spelling stays; ESCO's description is taken.
    assert python.name == "Python" and python.description == "A language."
    assert python.aliases == ["py", "Python 3"]
    assert python.category_id == category and Skill.objects.count() == count
    again = validate_esco(skills_table(rows))
    assert again.counts["unchanged"] == 1 and again.extra["linked"] == 0


def test_same_name_with_another_external_id_is_a_conflict(org):
    Skill.objects.filter(name="Kubernetes").update(external_id="https://example.com/k8s")
    rows = [skill_row("k8", "Kubernetes"), skill_row("s1", "manage musical staff")]
    preview = validate_esco(skills_table(rows))
    assert _errors(preview) == [
        (
            2,
            "E (preferredLabel)",
            "A skill named “Kubernetes” already exists with another external id "
            "(https://example.com/k8s). Rename one of them, or clear that skill's external id "
            "to link it to this concept.",
        )
    ]
    with pytest.raises(ImportHasErrors):
        commit_esco(skills=skills_table(rows), actor=None)
    assert not Skill.objects.filter(external_id__startswith=SKILL_URI).exists()  # all or nothing
    assert not SkillCategory.objects.filter(name="ESCO").exists()


def test_rename_onto_another_skills_name_is_an_error(org):
    commit_esco(skills=skills_table(BASIC[:1]), actor=None)
    preview = validate_esco(skills_table([skill_row("s1", "PYTHON")]))
    assert _errors(preview) == [
        (
            2,
            "E (preferredLabel)",
            "ESCO renames the skill “manage musical staff” to “Python”, but another skill "
            "already has that name. Rename or merge that skill first.",
        )
    ]


def test_row_errors_name_row_and_column(org):
    rows = [
        skill_row("a", "first"),
        skill_row("b", None),  # missing preferredLabel
        skill_row("a", "again"),  # duplicate URI
        skill_row("c", "FIRST"),  # duplicate name ignoring case
        skill_row("d", "bad uri", uri="not a uri"),
        skill_row("e", "x" * 201),
        skill_row("f", "fine"),
    ]
    preview = validate_esco(skills_table(rows))
    assert preview.counts == {"created": 2, "updated": 0, "unchanged": 0, "error": 5}
    assert _errors(preview) == [
        (3, "E (preferredLabel)", "preferredLabel is required."),
        (4, "B (conceptUri)", "Same conceptUri as row 2: each concept may appear only once."),
        (
            5,
            "E (preferredLabel)",
            "Same preferredLabel as row 2: names are unique ignoring case, so one of the two "
            "rows must change.",
        ),
        (
            6,
            "B (conceptUri)",
            "“not a uri” is not a URI; conceptUri holds addresses such as "
            "http://data.europa.eu/esco/skill/…",
        ),
        (7, "E (preferredLabel)", "Too long: at most 200 characters (this has 201)."),
    ]


def test_missing_required_column_rejects_the_file(org):
    data = csv_file([["conceptUri", "label2"], [SKILL_URI + "a", "x"]])
    with pytest.raises(FileRejected) as exc:
        validate_esco(read_table(data, "skills_en.csv"))
    assert exc.value.message == (
        "skills_en.csv: missing required column(s): preferredLabel. Found: conceptUri, label2."
    )


def test_rows_not_released_are_skipped_with_a_note(org):
    rows = [skill_row("a", "kept"), skill_row("b", "old one", status="obsolete")]
    preview = commit_esco(skills=skills_table(rows), actor=None)
    assert preview.counts["created"] == 1 and preview.extra["skipped"] == 1
    assert preview.notes == ["1 row was skipped because its status is not “released”."]
    assert [r.row for r in preview.rows] == [2]
    assert not Skill.objects.filter(name="old one").exists()


def test_plain_headers_without_status_and_unknown_columns(org):
    data = csv_file(
        [
            ["uri", "name", "aliases", "reuse_level", "colour"],
            [SKILL_URI + "a", "welding", "weld\nfuse metal", "occupation-specific", "red"],
        ]
    )
    preview = commit_esco(skills=read_table(data, "mine.csv"), actor=None)
    assert preview.notes == ["mine.csv: ignored columns: E (colour)."]
    skill = Skill.objects.get(external_id=SKILL_URI + "a")
    assert skill.aliases == ["weld", "fuse metal"]
    assert skill.category.name == "Occupation-specific skills"


def test_xlsx_with_line_breaks_in_cells(org):
    data = xlsx_file([SKILL_HEADER, skill_row("a", "sew", alt="stitch\nhem")])
    commit_esco(skills=read_table(data, "skills.xlsx"), actor=None)
    assert Skill.objects.get(external_id=SKILL_URI + "a").aliases == ["stitch", "hem"]


def test_validation_reads_the_database_in_constant_queries(org, django_assert_num_queries):
    rows = [skill_row(f"s{i}", f"skill number {i}", alt=f"alias {i}") for i in range(300)]
    table = skills_table(rows)
    with django_assert_num_queries(2):  # ESCO categories; all skills (by URI and by name)
        preview = validate_esco(table)
    assert preview.counts["created"] == 300


def test_commit_writes_in_batches(org, django_assert_max_num_queries):
    rows = [skill_row(f"s{i}", f"skill number {i}") for i in range(2500)]
    with django_assert_max_num_queries(20):
        preview = commit_esco(skills=skills_table(rows), actor=None)
    assert preview.counts["created"] == 2500
    assert Skill.objects.filter(external_id__startswith=SKILL_URI).count() == 2500
    assert Skill.objects.search("number 2499").get().search_text == "skill number 2499"


def test_progress_is_reported(org):
    rows = [skill_row(f"s{i}", f"skill {i}") for i in range(1200)]
    calls: list[tuple[int, int]] = []
    validate_esco(skills_table(rows), progress=lambda done, total: calls.append((done, total)))
    assert calls == [(500, 1200), (1000, 1200), (1200, 1200)]


def test_imported_skills_are_found_by_the_list_page_picker_and_api(org, clients):
    from seedbed.skills.services import record_assertion
    from tests.conftest import bearer

    commit_esco(skills=skills_table(BASIC), actor=None)
    python = Skill.objects.get(name="Python")
    record_assertion(
        actor=org.user("admin"), person=org.employee, skill=python, level=3, source="manager"
    )
    page = clients["employee"].get(reverse("skills:list"), {"q": "staff of music"})
    assert [s.name for s in page.context["page_obj"]] == ["manage musical staff"]
    listing = clients["admin"].get(reverse("skills:list"), {"q": "python"})
    counts = {s.name: s.holder_count for s in listing.context["page_obj"]}
    assert counts == {"Python": 1, "Python (computer programming)": 0}
    picker = clients["employee"].get(reverse("skills:search"), {"q": "critically"})
    assert "think critically" in picker.content.decode()
    api = clients["outsider"].get(
        "/api/v1/skills?search=python+programming", **bearer(org.outsider)
    )
    assert [s["name"] for s in api.json()["items"]] == ["Python (computer programming)"]


# --- occupations -----------------------------------------------------------------------------


def test_occupations_become_roles_linked_by_name_and_idempotent(org):
    developer = Role.objects.get(name="Developer")
    occupations = [
        occupation_row("o1", "developer", description="Writes software."),
        occupation_row("o2", "ICT project manager", description="Runs ICT projects."),
    ]
    preview = commit_esco(
        skills=skills_table(BASIC), occupations=occupations_table(occupations), actor=None
    )
    assert preview.ok, _errors(preview)
    assert (preview.extra["roles_created"], preview.extra["roles_updated"]) == (1, 1)
    assert preview.extra["linked"] == 1
    assert {r.file for r in preview.rows} == {"skills_en.csv", "occupations_en.csv"}
    developer.refresh_from_db()
    assert developer.external_id == OCCUPATION_URI + "o1" and developer.name == "Developer"
    assert (
        preview.rows[3].detail == "linked by name to the existing role “Developer”; new description"
    )
    assert developer.description == "Writes software."
    assert Role.objects.get(external_id=OCCUPATION_URI + "o2").name == "ICT project manager"
    again = validate_esco(skills_table(BASIC), occupations=occupations_table(occupations))
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 5, "error": 0}


def test_occupation_conflict_is_an_error(org):
    make_role("Nurse", external_id="https://example.com/nurse")
    preview = validate_esco(
        skills_table(BASIC[:1]), occupations=occupations_table([occupation_row("n", "nurse")])
    )
    [(row, where, text)] = _errors(preview)
    assert (row, where) == (2, "D (preferredLabel)")
    assert text.startswith("A role named “Nurse” already exists with another external id")


def test_occupations_file_alone_imports_roles(org):
    preview = commit_esco(skills=occupations_table([occupation_row("o9", "baker")]), actor=None)
    assert preview.counts["created"] == 1 and preview.extra["roles_created"] == 1
    assert Role.objects.filter(external_id=OCCUPATION_URI + "o9", name="baker").exists()


def test_swapped_files_are_refused(org):
    with pytest.raises(FileRejected, match="looks like ESCO's occupations file"):
        validate_esco(
            occupations_table([occupation_row("o", "baker")]),
            occupations=occupations_table([occupation_row("p", "cook")]),
        )
    with pytest.raises(FileRejected, match="looks like ESCO's skills file"):
        validate_esco(skills_table(BASIC), occupations=skills_table(BASIC))


# --- the web flow ----------------------------------------------------------------------------


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_admin_uploads_previews_and_commits(org, clients, django_capture_on_commit_callbacks):
    admin = clients["admin"]
    assert "ESCO skills and occupations" in admin.get(reverse("imports:start")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("imports:start"),
            {
                "what": "esco",
                "file": _upload("skills_en.csv", esco_bytes(SKILL_HEADER, BASIC)),
                "occupations": _upload(
                    "occupations_en.csv",
                    esco_bytes(OCCUPATION_HEADER, [occupation_row("o2", "ICT project manager")]),
                ),
            },
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "imports:job", args=[job.pk]
    )
    assert (job.kind, job.status, job.error_count, job.total) == (
        ImportKind.ESCO,
        ImportStatus.PREVIEWED,
        0,
        4,
    )
    assert job.summary["created"] == 4 and job.occupations_name == "occupations_en.csv"
    page = admin.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Skills: 3 new, 0 updated · roles: 1 new, 0 updated" in page
    assert "ESCO › Knowledge · 2 aliases" in page and "occupations_en.csv" in page
    assert not Skill.objects.filter(external_id__startswith=SKILL_URI).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("imports:job_commit", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Skill.objects.filter(external_id__startswith=SKILL_URI).count() == 3
    assert Role.objects.filter(external_id=OCCUPATION_URI + "o2").exists()


def test_preview_shows_row_errors_and_blocks_commit(
    org, clients, django_capture_on_commit_callbacks
):
    admin = clients["admin"]
    rows = [*BASIC, skill_row("s1", "duplicate")]
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            reverse("imports:start"),
            {"what": "esco", "file": _upload("skills_en.csv", esco_bytes(SKILL_HEADER, rows))},
        )
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.PREVIEWED and job.error_count == 1
    page = admin.get(reverse("imports:job", args=[job.pk]) + "?errors=1").content.decode()
    assert "Same conceptUri as row 2" in page and "B · conceptUri" in page
    admin.post(reverse("imports:job_commit", args=[job.pk]))
    assert not Skill.objects.filter(external_id__startswith=SKILL_URI).exists()


@pytest.mark.parametrize("actor", ["manager", "lead", "employee", "outsider", "outsider_manager"])
def test_others_cannot_upload_or_commit(org, clients, actor):
    response = clients[actor].post(
        reverse("imports:start"),
        {"what": "esco", "file": _upload("skills_en.csv", esco_bytes(SKILL_HEADER, BASIC))},
    )
    assert response.status_code == 403
    assert not ImportJob.objects.exists()
    job = create_job(
        actor=org.user("admin"),
        kind=ImportKind.ESCO,
        upload=_upload("skills_en.csv", esco_bytes(SKILL_HEADER, BASIC)),
        name="skills_en.csv",
    )
    assert clients[actor].get(reverse("imports:job", args=[job.pk])).status_code == 403
    assert clients[actor].post(reverse("imports:job_commit", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.status == ImportStatus.UPLOADED
    assert not Skill.objects.filter(external_id__startswith=SKILL_URI).exists()


def test_occupations_file_only_with_esco(org, clients):
    response = clients["admin"].post(
        reverse("imports:start"),
        {
            "what": "people",
            "file": _upload("people.csv", b"name,email\nA,a@example.com\n"),
            "occupations": _upload("occupations_en.csv", b"x"),
        },
    )
    assert response.status_code == 400
    assert "An occupations file belongs to an ESCO import only." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_discard_removes_both_files(org):
    job = create_job(
        actor=org.user("admin"),
        kind=ImportKind.ESCO,
        upload=_upload("skills_en.csv", esco_bytes(SKILL_HEADER, BASIC)),
        name="skills_en.csv",
        occupations=_upload(
            "occupations_en.csv", esco_bytes(OCCUPATION_HEADER, [occupation_row("o", "baker")])
        ),
        occupations_name="occupations_en.csv",
    )
    run_validation(job_id=job.pk)
    job.refresh_from_db()
    assert job.total == 4 and job.status == ImportStatus.PREVIEWED
    paths = [job.file.path, job.occupations_file.path]
    discard_job(actor=org.user("admin"), job=job)
    assert not any(__import__("os").path.exists(p) for p in paths)


# --- the CLI ---------------------------------------------------------------------------------


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_cli_dry_run_then_import(org, tmp_path):
    skills = tmp_path / "skills_en.csv"
    skills.write_bytes(esco_bytes(SKILL_HEADER, BASIC))
    occupations = tmp_path / "occupations_en.csv"
    occupations.write_bytes(esco_bytes(OCCUPATION_HEADER, [occupation_row("o", "baker")]))
    out, err = _run(
        "seedbed_import", "esco", str(skills), "--occupations", str(occupations), "--dry-run"
    )
    assert "esco: 4 created, 0 updated, 0 unchanged, 0 error, 3 skills created" in out
    assert "Dry run: nothing was changed." in out
    assert "skills_en.csv: CSV, UTF-8, comma-separated, 3 data rows" in err
    assert "occupations_en.csv: CSV, UTF-8, comma-separated, 1 data rows" in err
    assert not Skill.objects.filter(external_id__startswith=SKILL_URI).exists()

    out, _err = _run("seedbed_import", "esco", str(skills), "--occupations", str(occupations))
    assert "Imported." in out
    assert Skill.objects.filter(external_id__startswith=SKILL_URI).count() == 3
    assert Role.objects.filter(name="baker").exists()
    out, _err = _run("seedbed_import", "esco", str(skills))
    assert "esco: 0 created, 0 updated, 3 unchanged" in out


def test_cli_reports_errors_with_file_and_row(org, tmp_path):
    skills = tmp_path / "skills_en.csv"
    skills.write_bytes(esco_bytes(SKILL_HEADER, [*BASIC, skill_row("x", None)]))
    occupations = tmp_path / "occupations_en.csv"
    occupations.write_bytes(esco_bytes(OCCUPATION_HEADER, [occupation_row("o", "baker")]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command(
            "seedbed_import", "esco", str(skills), "--occupations", str(occupations), stdout=out
        )
    assert (
        "skills_en.csv row 5, column E (preferredLabel): preferredLabel is required."
        in out.getvalue()
    )
    assert not Role.objects.filter(name="baker").exists()


def test_cli_occupations_only_with_esco(org, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(b"name,email\nA,a@example.com\n")
    with pytest.raises(CommandError, match="--occupations belongs to the esco import only"):
        _run("seedbed_import", "people", str(path), "--occupations", str(path))
