"""Referrals: only consented information reaches the receiving organisation, at every request;
every step is audited and notified; reminders fire after the response time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from petal.access.categories import Category
from petal.access.roles import Role
from petal.accounts.tests.factories import MembershipFactory, OrganisationFactory
from petal.audit.models import AuditEvent
from petal.consent.models import bits_for
from petal.consent.services import consent_withdraw
from petal.consent.tests.factories import ConsentFactory
from petal.core.errors import NotFound, ValidationFailed
from petal.directory.tests.factories import ServiceFactory
from petal.people.models import Story
from petal.people.tests.factories import EpisodeFactory, person_of
from petal.referrals import services
from petal.referrals.models import Referral, Status
from petal.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

STORY = "I lost my flat after my brother died and I have been sleeping in my car."
RISK = "Do not visit alone: partner may be present."


@pytest.fixture
def world(make_user):
    """A trusted person, their person (story, needs, risk), a receiving organisation with two
    staff, an unrelated organisation's staff, and a consent to the receiving organisation for
    identity and story (not needs)."""
    tp = make_user(Role.TRUSTED_PERSON)
    person = person_of(tp, full_name="Jordan Example", risk_notes=RISK)
    Story.objects.create(person=person, what_happened=STORY)
    EpisodeFactory(person=person)
    receiving = OrganisationFactory(name="Somewhere Safe")
    service = ServiceFactory(organisation=receiving, name="Safe Beds")
    staff = make_user(Role.SERVICE_STAFF, organisation=receiving)
    other = make_user(Role.SERVICE_STAFF)
    consent = ConsentFactory(
        person=person,
        grantee_organisation=receiving,
        category_bits=bits_for([Category.IDENTITY, Category.STORY]),
        recorded_by=tp,
    )
    return {
        "tp": tp,
        "person": person,
        "service": service,
        "receiving": receiving,
        "staff": staff,
        "other": other,
        "consent": consent,
    }


def signed_in(client, user):
    client.force_login(user)
    return client


def send(world, categories=(Category.STORY,)):
    # Notifications go when the transaction commits; tests run inside one.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return _send(world, categories)


def committed(function, **kwargs):
    """Call a service and run what it queued for after the commit (notifications)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return function(**kwargs)


def _send(world, categories):
    return services.referral_send(
        actor=world["tp"],
        person=world["person"],
        service=world["service"],
        categories=categories,
        reason="Needs a bed tonight",
    )


def test_only_consented_categories_can_be_included(world):
    with pytest.raises(ValidationFailed) as error:
        send(world, categories=(Category.STORY, Category.NEEDS))
    assert "needs" in error.value.message
    assert "Somewhere Safe" in error.value.message
    referral = send(world)
    assert set(referral.categories) == {Category.IDENTITY, Category.STORY}
    assert referral.status == Status.SENT
    assert referral.organisation == world["receiving"]
    assert referral.district.code == "cambridge"
    assert referral.partnership.slug == "cambridgeshire"


def test_only_a_current_trusted_person_refers(world, make_user):
    stranger = make_user(Role.TRUSTED_PERSON)
    with pytest.raises(NotFound):
        services.referral_send(
            actor=stranger,
            person=world["person"],
            service=world["service"],
            categories=(),
            reason="x",
        )


def test_referral_form_shows_what_is_needed_and_links_to_record_consent(client, world):
    signed_in(client, world["tp"])
    url = reverse("referrals:new") + f"?person={world['person'].pk}&service={world['service'].pk}"
    page = client.get(url).content.decode()
    assert "Not agreed" in page
    assert "has not agreed to share needs with Somewhere Safe" in page
    consent_url = reverse("consent:new", kwargs={"person_id": world["person"].pk})
    assert consent_url + "?organisation=" + str(world["receiving"].pk) in page
    # Only covered categories can be ticked.
    assert 'value="story"' in page
    assert 'value="needs"' not in page
    response = client.post(url, {"categories": ["story"], "reason": "Needs a bed tonight"})
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:referral", args=[referral.pk])


