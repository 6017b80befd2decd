"""The OpenAPI document names each schema after its class; two different classes with the
same name silently become one component, and the document then describes one of the two
endpoints wrongly. Every schema class of Seedbed's API must have its own name."""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel

from seedbed.config.api import api


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found.add(sub)
        found |= _subclasses(sub)
    return found


def test_every_api_schema_class_has_its_own_name() -> None:
    api.get_openapi_schema()  # imports every router and its schemas
    by_name: dict[str, set[str]] = defaultdict(set)
    for cls in _subclasses(BaseModel):
        if cls.__module__.startswith("seedbed.") and not cls.__name__.startswith("_"):
            by_name[cls.__name__].add(cls.__module__)
    clashes = {name: sorted(mods) for name, mods in by_name.items() if len(mods) > 1}
    assert clashes == {}
