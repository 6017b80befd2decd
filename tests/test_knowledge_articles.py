"""Knowledge-base article services: create and revise (revisions, rendering, conflicts),
verification due dates, visibility and edit rights, re-assigning, archiving, restoring a
revision, the review queue and its daily reminders, diffs, bad input."""

from __future__ import annotations

from datetime import date, timedelta
from unittest import mock

import pytest
from django.utils import timezone

from seedbed.accounts.models import AuditLog
from seedbed.knowledge import diffs
from seedbed.knowledge.models import Article, ArticleRevision, ArticleState, Visibility
from seedbed.knowledge.services import articles as services
from seedbed.lib.errors import Conflict, NotAllowed, NotFound, ServiceError
from seedbed.notifications.models import Notification
from seedbed.skills.models import Skill
from tests.builders import make_skill

pytestmark = pytest.mark.django_db


def write(org, who: str = "employee", **kw) -> Article:  # type: ignore[no-untyped-def]
    kw.setdefault("title", "Deploy the billing service")
    kw.setdefault("body", "## Steps\n\n1. Build\n2. Ship\n")
    return services.create_article(actor=org.user(who), **kw)


# --- create ---------------------------------------------------------------------------------


def test_create_renders_sanitised_html_and_first_revision(org):
    python = Skill.objects.get(name="Python")
    article = write(
        org,
        body="Run `make` <script>alert(1)</script> [x](javascript:alert(1))",
        skill_ids=[python.pk],
        note="from the wiki",
    )
    assert "<script" not in article.body_html and "&lt;script&gt;" in article.body_html
    assert (
        "javascript:" not in article.body_html.split("href")[0] or "href" not in article.body_html
    )
    assert article.owner == org.employee and article.created_by == org.user("employee")
    assert list(article.skills.all()) == [python]
    assert article.revision_count == 1
    rev = article.revisions.get()
    assert (rev.number, rev.title, rev.note) == (1, article.title, "from the wiki")
    assert AuditLog.objects.filter(action="article.create", object_id=str(article.pk)).exists()


def test_create_calls_the_search_index_on_commit(org):
    with mock.patch("seedbed.search.index.schedule_index") as hook:
        article = write(org)
    hook.assert_called_with("article", [article.pk])


def test_published_article_falls_due_after_its_interval(org):
    article = write(org, review_interval_days=30)
    today = timezone.localdate()
    assert article.last_verified_at is not None
    assert article.review_due_on == today + timedelta(days=30)


def test_draft_is_never_due_until_published(org):
    article = write(org, state=ArticleState.DRAFT)
    assert article.review_due_on is None and article.last_verified_at is None
    services.update_article(
        actor=org.user("employee"), article=article, data={"state": ArticleState.PUBLISHED}
    )
    article.refresh_from_db()
    assert article.review_due_on == timezone.localdate() + timedelta(days=180)
    assert article.revision_count == 1  # metadata change, no new text revision


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"body": ""}, "body"),
        ({"body": "a\x00b"}, "body"),
        ({"body": "x" * 200_001}, "body"),
        ({"summary": "s" * 301}, "summary"),
        ({"kind": "poem"}, "kind"),
        ({"visibility": "world"}, "visibility"),
        ({"state": "archived"}, "state"),
        ({"review_interval_days": 0}, "review_interval_days"),
        ({"review_interval_days": 100_000}, "review_interval_days"),
        ({"skill_ids": [999_999]}, "skill_ids"),
        ({"skill_ids": list(range(1, 30))}, "skill_ids"),
    ],
)
def test_bad_input_is_refused_with_the_field(org, kw, field):
    with pytest.raises(ServiceError) as exc:
        write(org, **kw)
    assert exc.value.field == field
    assert not Article.objects.exists()


def test_unknown_skill_ids_are_named(org):
    with pytest.raises(ServiceError, match="999998, 999999"):
        write(org, skill_ids=[999_998, 999_999])


