"""Notifications reach people through the configured backend and never carry personal details.

The backends talk to local fake servers (petal.core.testing_servers) over real sockets, through
the real GOV.UK Notify client and Django's real SMTP backend.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from notifications_python_client.errors import HTTPError

from petal.core.notify import EmailBackend, GovukNotifyBackend, backend, notify, send_notification

NOTICE = {
    "subject": "New referral",
    "message": "A new referral has been sent to your service.",
    "reference": "R-000123",
    "link": "/referrals/R-000123/",
}


@pytest.fixture
def notify_settings(settings, fake_notify):
    settings.PETAL_NOTIFY_BACKEND = "govuk_notify"
    settings.PETAL_NOTIFY_BASE_URL = fake_notify.url
    settings.PETAL_NOTIFY_API_KEY = fake_notify.api_key()
    settings.PETAL_NOTIFY_TEMPLATE_ID = fake_notify.template_id
    return settings


@pytest.fixture
def smtp_settings(settings, fake_smtp):
    settings.PETAL_NOTIFY_BACKEND = "email"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = fake_smtp.host
    settings.EMAIL_PORT = fake_smtp.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    return settings


def test_govuk_notify_sends_one_signed_request_per_recipient(notify_settings, fake_notify):
    results = notify(to=["a@example.org", "b@example.org", "a@example.org"], **NOTICE)

    assert [result.status for result in results] == ["SUCCESSFUL", "SUCCESSFUL"]
    assert fake_notify.rejected == []  # every request carried a token signed with the secret
    link = f"{notify_settings.PETAL_BASE_URL}/referrals/R-000123/"
    assert fake_notify.received == [
        {
            "email_address": address,
            "template_id": fake_notify.template_id,
            "personalisation": {
                "subject": "New referral",
                "message": "A new referral has been sent to your service.",
                "reference": "R-000123",
                "link": link,
            },
            "reference": "R-000123",
        }
        for address in ("a@example.org", "b@example.org")
    ]


def test_govuk_notify_refusing_the_key_fails_the_task(notify_settings, fake_notify, caplog):
    notify_settings.PETAL_NOTIFY_API_KEY = fake_notify.api_key(secret=str(uuid.uuid4()))

    [result] = notify(to=["a@example.org"], **NOTICE)

    assert result.status == "FAILED"
    assert [error.exception_class_path for error in result.errors] == [
        "notifications_python_client.errors.HTTPError"
    ]
    assert fake_notify.received == []
    assert [body["errors"][0]["error"] for body in fake_notify.rejected] == ["AuthError"]
    assert "R-000123" in caplog.text
    assert "a@example.org" not in caplog.text

    with pytest.raises(HTTPError) as raised:
        send_notification.call(to="a@example.org", **{**NOTICE, "link": "https://petal.test/"})
    assert raised.value.status_code == 403


def test_email_backend_delivers_over_smtp(smtp_settings, fake_smtp):
    [result] = notify(to=["worker@example.org"], **NOTICE)

    assert result.status == "SUCCESSFUL"
    [message] = fake_smtp.received
    assert message["X-RcptTo"] == "worker@example.org"
    assert message["To"] == "worker@example.org"
    assert message["Subject"] == "New referral (R-000123)"
    body = message.get_content()
    assert "A new referral has been sent to your service." in body
    assert f"{smtp_settings.PETAL_BASE_URL}/referrals/R-000123/" in body
    assert "does not contain personal details" in body


def test_email_backend_failure_fails_the_task(smtp_settings, fake_smtp):
    fake_smtp.stop()  # nothing listens on the port any more

    [result] = notify(to=["worker@example.org"], **NOTICE)

    assert result.status == "FAILED"
    assert result.errors[0].exception_class_path == "builtins.ConnectionRefusedError"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"reference": "Jane Smith"}, "reference"),
        ({"reference": "R-123"}, "reference"),
        ({"reference": "r-000123"}, "reference"),
        ({"reference": "R-000123\n"}, "reference"),
        ({"message": "Jane Smith, born 1 April 1980, " + "x" * 200}, "message"),
        ({"subject": "x" * 201}, "subject"),
        ({"subject": "New\nreferral"}, "subject"),
        ({"message": " "}, "message"),
        ({"link": "javascript:alert(1)"}, "link"),
        ({"link": "referrals/R-000123/"}, "link"),
    ],
)
def test_notify_refuses_anything_that_could_carry_personal_details(
    smtp_settings, fake_smtp, change, problem
):
    with pytest.raises(ValueError, match=problem):
        notify(to=["worker@example.org"], **{**NOTICE, **change})
    with pytest.raises(ValueError, match=problem):
        send_notification.call(to="worker@example.org", **{**NOTICE, **change})
    assert fake_smtp.received == []


def test_notify_accepts_the_longest_allowed_text_and_an_absolute_link(mailoutbox):
    notice = {**NOTICE, "message": "x" * 200, "link": "https://petal.example.org/r/1"}
    notify(to=["worker@example.org"], **notice)
    assert [m.body.splitlines()[0] for m in mailoutbox] == ["x" * 200]
    assert "https://petal.example.org/r/1" in mailoutbox[0].body


def test_notify_refuses_a_single_string_of_recipients(mailoutbox):
    with pytest.raises(ValueError, match="list"):
        notify(to="worker@example.org", **NOTICE)
    assert mailoutbox == []


def test_backend_is_chosen_by_setting(notify_settings):
    assert isinstance(backend(), GovukNotifyBackend)
    notify_settings.PETAL_NOTIFY_BACKEND = "email"
    assert isinstance(backend(), EmailBackend)
    notify_settings.PETAL_NOTIFY_BACKEND = "carrier_pigeon"
    with pytest.raises(ImproperlyConfigured, match="PETAL_NOTIFY_BACKEND"):
        backend()


def _load_settings(**env: str) -> subprocess.CompletedProcess:
    production = {
        "PETAL_ENV": "production",
        "PETAL_SECRET_KEY": "x" * 60,
        "PETAL_ALLOWED_HOSTS": "petal.example.org",
    }
    keep = {name: value for name, value in os.environ.items() if not name.startswith("PETAL_")}
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=django_settings.BASE_DIR,
        env={**keep, **production, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_settings_refuse_an_unknown_backend():
    loaded = _load_settings(PETAL_NOTIFY_BACKEND="sms")
    assert loaded.returncode != 0
    assert "PETAL_NOTIFY_BACKEND must be email or govuk_notify" in loaded.stderr


def test_production_with_govuk_notify_needs_key_and_template():
    key = f"petal-{uuid.uuid4()}-{uuid.uuid4()}"
    no_key = _load_settings(PETAL_NOTIFY_BACKEND="govuk_notify")
    no_template = _load_settings(PETAL_NOTIFY_BACKEND="govuk_notify", PETAL_NOTIFY_API_KEY=key)
    complete = _load_settings(
        PETAL_NOTIFY_BACKEND="govuk_notify",
        PETAL_NOTIFY_API_KEY=key,
        PETAL_NOTIFY_TEMPLATE_ID=str(uuid.uuid4()),
    )
    assert "PETAL_NOTIFY_API_KEY must be set" in no_key.stderr
    assert "PETAL_NOTIFY_TEMPLATE_ID must be set" in no_template.stderr
    assert complete.returncode == 0, complete.stderr
