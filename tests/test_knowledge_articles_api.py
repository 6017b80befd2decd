"""Article API: list with filters and pagination (query budget), read, create, update
(revisions, conflicts), verify, reassign, archive, revisions, diff, restore, attachments;
every endpoint as an outsider; bad input gets the one error shape."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from seedbed.knowledge.models import Article, ArticleState, Attachment, Visibility
from seedbed.knowledge.services import articles as services
from seedbed.skills.models import Skill
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

API = "/api/v1/knowledge"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def write(org, who: str = "employee", **kw) -> Article:  # type: ignore[no-untyped-def]
    kw.setdefault("title", "Backups of the ERP")
    kw.setdefault("body", "Nightly at 02:00.\n")
    return services.create_article(actor=org.user(who), **kw)


class Api:
    def __init__(self, person: Any) -> None:
        self.client = Client()
        self.headers = bearer(person)

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(API + path, params, **self.headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            API + path, body or {}, content_type="application/json", **self.headers
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(API + path, body, content_type="application/json", **self.headers)

    def delete(self, path: str) -> Any:
        return self.client.delete(API + path, **self.headers)

    def upload(self, path: str, name: str, data: bytes) -> Any:
        from django.core.files.uploadedfile import SimpleUploadedFile

        return self.client.post(
            API + path, {"file": SimpleUploadedFile(name, data)}, **self.headers
        )


@pytest.fixture
def api(org):  # type: ignore[no-untyped-def]
    return {name: Api(getattr(org, name)) for name in ("admin", "manager", "employee", "outsider")}


def test_create_read_update_verify(org, api):
    python = Skill.objects.get(name="Python")
    r = api["employee"].post(
        "/articles",
        {
            "title": "Release checklist",
            "body": "# Steps\n<script>x</script>",
            "kind": "howto",
            "skill_ids": [python.pk],
            "review_interval_days": 30,
        },
    )
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["owner"]["id"] == org.employee.pk and data["revision_count"] == 1
    assert data["body_html"] == "<h2>Steps</h2>\n<p>&lt;script&gt;x&lt;/script&gt;</p>"
    assert data["skills"] == [{"id": python.pk, "name": "Python"}] and data["may_edit"] is True
    assert data["review_due_on"] == str(timezone.localdate() + timedelta(days=30))
    pk = data["id"]
    r = api["employee"].patch(f"/articles/{pk}", {"body": "v2", "base_revision": 1, "note": "n"})
    assert r.status_code == 200 and r.json()["revision_count"] == 2
    r = api["manager"].patch(f"/articles/{pk}", {"body": "v3", "base_revision": 1})
    assert r.status_code == 409 and r.json()["code"] == "conflict"
    r = api["employee"].patch(f"/articles/{pk}", {"visibility": "team"})
    assert r.status_code == 200 and r.json()["revision_count"] == 2
    r = api["employee"].post(f"/articles/{pk}/verify")
    assert r.status_code == 200 and r.json()["may_be_out_of_date"] is False
    out = api["outsider"].get(f"/articles/{pk}")
    assert out.status_code == 404  # team article of another team


def test_list_filters_and_pagination(org, api):
    python = Skill.objects.get(name="Python")
    write(org, title="Alpha", skill_ids=[python.pk])
    beta = write(org, title="Beta", kind="decision")
    write(org, title="Hidden", visibility=Visibility.PRIVATE)
    write(org, title="Draft", state=ArticleState.DRAFT)
    Article.objects.filter(pk=beta.pk).update(
        review_due_on=timezone.localdate() - timedelta(days=1)
    )
    c = api["outsider"]
    titles = lambda r: [a["title"] for a in r.json()["items"]]  # noqa: E731
    assert sorted(titles(c.get("/articles"))) == ["Alpha", "Beta"]
    assert titles(c.get("/articles", skill=python.pk)) == ["Alpha"]
    assert titles(c.get("/articles", kind="decision")) == ["Beta"]
    assert titles(c.get("/articles", out_of_date="true")) == ["Beta"]
    assert titles(c.get("/articles", out_of_date="false")) == ["Alpha"]
    assert titles(c.get("/articles", q="alp")) == ["Alpha"]
    assert titles(c.get("/articles", state="draft")) == []
    assert titles(api["manager"].get("/articles", state="draft")) == ["Draft"]
    assert titles(c.get("/articles", sort="title")) == ["Alpha", "Beta"]
    r = c.get("/articles", limit=1, offset=1, sort="title")
    assert r.json()["count"] == 2 and titles(r) == ["Beta"]


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "poem"},
        {"skill": 0},
        {"skill": 2**64},
        {"state": "gone"},
        {"limit": 10_000},
        {"sort": "random"},
        {"q": "x" * 101},
    ],
)
def test_list_bad_filters_are_422(org, api, params):
    r = api["employee"].get("/articles", **params)
    assert r.status_code == 422 and "detail" in r.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "", "body": "x"}, "title"),
        ({"title": "x" * 201, "body": "x"}, "title"),
        ({"title": "t", "body": ""}, "body"),
        ({"title": "t", "body": "x" * 200_001}, "body"),
        ({"title": "t", "body": "a\u0000b"}, "body"),
        ({"title": "t", "body": "x", "kind": "poem"}, "kind"),
        ({"title": "t", "body": "x", "state": "archived"}, "state"),
        ({"title": "t", "body": "x", "review_interval_days": 1}, "review_interval_days"),
        ({"title": "t", "body": "x", "skill_ids": list(range(1, 40))}, "skill_ids"),
        ({"title": "t", "body": "x", "extra": 1}, "extra"),
    ],
)
def test_create_bad_input_is_422(org, api, body, field):
    r = api["employee"].post("/articles", body)
    assert r.status_code == 422, r.content
    assert any(field in (e["field"] or "") for e in r.json()["errors"])
    assert not Article.objects.exists()


def test_unknown_ids_are_named(org, api):
    r = api["employee"].post("/articles", {"title": "t", "body": "x", "skill_ids": [999999]})
    assert r.status_code == 400 and r.json()["field"] == "skill_ids"
    assert "999999" in r.json()["detail"]
    r = api["employee"].post("/articles", {"title": "t", "body": "x", "owner_id": 999999})
    assert r.status_code == 404 and r.json()["field"] == "owner_id"
    r = api["employee"].post("/articles", {"title": "t", "body": "x", "source_question_id": 999999})
    assert r.status_code == 404 and r.json()["field"] == "source_question_id"
    article = write(org)
    r = api["employee"].patch(f"/articles/{article.pk}", {"title": None})
    assert r.status_code == 422


def test_revisions_diff_and_restore(org, api):
    article = write(org, body="one\n<b>two</b>\n")
    services.update_article(
        actor=org.user("employee"), article=article, data={"body": "one\nthree\n"}, note="fix"
    )
    c = api["outsider"]
    r = c.get(f"/articles/{article.pk}/revisions")
    assert [(x["number"], x["note"]) for x in r.json()["items"]] == [
        (2, "fix"),
        (1, "First version"),
    ]
    assert c.get(f"/articles/{article.pk}/revisions/1").json()["body"] == "one\n<b>two</b>\n"
    assert c.get(f"/articles/{article.pk}/revisions/5").status_code == 404
    d = c.get(f"/articles/{article.pk}/diff", a=2, b=1).json()
    assert (d["from_number"], d["to_number"], d["added"], d["removed"]) == (1, 2, 1, 1)
    assert "-<b>two</b>" in d["unified"] and "+three" in d["unified"]
    assert {"kind": "replace", "old_no": 2, "old_text": "<b>two</b>", "new_no": 2,
            "new_text": "three", "skipped": 0} in d["rows"]  # fmt: skip
    assert c.get(f"/articles/{article.pk}/diff", a=1, b=9).status_code == 404
    assert c.get(f"/articles/{article.pk}/diff", a=0, b=1).status_code == 422
    assert c.post(f"/articles/{article.pk}/revisions/1/restore").status_code == 403
    r = api["employee"].post(f"/articles/{article.pk}/revisions/1/restore", {"note": "undo"})
    assert r.status_code == 200 and r.json()["revision_count"] == 3
    assert r.json()["body"] == "one\n<b>two</b>\n"


def test_review_queue_reassign_archive(org, api):
    article = write(org)
    Article.objects.filter(pk=article.pk).update(review_due_on=timezone.localdate())
    assert [a["id"] for a in api["employee"].get("/articles/review-queue").json()["items"]] == [
        article.pk
    ]
    assert api["outsider"].get("/articles/review-queue").json()["items"] == []
    r = api["manager"].post(f"/articles/{article.pk}/owner", {"owner_id": org.report2.pk})
    assert r.status_code == 200 and r.json()["owner"]["id"] == org.report2.pk
    assert (
        api["manager"].post(f"/articles/{article.pk}/owner", {"owner_id": 999999}).status_code
        == 404
    )
    r = api["manager"].post(f"/articles/{article.pk}/archive")
    assert r.status_code == 200 and r.json()["state"] == "archived"
    assert api["manager"].post(f"/articles/{article.pk}/archive").status_code == 409


def test_templates(org, api):
    r = api["employee"].get("/article-templates").json()
    assert {t["key"] for t in r} == {"lesson", "howto"}
    assert "## What went well" in next(t for t in r if t["key"] == "lesson")["body"]


def test_attachments(org, api):
    article = write(org)
    r = api["employee"].upload(f"/articles/{article.pk}/attachments", "plan.png", PNG)
    assert r.status_code == 201, r.content
    att = r.json()
    assert att["content_type"] == "image/png" and att["size"] == len(PNG)
    assert att["download_url"] == f"{API}/articles/{article.pk}/attachments/{att['id']}"
    r = api["outsider"].client.get(att["download_url"], **api["outsider"].headers)
    assert r.status_code == 200 and b"".join(r.streaming_content) == PNG
    detail = api["outsider"].get(f"/articles/{article.pk}").json()
    assert [a["id"] for a in detail["attachments"]] == [att["id"]] and detail["may_edit"] is False
    r = api["employee"].upload(f"/articles/{article.pk}/attachments", "x.svg", b"<svg onload=1>")
    assert r.status_code == 400 and r.json()["field"] == "file"
    assert (
        api["outsider"].upload(f"/articles/{article.pk}/attachments", "a.png", PNG).status_code
        == 403
    )
    assert (
        api["outsider"].delete(f"/articles/{article.pk}/attachments/{att['id']}").status_code == 403
    )
    assert (
        api["employee"].delete(f"/articles/{article.pk}/attachments/{att['id']}").status_code == 204
    )
    assert not Attachment.objects.exists()


def test_every_endpoint_as_outsider_on_a_private_article(org, api):
    article = write(org, visibility=Visibility.PRIVATE)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from seedbed.knowledge.services.article_files import add_attachment

    att = add_attachment(
        actor=org.user("employee"), article=article, upload=SimpleUploadedFile("a.png", PNG)
    )
    c = api["outsider"]
    pk = article.pk
    for path in (
        f"/articles/{pk}",
        f"/articles/{pk}/revisions",
        f"/articles/{pk}/revisions/1",
        f"/articles/{pk}/diff?a=1&b=1",
        f"/articles/{pk}/attachments/{att.pk}",
    ):
        assert c.client.get(API + path, **c.headers).status_code == 404, path
    for path in (
        f"/articles/{pk}/verify",
        f"/articles/{pk}/archive",
        f"/articles/{pk}/revisions/1/restore",
    ):
        assert c.post(path).status_code == 404, path
    assert c.post(f"/articles/{pk}/owner", {"owner_id": org.outsider.pk}).status_code == 404
    assert c.patch(f"/articles/{pk}", {"title": "x"}).status_code == 404
    assert c.upload(f"/articles/{pk}/attachments", "a.png", PNG).status_code == 404
    assert c.delete(f"/articles/{pk}/attachments/{att.pk}").status_code == 404
    assert [a["id"] for a in c.get("/articles").json()["items"]] == []
    article.refresh_from_db()
    assert article.title == "Backups of the ERP" and article.state == ArticleState.PUBLISHED


def test_anonymous_gets_401(org):
    assert Client().get(API + "/articles").status_code == 401


AUTH = "bearer token + user"
PAGE = ["count(*) of the rows", "the page of rows (owner, created_by joined)"]
API_BUDGETS: dict[str, list[str]] = {
    "/articles": [AUTH, *PAGE, "prefetch the page's skills"],
    "/articles?skill={skill}&sort=title": [AUTH, *PAGE, "prefetch the page's skills"],
    "/articles/review-queue": [AUTH, *PAGE, "prefetch the page's skills"],
    "/articles/{first}/revisions": [AUTH, "the article (visible_to)", "count(*)", "the page"],
}


@pytest.mark.parametrize("n", [2, 20])
@pytest.mark.parametrize("path", sorted(API_BUDGETS))
def test_list_query_budgets(org, api, django_assert_num_queries, n, path):
    skills = list(Skill.objects.all())
    first = None
    for i in range(n):
        article = write(org, title=f"A{i}", skill_ids=[s.pk for s in skills])
        first = first or article
        services.update_article(
            actor=org.user("employee"), article=first, data={"body": f"v{i + 2}"}
        )
    assert first is not None
    Article.objects.update(review_due_on=timezone.localdate())
    target = path.format(first=first.pk, skill=skills[0].pk)
    c = api["employee"]
    c.client.get(API + target, **c.headers)  # warm up (token last_used_at)
    with django_assert_num_queries(len(API_BUDGETS[path])):
        r = c.client.get(API + target, **c.headers)
    assert r.status_code == 200
    assert r.json()["count"] == (n + 1 if "revisions" in path else n)
