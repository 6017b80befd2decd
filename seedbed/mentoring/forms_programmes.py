"""HTML input for mentoring programmes, sign-up, matching runs, swaps and requests. Skills and
people are typed by name (one a line; the skill picker fills the box), so no form lists a
whole taxonomy or organisation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from seedbed.accounts.models import TIMEZONE_CHOICES
from seedbed.certifications.forms import DateInput
from seedbed.frameworks.models import Role
from seedbed.mentoring.models import (
    Objective,
    ParticipantRole,
    Programme,
    ProgrammeKind,
    ProgrammeState,
    Purpose,
    TeamPreference,
    default_weights,
)
from seedbed.mentoring.services.programmes import (
    MAX_CAPACITY,
    MAX_EXCLUDED,
    MAX_HOURS,
    MAX_PARTICIPANT_SKILLS,
    MAX_SKILLS,
    WEIGHT_FACTORS,
    ParticipationInput,
    ProgrammeInput,
)
from seedbed.people.models import Person, Team
from seedbed.skills.models import Skill

ANY = [("", _("Any"))]


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.replace("\r", "").split("\n") if line.strip()]


def _skill_named(text: str) -> Skill | None:
    skill = Skill.objects.active().filter(name__iexact=text).first()
    if skill is None:
        matches = list(Skill.objects.active().search(text)[:2])
        if len(matches) == 1:
            skill = matches[0]
    return skill


class SkillListField(forms.CharField):
    """Skills by name or alias, one a line (a line that names no skill is tried as a comma
    list). Cleans to a list of skills."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, *args: Any, limit: int, **kwargs: Any) -> None:
        self.limit = limit
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 10_000)
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> list[Skill]:  # type: ignore[override]
        text = str(super().clean(value) or "")
        found: dict[int, Skill] = {}
        unknown: list[str] = []
        for line in _lines(text):
            skill = _skill_named(line)
            parts = [line] if skill is not None or "," not in line else line.split(",")
            for part in (p.strip() for p in parts):
                found_one = skill if len(parts) == 1 else _skill_named(part) if part else None
                if found_one is not None:
                    found[found_one.pk] = found_one
                elif part:
                    unknown.append(part)
        if unknown:
            raise forms.ValidationError(
                _("No skill is named “%(name)s”; use the names the picker shows.")
                % {"name": unknown[0][:100]}
            )
        if len(found) > self.limit:
            raise forms.ValidationError(_("At most %(n)s skills.") % {"n": self.limit})
        return list(found.values())


def skills_text(skills: Any) -> str:
    return "\n".join(s.name for s in skills)


class PeopleListField(forms.CharField):
    """People by name or email, one a line. Cleans to a list of people (active ones)."""

    widget = forms.Textarea(attrs={"rows": 2})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 10_000)
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> list[Person]:  # type: ignore[override]
        text = str(super().clean(value) or "")
        found: dict[int, Person] = {}
        for line in _lines(text):
            matches = list(
                Person.objects.active().filter(Q(full_name__iexact=line) | Q(email__iexact=line))[
                    :2
                ]
            )
            if not matches:
                raise forms.ValidationError(
                    _("Nobody in the organisation is called “%(name)s”.") % {"name": line[:100]}
                )
            if len(matches) > 1:
                raise forms.ValidationError(
                    _("Several people are called “%(name)s”; give their email instead.")
                    % {"name": line[:100]}
                )
            found[matches[0].pk] = matches[0]
        if len(found) > MAX_EXCLUDED:
            raise forms.ValidationError(_("At most %(n)s people.") % {"n": MAX_EXCLUDED})
        return list(found.values())


def people_text(people: Any) -> str:
    return "\n".join(p.full_name for p in people)


