"""Search URLs for the search area (owned by this area's views)."""

from django.urls import URLPattern

app_name = "search"
urlpatterns: list[URLPattern] = []
