"""Marks every new session with when it was signed in (the absolute timeout and
re-authentication count from it), however the sign-in happened."""

from __future__ import annotations

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver


@receiver(user_logged_in, dispatch_uid="petal.accounts.mark_session")
def mark_session(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    from petal.accounts.services import AUTHENTICATED_AT, CONFIRMED_AT

    now = int(time.time())
    request.session[AUTHENTICATED_AT] = now
    request.session[CONFIRMED_AT] = now