def test_recording_consent_on_the_way_returns_to_the_referral(client, world):
    signed_in(client, world["tp"])
    back = reverse("referrals:new") + f"?person={world['person'].pk}&service={world['service'].pk}"
    url = reverse("consent:new", kwargs={"person_id": world["person"].pk})
    page = client.get(
        url, {"organisation": world["receiving"].pk, "categories": ["needs"], "next": back}
    ).content.decode()
    assert f'name="next" value="{back.replace("&", "&amp;")}"' in page
    assert 'value="needs" checked' in page or 'value="needs"\n' in page or "checked" in page
    today = timezone.localdate()
    until = today + dt.timedelta(days=200)
    response = client.post(
        url,
        {
            "grantee_kind": "organisation",
            "organisation": world["receiving"].pk,
            "categories": ["identity", "needs"],
            "purposes": ["referral"],
            "starts_on_0": today.day,
            "starts_on_1": today.month,
            "starts_on_2": today.year,
            "ends_on_0": until.day,
            "ends_on_1": until.month,
            "ends_on_2": until.year,
            "given_how": "verbal",
            "next": back,
        },
    )
    assert response.status_code == 302
    receipt = client.get(response["Location"]).content.decode()
    assert "carry on where you were" in receipt
    # The foreign `next` is refused.
    evil = client.get(url, {"next": "https://evil.example/referrals/"}).content.decode()
    assert "evil.example" not in evil


def test_receiver_sees_exactly_the_consented_categories(client, world):
    referral = send(world)
    signed_in(client, world["staff"])
    page = client.get(reverse("referrals:referral", args=[referral.pk])).content.decode()
    assert "Jordan Example" in page
    assert STORY in page
    assert RISK not in page  # not consented, not included
    assert "Needs now" not in page
    event = AuditEvent.objects.filter(action="person.read", actor_id=world["staff"].pk).get()
    assert sorted(event.categories) == ["identity", "story"]
    assert event.data["basis"] == "referral"
    # Reading the story counts as read instead of re-told.
    assert AuditEvent.objects.filter(action="story.read_instead_of_retold").count() == 1


def test_receiver_sees_only_what_the_referrer_included(client, world):
    referral = send(world, categories=())
    signed_in(client, world["staff"])
    page = client.get(reverse("referrals:referral", args=[referral.pk])).content.decode()
    assert "Jordan Example" in page
    assert STORY not in page


def test_withdrawal_hides_the_person_at_once(client, world):
    referral = send(world)
    committed(
        services.referral_note, actor=world["tp"], referral_id=referral.pk, body="He prefers texts"
    )
    signed_in(client, world["staff"])
    url = reverse("referrals:referral", args=[referral.pk])
    assert "Jordan Example" in client.get(url).content.decode()
    consent_withdraw(actor=world["tp"], consent_id=world["consent"].pk, how="verbal")
    page = client.get(url).content.decode()
    assert "Jordan Example" not in page
    assert STORY not in page
    assert "He prefers texts" not in page
    assert "consent to share with Somewhere Safe has ended" in page
    inbox = client.get(reverse("referrals:inbox")).content.decode()
    assert referral.reference in inbox
    assert "Jordan Example" not in inbox
    assert "details hidden" in inbox
    # Notes cannot be added about a person the receiver can no longer see.
    with pytest.raises(NotFound):
        committed(services.referral_note, actor=world["staff"], referral_id=referral.pk, body="?")
    api = client.get(f"/api/v1/referrals/{referral.pk}").json()
    assert api["person"] is None
    assert api["categories"] == []


def test_another_organisation_sees_nothing(client, world):
    referral = send(world)
    signed_in(client, world["other"])
    assert client.get(reverse("referrals:referral", args=[referral.pk])).status_code == 404
    assert client.get(f"/api/v1/referrals/{referral.pk}").status_code == 404
    assert referral.reference not in client.get(reverse("referrals:inbox")).content.decode()
    response = client.post(
        reverse("referrals:move", args=[referral.pk]), {"status": "acknowledged"}
    )
    assert response.status_code == 404
    with pytest.raises(NotFound):
        committed(
            services.referral_move, actor=world["other"], referral_id=referral.pk, status="declined"
        )


def test_every_step_is_audited_and_notified_without_personal_details(world):
    referral = send(world)
    assert [m.to for m in mail.outbox] == [[world["staff"].email]]
    assert referral.reference in mail.outbox[0].subject
    for status in (Status.ACKNOWLEDGED, Status.FIRST_CONTACT, Status.STARTED):
        committed(
            services.referral_move, actor=world["staff"], referral_id=referral.pk, status=status
        )
    referral.refresh_from_db()
    assert referral.status == Status.STARTED
    assert referral.acknowledged_at <= referral.first_contact_at <= referral.started_at
    moves = AuditEvent.objects.filter(action="referral.status_changed", object_id=str(referral.pk))
    assert [e.data["to"] for e in moves.order_by("sequence")] == [
        "acknowledged",
        "first_contact",
        "started",
    ]
    assert AuditEvent.objects.filter(action="referral.sent", object_id=str(referral.pk)).exists()
    to_referrer = [m for m in mail.outbox if m.to == [world["tp"].email]]
    assert len(to_referrer) == 3
    for message in mail.outbox:
        text = message.subject + message.body
        assert referral.reference in text
        assert "Jordan" not in text
        assert "Safe Beds" not in text or message.to == [world["staff"].email]
        assert STORY not in text


