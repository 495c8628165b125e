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
from petal.accounts import forms, selectors, services
from petal.core.errors import Forbidden, NotFound, ValidationFailed
from petal.core.forms import apply_errors
from petal.people.selectors import caseload_summary


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("accounts:home")


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def sign_in(request):
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(request))
    form = forms.SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_sign_in(
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
            return redirect(_safe_next(request))
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "next": request.GET.get("next", "")},
    )


def locked_out(request, response=None, credentials=None):
    return render(request, "accounts/locked_out.html", status=429)


@require_POST
def sign_out(request):
    services.session_sign_out(request=request)
    messages.success(request, "You have signed out.")
    return redirect("site:home")


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
        {"memberships": selectors.memberships_for(user), "tokens": selectors.tokens_for(user)},
    )


@require_http_methods(["GET", "POST"])
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


def users(request):
    q = request.GET.get("q", "").replace("\x00", "").strip()[:100]
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
        },
    )


@require_http_methods(["GET", "POST"])
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
