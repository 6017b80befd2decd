"""Import and export services. Topics live in submodules; this is the public surface.

- ``people``: validate_people / commit_people (upsert by email) and people_export_rows;
- ``skills``: validate_skills / commit_skills (wide or long layout);
- ``esco``: validate_esco / commit_esco (ESCO skills and occupations, upsert by concept URI);
- ``catalogue``: validate_catalogue / commit_catalogue (learning items, by code or title);
- ``jobs``: the upload -> dry run -> commit/discard lifecycle run by the task worker.
"""

from __future__ import annotations

from typing import Any

from seedbed.imports.services.catalogue import (
    CATALOGUE_COLUMNS,
    commit_catalogue,
    validate_catalogue,
)
from seedbed.imports.services.esco import commit_esco, validate_esco
from seedbed.imports.services.jobs import (
    commit_table,
    create_job,
    discard_job,
    request_commit,
    run_commit,
    run_validation,
    validate_table,
)
from seedbed.imports.services.people import (
    PEOPLE_COLUMNS,
    ImportHasErrors,
    commit_people,
    people_export_rows,
    validate_people,
)
from seedbed.imports.services.skills import (
    LONG_COLUMNS,
    commit_skills,
    detect_layout,
    validate_skills,
)
from seedbed.skills.models import Skill

TEMPLATES = ("people", "skills-wide", "skills-long", "catalogue")


def template_table(name: str) -> tuple[list[str], list[list[Any]]]:
    """Headers and one example row for a downloadable CSV template."""
    if name == "people":
        return list(PEOPLE_COLUMNS), [
            [
                "Ada Example",
                "ada@example.com",
                "Developer",
                "Platform",
                "Engineering",
                "grace@example.com",
                "Berlin",
                "Europe/Berlin",
                "en, de",
                "2024-03-01",
                "yes",
                "employee",
            ]
        ]
    if name == "catalogue":
        return list(CATALOGUE_COLUMNS), [
            [
                "K8S-101",
                "Kubernetes basics",
                "elearning",
                "Free introductory course",
                "https://kubernetes.io/docs/tutorials/",
                "Kubernetes project",
                "online",
                "en",
                "3",
                "0",
                "no",
                f"{skill_example()}:2",
                "",
            ]
        ]
    if name == "skills-wide":
        skills = list(
            Skill.objects.active().order_by("category__name", "name").values_list("name", flat=True)
        )
        return ["email", "name", *skills], [
            ["ada@example.com", "Ada Example", *(["3"] if skills else [])]
        ]
    return list(LONG_COLUMNS), [
        [
            "ada@example.com",
            skill_example(),
            "3",
            "manager",
            "2024-03-01",
            "Shipped the new CI pipeline",
        ]
    ]


def skill_example() -> str:
    return (
        Skill.objects.active().order_by("name").values_list("name", flat=True).first() or "Python"
    )


__all__ = [
    "PEOPLE_COLUMNS",
    "TEMPLATES",
    "ImportHasErrors",
    "commit_catalogue",
    "commit_esco",
    "commit_people",
    "commit_skills",
    "commit_table",
    "create_job",
    "detect_layout",
    "discard_job",
    "people_export_rows",
    "request_commit",
    "run_commit",
    "run_validation",
    "template_table",
    "validate_catalogue",
    "validate_esco",
    "validate_people",
    "validate_skills",
    "validate_table",
]
