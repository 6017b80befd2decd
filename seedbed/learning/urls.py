"""Learning URLs, one list per area (each area's module owns its patterns)."""

from seedbed.learning.urls_catalogue import urlpatterns as catalogue_urls
from seedbed.learning.urls_paths import urlpatterns as path_urls

app_name = "learning"
urlpatterns = [*catalogue_urls, *path_urls]