def test_steps_move_forward_only_and_by_the_right_side(world):
    referral = send(world)
    with pytest.raises(ValidationFailed):
        committed(
            services.referral_move,
            actor=world["tp"],
            referral_id=referral.pk,
            status="acknowledged",
        )
    with pytest.raises(ValidationFailed):
        committed(
            services.referral_move,
            actor=world["staff"],
            referral_id=referral.pk,
            status="withdrawn",
        )
    with pytest.raises(ValidationFailed) as error:
        committed(
            services.referral_move, actor=world["staff"], referral_id=referral.pk, status="declined"
        )
    assert "why" in error.value.message
    # First contact before acknowledging: acknowledged takes the same time.
    committed(
        services.referral_move,
        actor=world["staff"],
        referral_id=referral.pk,
        status="first_contact",
    )
    referral.refresh_from_db()
    assert referral.acknowledged_at == referral.first_contact_at
    with pytest.raises(ValidationFailed):
        committed(
            services.referral_move,
            actor=world["staff"],
            referral_id=referral.pk,
            status="acknowledged",
        )
    committed(
        services.referral_move,
        actor=world["tp"],
        referral_id=referral.pk,
        status="withdrawn",
        note="Found a place",
    )
    referral.refresh_from_db()
    assert referral.status == Status.WITHDRAWN
    assert referral.closed_at is not None
    with pytest.raises(ValidationFailed):
        committed(
            services.referral_move, actor=world["staff"], referral_id=referral.pk, status="started"
        )


def test_declining_needs_a_reason_which_the_referrer_sees(client, world):
    referral = send(world)
    signed_in(client, world["staff"])
    url = reverse("referrals:move", args=[referral.pk])
    page = client.post(url, {"status": "declined", "note": ""}).content.decode()
    assert "Say why" in page
    client.post(url, {"status": "declined", "note": "We only take under-25s"})
    client.logout()
    signed_in(client, world["tp"])
    page = client.get(reverse("referrals:referral", args=[referral.pk])).content.decode()
    assert "We only take under-25s" in page
    assert "Declined" in page


def test_notes_are_seen_by_the_other_side(client, world):
    referral = send(world)
    committed(
        services.referral_note,
        actor=world["staff"],
        referral_id=referral.pk,
        body="Can he do Tuesday?",
    )
    assert any(m.to == [world["tp"].email] and "note" in m.body for m in mail.outbox)
    signed_in(client, world["tp"])
    page = client.get(reverse("referrals:referral", args=[referral.pk])).content.decode()
    assert "Can he do Tuesday?" in page
    response = client.post(reverse("referrals:note", args=[referral.pk]), {"body": ""})
    assert "Write your note" in response.content.decode()


def test_a_former_trusted_person_no_longer_sees_the_referral(client, world):
    referral = send(world)
    relationship = world["person"].relationships.get()
    relationship.ends_on = timezone.localdate()
    relationship.save()
    signed_in(client, world["tp"])
    assert client.get(reverse("referrals:referral", args=[referral.pk])).status_code == 404
    assert referral.reference not in client.get(reverse("referrals:sent")).content.decode()


def test_a_reminder_fires_after_the_response_time_once(world):
    referral = send(world)
    mail.outbox.clear()
    due = referral.response_due_at
    assert due - referral.sent_at == dt.timedelta(days=world["service"].response_days)
    assert committed(services.referral_reminders, now=due - dt.timedelta(minutes=1)) == 0
    assert mail.outbox == []
    assert committed(services.referral_reminders, now=due + dt.timedelta(minutes=1)) == 1
    assert [m.to for m in mail.outbox] == [[world["staff"].email]]
    assert referral.reference in mail.outbox[0].subject
    assert committed(services.referral_reminders, now=due + dt.timedelta(days=3)) == 0
    assert AuditEvent.objects.filter(action="referral.reminded").count() == 1


