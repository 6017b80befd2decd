from django.urls import path

from seedbed.certifications import views

app_name = "certifications"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("people/<int:person_id>/", views.person, name="person"),
    path("people/<int:person_id>/add/", views.add, name="add"),
    path("<int:certificate_id>/edit/", views.edit, name="edit"),
    path("<int:certificate_id>/attachment/", views.attach, name="attach"),
    path("<int:certificate_id>/file/", views.download, name="download"),
    path("<int:certificate_id>/verify/", views.verify, name="verify"),
    path("<int:certificate_id>/delete/", views.delete, name="delete"),
    path("kinds/", views.kinds, name="kinds"),
    path("kinds/new/", views.kind_edit, name="kind_new"),
    path("kinds/regulated/", views.regulated, name="regulated"),
    path("kinds/<int:pk>/edit/", views.kind_edit, name="kind_edit"),
    path("kinds/<int:pk>/delete/", views.kind_delete, name="kind_delete"),
    path("compliance/", views.compliance, name="compliance"),
]
