"""Learning catalogue import: items (free and low-cost resources first of all) from CSV/XLSX.

Rules, also shown on the import page:

- Columns: ``code``, ``title`` (required), ``kind``, ``description``, ``url``, ``provider``,
  ``format``, ``language``, ``duration_hours``, ``cost``, ``requires_approval``, ``skills``,
  ``prerequisites`` (also found under common other names, e.g. ``name``, ``link``, ``price``).
- **Matching**: by ``code`` (ignoring case), else by ``title`` (ignoring case) and ``provider``.
  A row that matches no item creates one; ``kind`` is required for new items.
- **Blank cells keep** what an existing item has (a new item takes the default: online, en,
  1 hour, free, no approval). Columns left out of the file change nothing.
- ``skills``: ``Kubernetes:3; Docker:2`` (a skill's name or alias, and the level the item
  brings a learner to) replaces the item's skills; ``-`` removes them all.
- ``prerequisites``: item codes or titles (of Seedbed's items or of other rows of the file) and
  ``skill:Docker:3`` for a skill at a level, separated by semicolons; replaces the item's
  prerequisites; ``-`` removes them. Prerequisites that would go round in a circle are an
  error naming the circle.
- Every problem is reported with its row and column; the commit is all or nothing, and importing
  the same file again changes nothing (every row *unchanged*).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from seedbed.accounts.services import audit
from seedbed.imports.parsing import Column, Table, map_columns
from seedbed.imports.preview import Outcome, Preview, RowResult, as_text, parse_bool, parse_level
from seedbed.imports.services.people import PROGRESS_EVERY, ImportHasErrors, Progress
from seedbed.imports.services.skills import SkillIndex
from seedbed.learning.models import Format, ItemSkill, Kind, LearningItem, Prerequisite
from seedbed.learning.services.catalogue import clean_item_data, cycle_message, split_skill_levels
from seedbed.lib.errors import ServiceError
from seedbed.search.index import schedule_index

if TYPE_CHECKING:
    from seedbed.accounts.models import User

CATALOGUE_COLUMNS = (
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
)
CATALOGUE_REQUIRED = ("title",)
CATALOGUE_ALIASES = {
    "id": "code",
    "reference": "code",
    "ref": "code",
    "name": "title",
    "course": "title",
    "titel": "title",
    "type": "kind",
    "art": "kind",
    "summary": "description",
    "beschreibung": "description",
    "link": "url",
    "website": "url",
    "vendor": "provider",
    "source": "provider",
    "anbieter": "provider",
    "mode": "format",
    "delivery": "format",
    "lang": "language",
    "sprache": "language",
    "hours": "duration_hours",
    "duration": "duration_hours",
    "dauer": "duration_hours",
    "price": "cost",
    "preis": "cost",
    "kosten": "cost",
    "approval": "requires_approval",
    "needs_approval": "requires_approval",
    "skill": "skills",
    "develops": "skills",
    "prerequisite": "prerequisites",
    "requires": "prerequisites",
    "voraussetzungen": "prerequisites",
}
# Words people write for each kind and format (besides the values and their labels).
KIND_WORDS: dict[str, str] = {
    "e-learning": Kind.ELEARNING,
    "online course": Kind.ELEARNING,
    "course": Kind.ELEARNING,
    "mooc": Kind.ELEARNING,
    "video": Kind.ELEARNING,
    "class": Kind.WORKSHOP,
    "training": Kind.WORKSHOP,
    "seminar": Kind.WORKSHOP,
    "on the job": Kind.ON_THE_JOB,
    "on-the-job": Kind.ON_THE_JOB,
    "task": Kind.ON_THE_JOB,
    "stretch assignment": Kind.ON_THE_JOB,
    "book": Kind.READING,
    "article": Kind.READING,
    "shadowing": Kind.MENTORING,
    "coaching": Kind.MENTORING,
    "external training": Kind.EXTERNAL,
    "certification course": Kind.EXTERNAL,
    "event": Kind.CONFERENCE,
    "meetup": Kind.CONFERENCE,
}
FORMAT_WORDS: dict[str, str] = {
    "in person": Format.IN_PERSON,
    "in-person": Format.IN_PERSON,
    "onsite": Format.IN_PERSON,
    "on-site": Format.IN_PERSON,
    "classroom": Format.IN_PERSON,
    "hybrid": Format.BLENDED,
    "self paced": Format.SELF_PACED,
    "self-paced": Format.SELF_PACED,
    "virtual": Format.ONLINE,
    "remote": Format.ONLINE,
}
CLEAR = "-"
_SPLIT = re.compile(r"[;\n]")
# Item fields a row may set, with the value a new item takes when the cell is blank.
_DEFAULTS: dict[str, Any] = {
    "code": None,
    "description": "",
    "url": "",
    "provider": "",
    "format": Format.ONLINE,
    "language": "en",
    "duration_hours": Decimal("1.0"),
    "cost": Decimal("0.00"),
    "requires_approval": False,
}

Node = tuple[str, int]  # ("item", id) for Seedbed's items, ("row", number) for new rows


def _choice(value: Any, choices: type[Kind] | type[Format], words: dict[str, str]) -> str:
    text = " ".join(str(value).split()).lower()
    by_label = {str(label).lower(): v for v, label in choices.choices}
    for candidate in (text, text.replace(" ", "_"), text.replace("-", "_")):
        if candidate in choices.values:
            return candidate
    if text in by_label:
        return by_label[text]
    if text in words:
        return words[text]
    raise ValueError(
        _("“%(value)s” is not one of: %(allowed)s.")
        % {"value": value, "allowed": ", ".join(choices.values)}
    )


@dataclass(slots=True)
class _Existing:
    """Seedbed's catalogue, loaded once: items, their skills and prerequisites."""

    items: dict[int, dict[str, Any]]
    by_code: dict[str, int]
    by_title_provider: dict[tuple[str, str], int]
    by_title: dict[str, list[int]]
    skills: dict[int, dict[int, int]]
    item_prereqs: dict[int, set[int]]
    skill_prereqs: dict[int, dict[int, int]]

    @classmethod
    def load(cls) -> _Existing:
        items: dict[int, dict[str, Any]] = {}
        by_code: dict[str, int] = {}
        by_tp: dict[tuple[str, str], int] = {}
        by_title: dict[str, list[int]] = defaultdict(list)
        for row in LearningItem.objects.values("id", "title", "kind", *_DEFAULTS):
            items[row["id"]] = row
            if row["code"]:
                by_code[row["code"].lower()] = row["id"]
            by_tp[(row["title"].lower(), row["provider"])] = row["id"]
            by_title[row["title"].lower()].append(row["id"])
        skills: dict[int, dict[int, int]] = defaultdict(dict)
        for item_id, skill_id, level in ItemSkill.objects.values_list(
            "item_id", "skill_id", "level"
        ):
            skills[item_id][skill_id] = level
        item_prereqs: dict[int, set[int]] = defaultdict(set)
        skill_prereqs: dict[int, dict[int, int]] = defaultdict(dict)
        for item_id, req_item, req_skill, req_level in Prerequisite.objects.values_list(
            "item_id", "requires_item_id", "requires_skill_id", "requires_level"
        ):
            if req_item is not None:
                item_prereqs[item_id].add(req_item)
            elif req_skill is not None and req_level is not None:
                skill_prereqs[item_id][req_skill] = req_level
        return cls(items, by_code, by_tp, dict(by_title), skills, item_prereqs, skill_prereqs)


