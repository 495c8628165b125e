from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from petal.access.policy import can, permissions_of, roles_of
from petal.accounts import forms, mfa, selectors, services
from petal.accounts.reauth import confirm_first
from petal.core.errors import Forbidden, NotFound, ValidationFailed
from petal.core.forms import apply_errors
from petal.core.views import search_moved_out_of_the_address, session_search
from petal.people.selectors import caseload_summary


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("accounts:home")


NEXT_AFTER_SIGN_IN = "_petal_next"
NEW_CODES = "_petal_new_codes"


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def sign_in(request):
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(request))
    form = forms.SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.password_check(
                request=request,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
            )
        except services.SignInFailed as failure:
            if failure.locked:
                return locked_out(request)
            form.add_error(None, "Enter a correct email address and password")
            form.error_anchor = "email"
        else:
            target = _safe_next(request)
            if mfa.needs_second_step(user):
                services.pending_begin(request=request, user=user)
                request.session[NEXT_AFTER_SIGN_IN] = target
                return redirect("accounts:sign-in-code")
            services.session_start(request=request, user=user)
            return redirect(target)
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "next": request.GET.get("next", "")},
    )


def _scan_context(device) -> dict:
    return {"device": device, "qr": mfa.qr_data_uri(device), "setup_key": mfa.setup_key(device)}


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def sign_in_code(request):
    """The second step of signing in: a code from the app, or a recovery code; or, for a role
    that needs two-step sign-in and has none yet, setting it up there and then."""
    user = services.pending_user(request)
    if user is None:
        services.pending_end(request)
        messages.info(request, "Sign in with your email address and password first.")
        return redirect("accounts:sign-in")
    form = forms.CodeForm(request.POST or None)
    enrol = not mfa.has_mfa(user)
    context = {"form": form, "enrol": enrol}
    if enrol:
        pending = request.session[services.PENDING]
        device = mfa.device_for(user, confirmed=False)
        if device is None or device.pk != pending.get("device"):
            device = services.mfa_device_new(user=user)
            pending["device"] = device.pk
            request.session[services.PENDING] = pending
        context.update(_scan_context(device))
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if enrol:
            try:
                codes = services.mfa_confirm(actor=user, device=device, code=code)
            except ValidationFailed as error:
                apply_errors(form, error)
            else:
                services.pending_end(request)
                services.session_start(request=request, user=user, method="app")
                request.session[NEW_CODES] = codes
                return redirect("accounts:recovery-codes")
        else:
            try:
                services.second_step(request=request, code=code)
            except services.SecondStepFailed as failure:
                if failure.restart:
                    messages.error(request, failure.message)
                    return redirect("accounts:sign-in")
                form.add_error("code", failure.message)
            else:
                return redirect(request.session.pop(NEXT_AFTER_SIGN_IN, "") or "accounts:home")
    return render(request, "accounts/sign_in_code.html", context)


def recovery_codes(request):
    """New recovery codes, shown once, straight after they were made."""
    codes = request.session.pop(NEW_CODES, None)
    if not codes:
        return redirect("accounts:account")
    target = request.session.pop(NEXT_AFTER_SIGN_IN, "") or reverse("accounts:account")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": target})


def locked_out(request, response=None, credentials=None):
    return render(request, "accounts/locked_out.html", status=429)


@require_POST
def sign_out(request):
    services.session_sign_out(request=request)
    messages.success(request, "You have signed out.")
    response = redirect("site:home")
    # Anything the browser kept from the session (cached pages, storage) goes too.
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


def home(request):
    user = request.user
    if user.is_individual:
        return redirect("consent:own")
    permissions = permissions_of(user)
    caseload = None
    if "people.use" in permissions:
        caseload = caseload_summary(user)
    return render(
        request,
        "accounts/home.html",
        {
            "memberships": selectors.memberships_for(user),
            "permissions": permissions,
            "roles": roles_of(user),
            "caseload": caseload,
            "today": timezone.localdate(),
        },
    )


