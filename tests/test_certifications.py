"""Certification services: kinds (HR), the one-click kinds for regulated skills, certificates
per actor, verification as skill evidence, attachment checks by content, expiry reminders
(time-travel through ``today=``) and compliance statuses at their boundaries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from seedbed.accounts.models import AuditLog
from seedbed.certifications import selectors, services
from seedbed.certifications.models import Certification, HeldCertification
from seedbed.certifications.selectors import Status
from seedbed.frameworks.models import Role
from seedbed.lib.errors import Conflict, NotAllowed, ServiceError
from seedbed.notifications.models import Kind, Notification
from seedbed.skills.models import Assertion, PersonSkill, Skill, Source
from tests.builders import make_person, make_skill, require

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 40
TODAY = date(2026, 6, 15)


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def bls(org) -> Certification:  # type: ignore[no-untyped-def]
    """Basic Life Support: proves First aid at level 3, valid 24 months, required of the
    developers (the employee, report2, lead and manager have that role)."""
    first_aid = make_skill("First aid", requires_certification=True)
    kind = services.save_certification(
        actor=org.user("admin"),
        data=services.KindData(
            name="Basic Life Support",
            issuer="Red Cross",
            skill=first_aid,
            level=3,
            validity_months=24,
            roles=[org.employee.role],
        ),
    )
    return kind


def add(org, who: str, person=None, **kw) -> HeldCertification:  # type: ignore[no-untyped-def]
    kw.setdefault("issued_on", TODAY - timedelta(days=30))
    kw.setdefault("today", TODAY)
    return services.add_certificate(actor=org.user(who), person=person or getattr(org, who), **kw)


# --- kinds ----------------------------------------------------------------------------------


def test_only_hr_manages_kinds(org, bls):
    for who in ("manager", "employee", "outsider"):
        with pytest.raises(NotAllowed):
            services.save_certification(
                actor=org.user(who), data=services.KindData(name="Forklift licence")
            )
        with pytest.raises(NotAllowed):
            services.delete_certification(actor=org.user(who), certification=bls)
    assert list(bls.roles.all()) == [org.employee.role]
    assert AuditLog.objects.filter(action="certification.create").count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "  "}, "name", "needs a name"),
        ({"name": "X", "level": 3}, "skill", "Choose the skill"),
        ({"name": "X", "validity_months": 0}, "validity_months", "between 1 and 600"),
        ({"name": "basic life support", "issuer": "Red Cross"}, "name", "already exists"),
    ],
)
def test_kind_input_is_checked(org, bls, data, field, message):
    with pytest.raises(ServiceError) as exc:
        services.save_certification(actor=org.user("admin"), data=services.KindData(**data))
    assert exc.value.field == field and message in exc.value.message


def test_kind_level_must_fit_the_skill_scale(org, bls):
    with pytest.raises(ServiceError, match="outside the scale"):
        services.save_certification(
            actor=org.user("admin"),
            certification=bls,
            data=services.KindData(name=bls.name, skill=bls.skill, level=9),
        )


def test_a_kind_someone_holds_cannot_be_deleted(org, bls):
    add(org, "employee", certification=bls)
    with pytest.raises(Conflict, match="1 certificate of this kind"):
        services.delete_certification(actor=org.user("admin"), certification=bls)


def test_one_click_kinds_for_regulated_skills(org):
    welding = make_skill("Welding", requires_certification=True)
    gas = make_skill("Gas safety", requires_certification=True)
    make_skill("Electrical safety", requires_certification=True, is_active=False)
    make_skill("Painting")
    fitter, senior = Role.objects.create(name="Fitter"), Role.objects.create(name="Senior fitter")
    require(fitter, welding, 2)
    require(senior, welding, 4)
    created = services.create_kinds_for_regulated_skills(actor=org.user("admin"))
    assert [(c.name, c.skill, c.level, c.validity_months) for c in created] == [
        ("Gas safety", gas, None, None),
        ("Welding", welding, 4, None),
    ]
    assert set(created[1].roles.all()) == {fitter, senior}
    # Idempotent: nothing left to create.
    assert services.create_kinds_for_regulated_skills(actor=org.user("admin")) == []
    with pytest.raises(NotAllowed):
        services.create_kinds_for_regulated_skills(actor=org.user("manager"))


# --- certificates and evidence ------------------------------------------------------------


def test_expiry_defaults_to_issue_plus_validity(org, bls):
    held = add(org, "employee", certification=bls, issued_on=date(2024, 2, 29))
    assert held.expires_on == date(2026, 2, 28)  # 24 months later, clamped to the month
    never = services.save_certification(
        actor=org.user("admin"), data=services.KindData(name="Degree")
    )
    assert add(org, "employee", certification=never).expires_on is None


@pytest.mark.parametrize(
    ("issued", "expires", "field"),
    [
        (TODAY + timedelta(days=1), None, "issued_on"),
        (TODAY - timedelta(days=10), TODAY - timedelta(days=10), "expires_on"),
        (date(1900, 1, 1), None, "issued_on"),
    ],
)
def test_bad_dates_are_refused(org, bls, issued, expires, field):
    with pytest.raises(ServiceError) as exc:
        add(org, "employee", certification=bls, issued_on=issued, expires_on=expires)
    assert exc.value.field == field


def test_the_same_certificate_is_not_recorded_twice(org, bls):
    add(org, "employee", certification=bls, issued_on=date(2026, 1, 5))
    with pytest.raises(Conflict, match="issued on 2026-01-05, is already on record"):
        add(org, "manager", person=org.employee, certification=bls, issued_on=date(2026, 1, 5))


def test_who_may_add_certificates(org, bls):
    # Own; the manager for his whole line (report2 reports to the lead); HR for anyone.
    add(org, "employee", certification=bls)
    add(org, "manager", person=org.report2, certification=bls)
    add(org, "admin", person=org.outsider, certification=bls)
    for who, person in [
        ("outsider", org.employee),
        ("outsider_manager", org.employee),
        ("employee", org.report2),
        ("lead", org.employee),
    ]:
        with pytest.raises(NotAllowed):
            add(org, who, person=person, certification=bls)
    assert HeldCertification.objects.count() == 3


def test_own_certificate_waits_for_verification_before_it_counts(org, bls):
    held = add(org, "employee", certification=bls, number="BLS-1")
    assert held.verified_by is None
    assert not Assertion.objects.filter(source=Source.CERTIFICATION).exists()
    with pytest.raises(NotAllowed):  # not by the holder, not by an outsider
        services.verify_certificate(actor=org.user("employee"), held=held, today=TODAY)
    with pytest.raises(NotAllowed):
        services.verify_certificate(actor=org.user("outsider_manager"), held=held, today=TODAY)
    services.verify_certificate(actor=org.user("manager"), held=held, today=TODAY)
    assertion = Assertion.objects.get(source=Source.CERTIFICATION)
    assert (assertion.person, assertion.skill.name, assertion.level) == (
        org.employee,
        "First aid",
        3,
    )
    assert "Basic Life Support (Red Cross) (BLS-1)" in assertion.note
    assert assertion.rater == org.user("manager")
    ps = PersonSkill.objects.get(person=org.employee, skill=bls.skill)
    assert ps.level == 3 and ps.source == Source.CERTIFICATION and not ps.pending_validation
    with pytest.raises(Conflict):
        services.verify_certificate(actor=org.user("admin"), held=held, today=TODAY)


def test_certificate_added_by_the_manager_is_verified_and_records_evidence(org, bls):
    held = add(org, "manager", person=org.employee, certification=bls)
    assert held.verified_by == org.user("manager")
    assert PersonSkill.objects.get(person=org.employee, skill=bls.skill).level == 3
    assert AuditLog.objects.filter(action="assertion.certification").count() == 1


def test_expired_certificate_records_no_evidence(org, bls):
    add(
        org,
        "admin",
        person=org.employee,
        certification=bls,
        issued_on=TODAY - timedelta(days=900),
        expires_on=TODAY - timedelta(days=1),
    )
    assert not Assertion.objects.exists()


def test_holder_changes_only_unverified_certificates(org, bls):
    own = add(org, "employee", certification=bls)
    services.update_certificate(
        actor=org.user("employee"),
        held=own,
        issued_on=own.issued_on,
        expires_on=None,
        number="N-2",
        today=TODAY,
    )
    services.verify_certificate(actor=org.user("manager"), held=own, today=TODAY)
    with pytest.raises(NotAllowed, match="verified"):
        services.update_certificate(
            actor=org.user("employee"),
            held=own,
            issued_on=own.issued_on,
            expires_on=None,
            number="N-3",
            today=TODAY,
        )
    with pytest.raises(NotAllowed):
        services.delete_certificate(actor=org.user("employee"), held=own)
    with pytest.raises(NotAllowed):
        services.delete_certificate(actor=org.user("outsider"), held=own)
    services.delete_certificate(actor=org.user("manager"), held=own)
    assert not HeldCertification.objects.exists()
    # Evidence stays: skill history is append-only.
    assert Assertion.objects.filter(source=Source.CERTIFICATION).count() == 1


# --- attachments ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "ext"),
    [
        ("scan.pdf", PDF, "pdf"),
        ("photo.png", PNG, "png"),
        ("photo.jpeg", JPEG, "jpg"),
        ("really-a-png.pdf", PNG, "png"),  # stored by what it is, not what it is called
    ],
)
def test_attachments_are_kept_by_their_sniffed_type(org, bls, name, content, ext, settings):
    held = add(org, "employee", certification=bls, attachment=upload(name, content))
    assert held.attachment.name.endswith(f".{ext}")
    assert held.attachment.name.startswith(f"certificates/{org.employee.pk}/")
    assert (settings.MEDIA_ROOT / held.attachment.name).read_bytes() == content
    assert (
        services.content_type_for(held.attachment.name)
        == {
            "pdf": "application/pdf",
            "png": "image/png",
            "jpg": "image/jpeg",
        }[ext]
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.pdf", EXE, "setup.pdf is not a PDF, PNG or JPEG file"),
        ("notes.txt", b"hello", "is not a PDF, PNG or JPEG"),
        ("empty.pdf", b"", "The attachment is empty."),
    ],
)
def test_bad_attachments_are_refused_with_a_message(org, bls, name, content, message):
    with pytest.raises(ServiceError) as exc:
        add(org, "employee", certification=bls, attachment=upload(name, content))
    assert exc.value.field == "attachment" and message in exc.value.message
    assert not HeldCertification.objects.exists()


def test_attachment_size_limit_is_configurable(org, bls, settings):
    settings.CERTIFICATE_MAX_MB = 1
    big = PDF + b"\x00" * (1024 * 1024)
    with pytest.raises(ServiceError, match=r"1\.0 MB; the limit is 1 MB"):
        add(org, "employee", certification=bls, attachment=upload("big.pdf", big))
    settings.CERTIFICATE_MAX_MB = 2
    assert add(org, "employee", certification=bls, attachment=upload("big.pdf", big)).attachment


def test_replacing_a_scan_removes_the_old_file(
    org, bls, settings, django_capture_on_commit_callbacks
):
    held = add(org, "employee", certification=bls, attachment=upload("a.pdf", PDF))
    old = settings.MEDIA_ROOT / held.attachment.name
    with django_capture_on_commit_callbacks(execute=True):
        services.attach_file(actor=org.user("manager"), held=held, upload=upload("b.png", PNG))
    assert not old.exists() and held.attachment.name.endswith(".png")
    with pytest.raises(NotAllowed):
        services.attach_file(actor=org.user("outsider"), held=held, upload=upload("c.pdf", PDF))


# --- reminders --------------------------------------------------------------------------


def _reminders() -> list[tuple[str, str]]:
    return [
        (n.recipient.full_name, n.title)
        for n in Notification.objects.filter(kind=Kind.CERTIFICATE_EXPIRY).order_by("id")
    ]


def test_reminders_at_60_30_and_7_days_each_once(org, bls, django_capture_on_commit_callbacks):
    expires = TODAY + timedelta(days=70)
    held = add(org, "employee", certification=bls, expires_on=expires)
    sent = []
    with django_capture_on_commit_callbacks(execute=True):
        for offset in range(0, 71):  # every day until expiry, twice a day
            day = TODAY + timedelta(days=offset)
            sent.append(services.send_expiry_reminders(today=day))
            sent.append(services.send_expiry_reminders(today=day))
    days = [(i // 2) for i, n in enumerate(sent) if n]
    assert days == [10, 40, 63]  # 60, 30 and 7 days before expiry
    held.refresh_from_db()
    assert held.reminders_sent == [60, 30, 7]
    assert _reminders() == [
        ("Emil Employee", "Your certificate Basic Life Support expires in 60 days"),
        ("Max Manager", "Emil Employee's certificate Basic Life Support expires in 60 days"),
        ("Emil Employee", "Your certificate Basic Life Support expires in 30 days"),
        ("Max Manager", "Emil Employee's certificate Basic Life Support expires in 30 days"),
        ("Emil Employee", "Your certificate Basic Life Support expires in 7 days"),
        ("Max Manager", "Emil Employee's certificate Basic Life Support expires in 7 days"),
    ]
    assert len(mail.outbox) == 6 and mail.outbox[0].to == [org.employee.email]
    assert "expires on 24 Aug 2026" in mail.outbox[4].body


def test_late_certificate_gets_one_reminder_not_a_backlog(org, bls):
    held = add(org, "employee", certification=bls, expires_on=TODAY + timedelta(days=20))
    assert services.send_expiry_reminders(today=TODAY) == 1
    held.refresh_from_db()
    assert held.reminders_sent == [60, 30]
    assert services.send_expiry_reminders(today=TODAY + timedelta(days=5)) == 0
    assert services.send_expiry_reminders(today=TODAY + timedelta(days=13)) == 1
    assert len(_reminders()) == 4


def test_renewed_and_former_holders_get_no_reminder(org, bls):
    add(org, "employee", certification=bls, expires_on=TODAY + timedelta(days=7))
    add(org, "employee", certification=bls, issued_on=TODAY, expires_on=TODAY + timedelta(days=700))
    leaver = make_person("Lena Left", manager=org.manager, is_active=False)
    HeldCertification.objects.create(
        person=leaver, certification=bls, issued_on=TODAY, expires_on=TODAY + timedelta(days=7)
    )
    assert services.send_expiry_reminders(today=TODAY) == 0
    assert _reminders() == []


def test_reminder_days_are_configurable_and_the_housekeeping_sends_them(org, bls, settings):
    from seedbed.surveys.tasks import daily_housekeeping

    settings.CERTIFICATE_REMINDER_DAYS = [90]
    add(org, "employee", certification=bls, expires_on=date.today() + timedelta(days=80))
    result = daily_housekeeping.enqueue().return_value
    assert result["certificates"] == 1
    assert _reminders()[0][1].endswith("expires in 80 days")


def test_reminder_without_a_manager_goes_to_the_holder_only(org, bls):
    add(org, "admin", certification=bls, expires_on=TODAY + timedelta(days=30))
    services.send_expiry_reminders(today=TODAY)
    assert [n for n, _t in _reminders()] == ["Hana Admin"]


# --- compliance -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "status"),
    [
        (None, Status.COMPLIANT),
        (61, Status.COMPLIANT),
        (60, Status.EXPIRING),
        (0, Status.EXPIRING),
        (-1, Status.EXPIRED),
    ],
)
def test_compliance_status_at_the_boundaries(org, bls, days_left, status):
    expires = None if days_left is None else TODAY + timedelta(days=days_left)
    HeldCertification.objects.create(
        person=org.employee,
        certification=bls,
        issued_on=TODAY - timedelta(days=400),
        expires_on=expires,
    )
    report = selectors.compliance(org.user("admin"), certification_id=bls.pk, today=TODAY)
    by_person = {r.person_name: r.status for r in report.rows}
    assert by_person["Emil Employee"] == status
    assert by_person["Rita Report"] == Status.MISSING


def test_compliance_takes_the_best_certificate_and_counts_per_status(org, bls):
    for days in (-100, 45):  # an old expired one and a renewal expiring soon
        HeldCertification.objects.create(
            person=org.employee,
            certification=bls,
            issued_on=TODAY - timedelta(days=700),
            expires_on=TODAY + timedelta(days=days),
        )
    HeldCertification.objects.create(
        person=org.report2, certification=bls, issued_on=TODAY, expires_on=TODAY - timedelta(1)
    )
    report = selectors.compliance(org.user("manager"), today=TODAY)
    rows = {r.person_name: r.status for r in report.rows}
    assert rows == {
        "Emil Employee": Status.EXPIRING,
        "Lea Lead": Status.MISSING,
        "Max Manager": Status.MISSING,
        "Rita Report": Status.EXPIRED,
    }
    assert report.counts == {"compliant": 0, "expiring": 1, "expired": 1, "missing": 2}
    only = selectors.compliance(org.user("manager"), status="missing", today=TODAY)
    assert [r.person_name for r in only.rows] == ["Lea Lead", "Max Manager"]
    assert only.counts == report.counts  # counts ignore the status filter


def test_compliance_is_scoped(org, bls):
    org.outsider.role = org.employee.role
    org.outsider.save(update_fields=["role"])
    names = lambda who: {r.person_name for r in selectors.compliance(org.user(who)).rows}  # noqa: E731
    assert names("admin") == {
        "Emil Employee",
        "Lea Lead",
        "Max Manager",
        "Rita Report",
        "Olga Outsider",
    }
    assert names("manager") == {"Emil Employee", "Lea Lead", "Max Manager", "Rita Report"}
    assert names("lead") == {"Lea Lead", "Rita Report"}
    assert names("outsider_manager") == {"Olga Outsider"}
    team = selectors.compliance(org.user("admin"), team_id=org.outsider.team_id).rows
    assert [r.person_name for r in team] == ["Olga Outsider"]


def test_people_without_a_requiring_role_have_no_rows(org, bls):
    assert Skill.objects.filter(name="First aid").exists()
    report = selectors.compliance(org.user("outsider_manager"))
    assert report.rows == [] and report.total == 0