@dataclass(slots=True)
class _Row:
    result: RowResult
    title: str
    provider: str
    code: str | None
    fields: dict[str, Any]
    item_id: int | None = None
    skills: dict[int, int] | None = None  # None: keep
    prereq_refs: list[str] | None = None  # None: keep
    prereq_skills: dict[int, int] = field(default_factory=dict)
    prereq_items: set[Node] = field(default_factory=set)

    @property
    def node(self) -> Node:
        return ("item", self.item_id) if self.item_id is not None else ("row", self.result.row)


@dataclass(slots=True)
class CataloguePlan:
    """What the commit writes: the clean rows of the preview (not serialised)."""

    rows: list[_Row]
    existing: _Existing


def validate_catalogue(table: Table, *, progress: Progress | None = None) -> Preview:
    """Dry run of a catalogue import: every row's outcome and problems. Writes nothing."""
    cols, ignored = map_columns(table, CATALOGUE_COLUMNS, CATALOGUE_ALIASES, CATALOGUE_REQUIRED)
    preview = Preview(kind="catalogue")
    if ignored:
        preview.notes.append(
            _("Ignored columns: %(cols)s.")
            % {"cols": ", ".join(f"{c.letter} ({c.title})" for c in ignored)}
        )
    existing = _Existing.load()
    index = SkillIndex.load()
    rows: list[_Row] = []
    total = len(table.rows)
    for i, (number, values) in enumerate(table.rows, start=1):
        if progress and i % PROGRESS_EVERY == 0:
            progress(i, total)
        result = RowResult(row=number)
        preview.rows.append(result)
        row = _read_row(result, values, cols, index, existing)
        if row is not None:
            rows.append(row)
    _check_duplicates(rows, cols)
    _resolve_prerequisites(rows, cols, existing)
    _check_cycles(rows, cols, existing)
    for row in rows:
        if row.result.ok:
            row.result.outcome = _outcome(row, existing)
    preview.sort_issues()
    if progress:
        progress(total, total)
    clean = [r for r in rows if r.result.ok]
    preview.plan = CataloguePlan(clean, existing)
    preview.extra = {
        "item_skills": sum(len(r.skills or {}) for r in clean),
        "prerequisites": sum(len(r.prereq_items) + len(r.prereq_skills) for r in clean),
    }
    return preview


