"""The one way a newsletter is emailed: one message per subscriber, plain text with an HTML
alternative, from settings.DEFAULT_FROM_EMAIL, through Django's EMAIL_BACKEND.

Every message carries the subscriber's own one-click unsubscribe link, in both parts of the
body and in the headers mail clients use for their own "Unsubscribe" button (RFC 2369
``List-Unsubscribe``; RFC 8058 ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``, which
makes the client POST ``List-Unsubscribe=One-Click`` to that link, with no cookie and no CSRF
token: the token in the link is the secret).

A newsletter is written for the public and carries nothing about anyone; the only personal
detail here is the address it goes to. Images are served from Petal (their sources made
absolute on settings.PETAL_BASE_URL), never attached or fetched from elsewhere.

Confirmation emails for subscribing are not sent here: they are short constant-text notices
through ``petal.core.notify``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from petal.programme.models import Newsletter, Subscriber
from petal.site.rendering import render_markdown

# A Markdown link or image to a path on the site: ](/partners) → ](https://…/partners).
_RELATIVE_MARKDOWN = re.compile(r"(\]\()/(?!/)")


def absolute(path: str) -> str:
    return settings.PETAL_BASE_URL + path


def unsubscribe_url(subscriber: Subscriber) -> str:
    return absolute(reverse("newsletters:unsubscribe", kwargs={"token": subscriber.token}))


def newsletter_url(newsletter: Newsletter) -> str:
    return absolute(reverse("newsletters:newsletter", kwargs={"newsletter_id": newsletter.pk}))


def subject_for(newsletter: Newsletter) -> str:
    # One line, whatever was typed: a header cannot carry a line break.
    return " ".join(newsletter.title.split())


@dataclass(frozen=True)
class Rendered:
    """A newsletter made ready for email once, then addressed to each subscriber."""

    newsletter: Newsletter
    subject: str
    body_html: str
    body_text: str
    web_url: str

    def context(self, unsubscribe: str) -> dict:
        return {
            "newsletter": self.newsletter,
            "body_html": self.body_html,
            "body_text": self.body_text,
            "web_url": self.web_url,
            "unsubscribe_url": unsubscribe,
            "subscribe_url": absolute(reverse("newsletters:subscribe")),
        }


def prepare(newsletter: Newsletter, *, for_preview: bool = False) -> Rendered:
    """Render the newsletter's body for email: uploaded images only, every link absolute. For
    the preview page inside Petal, links and images stay relative to the page (the same
    addresses on the same site), so the browser shows them under the site's own rules."""
    return Rendered(
        newsletter=newsletter,
        subject=subject_for(newsletter),
        body_html=render_markdown(
            newsletter.body,
            images=True,
            absolute_to="" if for_preview else settings.PETAL_BASE_URL,
        ),
        body_text=_RELATIVE_MARKDOWN.sub(
            lambda m: m.group(1) + settings.PETAL_BASE_URL + "/", newsletter.body
        ),
        web_url=newsletter_url(newsletter),
    )


def render_parts(rendered: Rendered, unsubscribe: str) -> tuple[str, str]:
    """The plain-text and HTML bodies, each with the unsubscribe link."""
    context = rendered.context(unsubscribe)
    text = render_to_string("programme/newsletters/email/message.txt", context)
    html = render_to_string("programme/newsletters/email/message.html", context)
    return text, html


def build_message(
    rendered: Rendered, subscriber: Subscriber, *, connection=None
) -> EmailMultiAlternatives:
    """The email of one newsletter to one subscriber (not sent)."""
    unsubscribe = unsubscribe_url(subscriber)
    text, html = render_parts(rendered, unsubscribe)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message


def send(rendered: Rendered, subscriber: Subscriber, *, connection=None) -> None:
    """Send one newsletter to one subscriber, or raise what the email backend raised."""
    build_message(rendered, subscriber, connection=connection).send(fail_silently=False)
