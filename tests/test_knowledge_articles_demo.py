"""The demo's knowledge base: articles of every kind with skills and owners, some with several
versions, a few overdue for review (one in the demo employee's queue, one due soon in the
demo manager's), one draft, one attachment; building it again adds nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from seedbed.accounts.models import User
from seedbed.demo import data
from seedbed.demo.knowledge_articles import ARTICLES, build_knowledge_articles
from seedbed.demo.services import build_demo
from seedbed.knowledge.models import Article, ArticleKind, ArticleState, Attachment
from seedbed.knowledge.services.articles import review_queue, send_review_reminders
from seedbed.notifications.models import Notification

pytestmark = pytest.mark.django_db


def user(key: str) -> User:
    return User.objects.get(email__iexact=next(p.email for p in data.PEOPLE if p.key == key))


def test_demo_knowledge_base():
    build_demo()
    today = timezone.localdate()
    # Other demo areas add articles too (an answer turned into one); these are ours.
    mine = [a.title for a in ARTICLES]
    articles = list(Article.objects.filter(title__in=mine).prefetch_related("skills"))
    assert len(articles) == len(ARTICLES) >= 12
    assert {a.kind for a in articles} == set(ArticleKind.values)
    assert all(a.skills.exists() and a.owner is not None for a in articles)
    assert all("<script" not in a.body_html and a.body_html for a in articles)
    overdue = [a for a in articles if a.review_due_on and a.review_due_on < today]
    assert len(overdue) >= 3
    assert max(a.revision_count for a in articles) >= 3
    assert sum(a.state == ArticleState.DRAFT for a in articles) == 1
    assert Attachment.objects.filter(article__title__in=mine).count() == 1
    emma = [a.title for a in review_queue(user("emma"), today=today) if a.title in mine]
    assert emma == ["Handover notes: the legacy sensor gateway", "Code review checklist"]
    assert [a.title for a in review_queue(user("marco"), today=today) if a.title in mine] == [
        "Platform incident runbook"
    ]
    # Revisions are spread over time, oldest first.
    deploy = Article.objects.get(title="Deploy the customer portal to production")
    dates = list(deploy.revisions.order_by("number").values_list("created_at", flat=True))
    assert dates == sorted(dates) and dates[0] < timezone.now() - timedelta(days=300)
    # The newly overdue ones are reminded once (the long-overdue one is not announced).
    Notification.objects.filter(kind="article_review").delete()
    send_review_reminders()
    reminded = set(
        Notification.objects.filter(kind="article_review").values_list("link", flat=True)
    )
    newly = {
        f"/knowledge/articles/{a.pk}/"
        for a in overdue
        if a.review_due_on >= today - timedelta(days=14)
    }
    assert len(newly) == len(overdue) - 1 and newly <= reminded
    before = Article.objects.count()
    assert build_knowledge_articles() == 0
    assert Article.objects.count() == before
