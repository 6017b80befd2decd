"""API: certification kinds (HR manages, everyone reads), certificates (the holder, their
managers and HR) with scan upload and download, and compliance (managers and HR). Reads are
scoped through ``HeldCertification.objects.visible_to`` and ``people_in_scope``; writes go
through ``seedbed.certifications.services``, which check permission."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import File, Path, Query, Router, Status, UploadedFile
from ninja.pagination import paginate

from seedbed.accounts.models import AccessLevel
from seedbed.certifications import selectors, services
from seedbed.certifications.models import Certification, HeldCertification
from seedbed.certifications.schemas import (
    CertificateFilter,
    CertificateIn,
    CertificateOut,
    CertificateUpdateIn,
    CertificationFilter,
    CertificationIn,
    CertificationOut,
    ComplianceFilter,
    ComplianceRowOut,
    ComplianceSummaryOut,
)
from seedbed.frameworks.models import Role
from seedbed.lib.errors import NotFound
from seedbed.lib.schemas import ERRORS, AuthedRequest, Id, Pagination
from seedbed.skills.models import Skill

router = Router(tags=["certifications"])

DOWNLOAD_RESPONSE = {
    "responses": {
        200: {
            "description": "The scan, as a download.",
            "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                "image/png": {"schema": {"type": "string", "format": "binary"}},
                "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
}


# --- kinds ---------------------------------------------------------------------------------


def _kind(kind_id: int) -> Certification:
    kind = Certification.objects.prefetch_related("roles").filter(pk=kind_id).first()
    if kind is None:
        raise NotFound(_("No certification with id %(id)s.") % {"id": kind_id})
    return kind


def _kind_data(payload: CertificationIn) -> services.KindData:
    skill = None
    if payload.skill_id is not None:
        skill = Skill.objects.filter(pk=payload.skill_id).first()
        if skill is None:
            raise NotFound(
                _("No skill with id %(id)s.") % {"id": payload.skill_id}, field="skill_id"
            )
    roles = list(Role.objects.filter(pk__in=payload.role_ids))
    missing = set(payload.role_ids) - {r.pk for r in roles}
    if missing:
        raise NotFound(_("No role with id %(id)s.") % {"id": min(missing)}, field="role_ids")
    return services.KindData(
        name=payload.name,
        issuer=payload.issuer,
        skill=skill,
        level=payload.level,
        validity_months=payload.validity_months,
        roles=roles,
    )


@router.get("/certifications", response={200: list[CertificationOut], **ERRORS})
@paginate(Pagination)
def list_certifications(
    request: AuthedRequest, filters: Query[CertificationFilter]
) -> QuerySet[Certification]:
    """The certification kinds the organisation tracks, by name."""
    qs = Certification.objects.select_related("skill").prefetch_related("roles")
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(issuer__icontains=filters.q))
    if filters.role is not None:
        qs = qs.filter(roles=filters.role)
    return qs.order_by("name", "issuer", "id")


@router.post("/certifications", response={201: CertificationOut, **ERRORS, 409: ERRORS[400]})
def create_certification(request: AuthedRequest, payload: CertificationIn) -> Status[Any]:
    """Create a certification kind (HR)."""
    kind = services.save_certification(actor=request.user, data=_kind_data(payload))
    return Status(201, _kind(kind.pk))


@router.post(
    "/certifications/from-regulated-skills",
    response={200: list[CertificationOut], **ERRORS},
)
def create_for_regulated_skills(request: AuthedRequest) -> list[Certification]:
    """One kind per active skill marked "requires certification" that no kind proves yet (HR);
    returns those created."""
    created = services.create_kinds_for_regulated_skills(actor=request.user)
    return list(
        Certification.objects.filter(pk__in=[c.pk for c in created])
        .select_related("skill")
        .prefetch_related("roles")
        .order_by("name")
    )


@router.get("/certifications/{certification_id}", response={200: CertificationOut, **ERRORS})
def read_certification(request: AuthedRequest, certification_id: Path[Id]) -> Certification:
    return _kind(certification_id)


@router.put(
    "/certifications/{certification_id}",
    response={200: CertificationOut, **ERRORS, 409: ERRORS[400]},
)
def update_certification(
    request: AuthedRequest, certification_id: Path[Id], payload: CertificationIn
) -> Certification:
    """Replace a kind's fields (HR); role_ids is the complete list."""
    kind = _kind(certification_id)
    services.save_certification(actor=request.user, certification=kind, data=_kind_data(payload))
    return _kind(certification_id)


@router.delete(
    "/certifications/{certification_id}", response={204: None, **ERRORS, 409: ERRORS[400]}
)
def delete_certification(request: AuthedRequest, certification_id: Path[Id]) -> Status[None]:
    """Delete a kind nobody holds (HR)."""
    services.delete_certification(actor=request.user, certification=_kind(certification_id))
    return Status(204, None)


# --- certificates --------------------------------------------------------------------------


def _certificates(request: AuthedRequest) -> QuerySet[HeldCertification]:
    return HeldCertification.objects.visible_to(request.user).select_related(
        "person", "certification", "verified_by"
    )


def _certificate(request: AuthedRequest, certificate_id: int) -> HeldCertification:
    held = _certificates(request).filter(pk=certificate_id).first()
    if held is None:
        raise NotFound(_("No certificate with id %(id)s.") % {"id": certificate_id})
    return held


