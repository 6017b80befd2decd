"""Notifications: written in the recipient's language, mailed as plain text, read in one's own
inbox only; the unread count in the navigation costs one query per page."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from seedbed.notifications import services
from seedbed.notifications.models import Kind, Notification
from seedbed.people.models import Person
from tests.builders import make_person
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


def _notify(*people: Person, link: str = "/skills/mine/", email: bool = True) -> list[Notification]:
    def write(person: Person) -> tuple[str, str, str]:
        # A string Django translates, to show the language each recipient gets.
        return f"Hello {person.full_name}", translation.gettext("Yes"), link

    recipients = Person.objects.filter(pk__in=[p.pk for p in people]).select_related("user")
    return services.notify(recipients=recipients, kind=Kind.STALE_LEVELS, write=write, email=email)


def test_each_notification_is_written_in_its_recipients_language(
    org, django_capture_on_commit_callbacks
):
    user = org.user("employee")
    user.language = "de"
    user.save(update_fields=["language"])
    no_login = make_person("No Login")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(org.employee, org.manager, no_login)
    bodies = dict(Notification.objects.values_list("recipient__full_name", "body"))
    assert bodies == {org.employee.full_name: "Ja", org.manager.full_name: "Yes", "No Login": "Yes"}
    assert len(mail.outbox) == 3
    german = next(m for m in mail.outbox if m.to == [org.employee.email])
    assert german.subject == f"Hello {org.employee.full_name}"
    assert german.message().get_content_type() == "text/plain"
    assert "http://localhost:8000/skills/mine/" in german.body
    assert "http://localhost:8000/inbox/" in german.body
    assert Notification.objects.email_pending().count() == 0


def test_in_app_only_and_erased_people_get_no_mail(org, django_capture_on_commit_callbacks):
    Person.objects.filter(pk=org.outsider.pk).update(erased_at="2026-01-01T00:00Z")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(org.employee, email=False)
        _notify(org.outsider)
    assert mail.outbox == []
    assert Notification.objects.count() == 2


def test_titles_cannot_inject_mail_headers(org, django_capture_on_commit_callbacks):
    def write(person: Person) -> tuple[str, str, str]:
        return "Hi\r\nBcc: evil@example.com", "body", ""

    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipients=Person.objects.filter(pk=org.employee.pk).select_related("user"),
            kind=Kind.STALE_LEVELS,
            write=write,
        )
    assert mail.outbox[0].subject == "Hi Bcc: evil@example.com"
    assert mail.outbox[0].bcc == []


# --- inbox -----------------------------------------------------------------------------------


def test_inbox_shows_only_ones_own_and_opening_marks_read(org, clients):
    mine, theirs = _notify(org.employee, org.outsider)
    html = clients["employee"].get(reverse("notifications:inbox")).content.decode()
    assert f"Hello {org.employee.full_name}" in html and org.outsider.full_name not in html
    assert (
        clients["employee"].get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    )
    response = clients["employee"].get(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/skills/mine/"
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None


def test_opening_never_leaves_the_site(org, clients):
    (note,) = _notify(org.employee, link="//evil.example/")
    response = clients["employee"].get(reverse("notifications:open", args=[note.pk]))
    assert response["Location"] == reverse("notifications:inbox")


def test_mark_read_and_mark_all_read(org, clients):
    first, _second, _third = (_notify(org.employee)[0] for _ in range(3))
    (other,) = _notify(org.outsider)
    client = clients["employee"]
    assert client.post(reverse("notifications:read", args=[other.pk])).status_code == 404
    client.post(reverse("notifications:read", args=[first.pk]))
    unread = client.get(reverse("notifications:inbox") + "?show=unread").content.decode()
    assert unread.count("Mark as read</button>") == 2
    response = client.post(reverse("notifications:read_all"), {"next": "//evil.example/"})
    assert response["Location"] == reverse("notifications:inbox")
    assert "2 notifications marked as read." in client.get(response["Location"]).content.decode()
    assert Notification.objects.filter(read_at__isnull=True).get() == other


def test_navigation_shows_the_unread_count(org, clients):
    _notify(org.employee)
    _notify(org.employee)
    html = clients["employee"].get(reverse("home")).content.decode()
    assert '<span class="badge count">2<span class="visually-hidden"> unread notifications' in html
    Notification.objects.update(read_at="2026-01-01T00:00Z")
    html = clients["employee"].get(reverse("home")).content.decode()
    assert 'class="badge count"' not in html and ">Inbox</a>" in html


def test_home_page_query_budget(org, clients, django_assert_num_queries):
    for _ in range(5):
        _notify(org.employee)
    # session, user; home: own person, open survey tasks, learning card, rated count,
    # required count; navigation: unread notifications (one count, not per row).
    with django_assert_num_queries(2 + 5 + 1):
        response = clients["employee"].get(reverse("home"))
    assert b'class="badge count">5<' in response.content


# --- API -------------------------------------------------------------------------------------


def _api(person: Person) -> Client:
    return Client(headers={"authorization": bearer(person)["HTTP_AUTHORIZATION"]})


def test_api_lists_and_marks_only_ones_own(org):
    first, second = _notify(org.employee)[0], _notify(org.employee)[0]
    (other,) = _notify(org.outsider)
    client = _api(org.employee)
    items = client.get("/api/v1/notifications").json()["items"]
    assert [i["id"] for i in items] == [second.pk, first.pk]
    assert items[0]["link"] == "/skills/mine/" and items[0]["kind"] == "stale_levels"
    assert client.post(f"/api/v1/notifications/{other.pk}/read").status_code == 404
    read = client.post(f"/api/v1/notifications/{first.pk}/read")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert client.get("/api/v1/notifications?unread=true").json()["count"] == 1
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 1}
    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 1}
    assert _api(org.outsider).get("/api/v1/notifications/unread-count").json() == {"unread": 1}
    assert client.get("/api/v1/notifications?kind=bogus").status_code == 422


def test_personal_data_export_lists_notifications_and_erasure_removes_them(org):
    from seedbed.people.services import erase_person, personal_data_export
    from seedbed.surveys.services import launch_campaign

    launch_campaign(
        actor=org.user("admin"),
        name="Check",
        scope="role",
        role=org.employee.role,
        deadline=timezone.localdate(),
    )
    _notify(org.employee)
    data = personal_data_export(actor=org.user("employee"), person=org.employee)
    assert [n["emailed_to"] for n in data["notifications"]] == [org.employee.email]
    assert data["survey_tasks"] == [{"survey": "Check", "status": "open", "completed_at": None}]
    erase_person(actor=org.user("admin"), person=org.employee)
    assert not Notification.objects.filter(recipient=org.employee).exists()


class PickyBackend:
    """A mail server that refuses one address."""

    refused = "rita"

    def __init__(self, **kwargs: object) -> None:
        pass

    def __enter__(self) -> PickyBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def send_messages(self, messages: list) -> int:  # type: ignore[type-arg]
        for message in messages:
            if message.to[0].startswith(self.refused):
                raise ConnectionRefusedError("mailbox unavailable")
            mail.outbox.append(message)
        return len(messages)


def test_sending_goes_through_every_batch_and_tries_each_mail_once(org, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.test_notifications.PickyBackend"}}
    _notify(org.employee, org.manager, org.lead, org.report2, org.outsider)
    assert services.send_pending_emails(batch_size=2) == 4
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        p.email for p in (org.employee, org.manager, org.lead, org.outsider)
    )
    waiting = Notification.objects.email_pending().get()
    assert waiting.recipient == org.report2  # released for a later run
