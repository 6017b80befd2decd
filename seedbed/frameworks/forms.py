from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from seedbed.accounts.models import AccessLevel
from seedbed.frameworks.models import Importance, Priority, Role, StrategicNeed
from seedbed.frameworks.selectors import NEED_STATUSES
from seedbed.people.models import Person
from seedbed.skills.models import Skill


class RoleForm(forms.ModelForm):
    class Meta:
        model = Role
        fields = ["name", "description", "is_active"]

    def validate_unique(self) -> None:
        pass


class RequirementForm(forms.Form):
    """The skill comes from the picker (a hidden id), not from a select of every skill."""

    skill = forms.ModelChoiceField(
        label=_("Skill"), queryset=Skill.objects.active(), widget=forms.HiddenInput
    )
    required_level = forms.IntegerField(label=_("Required level"), min_value=0, max_value=20)
    importance = forms.TypedChoiceField(
        label=_("Importance"), coerce=int, choices=Importance.choices, initial=Importance.IMPORTANT
    )


class NextRolesForm(forms.Form):
    next_roles = forms.ModelMultipleChoiceField(
        label=_("Next roles on the career path"),
        queryset=Role.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "Roles people in this role usually move on to. Hold Ctrl or ⌘ to pick several."
        ),
    )

    def __init__(self, *args: Any, role: Role, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["next_roles"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Role.objects.filter(is_active=True).exclude(pk=role.pk).order_by("name")


class CompareForm(forms.Form):
    a = forms.ModelChoiceField(label=_("Role A"), queryset=Role.objects.order_by("name"))
    b = forms.ModelChoiceField(label=_("Role B"), queryset=Role.objects.order_by("name"))


class TargetRoleForm(forms.Form):
    role = forms.ModelChoiceField(
        label=_("Role I am working towards"),
        queryset=Role.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=_("— no target role —"),
    )


class ReadinessRoleForm(forms.Form):
    role = forms.ModelChoiceField(
        label=_("Readiness for"), queryset=Role.objects.filter(is_active=True).order_by("name")
    )


class NeedForm(forms.ModelForm):
    """A need's figures; the skill is chosen with the picker and passed as a hidden id."""

    skill = forms.ModelChoiceField(
        label=_("Skill"), queryset=Skill.objects.all(), widget=forms.HiddenInput
    )

    class Meta:
        model = StrategicNeed
        fields = ["skill", "level", "headcount", "due_date", "priority", "owner", "goal"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "goal": _("The business goal this capability serves, e.g. “launch the data platform”."),
            "owner": _("Who is accountable for closing the gap."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        # Owners are people who lead: managers and admins (a short list, unlike everyone).
        owner.queryset = (
            Person.objects.active()
            .filter(user__access_level__in=[AccessLevel.MANAGER, AccessLevel.ADMIN])
            .order_by("full_name")
        )
        for name in ("level", "headcount"):
            self.fields[name].widget.attrs["min"] = 0 if name == "level" else 1

    def validate_unique(self) -> None:
        pass


class NeedFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("open", _("Open")),
            ("overdue", _("Overdue")),
            ("met", _("Met")),
            ("archived", _("Archived")),
            ("all", _("All")),
        ],
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any")), *Priority.choices],
    )
    q = forms.CharField(label=_("Skill"), required=False, max_length=100)

    def clean_status(self) -> str:
        value = self.cleaned_data.get("status") or "open"
        return value if value in NEED_STATUSES else "open"
