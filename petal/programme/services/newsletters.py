"""Every write about newsletters: writing one, its images, publishing and sending it, and the
subscribers' double opt-in and one-click unsubscribe.

Sending: "Publish and send" puts the newsletter in the public archive and asks the task worker
to send it (``petal.programme.tasks.send_newsletter``), once. The task records one delivery per
subscriber confirmed at that moment — the database's unique constraint means never two for
the same newsletter and subscriber, however often sending is asked for or the task runs — and
sends each queued one through ``petal.programme.mailing``, checking the subscriber is still
confirmed at that moment (if not, the delivery is "skipped"). A failure is recorded on its
delivery (the error's class name only: an SMTP error can quote the address) and the others go
on. A delivery is claimed before its email leaves (marked failed, "Interrupted") and marked
sent once it has, so two workers never send the same one, and a worker stopped mid-send leaves
a record saying it may not have arrived rather than sending it again. The programme team can
send a newsletter again to the deliveries that failed for certain (``newsletter_retry``), never
to the interrupted ones.

Subscribing: a new address is kept "pending" and emailed a signed link, valid for
``CONFIRM_DAYS`` days, to confirm it (double opt-in); only a confirmed address is ever sent a
newsletter. The visitor is answered alike whatever the address's state, so the form never
tells who is subscribed: a pending one is sent its link again, an unsubscribed one starts
double opt-in again, and an already confirmed one is sent a short notice that it is already
subscribed (so its owner learns someone asked) rather than another link. At most one such email
per address every ``RESEND_MINUTES`` minutes, so the form cannot be used to flood an inbox.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from petal.access.policy import can
from petal.audit.services import audit_record
from petal.core.errors import Forbidden, NotFound, clean_text, fail
from petal.core.notify import notify
from petal.programme import mailing
from petal.programme.images import clean_image
from petal.programme.models import (
    DeliveryStatus,
    Newsletter,
    NewsletterDelivery,
    NewsletterImage,
    NewsletterStatus,
    Subscriber,
    SubscriberStatus,
)
from petal.programme.selectors.newsletters import INTERRUPTED
from petal.site.rendering import IMAGE_SRC, images_in

MAX_TITLE = 200
MAX_SUMMARY = 300
MAX_BODY = 50_000
MAX_ALT = 300
CONFIRM_DAYS = 7
CONFIRM_SALT = "petal.programme.newsletter-subscribe"
RESEND_MINUTES = 10
CHUNK = 200

CONFIRM_SUBJECT = "Confirm your newsletter subscription"
CONFIRM_MESSAGE = (
    "Someone asked to get the Changing Futures Cambridgeshire & Peterborough newsletter at this "
    "address. Follow the link to confirm. If it was not you, ignore this email."
)
ALREADY_SUBJECT = "You already get our newsletter"
ALREADY_MESSAGE = (
    "Someone asked to subscribe this address to the Changing Futures Cambridgeshire & "
    "Peterborough newsletter. It is already subscribed, so there is nothing to do."
)


def subscriber_reference(subscriber: Subscriber) -> str:
    return f"NS-{subscriber.pk:06d}"


def _require_team(actor) -> None:
    if not can(actor, "programme.manage"):
        raise Forbidden("Only the programme team manages newsletters")


def _id(value) -> int:
    try:
        found = int(value)
    except (TypeError, ValueError):
        raise NotFound("No such newsletter") from None
    if found < 1 or found > 2**31 - 1:
        raise NotFound("No such newsletter")
    return found


# --- writing -------------------------------------------------------------------------------------


def _check_images(body: str) -> None:
    """Images must be ones uploaded to Petal, each with alt text."""
    found = images_in(body)
    if not found:
        return
    for src, alt in found:
        if not IMAGE_SRC.fullmatch(src):
            fail(
                "body",
                "Images must be uploaded on the newsletter images page first, then pasted "
                "as the Markdown shown there. Another image address is not allowed",
            )
        if not alt:
            fail("body", "Give every image alt text: ![what the image shows](/newsletters/…)")
    keys = {src.rsplit("/", 1)[-1].split(".", 1)[0] for src, _alt in found}
    known = set(NewsletterImage.objects.filter(key__in=keys).values_list("key", flat=True))
    if keys - known:
        fail(
            "body",
            "An image in the newsletter is not one of the uploaded images. Copy its Markdown "
            "from the newsletter images page",
        )


def _fields(*, title, summary, issue_date, body) -> dict:
    title = clean_text(title, field="title", label="a title", required=True, limit=MAX_TITLE)
    if "\n" in title or "\r" in title:
        fail("title", "The title must be one line")
    summary = clean_text(summary, field="summary", label="a summary", limit=MAX_SUMMARY)
    body = clean_text(body, field="body", label="the newsletter", required=True, limit=MAX_BODY)
    if issue_date is not None and not isinstance(issue_date, dt.date):
        fail("issue_date", "The issue date must be a real date")
    _check_images(body)
    return {"title": title, "summary": summary, "issue_date": issue_date, "body": body}


@transaction.atomic
def newsletter_create(
    *, actor, title: str, summary: str = "", issue_date=None, body: str = ""
) -> Newsletter:
    """Write a new newsletter, as a draft: no one outside the programme team sees it until it
    is published."""
    _require_team(actor)
    fields = _fields(title=title, summary=summary, issue_date=issue_date, body=body)
    newsletter = Newsletter.objects.create(created_by=actor, **fields)
    audit_record(actor=actor, action="newsletter.created", obj=newsletter)
    return newsletter


def _locked(newsletter_id) -> Newsletter:
    newsletter = Newsletter.objects.select_for_update().filter(pk=_id(newsletter_id)).first()
    if newsletter is None:
        raise NotFound("No such newsletter")
    return newsletter


@transaction.atomic
def newsletter_change(
    *, actor, newsletter_id, title: str, summary: str = "", issue_date=None, body: str = ""
) -> Newsletter:
    """Change a newsletter. A published one changes on the website only: it was emailed as
    it was."""
    _require_team(actor)
    newsletter = _locked(newsletter_id)
    fields = _fields(title=title, summary=summary, issue_date=issue_date, body=body)
    changed = sorted(name for name, value in fields.items() if getattr(newsletter, name) != value)
    if not changed:
        return newsletter
    for name, value in fields.items():
        setattr(newsletter, name, value)
    newsletter.save()
    audit_record(
        actor=actor,
        action="newsletter.changed",
        obj=newsletter,
        data={"fields": changed, "published": newsletter.status == NewsletterStatus.PUBLISHED},
    )
    return newsletter


@transaction.atomic
def newsletter_image_upload(*, actor, upload, alt: str) -> NewsletterImage:
    """Keep an image for newsletters: checked, re-encoded without metadata (petal.programme.
    images) and given alt text, which is required (people using screen readers hear it)."""
    _require_team(actor)
    alt = clean_text(alt, field="alt", label="alt text", required=True, limit=MAX_ALT)
    if upload is None:
        fail("image", "Select an image")
    clean = clean_image(upload)
    image = NewsletterImage.objects.create(
        alt=alt,
        content_type=clean.content_type,
        data=clean.data,
        width=clean.width,
        height=clean.height,
        uploaded_by=actor,
    )
    audit_record(
        actor=actor,
        action="newsletter.image_uploaded",
        obj=image,
        data={"content_type": clean.content_type, "width": clean.width, "height": clean.height},
    )
    return image


# --- publishing and sending ----------------------------------------------------------------------


@transaction.atomic
def newsletter_publish(*, actor, newsletter_id, confirmed: bool = False) -> Newsletter:
    """Publish and send: the newsletter joins the public archive and the task worker is asked
    to send it to the subscribers confirmed when it runs. Asking again changes nothing and
    sends nothing twice."""
    _require_team(actor)
    newsletter = _locked(newsletter_id)
    if newsletter.status == NewsletterStatus.PUBLISHED and newsletter.send_requested_at:
        return newsletter
    if not confirmed:
        fail("confirm", "Confirm you want to publish this newsletter and send it to subscribers")
    now = timezone.now()
    if newsletter.status != NewsletterStatus.PUBLISHED:
        newsletter.status = NewsletterStatus.PUBLISHED
        newsletter.published_at = now
        if newsletter.issue_date is None:
            newsletter.issue_date = timezone.localdate(now)
        audit_record(actor=actor, action="newsletter.published", obj=newsletter)
    newsletter.send_requested_at = now
    newsletter.save()
    from petal.programme.tasks import send_newsletter

    pk = newsletter.pk
    transaction.on_commit(lambda: send_newsletter.enqueue(newsletter_id=pk))
    return newsletter


def _queue_deliveries(newsletter_id: int) -> Newsletter | None:
    """One delivery per subscriber confirmed now who has none for this newsletter."""
    with transaction.atomic():
        newsletter = (
            Newsletter.objects.select_for_update()
            .filter(pk=newsletter_id, status=NewsletterStatus.PUBLISHED)
            .first()
        )
        if newsletter is None or newsletter.send_requested_at is None:
            return None
        confirmed = Subscriber.objects.filter(status=SubscriberStatus.CONFIRMED).exclude(
            deliveries__newsletter=newsletter
        )
        now = timezone.now()
        # ignore_conflicts: a delivery another run made meanwhile stays the only one.
        NewsletterDelivery.objects.bulk_create(
            [
                NewsletterDelivery(newsletter=newsletter, subscriber_id=pk, queued_at=now)
                for pk in confirmed.values_list("pk", flat=True).iterator()
            ],
            batch_size=500,
            ignore_conflicts=True,
        )
    return newsletter


def _claim(delivery_id: int) -> bool:
    """Take a queued delivery for sending, if its subscriber is still confirmed; otherwise mark
    it skipped. False when it is not ours to send."""
    claimed = NewsletterDelivery.objects.filter(
        pk=delivery_id,
        status=DeliveryStatus.QUEUED,
        subscriber__status=SubscriberStatus.CONFIRMED,
    ).update(status=DeliveryStatus.FAILED, error=INTERRUPTED)
    if claimed:
        return True
    NewsletterDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.QUEUED).update(
        status=DeliveryStatus.SKIPPED
    )
    return False


def _close(connection) -> None:
    try:
        connection.close()
    except Exception:  # noqa: BLE001, S110 - closing is best effort; it may be broken already.
        pass


def _send_one(rendered, delivery: NewsletterDelivery, connection) -> str:
    if not _claim(delivery.pk):
        return "skipped"
    try:
        mailing.send(rendered, delivery.subscriber, connection=connection)
    except Exception as exc:  # noqa: BLE001 - one failure must not stop the others.
        NewsletterDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, error=type(exc).__name__[:200]
        )
        return "failed"
    NewsletterDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT, error="", sent_at=timezone.now()
    )
    return "sent"


def newsletter_deliver(*, newsletter_id: int, delivery_ids=None) -> dict:
    """The task worker's part: queue a delivery for every confirmed subscriber without one, then
    send every queued delivery (re-checking each subscriber is still confirmed). Returns how many
    were sent, skipped and failed in this run. Safe to run again: nobody gets a second copy.

    With ``delivery_ids`` (sending again after failures, ``newsletter_retry``) only those
    deliveries, if still queued, are sent: nobody new is added."""
    counts = {"sent": 0, "skipped": 0, "failed": 0}
    if delivery_ids is None:
        newsletter = _queue_deliveries(newsletter_id)
    else:
        newsletter = Newsletter.objects.filter(
            pk=newsletter_id, status=NewsletterStatus.PUBLISHED, send_requested_at__isnull=False
        ).first()
    if newsletter is None:
        return counts
    rendered = mailing.prepare(newsletter)
    # The ids first: SQLite does not isolate a cursor from writes to the table it reads.
    queued = NewsletterDelivery.objects.filter(newsletter=newsletter, status=DeliveryStatus.QUEUED)
    if delivery_ids is not None:
        queued = queued.filter(pk__in=[int(pk) for pk in delivery_ids])
    queued = list(queued.order_by("pk").values_list("pk", flat=True))
    connection = get_connection()
    try:
        for start in range(0, len(queued), CHUNK):
            chunk = NewsletterDelivery.objects.filter(pk__in=queued[start : start + CHUNK])
            for delivery in chunk.select_related("subscriber").order_by("pk"):
                outcome = _send_one(rendered, delivery, connection)
                counts[outcome] += 1
                if outcome == "failed":
                    # A broken connection is opened afresh for the next subscriber.
                    _close(connection)
                    connection = get_connection()
    finally:
        _close(connection)
    with transaction.atomic():
        first = Newsletter.objects.filter(pk=newsletter.pk, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
        if first or any(counts.values()):
            audit_record(actor=None, action="newsletter.sent", obj=newsletter, data=counts)
    return counts


NOTHING_TO_RETRY = "There is nothing to send again: no email to a subscriber failed"


@transaction.atomic
def newsletter_retry(*, actor, newsletter_id) -> int:
    """Send a published newsletter again to the subscribers it could not be sent to (the mail
    server refused it or could not be reached), through the task worker. Deliveries that were
    interrupted mid-send are left alone: the email may have arrived, and nobody is sent a second
    copy. A subscriber who has unsubscribed since is skipped, as always. Returns how many were
    queued again."""
    _require_team(actor)
    newsletter = _locked(newsletter_id)
    if newsletter.status != NewsletterStatus.PUBLISHED or newsletter.send_requested_at is None:
        fail("retry", "Only a newsletter that has been sent can be sent again")
    failed = NewsletterDelivery.objects.filter(
        newsletter=newsletter, status=DeliveryStatus.FAILED
    ).exclude(error=INTERRUPTED)
    ids = list(failed.select_for_update().order_by("pk").values_list("pk", flat=True))
    if not ids:
        fail("retry", NOTHING_TO_RETRY)
    count = NewsletterDelivery.objects.filter(pk__in=ids, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.QUEUED, error="", queued_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="newsletter.sent",
        obj=newsletter,
        data={"retry": True, "count": count},
    )
    from petal.programme.tasks import send_newsletter

    pk = newsletter.pk
    transaction.on_commit(lambda: send_newsletter.enqueue(newsletter_id=pk, delivery_ids=ids))
    return count


# --- subscribing ---------------------------------------------------------------------------------


def confirm_token(subscriber: Subscriber) -> str:
    """The token in the link that confirms an address (signed and dated)."""
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(str(subscriber.pk))


def confirm_link(subscriber: Subscriber) -> str:
    return reverse("newsletters:confirm", kwargs={"token": confirm_token(subscriber)})


def _normalise_email(email: str) -> str:
    email = (email or "").replace("\x00", "").strip().lower()
    if not email:
        fail("email", "Enter your email address")
    if len(email) > 254:
        fail("email", "Your email address must be 254 characters or fewer")
    try:
        validate_email(email)
    except ValidationError:
        fail("email", "Enter an email address in the correct format, like name@example.com")
    return email


def _tell(subscriber: Subscriber, *, subject: str, message: str, link: str) -> None:
    to, reference = [subscriber.email], subscriber_reference(subscriber)
    transaction.on_commit(
        lambda: notify(to=to, subject=subject, message=message, reference=reference, link=link)
    )


@transaction.atomic
def subscriber_subscribe(*, email: str) -> Subscriber | None:
    """Someone asks for the newsletter at an address. See the module docstring: the answer on
    screen is the same whatever happens here. Returns the subscriber (None when an email was
    not sent because one went out a moment ago)."""
    email = _normalise_email(email)
    now = timezone.now()
    subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
    if subscriber is None:
        try:
            with transaction.atomic():
                subscriber = Subscriber.objects.create(email=email)
        except IntegrityError:
            # Asked twice at the same moment: the other request sends the link.
            return None
        before = ""
    else:
        before = subscriber.status
        recent = subscriber.confirmation_sent_at and (
            now - subscriber.confirmation_sent_at < dt.timedelta(minutes=RESEND_MINUTES)
        )
        if recent:
            return None
    if subscriber.status == SubscriberStatus.CONFIRMED:
        subscriber.confirmation_sent_at = now
        subscriber.save(update_fields=["confirmation_sent_at"])
        _tell(
            subscriber,
            subject=ALREADY_SUBJECT,
            message=ALREADY_MESSAGE,
            link=reverse("newsletters:archive"),
        )
        return subscriber
    # New, waiting, or unsubscribed before: double opt-in (again).
    subscriber.status = SubscriberStatus.PENDING
    subscriber.confirmation_sent_at = now
    subscriber.save(update_fields=["status", "confirmation_sent_at"])
    audit_record(
        actor=None,
        action="subscriber.subscribed",
        obj=subscriber,
        data={"before": before or "new"},
    )
    _tell(
        subscriber,
        subject=CONFIRM_SUBJECT,
        message=CONFIRM_MESSAGE,
        link=settings.PETAL_BASE_URL + confirm_link(subscriber),
    )
    return subscriber


def subscriber_for_confirm_token(token: str, *, for_update: bool = False) -> Subscriber:
    """The subscriber a confirmation link is for, or a refusal saying why (expired, not
    valid, or no longer waiting to be confirmed)."""
    try:
        value = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(
            str(token or ""), max_age=dt.timedelta(days=CONFIRM_DAYS)
        )
    except signing.SignatureExpired:
        fail(
            "token",
            f"This link has expired: links work for {CONFIRM_DAYS} days. Subscribe again and "
            "we will email you a new one",
        )
    except signing.BadSignature:
        fail(
            "token",
            "This link is not valid. Check you copied the whole link from the email, or "
            "subscribe again",
        )
    query = Subscriber.objects.select_for_update() if for_update else Subscriber.objects
    subscriber = (
        query.filter(pk=int(value)).first()
        if value.isascii() and value.isdecimal() and len(value) < 12
        else None
    )
    if subscriber is None:
        fail("token", "This link is not valid. Subscribe again")
    if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        fail(
            "token",
            "This address has been unsubscribed since the link was sent, so it no longer "
            "works. Subscribe again if you want the newsletter",
        )
    return subscriber


@transaction.atomic
def subscriber_confirm(*, token: str) -> Subscriber:
    """The owner of the address follows the emailed link and presses "Confirm": from now on
    it is sent newsletters. Confirming again changes nothing."""
    subscriber = subscriber_for_confirm_token(token, for_update=True)
    if subscriber.status == SubscriberStatus.CONFIRMED:
        return subscriber
    subscriber.status = SubscriberStatus.CONFIRMED
    subscriber.confirmed_at = timezone.now()
    subscriber.save(update_fields=["status", "confirmed_at"])
    audit_record(actor=None, action="subscriber.confirmed", obj=subscriber)
    return subscriber


@transaction.atomic
def subscriber_unsubscribe(*, token: str, one_click: bool = False) -> Subscriber:
    """Unsubscribe at once, from the link in a newsletter or the mail client's own button
    (``one_click``): nothing is sent to the address again, even a newsletter already being
    sent. Unsubscribing again changes nothing."""
    token = str(token or "")
    if not (0 < len(token) <= 64) or "\x00" in token:
        raise NotFound("This link is not valid")
    subscriber = Subscriber.objects.select_for_update().filter(token=token).first()
    if subscriber is None:
        raise NotFound("This link is not valid")
    if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        return subscriber
    subscriber.status = SubscriberStatus.UNSUBSCRIBED
    subscriber.unsubscribed_at = timezone.now()
    subscriber.save(update_fields=["status", "unsubscribed_at"])
    # Anything still queued for it is marked now, so no newsletter leaves for it later.
    NewsletterDelivery.objects.filter(subscriber=subscriber, status=DeliveryStatus.QUEUED).update(
        status=DeliveryStatus.SKIPPED
    )
    audit_record(
        actor=None,
        action="subscriber.unsubscribed",
        obj=subscriber,
        data={"one_click": one_click},
    )
    return subscriber


# --- retention -----------------------------------------------------------------------------------

# A day beyond the confirmation link's life, so a link opened just before it expires is never
# cut short.
PURGE_AFTER_DAYS = CONFIRM_DAYS + 1


@transaction.atomic
def subscribers_purge_unconfirmed(*, now=None, older_than_days: int = PURGE_AFTER_DAYS) -> int:
    """Delete every address still waiting for confirmation whose last confirmation link was
    sent more than ``older_than_days`` days before ``now`` (its link has expired): nobody proved
    the address was theirs, so it is not kept. One audit event says how many (none when there
    were none); running it again deletes nothing more. Returns how many were deleted.

    An address that was subscribed before, unsubscribed and then asked again without confirming
    is not deleted (the record of what it was sent stays) but goes back to "unsubscribed", as it
    was before it asked. Confirmed and unsubscribed addresses are never touched."""
    if older_than_days < 0:
        raise ValueError("older_than_days must not be negative")
    cutoff = (now or timezone.now()) - dt.timedelta(days=older_than_days)
    expired = Subscriber.objects.filter(status=SubscriberStatus.PENDING).filter(
        Q(confirmation_sent_at__lt=cutoff)
        | Q(confirmation_sent_at__isnull=True, created_at__lt=cutoff)
    )
    # The status is asked again as each is changed: someone confirming as this runs keeps it.
    went_back = expired.filter(Q(confirmed_at__isnull=False) | Q(deliveries__isnull=False))
    back = Subscriber.objects.filter(
        pk__in=list(went_back.order_by().values_list("pk", flat=True).distinct()),
        status=SubscriberStatus.PENDING,
    ).update(status=SubscriberStatus.UNSUBSCRIBED)
    ids = list(expired.order_by().values_list("pk", flat=True))
    deleted = 0
    if ids:
        _, per_model = Subscriber.objects.filter(
            pk__in=ids, status=SubscriberStatus.PENDING
        ).delete()
        deleted = per_model.get(Subscriber._meta.label, 0)
    if deleted or back:
        audit_record(
            actor=None,
            action="subscribers.purged",
            object_type="programme.subscriber",
            data={"count": deleted, "back_to_unsubscribed": back},
        )
    return deleted
