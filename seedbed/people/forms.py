from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from seedbed.accounts.models import AccessLevel
from seedbed.frameworks.models import Role
from seedbed.people.models import Person, Team


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "full_name",
            "email",
            "role",
            "target_role",
            "team",
            "manager",
            "location",
            "timezone",
            "languages",
            "start_date",
            "leaving_on",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "leaving_on": forms.DateInput(attrs={"type": "date"}),
        }
        labels = {"leaving_on": _("Leaving on")}
        help_texts = {
            "leaving_on": _(
                "Set when someone has announced their departure: a handover interview is "
                "prepared for them and their manager."
            )
        }

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        managers = Person.objects.active().order_by("full_name")
        if self.instance.pk:
            managers = managers.exclude(pk=self.instance.pk)
        self.fields["manager"].queryset = managers  # type: ignore[attr-defined]
        self.fields["role"].queryset = Role.objects.filter(is_active=True)  # type: ignore[attr-defined]

    def validate_unique(self) -> None:
        # Uniqueness (email ignoring case) is the service's rule and message.
        pass


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "parent", "description"]

    def validate_unique(self) -> None:
        pass


class AccessForm(forms.Form):
    access_level = forms.ChoiceField(label=_("Access level"), choices=AccessLevel.choices)
    password = forms.CharField(
        label=_("New password"),
        required=False,
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Optional: set or reset their password. Tell them to change it after signing in."
        ),
    )

    def __init__(self, *args, person: Person, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_password(self) -> str:
        from django.contrib.auth.password_validation import validate_password

        password = self.cleaned_data["password"]
        if password:
            validate_password(password, self.person.user)
        return password


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)
    role = forms.ModelChoiceField(label=_("Role"), queryset=Role.objects.all(), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("active", _("Active")), ("left", _("Left")), ("all", _("All"))],
    )


class ValidateForm(forms.Form):
    action = forms.ChoiceField(choices=[("accept", "accept"), ("adjust", "adjust")])
    level = forms.IntegerField(required=False, min_value=0, max_value=20)
    note = forms.CharField(required=False, max_length=2000)


class MatrixFilterForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)
    category = forms.IntegerField(label=_("Category"), required=False)
    sort = forms.CharField(label=_("Sort"), required=False, max_length=30)
    q = forms.CharField(label=_("Person"), required=False, max_length=100)
