"""The retention run deletes or anonymises on time — on the exact day — and touches nothing else.

Every record type of the seeded schedule gets a record whose time ends just before the cutoff
day (23:59 the day before: dealt with) and one whose time ends at its first moment (00:00:
kept). The whole database is compared before and after: the rows deleted and the rows changed
must be exactly those expected, table by table."""

from __future__ import annotations

import datetime as dt
import io
import secrets
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.retention import registry
from petal.retention.handlers import REMOVED
from petal.retention.models import RetentionRun, RetentionSchedule, Trigger, period_before
from petal.retention.services import retention_run

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# The run: 03:00 on 15 March 2032 (a leap year), London time.
RUN_AT = dt.datetime(2032, 3, 15, 3, 0, tzinfo=LONDON)
NOT_IN_SNAPSHOT = {"audit.auditevent", "retention.retentionrun"}


def at(day: dt.date, hour=0, minute=0, second=0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=LONDON)


def _plain(value):
    return bytes(value) if isinstance(value, memoryview) else value


def snapshot() -> dict[str, dict]:
    """Every row of every table (but the audit trail and the runs), by primary key."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label in NOT_IN_SNAPSHOT:
            continue
        pk = model._meta.pk.attname
        rows[label] = {
            r[pk]: {k: _plain(v) for k, v in r.items()} for r in model._default_manager.values()
        }
    return rows


def differences(before, after) -> tuple[set, set, set]:
    deleted, changed, added = set(), set(), set()
    for label, rows in before.items():
        now = after[label]
        for pk, values in rows.items():
            if pk not in now:
                deleted.add((label, pk))
            elif now[pk] != values:
                changed.add((label, pk))
        added |= {(label, pk) for pk in now if pk not in rows}
    return deleted, changed, added


def key(obj) -> tuple[str, object]:
    return (obj._meta.label_lower, obj.pk)


@pytest.fixture
def every_type_handled(monkeypatch):
    """A schedule another app carries out (closed rights cases) may not be registered yet in
    this checkout: a handler that does nothing stands in, so these tests see no errors."""
    for schedule in RetentionSchedule.objects.all():
        if registry.rule_for(schedule.record_type) is None:
            monkeypatch.setitem(
                registry._RULES,
                schedule.record_type,
                registry.RetentionRule(schedule.record_type, lambda cutoff, now: 0),
            )


def cutoff_day(record_type: str) -> dt.date:
    return RetentionSchedule.objects.get(record_type=record_type).cutoff(RUN_AT).date()


@pytest.fixture
def on_the_boundary(make_user):
    """For every record type: one record just past its time and one just inside. Returns the
    rows expected to be deleted, those expected to be changed (anonymised), and the objects."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.sessions.models import Session
    from django_tasks_db.models import DBTaskResult

    from petal.barriers.tests.factories import GovernanceMeetingFactory
    from petal.champions.models import Champion, ChampionStatus
    from petal.champions.tests.factories import ChampionFactory
    from petal.consent.models import Review
    from petal.consent.tests.factories import BreakGlassFactory, ConsentFactory
    from petal.meetings.models import Decision, Kind
    from petal.meetings.tests.factories import ActionFactory, MeetingCaseFactory, MeetingFactory
    from petal.outcomes.models import ExportJob, ImportBatch, ImportStatus
    from petal.people.models import Person, TrustedRelationship
    from petal.people.tests.factories import PersonFactory, RelationshipFactory
    from petal.programme.models import ContactMessage
    from petal.programme.tests.factories import ContactMessageFactory, SubscriberFactory
    from petal.referrals.models import EventKind, Referral, ReferralEvent, Side
    from petal.referrals.tests.factories import ReferralFactory

    deleted, changed = set(), set()
    helper = make_user(Role.TRUSTED_PERSON)
    made = {}
    long_ago = at(dt.date(2020, 1, 1))

    def person(created_at, **kwargs):
        p = PersonFactory(**kwargs)
        Person.objects.filter(pk=p.pk).update(created_at=created_at)
        return p

    # People: 6 years after their last trusted relationship ended.
    day = cutoff_day("people")
    assert day == dt.date(2026, 3, 15)
    current = person(long_ago)
    RelationshipFactory(person=current, trusted_person=helper, starts_on=dt.date(2019, 1, 1))
    past = person(long_ago)
    rel = RelationshipFactory(
        person=past,
        trusted_person=helper,
        starts_on=dt.date(2019, 1, 1),
        ends_on=day - dt.timedelta(days=1),
    )
    deleted |= {key(past), key(rel)}
    inside = person(long_ago)
    RelationshipFactory(
        person=inside, trusted_person=helper, starts_on=dt.date(2019, 1, 1), ends_on=day
    )
    never_supported_past = person(at(day - dt.timedelta(days=1), 23, 59, 59))
    deleted.add(key(never_supported_past))
    person(at(day))  # never supported, made at the first moment still kept
    made["erased_people"] = {past.pk, never_supported_past.pk}

    # Consents: 6 years after they ended or were withdrawn; a renewed one stays with its renewal.
    day = cutoff_day("consents")
    grantee = make_user(Role.SERVICE_STAFF)
    common = {"person": current, "grantee_user": grantee, "starts_on": dt.date(2025, 1, 1)}
    deleted.add(key(ConsentFactory(**common, ends_on=day - dt.timedelta(days=1))))
    ConsentFactory(**common, ends_on=day)
    deleted.add(
        key(
            ConsentFactory(
                **common,
                ends_on=dt.date(2031, 1, 1),
                withdrawn_at=at(day - dt.timedelta(days=1), 23, 59),
            )
        )
    )
    ConsentFactory(**common, ends_on=dt.date(2031, 1, 1), withdrawn_at=at(day))
    renewed = ConsentFactory(**common, ends_on=dt.date(2025, 6, 1))
    ConsentFactory(**common, ends_on=dt.date(2033, 1, 1), renewal_of=renewed)

    # Break-glass: 6 years after it ended, once reviewed.
    day = cutoff_day("break-glass")
    for ends, review, goes in (
        (at(day - dt.timedelta(days=1), 23, 59), Review.UPHELD, True),
        (at(day), Review.UPHELD, False),
        (at(day - dt.timedelta(days=30)), Review.PENDING, False),
    ):
        glass = BreakGlassFactory(
            person=current,
            opened_by=helper,
            opened_at=ends - dt.timedelta(hours=72),
            expires_at=ends,
            review=review,
        )
        if goes:
            deleted.add(key(glass))

    # Referrals: anonymised 6 years after they closed.
    day = cutoff_day("referrals")
    referrals = {}
    for name, closed_at, status in (
        ("past", at(day - dt.timedelta(days=1), 23, 59), "declined"),
        ("inside", at(day), "started"),
        ("open", None, "sent"),
    ):
        referral = ReferralFactory(
            person=current, referred_by=helper, sent_at=at(dt.date(2025, 12, 1)), status=status
        )
        Referral.objects.filter(pk=referral.pk).update(closed_at=closed_at)
        event = ReferralEvent.objects.create(
            referral=referral,
            kind=EventKind.NOTE,
            body="They rang back",
            side=Side.REFERRER,
            at=at(dt.date(2025, 12, 2)),
        )
        referrals[name] = referral
        if name == "past":
            changed |= {key(referral), key(event)}
    made["referrals"] = referrals

    # Meeting notes: anonymised 6 years after the meeting; governance meetings never.
    day = cutoff_day("meeting-notes")
    meetings = {}
    for name, ends_at in (
        ("past", at(day - dt.timedelta(days=1), 23, 59)),
        ("inside", at(day, 0, 30)),
    ):
        meeting = MeetingFactory(
            kind=Kind.PROFESSIONALS,
            starts_at=ends_at - dt.timedelta(minutes=29),
            ends_at=ends_at,
            minutes="What was said about them",
        )
        case = MeetingCaseFactory(meeting=meeting, person=current, views="In their words")
        decision = Decision.objects.create(meeting=meeting, case=case, text="Agreed a plan")
        action = ActionFactory(meeting=meeting, case=case, owner_user=helper)
        meetings[name] = meeting
        if name == "past":
            changed |= {key(meeting), key(case), key(decision), key(action)}
    GovernanceMeetingFactory(
        starts_at=at(dt.date(2020, 1, 1), 10), ends_at=at(dt.date(2020, 1, 1), 12), minutes="Kept"
    )
    made["meetings"] = meetings

    # Contact messages: 12 months after they were received.
    day = cutoff_day("contact-messages")
    assert day == dt.date(2031, 3, 15)
    message = ContactMessageFactory()
    ContactMessage.objects.filter(pk=message.pk).update(
        received_at=at(day - dt.timedelta(days=1), 23, 59, 59)
    )
    deleted.add(key(message))
    kept = ContactMessageFactory()
    ContactMessage.objects.filter(pk=kept.pk).update(received_at=at(day))

    # Newsletter sign-ups never confirmed: 8 days after the link was sent.
    day = cutoff_day("newsletter-unconfirmed")
    assert day == dt.date(2032, 3, 7)
    pending = SubscriberFactory(
        status="pending",
        confirmed_at=None,
        confirmation_sent_at=at(day - dt.timedelta(days=1), 23, 59),
    )
    deleted.add(key(pending))
    SubscriberFactory(status="pending", confirmed_at=None, confirmation_sent_at=at(day))
    SubscriberFactory()  # confirmed: never touched

    # Unsubscribed addresses: anonymised 2 years after they unsubscribed.
    day = cutoff_day("newsletter-unsubscribed")
    gone = SubscriberFactory(
        status="unsubscribed", unsubscribed_at=at(day - dt.timedelta(days=1), 23, 59)
    )
    changed.add(key(gone))
    SubscriberFactory(status="unsubscribed", unsubscribed_at=at(day))
    made["unsubscribed"] = gone

    # Champions pledges never confirmed: 8 days after they were signed.
    day = cutoff_day("champion-pledges-unconfirmed")
    for signed_at, goes in ((at(day - dt.timedelta(days=1), 23, 59), True), (at(day), False)):
        pledge = ChampionFactory(user=None, status=ChampionStatus.UNCONFIRMED, decided_at=None)
        Champion.objects.filter(pk=pledge.pk).update(signed_at=signed_at)
        if goes:
            deleted.add(key(pledge))

    # django-axes: counters 30 days, logs 90 days after the attempt.
    axes = {
        "user_agent": "Browser",
        "ip_address": "192.0.2.1",
        "username": "someone@example.org",
        "http_accept": "*/*",
        "path_info": "/sign-in",
    }
    day = cutoff_day("sign-in-attempts")
    assert day == dt.date(2032, 2, 14)
    for when, goes in ((at(day - dt.timedelta(days=1), 23, 59), True), (at(day), False)):
        attempt = AccessAttempt.objects.create(
            **{**axes, "ip_address": f"192.0.2.{10 + goes}"},
            get_data="",
            post_data="",
            failures_since_start=3,
        )
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=when)
        if goes:
            deleted.add(key(attempt))
    day = cutoff_day("sign-in-logs")
    assert day == dt.date(2031, 12, 16)
    for model, extra in ((AccessFailureLog, {"locked_out": False}), (AccessLog, {})):
        for when, goes in ((at(day - dt.timedelta(days=1), 23, 59), True), (at(day), False)):
            row = model.objects.create(**axes, **extra)
            model.objects.filter(pk=row.pk).update(attempt_time=when)
            if goes:
                deleted.add(key(row))

    # Sessions: a day after they expired.
    day = cutoff_day("sessions")
    for when, goes in ((at(day - dt.timedelta(days=1), 23, 59), True), (at(day), False)):
        session = Session.objects.create(
            session_key=secrets.token_hex(16), session_data="", expire_date=when
        )
        if goes:
            deleted.add(key(session))

    # Exports: 7 days after they were asked for.
    day = cutoff_day("exports")
    for when, goes in ((at(day - dt.timedelta(days=1), 23, 59), True), (at(day), False)):
        job = ExportJob.objects.create(
            requested_by=helper, kind="cohort-people", format="csv", created_at=when
        )
        if goes:
            deleted.add(key(job))

    # Caseload imports: unused ones deleted after 30 days; imported ones anonymised after 90.
    rows = [{"number": 2, "action": "new", "person": current.pk, "full_name": "Named Person"}]
    day = cutoff_day("imports-unused")
    for when, goes in ((at(day - dt.timedelta(days=1), 23, 59), True), (at(day), False)):
        batch = ImportBatch.objects.create(
            uploaded_by=helper, filename="a.csv", content=b"names", rows=rows, created_at=when
        )
        if goes:
            deleted.add(key(batch))
    day = cutoff_day("imports-done")
    for when, goes in ((at(day - dt.timedelta(days=1), 23, 59), True), (at(day), False)):
        batch = ImportBatch.objects.create(
            uploaded_by=helper,
            filename="b.csv",
            content=b"names",
            rows=rows,
            status=ImportStatus.IMPORTED,
            created_at=when - dt.timedelta(minutes=5),
            imported_at=when,
        )
        if goes:
            changed.add(key(batch))
            made["import_done"] = batch

    # Background task records: 30 days after they finished.
    day = cutoff_day("task-results")
    for when, goes in ((at(day - dt.timedelta(days=1), 23, 59), True), (at(day), False)):
        result = DBTaskResult.objects.create(
            status="SUCCESSFUL",
            args_kwargs={"args": [], "kwargs": {"to": ["someone@example.org"]}},
            task_path="petal.core.tasks.send_email",
            queue_name="default",
            backend_name="default",
            run_after=when - dt.timedelta(minutes=1),
            finished_at=when,
            exception_class_path="",
            traceback="",
        )
        if goes:
            deleted.add(key(result))

    # The person the retention run erases leaves nothing else: no cascade surprises here.
    assert not TrustedRelationship.objects.filter(person=past).exclude(pk=rel.pk).exists()
    return {"deleted": deleted, "changed": changed, "made": made}


