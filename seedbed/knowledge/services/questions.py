"""Questions and answers: ask, answer, comment, vote, accept, edit, close, route a new question
to the people who know most about it, and turn a good answer into an article.

Who may do what (everyone signed in reads every question, ``Question.objects.visible_to``):
- **ask, answer, comment**: anyone signed in whose login belongs to a person of the directory;
  a closed question takes no new answers or comments.
- **edit**: only the author of the question or answer (nobody edits another's post, admins
  neither: they close a question instead).
- **vote** +1/-1 on an answer: anyone signed in but its author; one vote per person and answer,
  which they may change or withdraw. ``Answer.score`` is the sum of the votes, recomputed in
  the same transaction as every change of a vote.
- **accept** an answer (and take the acceptance back): the asker and admins.
- **close / reopen**: the asker and admins.
- **turn an answer into an article**: the asker, the answer's author and admins; once per
  question (the article then carries ``source_question``).

Accepting an answer (or taking it back), a vote and a change of a question's skills refresh
the expert finder's read table (``seedbed.knowledge.evidence``) for the answers' authors they
concern, in the same transaction: answers count there once accepted or voted up.

**Routing** (``route_question``, run when a question is asked): the expert finder ranks people
for the question's skills (or, without skills, for its title). Going down that ranking, the
asker, people who have left (or whose login is gone) and anyone already notified
``FinderSettings.max_notifications_per_week`` times in the last seven days (counted in
``Routing`` rows) are skipped, until ``FinderSettings.experts_per_question`` people are chosen.
Each gets a ``Routing`` row and a notification (in-app and email).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.accounts.models import AccessLevel
from seedbed.accounts.services import audit
from seedbed.knowledge.evidence import question_people, refresh_evidence
from seedbed.knowledge.markup import render_markdown
from seedbed.knowledge.models import (
    Answer,
    Article,
    Comment,
    FinderSettings,
    Question,
    Routing,
    Vote,
)
from seedbed.lib.errors import Conflict, NotAllowed, NotFound, ServiceError
from seedbed.notifications.models import Kind as NotificationKind
from seedbed.notifications.services import notify
from seedbed.people.models import Person
from seedbed.skills.models import Skill

if TYPE_CHECKING:
    from seedbed.accounts.models import User

MAX_SKILLS = 10
TITLE_MAX = 200
BODY_MAX = 50_000
COMMENT_MAX = 2000
ROUTING_WINDOW = timedelta(days=7)
# How many ranked candidates to read per call of the expert finder while skipping the capped.
ROUTING_BATCH = 20
# Stop going down the ranking after this many candidates (a bound on the work per question).
ROUTING_MAX_CANDIDATES = 200


# --- who may do what -----------------------------------------------------------------------


def is_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.access_level == AccessLevel.ADMIN)


def person_of(user: User) -> Person | None:
    return Person.objects.filter(user=user).first() if user.is_authenticated else None


def _author(actor: User) -> Person:
    """The person an actor writes as; people without one (or who left) cannot write."""
    person = person_of(actor)
    if person is None:
        raise NotAllowed(_("Your login is not linked to a person in the directory."))
    if not person.is_active:
        raise NotAllowed(_("People who have left cannot write questions or answers."))
    return person


def _is_user(person: Person | None, user: User) -> bool:
    return person is not None and person.user_id is not None and person.user_id == user.pk


def is_asker(user: User, question: Question) -> bool:
    return _is_user(question.asked_by, user)


def may_edit_question(user: User, question: Question) -> bool:
    return is_asker(user, question) and not question.is_closed


def may_edit_answer(user: User, answer: Answer) -> bool:
    return _is_user(answer.author, user) and not answer.question.is_closed


def may_moderate(user: User, question: Question) -> bool:
    """Accept an answer, close and reopen: the asker and admins."""
    return is_asker(user, question) or is_admin(user)


def may_vote(user: User, answer: Answer) -> bool:
    return user.is_authenticated and not _is_user(answer.author, user)


def may_make_article(user: User, answer: Answer) -> bool:
    return is_admin(user) or is_asker(user, answer.question) or _is_user(answer.author, user)


def sees_routing(user: User, question: Question) -> bool:
    """Who the question was sent to is shown to the asker and admins."""
    return is_asker(user, question) or is_admin(user)


def _check_open(question: Question) -> None:
    if question.is_closed:
        raise Conflict(_("This question is closed."))


# --- input ---------------------------------------------------------------------------------


def _clean_title(title: str) -> str:
    clean = " ".join(title.split())
    if not clean:
        raise ServiceError(_("Write your question."), field="title")
    if len(clean) > TITLE_MAX:
        raise ServiceError(
            _("Keep the question under %(n)s characters; put the rest in the details.")
            % {"n": TITLE_MAX},
            field="title",
        )
    return clean


def _clean_text(text: str, *, field: str, limit: int, required: bool, empty: str) -> str:
    clean = text.replace("\r\n", "\n").strip()
    if "\x00" in clean:
        raise ServiceError(_("The text must not contain NUL characters."), field=field)
    if required and not clean:
        raise ServiceError(empty, field=field)
    if len(clean) > limit:
        raise ServiceError(
            _("At most %(n)s characters (this is %(m)s).") % {"n": limit, "m": len(clean)},
            field=field,
        )
    return clean


def _clean_skills(skills: Sequence[Skill]) -> list[Skill]:
    unique = list({s.pk: s for s in skills}.values())
    if len(unique) > MAX_SKILLS:
        raise ServiceError(_("Tag at most %(n)s skills.") % {"n": MAX_SKILLS}, field="skills")
    for skill in unique:
        if not skill.is_active:
            raise ServiceError(_("%(skill)s is archived.") % {"skill": skill.name}, field="skills")
    return unique


def skills_by_ids(ids: Iterable[int], *, field: str = "skill_ids") -> list[Skill]:
    """The active skills with these ids; NotFound names the first unknown one."""
    wanted = list(dict.fromkeys(ids))
    found = {s.pk: s for s in Skill.objects.filter(pk__in=wanted)}
    for pk in wanted:
        if pk not in found:
            raise NotFound(_("No skill with id %(id)s.") % {"id": pk}, field=field)
    return [found[pk] for pk in wanted]


# --- search index --------------------------------------------------------------------------


def _reindex(question_id: int) -> None:
    from seedbed.search.index import schedule_index

    schedule_index("question", [question_id])


def _touch(question: Question, now: datetime) -> None:
    question.updated_at = now
    Question.objects.filter(pk=question.pk).update(updated_at=now)


# --- questions -----------------------------------------------------------------------------


def _link(question: Question) -> str:
    return reverse("knowledge:question", args=[question.pk])


@transaction.atomic
def ask_question(
    *,
    actor: User,
    title: str,
    body: str = "",
    skills: Sequence[Skill] = (),
    now: datetime | None = None,
    route: bool = True,
) -> Question:
    """Ask a question and (``route``) send it to the people who know most about it."""
    now = now or timezone.now()
    asker = _author(actor)
    clean_title = _clean_title(title)
    clean_body = _clean_text(body, field="body", limit=BODY_MAX, required=False, empty="")
    chosen = _clean_skills(skills)
    question = Question.objects.create(
        title=clean_title,
        body=clean_body,
        body_html=render_markdown(clean_body) if clean_body else "",
        asked_by=asker,
        created_at=now,
        updated_at=now,
    )
    question.skills.set(chosen)
    # No answers yet: nothing for the expert finder's read table.
    audit(
        actor=actor,
        action="question.ask",
        obj=question,
        summary=f"{asker.full_name} asked '{clean_title[:120]}'",
    )
    if route:
        route_question(question=question, now=now)
    _reindex(question.pk)
    return question


@transaction.atomic
def edit_question(
    *,
    actor: User,
    question: Question,
    title: str,
    body: str,
    skills: Sequence[Skill],
    now: datetime | None = None,
) -> Question:
    """The asker changes their question (routing is not repeated)."""
    if not is_asker(actor, question):
        raise NotAllowed(_("Only the person who asked can change this question."))
    _check_open(question)
    new_title = _clean_title(title)
    new_body = _clean_text(body, field="body", limit=BODY_MAX, required=False, empty="")
    chosen = _clean_skills(skills)
    changes: dict[str, Any] = {}
    if new_title != question.title:
        changes["title"] = [question.title, new_title]
    if new_body != question.body:
        changes["body"] = ["…", "…"]  # the text itself stays out of the audit log
    old_ids = sorted(question.skills.values_list("pk", flat=True))
    new_ids = sorted(s.pk for s in chosen)
    if old_ids != new_ids:
        question.skills.set(chosen)
        changes["skills"] = [old_ids, new_ids]
    if changes:
        question.title = new_title
        question.body = new_body
        question.body_html = render_markdown(new_body) if new_body else ""
        question.updated_at = now or timezone.now()
        question.save(update_fields=["title", "body", "body_html", "updated_at"])
        audit(
            actor=actor,
            action="question.edit",
            obj=question,
            summary=f"Question '{new_title[:120]}' edited",
            changes=changes,
        )
        if "skills" in changes:  # its accepted and voted answers count for other skills
            refresh_evidence(person_ids=question_people([question.pk]))
        _reindex(question.pk)
    return question


@transaction.atomic
def close_question(*, actor: User, question: Question) -> Question:
    """No more answers or comments (the asker or an admin)."""
    if not may_moderate(actor, question):
        raise NotAllowed(_("Only the person who asked or an admin can close this question."))
    if question.is_closed:
        raise Conflict(_("This question is already closed."))
    question.is_closed = True
    question.updated_at = timezone.now()
    question.save(update_fields=["is_closed", "updated_at"])
    audit(actor=actor, action="question.close", obj=question, summary="Question closed")
    _reindex(question.pk)
    return question


@transaction.atomic
def reopen_question(*, actor: User, question: Question) -> Question:
    if not may_moderate(actor, question):
        raise NotAllowed(_("Only the person who asked or an admin can reopen this question."))
    if not question.is_closed:
        raise Conflict(_("This question is open."))
    question.is_closed = False
    question.updated_at = timezone.now()
    question.save(update_fields=["is_closed", "updated_at"])
    audit(actor=actor, action="question.reopen", obj=question, summary="Question reopened")
    _reindex(question.pk)
    return question


# --- answers -------------------------------------------------------------------------------


def _count_answers(question: Question) -> None:
    question.answer_count = Answer.objects.filter(question=question).count()
    Question.objects.filter(pk=question.pk).update(answer_count=question.answer_count)


@transaction.atomic
def answer_question(
    *, actor: User, question: Question, body: str, now: datetime | None = None
) -> Answer:
    """Answer a question; the asker is notified (unless they answer themselves)."""
    now = now or timezone.now()
    author = _author(actor)
    _check_open(question)
    text = _clean_text(
        body, field="body", limit=BODY_MAX, required=True, empty=_("Write your answer.")
    )
    answer = Answer.objects.create(
        question=question,
        author=author,
        body=text,
        body_html=render_markdown(text),
        created_at=now,
        updated_at=now,
    )
    _count_answers(question)
    _touch(question, now)
    # A new answer is neither accepted nor voted on: nothing for the expert finder's read
    # table yet (``accept_answer`` and ``vote`` refresh it).
    audit(
        actor=actor,
        action="answer.add",
        obj=answer,
        summary=f"{author.full_name} answered '{question.title[:120]}'",
    )
    asker = question.asked_by
    if asker is not None and asker.pk != author.pk and asker.is_active:
        asker = Person.objects.select_related("user").get(pk=asker.pk)
        link = _link(question) + f"#answer-{answer.pk}"

        def write(person: Person) -> tuple[str, str, str]:
            return (
                _("New answer to your question: %(title)s") % {"title": question.title},
                _("%(name)s answered your question “%(title)s”.")
                % {"name": author.full_name, "title": question.title},
                link,
            )

        notify(recipients=[asker], kind=NotificationKind.QUESTION, write=write, now=now)
    _reindex(question.pk)
    return answer


@transaction.atomic
def edit_answer(*, actor: User, answer: Answer, body: str, now: datetime | None = None) -> Answer:
    if not _is_user(answer.author, actor):
        raise NotAllowed(_("Only the person who wrote this answer can change it."))
    _check_open(answer.question)
    text = _clean_text(
        body, field="body", limit=BODY_MAX, required=True, empty=_("Write your answer.")
    )
    if text != answer.body:
        answer.body = text
        answer.body_html = render_markdown(text)
        answer.updated_at = now or timezone.now()
        answer.save(update_fields=["body", "body_html", "updated_at"])
        audit(actor=actor, action="answer.edit", obj=answer, summary="Answer edited")
        _reindex(answer.question_id)
    return answer


# --- comments ------------------------------------------------------------------------------


@transaction.atomic
def add_comment(
    *,
    actor: User,
    body: str,
    question: Question | None = None,
    answer: Answer | None = None,
    now: datetime | None = None,
) -> Comment:
    """A short plain-text comment on a question or an answer (exactly one)."""
    if (question is None) == (answer is None):
        raise ServiceError(_("Comment on a question or on an answer."))
    target = question if question is not None else answer.question  # type: ignore[union-attr]
    author = _author(actor)
    _check_open(target)
    text = _clean_text(
        body, field="body", limit=COMMENT_MAX, required=True, empty=_("Write your comment.")
    )
    comment = Comment.objects.create(
        question=question, answer=answer, author=author, body=text, created_at=now or timezone.now()
    )
    _reindex(target.pk)
    return comment


# --- votes ---------------------------------------------------------------------------------


def _rescore(answer: Answer) -> None:
    """``score`` = the sum of the answer's votes, written by one UPDATE (never read-modify-
    write, so two voters at once cannot lose a vote)."""
    total = (
        Vote.objects.filter(answer=OuterRef("pk"))
        .values("answer")
        .annotate(total=Sum("value"))
        .values("total")
    )
    Answer.objects.filter(pk=answer.pk).update(
        score=Coalesce(Subquery(total, output_field=IntegerField()), Value(0))
    )
    answer.score = Answer.objects.filter(pk=answer.pk).values_list("score", flat=True).get()
    refresh_evidence(person_ids=[answer.author_id])  # the expert finder's read table


@transaction.atomic
def vote(*, actor: User, answer: Answer, value: int) -> Answer:
    """Vote +1 or -1 on an answer, or withdraw one's vote (``value`` 0). Voting the same way
    twice counts once."""
    if value not in (-1, 0, 1):
        raise ServiceError(_("A vote is +1, -1 or 0 (withdraw)."), field="value")
    if not may_vote(actor, answer):
        raise NotAllowed(_("You cannot vote on your own answer."))
    if value == 0:
        Vote.objects.filter(answer=answer, voter=actor).delete()
    else:
        Vote.objects.update_or_create(answer=answer, voter=actor, defaults={"value": value})
    _rescore(answer)
    _reindex(answer.question_id)
    return answer


def my_votes(user: User, answer_ids: Iterable[int]) -> dict[int, int]:
    """Answer id -> the user's vote (+1/-1) on those answers. One query."""
    ids = list(answer_ids)
    if not ids or not user.is_authenticated:
        return {}
    return dict(
        Vote.objects.filter(voter=user, answer_id__in=ids).values_list("answer_id", "value")
    )