def test_inactive_skill_cannot_be_tagged(org):
    old = make_skill("COBOL", is_active=False)
    with pytest.raises(ServiceError):
        write(org, skill_ids=[old.pk])


def test_anyone_active_can_be_named_owner_and_is_told(org):
    article = write(org, "employee", owner=org.outsider)
    assert article.owner == org.outsider
    note = Notification.objects.get(recipient=org.outsider)
    assert article.title in note.title and note.link == f"/knowledge/articles/{article.pk}/"
    write(org, "employee")  # own article: nobody is notified
    assert Notification.objects.count() == 1


def test_owner_who_left_is_refused(org):
    org.report2.is_active = False
    org.report2.save()
    with pytest.raises(ServiceError, match="has left"):
        write(org, "manager", owner=org.report2)


# --- update, revisions, diffs ---------------------------------------------------------------


def test_each_text_change_appends_a_revision(org):
    article = write(org)
    for i in range(2, 5):
        services.update_article(
            actor=org.user("employee"),
            article=article,
            data={"body": f"Version {i}\n"},
            note=f"v{i}",
        )
    article.refresh_from_db()
    assert article.revision_count == 4
    assert list(article.revisions.values_list("number", "note")) == [
        (4, "v4"),
        (3, "v3"),
        (2, "v2"),
        (1, "First version"),
    ]
    assert article.body_html == "<p>Version 4</p>"


def test_update_without_change_adds_nothing(org):
    article = write(org)
    services.update_article(
        actor=org.user("employee"), article=article, data={"title": article.title}
    )
    assert article.revisions.count() == 1
    assert not AuditLog.objects.filter(action="article.update").exists()


def test_update_refuses_unknown_fields(org):
    article = write(org)
    with pytest.raises(ServiceError, match="owner"):
        services.update_article(
            actor=org.user("employee"), article=article, data={"owner": org.manager}
        )


def test_stale_editor_gets_a_conflict(org):
    article = write(org)
    services.update_article(
        actor=org.user("manager"), article=article, data={"body": "newer", "base_revision": 1}
    )
    with pytest.raises(Conflict, match="version 2"):
        services.update_article(
            actor=org.user("employee"),
            article=article,
            data={"body": "older edit", "base_revision": 1},
        )
    article.refresh_from_db()
    assert article.body == "newer"


def test_skills_change_is_audited_without_revision(org):
    article = write(org)
    k8s = Skill.objects.get(name="Kubernetes")
    services.update_article(
        actor=org.user("employee"), article=article, data={"skill_ids": [k8s.pk]}
    )
    assert list(article.skills.all()) == [k8s]
    assert article.revisions.count() == 1
    log = AuditLog.objects.get(action="article.update")
    assert log.changes["skills"][1] == [k8s.pk]


def test_restore_revision_creates_a_new_revision(org):
    article = write(org, body="one")
    services.update_article(actor=org.user("employee"), article=article, data={"body": "two"})
    services.restore_revision(actor=org.user("employee"), article=article, number=1)
    article.refresh_from_db()
    assert article.body == "one" and article.revision_count == 3
    assert article.revisions.first().note == "Restored version 1"  # type: ignore[union-attr]
    with pytest.raises(Conflict):
        services.restore_revision(actor=org.user("employee"), article=article, number=3)
    with pytest.raises(NotFound):
        services.restore_revision(actor=org.user("employee"), article=article, number=9)


def test_diff_between_revisions_is_line_based_and_unescaped_text(org):
    old = "# Title\n\nkeep\n<script>old</script>\nsame\n"
    new = "# Title\n\nkeep\nchanged line\nsame\nadded\n"
    rows = diffs.side_by_side(old, new)
    kinds = [r.kind for r in rows]
    assert "replace" in kinds and "insert" in kinds
    replaced = next(r for r in rows if r.kind == "replace")
    assert replaced.old_text == "<script>old</script>" and replaced.new_text == "changed line"
    stats = diffs.stats(old, new)
    assert (stats.added, stats.removed) == (2, 1)
    text = diffs.unified(old, new, "version 1", "version 2")
    assert text.startswith("--- version 1\n+++ version 2\n")
    assert "-<script>old</script>" in text and "+added" in text


