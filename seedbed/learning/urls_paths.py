"""URLs of role and career paths and of personal learning plans."""

from django.urls import URLPattern, path

from seedbed.learning.views import paths

urlpatterns: list[URLPattern] = [
    path("paths/", paths.path_list, name="paths"),
    path("paths/new/", paths.path_edit, name="path_create"),
    path("paths/<int:path_id>/", paths.path_detail, name="path_detail"),
    path("paths/<int:path_id>/edit/", paths.path_edit, name="path_edit"),
    path("paths/<int:path_id>/steps/", paths.path_steps, name="path_steps"),
    path("paths/<int:path_id>/delete/", paths.path_delete, name="path_delete"),
    path("plan/", paths.plan_mine, name="plan_mine"),
    path("plan/<int:person_id>/", paths.plan_new, name="plan_new"),
    path("plans/<int:plan_id>/", paths.plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/accept/", paths.plan_accept, name="plan_accept"),
]
