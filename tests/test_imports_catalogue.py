"""Learning catalogue import: columns and matching (code, else title + provider), skills and
prerequisites (in the file or in Seedbed), every error with row and column, cycles named,
all or nothing, idempotent; the web flow and the command line; an export imports again."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from seedbed.accounts.models import AuditLog
from seedbed.imports.models import ImportJob, ImportStatus
from seedbed.imports.parsing import read_table
from seedbed.imports.preview import Outcome
from seedbed.imports.services import ImportHasErrors, commit_catalogue, validate_catalogue
from seedbed.learning.models import Kind, LearningItem, Prerequisite
from seedbed.learning.services import catalogue as catalogue_services
from tests.conftest import Org
from tests.data.imports import csv_file, xlsx_file
from tests.test_learning_catalogue import make_item

pytestmark = pytest.mark.django_db

HEADER = [
    "code",
    "title",
    "kind",
    "description",
    "url",
    "provider",
    "format",
    "language",
    "duration_hours",
    "cost",
    "requires_approval",
    "skills",
    "prerequisites",
]


def table(rows: list[list[object]], header: list[str] = HEADER, name: str = "catalogue.csv"):  # type: ignore[no-untyped-def]
    return read_table(csv_file([header, *rows]), name)


GOOD = [
    [
        "K8S-101",
        "Kubernetes basics",
        "course",
        "Free intro",
        "https://k8s.example/intro",
        "CNCF",
        "self-paced",
        "en",
        "3",
        "free",
        "no",
        "k8s:2",
        "",
    ],
    [
        "K8S-201",
        "Kubernetes in production",
        "Workshop or class",
        "",
        "",
        "CNCF",
        "in person",
        "de",
        "16",
        "1200,50",
        "yes",
        "Kubernetes:4; Python:2",
        "K8S-101; skill:Python:2",
    ],
    [
        "",
        "Read the release notes",
        "reading",
        "",
        "",
        "",
        "",
        "",
        "0.5",
        "0",
        "",
        "Kubernetes:1",
        "Kubernetes basics",
    ],
]


def issues(preview):  # type: ignore[no-untyped-def]
    return [(row, issue.where, issue.text) for row, issue in preview.issues()]


def test_a_clean_file_creates_items_with_skills_and_prerequisites(org: Org) -> None:
    preview = commit_catalogue(table=table(GOOD), actor=org.user("admin"))
    assert preview.counts == {"created": 3, "updated": 0, "unchanged": 0, "error": 0}
    basics = LearningItem.objects.get(code="K8S-101")
    assert (basics.kind, basics.format, basics.cost, basics.is_free) == (
        Kind.ELEARNING,
        "self_paced",
        Decimal(0),
        True,
    )
    prod = LearningItem.objects.get(code="K8S-201")
    assert (prod.kind, prod.format, prod.language, prod.cost, prod.requires_approval) == (
        Kind.WORKSHOP,
        "in_person",
        "de",
        Decimal("1200.50"),
        True,
    )
    assert {(s.skill.name, s.level) for s in prod.skills.all()} == {
        ("Kubernetes", 4),
        ("Python", 2),
    }
    assert {
        (p.requires_item_id, p.requires_skill and p.requires_skill.name, p.requires_level)
        for p in prod.prerequisites.all()
    } == {(basics.pk, None, None), (None, "Python", 2)}
    notes = LearningItem.objects.get(title="Read the release notes")
    assert (notes.code, notes.format, notes.language) == (None, "online", "en")  # defaults
    assert notes.prerequisites.get().requires_item == basics  # by title
    assert AuditLog.objects.filter(action="learning.catalogue.import").count() == 1


def test_importing_the_same_file_again_changes_nothing(org: Org) -> None:
    commit_catalogue(table=table(GOOD), actor=org.user("admin"))
    again = validate_catalogue(table(GOOD))
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 3, "error": 0}
    commit_catalogue(table=table(GOOD), actor=org.user("admin"))
    assert LearningItem.objects.count() == 3 and Prerequisite.objects.count() == 3


def test_match_by_code_else_title_and_provider_and_blank_cells_keep(org: Org) -> None:
    by_code = make_item(org, "Old title", code="DOCK-1", cost="99", description="Keep me")
    by_title = make_item(org, "Git in depth", provider="Acme", cost="10")
    rows = [
        ["dock-1", "Docker deep dive", "", "", "", "", "", "", "", "0", "", "", ""],
        ["", "GIT IN DEPTH", "", "", "", "Acme", "", "", "", "", "yes", "", ""],
        ["", "Git in depth", "reading", "", "", "Other press", "", "", "", "", "", "", ""],
    ]
    preview = commit_catalogue(table=table(rows), actor=org.user("admin"))
    assert [r.outcome for r in preview.rows] == [Outcome.UPDATED, Outcome.UPDATED, Outcome.CREATED]
    by_code.refresh_from_db()
    assert (by_code.title, by_code.cost, by_code.description) == ("Docker deep dive", 0, "Keep me")
    by_title.refresh_from_db()
    assert (by_title.title, by_title.requires_approval, by_title.cost) == ("GIT IN DEPTH", True, 10)
    assert LearningItem.objects.filter(title__iexact="git in depth").count() == 2


def test_a_dash_empties_skills_and_prerequisites_a_missing_column_keeps_them(org: Org) -> None:
    base = make_item(org, "Base", code="B")
    item = make_item(org, "Top", code="T", skills=[("Python", 2)])
    catalogue_services.add_prerequisite(actor=org.user("admin"), item=item, requires_item=base)
    commit_catalogue(table=table([["T", "Top"]], header=["code", "title"]), actor=org.user("admin"))
    assert item.skills.count() == 1 and item.prerequisites.count() == 1
    commit_catalogue(
        table=table([["T", "Top", "-", "-"]], header=["code", "title", "skills", "prerequisites"]),
        actor=org.user("admin"),
    )
    assert item.skills.count() == 0 and item.prerequisites.count() == 0


def test_every_error_is_reported_with_row_and_column(org: Org) -> None:
    make_item(org, "Existing", code="EX-1", provider="Acme")
    rows = [
        ["A-1", "Podcast", "podcast", "", "", "", "", "", "", "", "", "", ""],  # 2: kind
        ["A-2", "No kind", "", "", "", "", "", "", "", "", "", "", ""],  # 3: kind missing
        [
            "A-3",
            "Bad values",
            "reading",
            "",
            "ftp://x",
            "",
            "VR",
            "english",
            "-2",
            "cheap",
            "maybe",
            "",
            "",
        ],
        [
            "A-4",
            "Bad skills",
            "reading",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "Cobol:2; Python:9; Python",
            "",
        ],
        [
            "A-5",
            "Bad prerequisites",
            "reading",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "NOPE; skill:Cobol:2",
        ],
        ["A-1", "Same code", "reading", "", "", "", "", "", "", "", "", "", ""],  # 7: duplicate
        ["NEW", "Existing", "reading", "", "", "Acme", "", "", "", "", "", "", ""],  # 8: code clash
        ["", "", "reading", "", "", "", "", "", "", "", "", "", ""],  # 9: no title
    ]
    found = issues(validate_catalogue(table(rows)))
    expected = [
        (2, "C (kind)", "“podcast” is not one of"),
        (3, "C (kind)", "A new item needs a kind"),
        (4, "E (url)", "http(s)"),
        (4, "G (format)", "“VR” is not one of"),
        (4, "H (language)", "code such as en"),
        (4, "I (duration_hours)", "zero or more"),
        (4, "J (cost)", "not a number"),
        (4, "K (requires_approval)", "not yes or no"),
        (5, "L (skills)", "Unknown skill “Cobol”"),
        (5, "L (skills)", "Level 9 is outside the scale"),
        (5, "L (skills)", "“Python” is not a skill with a level"),
        (6, "M (prerequisites)", "Unknown skill “Cobol”"),
        (6, "M (prerequisites)", "No item has the code or title “NOPE”"),
        (7, "A (code)", "also on row 2"),
        (8, "A (code)", "already in Seedbed with the code EX-1"),
        (9, "B (title)", "Title is required"),
    ]
    for row, where, text in expected:
        assert any(r == row and w == where and text in t for r, w, t in found), (
            row,
            where,
            text,
            found,
        )
    assert LearningItem.objects.count() == 1


def test_prerequisites_in_a_circle_are_an_error_naming_the_circle(org: Org) -> None:
    existing = make_item(org, "Existing", code="EX")
    first = make_item(org, "First", code="F")
    catalogue_services.add_prerequisite(actor=org.user("admin"), item=existing, requires_item=first)
    rows = [
        ["A", "Alpha", "reading", "B"],
        ["B", "Beta", "reading", "C"],
        ["C", "Gamma", "reading", "A"],
        ["F", "First", "reading", "EX"],  # Existing needs First (in Seedbed); First needs Existing
        ["D", "Delta", "reading", "D"],
    ]
    found = issues(
        validate_catalogue(table(rows, header=["code", "title", "kind", "prerequisites"]))
    )
    texts = {row: text for row, _where, text in found}
    assert "Alpha → Beta → Gamma → Alpha" in texts[2]
    assert "First → Existing → First" in texts[5]
    assert "its own prerequisite" in texts[6]
    assert all(where == "D (prerequisites)" for _r, where, _t in found)


def test_a_file_with_one_bad_row_imports_nothing(org: Org) -> None:
    rows = [*GOOD, ["X-1", "Broken", "reading", "", "", "", "", "", "", "", "", "Cobol:1", ""]]
    with pytest.raises(ImportHasErrors) as exc:
        commit_catalogue(table=table(rows), actor=org.user("admin"))
    assert exc.value.preview.error_count == 1
    assert not LearningItem.objects.exists() and not Prerequisite.objects.exists()


def test_other_column_names_and_xlsx(org: Org) -> None:
    data = xlsx_file(
        [
            ["Name", "Type", "Price", "Hours", "Link"],
            ["Clean code", "book", 0, 6.5, "https://b.example"],
        ]
    )
    preview = commit_catalogue(table=read_table(data, "c.xlsx"), actor=org.user("admin"))
    assert preview.counts["created"] == 1
    item = LearningItem.objects.get()
    assert (item.title, item.kind, item.duration_hours, item.url) == (
        "Clean code",
        Kind.READING,
        Decimal("6.5"),
        "https://b.example",
    )


def test_the_catalogue_export_imports_again_unchanged(org: Org, clients) -> None:  # type: ignore[no-untyped-def]
    commit_catalogue(table=table(GOOD), actor=org.user("admin"))
    make_item(org, "=2+2 formula title", provider="@evil")
    exported = clients["admin"].get(reverse("learning:catalogue"), {"export": "csv"}).content
    preview = validate_catalogue(read_table(exported, "export.csv"))
    assert preview.counts == {"created": 0, "updated": 0, "unchanged": 4, "error": 0}, issues(
        preview
    )
    assert any(
        "'active'" in n or "active" in n for n in preview.notes
    )  # the extra column is ignored


def test_upload_preview_and_commit_through_the_import_pages(
    org: Org,
    clients,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    admin = clients["admin"]
    upload = SimpleUploadedFile("catalogue.csv", csv_file([HEADER, *GOOD]), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("imports:start"), {"what": "catalogue", "file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.kind == "catalogue"
    assert job.status == ImportStatus.PREVIEWED and job.summary["created"] == 3
    page = admin.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Kubernetes in production (CNCF)" in page and "Skills the items develop: 4" in page
    assert not LearningItem.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(reverse("imports:job_commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and LearningItem.objects.count() == 3
    template = admin.get(reverse("imports:template", args=["catalogue"])).content.decode(
        "utf-8-sig"
    )
    assert template.splitlines()[0] == ",".join(HEADER)
    assert (
        clients["manager"].get(reverse("imports:template", args=["catalogue"])).status_code == 403
    )


def test_command_line_import(org: Org, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "catalogue.csv"
    path.write_bytes(csv_file([HEADER, *GOOD]))
    out = io.StringIO()
    call_command(
        "seedbed_import", "catalogue", str(path), "--dry-run", stdout=out, stderr=io.StringIO()
    )
    assert "catalogue: 3 created" in out.getvalue() and not LearningItem.objects.exists()
    call_command(
        "seedbed_import", "catalogue", str(path), stdout=io.StringIO(), stderr=io.StringIO()
    )
    assert LearningItem.objects.count() == 3
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_file([HEADER, ["", "X", "podcast"]]))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("seedbed_import", "catalogue", str(bad), stdout=out, stderr=io.StringIO())
    assert "row 2, column C (kind): “podcast” is not one of" in out.getvalue()
