from django.urls import path

from seedbed.skills import views

app_name = "skills"
urlpatterns: list = []
