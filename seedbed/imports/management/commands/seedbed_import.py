"""``seedbed import people|skills|esco|catalogue FILE [--dry-run] [--layout wide|long] [--source S]
[--occupations FILE] [--actor EMAIL]``

Steps:
1. read FILE (CSV or XLSX; for esco also the --occupations file) with the web import's reader;
2. validate every row against the database (a dry run), showing progress on stderr;
3. without --dry-run and with no errors: write everything in one transaction;
4. print the summary and every error as "row N, column C: message"; exit 1 on errors.
Runs synchronously (no worker needed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from seedbed.imports.parsing import Table, read_table
from seedbed.imports.preview import Preview
from seedbed.imports.services import ImportHasErrors, commit_table, validate_table
from seedbed.imports.services.skills import LAYOUTS
from seedbed.lib.errors import ServiceError
from seedbed.skills.models import Source

from ._common import acting_user, stderr_progress


class Command(BaseCommand):
    help = (
        "Import people, skill levels, ESCO skills/occupations or a learning catalogue from CSV or "
        "XLSX (all or nothing)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["people", "skills", "esco", "catalogue"])
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row and report; change nothing."
        )
        parser.add_argument(
            "--layout",
            choices=LAYOUTS,
            help="Skill levels: wide or long (default: detected from headers).",
        )
        parser.add_argument(
            "--format", dest="layout_alias", choices=LAYOUTS, help="Same as --layout."
        )
        parser.add_argument(
            "--source",
            choices=Source.values,
            default=Source.MANAGER.value,
            help="Skill levels: source of ratings without a source column.",
        )
        parser.add_argument(
            "--occupations",
            type=Path,
            help="ESCO: occupations_en.csv, imported as roles together with FILE's skills.",
        )
        parser.add_argument(
            "--actor",
            "--as",
            dest="actor",
            help="Email of the user recorded as importer (default: first admin).",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        kind = opts["kind"]
        occupations_path: Path | None = opts["occupations"]
        if occupations_path is not None and kind != "esco":
            raise CommandError("--occupations belongs to the esco import only.")
        if occupations_path is not None and not occupations_path.is_file():
            raise CommandError(f"No such file: {occupations_path}")
        layout = opts["layout"] or opts["layout_alias"] or ""
        actor = acting_user(opts["actor"], required=kind == "skills" and not opts["dry_run"])
        try:
            table = self._read(path)
            occupations = self._read(occupations_path) if occupations_path else None
            progress = stderr_progress("checking", self.stderr)
            if opts["dry_run"]:
                preview = validate_table(
                    table,
                    kind=kind,
                    layout=layout,
                    source=opts["source"],
                    actor=actor,
                    progress=progress,
                    occupations=occupations,
                )
            else:
                preview = commit_table(
                    table,
                    kind=kind,
                    layout=layout,
                    source=opts["source"],
                    actor=actor,
                    progress=progress,
                    occupations=occupations,
                )
        except ImportHasErrors as exc:
            self._report(exc.preview, dry_run=True)
            raise CommandError(exc.message) from exc
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self._report(preview, dry_run=opts["dry_run"])
        if not preview.ok:
            raise CommandError(f"{preview.error_count} row(s) have errors; nothing was imported.")
        if opts["dry_run"]:
            self.stdout.write("Dry run: nothing was changed.")
        else:
            self.stdout.write(self.style.SUCCESS("Imported."))

    def _read(self, path: Path) -> Table:
        table = read_table(path.read_bytes(), path.name)
        self.stderr.write(f"{path.name}: {table.description}, {len(table.rows):,} data rows")
        return table

    def _report(self, preview: Preview, *, dry_run: bool) -> None:
        for note in preview.notes:
            self.stdout.write(note)
        for result in preview.rows:
            for issue in result.issues:
                where = f", column {issue.where}" if issue.where else ""
                file = f"{result.file} " if result.file else ""
                self.stdout.write(f"{file}row {result.row}{where}: {issue.text}")
        counts = preview.summary()
        verb = "would be" if dry_run else "were"
        layout = f" ({preview.layout})" if preview.layout else ""
        parts = ", ".join(f"{value} {key.replace('_', ' ')}" for key, value in counts.items())
        self.stdout.write(f"{preview.kind}{layout}: {parts} ({verb} imported)")
