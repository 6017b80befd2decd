from django.urls import path

from seedbed.development import views

app_name = "development"
urlpatterns = [
    path("", views.home, name="home"),
    path("people/<int:person_id>/", views.person, name="person"),
    path("people/<int:person_id>/new/", views.plan_new, name="plan_new"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("plans/<int:plan_id>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:plan_id>/agree/", views.plan_agree, name="plan_agree"),
    path("plans/<int:plan_id>/review/", views.plan_review, name="plan_review"),
    path("plans/<int:plan_id>/goals/new/", views.goal_new, name="goal_new"),
    path("plans/<int:plan_id>/<str:action>/", views.plan_action, name="plan_action"),
    path("goals/<int:goal_id>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<int:goal_id>/delete/", views.goal_delete, name="goal_delete"),
]
