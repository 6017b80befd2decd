"""HTML input for development plans, goals, agreement and reviews."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from seedbed.certifications.forms import DateInput, SkillByNameField
from seedbed.development.models import Goal, GoalStatus, PlanState
from seedbed.frameworks.models import RoleRequirement
from seedbed.learning.models import LearningItem
from seedbed.people.models import Person
from seedbed.skills.models import Skill

ITEM_CHOICES_LIMIT = 200


class PlanForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For example: “Towards Senior Developer, 2027”."),
    )


class AgreeForm(forms.Form):
    next_review = forms.DateField(label=_("Next review"), widget=DateInput)


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("How is it going?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    reviewed_on = forms.DateField(
        label=_("Reviewed on"), widget=DateInput, required=False, help_text=_("Empty: today.")
    )
    next_review = forms.DateField(
        label=_("Next review"),
        widget=DateInput,
        required=False,
        help_text=_("Empty: no further review planned."),
    )


class PlanFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("Any")), *PlanState.choices], required=False
    )
    overdue = forms.BooleanField(label=_("Review overdue"), required=False)


def _role_skills(person: Person) -> list[Skill]:
    roles = [r for r in (person.role_id, person.target_role_id) if r is not None]
    ids = RoleRequirement.objects.filter(role_id__in=roles).values("skill_id")
    return list(Skill.objects.active().filter(pk__in=ids).order_by("name"))


class GoalForm(forms.Form):
    """A goal. New goals pick a skill the person's role or target role requires, or name
    another; an existing goal keeps its skill."""

    skill = forms.ModelChoiceField(
        label=_("Skill your role or target role requires"),
        queryset=Skill.objects.none(),
        required=False,
        empty_label=_("— choose —"),
    )
    other_skill = SkillByNameField(label=_("…or another skill"), max_length=200, required=False)
    target_level = forms.IntegerField(
        label=_("Target level"),
        min_value=0,
        max_value=20,
        required=False,
        help_text=_("Empty: the level the role or target role requires."),
    )
    due_date = forms.DateField(label=_("Due"), widget=DateInput, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)
    items = forms.ModelMultipleChoiceField(
        label=_("Learning that serves it"),
        queryset=LearningItem.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Items of the catalogue that develop this skill. Ctrl or ⌘ picks several."),
    )
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, person: Person, goal: Goal | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goal = goal
        items = self.fields["items"]
        assert isinstance(items, forms.ModelMultipleChoiceField)
        if goal is None:
            skill_field = self.fields["skill"]
            assert isinstance(skill_field, forms.ModelChoiceField)
            role_skills = _role_skills(person)
            skill_field.queryset = Skill.objects.filter(pk__in=[s.pk for s in role_skills])
            del self.fields["status"]
            serving = Q(skills__skill__in=role_skills)
        else:
            del self.fields["skill"]
            del self.fields["other_skill"]
            self.fields["target_level"].required = True
            self.fields["target_level"].help_text = ""
            serving = Q(skills__skill=goal.skill_id) | Q(pk__in=goal.items.values("pk"))
        # A bounded subquery, not a slice: the field filters its queryset when it cleans.
        ids = LearningItem.objects.filter(serving, is_active=True).values("pk").distinct()
        items.queryset = LearningItem.objects.filter(
            pk__in=ids.order_by("pk")[:ITEM_CHOICES_LIMIT]
        ).order_by("title")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.goal is None:
            picked, other = data.get("skill"), data.get("other_skill")
            if picked and other and picked != other:
                raise forms.ValidationError(_("Choose one skill, from the list or by name."))
            if not (picked or other) and not self.has_error("other_skill"):
                self.add_error("skill", _("Choose the skill this goal is about."))
            data["chosen_skill"] = picked or other
        return data
