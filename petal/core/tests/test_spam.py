"""Keeping automated spam out of public forms without a third-party service: a honeypot (the
only sign that drops a submission silently), a signed time stamp (too fast, missing, forged or
stale: the person is asked to send again), and a limit per address per hour counted only when
asked (for valid forms), kept under a keyed hash so the cache never holds a visitor's address;
the visitor's address is read through a set number of trusted proxies."""

from __future__ import annotations

import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.http import QueryDict
from django.test import RequestFactory

from petal.core import spam


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def human(now: float, **overrides) -> dict:
    return {"website": "", "started": spam.stamp(now - 10), **overrides}


def test_the_reasons_and_messages_are_the_shared_contract():
    assert (spam.HONEYPOT, spam.NO_STAMP, spam.TOO_FAST, spam.STALE, spam.TOO_MANY) == (
        "honeypot",
        "no valid time stamp",
        "too fast",
        "stale form",
        "too many from one address",
    )
    assert spam.ASK_AGAIN == {spam.NO_STAMP, spam.TOO_FAST, spam.STALE}
    assert spam.ASK_AGAIN_MESSAGE == "Check your answers and send the form again"
    assert spam.TOO_MANY_MESSAGE == (
        "Too many forms have been sent from your connection. Try again in an hour."
    )
    for name in ("ASK_AGAIN", "client_address", "count_and_check_limit", "silent_drop"):
        assert name in spam.__all__


def test_only_the_honeypot_is_dropped_silently():
    assert spam.silent_drop(spam.HONEYPOT)
    for reason in ("", spam.NO_STAMP, spam.TOO_FAST, spam.STALE, spam.TOO_MANY):
        assert not spam.silent_drop(reason), reason
    assert spam.HONEYPOT not in spam.ASK_AGAIN
    assert spam.TOO_MANY not in spam.ASK_AGAIN


def test_a_person_taking_their_time_passes():
    now = time.time()
    assert spam.spam_reason(human(now), remote_addr="198.51.100.1", now=now, count=False) == ""
    assert spam.spam_reason(human(now), remote_addr="198.51.100.1", now=now) == ""


def test_the_honeypot_catches_a_bot_that_fills_every_field():
    now = time.time()
    assert spam.spam_reason(human(now, website="http://spam.example"), now=now) == spam.HONEYPOT
    # Filled in even with a stamp missing or too fast: still the honeypot first.
    assert spam.spam_reason({"website": "x"}, now=now, count=False) == spam.HONEYPOT
    assert spam.spam_reason(human(now, website="   "), now=now) == ""


def test_a_form_sent_back_too_fast_is_caught():
    now = time.time()
    data = {"website": "", "started": spam.stamp(now - spam.MIN_SECONDS + 1)}
    assert spam.spam_reason(data, now=now, count=False) == spam.TOO_FAST
    data = {"website": "", "started": spam.stamp(now - spam.MIN_SECONDS)}
    assert spam.spam_reason(data, now=now, count=False) == ""


def test_a_stale_form_is_caught():
    now = time.time()
    data = {"website": "", "started": spam.stamp(now - spam.MAX_SECONDS - 1)}
    assert spam.spam_reason(data, now=now, count=False) == spam.STALE
    data = {"website": "", "started": spam.stamp(now - spam.MAX_SECONDS + 1)}
    assert spam.spam_reason(data, now=now, count=False) == ""


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
def test_a_missing_forged_or_foreign_stamp_is_caught(started):
    now = time.time()
    data = {"website": "", "started": started}
    assert spam.spam_reason(data, now=now, count=False) == spam.NO_STAMP
    assert spam.spam_reason({"website": ""}, now=now, count=False) == spam.NO_STAMP


def test_the_limit_is_counted_only_when_asked():
    now = time.time()
    for _ in range(spam.PER_HOUR * 3):
        assert spam.spam_reason(human(now), remote_addr="203.0.113.5", now=now, count=False) == ""
    assert not getattr(cache, "_cache", {}), "count=False must not touch the counter"
    # Submissions that fail a check are not counted either, even when counting.
    for _ in range(spam.PER_HOUR * 3):
        data = {"website": "", "started": ""}
        assert spam.spam_reason(data, remote_addr="203.0.113.5", now=now) == spam.NO_STAMP
    assert not getattr(cache, "_cache", {})
    for _ in range(spam.PER_HOUR):
        assert not spam.count_and_check_limit("203.0.113.5", now=now)
    assert spam.count_and_check_limit("203.0.113.5", now=now)