EXPECTED_COUNTS = {
    "people": 2,
    "consents": 2,
    "break-glass": 1,
    "referrals": 1,
    "meeting-notes": 1,
    "contact-messages": 1,
    "newsletter-unconfirmed": 1,
    "newsletter-unsubscribed": 1,
    "champion-pledges-unconfirmed": 1,
    "sign-in-attempts": 1,
    "sign-in-logs": 2,
    "sessions": 1,
    "exports": 1,
    "imports-unused": 1,
    "imports-done": 1,
    "task-results": 1,
}


def test_each_type_goes_on_its_day_and_nothing_else_is_touched(on_the_boundary, every_type_handled):
    before = snapshot()
    with time_machine.travel(RUN_AT, tick=False):
        run = retention_run()
    after = snapshot()

    deleted, changed, added = differences(before, after)
    assert deleted == on_the_boundary["deleted"]
    assert changed == on_the_boundary["changed"]
    assert added == set()
    counts = {k: v for k, v in run.counts.items() if v}
    assert counts == EXPECTED_COUNTS
    assert run.errors == {}
    assert run.total == sum(EXPECTED_COUNTS.values())
    assert run.finished_at is not None and not run.dry_run

    # What anonymising left: the personal words gone, the measures kept.
    made = on_the_boundary["made"]
    referral = made["referrals"]["past"]
    referral.refresh_from_db()
    assert referral.reason == REMOVED
    assert list(referral.events.values_list("body", flat=True)) == [REMOVED]
    assert referral.status == "declined" and referral.sent_at is not None
    inside = made["referrals"]["inside"]
    inside.refresh_from_db()
    assert inside.reason != REMOVED
    meeting = made["meetings"]["past"]
    meeting.refresh_from_db()
    assert meeting.minutes == REMOVED
    case = meeting.cases.get()
    assert case.views == REMOVED
    assert meeting.decisions.get().text == REMOVED
    assert meeting.actions.get().description == REMOVED
    gone = made["unsubscribed"]
    gone.refresh_from_db()
    assert gone.email == f"unsubscribed-{gone.pk}@erased.invalid"
    batch = made["import_done"]
    batch.refresh_from_db()
    assert bytes(batch.content) == b""
    assert batch.rows == [{"number": 2, "action": "new", "person": batch.rows[0]["person"]}]

    # The run is in the audit trail, and each erased person left a tombstone.
    event = AuditEvent.objects.get(action="retention.run")
    assert event.object_id == str(run.pk)
    assert event.data["counts"] == EXPECTED_COUNTS and event.data["dry_run"] is False
    tombstones = AuditEvent.objects.filter(action="person.erased")
    assert {int(t.object_id) for t in tombstones} == made["erased_people"]
    assert {t.data["reason"] for t in tombstones} == {"retention"}
    assert {t.actor_id for t in tombstones} == {None}


