"""Upload form of the import page (input checks only; the file itself is judged by services)."""

from __future__ import annotations

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
}


class UploadForm(forms.Form):
    what = forms.ChoiceField(
        label=_("What to import"),
        choices=[
            ("people", _("People: the organisation (teams, managers, roles, logins)")),
            ("skills-wide", _("Skill levels, wide: one row per person, one column per skill")),
            ("skills-long", _("Skill levels, long: one row per rating (email, skill, level)")),
        ],
        initial="people",
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8 or Windows-1252, comma or semicolon) or XLSX (first sheet)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt,text/csv"}),
    )
    source = forms.ChoiceField(
        label=_("Source of the ratings"),
        choices=Source.choices,
        initial=Source.MANAGER,
        required=False,
        help_text=_("Skill levels only: recorded with every rating that has no source column."),
    )

    def kind_and_layout(self) -> tuple[str, str]:
        return CHOICES[self.cleaned_data["what"]]
