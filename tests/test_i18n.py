"""Translations and time zones: the German catalogue is complete and compiled, each user sees
their own language, anonymous visitors get their browser's, and times show in the user's zone."""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone as dj_timezone
from django.utils import translation
from django.utils.formats import date_format

from seedbed.people.models import Person
from seedbed.skills.models import Assertion, PersonSkill, Skill, Source
from seedbed.skills.services import record_assertion
from tests.builders import PASSWORD
from tests.conftest import Org, bearer, login_client

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
PO_FILE = LOCALE_DIR / "de" / "LC_MESSAGES" / "django.po"
MO_FILE = LOCALE_DIR / "de" / "LC_MESSAGES" / "django.mo"


@pytest.fixture(autouse=True)
def _reset_language_and_time_zone() -> Iterator[None]:
    """Requests activate the user's language and time zone in the test's thread; leave English
    and the default zone behind for later tests, which call services directly."""
    yield
    translation.deactivate()
    dj_timezone.deactivate()


# --- a small .po reader (polib is not a dependency) -------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+"(.*)"$')


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], text)


def read_po(path: Path) -> list[Entry]:
    """Every active entry of a .po file (obsolete ``#~`` entries are skipped), header included."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            entry, target = None, None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif match := _KEYWORD.match(line):
            keyword, index, text = match.group(1), match.group(2), _unquote(match.group(3))
            if keyword == "msgstr":
                target = ("msgstr", int(index or 0))
                entry.msgstr[target[1]] = text
            else:
                target = (keyword, 0)
                setattr(entry, keyword, text)
        elif line.startswith('"') and target is not None:
            text = _unquote(line[1:-1])
            if target[0] == "msgstr":
                entry.msgstr[target[1]] += text
            else:
                setattr(entry, target[0], getattr(entry, target[0]) + text)
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    return entries


def _messages() -> list[Entry]:
    return [e for e in read_po(PO_FILE) if e.msgid]


_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")


def _placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in _PLACEHOLDER.finditer(text) if m.group(0) != "%%")


# --- (a) the catalogue is complete -----------------------------------------------------------


def test_german_catalogue_exists_with_many_messages() -> None:
    assert PO_FILE.is_file() and MO_FILE.is_file()
    assert len(_messages()) > 300


def test_german_catalogue_has_no_untranslated_or_fuzzy_entries() -> None:
    problems = []
    for e in read_po(PO_FILE):
        if "fuzzy" in e.flags:
            problems.append(f"line {e.line}: fuzzy {e.msgid!r}")
        if not e.msgid:
            continue  # the header
        expected = {0, 1} if e.msgid_plural is not None else {0}
        if set(e.msgstr) != expected or not all(e.msgstr.values()):
            problems.append(f"line {e.line}: untranslated {e.msgid!r}")
    assert problems == []


def test_german_catalogue_covers_every_string_in_the_code(tmp_path: Path) -> None:
    """``makemessages`` run on a copy of the code finds no message the catalogue lacks: new UI
    text cannot land untranslated (run makemessages -l de --no-obsolete, translate, compile)."""
    if shutil.which("xgettext") is None:
        pytest.skip("xgettext (gettext) is not installed")
    package = LOCALE_DIR.parent
    copy = tmp_path / "seedbed"
    shutil.copytree(
        package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static", "migrations")
    )
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "de", "--no-obsolete"],
        cwd=copy,
        env={
            **os.environ,
            "PYTHONPATH": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "seedbed.config.settings",
        },
        capture_output=True,
        check=True,
    )
    known = {e.key for e in _messages()}
    fresh = read_po(copy / "locale" / "de" / "LC_MESSAGES" / "django.po")
    missing = sorted(e.msgid for e in fresh if e.msgid and e.key not in known)
    assert missing == [], f"{len(missing)} strings are missing from the German catalogue"


def test_german_translations_keep_every_placeholder() -> None:
    problems = []
    for e in _messages():
        sources = [e.msgid] if e.msgid_plural is None else [e.msgid, e.msgid_plural]
        for index, source in enumerate(sources):
            if _placeholders(source) != _placeholders(e.msgstr.get(index, "")):
                problems.append(f"line {e.line}: {source!r} -> {e.msgstr.get(index)!r}")
    assert problems == []


def test_german_catalogue_passes_msgfmt_checks() -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (gettext) is not installed")
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(PO_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr


# --- (d) the committed .mo matches the .po ----------------------------------------------------


def test_compiled_catalogue_matches_the_po_file() -> None:
    with MO_FILE.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    expected: dict[object, str] = {}
    for e in read_po(PO_FILE):
        if not e.msgid:  # msgfmt leaves POT-Creation-Date out of the compiled header
            expected[""] = re.sub(r"^POT-Creation-Date: .*\n", "", e.msgstr[0], flags=re.M)
        elif e.msgid_plural is None:
            expected[e.key] = e.msgstr[0]
        else:
            for index, text in e.msgstr.items():
                expected[(e.key, index)] = text
    actual = dict(compiled._catalog)  # type: ignore[attr-defined]
    stale = sorted(str(k) for k in expected.keys() ^ actual.keys())
    assert stale == [], "django.mo is out of date: run `manage.py compilemessages -l de`"
    changed = sorted(str(k) for k in expected if expected[k] != actual[k])
    assert changed == [], "django.mo is out of date: run `manage.py compilemessages -l de`"


# --- (b, c) each user sees their language -------------------------------------------------


def _speaks(person: Person, language: str, timezone: str = "UTC") -> Client:
    user = person.user
    assert user is not None
    user.language = language
    user.timezone = timezone
    user.save(update_fields=["language", "timezone"])
    return login_client(person)


def _page(client: Client, name: str, *args: object, **headers: str) -> str:
    response = client.get(reverse(name, args=args), **headers)
    assert response.status_code == 200, name
    return response.content.decode()


def _self_rate(person: Person, skill_name: str, level: int) -> PersonSkill:
    skill = Skill.objects.get(name=skill_name)
    assert person.user is not None
    record_assertion(actor=person.user, person=person, skill=skill, level=level, source=Source.SELF)
    return PersonSkill.objects.get(person=person, skill=skill)


@pytest.mark.django_db
def test_german_manager_sees_german_pages(org: Org) -> None:
    _self_rate(org.employee, "Python", 3)
    client = _speaks(org.manager, "de")

    home = _page(client, "home")
    assert '<html lang="de">' in home
    assert "Willkommen, Max Manager" in home
    assert "Warten auf Ihre Validierung" in home
    assert "Meine Kompetenzen" in home  # navigation
    assert "Abmelden" in home
    assert "Sign out" not in home and "Waiting for your validation" not in home

    my_skills = _page(client, "skills:my_skills")
    assert "Von Ihrer Rolle geforderte Kompetenzen: Developer" in my_skills
    assert "Kompetenz hinzufügen" in my_skills
    assert "Add a skill" not in my_skills

    matrix = _page(client, "people:matrix")
    assert "Kompetenzmatrix des Teams" in matrix
    assert "Personen sortieren" in matrix
    assert "nicht bewertet" in matrix  # screen-reader text rendered in Python
    assert "Team skills matrix" not in matrix and "not rated" not in matrix

    queue = _page(client, "people:validation")
    assert "Offene Validierungen" in queue
    assert "Stufe 3 in Python für Emil Employee bestätigen" in queue
    assert ">Anpassen<" in queue
    assert "Validation queue" not in queue and ">Accept<" not in queue

    people = _page(client, "people:list")
    assert "Führungskraft" in people and "Standort" in people
    assert "- Bitte auswählen -" in people  # Django's blank choice, German only in our catalogue
    assert "Location" not in people and "Select an option" not in people

    skills = _page(client, "skills:list")
    assert "Kritikalität" in skills and "Bewertete Personen" in skills
    assert ">Mittel<" in skills  # a model choice label
    assert "Criticality" not in skills


@pytest.mark.django_db
def test_german_messages_and_service_errors(org: Org) -> None:
    ps = _self_rate(org.employee, "Python", 3)
    client = _speaks(org.manager, "de")
    url = reverse("people:validate", args=[ps.pk])

    refused = client.post(url, {"action": "adjust", "level": "2", "note": ""}, follow=True)
    assert "Begründen Sie die Anpassung der Stufe, damit Emil Employee daraus lernen kann." in (
        refused.content.decode()
    )
    accepted = client.post(url, {"action": "accept"}, follow=True)
    assert "Python von Emil Employee validiert." in accepted.content.decode()


@pytest.mark.django_db
def test_english_user_sees_english_even_with_a_german_browser(org: Org) -> None:
    _self_rate(org.employee, "Python", 3)
    client = _speaks(org.manager, "en")
    german_browser = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}

    home = _page(client, "home", **german_browser)
    assert '<html lang="en">' in home
    assert "Welcome, Max Manager" in home and "Waiting for your validation" in home
    assert "Willkommen" not in home and "Meine Kompetenzen" not in home and "Abmelden" not in home

    queue = _page(client, "people:validation", **german_browser)
    assert "Validation queue" in queue and "Accept level 3 in Python for Emil Employee" in queue
    assert "Offene Validierungen" not in queue

    matrix = _page(client, "people:matrix", **german_browser)
    assert "Team skills matrix" in matrix and "not rated" in matrix
    assert "nicht bewertet" not in matrix

    skills = _page(client, "skills:list", **german_browser)
    assert "Criticality" in skills and ">Medium<" in skills
    assert "Kritikalität" not in skills


@pytest.mark.django_db
def test_german_user_pages_ignore_an_english_browser(org: Org) -> None:
    client = _speaks(org.employee, "de")
    page = _page(client, "people:list", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert "Noch keine Personen." not in page  # the list has people
    assert '<html lang="de">' in page and "Standort" in page


@pytest.mark.django_db
def test_login_errors_in_the_browsers_language(org: Org) -> None:
    email = org.employee.email
    german, english = Client(), Client()

    page = german.post(
        reverse("accounts:login"), {"email": email, "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert "Bei Seedbed anmelden" in page
    assert "E-Mail-Adresse und Passwort passen zu keinem aktiven Konto." in page

    page = german.post(
        reverse("accounts:login"), {"email": "", "password": ""}, HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert "Dieses Feld ist zwingend erforderlich." in page  # Django's own German catalogue

    page = english.post(
        reverse("accounts:login"), {"email": email, "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "That email and password do not match an active account." in page
    assert "Passwort" not in page


@pytest.mark.django_db
def test_login_throttle_message_in_german(org: Org, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LOGIN_MAX_FAILURES = 2
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    data = {"email": org.employee.email, "password": "wrong"}
    for _attempt in range(2):
        client.post(reverse("accounts:login"), data)
    blocked = client.post(reverse("accounts:login"), {**data, "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldungen." in blocked.content.decode()


@pytest.mark.django_db
def test_api_answers_in_english_for_a_german_user_and_browser(org: Org) -> None:
    client = _speaks(org.employee, "de")  # a session, as the API docs page uses
    url = reverse("api:revoke_token", args=[999_999])
    for response in (
        client.delete(url, HTTP_ACCEPT_LANGUAGE="de"),
        Client().delete(url, HTTP_ACCEPT_LANGUAGE="de", **bearer(org.employee)),
    ):
        assert response.status_code == 404
        assert response.json()["detail"] == "No such API token."
        assert response["Content-Language"] == "en"


# --- times in the user's time zone ----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "timezone", "clock"),
    [
        ("de", "UTC", "09:30"),
        ("de", "Europe/Berlin", "10:30"),  # CET, UTC+1 in winter
        ("de", "America/New_York", "04:30"),
        ("en", "UTC", "9:30"),
        ("en", "Europe/Berlin", "10:30"),
    ],
)
def test_skill_history_shows_times_in_the_users_time_zone(
    org: Org, language: str, timezone: str, clock: str
) -> None:
    recorded = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
    ps = _self_rate(org.employee, "Python", 3)
    Assertion.objects.filter(person=org.employee, skill=ps.skill).update(created_at=recorded)
    client = _speaks(org.employee, language, timezone)
    page = _page(client, "people:skill_history", org.employee.pk, ps.skill_id)
    # The language's own short format (it may change), applied to the time in the user's zone.
    with translation.override(language):
        shown = date_format(recorded.astimezone(ZoneInfo(timezone)), "SHORT_DATETIME_FORMAT")
    assert clock in shown
    assert f"<td>{shown}</td>" in page
    if language == "de":
        assert f"<td>15.01.2026 {clock}</td>" in page


@pytest.mark.django_db
def test_summer_time_moves_the_shown_hour(org: Org) -> None:
    ps = _self_rate(org.employee, "Python", 3)
    Assertion.objects.filter(person=org.employee, skill=ps.skill).update(
        created_at=datetime(2026, 7, 15, 22, 30, tzinfo=UTC)
    )
    client = _speaks(org.employee, "de", "Europe/Berlin")
    page = _page(client, "people:skill_history", org.employee.pk, ps.skill_id)
    assert "<td>16.07.2026 00:30</td>" in page  # CEST, UTC+2: already the next day
