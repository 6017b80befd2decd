"""The demo company's questions and answers: realistic, routed within the caps, some accepted,
some unanswered, one turned into an article; building twice changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from seedbed.demo.knowledge_questions import QUESTIONS, build_questions
from seedbed.demo.services import build_demo
from seedbed.knowledge.models import Answer, Article, FinderSettings, Question, Routing, Vote

pytestmark = pytest.mark.django_db


def test_demo_questions(django_assert_max_num_queries):
    build_demo()
    build_questions()  # idempotent: the demo build already made them
    assert Question.objects.count() == len(QUESTIONS) >= 10
    assert Question.objects.filter(accepted_answer__isnull=False).count() >= 5
    unanswered = Question.objects.filter(answer_count=0)
    assert unanswered.count() == 2
    assert Answer.objects.count() == sum(len(q.answers) for q in QUESTIONS)
    assert Vote.objects.exists()
    for answer in Answer.objects.all():
        assert answer.score == sum(answer.votes.values_list("value", flat=True))
    # Routed by the expert finder: never to the asker, within both caps.
    settings = FinderSettings.load()
    assert Routing.objects.exists()
    for question in Question.objects.all():
        routed = Routing.objects.filter(question=question)
        assert routed.count() <= settings.experts_per_question
        assert not routed.filter(person=question.asked_by).exists()
        assert not routed.filter(person__is_active=False).exists()
    recent = (
        Routing.objects.filter(created_at__gt=timezone.now() - timedelta(days=7))
        .values("person")
        .annotate(n=Count("id"))
    )
    assert all(row["n"] <= settings.max_notifications_per_week for row in recent)
    for question in unanswered:
        assert question.routings.exists(), question.title
    article = Article.objects.get(source_question__isnull=False)
    assert article.title == QUESTIONS[0].title and article.owner is not None
    assert article.owner.full_name == "Kenji Watanabe"
    build_questions()
    assert Question.objects.count() == len(QUESTIONS)