def test_a_day_earlier_nothing_has_passed_its_time(on_the_boundary, every_type_handled):
    """The day before, every record above is still inside its time."""
    before = snapshot()
    with time_machine.travel(RUN_AT - dt.timedelta(days=1), tick=False):
        run = retention_run()
    deleted, changed, added = differences(before, snapshot())
    assert deleted == set() and changed == set() and added == set()
    assert run.total == 0


def test_a_second_run_finds_nothing_more(on_the_boundary, every_type_handled):
    with time_machine.travel(RUN_AT, tick=False):
        first = retention_run()
        middle = snapshot()
        second = retention_run()
    assert first.total > 0
    assert second.total == 0 and second.errors == {}
    assert differences(middle, snapshot()) == (set(), set(), set())


def test_a_dry_run_changes_nothing_and_counts_what_a_run_would_do(
    on_the_boundary, every_type_handled
):
    before = snapshot()
    events_before = AuditEvent.objects.count()
    with time_machine.travel(RUN_AT, tick=False):
        dry = retention_run(dry_run=True)
    assert differences(before, snapshot()) == (set(), set(), set())
    # Only the run's own event: the erasures' tombstones were rolled back with them.
    assert AuditEvent.objects.count() == events_before + 1
    assert AuditEvent.objects.order_by("-sequence").first().data["dry_run"] is True
    with time_machine.travel(RUN_AT, tick=False):
        real = retention_run()
    assert dry.dry_run and dry.counts == real.counts
    assert {k: v for k, v in dry.counts.items() if v} == EXPECTED_COUNTS


