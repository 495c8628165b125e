from django.urls import path

from petal.access.decorators import public, requires, signed_in
from petal.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in", public(views.sign_in), name="sign-in"),
    path("sign-out", public(views.sign_out), name="sign-out"),
    # The second step of signing in: the password was right, nobody is signed in yet.
    path("sign-in/code", public(views.sign_in_code), name="sign-in-code"),
    path("account/recovery-codes", signed_in(views.recovery_codes), name="recovery-codes"),
    path(
        "account/recovery-codes/new",
        signed_in(views.recovery_codes_new),
        name="recovery-codes-new",
    ),
    path("account/two-step", requires("account.use")(views.mfa_setup), name="mfa-setup"),
    path("account/two-step/off", requires("account.use")(views.mfa_remove), name="mfa-remove"),
    path(
        "account/password", requires("account.use")(views.password_change), name="password-change"
    ),
    path("account/email", requires("account.use")(views.email_change), name="email-change"),
    path("account/email/<str:token>", signed_in(views.email_confirm), name="email-confirm"),
    path("account/sessions/end", requires("account.use")(views.sessions_end), name="sessions-end"),
    path("dashboard", requires("account.use")(views.home), name="home"),
    path("account", requires("account.use")(views.account), name="account"),
    path("account/tokens/new", requires("account.use")(views.token_create), name="token-create"),
    path(
        "account/tokens/<int:token_id>/revoke",
        signed_in(views.token_revoke),
        name="token-revoke",
    ),
    path(
        "organisations", requires("organisations.view")(views.organisations), name="organisations"
    ),
    path("users", requires("users.view")(views.users), name="users"),
    path("users/new", requires("users.manage")(views.user_new), name="user-new"),
    path("users/<int:user_id>", requires("users.view")(views.user_detail), name="user"),
    path(
        "users/<int:user_id>/roles/new",
        requires("users.manage")(views.user_role_new),
        name="user-role-new",
    ),
    path(
        "users/<int:user_id>/roles/<int:membership_id>/end",
        requires("users.manage")(views.user_role_end),
        name="user-role-end",
    ),
    path(
        "users/<int:user_id>/sessions/end",
        requires("users.manage")(views.user_sessions_end),
        name="user-sessions-end",
    ),
    path(
        "users/<int:user_id>/two-step/reset",
        requires("users.manage")(views.user_mfa_reset),
        name="user-mfa-reset",
    ),
    path(
        "users/<int:user_id>/active",
        requires("users.manage")(views.user_active),
        name="user-active",
    ),
    path("password-reset", public(views.PasswordResetView.as_view()), name="password-reset"),
    path(
        "password-reset/sent",
        public(views.PasswordResetDoneView.as_view()),
        name="password-reset-sent",
    ),
    path(
        "password-reset/<uidb64>/<token>",
        public(views.PasswordResetConfirmView.as_view()),
        name="password-reset-confirm",
    ),
    path(
        "password-reset/complete",
        public(views.PasswordResetCompleteView.as_view()),
        name="password-reset-complete",
    ),
]
