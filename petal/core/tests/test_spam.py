"""Keeping automated spam out of public forms without a third-party service: a honeypot, a
signed time stamp (too fast, missing, forged or stale is dropped) and a limit per address per
hour, kept under a keyed hash so the cache never holds a visitor's address."""

from __future__ import annotations

import time

import pytest
from django.core import signing
from django.core.cache import cache

from petal.core import spam


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def human(now: float, **overrides) -> dict:
    return {"website": "", "started": spam.stamp(now - 10), **overrides}


def test_a_person_taking_their_time_passes():
    now = time.time()
    assert spam.spam_reason(human(now), remote_addr="198.51.100.1", now=now) == ""


def test_the_honeypot_catches_a_bot_that_fills_every_field():
    now = time.time()
    assert spam.spam_reason(human(now, website="http://spam.example"), now=now) == "honeypot"
    assert spam.spam_reason(human(now, website="   "), now=now) == ""


def test_a_form_sent_back_too_fast_is_dropped():
    now = time.time()
    data = {"website": "", "started": spam.stamp(now - spam.MIN_SECONDS + 1)}
    assert spam.spam_reason(data, now=now) == "too fast"
    data = {"website": "", "started": spam.stamp(now - spam.MIN_SECONDS)}
    assert spam.spam_reason(data, now=now) == ""


def test_a_stale_form_is_dropped():
    now = time.time()
    data = {"website": "", "started": spam.stamp(now - spam.MAX_SECONDS - 1)}
    assert spam.spam_reason(data, now=now) == "stale form"


@pytest.mark.parametrize(
    "started",
    [
        "",
        "1700000000",
        "1700000000:forged-signature",
        signing.Signer(salt="another.salt").sign("1700000000"),
        signing.Signer(salt=spam.SALT).sign("not-a-number"),
    ],
)
def test_a_missing_forged_or_foreign_stamp_is_dropped(started):
    now = time.time()
    data = {"website": "", "started": started}
    assert spam.spam_reason(data, now=now) == "no valid time stamp"
    assert spam.spam_reason({"website": ""}, now=now) == "no valid time stamp"


def test_one_address_is_limited_per_hour_and_others_are_not():
    now = time.time()
    for _ in range(spam.PER_HOUR):
        assert spam.spam_reason(human(now), remote_addr="203.0.113.5", now=now) == ""
    assert (
        spam.spam_reason(human(now), remote_addr="203.0.113.5", now=now)
        == "too many from one address"
    )
    assert spam.spam_reason(human(now), remote_addr="203.0.113.6", now=now) == ""
    # The next hour starts afresh.
    later = now + 3600
    assert spam.spam_reason(human(later), remote_addr="203.0.113.5", now=later) == ""


def test_the_cache_never_holds_the_address():
    now = time.time()
    spam.spam_reason(human(now), remote_addr="203.0.113.77", now=now)
    keys = getattr(cache, "_cache", {})
    assert keys, "the counter was kept in the local-memory cache"
    assert not any("203.0.113.77" in str(key) for key in keys)


def test_the_form_puts_a_fresh_stamp_in_when_shown():
    form = spam.HumanCheckForm()
    stamped = int(signing.Signer(salt=spam.SALT).unsign(form.initial["started"]))
    assert abs(stamped - time.time()) < 5
    assert 'type="hidden" name="started"' in str(form["started"])
