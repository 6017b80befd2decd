from django.urls import include, path

from seedbed.accounts import views as account_views
from seedbed.config.api import api

urlpatterns = [
    path("", account_views.home, name="home"),
    path("health", account_views.health, name="health"),
    path("accounts/", include("seedbed.accounts.urls")),
    path("people/", include("seedbed.people.urls")),
    path("skills/", include("seedbed.skills.urls")),
    path("roles/", include("seedbed.frameworks.urls")),
    path("import/", include("seedbed.imports.urls")),
    path("gaps/", include("seedbed.gaps.urls")),
    path("learning/", include("seedbed.learning.urls")),
    path("surveys/", include("seedbed.surveys.urls")),
    path("inbox/", include("seedbed.notifications.urls")),
    path("certifications/", include("seedbed.certifications.urls")),
    path("development/", include("seedbed.development.urls")),
    path("mentoring/", include("seedbed.mentoring.urls")),
    path("knowledge/", include("seedbed.knowledge.urls")),
    path("search/", include("seedbed.search.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]
