"""Keeping the search index in step: on commit only, what services change (people, teams,
skills, learning items, imports), erasure, the full rebuild and its command."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from seedbed.imports.services import commit_catalogue, commit_esco, commit_people
from seedbed.knowledge.models import Article
from seedbed.learning.models import LearningItem
from seedbed.learning.services import catalogue as catalogue_services
from seedbed.people import services as people_services
from seedbed.search.index import KINDS, index_now, reindex_all, schedule_index
from seedbed.search.models import SearchDocument
from seedbed.search.services import SearchPage, search
from seedbed.skills import services as skill_services
from seedbed.skills.models import Skill
from tests.builders import make_person
from tests.data.imports import PEOPLE_HEADER, person_row
from tests.data.imports import table as people_table

pytestmark = pytest.mark.django_db


def find(org: Any, q: str, who: str = "admin", **kw: Any) -> SearchPage:
    return search(viewer=org.user(who), q=q, **kw)


def titles(page: SearchPage) -> list[str]:
    return [r.title for r in page.results]


def test_kinds_are_the_contract():
    assert KINDS == ("person", "skill", "article", "question", "learning_item")
    with pytest.raises(ValueError, match="unknown search kind 'planet'"):
        schedule_index("planet", [1])


def test_indexing_happens_on_commit_only(org, django_capture_on_commit_callbacks):
    a = Article.objects.create(title="Quarterly planning guide", body="Steps.")
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                schedule_index("article", [a.pk])
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert not SearchDocument.objects.filter(kind="article").exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        schedule_index("article", [a.pk])
        assert not SearchDocument.objects.filter(kind="article").exists()  # not yet
    assert len(callbacks) == 1
    assert titles(find(org, "planning")) == ["Quarterly planning guide"]


def test_a_failure_to_index_never_breaks_the_committed_change(org, monkeypatch, caplog):
    def broken(ids):  # type: ignore[no-untyped-def]
        raise RuntimeError("index down")

    monkeypatch.setitem(
        __import__("seedbed.search.extractors", fromlist=["EXTRACTORS"]).EXTRACTORS,
        "article",
        broken,
    )
    a = Article.objects.create(title="Kept anyway", body="x")
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        schedule_index("article", [a.pk])
    assert Article.objects.filter(pk=a.pk).exists()
    assert "index down" in caplog.text


def test_changed_and_deleted_objects_update_their_documents(org):
    a = Article.objects.create(title="Old title", body="x")
    index_now("article", [a.pk])
    Article.objects.filter(pk=a.pk).update(title="Fresh title")
    assert index_now("article", [a.pk]) == 1
    assert index_now("article", [a.pk]) == 0  # nothing changed: nothing written
    assert titles(find(org, "fresh")) == ["Fresh title"] and find(org, "old").total == 0
    pk = a.pk
    a.delete()
    index_now("article", [pk])
    assert find(org, "fresh").total == 0
    assert not SearchDocument.objects.filter(kind="article").exists()


def test_people_services_keep_people_findable(org, django_capture_on_commit_callbacks):
    admin = org.user("admin")
    with django_capture_on_commit_callbacks(execute=True):
        ada = people_services.save_person(
            actor=admin,
            data={"full_name": "Ada Byron", "email": "ada@example.com", "location": "London"},
        )
    assert titles(find(org, "london")) == ["Ada Byron"]
    with django_capture_on_commit_callbacks(execute=True):
        people_services.save_person(actor=admin, person=ada, data={"full_name": "Ada Lovelace"})
    assert titles(find(org, "lovelace")) == ["Ada Lovelace"]
    with django_capture_on_commit_callbacks(execute=True):
        people_services.deactivate_person(actor=admin, person=ada)
    assert find(org, "lovelace").total == 0
    with django_capture_on_commit_callbacks(execute=True):
        people_services.reactivate_person(actor=admin, person=ada)
    assert find(org, "lovelace").total == 1


def test_a_renamed_team_renames_its_members_documents(org, django_capture_on_commit_callbacks):
    reindex_all()
    with django_capture_on_commit_callbacks(execute=True):
        people_services.save_team(
            actor=org.user("admin"), team=org.outsider.team, data={"name": "Logistics"}
        )
    assert set(titles(find(org, "logistics", kinds=["person"]))) == {
        "Olga Outsider",
        "Otto Other",
    }


def test_a_renamed_role_renames_its_holders_documents(org, django_capture_on_commit_callbacks):
    from seedbed.frameworks import services as framework_services

    reindex_all()
    with django_capture_on_commit_callbacks(execute=True):
        framework_services.save_role(
            actor=org.user("admin"), role=org.employee.role, data={"name": "Pipefitter"}
        )
    found = set(titles(find(org, "pipefitter", kinds=["person"])))
    assert {"Emil Employee", "Rita Report"} <= found


def test_an_erased_person_leaves_no_trace_in_the_index(org, django_capture_on_commit_callbacks):
    victim = make_person("Zebulon Quixote", team=org.employee.team)
    reindex_all()
    assert titles(find(org, "zebulon")) == ["Zebulon Quixote"]
    with django_capture_on_commit_callbacks(execute=True):
        people_services.erase_person(actor=org.user("admin"), person=victim)
    assert find(org, "zebulon").total == 0
    assert find(org, "quixote").total == 0
    # nor is the name still a word the index would suggest for a typo
    page = find(org, "zebulom")
    assert (page.total, page.corrected_query) == (0, None)


def test_skill_changes_reach_what_is_tagged_with_it(org, django_capture_on_commit_callbacks):
    a = Article.objects.create(title="Rolling out the cluster", body="How we did it.")
    k8s = Skill.objects.get(name="Kubernetes")
    a.skills.add(k8s)
    reindex_all()
    assert find(org, "kube8").total == 0
    with django_capture_on_commit_callbacks(execute=True):
        skill_services.save_skill(
            actor=org.user("admin"), skill=k8s, data={"aliases": "k8s, kube8"}
        )
    assert {(r.kind, r.title) for r in find(org, "kube8").results} == {
        ("skill", "Kubernetes"),
        ("article", "Rolling out the cluster"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        new = skill_services.save_skill(
            actor=org.user("admin"), data={"name": "Ansible", "category": k8s.category}
        )
    assert titles(find(org, "ansible")) == ["Ansible"]
    with django_capture_on_commit_callbacks(execute=True):
        skill_services.save_category(
            actor=org.user("admin"), category=new.category, data={"name": "Automation tools"}
        )
    assert "Ansible" in titles(find(org, "automation", kinds=["skill"]))


def test_learning_item_services_keep_the_catalogue_findable(
    org, django_capture_on_commit_callbacks
):
    admin = org.user("admin")
    python = Skill.objects.get(name="Python")
    with django_capture_on_commit_callbacks(execute=True):
        item = catalogue_services.save_item(
            actor=admin, data={"title": "Snake charming 101", "kind": "workshop"}
        )
    assert titles(find(org, "charming")) == ["Snake charming 101"]
    with django_capture_on_commit_callbacks(execute=True):
        catalogue_services.set_item_skills(actor=admin, item=item, skills=[(python, 2)])
    assert titles(find(org, "py", kinds=["learning_item"])) == ["Snake charming 101"]
    with django_capture_on_commit_callbacks(execute=True):
        catalogue_services.set_item_active(actor=admin, item=item, active=False)
    assert find(org, "charming").total == 0


def test_imports_reindex_what_they_wrote(org, django_capture_on_commit_callbacks):
    from tests.test_imports_catalogue import GOOD
    from tests.test_imports_catalogue import table as catalogue_table
    from tests.test_imports_esco import BASIC, skills_table

    admin = org.user("admin")
    with django_capture_on_commit_callbacks(execute=True):
        commit_people(
            table=people_table(
                [PEOPLE_HEADER, person_row("Grace Hopper", "grace@example.com", team="Navy")]
            ),
            actor=admin,
        )
    assert titles(find(org, "navy")) == ["Grace Hopper"]
    with django_capture_on_commit_callbacks(execute=True):
        commit_catalogue(table=catalogue_table(GOOD), actor=admin)
    assert set(titles(find(org, "kubernetes", kinds=["learning_item"]))) == {
        "Kubernetes basics",
        "Kubernetes in production",
        "Read the release notes",
    }
    with django_capture_on_commit_callbacks(execute=True):
        commit_esco(skills=skills_table(BASIC), actor=admin)
    assert titles(find(org, "musical staff", kinds=["skill"])) == ["manage musical staff"]


def test_reindex_all_rebuilds_and_drops_what_is_gone(org):
    Article.objects.create(title="Lighthouse keeping", body="x")
    LearningItem.objects.create(title="Lighthouse optics", kind="reading")
    counts = reindex_all()
    assert counts == {"person": 7, "skill": 2, "article": 1, "question": 0, "learning_item": 1}
    Article.objects.all().delete()  # behind the index's back
    SearchDocument.objects.create(
        id=9 << 40 | 1, kind="planet", object_id=1, title="Lighthouse Mars"
    )
    assert reindex_all()["article"] == 0
    assert titles(find(org, "lighthouse")) == ["Lighthouse optics"]
    assert not SearchDocument.objects.filter(kind="planet").exists()


def test_search_reindex_command(org):
    out = io.StringIO()
    call_command("search_reindex", stdout=out)
    assert out.getvalue().strip() == (
        "Search index rebuilt: person 7, skill 2, article 0, question 0, learning_item 0."
    )
    assert titles(find(org, "olga")) == ["Olga Outsider"]
