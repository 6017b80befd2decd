"""The results page's query: text, kind tab, page, and whether to take words as typed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from seedbed.search.index import KINDS
from seedbed.search.services import MAX_OFFSET, MAX_QUERY_LENGTH

PER_PAGE = 20

KIND_LABELS = {
    "person": _("People"),
    "skill": _("Skills"),
    "article": _("Articles"),
    "question": _("Questions"),
    "learning_item": _("Learning"),
}
KIND_NAMES = {
    "person": _("Person"),
    "skill": _("Skill"),
    "article": _("Article"),
    "question": _("Question"),
    "learning_item": _("Learning item"),
}


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": _(
                "Search for at most %(limit_value)d characters (this is %(show_value)d)."
            )
        },
    )
    kind = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("", _("Everything")), *((k, KIND_LABELS[k]) for k in KINDS)],
        error_messages={"invalid_choice": _("Pick one of the kinds shown.")},
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_OFFSET // PER_PAGE,
        error_messages={
            "invalid": _("The page must be a number."),
            "min_value": _("Pages start at 1."),
            "max_value": _("Results can be paged up to page %(limit_value)s."),
        },
    )
    exact = forms.BooleanField(required=False)
    meaning = forms.BooleanField(label=_("Search by meaning"), required=False)

    def clean_q(self) -> str:
        q: str = self.cleaned_data["q"]
        if "\x00" in q:
            raise forms.ValidationError(_("The search text contains a NUL character."))
        return q
