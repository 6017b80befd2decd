"""Knowledge URLs for the experts area (owned by this area's views)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
