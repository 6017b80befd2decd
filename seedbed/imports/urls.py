from django.urls import path

from seedbed.imports import views

app_name = "imports"
urlpatterns: list = []
