"""ESCO import: skills (and optionally occupations, as roles) from the official ESCO CSV download.

The files are ESCO's ``skills_en.csv`` and ``occupations_en.csv`` (CSV or XLSX; the columns are
found by name, in any order). Rules, also shown on the import page:

- **Skills file**: ``conceptUri`` and ``preferredLabel`` are required. ``altLabels`` (one label
  per line inside the cell) become aliases; ``description`` (else ``definition``) the
  description. ``skillType`` and ``reuseLevel`` pick the category of a *new* skill under a
  top-level category "ESCO": Knowledge, Transversal skills, Cross-sector skills, Sector-specific
  skills, Occupation-specific skills, Other skills (created on first use).
- **Occupations file** (optional): ``conceptUri`` and ``preferredLabel`` required; each
  occupation becomes a role (name, description). ESCO's skill relations are not imported.
  Uploaded alone, an occupations file (recognised by its ``iscoGroup`` column or its
  ``conceptType``) imports only roles.
- **Matching** is by URI (``external_id``) first: a skill or role with the row's URI takes ESCO's
  name (unless the two differ only in case: Seedbed's spelling stays) and, when ESCO has one,
  its description; aliases are merged (Seedbed's are kept, ESCO's
  added, duplicates ignoring case dropped, at most 50); the category is left where an admin put
  it. Without a URI match, a skill or role with the same name (ignoring case) and no external id
  is *linked*: it gets the URI and is updated as above. One with the same name and another
  external id is a conflict: that row is an error.
- A rename that would take the name of another skill or role is an error (rename one of them
  first). The same URI or name twice in a file is an error on the later row.
- Rows whose ``status`` is set and is not ``released`` (ESCO's drafts or obsolete concepts) are
  **skipped**, and counted in a note; nothing is ever deleted or archived by an import.
- Re-importing the same file changes nothing: every row is *unchanged*.

Validation reads the existing skills (and roles, and the ESCO categories) in one query each;
the commit writes with ``bulk_create``/``bulk_update`` in batches, filling ``search_text`` itself
(bulk writes bypass ``Skill.save``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seedbed.accounts.services import audit
from seedbed.frameworks.models import Role
from seedbed.imports.parsing import Column, FileRejected, Table, map_columns
from seedbed.imports.preview import Outcome, Preview, RowResult, as_text
from seedbed.imports.services.people import PROGRESS_EVERY, ImportHasErrors, Progress
from seedbed.search.index import schedule_reindex
from seedbed.skills.models import Skill, SkillCategory
from seedbed.skills.services import normalise_aliases

if TYPE_CHECKING:
    from seedbed.accounts.models import User

BATCH = 1000
SKILL_NAME_MAX = 200  # Skill.name
ROLE_NAME_MAX = 150  # Role.name
URI_MAX = 300  # external_id
DESCRIPTION_MAX = 10_000

ROOT_CATEGORY = "ESCO"
ROOT_DESCRIPTION = (
    "Skills imported from ESCO, the European classification of Skills, Competences, "
    "Qualifications and Occupations."
)
# Category key (from skillType / reuseLevel) -> name of the child category under "ESCO".
# Data, not UI text: the names must stay the same in every language so re-imports find them.
CATEGORIES = {
    "knowledge": "Knowledge",
    "transversal": "Transversal skills",
    "cross-sector": "Cross-sector skills",
    "sector-specific": "Sector-specific skills",
    "occupation-specific": "Occupation-specific skills",
    "other": "Other skills",
}

# Normalised header -> ESCO spelling (for messages).
REQUIRED = {"concepturi": "conceptUri", "preferredlabel": "preferredLabel"}
SKILL_COLUMNS = (
    "concepturi",
    "preferredlabel",
    "altlabels",
    "description",
    "definition",
    "skilltype",
    "reuselevel",
    "status",
)
OCCUPATION_COLUMNS = ("concepturi", "preferredlabel", "description", "definition", "status")
ALIASES = {
    "concept_uri": "concepturi",
    "uri": "concepturi",
    "preferred_label": "preferredlabel",
    "label": "preferredlabel",
    "name": "preferredlabel",
    "alt_labels": "altlabels",
    "aliases": "altlabels",
    "skill_type": "skilltype",
    "reuse_level": "reuselevel",
}
# ESCO columns Seedbed has no place for: read and ignored without a note.
_ESCO_UNUSED = frozenset(
    {
        "concepttype",
        "altlabels",  # occupations: roles have no aliases
        "hiddenlabels",
        "modifieddate",
        "scopenote",
        "inscheme",
        "iscogroup",
        "code",
        "regulatedprofessionnote",
        "naturalofprofession",
    }
)
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")
RELEASED = "released"


# --- recognising the files ---------------------------------------------------------------


def _concept_type(table: Table) -> str:
    col = table.column("concepttype")
    if col is None:
        return ""
    for _number, values in table.rows[:20]:
        if values[col.index] is not None:
            return str(values[col.index]).strip().lower()
    return ""


def looks_like_occupations(table: Table) -> bool:
    """ESCO's occupations file: an ``iscoGroup`` column or ``conceptType`` "Occupation"."""
    return "iscogroup" in table.keys or _concept_type(table) == "occupation"


