"""API schemas for certification kinds, certificates and compliance."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from ninja import Schema
from pydantic import Field

from seedbed.certifications.selectors import Status, status_of
from seedbed.certifications.services import MAX_VALIDITY_MONTHS
from seedbed.lib.schemas import Id, In, Text


class CertificationOut(Schema):
    id: int
    name: str
    issuer: str
    skill_id: int | None = Field(description="The skill a verified certificate proves.")
    skill_name: str | None
    level: int | None = Field(description="The level it proves (None: no level recorded).")
    validity_months: int | None = Field(description="None: does not expire.")
    role_ids: list[int] = Field(description="Roles that require this certification.")

    @staticmethod
    def resolve_skill_name(obj: Any) -> str | None:
        return obj.skill.name if obj.skill_id else None

    @staticmethod
    def resolve_role_ids(obj: Any) -> list[int]:
        return sorted(r.pk for r in obj.roles.all())


class CertificationFilter(In):
    q: Text | None = Field(None, max_length=200, description="Part of the name or issuer.")
    role: Id | None = Field(None, description="Only those this role requires.")


class CertificationIn(In):
    name: Text = Field(min_length=1, max_length=200)
    issuer: Text = Field("", max_length=200)
    skill_id: Id | None = None
    level: int | None = Field(None, ge=0, le=100, description="Needs skill_id.")
    validity_months: int | None = Field(None, ge=1, le=MAX_VALIDITY_MONTHS)
    role_ids: list[Id] = Field(default_factory=list, max_length=500)


class CertificateOut(Schema):
    id: int
    person_id: int
    person_name: str
    certification_id: int
    certification_name: str
    number: str
    issued_on: date
    expires_on: date | None = Field(description="None: does not expire.")
    status: Status = Field(description="compliant, expiring (within 60 days) or expired.")
    verified: bool = Field(description="Checked by a manager or HR (then it counts as evidence).")
    verified_by: str | None
    attachment_url: str | None = Field(description="Download link of the scan, if any.")
    reminders_sent: list[int] = Field(description="Days-before-expiry reminders already sent.")
    created_at: datetime

    @staticmethod
    def resolve_person_name(obj: Any) -> str:
        return str(obj.person.full_name)

    @staticmethod
    def resolve_certification_name(obj: Any) -> str:
        return str(obj.certification.name)

    @staticmethod
    def resolve_status(obj: Any) -> Status:
        return status_of(obj.expires_on, held=True, today=timezone.localdate())

    @staticmethod
    def resolve_verified(obj: Any) -> bool:
        return obj.verified_by_id is not None

    @staticmethod
    def resolve_verified_by(obj: Any) -> str | None:
        return str(obj.verified_by) if obj.verified_by_id else None

    @staticmethod
    def resolve_attachment_url(obj: Any) -> str | None:
        if not obj.attachment:
            return None
        return reverse("api:certificate_attachment", args=[obj.pk])


class CertificateFilter(In):
    person: Id | None = None
    certification: Id | None = None
    expires_before: date | None = Field(None, description="Only those expiring before this day.")


class CertificateIn(In):
    person_id: Id
    certification_id: Id
    number: Text = Field("", max_length=100)
    issued_on: date
    expires_on: date | None = Field(
        None, description="Default: issued_on plus the certification's validity."
    )


class CertificateUpdateIn(In):
    number: Text = Field("", max_length=100)
    issued_on: date
    expires_on: date | None = None


class ComplianceRowOut(Schema):
    person_id: int
    person_name: str
    email: str
    team_id: int | None
    team_name: str
    role_name: str
    certification_id: int
    certification_name: str
    status: Status
    certificate_id: int | None = Field(description="The best certificate held, if any.")
    expires_on: date | None


class ComplianceFilter(In):
    team: Id | None = Field(None, description="A team, with its sub-teams.")
    status: Status | None = None
    certification: Id | None = None


class ComplianceSummaryOut(Schema):
    compliant: int
    expiring: int
    expired: int
    missing: int
