"""Skill levels import, in two layouts.

- **wide** (a matrix): one row per person with an ``email`` column, optional name/team/role
  columns (ignored), then one column per skill named by its name or an alias. An empty cell
  means no rating. Every rating gets the import's source (default: manager).
- **long**: one row per rating with ``email``, ``skill``, ``level`` and optional ``source``
  (default: the import's source), ``date`` and ``note``.

Re-importing a file changes nothing: a rating is *unchanged* when the person already has an
assertion of that skill and source with the same level on the same date (no date: when the
newest assertion of that source has that level).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.imports.parsing import Column, FileRejected, Table, map_columns
from seedbed.imports.preview import Outcome, Preview, RowResult, as_text, parse_date, parse_level
from seedbed.imports.services.people import PROGRESS_EVERY, ImportHasErrors, Progress
from seedbed.people.models import Person
from seedbed.skills.models import Assertion, Skill, Source
from seedbed.skills.services import NewAssertion, level_bounds_by_category, record_assertions_bulk

if TYPE_CHECKING:
    from seedbed.accounts.models import User

WIDE, LONG = "wide", "long"
LAYOUTS = (WIDE, LONG)
DEFAULT_SOURCE = Source.MANAGER.value

LONG_COLUMNS = ("email", "skill", "level", "source", "date", "note")
LONG_REQUIRED = ("email", "skill", "level")
LONG_ALIASES = {
    "e_mail": "email",
    "mail": "email",
    "person_email": "email",
    "skill_name": "skill",
    "rating": "level",
    "proficiency": "level",
    "stufe": "level",
    "quelle": "source",
    "assessed_on": "date",
    "assessed_at": "date",
    "rated_on": "date",
    "datum": "date",
    "comment": "note",
    "notes": "note",
    "notiz": "note",
    "kommentar": "note",
}
# Wide layout: columns about the person that are not skills.
WIDE_PERSON_COLUMNS = (
    "email",
    "name",
    "full_name",
    "person",
    "team",
    "role",
    "manager",
    "manager_email",
    "location",
)
WIDE_ALIASES = {"e_mail": "email", "mail": "email"}


def detect_layout(table: Table) -> str:
    """``long`` when the file has skill and level columns, else ``wide``."""
    keys = {LONG_ALIASES.get(k, k) for k in table.keys}
    return LONG if {"skill", "level"} <= keys else WIDE


@dataclass(slots=True)
class SkillIndex:
    """Skills by lower-case name or alias, and the level bounds of each skill's scale."""

    by_name: dict[str, int]
    by_alias: dict[str, set[int]]
    skills: dict[int, tuple[str, int, bool]]  # id -> (name, category id, active)
    bounds: dict[int | None, tuple[int, int]]

    @classmethod
    def load(cls) -> SkillIndex:
        by_name: dict[str, int] = {}
        by_alias: dict[str, set[int]] = defaultdict(set)
        skills: dict[int, tuple[str, int, bool]] = {}
        for sid, name, cat, active, search in Skill.objects.values_list(
            "id", "name", "category_id", "is_active", "search_text"
        ):
            skills[sid] = (name, cat, active)
            by_name[name.lower()] = sid
            for alias in search.split("\n")[1:]:
                if alias:
                    by_alias[alias].add(sid)
        return cls(by_name, dict(by_alias), skills, level_bounds_by_category())

    def find(self, text: str) -> int:
        """The skill id for a name or alias; ValueError saying why not."""
        key = " ".join(text.split()).lower()
        sid = self.by_name.get(key)
        if sid is None:
            matches = self.by_alias.get(key, set())
            if len(matches) > 1:
                names = sorted(self.skills[s][0] for s in matches)
                raise ValueError(
                    _("“%(text)s” is an alias of several skills (%(names)s): use the skill's name.")
                    % {"text": text, "names": ", ".join(names)}
                )
            if not matches:
                raise ValueError(
                    _(
                        "Unknown skill “%(text)s”: no skill has this name or alias. "
                        "Create it in the taxonomy first."
                    )
                    % {"text": text}
                )
            sid = next(iter(matches))
        if not self.skills[sid][2]:
            raise ValueError(_("%(skill)s is archived.") % {"skill": self.skills[sid][0]})
        return sid

    def check_level(self, sid: int, level: int) -> None:
        name, cat, _active = self.skills[sid]
        lo, hi = self.bounds.get(cat, self.bounds[None])
        if not lo <= level <= hi:
            raise ValueError(
                _("Level %(level)s is outside the scale for %(skill)s (%(lo)s–%(hi)s).")
                % {"level": level, "skill": name, "lo": lo, "hi": hi}
            )


