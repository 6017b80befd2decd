"""``seedbed manage expert_evidence_rebuild``: rebuild the expert finder's read table of
evidence (``ExpertEvidence``) from articles and answers — after loading data in bulk or
restoring a backup made before the table existed. Services keep it in step otherwise."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from seedbed.knowledge.evidence import rebuild_evidence


class Command(BaseCommand):
    help = "Rebuild the expert finder's evidence table from articles and answers."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = rebuild_evidence()
        self.stdout.write(f"{rows} evidence rows written.")
