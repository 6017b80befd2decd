"""Strings Django itself puts on our pages but has no German for yet (Django 6.1).

Naming them here brings them into Seedbed's catalogue (``makemessages`` finds them), and the
project's catalogue takes precedence over Django's. Nothing imports this module. Drop an entry
once Django's own German catalogue translates it.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

DJANGO_STRINGS_WITHOUT_GERMAN = (
    gettext_noop("- Select an option -"),  # django.db.models.fields.BLANK_CHOICE_LABEL
)
