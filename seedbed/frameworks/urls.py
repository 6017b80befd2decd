from django.urls import path

from seedbed.frameworks import views

app_name = "frameworks"
urlpatterns = [
    path("", views.role_list, name="roles"),
    path("new/", views.role_edit, name="role_create"),
    path("<int:role_id>/", views.role_detail, name="role_detail"),
    path("<int:role_id>/edit/", views.role_edit, name="role_edit"),
    path("<int:role_id>/requirements/", views.requirement_set, name="requirement_set"),
    path(
        "<int:role_id>/requirements/<int:skill_id>/remove/",
        views.requirement_remove,
        name="requirement_remove",
    ),
]