def _read_row(
    result: RowResult,
    values: list[Any],
    cols: dict[str, Column],
    index: SkillIndex,
    existing: _Existing,
) -> _Row | None:
    def cell(key: str) -> Any:
        return values[cols[key].index] if key in cols else None

    title = provider = ""
    code: str | None = None
    try:
        title = as_text(cell("title"), max_length=200)
        if not title:
            result.error(_("Title is required."), cols["title"])
    except ValueError as exc:
        result.error(str(exc), cols["title"])
    for key, limit in (("provider", 200), ("code", 64)):
        if key in cols:
            try:
                text = as_text(cell(key), max_length=limit)
            except ValueError as exc:
                result.error(str(exc), cols[key])
                continue
            if key == "provider":
                provider = text
            else:
                code = text or None
    result.label = title + (f" ({provider})" if provider else "")
    fields: dict[str, Any] = {"provider": provider} if "provider" in cols else {}
    kind_refused = False
    for key in ("kind", "format"):
        raw = cell(key)
        if raw is None:
            continue
        try:
            fields[key] = _choice(
                raw,
                Kind if key == "kind" else Format,
                KIND_WORDS if key == "kind" else FORMAT_WORDS,
            )
        except ValueError as exc:
            result.error(str(exc), cols[key])
            kind_refused = kind_refused or key == "kind"
    for key in ("description", "url", "language", "duration_hours", "cost"):
        raw = cell(key)
        if raw is None:
            continue
        try:
            value = clean_item_data({key: raw}, LearningItem())[key]
        except ServiceError as exc:
            result.error(exc.message, cols[key])
            continue
        fields[key] = value
    if cell("requires_approval") is not None:
        try:
            fields["requires_approval"] = parse_bool(cell("requires_approval"))
        except ValueError as exc:
            result.error(str(exc), cols["requires_approval"])
    row = _Row(result, title, provider, code, fields)
    _match(row, cols, existing)
    if row.item_id is None and "kind" not in fields and not kind_refused:
        result.error(
            _("A new item needs a kind: %(kinds)s.") % {"kinds": ", ".join(Kind.values)},
            cols.get("kind") or cols["title"],
        )
    row.skills = _skills(result, cell("skills"), cols.get("skills"), index)
    raw_pre = cell("prerequisites")
    if raw_pre is not None:
        row.prereq_refs = [] if str(raw_pre).strip() == CLEAR else _tokens(raw_pre)
        row.prereq_skills = _skill_prereqs(result, row.prereq_refs, cols["prerequisites"], index)
    details = [fields.get("kind") or ""]
    if row.skills:
        details.append(", ".join(f"{index.skills[s][0]} {lvl}" for s, lvl in row.skills.items()))
    result.detail = " · ".join(d for d in details if d)
    return row if title else None


def _match(row: _Row, cols: dict[str, Column], existing: _Existing) -> None:
    """Find the item the row describes: by code, else by title and provider."""
    result = row.result
    by_pair = existing.by_title_provider.get((row.title.lower(), row.provider))
    if row.code:
        found = existing.by_code.get(row.code.lower())
        if found is not None:
            row.item_id = found
            if by_pair is not None and by_pair != found:
                result.error(
                    _(
                        "Another item (code %(code)s) is already called “%(title)s” by this "
                        "provider: change the title or the provider."
                    )
                    % {"code": existing.items[by_pair]["code"] or "–", "title": row.title},
                    cols["title"],
                )
            return
    if by_pair is not None:
        other_code = existing.items[by_pair]["code"]
        if row.code and other_code and other_code.lower() != row.code.lower():
            result.error(
                _(
                    "“%(title)s” is already in Seedbed with the code %(other)s: use that code, "
                    "or another title."
                )
                % {"title": row.title, "other": other_code},
                cols["code"],
            )
            return
        row.item_id = by_pair


