"""HTML input of the catalogue and learning pages (the meaning is checked by the services)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedbed.learning.models import Enrolment, Format, Kind, LearningItem, Session
from seedbed.learning.services.catalogue import ITEM_FIELDS, CatalogueFilter
from seedbed.learning.services.enrolments import Reaction
from seedbed.people.models import Person
from seedbed.skills.models import Skill

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
ONE_TO_FIVE = [("", "—"), *((str(i), str(i)) for i in range(1, 6))]


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *Kind.choices]
    )
    skill = forms.ModelChoiceField(
        label=_("Develops skill"),
        required=False,
        queryset=Skill.objects.none(),
        empty_label=_("Any"),
    )
    format = forms.ChoiceField(
        label=_("Format"), required=False, choices=[("", _("All")), *Format.choices]
    )
    language = forms.ChoiceField(label=_("Language"), required=False, choices=[("", _("All"))])
    free = forms.BooleanField(label=_("Free only"), required=False)
    max_cost = forms.DecimalField(
        label=_("Cost at most"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    archived = forms.BooleanField(label=_("Archived"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only skills the catalogue develops, and languages it has: short lists.
        self.fields["skill"].queryset = (  # type: ignore[attr-defined]
            Skill.objects.filter(learning_items__isnull=False).distinct().order_by("name")
        )
        languages = (
            LearningItem.objects.order_by("language").values_list("language", flat=True).distinct()
        )
        self.fields["language"].choices = [("", _("All")), *((x, x) for x in languages)]  # type: ignore[attr-defined]

    def filters(self) -> CatalogueFilter:
        if not self.is_valid():
            return CatalogueFilter()
        data = self.cleaned_data
        return CatalogueFilter(
            q=data["q"] or "",
            kind=data["kind"] or "",
            skill_id=data["skill"].pk if data["skill"] else None,
            format=data["format"] or "",
            language=data["language"] or "",
            free=bool(data["free"]),
            max_cost=data["max_cost"],
            archived=bool(data["archived"]),
        )


class ItemForm(forms.ModelForm):
    skills_text = forms.CharField(
        label=_("Skills it develops"),
        required=False,
        max_length=2000,
        help_text=_(
            "Skill and the level the item brings a learner to, separated by semicolons: "
            "Kubernetes:3; Docker:2 (names or aliases)."
        ),
    )

    class Meta:
        model = LearningItem
        fields = list(ITEM_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, skills_text: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["skills_text"].initial = skills_text
        self.fields["code"].required = False

    def _post_clean(self) -> None:
        # Uniqueness and the rest are the service's job (one message for HTML and API).
        pass

    def service_data(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in ITEM_FIELDS}


class ItemPrerequisiteForm(forms.Form):
    requires = forms.CharField(
        label=_("Item needed first"),
        max_length=200,
        help_text=_("Its code or exact title."),
    )


class SkillPrerequisiteForm(forms.Form):
    skill = forms.CharField(label=_("Skill needed first"), max_length=200)
    level = forms.IntegerField(label=_("at level"), min_value=0, max_value=10)


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DATETIME)
    location = forms.CharField(label=_("Location"), required=False, max_length=200)
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=10000)

    @staticmethod
    def initial_for(session: Session) -> dict[str, Any]:
        return {
            "starts_at": timezone.localtime(session.starts_at),
            "ends_at": timezone.localtime(session.ends_at),
            "location": session.location,
            "seats": session.seats,
        }


class EnrolForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Who"), queryset=Person.objects.none(), required=False, empty_label=_("Myself")
    )
    session = forms.ModelChoiceField(
        label=_("Session"), queryset=Session.objects.none(), required=False, empty_label=None
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)

    def __init__(self, *args: Any, people: Any = None, sessions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if people is None:
            del self.fields["person"]
        else:
            self.fields["person"].queryset = people  # type: ignore[attr-defined]
        if sessions is None:
            del self.fields["session"]
        else:
            self.fields["session"].queryset = sessions  # type: ignore[attr-defined]
            self.fields["session"].label_from_instance = _session_label  # type: ignore[attr-defined]


def _session_label(session: Session) -> str:
    start = timezone.localtime(session.starts_at)
    free = session.seats - getattr(session, "taken", 0)
    where = f", {session.location}" if session.location else ""
    return str(
        _("%(when)s%(where)s: %(free)s of %(seats)s seats free")
        % {
            "when": start.strftime("%Y-%m-%d %H:%M"),
            "where": where,
            "free": free,
            "seats": session.seats,
        }
    )


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)


class DueDateForm(forms.Form):
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)


class AttendanceForm(forms.Form):
    attended = forms.TypedChoiceField(
        label=_("Attended"),
        choices=[("yes", _("attended")), ("no", _("absent"))],
        coerce=lambda v: v == "yes",
    )


class ReactionForm(forms.Form):
    """The reaction survey on completion (every question optional) and pre/post scores."""

    usefulness = forms.TypedChoiceField(
        label=_("How useful was it? (1–5)"),
        choices=ONE_TO_FIVE,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    applicability = forms.TypedChoiceField(
        label=_("How much can you apply in your work? (1–5)"),
        choices=ONE_TO_FIVE,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    would_recommend = forms.TypedChoiceField(
        label=_("Would you recommend it to a colleague?"),
        choices=[("", "—"), ("yes", _("yes")), ("no", _("no"))],
        coerce=lambda v: v == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    pre_score = forms.DecimalField(
        label=_("Score before (0–100)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=1,
        help_text=_("Optional: a test result before and after, if the item has one."),
    )
    post_score = forms.DecimalField(
        label=_("Score after (0–100)"), required=False, min_value=0, max_value=100, decimal_places=1
    )

    def reaction(self) -> Reaction:
        data = self.cleaned_data
        return Reaction(
            usefulness=data["usefulness"],
            applicability=data["applicability"],
            would_recommend=data["would_recommend"],
            comment=data["comment"] or "",
            pre_score=data["pre_score"],
            post_score=data["post_score"],
        )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class AssessorForm(forms.Form):
    assessor = forms.ModelChoiceField(label=_("Assessor"), queryset=Person.objects.none())

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = candidates  # type: ignore[attr-defined]


class SignOffForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Judgement"),
        choices=[("pass", _("Signed off")), ("fail", _("Not yet"))],
        widget=forms.RadioSelect,
    )
    level = forms.IntegerField(label=_("Level seen"), required=False, min_value=0, max_value=10)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class HoursForm(forms.Form):
    date = forms.DateField(label=_("Day"), widget=DATE)
    hours = forms.DecimalField(
        label=_("Hours"), min_value=Decimal("0.01"), max_value=24, decimal_places=2, max_digits=4
    )
    enrolment = forms.ModelChoiceField(
        label=_("For"),
        queryset=Enrolment.objects.none(),
        required=False,
        empty_label=_("General learning"),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, enrolments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].queryset = enrolments  # type: ignore[attr-defined]
        self.fields["enrolment"].label_from_instance = lambda e: e.item.title  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())


class EnrolmentFilterForm(forms.Form):
    q = forms.CharField(label=_("Person or item"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from seedbed.learning.models import EnrolmentStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", _("All")),
            ("open", _("Open (not finished)")),
            *EnrolmentStatus.choices,
        ]


class MonthForm(forms.Form):
    month = forms.RegexField(
        label=_("Month"), regex=r"^[1-9]\d{3}-(0[1-9]|1[0-2])$", required=False
    )
