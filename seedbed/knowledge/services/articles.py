"""Knowledge-base articles: write, revise, verify, re-assign, archive, attach files, and the
daily round of review reminders.

Who may do what:
- read: ``Article.objects.visible_to(user)`` (seedbed.knowledge.models) -- views and the API
  fetch through it and answer 404 for anything outside it;
- create: everyone signed in;
- edit, verify, archive, restore a revision, attach and delete files, re-assign: the owner,
  the author (``created_by``), managers whose reporting line includes the owner, and admins;
- owner: any active person (knowledge crosses teams: the answer's author, a colleague taking
  over a leaver's articles). A person made owner by someone else is told, in-app and by email,
  since the article's reviews become theirs.

Every change saves ``updated_at``, is audited, re-indexes the article for search
(``schedule_index``, on commit) and, when the article is or was published, refreshes the
expert finder's read table for the people it counts for (``refresh_article_evidence``, in the
same transaction). A change of title or text appends an ``ArticleRevision`` (append-only;
number 1 is the first version) and re-renders ``body_html`` through
``seedbed.knowledge.markup.render_markdown``; a change of metadata only (skills, visibility,
kind, review interval) changes no text and adds no revision.

Verification cadence: a published article is due for review ``review_interval_days`` after it
was last verified (creating or publishing it counts as verifying it). Drafts and archived
articles are never due (``review_due_on`` is empty).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seedbed.accounts.services import audit
from seedbed.knowledge.evidence import article_people, refresh_evidence
from seedbed.knowledge.markup import render_markdown
from seedbed.knowledge.models import (
    Article,
    ArticleKind,
    ArticleRevision,
    ArticleState,
    Question,
    Visibility,
)
from seedbed.lib.errors import Conflict, NotAllowed, NotFound, ServiceError
from seedbed.people.models import Person
from seedbed.skills.models import Skill

if TYPE_CHECKING:
    from seedbed.accounts.models import User

MAX_TITLE = 200
MAX_SUMMARY = 300
MAX_BODY = 200_000
MAX_NOTE = 300
MAX_SKILLS = 20
MIN_REVIEW_DAYS = 7
MAX_REVIEW_DAYS = 1830  # five years
DEFAULT_REVIEW_DAYS = 180
DUE_SOON_DAYS = 14  # the review queue shows what is due within this many days
# A newly overdue article is reminded about if it fell due at most this long ago (a worker
# that was down catches up; articles overdue for ages are not suddenly announced).
REMINDER_WINDOW_DAYS = 14
REVIEW_NOTIFICATION_KIND = "article_review"

UPDATABLE = frozenset(
    {
        "title",
        "body",
        "summary",
        "kind",
        "visibility",
        "state",
        "skill_ids",
        "review_interval_days",
        "base_revision",
    }
)


# --- who may do what ---------------------------------------------------------------------


def may_edit(actor: User, article: Article) -> bool:
    """Owner, author, managers of the owner's reporting line, admins."""
    if not (actor.is_authenticated and actor.is_active):
        return False
    if actor.is_admin or article.created_by_id == actor.pk:
        return True
    if article.owner_id is None:
        return False
    return Person.objects.reporting_line_of(actor).filter(pk=article.owner_id).exists()


def _check_edit(actor: User, article: Article) -> None:
    if not may_edit(actor, article):
        raise NotAllowed(
            _(
                "Only the article's owner, its author, the owner's managers and HR can change "
                "this article."
            )
        )


def owner_candidates(actor: User) -> Any:
    """People ``actor`` may make the owner of an article (a PersonQuerySet): anyone active."""
    return Person.objects.filter(is_active=True)


def _check_owner(actor: User, owner: Person) -> None:
    if not owner.is_active:
        raise ServiceError(
            _("%(name)s has left; choose an active owner.") % {"name": owner.full_name},
            field="owner",
        )


# --- input checks ------------------------------------------------------------------------


def _clean_title(title: str) -> str:
    clean = " ".join(str(title).split())
    if not clean:
        raise ServiceError(_("An article needs a title."), field="title")
    if len(clean) > MAX_TITLE:
        raise ServiceError(
            _("The title is %(n)d characters long; at most %(max)d.")
            % {"n": len(clean), "max": MAX_TITLE},
            field="title",
        )
    return clean


