from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from seedbed.frameworks.models import Importance, Role
from seedbed.skills.models import Skill


class RoleForm(forms.ModelForm):
    class Meta:
        model = Role
        fields = ["name", "description", "is_active"]

    def validate_unique(self) -> None:
        pass


class RequirementForm(forms.Form):
    skill = forms.ModelChoiceField(label=_("Skill"), queryset=Skill.objects.active())
    required_level = forms.IntegerField(label=_("Required level"), min_value=0, max_value=20)
    importance = forms.TypedChoiceField(
        label=_("Importance"), coerce=int, choices=Importance.choices, initial=Importance.IMPORTANT
    )