@router.get("/certificates", response={200: list[CertificateOut], **ERRORS})
@paginate(Pagination)
def list_certificates(
    request: AuthedRequest, filters: Query[CertificateFilter]
) -> QuerySet[HeldCertification]:
    """Certificates you may see (your own, your reporting line's; HR everyone's), soonest
    expiry first (those that never expire last)."""
    qs = _certificates(request)
    if filters.person is not None:
        qs = qs.filter(person_id=filters.person)
    if filters.certification is not None:
        qs = qs.filter(certification_id=filters.certification)
    if filters.expires_before is not None:
        qs = qs.filter(expires_on__lt=filters.expires_before)
    return qs.order_by("expires_on", "id")


@router.post("/certificates", response={201: CertificateOut, **ERRORS, 409: ERRORS[400]})
def add_certificate(request: AuthedRequest, payload: CertificateIn) -> Status[Any]:
    """Record a certificate for yourself or someone in your reporting line (HR: anyone).
    Upload the scan afterwards to ``/certificates/{id}/attachment``."""
    person = selectors.people_in_scope(request.user).filter(pk=payload.person_id).first()
    if person is None:
        raise NotFound(
            _("No person with id %(id)s.") % {"id": payload.person_id}, field="person_id"
        )
    kind = Certification.objects.filter(pk=payload.certification_id).first()
    if kind is None:
        raise NotFound(
            _("No certification with id %(id)s.") % {"id": payload.certification_id},
            field="certification_id",
        )
    held = services.add_certificate(
        actor=request.user,
        person=person,
        certification=kind,
        issued_on=payload.issued_on,
        expires_on=payload.expires_on,
        number=payload.number,
    )
    return Status(201, _certificate(request, held.pk))


@router.get("/certificates/{certificate_id}", response={200: CertificateOut, **ERRORS})
def read_certificate(request: AuthedRequest, certificate_id: Path[Id]) -> HeldCertification:
    return _certificate(request, certificate_id)


@router.put("/certificates/{certificate_id}", response={200: CertificateOut, **ERRORS})
def update_certificate(
    request: AuthedRequest, certificate_id: Path[Id], payload: CertificateUpdateIn
) -> HeldCertification:
    """Correct number and dates (the holder until verified; managers and HR always)."""
    services.update_certificate(
        actor=request.user,
        held=_certificate(request, certificate_id),
        issued_on=payload.issued_on,
        expires_on=payload.expires_on,
        number=payload.number,
    )
    return _certificate(request, certificate_id)


@router.delete("/certificates/{certificate_id}", response={204: None, **ERRORS, 409: ERRORS[400]})
def delete_certificate(request: AuthedRequest, certificate_id: Path[Id]) -> Status[None]:
    services.delete_certificate(actor=request.user, held=_certificate(request, certificate_id))
    return Status(204, None)


@router.post(
    "/certificates/{certificate_id}/verify",
    response={200: CertificateOut, **ERRORS, 409: ERRORS[400]},
)
def verify_certificate(request: AuthedRequest, certificate_id: Path[Id]) -> HeldCertification:
    """The holder's manager or HR confirms it; a kind that proves a skill then records it."""
    services.verify_certificate(actor=request.user, held=_certificate(request, certificate_id))
    return _certificate(request, certificate_id)


@router.post("/certificates/{certificate_id}/attachment", response={200: CertificateOut, **ERRORS})
def upload_attachment(
    request: AuthedRequest, certificate_id: Path[Id], attachment: File[UploadedFile]
) -> HeldCertification:
    """Upload (or replace) the scan: multipart field ``attachment``, a PDF, PNG or JPEG
    recognised by its content, at most the configured size (default 5 MB)."""
    services.attach_file(
        actor=request.user, held=_certificate(request, certificate_id), upload=attachment
    )
    return _certificate(request, certificate_id)


@router.get(
    "/certificates/{certificate_id}/attachment",
    response={**ERRORS},
    url_name="certificate_attachment",
    openapi_extra=DOWNLOAD_RESPONSE,
)
def download_attachment(request: AuthedRequest, certificate_id: Path[Id]) -> FileResponse:
    """The scan as a download (404 if there is none)."""
    opened = services.open_attachment(_certificate(request, certificate_id))
    if opened is None:
        raise NotFound(_("This certificate has no scan."))
    handle, filename, content_type = opened
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


# --- compliance ----------------------------------------------------------------------------


def _require_manager(request: AuthedRequest) -> None:
    if request.user.access_level not in (AccessLevel.MANAGER, AccessLevel.ADMIN):
        raise PermissionDenied(_("Compliance is for managers and HR."))


@router.get("/compliance", response={200: list[ComplianceRowOut], **ERRORS})
@paginate(Pagination)
def compliance(request: AuthedRequest, filters: Query[ComplianceFilter]) -> list[Any]:
    """Each active person in your scope (HR: everyone; managers: their reporting line) and each
    certification their role requires, with the status: compliant, expiring (valid but
    expiring within 60 days), expired or missing. By team, person, certification."""
    _require_manager(request)
    return selectors.compliance(
        request.user,
        team_id=filters.team,
        status=filters.status,
        certification_id=filters.certification,
    ).rows


@router.get("/compliance/summary", response={200: ComplianceSummaryOut, **ERRORS})
def compliance_summary(request: AuthedRequest, filters: Query[ComplianceFilter]) -> dict[str, int]:
    """How many rows of each status (the status filter is ignored here)."""
    _require_manager(request)
    return selectors.compliance(
        request.user, team_id=filters.team, certification_id=filters.certification
    ).counts