def _clean_body(body: str) -> str:
    text = str(body).replace("\r\n", "\n")
    if "\x00" in text:
        raise ServiceError(_("The text must not contain NUL characters."), field="body")
    if not text.strip():
        raise ServiceError(_("Write the article's text."), field="body")
    if len(text) > MAX_BODY:
        raise ServiceError(
            _("The text is %(n)d characters long; at most %(max)d.")
            % {"n": len(text), "max": MAX_BODY},
            field="body",
        )
    return text


def _clean_summary(summary: str) -> str:
    clean = " ".join(str(summary).split())
    if len(clean) > MAX_SUMMARY:
        raise ServiceError(
            _("The summary is %(n)d characters long; at most %(max)d.")
            % {"n": len(clean), "max": MAX_SUMMARY},
            field="summary",
        )
    return clean


def _clean_note(note: str) -> str:
    return " ".join(str(note).split())[:MAX_NOTE]


def _choice(value: str, choices: type[Any], field: str) -> str:
    if value not in choices.values:
        raise ServiceError(
            _("Unknown %(field)s %(value)r; choose one of: %(choices)s.")
            % {"field": field, "value": str(value)[:40], "choices": ", ".join(choices.values)},
            field=field,
        )
    return str(value)


def _clean_interval(days: int | None) -> int:
    if days is None:
        return DEFAULT_REVIEW_DAYS
    if isinstance(days, bool) or not isinstance(days, int):
        raise ServiceError(
            _("The review interval must be a number of days."), field="review_interval_days"
        )
    if not MIN_REVIEW_DAYS <= days <= MAX_REVIEW_DAYS:
        raise ServiceError(
            _("Review every %(min)d to %(max)d days.")
            % {"min": MIN_REVIEW_DAYS, "max": MAX_REVIEW_DAYS},
            field="review_interval_days",
        )
    return days


def _skills(skill_ids: Sequence[int], *, keep: Sequence[int] = ()) -> list[Skill]:
    """The skills with these ids (active ones, or ones the article already has)."""
    ids = list(dict.fromkeys(int(i) for i in skill_ids))
    if len(ids) > MAX_SKILLS:
        raise ServiceError(
            _("Tag at most %(max)d skills.") % {"max": MAX_SKILLS}, field="skill_ids"
        )
    found = {
        s.pk: s for s in Skill.objects.filter(pk__in=ids).filter(Q(is_active=True) | Q(pk__in=keep))
    }
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise ServiceError(
            ngettext(
                "There is no active skill with id %(ids)s.",
                "There are no active skills with ids %(ids)s.",
                len(unknown),
            )
            % {"ids": ", ".join(str(i) for i in unknown[:10])},
            field="skill_ids",
        )
    return [found[i] for i in ids]


def _due_on(article: Article, today: date | None = None) -> date | None:
    """The day a published article falls due: last verified (or created) + interval."""
    if article.state != ArticleState.PUBLISHED:
        return None
    base = article.last_verified_at or article.created_at
    start = timezone.localdate(base) if base else (today or timezone.localdate())
    return start + timedelta(days=article.review_interval_days)


def _short(value: Any) -> Any:
    if value is None or isinstance(value, (int, bool, list)):
        return value
    return str(value)[:120]


def _index(article: Article) -> None:
    from seedbed.search.index import schedule_index

    schedule_index("article", [article.pk])


def _append_revision(article: Article, actor: User | None, note: str) -> ArticleRevision:
    article.revision_count += 1
    return ArticleRevision.objects.create(
        article=article,
        number=article.revision_count,
        title=article.title,
        body=article.body,
        note=_clean_note(note),
        author=actor if actor is not None and actor.pk else None,
        created_at=article.updated_at,
    )


def refresh_article_evidence(
    article: Article, *, was_published: bool, before: Iterable[int | None] = ()
) -> None:
    """Bring the expert finder's read table (``seedbed.knowledge.evidence``) in step after a
    change to ``article``: it counts published articles for their owner and author, so their
    rows are recomputed, and those of ``before`` (whom it counted for before a change of
    owner). Nothing to do for an article that neither was nor is published. Call it once per
    operation, after the last write, inside the service's transaction."""
    if was_published or article.state == ArticleState.PUBLISHED:
        refresh_evidence(person_ids=[*before, *article_people([article.pk])])


def _locked(article: Article) -> Article:
    """Lock the article's row and refresh ``article`` from it (two saves at once number their
    revisions in turn; the caller's instance stays the one that is changed)."""
    if not Article.objects.select_for_update().filter(pk=article.pk).exists():
        raise NotFound(_("This article no longer exists."))
    article.refresh_from_db()
    return article