def test_diff_of_identical_texts_has_no_changes():
    assert all(r.kind == "equal" for r in diffs.side_by_side("a\nb", "a\nb"))
    assert diffs.stats("a", "a") == diffs.DiffStats(0, 0)


def test_diff_folds_long_unchanged_stretches():
    old = "\n".join(f"line {i}" for i in range(100))
    new = old.replace("line 50", "line fifty")
    rows = diffs.side_by_side(old, new, context=2)
    assert len([r for r in rows if r.kind == "equal"]) == 4
    assert [r.kind for r in rows].count("skip") == 2


# --- visibility and edit rights -------------------------------------------------------------


def visible(org, who: str) -> set[str]:  # type: ignore[no-untyped-def]
    return set(Article.objects.visible_to(org.user(who)).values_list("title", flat=True))


def test_visibility_rules(org):
    write(org, "employee", title="org")
    write(org, "employee", title="team", visibility=Visibility.TEAM)
    write(org, "employee", title="private", visibility=Visibility.PRIVATE)
    write(org, "employee", title="draft", state=ArticleState.DRAFT)
    everything = {"org", "team", "private", "draft"}
    assert visible(org, "employee") == everything
    assert visible(org, "manager") == everything  # owner is in the manager's line
    assert visible(org, "admin") == everything
    assert visible(org, "report2") == {"org", "team"}  # same team, not in the line
    assert visible(org, "outsider") == {"org"}
    assert visible(org, "outsider_manager") == {"org"}


def test_who_may_edit(org):
    article = write(org, "employee")
    assert services.may_edit(org.user("employee"), article)  # owner and author
    assert services.may_edit(org.user("manager"), article)  # owner's line
    assert services.may_edit(org.user("admin"), article)
    for who in ("lead", "report2", "outsider", "outsider_manager"):
        assert not services.may_edit(org.user(who), article), who
        with pytest.raises(NotAllowed):
            services.update_article(actor=org.user(who), article=article, data={"body": "x"})
        with pytest.raises(NotAllowed):
            services.verify_article(actor=org.user(who), article=article)
        with pytest.raises(NotAllowed):
            services.archive_article(actor=org.user(who), article=article)


def test_author_keeps_edit_rights_after_reassigning(org):
    article = write(org, "manager", owner=org.employee)
    services.reassign_owner(actor=org.user("manager"), article=article, owner=org.report2)
    assert services.may_edit(org.user("manager"), article)
    assert not services.may_edit(org.user("employee"), article)


# --- verify, reassign, archive --------------------------------------------------------------


def test_verify_sets_next_due_date(org):
    article = write(org, review_interval_days=90)
    Article.objects.filter(pk=article.pk).update(review_due_on=date(2020, 1, 1))
    today = date(2026, 3, 1)
    services.verify_article(actor=org.user("employee"), article=article, today=today)
    article.refresh_from_db()
    assert article.review_due_on == today + timedelta(days=90)
    assert article.last_verified_at is not None
    assert AuditLog.objects.filter(action="article.verify").exists()


def test_changing_the_interval_moves_the_due_date(org):
    article = write(org, review_interval_days=30)
    services.update_article(
        actor=org.user("employee"), article=article, data={"review_interval_days": 60}
    )
    article.refresh_from_db()
    assert article.review_due_on == timezone.localdate(article.last_verified_at) + timedelta(
        days=60
    )


def test_only_published_articles_can_be_verified(org):
    article = write(org, state=ArticleState.DRAFT)
    with pytest.raises(Conflict):
        services.verify_article(actor=org.user("employee"), article=article)