def looks_like_skills(table: Table) -> bool:
    """ESCO's skills file: ``skillType``/``reuseLevel`` columns or a skill ``conceptType``."""
    keys = set(table.keys)
    return bool(keys & {"skilltype", "reuselevel"}) or _concept_type(table) in (
        "knowledgeskillcompetence",
        "skill",
    )


def _split(skills: Table | None, occupations: Table | None) -> tuple[Table | None, Table | None]:
    """Which table is which: an occupations file passed alone (as the main file) imports roles
    only; files passed the wrong way round are refused with a message that says so."""
    if skills is not None and occupations is None and looks_like_occupations(skills):
        return None, skills
    if skills is not None and looks_like_occupations(skills):
        raise FileRejected(
            _(
                "The skills file %(name)s looks like ESCO's occupations file (it has an "
                "iscoGroup column or occupation concepts). Choose skills_en.csv as the skills "
                "file."
            )
            % {"name": skills.name or "–"}
        )
    if occupations is not None and looks_like_skills(occupations):
        raise FileRejected(
            _(
                "The occupations file %(name)s looks like ESCO's skills file (it has skillType "
                "or reuseLevel columns). Choose occupations_en.csv as the occupations file."
            )
            % {"name": occupations.name or "–"}
        )
    if skills is None and occupations is None:
        raise FileRejected(_("Choose an ESCO skills or occupations file."))
    return skills, occupations


def _columns(table: Table, known: tuple[str, ...], preview: Preview) -> dict[str, Column]:
    cols, rest = map_columns(table, known, ALIASES, ())
    missing = [title for key, title in REQUIRED.items() if key not in cols]
    if missing:
        found = ", ".join(c.title for c in table.columns if c.key) or "–"
        raise FileRejected(
            _("%(file)s: missing required column(s): %(missing)s. Found: %(found)s.")
            % {"file": table.name or _("the file"), "missing": ", ".join(missing), "found": found}
        )
    ignored = [c for c in rest if c.key not in _ESCO_UNUSED]
    if ignored:
        preview.notes.append(
            _("%(file)s: ignored columns: %(cols)s.")
            % {
                "file": table.name or _("the file"),
                "cols": ", ".join(f"{c.letter} ({c.title})" for c in ignored),
            }
        )
    return cols


# --- what Seedbed holds now --------------------------------------------------------------


@dataclass(slots=True)
class _Record:
    pk: int
    name: str
    external_id: str | None
    description: str
    aliases: list[str]


