"""Knowledge URLs for the questions area (owned by this area's views)."""

from django.urls import URLPattern, path

from seedbed.knowledge.views import questions as views

urlpatterns: list[URLPattern] = [
    path("questions/", views.question_list, name="questions"),
    path("questions/unanswered/", views.unanswered_list, name="questions_unanswered"),
    path("questions/for-me/", views.for_me_list, name="questions_for_me"),
    path("questions/ask/", views.question_ask, name="question_ask"),
    path("questions/<int:question_id>/", views.question_detail, name="question"),
    path("questions/<int:question_id>/edit/", views.question_edit, name="question_edit"),
    path("questions/<int:question_id>/answer/", views.question_answer, name="question_answer"),
    path("questions/<int:question_id>/comment/", views.question_comment, name="question_comment"),
    path("questions/<int:question_id>/accept/", views.question_accept, name="question_accept"),
    path(
        "questions/<int:question_id>/<str:action>/", views.question_action, name="question_action"
    ),
    path("answers/<int:answer_id>/edit/", views.answer_edit, name="answer_edit"),
    path("answers/<int:answer_id>/comment/", views.answer_comment, name="answer_comment"),
    path("answers/<int:answer_id>/vote/", views.answer_vote, name="answer_vote"),
    path("answers/<int:answer_id>/article/", views.answer_article, name="answer_article"),
]
