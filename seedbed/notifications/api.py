"""API: your own notifications (nobody reads anyone else's). Writes go through
``seedbed.notifications.services``."""

from django.db.models import QuerySet
from ninja import Path, Query, Router
from ninja.pagination import paginate

from seedbed.lib.schemas import ERRORS, AuthedRequest, Id, Pagination
from seedbed.notifications import services
from seedbed.notifications.models import Notification
from seedbed.notifications.schemas import (
    NotificationFilter,
    NotificationOut,
    ReadAllOut,
    UnreadCountOut,
)

router = Router(tags=["notifications"])


@router.get("/notifications", response={200: list[NotificationOut], **ERRORS})
@paginate(Pagination)
def list_notifications(
    request: AuthedRequest, filters: Query[NotificationFilter]
) -> QuerySet[Notification]:
    """Your notifications, newest first."""
    qs = Notification.objects.for_user(request.user)
    if filters.unread is not None:
        qs = qs.filter(read_at__isnull=filters.unread)
    if filters.kind is not None:
        qs = qs.filter(kind=filters.kind)
    return qs.order_by("-created_at", "-id")


@router.get("/notifications/unread-count", response={200: UnreadCountOut, **ERRORS})
def unread_count(request: AuthedRequest) -> dict[str, int]:
    return {"unread": services.unread_count(request.user)}


@router.post("/notifications/read-all", response={200: ReadAllOut, **ERRORS})
def read_all(request: AuthedRequest) -> dict[str, int]:
    """Mark all your unread notifications as read."""
    return {"marked": services.mark_all_read(user=request.user)}


@router.post("/notifications/{notification_id}/read", response={200: NotificationOut, **ERRORS})
def read_one(request: AuthedRequest, notification_id: Path[Id]) -> Notification:
    """Mark one of your notifications as read."""
    return services.mark_read(user=request.user, notification_id=notification_id)
