"""HTML input for questions and answers: ask/edit, answer, comment, vote, accept, and the
list's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from seedbed.knowledge.services.questions import (
    BODY_MAX,
    COMMENT_MAX,
    MAX_SKILLS,
    TITLE_MAX,
    QuestionFilter,
)
from seedbed.skills.models import Skill

STATUS_CHOICES = [
    ("", _("All")),
    ("unanswered", _("Unanswered")),
    ("answered", _("Answered")),
    ("accepted", _("Accepted answer")),
    ("open", _("Open")),
    ("closed", _("Closed")),
]


def _no_nul(value: str) -> None:
    if "\x00" in value:
        raise forms.ValidationError(_("The text must not contain NUL characters."))


class SkillNamesField(forms.CharField):
    """Skills typed by name or alias, separated by commas ("Python, k8s")."""

    def clean(self, value: Any) -> list[Skill]:  # type: ignore[override]
        text = str(super().clean(value) or "")
        _no_nul(text)
        names = [" ".join(part.split()) for part in text.split(",")]
        names = [n for n in names if n]
        if len(names) > MAX_SKILLS:
            raise forms.ValidationError(_("Tag at most %(n)s skills.") % {"n": MAX_SKILLS})
        found: list[Skill] = []
        unknown: list[str] = []
        for name in names:
            skill = Skill.objects.active().filter(name__iexact=name).first()
            if skill is None:
                matches = list(Skill.objects.active().search(name)[:2])
                skill = matches[0] if len(matches) == 1 else None
            if skill is None:
                unknown.append(name[:100])
            elif skill not in found:
                found.append(skill)
        if unknown:
            raise forms.ValidationError(
                _("No skill is named “%(names)s”; use the names shown on the Skills page.")
                % {"names": "”, “".join(unknown)}
            )
        return found


class QuestionForm(forms.Form):
    title = forms.CharField(
        label=_("Your question"),
        max_length=TITLE_MAX,
        help_text=_("One sentence, e.g. “How do we roll back a failed Kubernetes deploy?”"),
        validators=[_no_nul],
    )
    body = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=BODY_MAX,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Optional. What you tried, what you expected. Markdown works."),
        validators=[_no_nul],
    )
    skills = SkillNamesField(
        label=_("Skills"),
        required=False,
        max_length=1000,
        help_text=_(
            "Comma-separated names or aliases, e.g. “Python, k8s”. The people who know most "
            "about them are asked to answer."
        ),
        widget=forms.TextInput(attrs={"list": "skill-names", "autocomplete": "off"}),
    )


class AnswerForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"),
        max_length=BODY_MAX,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown works: **bold**, `code`, lists, links."),
        validators=[_no_nul],
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[_no_nul],
    )


class VoteForm(forms.Form):
    value = forms.TypedChoiceField(
        choices=[("1", "+1"), ("-1", "-1"), ("0", "0")], coerce=int, empty_value=None
    )


class AcceptForm(forms.Form):
    answer = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class QuestionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100, validators=[_no_nul])
    skill = forms.ModelChoiceField(
        label=_("Skill"), required=False, queryset=Skill.objects.none(), empty_label=_("Any")
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    mine = forms.BooleanField(label=_("Asked by me"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only skills some question is tagged with: a short list.
        self.fields["skill"].queryset = (  # type: ignore[attr-defined]
            Skill.objects.filter(questions__isnull=False).distinct().order_by("name")
        )

    def filters(self) -> QuestionFilter:
        if not self.is_valid():
            return QuestionFilter()
        data = self.cleaned_data
        return QuestionFilter(
            q=data["q"] or "",
            skill_id=data["skill"].pk if data["skill"] else None,
            status=data["status"] or "",
            mine=bool(data["mine"]),
        )
