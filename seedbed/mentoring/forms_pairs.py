"""HTML input of the pairs area: sessions, goals, feedback, the cross-training and metrics
filters. Validation of meaning (dates, levels, who may) is the services' job."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedbed.certifications.forms import DateInput, SkillByNameField
from seedbed.mentoring.models import Pair, PairGoal, PairGoalState, PairState
from seedbed.mentoring.services.pairs import MAX_MINUTES, GoalData, SessionData
from seedbed.people.models import Person
from seedbed.skills.models import Skill

BOOL_CHOICES = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]


def pair_skills(pair: Pair) -> list[Skill]:
    """The skills a pair works on: its cross-training skill, focus skills and goal skills."""
    ids = set(pair.focus_skills.values_list("id", flat=True))
    ids |= {s for s in pair.goals.values_list("skill_id", flat=True) if s}
    if pair.skill_id:
        ids.add(pair.skill_id)
    return list(Skill.objects.filter(pk__in=ids, is_active=True).order_by("name"))


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DateInput)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=MAX_MINUTES, initial=60)
    topics = forms.CharField(
        label=_("Topics"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Seen by the two of you, your managers and HR."),
    )
    private_notes = forms.CharField(
        label=_("Private notes"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Seen only by the two of you: not by your managers, not by HR."),
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills worked on"),
        queryset=Skill.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_skill = SkillByNameField(label=_("…or another skill"), max_length=200, required=False)

    def __init__(self, *args: Any, skills: Sequence[Skill], **kwargs: Any) -> None:
        """``skills``: the pair's skills offered as checkboxes (``pair_skills``)."""
        kwargs.setdefault("initial", {}).setdefault("held_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        field = self.fields["skills"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Skill.objects.filter(pk__in=[s.pk for s in skills]).order_by("name")

    def data_for_service(self) -> SessionData:
        d = self.cleaned_data
        skills = list(d["skills"])
        if d.get("other_skill"):
            skills.append(d["other_skill"])
        return SessionData(
            held_on=d["held_on"],
            minutes=d["minutes"],
            topics=d["topics"],
            private_notes=d["private_notes"],
            skills=skills,
        )


class GoalForm(forms.Form):
    title = forms.CharField(label=_("Goal"), max_length=200)
    skill = SkillByNameField(
        label=_("Skill"),
        max_length=200,
        required=False,
        help_text=_("Optional: the skill this goal grows."),
    )
    target_level = forms.IntegerField(
        label=_("Target level"), min_value=0, max_value=20, required=False
    )
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100, initial=0)
    state = forms.ChoiceField(label=_("State"), choices=PairGoalState.choices)

    def __init__(self, *args: Any, goal: PairGoal | None = None, **kwargs: Any) -> None:
        if goal is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": goal.title,
                    "skill": goal.skill.name if goal.skill else "",
                    "target_level": goal.target_level,
                    "progress": goal.progress,
                    "state": goal.state,
                },
            )
        super().__init__(*args, **kwargs)
        if goal is None:
            self.fields["state"].initial = PairGoalState.OPEN

    def data_for_service(self) -> GoalData:
        d = self.cleaned_data
        return GoalData(
            title=d["title"],
            skill=d.get("skill"),
            target_level=d.get("target_level"),
            progress=d["progress"],
            state=d["state"],
        )


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with this mentoring?"),
        choices=[
            (5, _("5 – very satisfied")),
            (4, _("4 – satisfied")),
            (3, _("3 – neither")),
            (2, _("2 – unsatisfied")),
            (1, _("1 – very unsatisfied")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Read by HR only, to improve the programme."),
    )


class CrossTrainingFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Skill or person"),
        max_length=100,
        required=False,
        help_text=_("Filters both lists."),
    )
    critical = forms.BooleanField(label=_("Critical skills only"), required=False)
    state = forms.ChoiceField(
        label=_("State"),
        choices=[("", _("Any")), *[c for c in PairState.choices if c[0] != PairState.PROPOSED]],
        required=False,
    )
    cleared = forms.ChoiceField(label=_("Risk cleared"), choices=BOOL_CHOICES, required=False)

    def cleared_value(self) -> bool | None:
        value = self.cleaned_data.get("cleared") if self.is_valid() else ""
        return {"yes": True, "no": False}.get(value or "")


class CrossTrainingForm(forms.Form):
    """Accept a proposal: the at-risk skill, its holder and the chosen learner (ids)."""

    skill = forms.ModelChoiceField(queryset=Skill.objects.all(), widget=forms.HiddenInput)
    mentor = forms.ModelChoiceField(queryset=Person.objects.all(), widget=forms.HiddenInput)
    mentee = forms.ModelChoiceField(
        label=_("Learner"),
        queryset=Person.objects.all(),
        error_messages={"invalid_choice": _("Choose a learner from the list.")},
    )


class MetricsFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    state = forms.ChoiceField(
        label=_("State"),
        choices=[("", _("Any")), *[c for c in PairState.choices if c[0] != PairState.PROPOSED]],
        required=False,
    )