def _tokens(raw: Any) -> list[str]:
    return [t for t in (" ".join(p.split()) for p in _SPLIT.split(str(raw))) if t]


def _skills(
    result: RowResult, raw: Any, col: Column | None, index: SkillIndex
) -> dict[int, int] | None:
    if raw is None or col is None:
        return None
    if str(raw).strip() == CLEAR:
        return {}
    pairs: list[tuple[str, int]] = []
    for entry in _tokens(raw):  # each entry on its own, so every bad one is reported
        try:
            pairs += split_skill_levels(entry)
        except ValueError as exc:
            result.error(str(exc), col)
    found: dict[int, int] = {}
    for name, level in pairs:
        try:
            sid = index.find(name)
            index.check_level(sid, level)
        except ValueError as exc:
            result.error(str(exc), col)
            continue
        if level < 1:
            result.error(
                _("%(skill)s: an item brings a learner to level 1 or higher.") % {"skill": name},
                col,
            )
        elif sid in found:
            result.error(_("%(skill)s is listed twice.") % {"skill": index.skills[sid][0]}, col)
        else:
            found[sid] = level
    return found


def _skill_prereqs(
    result: RowResult, refs: list[str], col: Column, index: SkillIndex
) -> dict[int, int]:
    """The ``skill:Name:level`` entries (removed from ``refs``, which keeps item references)."""
    found: dict[int, int] = {}
    for ref in list(refs):
        if not ref.lower().startswith("skill:"):
            continue
        refs.remove(ref)
        name, _sep, level_text = ref[len("skill:") :].rpartition(":")
        try:
            if not name.strip():
                raise ValueError(
                    _("“%(ref)s”: write skill:name:level, e.g. skill:Docker:3.") % {"ref": ref}
                )
            sid = index.find(name)
            level = parse_level(level_text)
            index.check_level(sid, level)
        except ValueError as exc:
            result.error(str(exc), col)
            continue
        if sid in found:
            result.error(_("%(skill)s is listed twice.") % {"skill": index.skills[sid][0]}, col)
        found[sid] = level
    return found


def _check_duplicates(rows: list[_Row], cols: dict[str, Column]) -> None:
    seen_items: dict[int, int] = {}
    seen_codes: dict[str, int] = {}
    seen_pairs: dict[tuple[str, str], int] = {}
    for row in rows:
        number = row.result.row
        if row.item_id is not None:
            first = seen_items.setdefault(row.item_id, number)
            if first != number:
                row.result.error(
                    _("The same item as row %(row)s.") % {"row": first},
                    cols.get("code") or cols["title"],
                )
                continue
        if row.code:
            first = seen_codes.setdefault(row.code.lower(), number)
            if first != number:
                row.result.error(
                    _("The code %(code)s is also on row %(row)s.")
                    % {"code": row.code, "row": first},
                    cols["code"],
                )
                continue
        pair = (row.title.lower(), row.provider)
        first = seen_pairs.setdefault(pair, number)
        if first != number:
            row.result.error(
                _("“%(title)s” by the same provider is also on row %(row)s.")
                % {"title": row.title, "row": first},
                cols["title"],
            )


def _resolve_prerequisites(rows: list[_Row], cols: dict[str, Column], existing: _Existing) -> None:
    """Turn item references (code or title, in the file or in Seedbed) into graph nodes."""
    file_codes = {r.code.lower(): r for r in rows if r.code}
    file_titles: dict[str, list[_Row]] = defaultdict(list)
    for r in rows:
        file_titles[r.title.lower()].append(r)
    for row in rows:
        if not row.prereq_refs:
            continue
        col = cols["prerequisites"]
        for ref in row.prereq_refs:
            key = ref.lower()
            node: Node | None = None
            if key in file_codes:
                node = file_codes[key].node
            elif key in existing.by_code:
                node = ("item", existing.by_code[key])
            else:
                titled = {r.node for r in file_titles.get(key, [])} | {
                    ("item", i) for i in existing.by_title.get(key, [])
                }
                if len(titled) > 1:
                    row.result.error(
                        _("Several items are called “%(ref)s”: use the code.") % {"ref": ref}, col
                    )
                    continue
                node = next(iter(titled), None)
            if node is None:
                row.result.error(
                    _(
                        "No item has the code or title “%(ref)s” (in Seedbed or in this file). "
                        "For a skill write skill:%(ref)s:level."
                    )
                    % {"ref": ref},
                    col,
                )
            elif node == row.node:
                row.result.error(_("An item cannot be its own prerequisite."), col)
            else:
                row.prereq_items.add(node)