# --- articles ----------------------------------------------------------------------------


@transaction.atomic
def create_article(
    *,
    actor: User,
    title: str,
    body: str,
    kind: str = ArticleKind.HOWTO,
    skill_ids: Sequence[int] = (),
    owner: Person | None = None,
    visibility: str = Visibility.ORGANISATION,
    state: str = ArticleState.PUBLISHED,
    review_interval_days: int | None = None,
    source_question: Question | None = None,
    summary: str = "",
    note: str = "",
) -> Article:
    """A new article (revision 1). ``owner`` defaults to the actor's person. A published
    article counts as verified now and falls due after its review interval."""
    if not (actor.is_authenticated and actor.is_active):
        raise NotAllowed(_("Sign in to write articles."))
    if state not in (ArticleState.DRAFT, ArticleState.PUBLISHED):
        raise ServiceError(_("A new article is a draft or published."), field="state")
    if owner is None:
        owner = Person.objects.filter(user=actor).first()
    if owner is not None:
        _check_owner(actor, owner)
    now = timezone.now()
    article = Article(
        title=_clean_title(title),
        body=_clean_body(body),
        summary=_clean_summary(summary),
        kind=_choice(kind, ArticleKind, "kind"),
        visibility=_choice(visibility, Visibility, "visibility"),
        state=state,
        owner=owner,
        created_by=actor,
        review_interval_days=_clean_interval(review_interval_days),
        source_question=source_question,
        created_at=now,
        updated_at=now,
    )
    skills = _skills(skill_ids)
    article.body_html = render_markdown(article.body)
    if article.state == ArticleState.PUBLISHED:
        article.last_verified_at = now
    article.review_due_on = _due_on(article)
    article.save()
    article.skills.set(skills)
    _append_revision(article, actor, note or _("First version"))
    article.save(update_fields=["revision_count"])
    audit(
        actor=actor,
        action="article.create",
        obj=article,
        summary=f"Article '{article.title}' written ({article.state})",
        changes={"owner": [None, owner.full_name if owner else None]},
    )
    if owner is not None and owner.user_id != actor.pk:
        _notify_new_owner(article, owner)
    refresh_article_evidence(article, was_published=False)
    _index(article)
    return article


@transaction.atomic
def update_article(
    *, actor: User, article: Article, data: dict[str, Any], note: str = ""
) -> Article:
    """Change any of: title, body, summary, kind, visibility, state, skill_ids,
    review_interval_days. ``base_revision`` (optional) is the revision the editor started
    from: if someone saved a newer one since, nothing is saved (Conflict)."""
    unknown = sorted(set(data) - UPDATABLE)
    if unknown:
        raise ServiceError(
            _("Cannot change %(fields)s of an article.") % {"fields": ", ".join(unknown)},
            field=unknown[0],
        )
    _check_edit(actor, article)
    article = _locked(article)
    was_published = article.state == ArticleState.PUBLISHED
    base = data.get("base_revision")
    if base is not None and not (isinstance(base, int) and not isinstance(base, bool)):
        raise ServiceError(_("The base revision must be a version number."), field="base_revision")
    if base is not None and base != article.revision_count:
        raise Conflict(
            _(
                "Someone saved version %(n)d of this article while you were editing version "
                "%(base)d. Open the article again and redo your change."
            )
            % {"n": article.revision_count, "base": base}
        )
    changes: dict[str, list[Any]] = {}

    def put(field: str, new: Any) -> None:
        old = getattr(article, field)
        if old != new:
            changes[field] = [old, new]
            setattr(article, field, new)

    if "title" in data:
        put("title", _clean_title(data["title"]))
    if "body" in data:
        put("body", _clean_body(data["body"]))
    if "summary" in data:
        put("summary", _clean_summary(data["summary"]))
    if "kind" in data:
        put("kind", _choice(data["kind"], ArticleKind, "kind"))
    if "visibility" in data:
        put("visibility", _choice(data["visibility"], Visibility, "visibility"))
    if "review_interval_days" in data:
        put("review_interval_days", _clean_interval(data["review_interval_days"]))
    now = timezone.now()
    if "state" in data:
        new_state = _choice(data["state"], ArticleState, "state")
        if new_state != article.state:
            if new_state == ArticleState.PUBLISHED and article.last_verified_at is None:
                article.last_verified_at = now  # publishing a first draft verifies it
            put("state", new_state)
    if "skill_ids" in data:
        current = set(article.skills.values_list("pk", flat=True))
        skills = _skills(data["skill_ids"], keep=list(current))
        if {s.pk for s in skills} != current:
            article.skills.set(skills)
            changes["skills"] = [sorted(current), sorted(s.pk for s in skills)]
    if not changes:
        return article
    text_changed = "title" in changes or "body" in changes
    article.updated_at = now
    if "body" in changes:
        article.body_html = render_markdown(article.body)
    article.review_due_on = _due_on(article)
    fields = [f for f in changes if f != "skills"]
    fields += ["updated_at", "body_html", "review_due_on", "last_verified_at"]
    if text_changed:
        _append_revision(article, actor, note)
        fields.append("revision_count")
    article.save(update_fields=fields)
    # The text itself is in the revisions; the audit log records only its length.
    logged = {k: [_short(v[0]), _short(v[1])] for k, v in changes.items() if k != "body"}
    if "body" in changes:
        logged["body"] = [f"{len(changes['body'][0])} chars", f"{len(changes['body'][1])} chars"]
    audit(
        actor=actor,
        action="article.update",
        obj=article,
        summary=f"Article '{article.title}' changed"
        + (f" (version {article.revision_count})" if text_changed else ""),
        changes=logged,
    )
    refresh_article_evidence(article, was_published=was_published)
    _index(article)
    return article