# --- programmes ----------------------------------------------------------------------------


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=ProgrammeKind.choices,
        help_text=_("A cohort runs between two dates; people join an evergreen one any time."),
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput, required=False)
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput, required=False)
    duration_weeks = forms.IntegerField(
        label=_("Duration of a pair (weeks)"), min_value=1, max_value=260, initial=12
    )
    skills = SkillListField(
        label=_("Skills in scope"),
        limit=MAX_SKILLS,
        help_text=_("One a line. Empty: every skill counts when matching."),
    )
    eligible_teams = forms.ModelMultipleChoiceField(
        label=_("Open to teams"),
        queryset=Team.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=_("None chosen (and no roles): open to everyone. Ctrl or ⌘ picks several."),
    )
    eligible_roles = forms.ModelMultipleChoiceField(
        label=_("Open to roles"),
        queryset=Role.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=_("Members of the chosen teams or holders of the chosen roles may join."),
    )
    objective = forms.ChoiceField(
        label=_("Matching objective"),
        choices=Objective.choices,
        help_text=_(
            "Highest quality maximises the total pair score; most people matched first "
            "matches as many mentees as the rules allow, then maximises the score."
        ),
    )
    team_preference = forms.ChoiceField(label=_("Teams"), choices=TeamPreference.choices)
    require_shared_language = forms.BooleanField(
        label=_("Pairs must share a language"), required=False, initial=True
    )
    min_score = forms.FloatField(
        label=_("Minimum pair score"),
        min_value=0,
        max_value=1,
        initial=0,
        widget=forms.NumberInput(attrs={"step": "0.05"}),
        help_text=_("Pairs scoring below this (0–1) are never proposed."),
    )
    quiet_after_days = forms.IntegerField(
        label=_("Remind a pair after this many quiet days"), min_value=1, max_value=365, initial=30
    )

    def __init__(self, *args: Any, programme: Programme | None = None, **kwargs: Any) -> None:
        if programme is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{
                    f: getattr(programme, f)
                    for f in (
                        "name",
                        "description",
                        "purpose",
                        "kind",
                        "starts_on",
                        "ends_on",
                        "duration_weeks",
                        "objective",
                        "team_preference",
                        "require_shared_language",
                        "min_score",
                        "quiet_after_days",
                    )
                },
                "skills": skills_text(programme.skills.order_by("name")),
                "eligible_teams": list(programme.eligible_teams.all()),
                "eligible_roles": list(programme.eligible_roles.all()),
                **{f"weight_{k}": v for k, v in programme.weights.items()},
            }
        super().__init__(*args, **kwargs)
        defaults = default_weights()
        for factor in WEIGHT_FACTORS:
            self.fields[f"weight_{factor.key}"] = forms.FloatField(
                label=factor.label,
                min_value=0,
                max_value=1,
                initial=defaults[factor.key],
                help_text=factor.explanation,
                widget=forms.NumberInput(attrs={"step": "0.05"}),
            )

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[f"weight_{f.key}"] for f in WEIGHT_FACTORS]

    def main_fields(self) -> list[forms.BoundField]:
        return [f for f in self.visible_fields() if not f.name.startswith("weight_")]

    def to_input(self) -> ProgrammeInput:
        d = self.cleaned_data
        return ProgrammeInput(
            name=d["name"],
            description=d["description"],
            purpose=d["purpose"],
            kind=d["kind"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            duration_weeks=d["duration_weeks"],
            weights={f.key: d[f"weight_{f.key}"] for f in WEIGHT_FACTORS},
            objective=d["objective"],
            team_preference=d["team_preference"],
            require_shared_language=d["require_shared_language"],
            min_score=d["min_score"],
            quiet_after_days=d["quiet_after_days"],
            skills=d["skills"],
            eligible_teams=list(d["eligible_teams"]),
            eligible_roles=list(d["eligible_roles"]),
        )


class ProgrammeFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ANY + Purpose.choices, required=False)
    state = forms.ChoiceField(
        label=_("State"), choices=ANY + ProgrammeState.choices, required=False
    )
    kind = forms.ChoiceField(label=_("Type"), choices=ANY + ProgrammeKind.choices, required=False)
    joined = forms.BooleanField(label=_("Joined by me"), required=False)