@dataclass(slots=True)
class _Rating:
    person_id: int
    skill_id: int
    level: int
    source: str
    on: date | None
    note: str


class _History:
    """Existing assertions of the people in the file, for "unchanged" and created/updated."""

    def __init__(self, person_ids: list[int], tz: ZoneInfo) -> None:
        self.latest: dict[tuple[int, int, str], tuple[datetime, int, int]] = {}  # (at, id, level)
        self.dated: set[tuple[int, int, str, date, int]] = set()
        for start in range(0, len(person_ids), 500):
            chunk = person_ids[start : start + 500]
            rows = Assertion.objects.filter(person_id__in=chunk).values_list(
                "id", "person_id", "skill_id", "source", "level", "created_at"
            )
            for aid, pid, sid, source, level, at in rows.iterator(chunk_size=5000):
                key = (pid, sid, source)
                if key not in self.latest or (at, aid) > self.latest[key][:2]:
                    self.latest[key] = (at, aid, level)
                self.dated.add((pid, sid, source, at.astimezone(tz).date(), level))

    def outcome(self, r: _Rating) -> str:
        key = (r.person_id, r.skill_id, r.source)
        if r.on is not None:
            if (*key, r.on, r.level) in self.dated:
                return Outcome.UNCHANGED
        elif key in self.latest and self.latest[key][2] == r.level:
            return Outcome.UNCHANGED
        return Outcome.UPDATED if key in self.latest else Outcome.CREATED


def _parse_source(value: Any, default: str) -> str:
    if value is None:
        return default
    text = str(value).strip().lower()
    if text not in Source.values:
        raise ValueError(
            _("Unknown source “%(value)s”: use one of %(allowed)s.")
            % {"value": value, "allowed": ", ".join(Source.values)}
        )
    return text


def _people_by_email() -> dict[str, tuple[int, str, bool, int | None]]:
    return {
        email.lower(): (pid, name, active, uid)
        for pid, email, name, active, uid in Person.objects.values_list(
            "id", "email", "full_name", "is_active", "user_id"
        )
    }


def _person(
    result: RowResult, raw: Any, col: Column, people: dict[str, tuple[int, str, bool, int | None]]
) -> tuple[int, str, int | None] | None:
    email = "" if raw is None else str(raw).strip().lower()
    if not email:
        result.error(_("Email is required."), col)
        return None
    found = people.get(email)
    if found is None:
        result.error(
            _("Nobody with the email %(email)s is in Seedbed: import people first.")
            % {"email": email},
            col,
        )
        return None
    pid, name, active, uid = found
    result.label = f"{name} <{email}>"
    if not active:
        result.error(
            _("%(name)s has left; their skills can no longer be rated.") % {"name": name}, col
        )
        return None
    return pid, name, uid