def test_one_type_failing_does_not_stop_the_others_and_changes_nothing(
    on_the_boundary, every_type_handled, monkeypatch, caplog
):
    """The failing handler deleted something before it failed: that is rolled back. Every
    other type still runs. The error says what kind of error, never what the data was."""
    from petal.programme.models import ContactMessage

    def failing(cutoff, now):
        ContactMessage.objects.all().delete()
        raise ValueError("duplicate key value someone@example.org")

    monkeypatch.setitem(
        registry._RULES, "contact-messages", registry.RetentionRule("contact-messages", failing)
    )
    messages_before = ContactMessage.objects.count()
    with time_machine.travel(RUN_AT, tick=False):
        run = retention_run()
    assert set(run.errors) == {"contact-messages"}
    assert "ValueError" in run.errors["contact-messages"]
    assert "someone@example.org" not in run.errors["contact-messages"]
    assert "someone@example.org" not in caplog.text
    assert ContactMessage.objects.count() == messages_before
    expected = {k: v for k, v in EXPECTED_COUNTS.items() if k != "contact-messages"}
    assert {k: v for k, v in run.counts.items() if v} == expected
    assert run.error_count == 1 and run.status == "Finished with errors"
    event = AuditEvent.objects.get(action="retention.run")
    assert event.data["errors"] == ["contact-messages"]