# --- accepting -----------------------------------------------------------------------------


@transaction.atomic
def accept_answer(*, actor: User, question: Question, answer: Answer | None) -> Question:
    """Mark ``answer`` as the accepted one; ``None`` takes the acceptance back."""
    if not may_moderate(actor, question):
        raise NotAllowed(
            _("Only the person who asked or an admin can accept an answer to this question.")
        )
    if answer is not None and answer.question_id != question.pk:
        raise ServiceError(_("This answer belongs to another question."), field="answer_id")
    before = question.accepted_answer_id
    after = answer.pk if answer is not None else None
    if before == after:
        return question
    question.accepted_answer = answer
    question.updated_at = timezone.now()
    question.save(update_fields=["accepted_answer", "updated_at"])
    # The expert finder's read table: the authors of the answer accepted before and now.
    refresh_evidence(
        person_ids=Answer.objects.filter(pk__in=[before, after]).values_list("author_id", flat=True)
    )
    audit(
        actor=actor,
        action="question.accept" if answer is not None else "question.unaccept",
        obj=question,
        summary="Answer accepted" if answer is not None else "Acceptance taken back",
        changes={"accepted_answer": [before, after]},
    )
    _reindex(question.pk)
    return question


# --- from answer to article ----------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~-])")


def _md_escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def article_body(question: Question, answer: Answer) -> str:
    """The article's Markdown: the question, the answer, and who wrote them when."""
    author = answer.author.full_name if answer.author is not None else _("a former colleague")
    asker = question.asked_by.full_name if question.asked_by is not None else _("a colleague")
    parts = [f"## {_('Question')}", "", _md_escape(question.title)]
    if question.body:
        parts += ["", question.body]
    parts += ["", f"## {_('Answer')}", "", answer.body, "", "---", ""]
    parts.append(
        "*"
        + _("Answer by %(author)s on %(date)s to a question by %(asker)s in Questions and answers.")
        % {
            "author": _md_escape(author),
            "date": timezone.localdate(answer.created_at).isoformat(),
            "asker": _md_escape(asker),
        }
        + "*"
    )
    return "\n".join(parts)


