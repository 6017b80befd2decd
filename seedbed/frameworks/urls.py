from django.urls import path

from seedbed.frameworks import views

app_name = "frameworks"
urlpatterns: list = []