def test_a_schedule_nothing_carries_out_is_reported_as_an_error(monkeypatch):
    RetentionSchedule.objects.create(
        record_type="made-up",
        name="Made-up records",
        keep_for=1,
        unit="days",
        starts_from="after anything",
        action="delete",
        description="-",
        legal_basis="-",
    )
    monkeypatch.setattr(registry, "_RULES", {})
    run = retention_run(dry_run=True)
    assert "made-up" in run.errors
    assert run.counts == {}


def test_every_seeded_schedule_has_a_handler_but_those_other_apps_register():
    """Petal's own record types are all carried out; a registered handler has a schedule."""
    schedules = set(RetentionSchedule.objects.values_list("record_type", flat=True))
    handled = set(registry.registered())
    assert schedules - handled <= {"rights-cases"}
    assert handled <= schedules


def test_the_command_and_the_task_run_it(every_type_handled):
    from petal.retention.tasks import run_retention

    out = io.StringIO()
    call_command("retention_run", "--dry-run", stdout=out)
    run = RetentionRun.objects.order_by("-pk").first()
    assert run.dry_run and run.trigger == Trigger.COMMAND
    assert f"{run.reference}: Would have dealt with 0 record(s); 0 error(s)." in out.getvalue()
    result = run_retention.enqueue(dry_run=False)
    run = RetentionRun.objects.order_by("-pk").first()
    assert result.return_value == {"run": run.pk, "counts": run.counts, "errors": []}
    assert run.trigger == Trigger.TASK and not run.dry_run


