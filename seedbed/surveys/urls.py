from django.urls import path

from seedbed.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.launch, name="launch"),
    path("<int:campaign_id>/", views.campaign_detail, name="detail"),
    path("<int:campaign_id>/remind/", views.remind, name="remind"),
    path("<int:campaign_id>/<str:action>/", views.close, name="close"),
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("confirm/", views.confirm, name="confirm"),
]
