"""Fixtures for tests that talk to local fake servers instead of the real services."""

from __future__ import annotations

import os

import pytest

from petal.core.testing_servers import LOCALHOST, FakeNotifyServer, FakeSMTPServer


@pytest.fixture
def fake_notify(monkeypatch):
    """A fake GOV.UK Notify API on 127.0.0.1: ``.url``, ``.api_key()``, ``.template_id``,
    ``.received`` (accepted request bodies) and ``.rejected`` (error bodies sent back)."""
    # Keep any proxy the environment sets away from the local server.
    for name in ("NO_PROXY", "no_proxy"):
        existing = os.environ.get(name, "")
        monkeypatch.setenv(name, f"{existing},{LOCALHOST}" if existing else LOCALHOST)
    with FakeNotifyServer() as server:
        yield server


@pytest.fixture
def fake_smtp():
    """A fake SMTP server on 127.0.0.1: ``.host``, ``.port`` and ``.received`` (parsed
    ``EmailMessage`` objects, with the envelope in ``X-MailFrom``/``X-RcptTo``)."""
    with FakeSMTPServer() as server:
        yield server
