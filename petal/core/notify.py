"""Telling Petal's users that something is waiting for them: one interface, two backends.

The rule: a notification never carries personal details of the people Petal supports. Email
leaves our control (mail servers, phones, GOV.UK Notify's records), so a notification says only
- a short fixed message, e.g. "A new referral has been sent to your service.",
- a reference such as ``R-000123``, and
- a link into Petal, where the reader signs in and the access policy decides what they see.

``notify()`` enforces this cheaply: subject and message are at most 200 characters, the
reference must look like a reference (``^[A-Z]{1,3}-\\d{6,}$``), so a name cannot be passed in
its place, and the link must be a path or an http(s) URL. It cannot tell a fixed sentence from
one with a name in it, so callers pass constant text, never text built from a record.

``settings.PETAL_NOTIFY_BACKEND`` chooses how notifications are sent:
- ``"email"`` (the default): Django's ``EmailMessage`` through ``EMAIL_BACKEND`` (SMTP in
  production, the console on a laptop, the in-memory outbox in tests).
- ``"govuk_notify"``: GOV.UK Notify's API, with ``PETAL_NOTIFY_API_KEY`` and one email template,
  ``PETAL_NOTIFY_TEMPLATE_ID``. The service team creates that template in Notify with the
  placeholders ((subject)), ((message)), ((reference)) and ((link)), for example
  subject ``((subject)) – ((reference))`` and body::

      ((message))

      Reference: ((reference))

      ((link))

      This email does not contain personal details. Sign in to Petal to see more.

An invitation can carry a calendar file (``attachments``: a list of ``{"filename", "content",
"mimetype"}``), built by the caller from the meeting's time, place and reference only. The email
backend attaches it; GOV.UK Notify cannot attach a calendar file to an email, so there the link
leads to the meeting's page, which offers the same file to download.

Each recipient gets their own task, so one bad address does not stop the others, and a failure
(an SMTP error, or an ``HTTPError`` from Notify) is raised from the task for the worker to record.
"""

from __future__ import annotations

import logging
import re
from typing import Protocol
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django_tasks import TaskResult, task
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

logger = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 200
REFERENCE_PATTERN = re.compile(r"[A-Z]{1,3}-[0-9]{6,}")
BACKENDS = ("email", "govuk_notify")


def deliverable(emails) -> list[str]:
    """The addresses a notification can go to: present, and not at a reserved, undeliverable
    domain (a person's own sign-in name is kept at ``….invalid``)."""
    return sorted({e for e in emails if e and not e.endswith(".invalid")})


def notify(
    *,
    to: list[str],
    subject: str,
    message: str,
    reference: str,
    link: str,
    attachments: list[dict] | None = None,
) -> list[TaskResult]:
    """Queue one notification per recipient through the task worker (django-tasks; the
    immediate backend runs it at once in tests). A ``link`` starting with "/" becomes an
    absolute URL on ``PETAL_BASE_URL``. Raises ValueError for anything that could carry
    personal details (see the module docstring). Returns the queued tasks' results."""
    if isinstance(to, str):
        raise ValueError("to must be a list of email addresses, not one string")
    if link.startswith("/") and not link.startswith("//"):
        link = f"{settings.PETAL_BASE_URL}{link}"
    attachments = list(attachments or [])
    _check(subject=subject, message=message, reference=reference, link=link)
    _check_attachments(attachments)
    recipients = list(dict.fromkeys(address.strip() for address in to if address.strip()))
    extra = {"attachments": attachments} if attachments else {}
    return [
        send_notification.enqueue(
            to=address, subject=subject, message=message, reference=reference, link=link, **extra
        )
        for address in recipients
    ]


@task()
def send_notification(
    *,
    to: str,
    subject: str,
    message: str,
    reference: str,
    link: str,
    attachments: list[dict] | None = None,
) -> None:
    """Send one notification to one address through the configured backend."""
    # Checked again here: a task can be queued without going through notify().
    attachments = list(attachments or [])
    _check(subject=subject, message=message, reference=reference, link=link)
    _check_attachments(attachments)
    backend().send(
        to=to,
        subject=subject,
        message=message,
        reference=reference,
        link=link,
        attachments=attachments,
    )


