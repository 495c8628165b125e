"""Keeping automated spam out of public forms without a third-party service (no CAPTCHA: those
send visitors' data elsewhere and shut out people using assistive technology).

The checks, each cheap and invisible to people:
- a honeypot field (``website``), hidden from people and filled in only by bots;
- a signed time stamp (``started``) put in the form when it is shown: a form sent back in under
  ``MIN_SECONDS`` was probably not filled in by a person, one without a valid stamp did not
  come from our page (or came from an old copy of it), and one older than ``MAX_SECONDS`` was
  left open a long time;
- a limit on how many valid forms one address may send in an hour (``PER_HOUR``).

Only the honeypot is certain. The other signs can come from a real person (a password manager
that fills the form at once, a page left open overnight, a browser that lost the stamp, an
office sharing one address), so a person is never silently dropped for them:

- ``spam_reason(data, remote_addr=..., count=False)`` says why a submission looks automated,
  or "" when it looks like a person's. It returns one of ``HONEYPOT``, ``NO_STAMP``,
  ``TOO_FAST``, ``STALE`` (and ``TOO_MANY`` only when asked to count, below).
- ``silent_drop(reason)`` is True only for ``HONEYPOT``: answer as if it had worked (the same
  "sent" page), keep and send nothing, so a bot learns nothing.
- For a reason in ``ASK_AGAIN`` (``NO_STAMP``, ``TOO_FAST``, ``STALE``) show the form again
  with everything typed kept, a fresh stamp (``HumanCheckForm.restamp``) and
  ``ASK_AGAIN_MESSAGE`` as a form error.
- ``count_and_check_limit(remote_addr)`` counts one submission against the address's hourly
  limit and is True when it is over. Call it only once the form is valid and
  ``spam_reason(..., count=False)`` is "": mistakes and bots' tries are not counted, so a
  person correcting a form is never shut out. When it is True show the form again with
  ``TOO_MANY_MESSAGE``, everything typed kept.
- ``client_address(request)`` is the visitor's address to count: ``REMOTE_ADDR``, or behind
  ``settings.PETAL_TRUSTED_PROXIES`` reverse proxies the address the nearest of them saw.

``spam_reason`` without ``count=False`` also counts (and may return ``TOO_MANY``), as it did
before the split; new callers should pass ``count=False`` and call ``count_and_check_limit``.

The limit lives in Django's cache under a keyed hash of the address (the cache never holds a
visitor's address). With the default local-memory cache that is per process: fine for one
server process; with several processes or servers each counts on its own (a visitor gets up
to ``PER_HOUR`` per process) unless a shared cache (e.g. Redis or the database cache) is set
in ``CACHES``.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache

SALT = "petal.core.spam"
MIN_SECONDS = 3
# A page left open for a day is still fine; an older one is shown again with a fresh stamp.
MAX_SECONDS = 24 * 60 * 60
PER_HOUR = 10

HONEYPOT = "honeypot"
NO_STAMP = "no valid time stamp"
TOO_FAST = "too fast"
STALE = "stale form"
TOO_MANY = "too many from one address"

# Signs a person can show too: ask them to send the form again, never drop what they typed.
ASK_AGAIN = frozenset({NO_STAMP, TOO_FAST, STALE})
ASK_AGAIN_MESSAGE = "Check your answers and send the form again"
TOO_MANY_MESSAGE = "Too many forms have been sent from your connection. Try again in an hour."

__all__ = [
    "ASK_AGAIN",
    "ASK_AGAIN_MESSAGE",
    "HONEYPOT",
    "MAX_SECONDS",
    "MIN_SECONDS",
    "NO_STAMP",
    "PER_HOUR",
    "STALE",
    "TOO_FAST",
    "TOO_MANY",
    "TOO_MANY_MESSAGE",
    "HumanCheckForm",
    "client_address",
    "count_and_check_limit",
    "silent_drop",
    "spam_reason",
    "stamp",
]


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

    def restamp(self, now: float | None = None) -> None:
        """Put a fresh stamp in a submitted form that is shown again; everything typed is
        kept."""
        if self.is_bound:
            data = self.data.copy()
            data["started"] = stamp(now)
            self.data = data


def spam_reason(
    data, *, remote_addr: str = "", now: float | None = None, count: bool = True
) -> str:
    """Why a submitted form looks automated: "" when it looks like a person's, else
    ``HONEYPOT``, ``NO_STAMP``, ``TOO_FAST`` or ``STALE``. With ``count=True`` (the old
    behaviour) a submission passing those is also counted against ``remote_addr``'s hourly
    limit and may be ``TOO_MANY``; pass ``count=False`` and call ``count_and_check_limit``
    once the form is valid instead."""
    now = now if now is not None else time.time()
    if (data.get("website") or "").strip():
        return HONEYPOT
    try:
        started = int(signing.Signer(salt=SALT).unsign(data.get("started") or ""))
    except (signing.BadSignature, ValueError):
        return NO_STAMP
    if now - started < MIN_SECONDS:
        return TOO_FAST
    if now - started > MAX_SECONDS:
        return STALE
    if count and count_and_check_limit(remote_addr, now=now):
        return TOO_MANY
    return ""


def silent_drop(reason: str) -> bool:
    """Whether a submission should be answered as if it had worked, with nothing kept or sent:
    only when the hidden honeypot was filled in, which only a bot does."""
    return reason == HONEYPOT


def count_and_check_limit(remote_addr: str, now: float | None = None) -> bool:
    """Count one submission from ``remote_addr`` this hour; True when that takes it over
    ``PER_HOUR``. An unknown address ("") is not limited."""
    if not remote_addr:
        return False
    now = now if now is not None else time.time()
    # A keyed hash: the cache never holds a visitor's address.
    key = hmac.new(settings.SECRET_KEY.encode(), remote_addr.encode(), hashlib.sha256)
    bucket = f"petal-spam:{key.hexdigest()[:32]}:{int(now // 3600)}"
    cache.add(bucket, 0, timeout=3600)
    try:
        counted = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=3600)
        counted = 1
    return counted > PER_HOUR


def _address(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""


def client_address(request) -> str:
    """The visitor's address. Without trusted proxies (``PETAL_TRUSTED_PROXIES`` = 0, the
    default) it is ``REMOTE_ADDR``: X-Forwarded-For is ignored, as anyone can send it. Behind
    N trusted reverse proxies each appends the address it saw to X-Forwarded-For, so the
    visitor's address is the Nth from the right (what the outermost trusted proxy saw); the
    entries left of it are whatever the visitor sent. A header with fewer than N entries (or
    not an address there) falls back to ``REMOTE_ADDR``."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = getattr(settings, "PETAL_TRUSTED_PROXIES", 0) or 0
    if trusted <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in (request.META.get("HTTP_X_FORWARDED_FOR", "") or "").split(",")
        if part.strip()
    ]
    if len(forwarded) < trusted:
        return remote
    return _address(forwarded[-trusted]) or remote
