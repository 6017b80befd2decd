from __future__ import annotations

from collections.abc import Iterator

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from seedbed.accounts.models import OrgSettings, User


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "language", "timezone"]


class OrgSettingsForm(forms.ModelForm):
    class Meta:
        model = OrgSettings
        fields = [
            "name",
            "colleagues_see_levels",
            "review_interval_months",
            "default_language",
            "default_timezone",
        ]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What will use it, e.g. 'HR system sync'."),
    )


class ResetForm(PasswordResetForm):
    """Password reset that also reaches people who never had a password: logins created by an
    import or an admin start with an unusable one and set it through this form."""

    def get_users(self, email: str) -> Iterator[User]:
        return iter(User.objects.filter(email__iexact=email.strip(), is_active=True))
