"""API: the signed-in user and their personal API tokens."""

from typing import Any

from django.db.models import QuerySet
from ninja import Router, Status
from ninja.pagination import paginate

from seedbed.accounts import services
from seedbed.accounts.models import ApiToken
from seedbed.accounts.schemas import MeOut, TokenCreatedOut, TokenIn, TokenOut
from seedbed.lib.schemas import ERRORS, AuthedRequest, Id, Pagination
from seedbed.people.models import Person

router = Router(tags=["accounts"])


@router.get("/me", response={200: MeOut, **ERRORS})
def me(request: AuthedRequest) -> dict[str, Any]:
    """Who you are: your login, access level, and your person id in the directory."""
    user = request.user
    person_id = Person.objects.filter(user=user).values_list("id", flat=True).first()
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "access_level": user.access_level,
        "language": user.language,
        "timezone": user.timezone,
        "person_id": person_id,
    }


@router.get("/tokens", response={200: list[TokenOut], **ERRORS})
@paginate(Pagination)
def list_tokens(request: AuthedRequest) -> QuerySet[ApiToken]:
    """Your own API tokens, newest first (revoked ones included)."""
    return ApiToken.objects.filter(user=request.user).order_by("-created_at", "-id")


@router.post("/tokens", response={201: TokenCreatedOut, **ERRORS})
def create_token(request: AuthedRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    """Create a personal API token. The response holds the token itself: it is shown once and
    stored only as a hash."""
    token, raw = services.create_token(user=request.user, name=payload.name)
    return Status(201, {**TokenOut.model_validate(token).model_dump(), "token": raw})


@router.delete("/tokens/{token_id}", response={204: None, **ERRORS})
def revoke_token(request: AuthedRequest, token_id: Id) -> Status[None]:
    """Revoke one of your tokens (admins: anyone's). It stops working at once."""
    services.revoke_token(user=request.user, token_id=token_id)
    return Status(204, None)
