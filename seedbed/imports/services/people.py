"""People import (upsert by email) and export.

Rules a file follows (shown on the import page too):

- One row per person, matched to Seedbed by email ignoring case; unknown emails are created.
- Only the columns in the file are touched. A blank cell clears role, team, manager, location,
  languages and start date; a blank name, time zone, active or access keeps what is there.
- Teams and roles are created when missing (names compared ignoring case). ``parent_team``
  places the row's team under another team (blank: leave the team where it is).
- A manager is named by email and may be anyone in the file (before or after) or in Seedbed.
- ``access`` (admin, manager, employee) gives the person a login with an unusable password
  (they set one through password reset) or changes its level; it never removes a login.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.accounts.models import TIMEZONE_CHOICES, AccessLevel, OrgSettings, User
from seedbed.accounts.services import audit
from seedbed.frameworks.models import Role
from seedbed.imports.parsing import Column, Table, map_columns
from seedbed.imports.preview import (
    Outcome,
    Preview,
    RowResult,
    as_text,
    parse_bool,
    parse_date,
)
from seedbed.lib.errors import ServiceError
from seedbed.people.models import Person, Team
from seedbed.people.services import would_create_cycle
from seedbed.search.index import schedule_reindex

if TYPE_CHECKING:
    from collections.abc import Sequence

Progress = Callable[[int, int], None]
PROGRESS_EVERY = 500

PEOPLE_COLUMNS = (
    "name",
    "email",
    "role",
    "team",
    "parent_team",
    "manager_email",
    "location",
    "timezone",
    "languages",
    "start_date",
    "active",
    "access",
)
PEOPLE_REQUIRED = ("name", "email")
PEOPLE_ALIASES = {
    "full_name": "name",
    "person": "name",
    "e_mail": "email",
    "email_address": "email",
    "mail": "email",
    "manager": "manager_email",
    "manager_e_mail": "manager_email",
    "reports_to": "manager_email",
    "department": "team",
    "parent": "parent_team",
    "time_zone": "timezone",
    "tz": "timezone",
    "language": "languages",
    "start": "start_date",
    "started": "start_date",
    "is_active": "active",
    "access_level": "access",
    "login": "access",
    "job_title": "role",
    "rolle": "role",
    "standort": "location",
    "sprachen": "languages",
    "eintrittsdatum": "start_date",
    "zeitzone": "timezone",
    "aktiv": "active",
    "vorgesetzte": "manager_email",
    "abteilung": "team",
}
_TIMEZONES = {tz.lower(): tz for tz, _label in TIMEZONE_CHOICES}
# Columns whose blank cell keeps the current value (the others' blank cell clears it).
_KEEP_WHEN_BLANK = {"name", "timezone", "active", "access"}


class ImportHasErrors(ServiceError):
    """Commit refused: the file (re-validated against the current database) has errors."""

    def __init__(self, preview: Preview) -> None:
        super().__init__(
            _("Nothing was imported: %(n)s row(s) have errors. Fix them and upload the file again.")
            % {"n": preview.error_count}
        )
        self.preview = preview


def normalise_languages(text: str) -> str:
    parts = [p.strip() for p in text.replace(";", ",").replace("/", ",").split(",")]
    return ", ".join(p for p in parts if p)


# --- what Seedbed holds now --------------------------------------------------------------


@dataclass(slots=True)
class _State:
    people: dict[str, dict[str, Any]]  # email (lower) -> Person values
    email_by_id: dict[int, str]
    managers: dict[int, int | None]  # person id -> manager id
    teams: dict[str, tuple[int, str, int | None]]  # name (lower) -> (id, name, parent id)
    team_key_by_id: dict[int, str]
    roles: dict[str, tuple[int, str]]  # name (lower) -> (id, name)
    role_key_by_id: dict[int, str]
    users: dict[str, tuple[int, str, int | None]]  # email (lower) -> (id, access, person id)
    access_by_user: dict[int, str]
    default_timezone: str

    @classmethod
    def load(cls) -> _State:
        """Five queries, whatever the size of the organisation."""
        people: dict[str, dict[str, Any]] = {}
        for p in Person.objects.values(
            "id",
            "full_name",
            "email",
            "role_id",
            "team_id",
            "manager_id",
            "location",
            "timezone",
            "languages",
            "start_date",
            "is_active",
            "left_on",
            "user_id",
        ):
            people[p["email"].lower()] = dict(p)
        teams: dict[str, tuple[int, str, int | None]] = {
            name.lower(): (tid, name, parent)
            for tid, name, parent in Team.objects.values_list("id", "name", "parent_id")
        }
        roles = {name.lower(): (rid, name) for rid, name in Role.objects.values_list("id", "name")}
        users: dict[str, tuple[int, str, int | None]] = {
            email.lower(): (uid, access, pid)
            for uid, email, access, pid in User.objects.values_list(
                "id", "email", "access_level", "person__id"
            )
        }
        default_tz = (
            OrgSettings.objects.filter(pk=1).values_list("default_timezone", flat=True).first()
            or "UTC"
        )
        return cls(
            people=people,
            email_by_id={p["id"]: email for email, p in people.items()},
            managers={p["id"]: p["manager_id"] for p in people.values()},
            teams=teams,
            team_key_by_id={tid: key for key, (tid, _n, _p) in teams.items()},
            roles=roles,
            role_key_by_id={rid: key for key, (rid, _n) in roles.items()},
            users=users,
            access_by_user={uid: access for uid, access, _pid in users.values()},
            default_timezone=default_tz,
        )

    def access_of(self, email: str) -> str | None:
        """Access level of the login linked to the person with this email, if any."""
        person = self.people.get(email)
        if person is None or person["user_id"] is None:
            return None
        return self.access_by_user.get(person["user_id"])


@dataclass(slots=True)
class PersonPlan:
    """One valid row: the person's id (negative for people to create) and the values the file
    sets (model-ish: team/role as lower-case names, manager as email)."""

    result: RowResult
    email: str
    pid: int
    existing: dict[str, Any] | None
    values: dict[str, Any] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)
    keyed: bool = False


@dataclass(slots=True)
class PeoplePlan:
    state: _State
    people: list[PersonPlan]
    new_teams: dict[str, str]  # key -> display name
    team_parents: dict[str, str]  # team key -> parent key, only where it changes
    new_roles: dict[str, str]


# --- validation --------------------------------------------------------------------------


def validate_people(
    table: Table, *, actor: User | None = None, progress: Progress | None = None
) -> Preview:
    """Dry run of a people import: every row's outcome and every problem with its column.
    Reads the current organisation in five queries; writes nothing."""
    cols, ignored = map_columns(table, PEOPLE_COLUMNS, PEOPLE_ALIASES, PEOPLE_REQUIRED)
    state = _State.load()
    preview = Preview(kind="people")
    if ignored:
        preview.notes.append(
            _("Ignored columns: %(cols)s.")
            % {"cols": ", ".join(f"{c.letter} ({c.title})" for c in ignored)}
        )
    total = len(table.rows)
    plans: list[PersonPlan] = []
    first_row: dict[str, int] = {}
    for i, (number, values) in enumerate(table.rows, start=1):
        result = RowResult(row=number)
        preview.rows.append(result)
        plans.append(_parse_person_row(result, values, cols, state, first_row, len(plans)))
        if progress and i % PROGRESS_EVERY == 0:
            progress(i, total)
    file_emails = {p.email: p for p in plans if p.keyed}
    _resolve_managers(plans, cols, state, file_emails)
    _check_cycles(plans, cols, state, file_emails)
    _check_actor(plans, cols, actor)
    team_parents = _plan_team_parents(plans, cols, state)
    # Only rows without errors count towards the teams and roles to create.
    new_teams, new_roles = _plan_names(plans, cols, state)
    for plan in plans:
        _decide_outcome(plan, state)
    preview.sort_issues()
    if progress:
        progress(total, total)
    ok_plans = [p for p in plans if p.result.ok]
    preview.extra = {
        "teams_created": len(new_teams),
        "teams_moved": len(team_parents),
        "roles_created": len(new_roles),
        "logins_created": sum(
            1
            for p in ok_plans
            if p.values.get("access")
            and state.access_of(p.email) is None
            and p.email not in state.users
        ),
    }
    preview.plan = PeoplePlan(state, ok_plans, new_teams, team_parents, new_roles)
    return preview


def _cell(values: list[Any], cols: dict[str, Column], key: str) -> Any:
    col = cols.get(key)
    return values[col.index] if col is not None else None


def _parse_person_row(
    result: RowResult,
    values: list[Any],
    cols: dict[str, Column],
    state: _State,
    first_row: dict[str, int],
    position: int,
) -> PersonPlan:
    """Read every cell of a row (reporting every problem, even after a bad email)."""
    raw_email = _cell(values, cols, "email")
    email = "" if raw_email is None else str(raw_email).strip().lower()
    keyed = False  # a usable, first-seen email: the row can be matched and referred to
    if not email:
        result.error(_("Email is required."), cols["email"])
    elif not _valid_email(email):
        result.error(
            _("“%(email)s” is not a valid email address.") % {"email": raw_email}, cols["email"]
        )
    elif email in first_row:
        result.error(
            _("Duplicate email %(email)s: it is already on row %(row)s.")
            % {"email": email, "row": first_row[email]},
            cols["email"],
        )
    else:
        first_row[email] = result.row
        keyed = True
    existing = state.people.get(email) if keyed else None
    plan = PersonPlan(result, email, existing["id"] if existing else -(position + 1), existing)
    plan.keyed = keyed
    login = state.users.get(email) if keyed else None
    if (
        login is not None
        and login[2] is not None
        and (existing is None or login[2] != existing["id"])
    ):
        result.error(_("The login %(email)s belongs to someone else.") % {"email": email})
    v = plan.values
    parsers: dict[str, Callable[[Any], Any]] = {
        "name": lambda x: as_text(x, max_length=200),
        "role": lambda x: as_text(x, max_length=150),
        "team": lambda x: as_text(x, max_length=150),
        "parent_team": lambda x: as_text(x, max_length=150),
        "manager_email": lambda x: as_text(x, max_length=254).lower(),
        "location": lambda x: as_text(x, max_length=120),
        "languages": lambda x: normalise_languages(as_text(x, max_length=200)),
        "start_date": lambda x: parse_date(x) if x is not None else None,
        "timezone": _parse_timezone,
        "active": lambda x: parse_bool(x) if x is not None else None,
        "access": _parse_access,
    }
    for key, parse in parsers.items():
        if key not in cols:
            continue
        try:
            v[key] = parse(_cell(values, cols, key))
        except ValueError as exc:
            result.error(str(exc), cols[key])
    name = v.get("name") or (existing["full_name"] if existing else "")
    result.label = f"{name} <{email}>" if name and email else (name or email)
    if not v.get("name") and existing is None:
        result.error(_("A new person needs a name."), cols["name"])
    if v.get("parent_team") and not v.get("team"):
        result.error(_("A parent team needs a team in the same row."), cols["parent_team"])
    return plan


def _valid_email(email: str) -> bool:
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


def _parse_timezone(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    tz = _TIMEZONES.get(text.lower())
    if tz is None:
        raise ValueError(
            _("Unknown time zone “%(tz)s”: use a name such as Europe/Berlin or America/New_York.")
            % {"tz": text}
        )
    return tz


def _parse_access(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip().lower()
    if text not in AccessLevel.values:
        raise ValueError(
            _("Unknown access level “%(value)s”: use admin, manager or employee.")
            % {"value": value}
        )
    return text


def _plan_names(
    plans: Sequence[PersonPlan], cols: dict[str, Column], state: _State
) -> tuple[dict[str, str], dict[str, str]]:
    new_teams: dict[str, str] = {}
    new_roles: dict[str, str] = {}
    for plan in plans:
        if not plan.result.ok:
            continue
        for key in ("team", "parent_team"):
            name = plan.values.get(key)
            if name and name.lower() not in state.teams:
                new_teams.setdefault(name.lower(), name)
        role = plan.values.get("role")
        if role and role.lower() not in state.roles:
            new_roles.setdefault(role.lower(), role)
    return new_teams, new_roles


def _plan_team_parents(
    plans: Sequence[PersonPlan], cols: dict[str, Column], state: _State
) -> dict[str, str]:
    """Team -> parent as the file says, checked for contradictions and loops."""
    wanted: dict[str, tuple[str, int]] = {}
    for plan in plans:
        team, parent = plan.values.get("team"), plan.values.get("parent_team")
        if not (plan.result.ok and team and parent):
            continue
        tkey, pkey = team.lower(), parent.lower()
        if tkey == pkey:
            plan.result.error(
                _("Team %(team)s cannot be its own parent.") % {"team": team}, cols["parent_team"]
            )
        elif tkey in wanted and wanted[tkey][0] != pkey:
            plan.result.error(
                _("Team %(team)s is placed under %(other)s on row %(row)s: give one parent team.")
                % {"team": team, "other": wanted[tkey][0], "row": wanted[tkey][1]},
                cols["parent_team"],
            )
        else:
            wanted.setdefault(tkey, (pkey, plan.result.row))
    parents: dict[str, str | None] = {
        key: state.team_key_by_id.get(parent) if parent else None
        for key, (_tid, _n, parent) in state.teams.items()
    }
    parents.update({k: p for k, (p, _row) in wanted.items()})
    for plan in plans:
        team = plan.values.get("team")
        if not (plan.result.ok and team and plan.values.get("parent_team")):
            continue
        chain = [team.lower()]
        node = parents.get(team.lower())
        while node is not None and node not in chain:
            chain.append(node)
            node = parents.get(node)
        if node is not None:
            plan.result.error(
                _("Team %(team)s would sit inside itself: %(chain)s.")
                % {"team": team, "chain": " → ".join([*chain, node])},
                cols["parent_team"],
            )
    changes: dict[str, str] = {}
    for tkey, (pkey, _row) in wanted.items():
        current = state.teams.get(tkey)
        current_parent = state.team_key_by_id.get(current[2]) if current and current[2] else None
        if current_parent != pkey:
            changes[tkey] = pkey
    return changes


def _resolve_managers(
    plans: Sequence[PersonPlan],
    cols: dict[str, Column],
    state: _State,
    file_emails: dict[str, PersonPlan],
) -> None:
    if "manager_email" not in cols:
        return
    for plan in plans:
        manager = plan.values.get("manager_email")
        if not manager:
            continue
        if manager == plan.email:
            plan.result.error(_("Nobody can be their own manager."), cols["manager_email"])
        elif manager not in file_emails and manager not in state.people:
            plan.result.error(
                _("Unknown manager %(email)s: nobody with this email is in the file or in Seedbed.")
                % {"email": manager},
                cols["manager_email"],
            )


def _check_cycles(
    plans: Sequence[PersonPlan],
    cols: dict[str, Column],
    state: _State,
    file_emails: dict[str, PersonPlan],
) -> None:
    """Reporting loops over the file and the database together (the file's lines win)."""
    if "manager_email" not in cols:
        return

    def pid_of(email: str) -> int | None:
        if email in file_emails:
            return file_emails[email].pid
        existing = state.people.get(email)
        return existing["id"] if existing else None

    managers = dict(state.managers)
    email_by_pid = dict(state.email_by_id)
    column = cols["manager_email"]
    checked = []
    for plan in plans:
        if not plan.keyed:
            continue  # no usable email: nobody can report to this row
        email_by_pid[plan.pid] = plan.email
        if "manager_email" not in plan.values:
            continue  # the cell could not be read: its error is already reported
        if any(issue.column == column.title for issue in plan.result.issues):
            continue  # unknown manager or own manager: reported already
        manager = plan.values["manager_email"]
        managers[plan.pid] = pid_of(manager) if manager else None
        checked.append(plan)
    for plan in checked:
        manager_id = managers.get(plan.pid)
        if manager_id is not None and would_create_cycle(plan.pid, manager_id, managers):
            chain = [plan.email]
            node: int | None = manager_id
            while node is not None and node != plan.pid and len(chain) < 12:
                chain.append(email_by_pid.get(node, "?"))
                node = managers.get(node)
            chain.append(plan.email if node == plan.pid else "…")
            plan.result.error(
                _("Reporting cycle: %(chain)s.") % {"chain": " → ".join(chain)}, column
            )


def _check_actor(plans: Sequence[PersonPlan], cols: dict[str, Column], actor: User | None) -> None:
    if actor is None:
        return
    for plan in plans:
        if plan.email != actor.email.lower() or not plan.result.ok:
            continue
        if plan.values.get("active") is False:
            plan.result.error(_("You cannot deactivate yourself."), cols["active"])
        access = plan.values.get("access")
        if access and access != actor.access_level:
            plan.result.error(_("You cannot change your own access level."), cols["access"])


def _decide_outcome(plan: PersonPlan, state: _State) -> None:
    if not plan.result.ok:
        return
    v, e = plan.values, plan.existing
    if e is None:
        plan.result.outcome = Outcome.CREATED
        plan.changes = [k for k in v if v[k] not in (None, "")]
        plan.result.detail = _created_detail(v)
        return
    current: dict[str, Any] = {
        "name": e["full_name"],
        "role": state.role_key_by_id.get(e["role_id"]) if e["role_id"] else None,
        "team": state.team_key_by_id.get(e["team_id"]) if e["team_id"] else None,
        "manager_email": state.email_by_id.get(e["manager_id"]) if e["manager_id"] else None,
        "location": e["location"],
        "timezone": e["timezone"],
        "languages": normalise_languages(e["languages"]),
        "start_date": e["start_date"],
        "active": e["is_active"],
        "access": state.access_of(plan.email),
    }
    changes = []
    for key, new in v.items():
        if key == "parent_team" or (key in _KEEP_WHEN_BLANK and new in (None, "")):
            continue
        old = current[key]
        if key in ("role", "team"):
            new = new.lower() if new else None
        elif key != "active":
            new, old = new or None, old or None
        if new != old:
            changes.append(key)
    plan.changes = changes
    plan.result.outcome = Outcome.UPDATED if changes else Outcome.UNCHANGED
    if changes:
        plan.result.detail = _("Changes: %(fields)s") % {"fields": ", ".join(changes)}


def _created_detail(v: dict[str, Any]) -> str:
    parts = [str(v[k]) for k in ("team", "role") if v.get(k)]
    if v.get("manager_email"):
        parts.append(_("reports to %(email)s") % {"email": v["manager_email"]})
    return " · ".join(parts)


# --- commit ------------------------------------------------------------------------------


@transaction.atomic
def commit_people(*, table: Table, actor: User | None, progress: Progress | None = None) -> Preview:
    """Validate ``table`` against the current database and, if every row is clean, write it in
    one transaction: roles and teams, logins, new people (bulk, managers before their reports),
    changes to existing people (one UPDATE per distinct set of values), one audit entry.
    Raises ImportHasErrors (nothing written) if any row has an error."""
    preview = validate_people(table, actor=actor, progress=progress)
    if not preview.ok:
        raise ImportHasErrors(preview)
    plan: PeoplePlan = preview.plan
    role_ids = _create_roles(plan)
    team_ids = _create_teams(plan)
    logins = _write_logins(plan)
    _write_people(plan, role_ids, team_ids, logins)
    schedule_reindex("person")
    counts = preview.summary()
    audit(
        actor=actor,
        action="import.people",
        summary=(
            f"People imported from {table.name or 'a file'}: {counts['created']} created, "
            f"{counts['updated']} updated, {counts['unchanged']} unchanged"
        ),
        changes=counts,
    )
    return preview


def _create_roles(plan: PeoplePlan) -> dict[str, int]:
    Role.objects.bulk_create([Role(name=name) for name in plan.new_roles.values()])
    return {
        key: rid for rid, key in Role.objects.annotate(key=Lower("name")).values_list("id", "key")
    }


def _create_teams(plan: PeoplePlan) -> dict[str, int]:
    Team.objects.bulk_create([Team(name=name) for name in plan.new_teams.values()])
    ids = {
        key: tid for tid, key in Team.objects.annotate(key=Lower("name")).values_list("id", "key")
    }
    for team, parent in plan.team_parents.items():
        Team.objects.filter(pk=ids[team]).update(parent_id=ids[parent])
    return ids


def _write_logins(plan: PeoplePlan) -> dict[str, int]:
    """Create logins where ``access`` asks for one and change levels of existing ones.
    Returns email -> user id for people whose Person must be linked to a login."""
    state = plan.state
    to_create: list[User] = []
    link: dict[str, int] = {}
    levels: dict[str, list[int]] = {}
    for p in plan.people:
        access = p.values.get("access")
        if not access:
            continue
        linked = p.existing["user_id"] if p.existing else None
        by_email = state.users.get(p.email)
        if linked is not None:
            if state.access_by_user.get(linked) != access:
                levels.setdefault(access, []).append(linked)
        elif by_email is not None:  # a login without a person (linked elsewhere is an error)
            link[p.email] = by_email[0]
            if by_email[1] != access:
                levels.setdefault(access, []).append(by_email[0])
        else:
            account = User(
                email=p.email,
                display_name=p.values.get("name") or p.email,
                access_level=access,
                timezone=p.values.get("timezone") or state.default_timezone,
                is_active=p.values.get("active") is not False,
                # What set_unusable_password() stores, without its slow per-character random.
                password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
            )
            to_create.append(account)
    User.objects.bulk_create(to_create, batch_size=1000)
    link.update({u.email: u.pk for u in to_create})
    for access, user_ids in levels.items():
        User.objects.filter(pk__in=user_ids).update(access_level=access)
    return link


def _write_people(
    plan: PeoplePlan, role_ids: dict[str, int], team_ids: dict[str, int], logins: dict[str, int]
) -> None:
    today = timezone.localdate()
    state = plan.state

    def model_values(p: PersonPlan) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in p.changes:
            new = p.values.get(key)
            if key == "name":
                out["full_name"] = new
            elif key == "role":
                out["role_id"] = role_ids[new.lower()] if new else None
            elif key == "team":
                out["team_id"] = team_ids[new.lower()] if new else None
            elif key == "manager_email":
                out["manager_id"] = ids[new] if new else None
            elif key in ("location", "languages"):
                out[key] = new or ""
            elif key in ("timezone", "start_date"):
                out[key] = new
            elif key == "active":
                out["is_active"] = new
                left_on = p.existing["left_on"] if p.existing else None
                out["left_on"] = None if new else (left_on or today)
        if p.email in logins:
            out["user_id"] = logins[p.email]
        return out

    ids = {email: e["id"] for email, e in state.people.items()}
    # New people in waves, managers first, so every row is written once with its manager
    # (no second pass of UPDATEs). Validation has ruled out loops.
    pending = [p for p in plan.people if p.existing is None]
    while pending:
        ready = [
            p
            for p in pending
            if not p.values.get("manager_email") or p.values["manager_email"] in ids
        ]
        if not ready:
            raise RuntimeError("reporting loop among new people")  # unreachable after validation
        people = [
            Person(**{"email": p.email, "timezone": state.default_timezone, **model_values(p)})
            for p in ready
        ]
        Person.objects.bulk_create(people, batch_size=1000)
        ids.update({person.email: person.pk for person in people})
        done = {p.email for p in ready}
        pending = [p for p in pending if p.email not in done]
    # Existing people: one UPDATE per distinct set of new values (a team move of many people
    # is one statement; Django's bulk_update would build a CASE per row and field).
    groups: dict[tuple[tuple[str, Any], ...], list[int]] = {}
    deactivated: dict[bool, list[int]] = {True: [], False: []}
    for p in plan.people:
        if p.existing is None:
            continue
        values = model_values(p)
        if values:
            groups.setdefault(tuple(sorted(values.items())), []).append(p.existing["id"])
        if "active" in p.changes:
            deactivated[bool(p.values["active"])].append(p.existing["id"])
    for items, person_ids in groups.items():
        for start in range(0, len(person_ids), 500):
            Person.objects.filter(pk__in=person_ids[start : start + 500]).update(**dict(items))
    for active, person_ids in deactivated.items():
        if person_ids:
            User.objects.filter(person__id__in=person_ids).update(is_active=active)


# --- export ------------------------------------------------------------------------------


def people_export_rows(user: User) -> tuple[list[str], list[list[Any]]]:
    """Everyone ``user`` may see, in the import's own columns, so an export can be edited and
    imported again. The ``access`` column is only for admins."""
    with_access = user.is_authenticated and user.access_level == AccessLevel.ADMIN
    headers = list(PEOPLE_COLUMNS if with_access else PEOPLE_COLUMNS[:-1])
    rows: list[list[Any]] = []
    qs = (
        Person.objects.visible_to(user)
        .filter(erased_at__isnull=True)
        .order_by("full_name", "id")
        .values_list(
            "full_name",
            "email",
            "role__name",
            "team__name",
            "team__parent__name",
            "manager__email",
            "location",
            "timezone",
            "languages",
            "start_date",
            "is_active",
            "user__access_level",
        )
    )
    for (
        name,
        email,
        role,
        team,
        parent,
        manager,
        location,
        tz,
        languages,
        start,
        active,
        access,
    ) in qs.iterator(chunk_size=2000):
        row: list[Any] = [
            name,
            email,
            role,
            team,
            parent,
            manager,
            location,
            tz,
            languages,
            start if isinstance(start, date) else None,
            active,
        ]
        if with_access:
            row.append(access)
        rows.append(row)
    return headers, rows
