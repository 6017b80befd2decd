from django.urls import path

from seedbed.imports import views

app_name = "imports"
urlpatterns: list = [
    path("", views.start, name="start"),
    path("<int:pk>/", views.job_detail, name="job"),
    path("<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("<int:pk>/commit/", views.job_commit, name="job_commit"),
    path("<int:pk>/discard/", views.job_discard, name="job_discard"),
    path("templates/<slug:name>.csv", views.template_download, name="template"),
    path("export/people/", views.export_people, name="export_people"),
]
