"""Mentoring URLs, one list per area (each area's module owns its patterns)."""

from seedbed.mentoring.urls_pairs import urlpatterns as pair_urls
from seedbed.mentoring.urls_programmes import urlpatterns as programme_urls

app_name = "mentoring"
urlpatterns = [*programme_urls, *pair_urls]