@dataclass(slots=True)
class _Catalogue:
    """Existing skills (or roles) by external id and by lower-case name: one query."""

    by_uri: dict[str, _Record]
    by_name: dict[str, _Record]

    @classmethod
    def of(cls, records: list[_Record]) -> _Catalogue:
        return cls(
            {r.external_id: r for r in records if r.external_id},
            {r.name.lower(): r for r in records},
        )

    @classmethod
    def skills(cls) -> _Catalogue:
        return cls.of(
            [
                _Record(pk, name, ext, desc, list(aliases or []))
                for pk, name, ext, desc, aliases in Skill.objects.values_list(
                    "id", "name", "external_id", "description", "aliases"
                )
            ]
        )

    @classmethod
    def roles(cls) -> _Catalogue:
        return cls.of(
            [
                _Record(pk, name, ext, desc, [])
                for pk, name, ext, desc in Role.objects.values_list(
                    "id", "name", "external_id", "description"
                )
            ]
        )


def _category_ids() -> dict[str, int]:
    """Category key -> id of the ESCO categories that exist ("" for the root). One query."""
    rows = SkillCategory.objects.filter(
        Q(parent__isnull=True, name__iexact=ROOT_CATEGORY)
        | Q(parent__parent__isnull=True, parent__name__iexact=ROOT_CATEGORY)
    ).values_list("id", "name", "parent_id")
    roots = sorted(cid for cid, name, parent in rows if parent is None)
    if not roots:
        return {}
    root = roots[0]
    keys = {name.lower(): key for key, name in CATEGORIES.items()}
    found = {"": root}
    for cid, name, parent in rows:
        if parent == root and name.lower() in keys:
            found[keys[name.lower()]] = cid
    return found


# --- the plan ----------------------------------------------------------------------------


@dataclass(slots=True)
class _Write:
    """A skill or role to create (``pk`` None) or update, with its complete new values."""

    pk: int | None
    name: str
    external_id: str
    description: str
    aliases: list[str] = field(default_factory=list)
    category: str = ""


@dataclass(slots=True)
class EscoPlan:
    skills: list[_Write]
    roles: list[_Write]
    categories: dict[str, int]  # existing ESCO categories: key -> id
    new_categories: list[str]  # keys to create ("" = the root)


@dataclass(frozen=True, slots=True)
class _Spec:
    """What one file turns into."""

    what: str  # "skill" | "role"
    columns: tuple[str, ...]
    name_max: int


SKILLS = _Spec("skill", SKILL_COLUMNS, SKILL_NAME_MAX)
OCCUPATIONS = _Spec("role", OCCUPATION_COLUMNS, ROLE_NAME_MAX)


@dataclass(slots=True)
class _Counter:
    done: int
    total: int
    progress: Progress | None

    def tick(self) -> None:
        self.done += 1
        if self.progress and self.done % PROGRESS_EVERY == 0:
            self.progress(self.done, self.total)


def category_key(skill_type: Any, reuse_level: Any) -> str:
    """``knowledge`` for knowledge concepts, else the reuse level, else ``other``."""
    if skill_type is not None and str(skill_type).strip().lower() == "knowledge":
        return "knowledge"
    level = "" if reuse_level is None else "-".join(str(reuse_level).strip().lower().split())
    level = level.replace("_", "-")
    return level if level in CATEGORIES else "other"


def alt_labels(value: Any) -> list[str]:
    """ESCO puts one alternative label per line inside the cell."""
    if value is None:
        return []
    return normalise_aliases(str(value).splitlines())


def merge_aliases(existing: list[str], new: list[str], name: str) -> list[str]:
    """Seedbed's aliases first, then ESCO's; none equal to the name; deduplicated ignoring case
    and capped by ``normalise_aliases``."""
    key = name.lower()
    return normalise_aliases(a for a in [*existing, *new] if " ".join(a.split()).lower() != key)


# --- validation --------------------------------------------------------------------------


