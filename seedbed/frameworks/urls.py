from django.urls import path

from seedbed.frameworks import views

app_name = "frameworks"
urlpatterns = [
    path("", views.role_list, name="roles"),
    path("new/", views.role_edit, name="role_create"),
    path("compare/", views.role_compare, name="compare"),
    path("target/", views.target_role_set, name="target_role"),
    path("<int:role_id>/", views.role_detail, name="role_detail"),
    path("<int:role_id>/edit/", views.role_edit, name="role_edit"),
    path("<int:role_id>/requirements/", views.requirement_set, name="requirement_set"),
    path("<int:role_id>/requirements/pick/", views.requirement_picker, name="requirement_picker"),
    path(
        "<int:role_id>/requirements/<int:skill_id>/remove/",
        views.requirement_remove,
        name="requirement_remove",
    ),
    path("<int:role_id>/next-roles/", views.next_roles_set, name="next_roles"),
    path("<int:role_id>/readiness/<int:person_id>/", views.readiness, name="readiness"),
    path("readiness/<int:person_id>/", views.readiness_pick, name="readiness_pick"),
    path("needs/", views.need_list, name="needs"),
    path("needs/new/", views.need_edit, name="need_create"),
    path("needs/<int:need_id>/edit/", views.need_edit, name="need_edit"),
    path("needs/<int:need_id>/<str:action>/", views.need_action, name="need_action"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<slug:name>/", views.template_preview, name="template_preview"),
    path("templates/<slug:name>/apply/", views.template_apply, name="template_apply"),
]
