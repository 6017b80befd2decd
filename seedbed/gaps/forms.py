"""Query-string forms of the gap pages: comparison dates and filters (validation only)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedbed.people.models import Person, Team
from seedbed.skills.models import Criticality, SkillCategory


class DateInput(forms.DateInput):
    input_type = "date"


def _not_future(value: date | None) -> date | None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(
            _("Choose today or a day in the past: there are no figures for %(day)s yet."),
            params={"day": value.isoformat()},
        )
    return value


def visible_teams(people: QuerySet[Person], *, everyone: bool) -> QuerySet[Team]:
    """Teams to offer as filters: every team for admins, the teams of their people for
    managers."""
    if everyone:
        return Team.objects.order_by("name")
    return Team.objects.filter(pk__in=people.values("team_id")).order_by("name")


class SinceForm(forms.Form):
    """The trend's comparison date (``?since=``); empty means the default."""

    since = forms.DateField(required=False, label=_("Compare with"), widget=DateInput)

    def clean_since(self) -> date | None:
        value = _not_future(self.cleaned_data.get("since"))
        if value is not None and value >= timezone.localdate():
            raise forms.ValidationError(_("Choose a day before today to see a trend."))
        return value


class RiskFilterForm(forms.Form):
    category = forms.ModelChoiceField(
        SkillCategory.objects.order_by("name"),
        required=False,
        label=_("Category"),
        empty_label=_("All categories"),
    )
    criticality = forms.ChoiceField(
        choices=[("", _("Any criticality")), *Criticality.choices],
        required=False,
        label=_("Criticality"),
    )
    team = forms.ModelChoiceField(
        Team.objects.none(), required=False, label=_("Team"), empty_label=_("Everyone")
    )

    def __init__(self, *args: Any, teams: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]


class CompareForm(forms.Form):
    """Two dates (``a`` before ``b``), optionally one team and one skill category."""

    a = forms.DateField(required=False, label=_("From"), widget=DateInput)
    b = forms.DateField(required=False, label=_("To"), widget=DateInput)
    team = forms.ModelChoiceField(
        Team.objects.none(), required=False, label=_("Team"), empty_label=_("Everyone")
    )
    category = forms.ModelChoiceField(
        SkillCategory.objects.order_by("name"),
        required=False,
        label=_("Category"),
        empty_label=_("All categories"),
    )

    def __init__(self, *args: Any, teams: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]

    def clean_a(self) -> date | None:
        return _not_future(self.cleaned_data.get("a"))

    def clean_b(self) -> date | None:
        return _not_future(self.cleaned_data.get("b"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        a, b = data.get("a"), data.get("b")
        if a is not None and b is not None and a > b:
            self.add_error("b", _("Choose a second date on or after the first."))
        return data