def test_reassign_notifies_the_new_owner(org):
    article = write(org, "manager", owner=org.employee)
    Notification.objects.all().delete()
    services.reassign_owner(actor=org.user("manager"), article=article, owner=org.report2)
    article.refresh_from_db()
    assert article.owner == org.report2
    note = Notification.objects.get(recipient=org.report2)
    assert note.kind == "article_review" and article.title in note.title
    with pytest.raises(Conflict):
        services.reassign_owner(actor=org.user("manager"), article=article, owner=org.report2)
    # The new owner may now edit it; the outsider may not re-assign it.
    assert services.may_edit(org.user("report2"), article)
    with pytest.raises(NotAllowed):
        services.reassign_owner(actor=org.user("outsider"), article=article, owner=org.outsider)


def test_archive_leaves_the_queue(org):
    article = write(org)
    services.archive_article(actor=org.user("employee"), article=article)
    article.refresh_from_db()
    assert article.state == ArticleState.ARCHIVED and article.review_due_on is None
    assert "archived" not in visible(org, "outsider")
    with pytest.raises(Conflict):
        services.archive_article(actor=org.user("employee"), article=article)


# --- review queue and reminders -------------------------------------------------------------


def test_review_queue_has_overdue_and_soon_due_of_mine(org):
    today = timezone.localdate()
    overdue = write(org, title="overdue")
    soon = write(org, title="soon")
    later = write(org, title="later")
    write(org, "manager", title="not mine")
    Article.objects.filter(pk=overdue.pk).update(review_due_on=today - timedelta(days=3))
    Article.objects.filter(pk=soon.pk).update(review_due_on=today + timedelta(days=14))
    Article.objects.filter(pk=later.pk).update(review_due_on=today + timedelta(days=15))
    queue = services.review_queue(org.user("employee"), today=today)
    assert [a.title for a in queue] == ["overdue", "soon"]


def test_reminders_go_once_to_owners_of_newly_overdue_articles(org):
    now = timezone.now()
    today = timezone.localdate(now)
    fresh = write(org, title="fresh")
    ancient = write(org, title="ancient")
    not_yet = write(org, title="not yet")
    Article.objects.filter(pk=fresh.pk).update(review_due_on=today - timedelta(days=1))
    Article.objects.filter(pk=ancient.pk).update(review_due_on=today - timedelta(days=400))
    Article.objects.filter(pk=not_yet.pk).update(review_due_on=today)
    assert services.send_review_reminders(now=now) == 1
    note = Notification.objects.get(kind="article_review", title__contains="Review due")
    assert note.recipient == org.employee and "fresh" in note.title
    assert note.link == f"/knowledge/articles/{fresh.pk}/"
    assert services.send_review_reminders(now=now) == 0  # once
    # Verified, then overdue again later: reminded again.
    services.verify_article(actor=org.user("employee"), article=fresh)
    later = now + timedelta(days=185)  # due after 180 days, 5 days overdue
    assert services.send_review_reminders(now=later) == 1


def test_reminder_goes_to_the_manager_when_the_owner_left(org):
    article = write(org)
    Article.objects.filter(pk=article.pk).update(
        review_due_on=timezone.localdate() - timedelta(days=2)
    )
    org.employee.is_active = False
    org.employee.save()
    assert services.send_review_reminders() == 1
    note = Notification.objects.get(kind="article_review")
    assert note.recipient == org.manager and "re-assign" in note.title


def test_daily_housekeeping_sends_review_reminders(org):
    from seedbed.surveys.tasks import daily_housekeeping

    article = write(org)
    Article.objects.filter(pk=article.pk).update(
        review_due_on=timezone.localdate() - timedelta(days=1)
    )
    result = daily_housekeeping.call()
    assert result["article_reviews"] == 1
    assert ArticleRevision.objects.count() == 1
