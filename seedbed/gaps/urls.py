from django.urls import path

from seedbed.gaps import views

app_name = "gaps"
urlpatterns = [
    path("", views.org, name="org"),
    path("teams/<int:team_id>/", views.team, name="team"),
    path("people/me/", views.me, name="me"),
    path("people/<int:person_id>/", views.person, name="person"),
    path("skills/<int:skill_id>/", views.skill, name="skill"),
    path("risks/", views.risks, name="risks"),
    path("compare/", views.compare, name="compare"),
]
