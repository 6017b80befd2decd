"""Knowledge URLs for the articles area (owned by this area's views)."""

from django.urls import URLPattern, path

from seedbed.knowledge.views import articles as views

urlpatterns: list[URLPattern] = [
    path("articles/", views.article_list, name="articles"),
    path("articles/new/", views.article_new, name="article_new"),
    path("articles/preview/", views.article_preview, name="article_preview"),
    path("articles/review/", views.review_queue, name="article_review_queue"),
    path("articles/<int:article_id>/", views.article_detail, name="article"),
    path("articles/<int:article_id>/edit/", views.article_edit, name="article_edit"),
    path("articles/<int:article_id>/verify/", views.article_verify, name="article_verify"),
    path("articles/<int:article_id>/archive/", views.article_archive, name="article_archive"),
    path("articles/<int:article_id>/owner/", views.article_reassign, name="article_reassign"),
    path("articles/<int:article_id>/revisions/", views.revision_list, name="article_revisions"),
    path(
        "articles/<int:article_id>/revisions/<int:number>/",
        views.revision_detail,
        name="article_revision",
    ),
    path(
        "articles/<int:article_id>/revisions/<int:number>/restore/",
        views.revision_restore,
        name="article_restore",
    ),
    path("articles/<int:article_id>/diff/", views.revision_diff, name="article_diff"),
    path("articles/<int:article_id>/attachments/", views.attachment_add, name="article_attach"),
    path(
        "articles/<int:article_id>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="article_attachment",
    ),
    path(
        "articles/<int:article_id>/attachments/<int:attachment_id>/delete/",
        views.attachment_delete,
        name="article_attachment_delete",
    ),
]
