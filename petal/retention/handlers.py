"""Petal's own retention handlers, one per record type of the seeded schedule
(``migrations/0002_seed_schedules``). Registered when the app is ready.

Each takes ``cutoff`` (local midnight at the start of the first day still kept) and ``now``,
deletes or anonymises what has passed its time, and returns how many records it dealt with.
Each is idempotent: a second run finds nothing more. Retention works across every app's
records, like the caseload import's undo, so it reads their models directly; it never reads
a person's details, only the dates that decide what has passed its time.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce

from petal.retention.registry import register

# What an anonymised required text field says instead of what it said.
REMOVED = "Removed at the end of its retention period."


def _blank(queryset, field: str, value: str = REMOVED) -> set[int]:
    """Replace a text field that still says something; the ids of the rows changed."""
    changed = queryset.exclude(**{field: ""}).exclude(**{field: value})
    ids = set(changed.order_by().values_list("pk", flat=True))
    if ids:
        queryset.model._default_manager.filter(pk__in=ids).update(**{field: value})
    return ids


# --- people --------------------------------------------------------------------------------------


@register("people")
def people_support_ended(cutoff: dt.datetime, now: dt.datetime) -> int:
    """Erase every person whose trusted relationships have all ended before the cutoff day (a
    record with none: made before it), and whose record was made before it. Held back: anyone
    with access without consent still open or waiting for review, and anyone a registered hold
    names (``petal.retention.registry.erasure_hold``)."""
    from petal.consent.models import BreakGlass, Review
    from petal.people.models import Person, TrustedRelationship
    from petal.retention.erase import person_erase
    from petal.retention.registry import held

    day = cutoff.date()
    still_supported = TrustedRelationship.objects.filter(person=OuterRef("pk")).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )
    glass_open = BreakGlass.objects.filter(person=OuterRef("pk")).filter(
        Q(review=Review.PENDING) | Q(closed_at__isnull=True, expires_at__gt=now)
    )
    ids = list(
        Person.objects.filter(created_at__lt=cutoff)
        .exclude(Exists(still_supported))
        .exclude(Exists(glass_open))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    kept_back = held(ids)
    ids = [pk for pk in ids if pk not in kept_back]
    for person_id in ids:
        person_erase(person_id=person_id, actor=None, reason="retention")
    return len(ids)


# --- consent -------------------------------------------------------------------------------------


@register("consents")
def consents_ended(cutoff: dt.datetime, now: dt.datetime) -> int:
    """Delete consents that ended (their last day, or the day they were withdrawn) before the
    cutoff day. A consent that was renewed is kept while its renewal is: the renewal points
    at it."""
    from petal.consent.models import Consent

    day = cutoff.date()
    past = Q(withdrawn_at__lt=cutoff) | Q(withdrawn_at__isnull=True, ends_on__lt=day)
    doomed = set(Consent.objects.filter(past).values_list("pk", flat=True))
    if not doomed:
        return 0
    renewals = list(
        Consent.objects.filter(renewal_of__in=doomed).values_list("pk", "renewal_of_id")
    )
    changed = True
    while changed:
        kept_back = {renewed for pk, renewed in renewals if pk not in doomed and renewed in doomed}
        changed = bool(kept_back)
        doomed -= kept_back
    if not doomed:
        return 0
    # Within the doomed set, a renewal and what it renewed go together.
    Consent.objects.filter(pk__in=doomed, renewal_of__in=doomed).update(renewal_of=None)
    _, per_model = Consent.objects.filter(pk__in=doomed).delete()
    return per_model.get(Consent._meta.label, 0)


@register("break-glass")
def break_glass_ended(cutoff: dt.datetime, now: dt.datetime) -> int:
    """Delete break-glass records that ended (closed early, or expired) before the cutoff day
    and have been reviewed; one still waiting for review is kept."""
    from petal.consent.models import BreakGlass, Review

    ended = BreakGlass.objects.annotate(ended_at=Coalesce("closed_at", "expires_at")).filter(
        ended_at__lt=cutoff
    )
    _, per_model = ended.exclude(review=Review.PENDING).delete()
    return per_model.get(BreakGlass._meta.label, 0)


# --- referrals and meetings ----------------------------------------------------------------------


@register("referrals")
def referrals_closed(cutoff: dt.datetime, now: dt.datetime) -> int:
    """Anonymise referrals closed before the cutoff day: the reason and every note on the
    timeline are removed; the service, dates and waits stay for the time-to-access measure."""
    from petal.referrals.models import CLOSED, Referral, ReferralEvent

    closed = Referral.objects.filter(status__in=list(CLOSED)).annotate(
        ended_at=Coalesce("closed_at", "started_at")
    )
    closed = closed.filter(ended_at__lt=cutoff)
    touched = _blank(closed, "reason")
    events = ReferralEvent.objects.filter(referral__in=closed.values("pk"))
    for pk in events.exclude(body="").exclude(body=REMOVED).values_list("referral_id", flat=True):
        touched.add(pk)
    _blank(events, "body")
    return len(touched)


@register("meeting-notes")
def meeting_notes(cutoff: dt.datetime, now: dt.datetime) -> int:
    """Anonymise professionals meetings and problem-solving sessions that ended before the
    cutoff day: minutes, agenda, each person's question, views and outcome, decisions and
    actions' words are removed. The meeting, its date, who came and the "tell it once" and
    "voice" answers stay, for the programme's measures. Governance meetings are not about
    people and are not touched."""
    from petal.meetings.models import Action, Decision, Kind, Meeting, MeetingCase

    meetings = Meeting.objects.filter(
        kind__in=[Kind.PROFESSIONALS, Kind.PARTNERSHIP], ends_at__lt=cutoff
    )
    touched = _blank(meetings, "minutes") | _blank(meetings, "agenda")
    cases = MeetingCase.objects.filter(meeting__in=meetings.values("pk"))
    for field in ("question", "views", "outcome"):
        touched |= set(
            cases.filter(pk__in=_blank(cases, field)).values_list("meeting_id", flat=True)
        )
    decisions = Decision.objects.filter(meeting__in=meetings.values("pk"))
    touched |= set(
        decisions.filter(pk__in=_blank(decisions, "text")).values_list("meeting_id", flat=True)
    )
    actions = Action.objects.filter(meeting__in=meetings.values("pk"))
    for field in ("description", "status_note"):
        touched |= set(
            actions.filter(pk__in=_blank(actions, field)).values_list("meeting_id", flat=True)
        )
    return len(touched)


# --- the public and the programme ----------------------------------------------------------------


@register("contact-messages")
def contact_messages(cutoff: dt.datetime, now: dt.datetime) -> int:
    """Delete messages sent through the public contact form received before the cutoff day."""
    from petal.programme.models import ContactMessage

    _, per_model = ContactMessage.objects.filter(received_at__lt=cutoff).delete()
    return per_model.get(ContactMessage._meta.label, 0)


@register("newsletter-unconfirmed")
def newsletter_unconfirmed(cutoff: dt.datetime, now: dt.datetime) -> int:
    """Newsletter sign-ups never confirmed, whose confirmation link was sent before the cutoff
    day (``petal.programme``'s own purge, which keeps the sending record of an address that
    was subscribed before)."""
    from petal.programme.services.newsletters import subscribers_purge_unconfirmed

    return subscribers_purge_unconfirmed(now=cutoff, older_than_days=0)


@register("newsletter-unsubscribed")
def newsletter_unsubscribed(cutoff: dt.datetime, now: dt.datetime) -> int:
    """Anonymise addresses that unsubscribed before the cutoff day: the address and the
    unsubscribe secret are replaced, so nothing can be sent to them or traced to them; what
    each newsletter was sent to stays counted."""
    import secrets

    from petal.programme.models import Subscriber, SubscriberStatus

    gone = Subscriber.objects.filter(
        status=SubscriberStatus.UNSUBSCRIBED, unsubscribed_at__lt=cutoff
    ).exclude(email__endswith="@erased.invalid")
    count = 0
    for pk in gone.order_by("pk").values_list("pk", flat=True):
        Subscriber.objects.filter(pk=pk).update(
            email=f"unsubscribed-{pk}@erased.invalid", token=secrets.token_urlsafe(32)
        )
        count += 1
    return count


@register("champion-pledges-unconfirmed")
def champion_pledges_unconfirmed(cutoff: dt.datetime, now: dt.datetime) -> int:
    """Champions pledges signed by visitors and never confirmed, signed before the cutoff day
    (``petal.champions``' own purge)."""
    from petal.champions.services.purge import unconfirmed_pledges_purge

    return unconfirmed_pledges_purge(now=cutoff, older_than_days=0)


# --- sign-in and the machinery -------------------------------------------------------------------


@register("sign-in-attempts")
def sign_in_attempts(cutoff: dt.datetime, now: dt.datetime) -> int:
    """django-axes' counters of failed sign-ins (an email address and an IP address each),
    whose last attempt was before the cutoff day. The lock-out they drive lasts 15 minutes."""
    from axes.models import AccessAttempt

    _, per_model = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
    return per_model.get(AccessAttempt._meta.label, 0)


@register("sign-in-logs")
def sign_in_logs(cutoff: dt.datetime, now: dt.datetime) -> int:
    """django-axes' logs of failed sign-ins and of sign-ins (emails and IP addresses) made
    before the cutoff day."""
    from axes.models import AccessFailureLog, AccessLog

    count = 0
    for model in (AccessFailureLog, AccessLog):
        _, per_model = model.objects.filter(attempt_time__lt=cutoff).delete()
        count += per_model.get(model._meta.label, 0)
    return count


@register("sessions")
def expired_sessions(cutoff: dt.datetime, now: dt.datetime) -> int:
    """Sign-in sessions that expired before the cutoff day."""
    from django.contrib.sessions.models import Session

    _, per_model = Session.objects.filter(expire_date__lt=cutoff).delete()
    return per_model.get(Session._meta.label, 0)


@register("exports")
def exports(cutoff: dt.datetime, now: dt.datetime) -> int:
    """Background exports (and their files) asked for before the cutoff day."""
    from petal.outcomes.models import ExportJob

    _, per_model = ExportJob.objects.filter(created_at__lt=cutoff).delete()
    return per_model.get(ExportJob._meta.label, 0)


@register("imports-unused")
def imports_unused(cutoff: dt.datetime, now: dt.datetime) -> int:
    """Caseload spreadsheets checked but never imported, uploaded before the cutoff day."""
    from petal.outcomes.models import ImportBatch, ImportStatus

    _, per_model = ImportBatch.objects.filter(
        status=ImportStatus.CHECKED, created_at__lt=cutoff
    ).delete()
    return per_model.get(ImportBatch._meta.label, 0)


@register("imports-done")
def imports_done(cutoff: dt.datetime, now: dt.datetime) -> int:
    """Anonymise caseload imports imported (or undone) before the cutoff day: the uploaded file
    is removed and each row keeps only its number, what happened to it and the record it made,
    so the import can still be undone and its counts still add up."""
    from petal.outcomes.models import ImportBatch, ImportStatus

    done = ImportBatch.objects.exclude(status=ImportStatus.CHECKED).filter(
        Q(imported_at__lt=cutoff) | Q(imported_at__isnull=True, created_at__lt=cutoff)
    )
    count = 0
    for batch in done.select_for_update().order_by("pk"):
        rows = [
            {"number": r.get("number"), "action": r.get("action"), "person": r.get("person")}
            if isinstance(r, dict)
            else r
            for r in batch.rows or []
        ]
        if not batch.content and rows == batch.rows and not batch.problems:
            continue
        batch.rows, batch.content, batch.problems = rows, b"", []
        batch.save(update_fields=["rows", "content", "problems"])
        count += 1
    return count


@register("task-results")
def task_results(cutoff: dt.datetime, now: dt.datetime) -> int:
    """Records of background tasks that finished before the cutoff day: a queued email's task
    keeps its addresses and text until then."""
    from django_tasks_db.models import DBTaskResult

    _, per_model = DBTaskResult.objects.filter(
        finished_at__isnull=False, finished_at__lt=cutoff
    ).delete()
    return per_model.get(DBTaskResult._meta.label, 0)
