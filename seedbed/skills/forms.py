from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from seedbed.skills.models import Criticality, Interest, ProficiencyScale, Skill, SkillCategory


class SkillForm(forms.ModelForm):
    aliases_text = forms.CharField(
        label=_("Aliases"),
        required=False,
        max_length=2000,
        help_text=_("Other names people search for, one per line or comma-separated (e.g. k8s)."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Skill
        fields = ["name", "category", "description", "criticality", "external_id", "is_active"]

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["aliases_text"].initial = "\n".join(self.instance.aliases)
        self.fields["category"].queryset = SkillCategory.objects.order_by("name")  # type: ignore[attr-defined]

    def service_data(self) -> dict:
        data = {f: self.cleaned_data[f] for f in self.Meta.fields}
        data["aliases"] = self.cleaned_data["aliases_text"]
        return data


class CategoryForm(forms.ModelForm):
    class Meta:
        model = SkillCategory
        fields = ["name", "parent", "scale", "description"]


class ScaleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    levels = forms.CharField(
        label=_("Levels"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One level per line: number | name | behavioural descriptor, e.g. "
            "“3 | Competent | Works independently on routine tasks”."
        ),
    )

    def clean_levels(self) -> list[tuple[int, str, str]]:
        parsed = []
        for n, line in enumerate(self.cleaned_data["levels"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) < 2 or not parts[0].isdigit():
                raise forms.ValidationError(
                    _("Line %(n)s: write “number | name | descriptor”.") % {"n": n}
                )
            parsed.append(
                (int(parts[0]), parts[1][:60], (parts[2] if len(parts) > 2 else "")[:2000])
            )
        return parsed

    @staticmethod
    def initial_for(scale: ProficiencyScale) -> dict:
        return {
            "name": scale.name,
            "description": scale.description,
            "levels": "\n".join(
                f"{lv.value} | {lv.name} | {lv.descriptor}" for lv in scale.levels.all()
            ),
        }


class RateForm(forms.Form):
    skill = forms.ModelChoiceField(queryset=Skill.objects.active(), widget=forms.HiddenInput)
    level = forms.TypedChoiceField(
        label=_("Level"),
        coerce=int,
        required=False,
        choices=[("", "—")] + [(i, str(i)) for i in range(0, 11)],
        empty_value=None,
    )
    interest = forms.ChoiceField(
        label=_("Interest"), required=False, choices=[("", "—"), *Interest.choices]
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class SkillFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=SkillCategory.objects.all(), required=False
    )
    criticality = forms.ChoiceField(
        label=_("Criticality"), required=False, choices=[("", _("All")), *Criticality.choices]
    )
