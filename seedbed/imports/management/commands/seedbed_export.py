"""``seedbed export people|matrix --format csv|xlsx -o FILE [--as EMAIL] [--team NAME]``

Steps:
1. pick the user whose view is exported (--as, default the first admin: everyone);
2. build the rows (people: the import's columns; matrix: ``team_matrix`` people by skills);
3. write CSV or XLSX with formula neutralisation (``seedbed.lib.spreadsheet``) to FILE or "-".
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from seedbed.imports.services import people_export_rows
from seedbed.lib.spreadsheet import csv_bytes, xlsx_bytes
from seedbed.people.models import Team
from seedbed.people.selectors import matrix_table, team_matrix

from ._common import acting_user


class Command(BaseCommand):
    help = "Export people or the skills matrix as CSV or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["people", "matrix"])
        parser.add_argument(
            "--format",
            choices=["csv", "xlsx"],
            default=None,
            help="Default: from the output file's extension, else csv.",
        )
        parser.add_argument("-o", "--output", required=True, help='Output file, or "-" for stdout.')
        parser.add_argument(
            "--as",
            dest="as_email",
            help="Export what this user may see (default: the first admin).",
        )
        parser.add_argument("--team", help="Matrix: only this team (by name).")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = acting_user(opts["as_email"], required=True)
        assert user is not None
        output: str = opts["output"]
        fmt = opts["format"] or ("xlsx" if output.lower().endswith(".xlsx") else "csv")
        if opts["what"] == "people":
            headers, rows = people_export_rows(user)
            title = "People"
        else:
            team_id = None
            if opts["team"]:
                team = Team.objects.filter(name__iexact=opts["team"].strip()).first()
                if team is None:
                    raise CommandError(f"No team named {opts['team']}.")
                team_id = team.pk
            matrix = team_matrix(user, team_id=team_id, people_limit=1_000_000)
            headers, rows = matrix_table(matrix)
            title = "Skills matrix"
        data = xlsx_bytes(headers, rows, title=title) if fmt == "xlsx" else csv_bytes(headers, rows)
        if output == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            Path(output).write_bytes(data)
            self.stderr.write(f"{len(rows):,} rows written to {output} ({fmt})")
