"""Knowledge URLs for the articles area (owned by this area's views)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
