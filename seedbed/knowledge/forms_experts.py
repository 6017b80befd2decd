"""Forms of the expert finder: the "Who knows…" search with its filters, and the admin's
settings (weights, half-life, routing caps)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from seedbed.knowledge import ranking
from seedbed.knowledge.models import FinderSettings, default_finder_weights
from seedbed.knowledge.services.finder import (
    MAX_EXPERTS_PER_QUESTION,
    MAX_NOTIFICATIONS_PER_WEEK,
    WEIGHT_LABELS,
)
from seedbed.people.models import Team
from seedbed.skills.models import Skill


class ExpertSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Who knows…"),
        required=False,
        max_length=200,
        help_text=_("A skill, an alias or any words (e.g. k8s, payroll, certbot)."),
    )
    skill = forms.ModelChoiceField(
        label=_("Skill"),
        required=False,
        queryset=Skill.objects.filter(is_active=True),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("That skill does not exist (any more).")},
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        required=False,
        queryset=Team.objects.order_by("name"),
        empty_label=_("any"),
    )
    location = forms.CharField(label=_("Location"), required=False, max_length=120)
    language = forms.CharField(
        label=_("Language"), required=False, max_length=20, help_text=_("e.g. en, de")
    )
    available = forms.BooleanField(
        label=_("Available only"),
        required=False,
        help_text=_(
            "Not leaving within 30 days, and with room for a mentee if they mentor in a programme."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for key in ("q", "location", "language"):
            if "\x00" in (data.get(key) or ""):
                self.add_error(key, _("Remove the NUL character."))
        return data

    def has_query(self) -> bool:
        return bool(self.is_valid() and (self.cleaned_data["q"] or self.cleaned_data["skill"]))


class FinderSettingsForm(forms.Form):
    """One number per weight (labelled with what it means) and the two routing caps."""

    experts_per_question = forms.IntegerField(
        label=_("Experts notified per question"),
        min_value=1,
        max_value=MAX_EXPERTS_PER_QUESTION,
        help_text=_("How many of the top experts are told about a new question."),
    )
    max_notifications_per_week = forms.IntegerField(
        label=_("Most question notifications per expert and week"),
        min_value=0,
        max_value=MAX_NOTIFICATIONS_PER_WEEK,
        help_text=_("So that the same few experts are not flooded; 0 notifies nobody."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key in (*ranking.WEIGHT_KEYS, "half_life_days"):
            label, help_text = WEIGHT_LABELS[key]
            if key == "half_life_days":
                low, high, step = ranking.MIN_HALF_LIFE_DAYS, ranking.MAX_HALF_LIFE_DAYS, 1.0
            else:
                low, high, step = 0.0, ranking.MAX_WEIGHT, 0.05
            self.fields[key] = forms.FloatField(
                label=label,
                help_text=help_text,
                min_value=low,
                max_value=high,
                widget=forms.NumberInput(attrs={"step": step}),
            )

    @classmethod
    def initial_from(cls, settings: FinderSettings) -> dict[str, Any]:
        return {
            **default_finder_weights(),
            **(settings.weights or {}),
            "experts_per_question": settings.experts_per_question,
            "max_notifications_per_week": settings.max_notifications_per_week,
        }

    def weights(self) -> dict[str, float]:
        return {key: self.cleaned_data[key] for key in (*ranking.WEIGHT_KEYS, "half_life_days")}

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[key] for key in (*ranking.WEIGHT_KEYS, "half_life_days")]