def article_of(question: Question) -> Article | None:
    return Article.objects.filter(source_question=question).order_by("created_at", "id").first()


@transaction.atomic
def answer_to_article(*, actor: User, answer: Answer) -> Article:
    """Turn an answer into an article in one step: the question's title, the question and the
    answer with attribution, the question's skills, owned by the answer's author (or, if they
    have left, by whoever does this)."""
    from seedbed.knowledge.services.articles import create_article, refresh_article_evidence

    question = answer.question
    if not may_make_article(actor, answer):
        raise NotAllowed(
            _("The person who asked, the answer's author or an admin can make this an article.")
        )
    existing = article_of(question)
    if existing is not None:
        raise Conflict(
            _("This question is already the article “%(title)s”.") % {"title": existing.title}
        )
    owner = answer.author if answer.author is not None and answer.author.is_active else None
    # The articles service lets people name as owner only themselves and their reporting
    # line; the asker may not be the author's manager, so the article is made as the actor's
    # and then handed to the person whose knowledge it is (audited below).
    by_author = owner is not None and _is_user(owner, actor)
    article = create_article(
        actor=actor,
        title=question.title,
        body=article_body(question, answer),
        skill_ids=list(question.skills.values_list("pk", flat=True)),
        owner=owner if by_author or is_admin(actor) else None,
        source_question=question,
        note=_("From an answer in Questions and answers"),
    )
    if owner is not None and article.owner_id != owner.pk:
        before = article.owner_id
        article.owner = owner
        article.save(update_fields=["owner"])
        # The expert finder's read table, as create_article left it for the first owner:
        # the article now counts for the new owner too (and for the first as its author).
        refresh_article_evidence(article, was_published=False, before=[before])
        audit(
            actor=actor,
            action="article.owner",
            obj=article,
            summary=f"Article {article.pk} owned by the answer's author, {owner.full_name}",
            changes={"owner": [before, owner.pk]},
        )
        from seedbed.search.index import schedule_index

        schedule_index("article", [article.pk])
    audit(
        actor=actor,
        action="answer.to_article",
        obj=answer,
        summary=f"Answer to '{question.title[:120]}' turned into article {article.pk}",
    )
    return article


