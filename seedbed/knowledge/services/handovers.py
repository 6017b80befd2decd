"""Knowledge capture: handover interviews built from what only one person knows.

An interview is a checklist of prompts generated from
- the **skills at risk** the person alone holds at proficient level or above (the gap engine's
  ``at_risk`` and ``sole_holder`` on the whole organisation's matrix),
- the **articles they own** (not archived),
- the **questions only they answered** (every answer to the question is theirs),
- and a few **general prompts** (contacts, recurring tasks, where things are, advice for a
  successor).
Prompt texts are written once, in the interviewed person's language (they answer them).

Triggers (each creates an interview only if the person has no open one):
- ``start_for_leaving``: called by ``seedbed.people.services.save_person`` when a leaving date
  is set;
- ``start_periodic_handovers``: the daily housekeeping, for people who alone hold a skill at
  risk and had no interview done in the last ``REPEAT_AFTER_DAYS`` days;
- ``start_handover``: by hand, by HR (anyone) or a manager (their reporting line).
Each new interview notifies the person and their manager (in-app and by email).

Who may do what:
- see an interview, answer its prompts and mark them done: the person, the managers of their
  reporting line, HR (``HandoverInterview.objects.visible_to``);
- start and complete one, write an article from an answer and re-assign an article: HR and
  the person's managers (``may_lead``), never the person. The new owner is the leads' choice
  (and the article services let a manager give articles only to their reporting line, HR to
  anyone), so the person writes down what they know and the leads decide where it goes;
- nothing changes in a done interview.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from seedbed.accounts.models import AccessLevel
from seedbed.accounts.services import audit
from seedbed.knowledge.models import (
    Answer,
    Article,
    ArticleKind,
    ArticleState,
    HandoverInterview,
    HandoverPrompt,
    HandoverReason,
    HandoverState,
    PromptKind,
    Question,
    Visibility,
)
from seedbed.lib.errors import Conflict, NotAllowed, ServiceError
from seedbed.notifications.models import Kind
from seedbed.notifications.services import default_language, language_of, notify
from seedbed.people.models import Person
from seedbed.skills.models import Skill

if TYPE_CHECKING:
    from seedbed.accounts.models import User

# A sole holder of a skill at risk gets a new interview once their last one was completed this
# long ago (and none is open).
REPEAT_AFTER_DAYS = 365
# Due date of an interview not started by a departure (a departure: the leaving day).
DUE_AFTER_DAYS = 30
# At most this many article and question prompts each (the oldest first are kept out).
MAX_OBJECT_PROMPTS = 40
MAX_ANSWER = 50_000
MAX_SKIP_REASON = 1000

# Asked of everyone, in this order, after the prompts about particular things.
GENERAL_PROMPTS = (
    gettext_noop(
        "Who are your key contacts, inside and outside the organisation, and what does each "
        "help you with?"
    ),
    gettext_noop("Which recurring tasks do you do (daily, monthly, yearly), and how?"),
    gettext_noop(
        "Where are things kept: documents, files, tools, accounts, and who can grant access?"
    ),
    gettext_noop("What would you tell your successor in their first week?"),
)


# --- who may do what ---------------------------------------------------------------------


def may_start(actor: User, person: Person) -> bool:
    """HR (anyone) and managers (their reporting line, not themselves)."""
    if not (actor.is_authenticated and actor.is_active):
        return False
    if actor.access_level == AccessLevel.ADMIN:
        return True
    if actor.access_level == AccessLevel.MANAGER:
        return Person.objects.validatable_by(actor).filter(pk=person.pk).exists()
    return False


def may_lead(actor: User, interview: HandoverInterview) -> bool:
    """Complete the interview: the same people who may start one for the person."""
    return may_start(actor, interview.person)


def may_work(actor: User, interview: HandoverInterview) -> bool:
    """Answer, mark done, write articles, re-assign: everyone who may see the interview."""
    if not (actor.is_authenticated and actor.is_active):
        return False
    if actor.access_level == AccessLevel.ADMIN or interview.person.user_id == actor.pk:
        return True
    return HandoverInterview.objects.visible_to(actor).filter(pk=interview.pk).exists()


def _check_work(actor: User, interview: HandoverInterview) -> None:
    if not may_work(actor, interview):
        raise NotAllowed(_("You cannot work on this handover."))
    if interview.state != HandoverState.OPEN:
        raise Conflict(_("This handover is done; nothing in it changes any more."))


def _check_lead(actor: User, interview: HandoverInterview) -> None:
    if not may_lead(actor, interview):
        raise NotAllowed(
            _("The manager of %(name)s or HR decides who owns what after the handover.")
            % {"name": interview.person.full_name}
        )
    if interview.state != HandoverState.OPEN:
        raise Conflict(_("This handover is done; nothing in it changes any more."))


# --- what only this person knows ---------------------------------------------------------


def sole_holdings(person_ids: list[int] | None = None) -> dict[int, list[int]]:
    """Person id -> ids of the skills at risk they alone hold at proficient level or above,
    computed on the whole organisation (active people). Five queries (the matrix)."""
    from seedbed.gaps import analysis as an
    from seedbed.gaps.selectors import load_org_matrix

    org = load_org_matrix()
    at = an.at_risk(org.levels, org.active, org.matters)
    sole = an.sole_holder(org.levels, org.active)
    cols = np.flatnonzero(at & (sole >= 0))
    wanted = None if person_ids is None else set(person_ids)
    found: dict[int, list[int]] = {}
    for j in cols:
        pid = int(org.person_ids[sole[j]])
        if wanted is None or pid in wanted:
            found.setdefault(pid, []).append(int(org.skill_ids[j]))
    return found


def owned_articles(person: Person) -> list[Article]:
    """Articles the person owns that are not archived, newest first."""
    return list(
        Article.objects.filter(owner=person)
        .exclude(state=ArticleState.ARCHIVED)
        .order_by("-updated_at", "id")[:MAX_OBJECT_PROMPTS]
    )


def only_answered(person: Person) -> list[Question]:
    """Questions the person answered where every answer is theirs (an answer whose author was
    erased counts as someone else's), newest first."""
    others = Answer.objects.filter(question=OuterRef("pk")).exclude(author=person)
    return list(
        Question.objects.filter(
            Exists(Answer.objects.filter(question=OuterRef("pk"), author=person))
        )
        .exclude(Exists(others))
        .order_by("-created_at", "id")[:MAX_OBJECT_PROMPTS]
    )


@dataclass(frozen=True)
class PromptSpec:
    kind: str
    prompt: str
    skill_id: int | None = None
    article_id: int | None = None
    question_id: int | None = None


def _quote(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def build_prompts(person: Person, skill_ids: list[int] | None = None) -> list[PromptSpec]:
    """The checklist for ``person``, in the active language: skills at risk (by name), the
    articles they own, the questions only they answered, then the general prompts.
    ``skill_ids``: their sole holdings if already known (else the matrix is loaded)."""
    if skill_ids is None:
        skill_ids = sole_holdings([person.pk]).get(person.pk, [])
    specs = [
        PromptSpec(
            PromptKind.SKILL,
            _(
                "You are the only one at proficient level or above in %(skill)s. What does "
                "someone need to know to do this work: the key tasks, tools, pitfalls, and "
                "where to start learning?"
            )
            % {"skill": skill.name},
            skill_id=skill.pk,
        )
        for skill in Skill.objects.filter(pk__in=skill_ids).order_by("name", "id")
    ]
    specs += [
        PromptSpec(
            PromptKind.ARTICLE,
            _(
                "You own the article “%(title)s”. Is it complete and up to date, and who "
                "should own it after you?"
            )
            % {"title": _quote(article.title)},
            article_id=article.pk,
        )
        for article in owned_articles(person)
    ]
    specs += [
        PromptSpec(
            PromptKind.QUESTION,
            _(
                "You are the only one who answered “%(title)s”. Is your answer still right, "
                "and what else should the next person who asks this know?"
            )
            % {"title": _quote(question.title)},
            question_id=question.pk,
        )
        for question in only_answered(person)
    ]
    specs += [PromptSpec(PromptKind.GENERAL, _(text)) for text in GENERAL_PROMPTS]
    return specs


# --- starting an interview ---------------------------------------------------------------


def open_interview(person: Person) -> HandoverInterview | None:
    return HandoverInterview.objects.filter(person=person, state=HandoverState.OPEN).first()


def _notify_started(interview: HandoverInterview) -> None:
    person = interview.person
    recipients = [person]
    if interview.manager is not None and interview.manager.pk != person.pk:
        recipients.append(interview.manager)
    link = reverse("knowledge:handover", args=[interview.pk])
    count = interview.prompts.count()
    due = interview.due_on.isoformat() if interview.due_on else None

    def write(recipient: Person) -> tuple[str, str, str]:
        if recipient.pk == person.pk:
            title = _("Handover: please write down what you know")
            body = _(
                "A handover interview with %(n)s prompts has been prepared for you: the "
                "knowledge only you hold, the articles you own and the questions only you "
                "answered. Your manager works through it with you."
            ) % {"n": count}
        else:
            title = _("Handover of %(name)s") % {"name": person.full_name}
            body = _(
                "A handover interview with %(n)s prompts has been prepared for %(name)s. Work "
                "through it together and turn the answers into articles and new owners."
            ) % {"n": count, "name": person.full_name}
        if due:
            body += " " + _("Due: %(date)s.") % {"date": due}
        return title, body, link

    notify(recipients=recipients, kind=Kind.HANDOVER, write=write)


def _create(
    *,
    actor: User | None,
    person: Person,
    reason: str,
    due_on: date | None,
    skill_ids: list[int] | None = None,
) -> HandoverInterview:
    """Create the interview and its prompts (no permission check: callers decide) and notify
    the person and their manager."""
    if reason not in HandoverReason.values:
        raise ServiceError(_("Choose leaving, only holder or other."), field="reason")
    if not person.is_active or person.erased_at is not None:
        raise ServiceError(
            _("%(name)s has left; no new handover.") % {"name": person.full_name}, field="person"
        )
    if open_interview(person) is not None:
        raise Conflict(
            _("%(name)s already has an open handover.") % {"name": person.full_name},
            field="person",
        )
    manager = (
        Person.objects.select_related("user").filter(pk=person.manager_id).first()
        if person.manager_id
        else None
    )
    interview = HandoverInterview.objects.create(
        person=person,
        manager=manager,
        reason=reason,
        due_on=due_on,
        created_by=actor if actor is not None and actor.pk else None,
    )
    # The person answers the prompts: they are written in the person's language.
    with translation.override(language_of(person, default_language())):
        specs = build_prompts(person, skill_ids)
    HandoverPrompt.objects.bulk_create(
        HandoverPrompt(
            interview=interview,
            kind=spec.kind,
            prompt=spec.prompt[:500],
            skill_id=spec.skill_id,
            article_id=spec.article_id,
            question_id=spec.question_id,
            position=i,
        )
        for i, spec in enumerate(specs)
    )
    audit(
        actor=actor,
        action="handover.start",
        obj=interview,
        summary=f"{person.full_name}: handover interview started ({reason}, {len(specs)} prompts)",
    )
    _notify_started(interview)
    return interview


@transaction.atomic
def start_handover(
    *,
    actor: User,
    person: Person,
    reason: str = HandoverReason.OTHER,
    due_on: date | None = None,
    today: date | None = None,
) -> HandoverInterview:
    """Start an interview by hand (HR, or a manager for their reporting line). Default due
    date: the leaving day if one is set, else in ``DUE_AFTER_DAYS`` days."""
    today = today or timezone.localdate()
    if not may_start(actor, person):
        raise NotAllowed(
            _("Only HR and the managers of %(name)s can start a handover.")
            % {"name": person.full_name}
        )
    if due_on is not None and due_on < today:
        raise ServiceError(_("The due date cannot be in the past."), field="due_on")
    if due_on is None:
        due_on = person.leaving_on or today + timedelta(days=DUE_AFTER_DAYS)
    return _create(actor=actor, person=person, reason=reason, due_on=due_on)


@transaction.atomic
def start_for_leaving(*, actor: User | None, person: Person) -> HandoverInterview | None:
    """The departure trigger (``save_person`` calls it whenever it saves a leaving date, so it
    must be idempotent): an interview due on the leaving day, unless
    - one is open: it is returned, and takes the leaving day as due date if it had none or a
      later one;
    - a departure handover was completed in the last ``REPEAT_AFTER_DAYS`` days: None (the
      departure has been handed over already).
    None as well if the person has no leaving date or has already left."""
    if person.leaving_on is None or not person.is_active:
        return None
    current = open_interview(person)
    if current is not None:
        if current.due_on is None or current.due_on > person.leaving_on:
            current.due_on = person.leaving_on
            current.save(update_fields=["due_on"])
        return current
    handed_over = HandoverInterview.objects.filter(
        person=person,
        reason=HandoverReason.LEAVING,
        state=HandoverState.DONE,
        completed_at__gte=timezone.now() - timedelta(days=REPEAT_AFTER_DAYS),
    )
    if handed_over.exists():
        return None
    return _create(
        actor=actor, person=person, reason=HandoverReason.LEAVING, due_on=person.leaving_on
    )


def start_periodic_handovers(*, today: date | None = None) -> int:
    """The daily housekeeping's step: an interview for every active person who alone holds a
    skill at risk, has no open interview and none completed in the last
    ``REPEAT_AFTER_DAYS`` days. Returns how many were started."""
    today = today or timezone.localdate()
    holdings = sole_holdings()
    if not holdings:
        return 0
    since = timezone.now() - timedelta(days=REPEAT_AFTER_DAYS)
    recent = HandoverInterview.objects.filter(
        Q(state=HandoverState.OPEN) | Q(state=HandoverState.DONE, completed_at__gte=since)
    )
    people = (
        Person.objects.filter(pk__in=list(holdings), is_active=True, erased_at__isnull=True)
        .exclude(pk__in=recent.values("person_id"))
        .select_related("user")
        .order_by("id")
    )
    started = 0
    for person in people:
        with transaction.atomic():
            _create(
                actor=None,
                person=person,
                reason=HandoverReason.SOLE_HOLDER,
                due_on=person.leaving_on or today + timedelta(days=DUE_AFTER_DAYS),
                skill_ids=holdings[person.pk],
            )
        started += 1
    return started


# --- working on it -----------------------------------------------------------------------


def _clean_answer(text: str) -> str:
    if "\x00" in text:
        raise ServiceError(_("The answer contains a NUL character."), field="answer")
    text = text.strip()
    if len(text) > MAX_ANSWER:
        raise ServiceError(
            _("An answer is at most %(n)s characters.") % {"n": MAX_ANSWER}, field="answer"
        )
    return text


@transaction.atomic
def answer_prompt(
    *, actor: User, prompt: HandoverPrompt, answer: str, is_done: bool | None = None
) -> HandoverPrompt:
    """Save the answer (Markdown) and, with ``is_done``, mark the prompt done or not."""
    interview = prompt.interview
    _check_work(actor, interview)
    text = _clean_answer(answer)
    fields = []
    if text != prompt.answer:
        prompt.answer = text
        fields.append("answer")
    if is_done is not None and is_done != prompt.is_done:
        prompt.is_done = is_done
        fields.append("is_done")
    if fields:
        prompt.save(update_fields=fields)
        audit(
            actor=actor,
            action="handover.answer",
            obj=prompt,
            summary=f"{interview.person.full_name}: handover prompt {prompt.position + 1} "
            + (
                "answered"
                if "answer" in fields
                else "marked done"
                if prompt.is_done
                else "reopened"
            ),
        )
    return prompt


@transaction.atomic
def set_done(*, actor: User, prompt: HandoverPrompt, done: bool) -> HandoverPrompt:
    """Tick a prompt off (or open it again)."""
    _check_work(actor, prompt.interview)
    if prompt.is_done != done:
        prompt.is_done = done
        prompt.save(update_fields=["is_done"])
        audit(
            actor=actor,
            action="handover.done" if done else "handover.reopen",
            obj=prompt,
            summary=f"{prompt.interview.person.full_name}: handover prompt {prompt.position + 1} "
            + ("done" if done else "open again"),
        )
    return prompt


def default_article_title(prompt: HandoverPrompt) -> str:
    """A title for the article written from a prompt's answer, in the active language."""
    person = prompt.interview.person.full_name
    if prompt.skill is not None:
        return _("%(skill)s: handover notes from %(name)s") % {
            "skill": prompt.skill.name,
            "name": person,
        }
    if prompt.article is not None:
        return _("%(title)s: handover notes") % {"title": _quote(prompt.article.title, 150)}
    if prompt.question is not None:
        return _quote(prompt.question.title, 200)
    return _("Handover notes from %(name)s: %(prompt)s") % {
        "name": person,
        "prompt": _quote(prompt.prompt, 80),
    }


def _check_new_owner(interview: HandoverInterview, owner: Person) -> None:
    if not owner.is_active or owner.erased_at is not None:
        raise ServiceError(
            _("%(name)s has left; choose someone still here.") % {"name": owner.full_name},
            field="owner",
        )
    if owner.pk == interview.person_id and interview.reason == HandoverReason.LEAVING:
        raise ServiceError(
            _("%(name)s is leaving; choose a successor.") % {"name": owner.full_name},
            field="owner",
        )


@transaction.atomic
def article_from_answer(
    *,
    actor: User,
    prompt: HandoverPrompt,
    owner: Person | None = None,
    title: str = "",
    visibility: str = Visibility.ORGANISATION,
) -> Article:
    """Write a handover-notes article from the prompt's answer, owned by ``owner`` (default:
    the interview's manager), tagged with the prompt's skill; the prompt keeps it as its
    result and is done."""
    from seedbed.knowledge.services.articles import create_article

    interview = prompt.interview
    _check_lead(actor, interview)
    if prompt.result_article_id is not None:
        raise Conflict(_("An article was already written from this answer."))
    if not prompt.answer.strip():
        raise ServiceError(_("Write the answer first; it becomes the article."), field="answer")
    if visibility not in Visibility.values:
        raise ServiceError(_("Choose who may read the article."), field="visibility")
    owner = owner or interview.manager
    if owner is None:
        raise ServiceError(
            _("%(name)s has no manager: choose who owns the article.")
            % {"name": interview.person.full_name},
            field="owner",
        )
    _check_new_owner(interview, owner)
    clean_title = " ".join(title.split()) or default_article_title(prompt)
    article = create_article(
        actor=actor,
        title=clean_title[:200],
        body=prompt.answer,
        kind=ArticleKind.HANDOVER,
        skill_ids=[prompt.skill_id] if prompt.skill_id else (),
        owner=owner,
        visibility=visibility,
        note=_("Written from the handover of %(name)s") % {"name": interview.person.full_name},
    )
    prompt.result_article = article
    prompt.is_done = True
    prompt.save(update_fields=["result_article", "is_done"])
    audit(
        actor=actor,
        action="handover.article",
        obj=prompt,
        summary=f"{interview.person.full_name}: article {article.pk} written from handover "
        f"prompt {prompt.position + 1}, owner {owner.full_name}",
    )
    return article


@transaction.atomic
def reassign_article(*, actor: User, prompt: HandoverPrompt, owner: Person) -> HandoverPrompt:
    """Give the article the prompt is about to ``owner``; the prompt keeps the new owner and
    is done."""
    from seedbed.knowledge.services.articles import reassign_owner

    interview = prompt.interview
    _check_lead(actor, interview)
    article = prompt.article
    if article is None:
        raise ServiceError(_("This prompt is not about an article."), field="owner")
    _check_new_owner(interview, owner)
    if article.owner_id == owner.pk:
        raise Conflict(
            _("%(name)s already owns this article.") % {"name": owner.full_name}, field="owner"
        )
    reassign_owner(actor=actor, article=article, owner=owner)
    prompt.new_owner = owner
    prompt.is_done = True
    prompt.save(update_fields=["new_owner", "is_done"])
    audit(
        actor=actor,
        action="handover.reassign",
        obj=prompt,
        summary=f"{interview.person.full_name}: article {article.pk} now owned by "
        f"{owner.full_name}",
    )
    return prompt


@transaction.atomic
def complete_interview(
    *, actor: User, interview: HandoverInterview, skip_reason: str = ""
) -> HandoverInterview:
    """Close the interview (HR or the person's manager). Every prompt must be done, or the
    ones still open are skipped with a reason."""
    if not may_lead(actor, interview):
        raise NotAllowed(_("The person's manager or HR completes a handover."))
    if interview.state != HandoverState.OPEN:
        raise Conflict(_("This handover is already done."))
    if "\x00" in skip_reason:
        raise ServiceError(_("The reason contains a NUL character."), field="skip_reason")
    reason = " ".join(skip_reason.split())
    if len(reason) > MAX_SKIP_REASON:
        raise ServiceError(
            _("The reason is at most %(n)s characters.") % {"n": MAX_SKIP_REASON},
            field="skip_reason",
        )
    left = interview.prompts.filter(is_done=False).count()
    if left and not reason:
        raise ServiceError(
            _("%(n)s prompts are not done yet: finish them, or say why they are skipped.")
            % {"n": left},
            field="skip_reason",
        )
    interview.state = HandoverState.DONE
    interview.completed_at = timezone.now()
    interview.skip_reason = reason if left else ""
    interview.save(update_fields=["state", "completed_at", "skip_reason"])
    audit(
        actor=actor,
        action="handover.complete",
        obj=interview,
        summary=f"{interview.person.full_name}: handover completed"
        + (f", {left} prompts skipped" if left else ""),
    )
    return interview
