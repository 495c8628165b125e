"""A newsletter in a real browser: the programme team uploads an image, writes a newsletter with
it in Markdown, previews it, publishes it and sends it; the task worker emails exactly the
confirmed subscribers, each with their own one-click unsubscribe; a visitor reads it in the
public archive and subscribes (double opt-in). Every page passes axe."""

from __future__ import annotations

import io
import time

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Issue 5 — what the Tactical Group changed"


def _png(path) -> str:
    from PIL import Image

    picture = Image.new("RGB", (120, 80), (0, 94, 165))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def _checked(page, name: str) -> None:
    screenshot(page, name)
    assert axe_violations(page) == [], name


def test_the_team_writes_publishes_and_sends_a_newsletter(page, demo, tmp_path):
    from petal.programme.demo import newsletters
    from petal.programme.models import NewsletterDelivery, Subscriber, SubscriberStatus

    newsletters.load()

    confirmed = set(
        Subscriber.objects.filter(status=SubscriberStatus.CONFIRMED).values_list("email", flat=True)
    )
    others = set(
        Subscriber.objects.exclude(status=SubscriberStatus.CONFIRMED).values_list(
            "email", flat=True
        )
    )
    assert confirmed and others, "the demo has subscribers in every state"

    sign_in(page, "programme@example.org")
    page.goto("/programme/")
    _checked(page, "programme-home")
    page.get_by_role("link", name="Newsletters", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Newsletters")
    _checked(page, "newsletters-manage")

    # An image first: uploaded, checked, and given Markdown to paste.
    page.get_by_role("link", name="Images for newsletters").click()
    page.get_by_label("Upload an image").set_input_files(_png(tmp_path / "flower.png"))
    page.get_by_label("Alt text").fill("The five-petal flower")
    page.get_by_role("button", name="Upload the image").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Image uploaded")
    _checked(page, "newsletters-images")
    markdown = page.get_by_label("Markdown to paste").first.input_value()
    assert markdown.startswith("![The five-petal flower](/newsletters/images/")

    page.goto("/programme/newsletters/")
    page.get_by_role("link", name="Write a newsletter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Write a newsletter")
    _checked(page, "newsletter-new")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Summary (optional)").fill("Letters now go to a safe address.")
    page.get_by_label("Newsletter").fill(
        "## You said, we did\n\nThe council now sends letters to a safe address of the "
        f"person's choosing.\n\n{markdown}\n\n- Partners met in March\n- Two new champions"
    )
    page.get_by_role("button", name="Save and preview").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    web = page.get_by_test_id("web-preview")
    expect(web.get_by_role("heading", name="You said, we did")).to_be_visible()
    expect(web.get_by_role("img", name="The five-petal flower")).to_be_visible()
    _checked(page, "newsletter-preview")

    # Publishing needs the tick: without it nothing is published or sent.
    page.get_by_role("button", name="Publish and send to subscribers").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert mail.outbox == [] or all(TITLE not in m.subject for m in mail.outbox)
    page.get_by_label("Yes, publish it on the website and send it to subscribers now").check()
    page.get_by_role("button", name="Publish and send to subscribers").click()
    expect(page.get_by_text("Published", exact=False).first).to_be_visible()
    _checked(page, "newsletter-published")

    # The task worker (immediate in tests) sent it to exactly the confirmed subscribers.
    sent = [m for m in mail.outbox if TITLE in m.subject]
    assert {m.to[0] for m in sent} == confirmed
    assert not ({m.to[0] for m in sent} & others)
    for message in sent:
        unsubscribe = message.extra_headers["List-Unsubscribe"]
        assert unsubscribe.startswith("<http") and "/newsletters/unsubscribe/" in unsubscribe
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        html = message.alternatives[0][0]
        assert "/newsletters/images/" in html and 'src="http' in html
    assert NewsletterDelivery.objects.filter(newsletter__title=TITLE).count() == len(confirmed)

    # A visitor reads it in the public archive, and subscribes.
    page.get_by_test_id("sign-out").click()
    page.goto("/newsletters/")
    _checked(page, "newsletters-archive")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("img", name="The five-petal flower")).to_be_visible()
    _checked(page, "newsletter-public")

    page.goto("/newsletters/subscribe")
    _checked(page, "newsletter-subscribe")
    page.get_by_label("Email address").fill("new.reader@example.org")
    time.sleep(3.2)  # a person takes longer than the spam check's three seconds
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your email")
    _checked(page, "newsletter-subscribe-sent")
    subscriber = Subscriber.objects.get(email="new.reader@example.org")
    assert subscriber.status == SubscriberStatus.PENDING
    link = next(
        line
        for m in mail.outbox
        if m.to == ["new.reader@example.org"]
        for line in m.body.splitlines()
        if "/newsletters/confirm/" in line
    )
    page.goto(link[link.index("/newsletters/confirm/") :])
    _checked(page, "newsletter-confirm")
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING, "opening the link alone confirms nothing"
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are subscribed")
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    _checked(page, "newsletter-confirmed")