# --- routing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    person_id: int
    score: float
    explanation: str


Finder = Callable[[int, int], list[Candidate]]


def _finder(question: Question, skill_ids: list[int], exclude: set[int]) -> Finder:
    from seedbed.knowledge.experts import find_experts

    def page(offset: int, limit: int) -> list[Candidate]:
        result = find_experts(
            viewer=None,
            skill_ids=skill_ids,
            query="" if skill_ids else question.title,
            limit=limit,
            offset=offset,
            exclude_person_ids=exclude,
        )
        return [Candidate(r.person.pk, float(r.score), str(r.explanation)) for r in result.results]

    return page


def recent_routings(person_ids: Iterable[int], now: datetime) -> dict[int, int]:
    """Person id -> questions routed to them in the last seven days. One query."""
    rows = (
        Routing.objects.filter(person_id__in=list(person_ids), created_at__gt=now - ROUTING_WINDOW)
        .values("person_id")
        .annotate(n=Count("id"))
        .values_list("person_id", "n")
    )
    return dict(rows)


@transaction.atomic
def route_question(*, question: Question, now: datetime | None = None) -> list[Routing]:
    """Send a new question to the top experts for it, within the caps (see the module
    docstring). Returns the Routing rows made (possibly none)."""
    now = now or timezone.now()
    settings = FinderSettings.load()
    wanted = settings.experts_per_question
    cap = settings.max_notifications_per_week
    if wanted == 0 or cap == 0:
        return []
    skill_ids = list(question.skills.values_list("pk", flat=True))
    exclude = set(Routing.objects.filter(question=question).values_list("person_id", flat=True))
    if question.asked_by_id is not None:
        exclude.add(question.asked_by_id)
    find = _finder(question, skill_ids, exclude)
    chosen: list[tuple[Person, Candidate]] = []
    offset = 0
    while len(chosen) < wanted and offset < ROUTING_MAX_CANDIDATES:
        batch = find(offset, ROUTING_BATCH)
        if not batch:
            break
        offset += ROUTING_BATCH
        ids = [c.person_id for c in batch if c.person_id not in exclude]
        # Locking the candidates' rows serialises concurrent routings to the same people, so
        # two questions asked at once cannot both take an expert's last slot of the week.
        people = {
            p.pk: p
            for p in Person.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk__in=ids, is_active=True, left_on__isnull=True, user__is_active=True)
        }
        counts = recent_routings(people, now)
        for candidate in batch:
            person = people.get(candidate.person_id)
            if person is None or candidate.person_id in exclude:
                continue
            exclude.add(person.pk)
            if counts.get(person.pk, 0) >= cap:
                continue  # notified enough this week: the next expert gets it instead
            chosen.append((person, candidate))
            if len(chosen) == wanted:
                break
    if not chosen:
        return []
    routings = Routing.objects.bulk_create(
        [Routing(question=question, person=p, score=c.score, created_at=now) for p, c in chosen]
    )
    explanations = {p.pk: c.explanation for p, c in chosen}
    asker = question.asked_by.full_name if question.asked_by is not None else _("A colleague")
    link = _link(question)

    def write(person: Person) -> tuple[str, str, str]:
        why = explanations.get(person.pk, "")
        body = _(
            "%(name)s asked: “%(title)s”. You are among the people who know most about it."
        ) % {
            "name": asker,
            "title": question.title,
        }
        if why:
            body += "\n\n" + _("Why you: %(why)s") % {"why": why}
        return (_("A question for you: %(title)s") % {"title": question.title}, body, link)

    notify(recipients=[p for p, _c in chosen], kind=NotificationKind.QUESTION, write=write, now=now)
    audit(
        actor=None,
        action="question.route",
        obj=question,
        summary=f"Question routed to {len(chosen)} people",
        changes={"routed_to": [None, [p.pk for p, _c in chosen]]},
    )
    return routings


