"""The inbox: one's own notifications, newest first; open, mark read, mark all read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from seedbed.lib.errors import NotFound
from seedbed.lib.http import AuthedHttpRequest
from seedbed.lib.listing import paginate, query_without_page
from seedbed.notifications import services
from seedbed.notifications.models import Notification


@login_required
def inbox(request: AuthedHttpRequest) -> HttpResponse:
    qs = Notification.objects.for_user(request.user)
    show = request.GET.get("show", "")
    if show == "unread":
        qs = qs.unread()
    return render(
        request,
        "notifications/inbox.html",
        {
            "page_obj": paginate(request, qs, 25),
            "show": show,
            "query": query_without_page(request),
        },
    )


@login_required
def open_notification(request: AuthedHttpRequest, notification_id: int) -> HttpResponse:
    """Follow a notification's link, marking it read on the way."""
    try:
        notification = services.mark_read(user=request.user, notification_id=notification_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_read(request: AuthedHttpRequest, notification_id: int) -> HttpResponse:
    try:
        services.mark_read(user=request.user, notification_id=notification_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return redirect(_back(request))


@login_required
@require_POST
def mark_all_read(request: AuthedHttpRequest) -> HttpResponse:
    count = services.mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext("%(n)s notification marked as read.", "%(n)s notifications marked as read.", count)
        % {"n": count}
        if count
        else _("Nothing was unread."),
    )
    return redirect(_back(request))


def _back(request: AuthedHttpRequest) -> str:
    """Back to the inbox page the form was on (a same-site path only)."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return target
    return "notifications:inbox"
