"""Sign-in, home, account preferences, API tokens, organisation settings, audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedbed.accounts import services
from seedbed.accounts.forms import LoginForm, OrgSettingsForm, PreferencesForm, TokenForm
from seedbed.accounts.models import ApiToken, AuditLog, OrgSettings
from seedbed.lib.errors import ServiceError
from seedbed.lib.forms import form_copy
from seedbed.lib.http import AuthedHttpRequest, require_admin
from seedbed.lib.listing import paginate, query_without_page


def health(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


def _client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        address = _client_address(request)
        if services.login_blocked(email=email, address=address):
            form.add_error(
                None,
                _("Too many failed sign-ins. Wait %(minutes)s minutes and try again.")
                % {"minutes": settings.LOGIN_FAILURE_WINDOW_SECONDS // 60},
            )
            status = 429
        else:
            user = authenticate(request, username=email, password=form.cleaned_data["password"])
            if user is None:
                services.record_login_failure(email=email, address=address)
                form.add_error(None, _("That email and password do not match an active account."))
            else:
                services.clear_login_failures(email=email)
                login(request, user)
                if not url_has_allowed_host_and_scheme(
                    next_url, {request.get_host()}, require_https=request.is_secure()
                ):
                    next_url = ""
                return redirect(next_url or "home")
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=status)


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's reset view, rate limited per email and client address. Over the limit the
    visitor sees the same "sent" page as always (so the form does not tell which addresses
    have accounts) but no email goes out."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        if services.reset_allowed(email=email, address=_client_address(self.request)):
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())


@require_POST
def logout_view(request: AuthedHttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    from seedbed.accounts.selectors import home_context

    return render(request, "accounts/home.html", home_context(request.user))


@login_required
def account(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    prefs = PreferencesForm(
        request.POST if request.POST.get("form") == "prefs" else None, instance=user
    )
    password_form = PasswordChangeForm(
        user, request.POST if request.POST.get("form") == "password" else None
    )
    if request.method == "POST":
        if request.POST.get("form") == "prefs" and prefs.is_valid():
            prefs.save()
            services.audit(
                actor=user, action="account.preferences", obj=user, summary="Preferences changed"
            )
            messages.success(request, _("Preferences saved."))
            return redirect("accounts:account")
        if request.POST.get("form") == "password" and password_form.is_valid():
            password_form.save()
            update_session_auth_hash(request, password_form.user)
            services.audit(
                actor=user, action="account.password", obj=user, summary="Password changed"
            )
            messages.success(request, _("Password changed."))
            return redirect("accounts:account")
    return render(
        request,
        "accounts/account.html",
        {
            "prefs": prefs,
            "password_form": password_form,
            "tokens": ApiToken.objects.filter(user=user),
            "token_form": TokenForm(),
        },
    )


@login_required
@require_POST
def token_create(request: AuthedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name."))
        return redirect("accounts:account")
    token, raw = services.create_token(user=request.user, name=form.cleaned_data["name"])
    return render(request, "accounts/token_created.html", {"token": token, "raw": raw})


@login_required
@require_POST
def token_revoke(request: AuthedHttpRequest, token_id: int) -> HttpResponse:
    try:
        token = services.revoke_token(user=request.user, token_id=token_id)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:account")


@login_required
def org_settings(request: AuthedHttpRequest) -> HttpResponse:
    require_admin(request)
    org = OrgSettings.load()
    form = OrgSettingsForm(request.POST or None, instance=form_copy(org))
    if request.method == "POST" and form.is_valid():
        services.update_org_settings(
            actor=request.user, data={f: form.cleaned_data[f] for f in OrgSettingsForm.Meta.fields}
        )
        messages.success(request, _("Settings saved."))
        return redirect("accounts:settings")
    return render(request, "accounts/settings.html", {"form": form})


@login_required
def audit_log(request: AuthedHttpRequest) -> HttpResponse:
    require_admin(request)
    qs = AuditLog.objects.select_related("actor")
    q = request.GET.get("q", "").strip()[:100]
    action = request.GET.get("action", "").strip()[:64]
    if q:
        qs = qs.filter(Q(summary__icontains=q) | Q(actor__email__icontains=q))
    if action:
        qs = qs.filter(action__startswith=action)
    if request.GET.get("format") in ("csv", "xlsx"):
        from seedbed.lib.spreadsheet import export_response

        rows = (
            (e.at, str(e.actor or ""), e.action, e.object_type, e.object_id, e.summary)
            for e in qs[:50000]
        )
        return export_response(
            request.GET["format"],
            "audit-log",
            ["at", "actor", "action", "object", "id", "summary"],
            rows,
        )
    actions = sorted(
        {
            a.split(".")[0]
            for a in AuditLog.objects.values_list("action", flat=True).distinct()[:200]
        }
    )
    return render(
        request,
        "accounts/audit.html",
        {
            "page_obj": paginate(request, qs, 50),
            "query": query_without_page(request),
            "q": q,
            "action": action,
            "actions": actions,
        },
    )
