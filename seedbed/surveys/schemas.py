"""API schemas for survey campaigns, survey tasks and stale levels."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from seedbed.lib.schemas import Id, In, Text
from seedbed.skills.models import Source
from seedbed.surveys.models import CampaignStatus, Scope, TaskStatus


class CampaignOut(Schema):
    id: int
    name: str
    message: str
    scope: Scope
    team_id: int | None = Field(description="For scope 'team': the team (with its sub-teams).")
    team_name: str | None
    role_id: int | None = Field(description="For scope 'role': the role.")
    role_name: str | None
    deadline: date
    status: CampaignStatus
    created_at: datetime
    closed_at: datetime | None
    tasks_total: int = Field(description="Tasks you can see (a manager: their reporting line).")
    tasks_done: int

    @staticmethod
    def resolve_team_name(obj: Any) -> str | None:
        return obj.team.name if obj.team_id else None

    @staticmethod
    def resolve_role_name(obj: Any) -> str | None:
        return obj.role.name if obj.role_id else None


class TeamProgressOut(Schema):
    team_id: int | None = Field(description="The person's team when the survey was launched.")
    team_name: str
    done: int
    total: int
    percent: int


class CampaignDetailOut(CampaignOut):
    teams: list[TeamProgressOut] = Field(description="Completion per team, by team name.")


class CampaignFilter(In):
    q: Text | None = Field(None, max_length=200, description="Part of the name.")
    status: CampaignStatus | None = None


class CampaignCreateIn(In):
    name: Text = Field(min_length=1, max_length=200)
    message: Text = Field("", max_length=5000, description="Shown with each task and email.")
    scope: Scope
    team_id: Id | None = Field(None, description="Required for scope 'team'.")
    role_id: Id | None = Field(None, description="Required for scope 'role'.")
    deadline: date = Field(description="Today or later, within a year.")


class RemindOut(Schema):
    reminded: int = Field(description="People reminded now (behind, not reminded this hour).")


class TaskOut(Schema):
    id: int
    campaign_id: int
    person_id: int
    person_name: str
    team_id: int | None
    team_name: str | None
    manager_id: int | None
    manager_name: str | None
    status: TaskStatus
    items_total: int
    items_answered: int
    completed_at: datetime | None
    last_reminded_at: datetime | None

    @staticmethod
    def resolve_person_name(obj: Any) -> str:
        return str(obj.person.full_name)

    @staticmethod
    def resolve_team_name(obj: Any) -> str | None:
        return obj.team.name if obj.team_id else None

    @staticmethod
    def resolve_manager_id(obj: Any) -> int | None:
        return obj.person.manager_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_manager_name(obj: Any) -> str | None:
        return obj.person.manager.full_name if obj.person.manager_id else None


class TaskFilter(In):
    status: TaskStatus | None = None


class SurveyItemOut(Schema):
    skill_id: int
    skill_name: str
    required_level: int | None = Field(description="What the person's role requires, if any.")
    level: int | None = Field(description="The answer given in this survey, if any.")
    answered_at: datetime | None

    @staticmethod
    def resolve_skill_name(obj: Any) -> str:
        return str(obj.skill.name)


class MyTaskOut(Schema):
    id: int
    campaign_id: int
    campaign_name: str
    message: str
    deadline: date
    campaign_status: CampaignStatus
    status: TaskStatus
    completed_at: datetime | None
    items: list[SurveyItemOut]

    @staticmethod
    def resolve_campaign_name(obj: Any) -> str:
        return str(obj.campaign.name)

    @staticmethod
    def resolve_message(obj: Any) -> str:
        return str(obj.campaign.message)

    @staticmethod
    def resolve_deadline(obj: Any) -> date:
        return obj.campaign.deadline  # type: ignore[no-any-return]

    @staticmethod
    def resolve_campaign_status(obj: Any) -> str:
        return str(obj.campaign.status)

    @staticmethod
    def resolve_items(obj: Any) -> list[Any]:
        return list(obj.items.all())


class MyTaskFilter(In):
    open: bool | None = Field(
        None, description="true: still to do in open surveys; false: done or closed."
    )


class SurveyAnswerIn(In):
    skill_id: Id
    level: int = Field(ge=0, le=1000, description="A level of the skill's scale.")


class AnswersIn(In):
    answers: list[SurveyAnswerIn] = Field(default_factory=list, max_length=1000)
    complete: bool = Field(False, description="Also mark the task done (every skill answered).")
    note: Text = Field("", max_length=2000, description="For your manager, on each answer.")


class StaleLevelOut(Schema):
    person_id: int
    person_name: str
    skill_id: int
    skill_name: str
    level: int
    source: Source
    last_evidence_at: datetime = Field(description="Newest evidence of any source.")

    @staticmethod
    def resolve_person_name(obj: Any) -> str:
        return str(obj.person.full_name)

    @staticmethod
    def resolve_skill_name(obj: Any) -> str:
        return str(obj.skill.name)


class StaleFilter(In):
    person: Id | None = Field(None, description="Only this person's stale levels.")
