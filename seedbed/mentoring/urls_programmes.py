"""Mentoring URLs for the programmes area (owned by this area's views): my mentoring,
programmes, sign-up, matching and review, answers, self-service requests."""

from django.urls import URLPattern, path

from seedbed.mentoring.views import programmes as views
from seedbed.mentoring.views import programmes_matching as matching
from seedbed.mentoring.views import programmes_requests as requests

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("programmes/", views.programme_list, name="programmes"),
    path("programmes/new/", views.programme_edit, name="programme_new"),
    path("programmes/<int:programme_id>/", views.programme_detail, name="programme"),
    path("programmes/<int:programme_id>/edit/", views.programme_edit, name="programme_edit"),
    path("programmes/<int:programme_id>/state/", views.programme_state, name="programme_state"),
    path("programmes/<int:programme_id>/delete/", views.programme_delete, name="programme_delete"),
    path("programmes/<int:programme_id>/join/", views.join, name="join"),
    path("programmes/<int:programme_id>/leave/", views.leave, name="leave"),
    path("programmes/<int:programme_id>/people/", views.participants, name="participants"),
    path("programmes/<int:programme_id>/matching/", matching.matching, name="matching"),
    path("programmes/<int:programme_id>/matching/run/", matching.run, name="run"),
    path("programmes/<int:programme_id>/publish/", matching.publish, name="publish"),
    path(
        "programmes/<int:programme_id>/proposal/<int:pair_id>/lock/",
        matching.pair_lock,
        name="proposal_lock",
    ),
    path(
        "programmes/<int:programme_id>/proposal/<int:pair_id>/swap/",
        matching.pair_swap,
        name="proposal_swap",
    ),
    path(
        "programmes/<int:programme_id>/proposal/<int:pair_id>/remove/",
        matching.pair_remove,
        name="proposal_remove",
    ),
    path("answers/<int:pair_id>/", matching.answer, name="answer"),
    path("requests/new/", requests.request_new, name="request_new"),
    path("requests/<int:request_id>/<str:action>/", requests.request_action, name="request_action"),
    path("skill-options/", views.skill_options, name="skill_options"),
]