@transaction.atomic
def restore_revision(*, actor: User, article: Article, number: int, note: str = "") -> Article:
    """Bring back the title and text of revision ``number`` as a new revision."""
    _check_edit(actor, article)
    revision = ArticleRevision.objects.filter(article=article, number=number).first()
    if revision is None:
        raise NotFound(_("This article has no version %(n)s.") % {"n": number})
    if revision.title == article.title and revision.body == article.body:
        raise Conflict(_("Version %(n)d is the same as the current text.") % {"n": number})
    return update_article(
        actor=actor,
        article=article,
        data={"title": revision.title, "body": revision.body},
        note=note or _("Restored version %(n)d") % {"n": number},
    )


@transaction.atomic
def verify_article(*, actor: User, article: Article, today: date | None = None) -> Article:
    """The owner (or another editor) confirms the article is still right: it is verified now
    and falls due again after its review interval."""
    _check_edit(actor, article)
    article = _locked(article)
    if article.state != ArticleState.PUBLISHED:
        raise Conflict(_("Only a published article can be verified."))
    now = timezone.now()
    article.last_verified_at = now
    article.review_due_on = (today or timezone.localdate(now)) + timedelta(
        days=article.review_interval_days
    )
    article.updated_at = now
    article.save(update_fields=["last_verified_at", "review_due_on", "updated_at"])
    audit(
        actor=actor,
        action="article.verify",
        obj=article,
        summary=f"Article '{article.title}' verified, next review {article.review_due_on}",
    )
    refresh_article_evidence(article, was_published=True)  # a newer date counts more
    _index(article)
    return article


@transaction.atomic
def reassign_owner(*, actor: User, article: Article, owner: Person) -> Article:
    """Hand the article (and its reviews) to another person, who is told in-app and by
    email."""
    _check_edit(actor, article)
    _check_owner(actor, owner)
    article = _locked(article)
    old = article.owner
    if old is not None and old.pk == owner.pk:
        raise Conflict(_("%(name)s already owns this article.") % {"name": owner.full_name})
    article.owner = owner
    article.updated_at = timezone.now()
    article.save(update_fields=["owner", "updated_at"])
    audit(
        actor=actor,
        action="article.reassign",
        obj=article,
        summary=f"Article '{article.title}' now owned by {owner.full_name}",
        changes={"owner": [old.full_name if old else None, owner.full_name]},
    )
    if owner.user_id != actor.pk:
        _notify_new_owner(article, owner)
    refresh_article_evidence(
        article,
        was_published=article.state == ArticleState.PUBLISHED,
        before=[old.pk if old else None],  # the old owner (the author stays)
    )
    _index(article)
    return article


def _notify_new_owner(article: Article, owner: Person) -> None:
    from seedbed.notifications.services import notify

    title, link = article.title, article_link(article)

    def write(person: Person) -> tuple[str, str, str]:
        return (
            _("You now own the article “%(title)s”") % {"title": title},
            _("You answer for keeping it right: you will be reminded when it is due for review."),
            link,
        )

    notify(
        recipients=Person.objects.filter(pk=owner.pk).select_related("user"),
        kind=REVIEW_NOTIFICATION_KIND,
        write=write,
    )


