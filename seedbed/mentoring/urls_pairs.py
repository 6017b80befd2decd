"""Mentoring URLs for the pairs area: a pair and what happens in it, cross-training of
knowledge at risk, programme metrics."""

from django.urls import URLPattern, path

from seedbed.mentoring.views import pairs as views

urlpatterns: list[URLPattern] = [
    path("pairs/<int:pair_id>/", views.pair_detail, name="pair"),
    path("pairs/<int:pair_id>/sessions/new/", views.session_new, name="pair_session_new"),
    path("pairs/<int:pair_id>/goals/new/", views.goal_new, name="pair_goal_new"),
    path("pairs/<int:pair_id>/end/", views.pair_end, name="pair_end"),
    path("pairs/<int:pair_id>/feedback/", views.feedback, name="pair_feedback"),
    path("sessions/<int:session_id>/edit/", views.session_edit, name="pair_session_edit"),
    path("sessions/<int:session_id>/delete/", views.session_delete, name="pair_session_delete"),
    path("pair-goals/<int:goal_id>/edit/", views.goal_edit, name="pair_goal_edit"),
    path("pair-goals/<int:goal_id>/delete/", views.goal_delete, name="pair_goal_delete"),
    path("cross-training/", views.cross_training, name="cross_training"),
    path("cross-training/start/", views.cross_training_start, name="cross_training_start"),
    path("programmes/<int:programme_id>/metrics/", views.programme_metrics, name="metrics"),
]