def validate_esco(
    skills: Table | None,
    *,
    occupations: Table | None = None,
    progress: Progress | None = None,
) -> Preview:
    """Dry run of an ESCO import: every row's outcome, every problem with its row and column.
    ``skills`` may be ESCO's occupations file when it comes alone. Writes nothing; reads the
    existing skills, roles and ESCO categories in one query each."""
    skills, occupations = _split(skills, occupations)
    preview = Preview(kind="esco")
    both = skills is not None and occupations is not None
    total = sum(len(t.rows) for t in (skills, occupations) if t is not None)
    counter = _Counter(0, total, progress)
    categories = _category_ids()
    done_skills, done_roles = _Checked(), _Checked()
    if skills is not None:
        cols = _columns(skills, SKILLS.columns, preview)
        done_skills = _check_file(skills, SKILLS, cols, _Catalogue.skills(), preview, counter, both)
    if occupations is not None:
        cols = _columns(occupations, OCCUPATIONS.columns, preview)
        done_roles = _check_file(
            occupations, OCCUPATIONS, cols, _Catalogue.roles(), preview, counter, both
        )
    preview.sort_issues()
    if progress:
        progress(total, total)
    needed = {w.category for w in done_skills.writes if w.pk is None}
    new_categories = [""] if needed and "" not in categories else []
    new_categories += [k for k in CATEGORIES if k in needed and k not in categories]
    skipped = done_skills.skipped + done_roles.skipped
    if skipped:
        preview.notes.append(
            ngettext(
                "%(n)s row was skipped because its status is not “released”.",
                "%(n)s rows were skipped because their status is not “released”.",
                skipped,
            )
            % {"n": skipped}
        )
    preview.extra = {
        "skills_created": done_skills.created,
        "skills_updated": len(done_skills.writes) - done_skills.created,
        "roles_created": done_roles.created,
        "roles_updated": len(done_roles.writes) - done_roles.created,
        "linked": done_skills.linked + done_roles.linked,
        "categories_created": len(new_categories),
        "skipped": skipped,
    }
    preview.plan = EscoPlan(done_skills.writes, done_roles.writes, categories, new_categories)
    return preview


@dataclass(slots=True)
class _Checked:
    """One file's outcome: the writes of clean, changing rows, and a few counts."""

    writes: list[_Write] = field(default_factory=list)
    created: int = 0
    linked: int = 0
    skipped: int = 0  # rows whose status is not "released"


def _check_file(
    table: Table,
    spec: _Spec,
    cols: dict[str, Column],
    catalogue: _Catalogue,
    preview: Preview,
    counter: _Counter,
    both: bool,
) -> _Checked:
    """Check every row of one file against ``catalogue`` and the rows before it."""
    checked = _Checked()
    first_uri: dict[str, int] = {}
    first_name: dict[str, int] = {}

    def cell(values: list[Any], key: str) -> Any:
        col = cols.get(key)
        return values[col.index] if col is not None else None

    for number, values in table.rows:
        counter.tick()
        status = cell(values, "status")
        if status is not None and str(status).strip().lower() != RELEASED:
            checked.skipped += 1
            continue
        result = RowResult(row=number, file=table.name if both else "")
        preview.rows.append(result)
        uri = _uri(result, cell(values, "concepturi"), cols["concepturi"], first_uri)
        name = _name(result, cell(values, "preferredlabel"), cols["preferredlabel"], spec)
        result.label = name or uri or ""
        description = _description(result, values, cols)
        if name and name.lower() in first_name:
            result.error(
                _(
                    "Same preferredLabel as row %(row)s: names are unique ignoring case, so "
                    "one of the two rows must change."
                )
                % {"row": first_name[name.lower()]},
                cols["preferredlabel"],
            )
        elif name:
            first_name[name.lower()] = number
        if not result.ok or uri is None or name is None:
            continue
        is_skill = spec.what == "skill"
        aliases = alt_labels(cell(values, "altlabels")) if is_skill else []
        write, linked = _match(
            result, spec, catalogue, cols["preferredlabel"], uri, name, description, aliases
        )
        checked.linked += linked
        if write is None:
            continue
        if write.pk is None:
            if is_skill:
                write.category = category_key(cell(values, "skilltype"), cell(values, "reuselevel"))
            result.detail = _created_detail(spec, write.category, aliases)
            checked.created += 1
        checked.writes.append(write)
    return checked


