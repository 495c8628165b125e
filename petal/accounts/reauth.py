"""Re-authentication before sensitive actions: "Confirm it's you".

``confirm_first("create an API token")`` wraps a view. When the password was last given more
than PETAL_REAUTH_MINUTES ago, the view is not run: the reader sees a page asking for their
password (and a code, when they use two-step sign-in). That page posts back to the same
address with whatever the reader had already typed into the original form carried along in
hidden fields, so confirming carries straight on with the action and nothing typed is lost.
"""

from __future__ import annotations

import time
from functools import wraps

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters

PASSWORD = "_petal_confirm_password"  # noqa: S105 - a form field name, not a password.
CODE = "_petal_confirm_code"
METHOD = "_petal_confirm_method"
_OWN = {PASSWORD, CODE, METHOD, "csrfmiddlewaretoken"}


class ConfirmForm(forms.Form):
    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="Or one of your recovery codes",
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def add_prefix(self, field_name):
        return {"password": PASSWORD, "code": CODE}.get(field_name, field_name)


def recently_confirmed(request) -> bool:
    from petal.accounts.services import CONFIRMED_AT

    at = request.session.get(CONFIRMED_AT)
    return isinstance(at, int) and time.time() - at < settings.PETAL_REAUTH_MINUTES * 60


def _carried(request) -> list[tuple[str, str]]:
    if request.method != "POST":
        return []
    return [
        (name, value)
        for name, values in request.POST.lists()
        if name not in _OWN
        for value in values
    ]


def _page(request, form, *, action: str, carried, method: str):
    from petal.accounts import mfa

    return render(
        request,
        "accounts/confirm.html",
        {
            "form": form,
            "action": action,
            "carried": carried,
            "method": method,
            "asks_code": mfa.has_mfa(request.user),
            "minutes": settings.PETAL_REAUTH_MINUTES,
        },
    )


def confirm_first(action: str, *, methods: tuple[str, ...] = ("GET", "POST")):
    """Ask for the password again before ``action`` (words to finish "You are about to …")
    when it was last given too long ago. ``methods``: which requests ask (a page whose GET
    only shows a form may ask on POST alone)."""

    def decorator(view):
        @wraps(view)
        @sensitive_post_parameters(PASSWORD, CODE)
        def wrapped(request, *args, **kwargs):
            from petal.accounts import services
            from petal.core.errors import ValidationFailed
            from petal.core.forms import apply_errors

            if request.method == "POST" and PASSWORD in request.POST:
                form = ConfirmForm(request.POST)
                original = request.POST.get(METHOD, "POST")
                if form.is_valid():
                    try:
                        services.reauthenticate(
                            request=request,
                            password=form.cleaned_data["password"],
                            code=form.cleaned_data["code"],
                        )
                    except ValidationFailed as error:
                        apply_errors(form, error)
                if form.errors:
                    return _page(
                        request, form, action=action, carried=_carried(request), method=original
                    )
                if original == "GET":
                    return redirect(request.get_full_path())
                data = QueryDict(mutable=True)
                for name, value in _carried(request):
                    data.appendlist(name, value)
                data.setlist("csrfmiddlewaretoken", request.POST.getlist("csrfmiddlewaretoken"))
                data._mutable = False
                request.POST = data
                return view(request, *args, **kwargs)
            if request.method not in methods or recently_confirmed(request):
                return view(request, *args, **kwargs)
            return _page(
                request,
                ConfirmForm(),
                action=action,
                carried=_carried(request),
                method=request.method,
            )

        return wrapped

    return decorator