def routed_people(question: Question) -> list[Routing]:
    """Who the question was sent to, best match first. One query."""
    return list(
        Routing.objects.filter(question=question)
        .select_related("person")
        .order_by("-score", "person__full_name")
    )


# --- lists ---------------------------------------------------------------------------------

STATUSES = ("unanswered", "answered", "accepted", "open", "closed")


@dataclass(frozen=True)
class QuestionFilter:
    q: str = ""
    skill_id: int | None = None
    status: str = ""  # one of STATUSES, or "" for all
    mine: bool = False


def filter_questions(
    qs: QuerySet[Question], filters: QuestionFilter, *, user: User
) -> QuerySet[Question]:
    """Apply the list filters; ``mine`` means asked by the user."""
    result: QuerySet[Question] = qs
    for word in filters.q.split()[:8]:
        result = result.filter(Q(title__icontains=word) | Q(body__icontains=word))
    if filters.skill_id is not None:
        result = result.filter(skills__pk=filters.skill_id)
    status = filters.status
    if status == "unanswered":
        result = result.filter(answer_count=0, is_closed=False)
    elif status == "answered":
        result = result.filter(answer_count__gt=0)
    elif status == "accepted":
        result = result.filter(accepted_answer__isnull=False)
    elif status == "open":
        result = result.filter(is_closed=False)
    elif status == "closed":
        result = result.filter(is_closed=True)
    if filters.mine:
        result = result.filter(asked_by__user=user)
    return result