def _uri(result: RowResult, raw: Any, col: Column, first_uri: dict[str, int]) -> str | None:
    if raw is None:
        result.error(_("conceptUri is required."), col)
        return None
    uri = str(raw).strip()
    if len(uri) > URI_MAX:
        result.error(
            _("Too long: at most %(n)s characters (this has %(len)s).")
            % {"n": URI_MAX, "len": len(uri)},
            col,
        )
        return None
    if not _URI.match(uri):
        result.error(
            _(
                "“%(value)s” is not a URI; conceptUri holds addresses such as "
                "http://data.europa.eu/esco/skill/…"
            )
            % {"value": uri[:100]},
            col,
        )
        return None
    if uri in first_uri:
        result.error(
            _("Same conceptUri as row %(row)s: each concept may appear only once.")
            % {"row": first_uri[uri]},
            col,
        )
        return None
    first_uri[uri] = result.row
    return uri


def _name(result: RowResult, raw: Any, col: Column, spec: _Spec) -> str | None:
    try:
        name = as_text(raw, max_length=spec.name_max)
    except ValueError as exc:
        result.error(str(exc), col)
        return None
    if not name:
        result.error(_("preferredLabel is required."), col)
        return None
    return name


def _description(result: RowResult, values: list[Any], cols: dict[str, Column]) -> str:
    for key in ("description", "definition"):
        col = cols.get(key)
        if col is None or values[col.index] is None:
            continue
        try:
            return as_text(values[col.index], max_length=DESCRIPTION_MAX)
        except ValueError as exc:
            result.error(str(exc), col)
            return ""
    return ""


def _match(
    result: RowResult,
    spec: _Spec,
    catalogue: _Catalogue,
    name_col: Column,
    uri: str,
    name: str,
    description: str,
    aliases: list[str],
) -> tuple[_Write | None, bool]:
    """Decide create / update / unchanged / conflict for one clean row. Returns the write
    (None when unchanged or in conflict) and whether the row links an existing one by name."""
    record = catalogue.by_uri.get(uri)
    same_name = catalogue.by_name.get(name.lower())
    linked = False
    if record is None and same_name is not None:
        if same_name.external_id:  # another URI: the same one would have matched above
            result.error(_conflict(spec, same_name), name_col)
            return None, False
        record, linked = same_name, True
    elif record is not None and same_name is not None and same_name.pk != record.pk:
        result.error(_rename_clash(spec, record, same_name), name_col)
        return None, False
    if record is None:
        result.outcome = Outcome.CREATED
        return _Write(None, name, uri, description, aliases), False
    # A name that differs only in case keeps Seedbed's spelling (ESCO writes labels in lower
    # case; an admin's "Python" should not become "python").
    if record.name.lower() == name.lower():
        name = record.name
    new_aliases = merge_aliases(record.aliases, aliases, name) if spec.what == "skill" else []
    new_description = description or record.description
    changes: list[str] = []
    if linked:
        changes.append(
            _("linked by name to the existing %(what)s “%(name)s”")
            % {"what": _what(spec), "name": record.name}
        )
    if record.name != name:
        changes.append(_("renamed from “%(old)s”") % {"old": record.name})
    if new_description != record.description:
        changes.append(_("new description"))
    if new_aliases != record.aliases:
        known = {a.lower() for a in record.aliases}
        added = sum(1 for a in new_aliases if a.lower() not in known)
        changes.append(
            ngettext("%(n)s alias added", "%(n)s aliases added", added) % {"n": added}
            if added
            else _("aliases tidied")
        )
    if not changes:
        result.outcome = Outcome.UNCHANGED
        return None, False
    result.outcome = Outcome.UPDATED
    result.detail = "; ".join(changes)
    return _Write(record.pk, name, uri, new_description, new_aliases), linked


def _what(spec: _Spec) -> str:
    return _("skill") if spec.what == "skill" else _("role")


def _conflict(spec: _Spec, other: _Record) -> str:
    if spec.what == "skill":
        text = _(
            "A skill named “%(name)s” already exists with another external id (%(ext)s). "
            "Rename one of them, or clear that skill's external id to link it to this concept."
        )
    else:
        text = _(
            "A role named “%(name)s” already exists with another external id (%(ext)s). "
            "Rename one of them, or clear that role's external id to link it to this concept."
        )
    return text % {"name": other.name, "ext": other.external_id}


