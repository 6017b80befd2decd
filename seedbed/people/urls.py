from django.urls import path

from seedbed.people import views

app_name = "people"
urlpatterns: list = []