@transaction.atomic
def archive_article(*, actor: User, article: Article) -> Article:
    """Take an article out of circulation (it stays readable for its editors, leaves the
    review queue, and can be published again by editing its state)."""
    _check_edit(actor, article)
    article = _locked(article)
    if article.state == ArticleState.ARCHIVED:
        raise Conflict(_("This article is already archived."))
    old = article.state
    article.state = ArticleState.ARCHIVED
    article.review_due_on = None
    article.updated_at = timezone.now()
    article.save(update_fields=["state", "review_due_on", "updated_at"])
    audit(
        actor=actor,
        action="article.archive",
        obj=article,
        summary=f"Article '{article.title}' archived",
        changes={"state": [old, ArticleState.ARCHIVED]},
    )
    refresh_article_evidence(article, was_published=old == ArticleState.PUBLISHED)
    _index(article)
    return article


def article_link(article: Article) -> str:
    return reverse("knowledge:article", args=[article.pk])


# --- the review queue and its reminders --------------------------------------------------


def review_queue(user: User, *, today: date | None = None) -> Any:
    """Published articles ``user`` owns that are overdue or due within ``DUE_SOON_DAYS``,
    most overdue first (an ArticleQuerySet)."""
    today = today or timezone.localdate()
    return Article.objects.filter(
        owner__user=user,
        state=ArticleState.PUBLISHED,
        review_due_on__lte=today + timedelta(days=DUE_SOON_DAYS),
    ).order_by("review_due_on", "id")


def send_review_reminders(*, now: datetime | None = None) -> int:
    """The daily round: each published article that fell due in the last
    ``REMINDER_WINDOW_DAYS`` days and whose owner was not yet reminded since it fell due gets
    one reminder (in-app and email) to its owner -- or, if the owner has left, to the owner's
    manager, to re-assign it. Safe to run twice a day. Returns how many were reminded."""
    from seedbed.notifications.models import Notification
    from seedbed.notifications.services import notify

    now = now or timezone.now()
    today = timezone.localdate(now)
    due = list(
        Article.objects.filter(
            state=ArticleState.PUBLISHED,
            owner__isnull=False,
            review_due_on__lt=today,
            review_due_on__gte=today - timedelta(days=REMINDER_WINDOW_DAYS),
        )
        .select_related("owner__user", "owner__manager__user")
        .order_by("review_due_on", "id")
    )
    links = {a.pk: article_link(a) for a in due}
    sent: dict[str, datetime] = {}
    for link, created in Notification.objects.filter(
        kind=REVIEW_NOTIFICATION_KIND,
        link__in=list(links.values()),
        created_at__gte=now - timedelta(days=REMINDER_WINDOW_DAYS + 1),
    ).values_list("link", "created_at"):
        sent[link] = max(created, sent.get(link, created))
    reminded = 0
    for article in due:
        assert article.review_due_on is not None and article.owner is not None
        link = links[article.pk]
        last = sent.get(link)
        if last is not None and timezone.localdate(last) >= article.review_due_on:
            continue
        owner = article.owner
        recipient: Person | None = owner if owner.is_active else owner.manager
        if recipient is None or not recipient.is_active:
            continue
        title, due_on, owner_left = article.title, article.review_due_on, not owner.is_active
        owner_name = owner.full_name

        def write(
            person: Person,
            title: str = title,
            due_on: date = due_on,
            link: str = link,
            owner_left: bool = owner_left,
            owner_name: str = owner_name,
        ) -> tuple[str, str, str]:
            if owner_left:
                return (
                    _("Article to re-assign: “%(title)s”") % {"title": title},
                    _(
                        "Its owner %(name)s has left and it was due for review on %(date)s. "
                        "Give it a new owner."
                    )
                    % {"name": owner_name, "date": due_on.isoformat()},
                    link,
                )
            return (
                _("Review due: “%(title)s”") % {"title": title},
                _(
                    "It was due for review on %(date)s and shows “may be out of date” until "
                    "you check it. Verify it, or edit what has changed."
                )
                % {"date": due_on.isoformat()},
                link,
            )

        notify(recipients=[recipient], kind=REVIEW_NOTIFICATION_KIND, write=write, now=now)
        reminded += 1
    return reminded
