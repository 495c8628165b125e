"""Keeping automated spam out of public forms without a third-party service (no CAPTCHA: those
send visitors' data elsewhere and shut out people using assistive technology).

Three checks, each cheap and invisible to people:
- a honeypot field (``website``), hidden from people and filled in by bots;
- a signed time stamp (``started``) put in the form when it is shown: a form sent back in under
  ``MIN_SECONDS`` was not filled in by a person, and one without a valid stamp did not come
  from our page;
- a limit on how many times one address (kept only as a keyed hash, in the cache) may send a
  form in an hour.

A form that fails is answered as if it had worked (the same "sent" page) and nothing is kept
or sent, so a bot learns nothing. ``HumanCheckForm`` carries the fields; ``spam_reason`` says
why a submission was dropped, or "" when it looks human.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache

SALT = "petal.core.spam"
MIN_SECONDS = 3
# A page left open for a day is still fine; older stamps are from a copied form.
MAX_SECONDS = 24 * 60 * 60
PER_HOUR = 10


def stamp(now: float | None = None) -> str:
    """The signed time stamp put in a form when it is shown."""
    return signing.Signer(salt=SALT).sign(str(int(now if now is not None else time.time())))


class HumanCheckForm(forms.Form):
    """Add to a public form (as a base class or mixin). Render ``website`` inside a ``hidden``
    block and ``started`` as a hidden input."""

    website = forms.CharField(
        label="Leave this empty",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started"] = stamp()


def spam_reason(data, *, remote_addr: str = "", now: float | None = None) -> str:
    """Why a submitted form looks automated ("" when it looks like a person's). Counts the
    submission against the address's hourly limit."""
    now = now if now is not None else time.time()
    if (data.get("website") or "").strip():
        return "honeypot"
    try:
        started = int(signing.Signer(salt=SALT).unsign(data.get("started") or ""))
    except (signing.BadSignature, ValueError):
        return "no valid time stamp"
    if now - started < MIN_SECONDS:
        return "too fast"
    if now - started > MAX_SECONDS:
        return "stale form"
    if remote_addr and _over_limit(remote_addr, now):
        return "too many from one address"
    return ""


def _over_limit(remote_addr: str, now: float) -> bool:
    # A keyed hash: the cache never holds a visitor's address.
    key = hmac.new(settings.SECRET_KEY.encode(), remote_addr.encode(), hashlib.sha256).hexdigest()[
        :32
    ]
    bucket = f"petal-spam:{key}:{int(now // 3600)}"
    cache.add(bucket, 0, timeout=3600)
    try:
        count = cache.incr(bucket)
    except ValueError:
        cache.set(bucket, 1, timeout=3600)
        count = 1
    return count > PER_HOUR
