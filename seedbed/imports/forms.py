"""Upload form of the import page (input checks only; the file itself is judged by services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from seedbed.imports.models import ImportKind
from seedbed.imports.services.skills import LONG, WIDE
from seedbed.skills.models import Source

# What the person picks -> (kind, layout)
CHOICES = {
    "people": (ImportKind.PEOPLE, ""),
    "skills-wide": (ImportKind.SKILLS, WIDE),
    "skills-long": (ImportKind.SKILLS, LONG),
    "esco": (ImportKind.ESCO, ""),
    "catalogue": (ImportKind.CATALOGUE, ""),
}


class UploadForm(forms.Form):
    what = forms.ChoiceField(
        label=_("What to import"),
        choices=[
            ("people", _("People: the organisation (teams, managers, roles, logins)")),
            ("skills-wide", _("Skill levels, wide: one row per person, one column per skill")),
            ("skills-long", _("Skill levels, long: one row per rating (email, skill, level)")),
            ("esco", _("ESCO: skills from skills_en.csv, optionally occupations as roles")),
            ("catalogue", _("Learning catalogue: courses, workshops, tasks, free resources")),
        ],
        initial="people",
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8 or Windows-1252, comma or semicolon) or XLSX (first sheet)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt,text/csv"}),
    )
    occupations = forms.FileField(
        label=_("ESCO occupations file (optional)"),
        required=False,
        help_text=_("ESCO only: occupations_en.csv, imported as roles together with the skills."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt,text/csv"}),
    )
    source = forms.ChoiceField(
        label=_("Source of the ratings"),
        choices=Source.choices,
        initial=Source.MANAGER,
        required=False,
        help_text=_("Skill levels only: recorded with every rating that has no source column."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("occupations") and data.get("what") != "esco":
            self.add_error("occupations", _("An occupations file belongs to an ESCO import only."))
        return data

    def kind_and_layout(self) -> tuple[str, str]:
        return CHOICES[self.cleaned_data["what"]]