def _rename_clash(spec: _Spec, record: _Record, other: _Record) -> str:
    if spec.what == "skill":
        text = _(
            "ESCO renames the skill “%(old)s” to “%(new)s”, but another skill already has "
            "that name. Rename or merge that skill first."
        )
    else:
        text = _(
            "ESCO renames the role “%(old)s” to “%(new)s”, but another role already has "
            "that name. Rename or merge that role first."
        )
    return text % {"old": record.name, "new": other.name}


def _created_detail(spec: _Spec, category: str, aliases: list[str]) -> str:
    if spec.what != "skill":
        return _("New role")
    n = len(aliases)
    return f"{ROOT_CATEGORY} › {CATEGORIES[category]} · " + ngettext(
        "%(n)s alias", "%(n)s aliases", n
    ) % {"n": n}


# --- commit ------------------------------------------------------------------------------


@transaction.atomic
def commit_esco(
    *,
    skills: Table | None,
    occupations: Table | None = None,
    actor: User | None,
    progress: Progress | None = None,
) -> Preview:
    """Validate against the current database and, if every row is clean, write everything in
    one transaction: missing ESCO categories, new skills and roles (``bulk_create``), changed
    ones (``bulk_update``), one audit entry. Raises ImportHasErrors (nothing written)
    otherwise."""
    preview = validate_esco(skills, occupations=occupations, progress=progress)
    if not preview.ok:
        raise ImportHasErrors(preview)
    plan: EscoPlan = preview.plan
    category_ids = _create_categories(plan)
    _write_skills(plan.skills, category_ids)
    _write_roles(plan.roles)
    schedule_reindex("skill")
    counts = preview.summary()
    names = " + ".join(t.name or "a file" for t in (skills, occupations) if t is not None)
    audit(
        actor=actor,
        action="import.esco",
        summary=(
            f"ESCO imported from {names}: {counts['created']} created, {counts['updated']} "
            f"updated ({counts['linked']} linked by name), {counts['unchanged']} unchanged, "
            f"{counts['skipped']} skipped"
        ),
        changes=counts,
    )
    return preview


def _create_categories(plan: EscoPlan) -> dict[str, int]:
    ids = dict(plan.categories)
    if "" in plan.new_categories:
        root = SkillCategory.objects.create(name=ROOT_CATEGORY, description=ROOT_DESCRIPTION)
        ids[""] = root.pk
    keys = [key for key in plan.new_categories if key]
    children = SkillCategory.objects.bulk_create(
        [SkillCategory(name=CATEGORIES[key], parent_id=ids[""]) for key in keys]
    )
    ids.update({key: child.pk for key, child in zip(keys, children, strict=True)})
    return ids


def _write_skills(writes: list[_Write], category_ids: dict[str, int]) -> None:
    new: list[Skill] = []
    changed: list[Skill] = []
    for w in writes:
        skill = Skill(
            pk=w.pk,
            name=w.name,
            external_id=w.external_id,
            description=w.description,
            aliases=w.aliases,
        )
        skill.search_text = skill.build_search_text()  # bulk writes bypass Skill.save()
        if w.pk is None:
            skill.category_id = category_ids[w.category]
            new.append(skill)
        else:
            changed.append(skill)
    Skill.objects.bulk_create(new, batch_size=BATCH)
    Skill.objects.bulk_update(
        changed,
        ["name", "external_id", "description", "aliases", "search_text"],
        batch_size=BATCH,
    )


def _write_roles(writes: list[_Write]) -> None:
    new = [
        Role(name=w.name, external_id=w.external_id, description=w.description)
        for w in writes
        if w.pk is None
    ]
    changed = [
        Role(pk=w.pk, name=w.name, external_id=w.external_id, description=w.description)
        for w in writes
        if w.pk is not None
    ]
    Role.objects.bulk_create(new, batch_size=BATCH)
    Role.objects.bulk_update(changed, ["name", "external_id", "description"], batch_size=BATCH)