def _check_cycles(rows: list[_Row], cols: dict[str, Column], existing: _Existing) -> None:
    """Refuse prerequisites that would go round in a circle (in the graph after the import)."""
    from seedbed.learning.services.catalogue import find_path

    graph: dict[Node, set[Node]] = {
        ("item", i): {("item", r) for r in reqs} for i, reqs in existing.item_prereqs.items()
    }
    by_node = {r.node: r for r in rows}
    for row in rows:
        if row.prereq_refs is not None:
            graph[row.node] = set(row.prereq_items)
    ids = {n: k for k, n in enumerate(graph.keys() | {x for v in graph.values() for x in v})}
    numbered = {ids[n]: {ids[x] for x in v} for n, v in graph.items()}
    nodes = {k: n for n, k in ids.items()}

    def title(node: Node) -> str:
        if node in by_node:
            return by_node[node].title
        return str(existing.items[node[1]]["title"])

    for row in rows:
        if row.prereq_refs is None or not row.result.ok:
            continue
        for required in sorted(row.prereq_items):
            path = find_path(numbered, ids[required], ids[row.node])
            if path is not None:
                cycle = [title(row.node), *(title(nodes[k]) for k in path)]
                row.result.error(cycle_message(cycle), cols["prerequisites"])
                break


def _outcome(row: _Row, existing: _Existing) -> str:
    if row.item_id is None:
        return Outcome.CREATED
    current = existing.items[row.item_id]
    wanted = {"title": row.title, **row.fields}
    if row.code:
        wanted["code"] = row.code
    changed = any(current.get(k) != v for k, v in wanted.items())
    if row.skills is not None and row.skills != existing.skills.get(row.item_id, {}):
        changed = True
    if row.prereq_refs is not None:
        items = {n[1] for n in row.prereq_items if n[0] == "item"}
        if any(n[0] == "row" for n in row.prereq_items):
            changed = True
        if items != existing.item_prereqs.get(row.item_id, set()):
            changed = True
        if row.prereq_skills != existing.skill_prereqs.get(row.item_id, {}):
            changed = True
    return Outcome.UPDATED if changed else Outcome.UNCHANGED


@transaction.atomic
def commit_catalogue(
    *, table: Table, actor: User | None, progress: Progress | None = None
) -> Preview:
    """Validate against the current catalogue and, if every row is clean, write all of it in
    one transaction: items first, then their skills and prerequisites. Raises ImportHasErrors
    (nothing written) otherwise."""
    preview = validate_catalogue(table, progress=progress)
    if not preview.ok:
        raise ImportHasErrors(preview)
    plan: CataloguePlan = preview.plan
    changed = [r for r in plan.rows if r.result.outcome != Outcome.UNCHANGED]
    ids: dict[Node, int] = {}
    for row in plan.rows:
        if row.item_id is not None:
            ids[row.node] = row.item_id
    for row in changed:
        data = {"title": row.title, **row.fields}
        if row.code:
            data["code"] = row.code
        if row.item_id is None:
            item = LearningItem.objects.create(**{**_DEFAULTS, **data})
            ids[row.node] = item.pk
        else:
            LearningItem.objects.filter(pk=row.item_id).update(**data)
    for row in changed:
        item_id = ids[row.node]
        if row.skills is not None:
            ItemSkill.objects.filter(item_id=item_id).delete()
            ItemSkill.objects.bulk_create(
                [ItemSkill(item_id=item_id, skill_id=s, level=lvl) for s, lvl in row.skills.items()]
            )
        if row.prereq_refs is not None:
            Prerequisite.objects.filter(item_id=item_id).delete()
            Prerequisite.objects.bulk_create(
                [
                    Prerequisite(item_id=item_id, requires_item_id=ids[n])
                    for n in sorted(row.prereq_items)
                ]
                + [
                    Prerequisite(item_id=item_id, requires_skill_id=s, requires_level=lvl)
                    for s, lvl in row.prereq_skills.items()
                ]
            )
    schedule_index("learning_item", [ids[row.node] for row in changed])
    counts = preview.counts
    audit(
        actor=actor,
        action="learning.catalogue.import",
        summary=(
            f"Learning catalogue imported from {table.name or 'a file'}: {counts['created']} new, "
            f"{counts['updated']} updated, {counts['unchanged']} unchanged"
        ),
        changes={k: counts[k] for k in ("created", "updated", "unchanged")},
    )
    return preview
