"""Mentoring URLs for the programmes area (owned by this area's views)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
