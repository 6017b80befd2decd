"""Article pages: list (search, filters, export, query budget), article page, write/edit with
preview and templates, revisions and diffs (escaped), restore, verify (also via htmx),
re-assign, archive, attachments (size, type sniffing, permission-checked download), review
queue; every page as an outsider."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from seedbed.knowledge.models import Article, ArticleState, Attachment, Visibility
from seedbed.knowledge.services import article_files
from seedbed.knowledge.services import articles as services
from seedbed.lib.errors import NotAllowed, ServiceError
from seedbed.skills.models import Skill
from tests.builders import make_person

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def write(org, who: str = "employee", **kw) -> Article:  # type: ignore[no-untyped-def]
    kw.setdefault("title", "Rotate the TLS certificates")
    kw.setdefault("body", "## Steps\n\n1. Renew\n2. Reload nginx\n")
    return services.create_article(actor=org.user(who), **kw)


def url(name: str, *args: object) -> str:
    return reverse(f"knowledge:{name}", args=args)


def upload(name: str, data: bytes):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


# --- list ---------------------------------------------------------------------------------


def test_list_shows_visible_articles_with_filters(org, clients):
    python = Skill.objects.get(name="Python")
    write(org, title="Python packaging", skill_ids=[python.pk])
    write(org, title="Team secret", visibility=Visibility.TEAM)
    old = write(org, title="Old runbook", kind="practice")
    Article.objects.filter(pk=old.pk).update(review_due_on=timezone.localdate() - timedelta(days=1))
    page = clients["outsider"].get(url("articles")).content.decode()
    assert "Python packaging" in page and "Old runbook" in page
    assert "Team secret" not in page
    assert "may be out of date" in page
    r = clients["employee"].get(url("articles"), {"q": "packaging"})
    assert "Python packaging" in r.content.decode() and "Old runbook" not in r.content.decode()
    r = clients["employee"].get(url("articles"), {"skill": python.pk})
    assert "Python packaging" in r.content.decode() and "Old runbook" not in r.content.decode()
    r = clients["employee"].get(url("articles"), {"out_of_date": "on"})
    assert "Old runbook" in r.content.decode() and "Python packaging" not in r.content.decode()
    r = clients["employee"].get(url("articles"), {"kind": "practice"})
    assert "Old runbook" in r.content.decode() and "Python packaging" not in r.content.decode()
    r = clients["employee"].get(url("articles"), {"owner": org.employee.pk})
    assert "Python packaging" in r.content.decode()


def test_drafts_listed_only_for_those_who_may_see_them(org, clients):
    write(org, title="Half-written", state=ArticleState.DRAFT)
    assert (
        "Half-written"
        in clients["employee"].get(url("articles"), {"state": "draft"}).content.decode()
    )
    assert (
        "Half-written"
        in clients["manager"].get(url("articles"), {"state": "draft"}).content.decode()
    )
    assert (
        "Half-written"
        not in clients["outsider"].get(url("articles"), {"state": "draft"}).content.decode()
    )


def test_list_bad_filters_do_not_crash(org, clients):
    r = clients["employee"].get(
        url("articles"),
        {"skill": "abc", "owner": "99999999999999999999", "kind": "x", "page": "-1"},
    )
    assert r.status_code == 200


def test_list_exports_csv_and_xlsx(org, clients):
    write(org, title="=HYPERLINK(evil)")
    write(org, title="Private one", visibility=Visibility.PRIVATE)
    csv = clients["outsider"].get(url("articles"), {"export": "csv"})
    text = csv.content.decode("utf-8-sig")
    assert csv["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK(evil)" in text and "Private one" not in text
    xlsx = clients["outsider"].get(url("articles"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert sheet.cell(1, 2).value == "title" and sheet.cell(2, 2).value == "'=HYPERLINK(evil)"


SESSION = ["session", "user"]
INBOX = "unread notifications count (navigation)"
PAGE_BUDGETS: dict[str, list[str]] = {
    "articles": [
        *SESSION,
        "count(*) of the filtered articles",
        INBOX,
        "skill choices of the filter (skills of visible articles)",
        "owner choices of the filter (owners of visible articles)",
        "the page of articles (owner joined)",
        "prefetch the page's skills",
    ],
    "article_review_queue": [
        *SESSION,
        "my due articles",
        "prefetch their skills",
        INBOX,
    ],
    "article_revisions": [
        *SESSION,
        "the article (visible_to)",
        "count(*) of its revisions",
        INBOX,
        "the page of revisions (author joined)",
    ],
}


@pytest.mark.parametrize("n", [1, 12])
@pytest.mark.parametrize("page", sorted(PAGE_BUDGETS))
def test_page_query_counts_do_not_grow(org, clients, django_assert_num_queries, n, page):
    skills = list(Skill.objects.all())
    first = None
    for i in range(n):
        article = write(org, title=f"Article {i}", skill_ids=[s.pk for s in skills])
        first = first or article
        services.update_article(
            actor=org.user("employee"), article=first, data={"body": f"version {i + 2}"}
        )
    Article.objects.update(review_due_on=timezone.localdate())
    path = url(page, first.pk) if page == "article_revisions" else url(page)  # type: ignore[union-attr]
    client = clients["employee"]
    client.get(path)  # warm up session and caches
    with django_assert_num_queries(len(PAGE_BUDGETS[page])):
        r = client.get(path)
    assert r.status_code == 200
    assert r.content.decode().count("Article 0") >= 1


# --- article page -------------------------------------------------------------------------


def test_article_page_shows_rendered_sanitised_body(org, clients):
    article = write(org, body="Hello <script>alert(1)</script> **bold**", summary="<b>sum</b>")
    page = clients["outsider"].get(url("article", article.pk)).content.decode()
    assert "<strong>bold</strong>" in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "&lt;b&gt;sum&lt;/b&gt;" in page
    assert "Edit" not in page.split("<article")[1].split("</h1>")[1].split("</div>")[0]


def test_article_page_marks_out_of_date(org, clients):
    article = write(org)
    Article.objects.filter(pk=article.pk).update(
        review_due_on=timezone.localdate() - timedelta(days=3)
    )
    assert (
        "May be out of date."
        in clients["outsider"].get(url("article", article.pk)).content.decode()
    )


@pytest.mark.parametrize(
    ("visibility", "state"),
    [
        (Visibility.TEAM, ArticleState.PUBLISHED),
        (Visibility.PRIVATE, ArticleState.PUBLISHED),
        (Visibility.ORGANISATION, ArticleState.DRAFT),
    ],
)
def test_outsider_cannot_reach_hidden_articles(org, clients, visibility, state):
    article = write(org, visibility=visibility, state=state)
    c = clients["outsider"]
    for name in ("article", "article_edit", "article_revisions"):
        assert c.get(url(name, article.pk)).status_code == 404, name
    assert c.get(url("article_revision", article.pk, 1)).status_code == 404
    assert c.get(url("article_diff", article.pk), {"a": 1, "b": 1}).status_code == 404
    for name in ("article_verify", "article_archive", "article_reassign", "article_attach"):
        assert c.post(url(name, article.pk)).status_code == 404, name
    assert c.post(url("article_restore", article.pk, 1)).status_code == 404


def test_outsider_can_read_but_not_change_an_org_article(org, clients):
    article = write(org)
    c = clients["outsider"]
    assert c.get(url("article", article.pk)).status_code == 200
    assert c.get(url("article_revisions", article.pk)).status_code == 200
    assert c.get(url("article_edit", article.pk)).status_code == 403
    assert c.post(url("article_edit", article.pk), {"title": "hacked"}).status_code == 403
    c.post(url("article_verify", article.pk))
    c.post(url("article_archive", article.pk))
    assert (
        c.post(url("article_reassign", article.pk), {"owner": org.outsider.pk}).status_code == 403
    )
    assert c.post(url("article_restore", article.pk, 1)).status_code == 403
    assert (
        c.post(url("article_attach", article.pk), {"file": upload("a.png", PNG)}).status_code == 403
    )
    article.refresh_from_db()
    assert article.state == ArticleState.PUBLISHED and article.owner == org.employee
    assert not article.attachments.exists()


def test_anonymous_is_sent_to_login(org, client):
    article = write(org)
    for path in (url("articles"), url("article", article.pk), url("article_review_queue")):
        r = client.get(path)
        assert r.status_code == 302 and "login" in r["Location"]


# --- write and edit -----------------------------------------------------------------------


def form_data(**kw):  # type: ignore[no-untyped-def]
    data = {
        "title": "Restart the queue worker",
        "kind": "howto",
        "summary": "",
        "body": "1. ssh\n2. systemctl restart worker",
        "visibility": "org",
        "state": "published",
        "review_interval_days": "90",
        "note": "",
    }
    data.update(kw)
    return data


def test_write_an_article(org, clients):
    python = Skill.objects.get(name="Python")
    r = clients["employee"].post(url("article_new"), form_data(skills=[python.pk]))
    article = Article.objects.get()
    assert r.status_code == 302 and r["Location"] == url("article", article.pk)
    assert article.owner == org.employee and list(article.skills.all()) == [python]
    assert article.review_interval_days == 90


def test_templates_prefill_the_editor(org, clients):
    page = clients["employee"].get(url("article_new"), {"template": "lesson"}).content.decode()
    for heading in (
        "## Context",
        "## What happened",
        "## What went well",
        "## What to change",
        "## Actions",
    ):
        assert heading in page
    assert 'value="lesson" selected' in page
    page = clients["employee"].get(url("article_new"), {"template": "howto"}).content.decode()
    for heading in ("## Goal", "## Prerequisites", "## Steps", "## Troubleshooting"):
        assert heading in page


def test_bad_form_input_shows_messages(org, clients):
    r = clients["employee"].post(
        url("article_new"), form_data(title="", review_interval_days="0", skills=["999999"])
    )
    assert r.status_code == 200
    page = r.content.decode()
    assert "This field is required." in page
    assert "Ensure this value is greater than or equal to 7." in page
    assert "Select a valid choice." in page
    assert not Article.objects.exists()


def test_preview_renders_sanitised_markdown(org, clients):
    r = clients["employee"].post(
        url("article_preview"),
        {"body": "# Hi\n<img src=x onerror=alert(1)>"},
        HTTP_HX_REQUEST="true",
    )
    page = r.content.decode()
    assert "<h2>Hi</h2>" in page and "<img" not in page
    r = clients["employee"].post(url("article_preview"), {"body": "x" * 200_001})
    assert "too long" in r.content.decode()


def test_preview_button_works_without_javascript(org, clients):
    r = clients["employee"].post(url("article_new"), form_data(body="**strong**", preview="1"))
    assert r.status_code == 200 and "<strong>strong</strong>" in r.content.decode()
    assert not Article.objects.exists()


def test_edit_appends_a_revision_and_detects_conflicts(org, clients):
    article = write(org)
    data = form_data(title=article.title, body="new text", base_revision="1", note="rewrote")
    r = clients["manager"].post(url("article_edit", article.pk), data)
    assert r.status_code == 302
    article.refresh_from_db()
    assert article.revision_count == 2 and article.body == "new text"
    stale = form_data(title=article.title, body="stale text", base_revision="1")
    r = clients["employee"].post(url("article_edit", article.pk), stale)
    assert r.status_code == 200 and "while you were editing" in r.content.decode()


# --- revisions and diffs ------------------------------------------------------------------


def test_diff_page_escapes_and_shows_changes(org, clients):
    article = write(org, body="line one\n<script>alert(1)</script>\n")
    services.update_article(
        actor=org.user("employee"), article=article, data={"body": "line one\nline two\n"}
    )
    c = clients["outsider"]
    page = c.get(url("article_diff", article.pk), {"a": 2, "b": 1}).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "line two" in page and "1 line added, 1 line removed." in page
    unified = c.get(url("article_diff", article.pk), {"a": 1, "b": 2, "view": "unified"})
    assert unified.status_code == 200 and "diff-unified" in unified.content.decode()
    for bad in ({"a": 1, "b": 9}, {"a": "x", "b": 1}, {}, {"a": 10**12, "b": 1}):
        assert c.get(url("article_diff", article.pk), bad).status_code == 404


def test_revision_pages_and_restore(org, clients):
    article = write(org, body="first")
    services.update_article(actor=org.user("employee"), article=article, data={"body": "second"})
    c = clients["employee"]
    assert "Version 2" in c.get(url("article_revisions", article.pk)).content.decode()
    assert "first" in c.get(url("article_revision", article.pk, 1)).content.decode()
    assert c.get(url("article_revision", article.pk, 7)).status_code == 404
    r = c.post(url("article_restore", article.pk, 1))
    assert r.status_code == 302
    article.refresh_from_db()
    assert article.body == "first" and article.revision_count == 3


# --- verify, reassign, archive, queue -----------------------------------------------------


def test_review_queue_and_one_click_verify(org, clients):
    article = write(org, title="Due soon")
    write(org, "manager", title="Not mine")
    Article.objects.filter(pk=article.pk).update(
        review_due_on=timezone.localdate() - timedelta(days=1)
    )
    c = clients["employee"]
    page = c.get(url("article_review_queue")).content.decode()
    assert "Due soon" in page and "Not mine" not in page and "overdue" in page
    r = c.post(url("article_verify", article.pk), HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "Verified. Next review on" in r.content.decode()
    assert "<html" not in r.content.decode()
    article.refresh_from_db()
    assert article.review_due_on == timezone.localdate() + timedelta(days=180)
    assert "Due soon" not in c.get(url("article_review_queue")).content.decode()
    csv = c.get(url("article_review_queue"), {"export": "csv"})
    assert csv.status_code == 200


def test_outsider_review_queue_is_their_own(org, clients):
    article = write(org)
    Article.objects.filter(pk=article.pk).update(review_due_on=timezone.localdate())
    page = clients["outsider"].get(url("article_review_queue")).content.decode()
    assert article.title not in page


def test_reassign_and_archive_from_the_page(org, clients):
    article = write(org)
    c = clients["manager"]
    r = c.post(url("article_reassign", article.pk), {"owner": org.report2.pk})
    assert r.status_code == 302
    article.refresh_from_db()
    assert article.owner == org.report2
    r = c.post(url("article_reassign", article.pk), {"owner": 999999})
    article.refresh_from_db()
    assert article.owner == org.report2
    c.post(url("article_archive", article.pk))
    article.refresh_from_db()
    assert article.state == ArticleState.ARCHIVED


# --- attachments --------------------------------------------------------------------------


def test_attach_download_and_delete(org, clients):
    article = write(org)
    c = clients["employee"]
    r = c.post(url("article_attach", article.pk), {"file": upload("diagram.png", PNG)})
    assert r.status_code == 302
    att = Attachment.objects.get()
    assert att.content_type == "image/png" and att.size == len(PNG)
    r = clients["outsider"].get(url("article_attachment", article.pk, att.pk))
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert b"".join(r.streaming_content) == PNG  # type: ignore[attr-defined]
    c.post(url("article_attach", article.pk), {"file": upload("spec.bin", PDF)})
    pdf = Attachment.objects.get(content_type="application/pdf")
    assert pdf.name == "spec.pdf"
    r = c.get(url("article_attachment", article.pk, pdf.pk))
    assert r["Content-Disposition"].startswith("attachment;")
    assert (
        clients["outsider"].post(url("article_attachment_delete", article.pk, att.pk)).status_code
        == 403
    )
    c.post(url("article_attachment_delete", article.pk, att.pk))
    assert not Attachment.objects.filter(pk=att.pk).exists()


def test_attachment_of_hidden_article_is_not_served(org, clients):
    article = write(org, visibility=Visibility.PRIVATE)
    att = article_files.add_attachment(
        actor=org.user("employee"), article=article, upload=upload("a.png", PNG)
    )
    assert clients["outsider"].get(url("article_attachment", article.pk, att.pk)).status_code == 404
    other = write(org, title="public")
    # The attachment id under another (visible) article is not found either.
    assert clients["outsider"].get(url("article_attachment", other.pk, att.pk)).status_code == 404


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "ok"),
    [
        ("x.png", PNG, True),
        ("x.pdf", PDF, True),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, True),
        ("a.gif", b"GIF89a" + b"\x00" * 20, True),
        ("a.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 8, True),
        ("notes.txt", "Grüße\nline two\n".encode(), True),
        ("data.csv", b"a,b\n1,2\n", True),
        ("report.docx", _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}), True),
        ("sheet.ods", _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), True),
        ("evil.png", b"<script>alert(1)</script>", False),
        ("evil.svg", b"<svg onload=alert(1)></svg>", False),
        ("page.html", b"<html><script>x</script></html>", False),
        ("fake.txt", b"<!DOCTYPE html><script>alert(1)</script>", False),
        ("binary.txt", b"\x00\x01\x02\x03", False),
        ("app.exe", b"MZ\x90\x00" + b"\x00" * 20, False),
        ("archive.zip", _zip({"a.txt": b"a"}), False),
        ("broken.docx", b"PK\x03\x04garbage", False),
        ("empty.pdf", b"", False),
    ],
)
def test_attachment_types_are_sniffed_from_content(org, name, data, ok):
    article = write(org)
    actor = org.user("employee")
    if ok:
        att = article_files.add_attachment(actor=actor, article=article, upload=upload(name, data))
        assert att.size == len(data)
    else:
        with pytest.raises(ServiceError):
            article_files.add_attachment(actor=actor, article=article, upload=upload(name, data))
        assert not Attachment.objects.exists()


def test_attachment_size_limit(org, settings):
    settings.KNOWLEDGE_ATTACHMENT_MAX_MB = 1
    article = write(org)
    big = PNG + b"\x00" * (1024 * 1024)
    with pytest.raises(ServiceError, match="limit is 1 MB"):
        article_files.add_attachment(
            actor=org.user("employee"), article=article, upload=upload("big.png", big)
        )
    assert not Attachment.objects.exists()


def test_hostile_attachment_names_are_stored_safely(org):
    article = write(org)
    att = article_files.add_attachment(
        actor=org.user("employee"),
        article=article,
        upload=upload("../../etc/<img onerror=x>.png", PNG),
    )
    assert ".." not in att.file.name and "<" not in att.file.name
    assert att.file.name.startswith(f"knowledge/{article.pk}/")


def test_uploader_outside_the_line_cannot_attach(org):
    article = write(org)
    other = make_person("Nina New", access="employee")
    assert other.user is not None
    with pytest.raises(NotAllowed):
        article_files.add_attachment(actor=other.user, article=article, upload=upload("a.png", PNG))