def account(request):
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "memberships": selectors.memberships_for(user),
            "tokens": selectors.tokens_for(user),
            "has_mfa": mfa.has_mfa(user),
            "mfa_required": mfa.required_for(user),
            "recovery_left": mfa.unused_recovery_codes(user),
            "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
            "absolute_hours": settings.PETAL_SESSION_ABSOLUTE_HOURS,
        },
    )


@require_http_methods(["GET", "POST"])
@confirm_first("set up two-step sign-in")
def mfa_setup(request):
    user = request.user
    form = forms.CodeForm(request.POST or None)
    device = None
    if request.method == "POST":
        device = mfa.device_for(user, confirmed=False)
        if device is None or str(device.pk) != request.POST.get("device", ""):
            messages.error(request, "That set-up had expired. Scan the new code.")
            return redirect("accounts:mfa-setup")
        if form.is_valid():
            try:
                codes = services.mfa_confirm(
                    actor=user, device=device, code=form.cleaned_data["code"]
                )
            except ValidationFailed as error:
                apply_errors(form, error)
            else:
                request.session[services.SECOND_STEP] = True
                request.session[NEW_CODES] = codes
                messages.success(request, "Two-step sign-in is on.")
                return redirect("accounts:recovery-codes")
    else:
        device = services.mfa_device_new(user=user)
    return render(
        request,
        "accounts/mfa_setup.html",
        {"form": form, "replacing": mfa.has_mfa(user), **_scan_context(device)},
    )


@require_POST
@confirm_first("turn off two-step sign-in")
def mfa_remove(request):
    try:
        services.mfa_remove(actor=request.user, user=request.user)
    except Forbidden as exc:
        messages.error(request, exc.message)
    else:
        request.session[services.SECOND_STEP] = False
        messages.success(request, "Two-step sign-in is off.")
    return redirect("accounts:account")


@require_POST
@confirm_first("make new recovery codes (your old ones will stop working)")
def recovery_codes_new(request):
    if not mfa.has_mfa(request.user):
        return redirect("accounts:account")
    request.session[NEW_CODES] = services.recovery_codes_create(actor=request.user)
    return redirect("accounts:recovery-codes")


@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
@confirm_first("change your password")
def password_change(request):
    form = forms.PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(request=request, password=form.cleaned_data["new_password1"])
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Your password has been changed.")
            return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form})


@require_http_methods(["GET", "POST"])
@confirm_first("change your email address")
def email_change(request):
    form = forms.EmailChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.email_change_request(actor=request.user, email=form.cleaned_data["email"])
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"We have sent a link to {form.cleaned_data['email']}. Your email address "
                "changes when you follow it.",
            )
            return redirect("accounts:account")
    return render(request, "accounts/email_change.html", {"form": form})


@require_http_methods(["GET", "POST"])
def email_confirm(request, token: str):
    if request.method == "POST":
        try:
            user = services.email_change_confirm(actor=request.user, token=token)
        except ValidationFailed as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Your email address is now {user.email}.")
        return redirect("accounts:account")
    return render(request, "accounts/email_confirm.html", {})


@require_POST
@confirm_first("sign out everywhere else")
def sessions_end(request):
    services.sessions_end(actor=request.user, user=request.user, request=request)
    messages.success(request, "You have been signed out everywhere else.")
    return redirect("accounts:account")


@require_http_methods(["GET", "POST"])
@confirm_first("create an API token")
def token_create(request):
    form = forms.TokenForm(request.POST or None, initial={"days": 90})
    if request.method == "POST" and form.is_valid():
        token, raw = services.token_create(
            actor=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
        return render(request, "accounts/token_created.html", {"token": token, "raw": raw})
    return render(request, "accounts/token_form.html", {"form": form})


@require_POST
def token_revoke(request, token_id: int):
    try:
        token = services.token_revoke(actor=request.user, token_id=token_id)
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, f"Token ‘{token.name}’ has been revoked. It no longer works.")
    return redirect("accounts:account")


