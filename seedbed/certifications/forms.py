"""HTML input for certification kinds, certificates and the compliance filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from seedbed.certifications.models import Certification
from seedbed.certifications.selectors import Status
from seedbed.certifications.services import MAX_VALIDITY_MONTHS, max_attachment_bytes
from seedbed.frameworks.models import Role
from seedbed.people.models import Team
from seedbed.skills.models import Skill


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class SkillByNameField(forms.CharField):
    """A skill typed by its name (or an alias), so the form need not list the whole taxonomy."""

    def clean(self, value: Any) -> Skill | None:  # type: ignore[override]
        text = " ".join(str(super().clean(value) or "").split())
        if not text:
            return None
        skill = Skill.objects.active().filter(name__iexact=text).first()
        if skill is None:
            matches = list(Skill.objects.active().search(text)[:2])
            if len(matches) == 1:
                return matches[0]
            raise forms.ValidationError(
                _("No skill is named “%(name)s”; use the name shown on the Skills page.")
                % {"name": text[:100]}
            )
        return skill


class CertificationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    issuer = forms.CharField(label=_("Issuer"), max_length=200, required=False)
    skill = SkillByNameField(
        label=_("Skill it proves"),
        required=False,
        max_length=200,
        help_text=_("Optional. A verified certificate records this skill at the level below."),
    )
    level = forms.IntegerField(
        label=_("Level it proves"), min_value=0, max_value=20, required=False
    )
    validity_months = forms.IntegerField(
        label=_("Valid for (months)"),
        min_value=1,
        max_value=MAX_VALIDITY_MONTHS,
        required=False,
        help_text=_("Empty: does not expire."),
    )
    roles = forms.ModelMultipleChoiceField(
        label=_("Required by roles"),
        queryset=Role.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl or ⌘ to pick several."),
    )

    @classmethod
    def initial_for(cls, kind: Certification) -> dict[str, Any]:
        return {
            "name": kind.name,
            "issuer": kind.issuer,
            "skill": kind.skill.name if kind.skill else "",
            "level": kind.level,
            "validity_months": kind.validity_months,
            "roles": list(kind.roles.all()),
        }


class CertificateForm(forms.Form):
    """Add a certificate (``kind`` shown) or correct one (``kind`` hidden: it stays)."""

    certification = forms.ModelChoiceField(
        label=_("Certification"), queryset=Certification.objects.order_by("name")
    )
    number = forms.CharField(label=_("Certificate number"), max_length=100, required=False)
    issued_on = forms.DateField(label=_("Issued on"), widget=DateInput)
    expires_on = forms.DateField(
        label=_("Expires on"),
        widget=DateInput,
        required=False,
        help_text=_("Leave empty to use the certification's validity."),
    )
    attachment = forms.FileField(
        label=_("Scan of the certificate"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args: Any, with_kind: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachment"].help_text = _("PDF, PNG or JPEG, at most %(mb)s MB.") % {
            "mb": max_attachment_bytes() // 1024 // 1024
        }
        if not with_kind:
            del self.fields["certification"]
            del self.fields["attachment"]


class AttachmentForm(forms.Form):
    attachment = forms.FileField(label=_("Scan of the certificate"))


class ComplianceFilterForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.order_by("name"), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any")), *Status.choices], required=False
    )
    certification = forms.ModelChoiceField(
        label=_("Certification"), queryset=Certification.objects.order_by("name"), required=False
    )
