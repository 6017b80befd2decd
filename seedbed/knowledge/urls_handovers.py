"""Knowledge URLs for the handovers area (owned by this area's views)."""

from django.urls import URLPattern, path

from seedbed.knowledge.views import handovers as views

urlpatterns: list[URLPattern] = [
    path("handovers/", views.handover_list, name="handovers"),
    path("handovers/mine/", views.my_handover_list, name="handovers_mine"),
    path("handovers/<int:interview_id>/", views.handover_detail, name="handover"),
    path(
        "handovers/<int:interview_id>/complete/",
        views.handover_complete,
        name="handover_complete",
    ),
    path("handovers/start/<int:person_id>/", views.handover_start, name="handover_start"),
    path("handover-prompts/<int:prompt_id>/", views.prompt_answer, name="handover_prompt"),
    path(
        "handover-prompts/<int:prompt_id>/preview/",
        views.prompt_preview,
        name="handover_preview",
    ),
    path(
        "handover-prompts/<int:prompt_id>/article/",
        views.prompt_article,
        name="handover_article",
    ),
    path(
        "handover-prompts/<int:prompt_id>/reassign/",
        views.prompt_reassign,
        name="handover_reassign",
    ),
]
