"""Search URLs: the results page (the header's search box sends its query here)."""

from django.urls import path

from seedbed.search import views

app_name = "search"
urlpatterns = [path("", views.results, name="results")]