class NotifyBackend(Protocol):
    def send(
        self,
        *,
        to: str,
        subject: str,
        message: str,
        reference: str,
        link: str,
        attachments: list[dict],
    ) -> None:
        """Deliver one notification or raise."""


def backend() -> NotifyBackend:
    """The backend ``settings.PETAL_NOTIFY_BACKEND`` names."""
    name = settings.PETAL_NOTIFY_BACKEND
    if name == "email":
        return EmailBackend()
    if name == "govuk_notify":
        return GovukNotifyBackend()
    raise ImproperlyConfigured(
        f"PETAL_NOTIFY_BACKEND must be one of {', '.join(BACKENDS)}, not {name!r}"
    )


class EmailBackend:
    """Plain-text email through Django's EMAIL_BACKEND, with any calendar file attached."""

    def send(
        self,
        *,
        to: str,
        subject: str,
        message: str,
        reference: str,
        link: str,
        attachments: list[dict] = (),
    ) -> None:
        body = (
            f"{message}\n\n"
            f"Reference: {reference}\n\n"
            f"{link}\n\n"
            "This email does not contain personal details. Sign in to Petal to see more.\n"
        )
        try:
            email = EmailMessage(subject=f"{subject} ({reference})", body=body, to=[to])
            for item in attachments:
                email.attach(item["filename"], item["content"], item["mimetype"])
            email.send()
        except Exception as exc:
            logger.warning("Email notification %s failed: %s", reference, type(exc).__name__)
            raise


class GovukNotifyBackend:
    """GOV.UK Notify's email API with the template in PETAL_NOTIFY_TEMPLATE_ID."""

    def __init__(self) -> None:
        # The client keeps a requests session and is not thread-safe: one per backend instance.
        self.client = NotificationsAPIClient(
            settings.PETAL_NOTIFY_API_KEY, base_url=settings.PETAL_NOTIFY_BASE_URL
        )
        self.template_id = settings.PETAL_NOTIFY_TEMPLATE_ID

    def send(
        self,
        *,
        to: str,
        subject: str,
        message: str,
        reference: str,
        link: str,
        attachments: list[dict] = (),
    ) -> None:
        # Notify has no calendar attachments: the link leads to the page that offers the file.
        try:
            self.client.send_email_notification(
                email_address=to,
                template_id=self.template_id,
                personalisation={
                    "subject": subject,
                    "message": message,
                    "reference": reference,
                    "link": link,
                },
                reference=reference,
            )
        except HTTPError as exc:
            # Status only: Notify's error text can quote what we sent.
            logger.warning(
                "GOV.UK Notify refused notification %s with status %s",
                reference,
                exc.status_code,
            )
            raise


ATTACHMENT_TYPES = {"text/calendar"}
ATTACHMENT_NAME = re.compile(r"[a-z0-9-]{1,40}\.ics")
MAX_ATTACHMENT = 20_000


def _check_attachments(attachments: list[dict]) -> None:
    """Only small calendar files, with a plain file name, may go with a notification."""
    for item in attachments:
        if set(item) != {"filename", "content", "mimetype"}:
            raise ValueError("an attachment is a filename, its content and its mimetype")
        if item["mimetype"] not in ATTACHMENT_TYPES:
            raise ValueError("only calendar files (text/calendar) may be attached")
        if not ATTACHMENT_NAME.fullmatch(item["filename"]):
            raise ValueError("an attachment's name is like meeting-m-000123.ics")
        if not isinstance(item["content"], str) or len(item["content"]) > MAX_ATTACHMENT:
            raise ValueError("a calendar file is text of at most 20,000 characters")


def _check(*, subject: str, message: str, reference: str, link: str) -> None:
    for name, text in (("subject", subject), ("message", message)):
        if not text.strip():
            raise ValueError(f"{name} must not be empty")
        if len(text) > MAX_TEXT_LENGTH:
            raise ValueError(
                f"{name} must be at most {MAX_TEXT_LENGTH} characters: a short fixed sentence, "
                "never details of a person"
            )
    if "\n" in subject or "\r" in subject:
        raise ValueError("subject must be one line")
    if not REFERENCE_PATTERN.fullmatch(reference):
        raise ValueError("reference must look like R-000123, never a name or other details")
    parts = urlsplit(link)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError("link must be a path starting with / or an http(s) URL")