def organisations(request):
    q = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    orgs = selectors.organisations_visible_to(request.user, search=q)
    return render(request, "accounts/organisations.html", {"organisations": orgs, "q": q})


USERS_SEARCH = "_petal_users_search"


def users(request):
    # A name or email typed into the search is kept in the session, never in an address.
    moved = search_moved_out_of_the_address(request, USERS_SEARCH)
    if moved is not None:
        return moved
    q = session_search(request, USERS_SEARCH)
    page = Paginator(selectors.users_visible_to(request.user, search=q), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/users.html",
        {"page": page, "q": q, "can_manage": can(request.user, "users.manage")},
    )


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    form_class = forms.PasswordResetForm
    success_url = reverse_lazy("accounts:password-reset-sent")

    @property
    def extra_email_context(self):
        # Links in emails use the configured address, never the Host header of the request.
        return {"base_url": settings.PETAL_BASE_URL}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = forms.SetPasswordForm
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_reset_recorded(user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def _user_or_404(request, user_id):
    try:
        return selectors.user_get_for(request.user, user_id)
    except NotFound as exc:
        raise Http404 from exc


def _role_fields(data) -> dict:
    return {
        name: data[name] for name in ("role", "organisation", "partnership", "governance_level")
    }


@require_http_methods(["GET", "POST"])
def user_new(request):
    form = forms.InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_invite(
                actor=request.user,
                email=data["email"],
                full_name=data["full_name"],
                **_role_fields(data),
            )
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, f"{user.full_name} has a sign-in. We have emailed them a link."
            )
            return redirect("accounts:user", user_id=user.pk)
    return render(request, "accounts/user_new.html", {"form": form})


def user_detail(request, user_id: int):
    user = _user_or_404(request, user_id)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "person": user,
            "memberships": selectors.membership_history(user),
            "can_manage": can(request.user, "users.manage"),
            "has_mfa": mfa.has_mfa(user),
        },
    )


@require_http_methods(["GET", "POST"])
@confirm_first("give someone a role", methods=("POST",))
def user_role_new(request, user_id: int):
    user = _user_or_404(request, user_id)
    form = forms.RoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_give(actor=request.user, user=user, **_role_fields(data))
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{user.full_name} has a new role.")
            return redirect("accounts:user", user_id=user.pk)
    return render(request, "accounts/user_role_new.html", {"form": form, "person": user})


@require_POST
@confirm_first("end someone’s role")
def user_role_end(request, user_id: int, membership_id: int):
    user = _user_or_404(request, user_id)
    try:
        membership = services.membership_end(
            actor=request.user, user=user, membership_id=membership_id
        )
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, f"{user.full_name} is no longer {membership.get_role_display()}.")
    return redirect("accounts:user", user_id=user.pk)


@require_POST
@confirm_first("change whether someone can sign in")
def user_active(request, user_id: int):
    user = _user_or_404(request, user_id)
    active = request.POST.get("active") == "true"
    try:
        services.user_set_active(actor=request.user, user=user, active=active)
    except Forbidden as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"{user.full_name} can sign in again."
            if active
            else f"{user.full_name} can no longer sign in.",
        )
    return redirect("accounts:user", user_id=user.pk)


@require_POST
@confirm_first("sign someone out everywhere")
def user_sessions_end(request, user_id: int):
    user = _user_or_404(request, user_id)
    services.sessions_end(actor=request.user, user=user)
    messages.success(request, f"{user.full_name} has been signed out everywhere.")
    return redirect("accounts:user", user_id=user.pk)


@require_POST
@confirm_first("reset someone’s two-step sign-in")
def user_mfa_reset(request, user_id: int):
    user = _user_or_404(request, user_id)
    services.mfa_remove(actor=request.user, user=user)
    messages.success(
        request,
        f"{user.full_name}’s two-step sign-in has been reset. They will set it up again when "
        "they next sign in, and have been signed out everywhere.",
    )
    return redirect("accounts:user", user_id=user.pk)
