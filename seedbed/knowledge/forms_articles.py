"""HTML input of the article pages (the meaning is checked by the services), and the starting
structures of a lessons-learned review and a how-to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Case, Q, QuerySet, When
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from seedbed.knowledge.models import Article, ArticleKind, ArticleState, Visibility
from seedbed.knowledge.services.article_files import accepted_types_label, max_attachment_bytes
from seedbed.knowledge.services.articles import (
    MAX_BODY,
    MAX_NOTE,
    MAX_REVIEW_DAYS,
    MAX_SKILLS,
    MAX_SUMMARY,
    MAX_TITLE,
    MIN_REVIEW_DAYS,
)
from seedbed.people.models import Person
from seedbed.skills.models import Skill

if TYPE_CHECKING:
    from seedbed.accounts.models import User


# --- templates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleTemplate:
    key: str
    label: Promise
    kind: str
    body: Promise


ARTICLE_TEMPLATES: dict[str, ArticleTemplate] = {
    t.key: t
    for t in (
        ArticleTemplate(
            "lesson",
            _("Lessons-learned review"),
            ArticleKind.LESSON,
            _(
                "## Context\n\n"
                "What was the project or situation, when, and who took part?\n\n"
                "## What happened\n\n"
                "The facts, in order. Blame-free: describe what people knew and did at the "
                "time.\n\n"
                "## What went well\n\n"
                "- \n\n"
                "## What to change\n\n"
                "- \n\n"
                "## Actions\n\n"
                "| Action | Owner | Due |\n"
                "|---|---|---|\n"
                "|  |  |  |\n"
            ),
        ),
        ArticleTemplate(
            "howto",
            _("How-to"),
            ArticleKind.HOWTO,
            _(
                "## Goal\n\n"
                "What you will have done at the end, in one or two sentences.\n\n"
                "## Prerequisites\n\n"
                "- Access you need\n"
                "- Tools and versions\n\n"
                "## Steps\n\n"
                "1. \n"
                "2. \n"
                "3. \n\n"
                "## Troubleshooting\n\n"
                "| Symptom | Cause | Fix |\n"
                "|---|---|---|\n"
                "|  |  |  |\n"
            ),
        ),
    )
}


# --- list filters ----------------------------------------------------------------------------

SORTS = {
    "updated": ("-updated_at", "id"),
    "title": ("title", "id"),
    "due": ("review_due_on", "id"),
}


class ArticleFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *ArticleKind.choices]
    )
    skill = forms.ModelChoiceField(
        label=_("Skill"), required=False, queryset=Skill.objects.none(), empty_label=_("Any")
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), required=False, queryset=Person.objects.none(), empty_label=_("Anyone")
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Published")), *ArticleState.choices[:1], *ArticleState.choices[2:]],
    )
    out_of_date = forms.BooleanField(label=_("May be out of date"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("updated", _("Last changed")),
            ("title", _("Title")),
            ("due", _("Review due")),
        ],
    )

    def __init__(self, *args: Any, visible: QuerySet[Article], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Short lists: only skills and owners of articles this user can read.
        self.fields["skill"].queryset = (  # type: ignore[attr-defined]
            Skill.objects.filter(articles__in=visible).distinct().order_by("name")
        )
        self.fields["owner"].queryset = (  # type: ignore[attr-defined]
            Person.objects.filter(owned_articles__in=visible).distinct().order_by("full_name")
        )

    def apply(self, qs: QuerySet[Article], *, today: Any) -> QuerySet[Article]:
        """``qs`` filtered and sorted by the valid filters (invalid ones are ignored and shown
        as errors by the page)."""
        data = self.cleaned_data if self.is_valid() else {}
        state = data.get("state") or ArticleState.PUBLISHED
        qs = qs.filter(state=state)
        if q := (data.get("q") or "").strip():
            for word in q.split()[:8]:
                qs = qs.filter(
                    Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
                )
        if kind := data.get("kind"):
            qs = qs.filter(kind=kind)
        if skill := data.get("skill"):
            qs = qs.filter(skills=skill)
        if owner := data.get("owner"):
            qs = qs.filter(owner=owner)
        if data.get("out_of_date"):
            qs = qs.filter(state=ArticleState.PUBLISHED, review_due_on__lt=today)
        return qs.order_by(*SORTS.get(data.get("sort") or "updated", SORTS["updated"]))


# --- create / edit ---------------------------------------------------------------------------


class SkillChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    kind = forms.ChoiceField(label=_("Kind"), choices=ArticleKind.choices)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=MAX_SUMMARY,
        help_text=_("One or two sentences shown in lists and search results."),
    )
    body = forms.CharField(
        label=_("Text (Markdown)"),
        max_length=MAX_BODY,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 22, "spellcheck": "true"}),
    )
    skills = SkillChoices(
        label=_("Skills"),
        required=False,
        queryset=Skill.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tag up to %(n)d skills the article is about.") % {"n": MAX_SKILLS},
    )
    visibility = forms.ChoiceField(label=_("Visible to"), choices=Visibility.choices)
    state = forms.ChoiceField(
        label=_("State"),
        choices=ArticleState.choices,
        help_text=_("Drafts are visible only to you, the owner and their managers."),
    )
    review_interval_days = forms.IntegerField(
        label=_("Review every (days)"),
        min_value=MIN_REVIEW_DAYS,
        max_value=MAX_REVIEW_DAYS,
        initial=180,
        help_text=_("The owner is reminded to check the article after this many days."),
    )
    note = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=MAX_NOTE,
        help_text=_("A short note for the history, e.g. “Added the rollback steps”."),
    )
    base_revision = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, article: Article | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = list(article.skills.values_list("pk", flat=True)) if article else []
        # The article's skills first, so the tagged ones are in view without scrolling.
        self.fields["skills"].queryset = (  # type: ignore[attr-defined]
            Skill.objects.filter(Q(is_active=True) | Q(pk__in=keep))
            .annotate(tagged=Case(When(pk__in=keep, then=0), default=1))
            .order_by("tagged", "name")
        )
        if article is None:
            # A new article is published or a draft, never archived.
            self.fields["state"].choices = ArticleState.choices[:2]  # type: ignore[attr-defined]
            del self.fields["base_revision"]

    @staticmethod
    def initial_for(article: Article) -> dict[str, Any]:
        return {
            "title": article.title,
            "kind": article.kind,
            "summary": article.summary,
            "body": article.body,
            "skills": list(article.skills.all()),
            "visibility": article.visibility,
            "state": article.state,
            "review_interval_days": article.review_interval_days,
            "base_revision": article.revision_count,
        }

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "kind": data["kind"],
            "summary": data["summary"],
            "body": data["body"],
            "skill_ids": [s.pk for s in data["skills"]],
            "visibility": data["visibility"],
            "state": data["state"],
            "review_interval_days": data["review_interval_days"],
        }


class PreviewForm(forms.Form):
    body = forms.CharField(required=False, max_length=MAX_BODY, strip=False)


class ReassignForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("New owner"), queryset=Person.objects.none(), empty_label=_("— choose —")
    )

    def __init__(self, *args: Any, candidates: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = candidates.order_by("full_name")  # type: ignore[attr-defined]


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("%(types)s; at most %(mb)d MB.") % {
            "types": accepted_types_label(),
            "mb": max_attachment_bytes() // 1024 // 1024,
        }


class DiffForm(forms.Form):
    # ``from``, a keyword, arrives as ``a``/``b`` in the query string.
    a = forms.IntegerField(label=_("From version"), min_value=1, max_value=10**9)
    b = forms.IntegerField(label=_("To version"), min_value=1, max_value=10**9)
    view = forms.ChoiceField(
        required=False,
        choices=[("split", _("Side by side")), ("unified", _("One column"))],
    )


def owner_choices_for(user: User) -> QuerySet[Person]:
    from seedbed.knowledge.services.articles import owner_candidates

    result: QuerySet[Person] = owner_candidates(user)
    return result