# --- sign-up -------------------------------------------------------------------------------


class ParticipationForm(forms.Form):
    role = forms.ChoiceField(
        label=_("I join as"), choices=ParticipantRole.choices, widget=forms.RadioSelect
    )
    capacity = forms.IntegerField(
        label=_("Mentees I can take"),
        min_value=1,
        max_value=MAX_CAPACITY,
        initial=1,
        required=False,
        help_text=_("Only for mentors."),
    )
    availability = forms.CharField(
        label=_("Availability"),
        max_length=200,
        required=False,
        help_text=_("e.g. Tuesdays, 1 h a fortnight"),
    )
    hours_per_month = forms.IntegerField(
        label=_("Hours per month"), min_value=0, max_value=MAX_HOURS, initial=2
    )
    languages = forms.CharField(
        label=_("Languages"),
        max_length=200,
        required=False,
        help_text=_("Comma-separated, e.g. en, de. From your profile unless you change it."),
    )
    timezone = forms.ChoiceField(label=_("Time zone"), choices=TIMEZONE_CHOICES)
    goals = forms.CharField(
        label=_("Goals"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you want to get out of it. Skills you name here count for matching."),
    )
    wants_skills = SkillListField(
        label=_("Skills I want to learn"), limit=MAX_PARTICIPANT_SKILLS, help_text=_("One a line.")
    )
    offers_skills = SkillListField(
        label=_("Skills I can offer"), limit=MAX_PARTICIPANT_SKILLS, help_text=_("One a line.")
    )
    excluded = PeopleListField(
        label=_("Never match me with"),
        help_text=_("Names or emails, one a line. Only HR sees this list."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role = data.get("role")
        if role in (ParticipantRole.MENTOR, ParticipantRole.BOTH) and not data.get("capacity"):
            self.add_error("capacity", _("Say how many mentees you can take."))
        return data

    def to_input(self) -> ParticipationInput:
        d = self.cleaned_data
        return ParticipationInput(
            role=d["role"],
            capacity=d["capacity"] or 0,
            availability=d["availability"],
            hours_per_month=d["hours_per_month"],
            languages=d["languages"],
            timezone=d["timezone"],
            goals=d["goals"],
            wants_skills=d["wants_skills"],
            offers_skills=d["offers_skills"],
            excluded=d["excluded"],
        )


class ParticipantFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    role = forms.ChoiceField(
        label=_("Joins as"), choices=ANY + ParticipantRole.choices, required=False
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label=_("Any"),
    )
    skill = forms.CharField(label=_("Offers skill"), max_length=100, required=False)
    paired = forms.ChoiceField(
        label=_("Pair"),
        choices=[("", _("Any")), ("yes", _("Has a pair")), ("no", _("No pair yet"))],
        required=False,
    )


# --- matching and review -------------------------------------------------------------------


class RunForm(forms.Form):
    objective = forms.ChoiceField(label=_("Objective"), choices=Objective.choices)


class SwapForm(forms.Form):
    mentor = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


# --- requests ------------------------------------------------------------------------------


class RequestForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("In the programme"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("Outside any programme"),
    )
    skill = forms.CharField(
        label=_("Skill"),
        max_length=200,
        required=False,
        help_text=_("Optional: the skill you want to grow with them."),
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        """``programmes``: where the two may meet; none (an empty list) drops the choice."""
        super().__init__(*args, **kwargs)
        field = self.fields["programme"]
        assert isinstance(field, forms.ModelChoiceField)
        if programmes:
            field.queryset = programmes
        else:
            del self.fields["programme"]

    def clean_skill(self) -> Skill | None:
        text = " ".join(str(self.cleaned_data.get("skill") or "").split())
        if not text:
            return None
        skill = _skill_named(text)
        if skill is None:
            raise forms.ValidationError(
                _("No skill is named “%(name)s”; use the name shown on the Skills page.")
                % {"name": text[:100]}
            )
        return skill
