"""Setting a first password and resetting one by email."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from seedbed.accounts.models import User
from seedbed.accounts.services import login_blocked
from seedbed.people.services import link_user
from tests.builders import make_person

pytestmark = pytest.mark.django_db


def test_imported_login_without_password_can_set_one(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    person = make_person("Nina New")
    user = link_user(person=person, access_level="employee")
    assert not user.has_usable_password()
    client = Client()
    response = client.post(reverse("accounts:password_reset"), {"email": person.email.upper()})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "Choose a password" in form.content.decode()
    new = "sturdy-otter-harbour-91"
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"new_password1": new, "new_password2": new},
    )
    assert done.status_code == 302
    assert User.objects.get(pk=user.pk).check_password(new)
    assert Client().login(username=person.email, password=new)


def test_unknown_email_gets_the_same_answer_and_no_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    response = Client().post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302 and response["Location"] == reverse(
        "accounts:password_reset_done"
    )
    assert mail.outbox == []


def test_inactive_user_gets_no_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    person = make_person("Old Timer", access="employee")
    User.objects.filter(pk=person.user_id).update(is_active=False)
    Client().post(reverse("accounts:password_reset"), {"email": person.email})
    assert mail.outbox == []


def test_reset_requests_are_rate_limited_per_address_without_telling(settings):
    """Over the limit the form answers as always (no account enumeration) but sends nothing,
    so it cannot flood a mailbox; sign-in throttling is not affected."""
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.PASSWORD_RESET_MAX_PER_WINDOW = 2
    person = make_person("Rhea Reset")
    link_user(person=person, access_level="employee")
    client = Client()
    for _ in range(4):
        response = client.post(reverse("accounts:password_reset"), {"email": person.email})
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 2
    # Another client address still gets its email for another account.
    other = make_person("Omar Other")
    link_user(person=other, access_level="employee")
    Client(REMOTE_ADDR="10.9.8.7").post(reverse("accounts:password_reset"), {"email": other.email})
    assert len(mail.outbox) == 3
    assert not login_blocked(email=person.email, address="127.0.0.1")