def test_one_address_is_limited_per_hour_and_others_are_not():
    now = time.time()
    for _ in range(spam.PER_HOUR):
        assert not spam.count_and_check_limit("203.0.113.5", now=now)
    assert spam.count_and_check_limit("203.0.113.5", now=now)
    assert not spam.count_and_check_limit("203.0.113.6", now=now)
    # The next hour starts afresh.
    assert not spam.count_and_check_limit("203.0.113.5", now=now + 3600)
    # An unknown address is not limited (and not counted).
    for _ in range(spam.PER_HOUR + 2):
        assert not spam.count_and_check_limit("", now=now)


def test_counting_inside_spam_reason_still_works_for_older_callers():
    now = time.time()
    for _ in range(spam.PER_HOUR):
        assert spam.spam_reason(human(now), remote_addr="203.0.113.8", now=now) == ""
    assert spam.spam_reason(human(now), remote_addr="203.0.113.8", now=now) == spam.TOO_MANY


def test_the_cache_never_holds_the_address():
    now = time.time()
    spam.count_and_check_limit("203.0.113.77", now=now)
    keys = getattr(cache, "_cache", {})
    assert keys, "the counter was kept in the local-memory cache"
    assert not any("203.0.113.77" in str(key) for key in keys)


def test_the_form_puts_a_fresh_stamp_in_when_shown():
    form = spam.HumanCheckForm()
    stamped = int(signing.Signer(salt=spam.SALT).unsign(form.initial["started"]))
    assert abs(stamped - time.time()) < 5
    assert 'type="hidden" name="started"' in str(form["started"])


def test_restamp_gives_a_submitted_form_a_fresh_stamp_and_keeps_the_rest():
    old = spam.stamp(time.time() - spam.MAX_SECONDS - 100)
    posted = QueryDict(mutable=True)
    posted.update({"website": "", "started": old, "note": "typed overnight"})
    posted._mutable = False  # as a request's POST is
    form = spam.HumanCheckForm(posted)
    form.restamp()
    assert form.data["note"] == "typed overnight"
    assert form.data["started"] != old
    assert spam.spam_reason(form.data, now=time.time() + 10, count=False) == ""
    assert 'value="' + form.data["started"] + '"' in str(form["started"])
    assert posted["started"] == old  # the request's own data is left alone


# --- the visitor's address --------------------------------------------------------------------


def _request(remote="10.0.0.2", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/contact", **extra)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.PETAL_TRUSTED_PROXIES = 0
    assert spam.client_address(_request("198.51.100.7", "203.0.113.1")) == "198.51.100.7"
    assert spam.client_address(_request("198.51.100.7")) == "198.51.100.7"


def test_one_trusted_proxy_gives_the_last_forwarded_address(settings):
    settings.PETAL_TRUSTED_PROXIES = 1
    # A visitor can put anything on the left; the proxy appends what it saw on the right.
    request = _request("10.0.0.2", "1.2.3.4, 203.0.113.1")
    assert spam.client_address(request) == "203.0.113.1"
    assert spam.client_address(_request("10.0.0.2", "203.0.113.1")) == "203.0.113.1"


def test_two_trusted_proxies_give_the_second_from_the_right(settings):
    settings.PETAL_TRUSTED_PROXIES = 2
    request = _request("10.0.0.3", "1.2.3.4, 203.0.113.1, 10.0.0.2")
    assert spam.client_address(request) == "203.0.113.1"
    assert spam.client_address(_request("10.0.0.3", "2001:db8::1 ,10.0.0.2")) == "2001:db8::1"


@pytest.mark.parametrize(
    ("trusted", "forwarded"),
    [(1, None), (1, ""), (1, " , "), (2, "203.0.113.1"), (3, "203.0.113.1, 10.0.0.2")],
)
def test_a_forwarded_header_shorter_than_the_proxies_falls_back(settings, trusted, forwarded):
    settings.PETAL_TRUSTED_PROXIES = trusted
    assert spam.client_address(_request("10.0.0.9", forwarded)) == "10.0.0.9"


def test_something_that_is_not_an_address_falls_back(settings):
    settings.PETAL_TRUSTED_PROXIES = 1
    assert spam.client_address(_request("10.0.0.9", "203.0.113.1, not-an-ip")) == "10.0.0.9"


def test_the_setting_defaults_to_no_trusted_proxies():
    from django.conf import settings

    assert settings.PETAL_TRUSTED_PROXIES == 0
