"""Background work shared by every app. Tasks take plain, JSON-ready arguments."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django_tasks import task


@task()
def send_email(*, to: list[str], subject: str, body: str) -> int:
    """Send one plain-text email through the configured email backend."""
    return EmailMessage(subject=subject, body=body, to=to).send()


def email_enqueue(*, to: list[str], subject: str, body: str):
    """Queue an email for the worker (run at once in tests). Email never carries details of the
    people Petal supports: a reference and a link to sign in, nothing more."""
    return send_email.enqueue(to=list(to), subject=subject, body=body)
