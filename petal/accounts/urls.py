from django.urls import path

from petal.access.decorators import public, requires, signed_in
from petal.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in", public(views.sign_in), name="sign-in"),
    path("sign-out", public(views.sign_out), name="sign-out"),
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
