"""HTML input for knowledge capture: starting a handover, answering its prompts, turning answers
into articles and new owners, completing it, and filtering the list of handovers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from seedbed.certifications.forms import DateInput
from seedbed.knowledge.models import HandoverReason, HandoverState, Visibility
from seedbed.knowledge.services.handovers import MAX_ANSWER, MAX_SKIP_REASON
from seedbed.people.models import Person, Team


class PersonByNameField(forms.CharField):
    """A colleague typed by email or full name (the page offers suggestions in a datalist), so
    the form need not list the whole organisation."""

    def clean(self, value: Any) -> Person | None:  # type: ignore[override]
        text = " ".join(str(super().clean(value) or "").split())
        if not text:
            return None
        active = Person.objects.filter(is_active=True, erased_at__isnull=True)
        found = list(active.filter(Q(email__iexact=text) | Q(full_name__iexact=text))[:2])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise forms.ValidationError(
                _("Several people are named “%(name)s”; type their email instead.")
                % {"name": text[:100]}
            )
        raise forms.ValidationError(
            _("Nobody still here is named “%(name)s”; type a colleague's full name or email.")
            % {"name": text[:100]}
        )


class StartForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"), choices=HandoverReason.choices, initial=HandoverReason.OTHER
    )
    due_on = forms.DateField(
        label=_("Due"),
        widget=DateInput,
        required=False,
        help_text=_("Empty: the leaving day if one is set, else in 30 days."),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer (Markdown)"),
        required=False,
        max_length=MAX_ANSWER,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    is_done = forms.BooleanField(label=_("Done"), required=False)


class ArticleFromAnswerForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Empty: a title from the prompt."),
    )
    owner = PersonByNameField(
        label=_("Owner"),
        max_length=254,
        required=False,
        help_text=_("A successor's name or email. Empty: the manager."),
    )
    visibility = forms.ChoiceField(
        label=_("Visible to"), choices=Visibility.choices, initial=Visibility.ORGANISATION
    )


class ReassignForm(forms.Form):
    owner = PersonByNameField(
        label=_("New owner"),
        max_length=254,
        help_text=_("A colleague's name or email."),
    )


class CompleteForm(forms.Form):
    skip_reason = forms.CharField(
        label=_("Why are the remaining prompts skipped?"),
        required=False,
        max_length=MAX_SKIP_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed only while some prompts are not done."),
    )


class HandoverFilterForm(forms.Form):
    q = forms.CharField(label=_("Person"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("Any")), *HandoverState.choices], required=False
    )
    reason = forms.ChoiceField(
        label=_("Reason"), choices=[("", _("Any")), *HandoverReason.choices], required=False
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)