def test_the_command_fails_when_a_type_failed(every_type_handled, monkeypatch):
    def failing(cutoff, now):
        raise RuntimeError("boom")

    monkeypatch.setitem(registry._RULES, "sessions", registry.RetentionRule("sessions", failing))
    err = io.StringIO()
    with pytest.raises(SystemExit) as stopped:
        call_command("retention_run", stdout=io.StringIO(), stderr=err)
    assert stopped.value.code == 1
    assert "Expired sign-in sessions" in err.getvalue()


@pytest.mark.parametrize(
    ("day", "amount", "unit", "expected"),
    [
        (dt.date(2032, 3, 15), 6, "years", dt.date(2026, 3, 15)),
        (dt.date(2032, 2, 29), 1, "years", dt.date(2031, 2, 28)),
        (dt.date(2031, 3, 31), 1, "months", dt.date(2031, 2, 28)),
        (dt.date(2032, 1, 15), 12, "months", dt.date(2031, 1, 15)),
        (dt.date(2032, 3, 15), 30, "days", dt.date(2032, 2, 14)),
    ],
)
def test_periods_count_back_by_the_calendar(day, amount, unit, expected):
    assert period_before(day, amount, unit) == expected


def test_the_cutoff_is_local_midnight_whatever_the_hour_of_the_run():
    schedule = RetentionSchedule.objects.get(record_type="contact-messages")
    # Summer time: 23:30 on 14 July in London is 22:30 UTC.
    late = dt.datetime(2032, 7, 14, 23, 30, tzinfo=LONDON)
    assert schedule.cutoff(late) == at(dt.date(2031, 7, 14))
    assert schedule.cutoff(late.astimezone(dt.UTC)) == at(dt.date(2031, 7, 14))


def test_people_under_review_or_held_are_not_erased(every_type_handled, monkeypatch, make_user):
    """Past their time, but: one has a break-glass access waiting for review, one is held by
    another app (an open data-protection request, say). Both stay; a third goes."""
    from petal.consent.tests.factories import BreakGlassFactory
    from petal.people.models import Person
    from petal.people.tests.factories import PersonFactory

    helper = make_user(Role.TRUSTED_PERSON)
    people = [PersonFactory() for _ in range(3)]
    Person.objects.update(created_at=at(dt.date(2020, 1, 1)))
    BreakGlassFactory(
        person=people[0],
        opened_by=helper,
        opened_at=at(dt.date(2020, 1, 1)),
        expires_at=at(dt.date(2020, 1, 4)),
    )
    monkeypatch.setattr(registry, "_HOLDS", [lambda ids: {people[1].pk} & set(ids)])
    with time_machine.travel(RUN_AT, tick=False):
        run = retention_run()
    assert run.counts["people"] == 1
    assert set(Person.objects.values_list("pk", flat=True)) == {people[0].pk, people[1].pk}