def test_no_reminder_once_acknowledged(world):
    referral = send(world)
    committed(
        services.referral_move, actor=world["staff"], referral_id=referral.pk, status="acknowledged"
    )
    mail.outbox.clear()
    later = referral.response_due_at + dt.timedelta(days=1)
    assert committed(services.referral_reminders, now=later) == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_the_deferred_reminder_task_runs_after_the_response_time(world, settings):
    """With the database task backend, sending queues a reminder to run at the response time;
    the worker leaves it until then, and then reminds."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    # The settings fixture resets django-tasks' backends, and puts them back afterwards.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    referral = send(world)
    queued = DBTaskResult.objects.get(task_path__endswith="remind_if_unacknowledged")
    assert queued.run_after == referral.response_due_at
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    referral.refresh_from_db()
    assert referral.reminded_at is None  # not yet due: the worker left it
    # Time passes: the task is due and the referral still unacknowledged.
    Referral.objects.filter(pk=referral.pk).update(
        response_due_at=timezone.now() - dt.timedelta(seconds=1)
    )
    DBTaskResult.objects.filter(pk=queued.pk).update(
        run_after=timezone.now() - dt.timedelta(seconds=1)
    )
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    referral.refresh_from_db()
    assert referral.reminded_at is not None
    assert AuditEvent.objects.filter(action="referral.reminded").count() == 1


def test_inbox_and_sent_lists_do_not_query_per_row(client, world, django_assert_max_num_queries):
    for _ in range(30):
        ReferralFactory(person=world["person"], service=world["service"])
    signed_in(client, world["staff"])
    with django_assert_max_num_queries(20):
        page = client.get(reverse("referrals:inbox")).content.decode()
    assert page.count("Jordan Example") == 25
    client.logout()
    signed_in(client, world["tp"])
    with django_assert_max_num_queries(20):
        page = client.get(reverse("referrals:sent")).content.decode()
    assert page.count("Jordan Example") == 25


def test_inbox_views_split_by_status(client, world):
    waiting = ReferralFactory(person=world["person"], service=world["service"])
    started = ReferralFactory(
        person=world["person"], service=world["service"], status=Status.STARTED
    )
    signed_in(client, world["staff"])
    page = client.get(reverse("referrals:inbox")).content.decode()
    assert waiting.reference in page and started.reference not in page
    page = client.get(reverse("referrals:inbox") + "?view=closed").content.decode()
    assert started.reference in page and waiting.reference not in page
    assert "Closed (1)" in page


def test_service_staff_of_two_organisations_see_both_inboxes(make_user, world):
    second = ServiceFactory()
    MembershipFactory(
        user=world["staff"], role=Role.SERVICE_STAFF, organisation=second.organisation
    )
    ReferralFactory(person=world["person"], service=second)
    ReferralFactory(person=world["person"], service=world["service"])
    from petal.referrals.selectors import inbox_page

    world["staff"].__dict__.pop("_petal_memberships", None)
    page, rows = inbox_page(world["staff"])
    assert {r.referral.organisation_id for r in rows} == {
        world["receiving"].pk,
        second.organisation_id,
    }


def test_the_reminders_command_reminds_overdue_referrals(world):
    from io import StringIO

    from django.core.management import call_command

    referral = send(world)
    Referral.objects.filter(pk=referral.pk).update(
        response_due_at=timezone.now() - dt.timedelta(minutes=5)
    )
    out = StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("referral_reminders", stdout=out)
    assert "Sent 1 referral reminder" in out.getvalue()
    referral.refresh_from_db()
    assert referral.reminded_at is not None


def test_the_person_page_lists_their_referrals_for_their_trusted_person(client, world):
    referral = send(world)
    signed_in(client, world["tp"])
    page = client.get(reverse("people:person", args=[world["person"].pk])).content.decode()
    assert referral.reference in page
    assert reverse("referrals:new") + f"?person={world['person'].pk}" in page


def test_reasons_on_the_timeline_are_hidden_with_the_person(client, world):
    referral = send(world)
    committed(
        services.referral_move,
        actor=world["tp"],
        referral_id=referral.pk,
        status="withdrawn",
        note="Jordan moved in with his sister",
    )
    signed_in(client, world["staff"])
    url = reverse("referrals:referral", args=[referral.pk])
    assert "moved in with his sister" in client.get(url).content.decode()
    consent_withdraw(actor=world["tp"], consent_id=world["consent"].pk, how="verbal")
    page = client.get(url).content.decode()
    assert "moved in with his sister" not in page
    assert "Withdrawn" in page
    api = client.get(f"/api/v1/referrals/{referral.pk}").json()
    assert all(e["body"] == "" for e in api["events"])
    assert [e["status"] for e in api["events"]] == ["sent", "withdrawn"]


def test_choosing_whom_to_refer_is_audited(client, world):
    signed_in(client, world["tp"])
    page = client.get(reverse("referrals:new")).content.decode()
    assert "Jordan Example" in page
    event = AuditEvent.objects.get(action="people.listed", actor_id=world["tp"].pk)
    assert event.data["people"] == [world["person"].pk]