def question_list(user: User, filters: QuestionFilter) -> QuerySet[Question]:
    """The questions ``user`` may read, filtered, newest first, with asker (the skills are
    prefetched by the caller that shows them)."""
    qs = Question.objects.visible_to(user).select_related("asked_by")
    return filter_questions(qs, filters, user=user).order_by("-created_at", "-id")


def unanswered(user: User) -> QuerySet[Question]:
    """Open questions without an answer, longest waiting first."""
    return (
        Question.objects.visible_to(user)
        .filter(answer_count=0, is_closed=False)
        .select_related("asked_by")
        .order_by("created_at", "id")
    )


def routed_to(user: User) -> QuerySet[Question]:
    """Open, unanswered questions that were sent to ``user``, newest first."""
    return (
        Question.objects.visible_to(user)
        .filter(
            routings__person__user=user,
            answer_count=0,
            is_closed=False,
        )
        .select_related("asked_by")
        .order_by("-created_at", "-id")
    )


__all__ = [
    "COMMENT_MAX",
    "MAX_SKILLS",
    "STATUSES",
    "QuestionFilter",
    "accept_answer",
    "add_comment",
    "answer_question",
    "answer_to_article",
    "ask_question",
    "close_question",
    "edit_answer",
    "edit_question",
    "question_list",
    "reopen_question",
    "route_question",
    "routed_people",
    "routed_to",
    "unanswered",
    "vote",
]