def validate_skills(
    table: Table,
    *,
    layout: str | None = None,
    source: str = DEFAULT_SOURCE,
    actor: User | None = None,
    progress: Progress | None = None,
) -> Preview:
    """Dry run of a skill levels import (layout auto-detected when None). Writes nothing."""
    layout = layout or detect_layout(table)
    if layout not in LAYOUTS:
        raise FileRejected(_("Unknown layout %(layout)s: use wide or long.") % {"layout": layout})
    if source not in Source.values:
        raise FileRejected(_("Unknown source %(source)s.") % {"source": source})
    index = SkillIndex.load()
    people = _people_by_email()
    preview = Preview(kind="skills", layout=layout)
    reader = _validate_wide if layout == WIDE else _validate_long
    ratings = reader(table, preview, index, people, source, actor, progress)
    tz = ZoneInfo(settings.TIME_ZONE)
    history = _History(sorted({r.person_id for _row, r in ratings}), tz)
    by_row: dict[int, list[str]] = defaultdict(list)
    outcomes = []
    for row, rating in ratings:
        outcome = history.outcome(rating)
        by_row[row.row].append(outcome)
        outcomes.append(outcome)
    for row in preview.rows:
        if not row.ok:
            continue
        seen = by_row.get(row.row, [])
        if Outcome.CREATED in seen:
            row.outcome = Outcome.CREATED
        elif Outcome.UPDATED in seen:
            row.outcome = Outcome.UPDATED
        else:
            row.outcome = Outcome.UNCHANGED
    preview.sort_issues()
    if progress:
        progress(len(table.rows), len(table.rows))
    preview.plan = [
        rating
        for (row, rating), outcome in zip(ratings, outcomes, strict=True)
        if row.ok and outcome != Outcome.UNCHANGED
    ]
    preview.extra = {"assertions": len(preview.plan)}
    return preview


def _check_manager_self(
    result: RowResult, src: str, uid: int | None, actor: User | None, col: Column | None
) -> bool:
    if actor is not None and src == Source.MANAGER and uid is not None and uid == actor.pk:
        result.error(_("You cannot record a manager rating for yourself."), col)
        return False
    return True


def _validate_wide(
    table: Table,
    preview: Preview,
    index: SkillIndex,
    people: dict[str, Any],
    source: str,
    actor: User | None,
    progress: Progress | None,
) -> list[tuple[RowResult, _Rating]]:
    cols, rest = map_columns(table, WIDE_PERSON_COLUMNS, WIDE_ALIASES, ("email",))
    skill_cols: list[tuple[Column, int]] = []
    header = RowResult(row=table.header_row, label=_("Header row"))
    for col in rest:
        try:
            skill_cols.append((col, index.find(col.title)))
        except ValueError as exc:
            header.error(str(exc), col)
    seen_skills: dict[int, Column] = {}
    for col, sid in skill_cols:
        if sid in seen_skills:
            header.error(
                _("Column %(letter)s is the same skill (%(skill)s) as column %(other)s.")
                % {
                    "letter": col.letter,
                    "skill": index.skills[sid][0],
                    "other": seen_skills[sid].letter,
                },
                col,
            )
        seen_skills.setdefault(sid, col)
    if not skill_cols and not header.issues:
        raise FileRejected(
            _(
                "No skill columns found: after the email (and optional name, team, "
                "role) columns, add one column per skill."
            )
        )
    if header.issues:
        header.row = table.header_row
        preview.rows.append(header)
    ratings: list[tuple[RowResult, _Rating]] = []
    first_row: dict[int, int] = {}
    total = len(table.rows)
    for i, (number, values) in enumerate(table.rows, start=1):
        result = RowResult(row=number)
        preview.rows.append(result)
        if progress and i % PROGRESS_EVERY == 0:
            progress(i, total)
        found = _person(result, values[cols["email"].index], cols["email"], people)
        if found is None:
            continue
        pid, _name, uid = found
        if pid in first_row:
            result.error(
                _("Duplicate email: this person is already on row %(row)s.")
                % {"row": first_row[pid]},
                cols["email"],
            )
            continue
        first_row[pid] = number
        row_ratings = []
        for col, sid in skill_cols:
            value = values[col.index]
            if value is None:
                continue
            try:
                level = parse_level(value)
                index.check_level(sid, level)
            except ValueError as exc:
                result.error(str(exc), col)
                continue
            row_ratings.append(_Rating(pid, sid, level, source, None, ""))
        if row_ratings and not _check_manager_self(result, source, uid, actor, cols["email"]):
            continue
        ratings.extend((result, r) for r in row_ratings)
        result.detail = ", ".join(f"{index.skills[r.skill_id][0]} {r.level}" for r in row_ratings)
    return ratings


