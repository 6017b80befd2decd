"""Knowledge URLs for the experts area (owned by this area's views)."""

from django.urls import URLPattern, path

from seedbed.knowledge.views import experts as views

urlpatterns: list[URLPattern] = [
    path("experts/", views.finder, name="experts"),
    path("experts/skills/", views.skill_suggestions, name="expert_skills"),
    path("experts/settings/", views.finder_settings, name="finder_settings"),
]
