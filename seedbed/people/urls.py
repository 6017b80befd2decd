from django.urls import path

from seedbed.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_edit, name="create"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/edit/", views.person_edit, name="edit"),
    path("<int:person_id>/personal-data.json", views.personal_data, name="personal_data"),
    path("<int:person_id>/<str:action>/", views.person_action, name="action"),
    path("<int:person_id>/skills/<int:skill_id>/", views.skill_history, name="skill_history"),
    path("validation/", views.validation_queue, name="validation"),
    path("validation/<int:ps_id>/", views.validate, name="validate"),
    path("matrix/", views.matrix, name="matrix"),
    path("teams/", views.team_list, name="teams"),
    path("teams/new/", views.team_edit, name="team_create"),
    path("teams/<int:team_id>/edit/", views.team_edit, name="team_edit"),
]