def _validate_long(
    table: Table,
    preview: Preview,
    index: SkillIndex,
    people: dict[str, Any],
    source: str,
    actor: User | None,
    progress: Progress | None,
) -> list[tuple[RowResult, _Rating]]:
    cols, ignored = map_columns(table, LONG_COLUMNS, LONG_ALIASES, LONG_REQUIRED)
    if ignored:
        preview.notes.append(
            _("Ignored columns: %(cols)s.")
            % {"cols": ", ".join(f"{c.letter} ({c.title})" for c in ignored)}
        )
    ratings: list[tuple[RowResult, _Rating]] = []
    first_row: dict[tuple[int, int, str, date | None], int] = {}
    today = timezone.localdate()
    total = len(table.rows)

    def cell(values: list[Any], key: str) -> Any:
        return values[cols[key].index] if key in cols else None

    for i, (number, values) in enumerate(table.rows, start=1):
        result = RowResult(row=number)
        preview.rows.append(result)
        if progress and i % PROGRESS_EVERY == 0:
            progress(i, total)
        found = _person(result, cell(values, "email"), cols["email"], people)
        sid = level = src = on = None
        note = ""
        raw_skill = cell(values, "skill")
        if raw_skill is None:
            result.error(_("Skill is required."), cols["skill"])
        else:
            try:
                sid = index.find(str(raw_skill))
            except ValueError as exc:
                result.error(str(exc), cols["skill"])
        raw_level = cell(values, "level")
        if raw_level is None:
            result.error(_("Level is required."), cols["level"])
        else:
            try:
                level = parse_level(raw_level)
                if sid is not None:
                    index.check_level(sid, level)
            except ValueError as exc:
                result.error(str(exc), cols["level"])
        try:
            src = _parse_source(cell(values, "source"), source)
        except ValueError as exc:
            result.error(str(exc), cols["source"])
        raw_date = cell(values, "date")
        if raw_date is not None:
            try:
                on = parse_date(raw_date)
                if on > today:
                    raise ValueError(_("%(date)s is in the future.") % {"date": on.isoformat()})
            except ValueError as exc:
                result.error(str(exc), cols["date"])
        try:
            note = as_text(cell(values, "note"), max_length=2000) if "note" in cols else ""
        except ValueError as exc:
            result.error(str(exc), cols["note"])
        if not result.ok or found is None or sid is None or level is None or src is None:
            result.outcome = Outcome.ERROR
            continue
        pid, _name, uid = found
        if not _check_manager_self(result, src, uid, actor, cols.get("source") or cols["email"]):
            continue
        key = (pid, sid, src, on)
        if key in first_row:
            result.error(
                _("Same person, skill, source and date as row %(row)s.") % {"row": first_row[key]},
                cols["skill"],
            )
            continue
        first_row[key] = number
        result.detail = (
            f"{index.skills[sid][0]} {level} ({src}{', ' + on.isoformat() if on else ''})"
        )
        ratings.append((result, _Rating(pid, sid, level, src, on, note)))
    return ratings


def _at(on: date | None, tz: ZoneInfo, now: datetime) -> datetime | None:
    """Dated ratings are recorded at noon of that day (so the day survives any display time
    zone), or now if that is earlier."""
    if on is None:
        return None
    return min(datetime.combine(on, time(12, 0), tzinfo=tz), now)


@transaction.atomic
def commit_skills(
    *,
    table: Table,
    actor: User | None,
    layout: str | None = None,
    source: str = DEFAULT_SOURCE,
    progress: Progress | None = None,
) -> Preview:
    """Validate against the current database and, if every row is clean, append the new
    assertions in one transaction (``record_assertions_bulk``). Raises ImportHasErrors
    (nothing written) otherwise."""
    preview = validate_skills(table, layout=layout, source=source, actor=actor, progress=progress)
    if not preview.ok:
        raise ImportHasErrors(preview)
    tz = ZoneInfo(settings.TIME_ZONE)
    now = timezone.now()
    rows = [
        NewAssertion(
            person_id=r.person_id,
            skill_id=r.skill_id,
            level=r.level,
            source=r.source,
            note=r.note,
            at=_at(r.on, tz, now),
        )
        for r in preview.plan
    ]
    counts = preview.summary()
    record_assertions_bulk(
        actor=actor,
        rows=rows,
        summary=(
            f"Skill levels imported from {table.name or 'a file'} ({preview.layout}): "
            f"{len(rows)} ratings, {counts['unchanged']} rows unchanged"
        ),
    )
    return preview
