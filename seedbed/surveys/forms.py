"""HTML input of survey pages (validation of meaning lives in the services)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedbed.frameworks.models import Role
from seedbed.people.models import Team
from seedbed.surveys.models import CampaignStatus, Scope


class LaunchForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    message = forms.CharField(
        label=_("Message to people"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown with each person's survey and in the email they receive."),
    )
    scope = forms.ChoiceField(
        label=_("Who is asked"),
        choices=Scope.choices,
        initial=Scope.EVERYONE,
        widget=forms.RadioSelect,
        help_text=_("Active people with a login; people without one could not answer."),
    )
    team = forms.ModelChoiceField(
        label=_("Team (with its sub-teams)"), queryset=Team.objects.all(), required=False
    )
    role = forms.ModelChoiceField(
        label=_("Role"), queryset=Role.objects.filter(is_active=True), required=False
    )
    deadline = forms.DateField(
        label=_("Deadline"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Reminders go to those behind from three days before it."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not self.is_bound:
            self.initial.setdefault("deadline", timezone.localdate() + timedelta(days=14))


class CampaignFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *CampaignStatus.choices],
    )
