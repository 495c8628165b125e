"""The co-production register: people with lived experience who take part, where they took
part and the recognition they were given. It is the programme team's alone and every list and
read is audited; contact details are kept only while someone agrees to be contacted; the list
shows times taken part and recognition without a query per row; feedback gets a response and
is published only with one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.core.errors import Forbidden, ValidationFailed
from petal.programme.models import Contributor, Feedback, Participation, Recognition
from petal.programme.selectors import coproduction as selectors
from petal.programme.services import coproduction as services
from petal.programme.tests.factories import ContributorFactory, FeedbackFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 3, 14)


@pytest.fixture
def programme(make_user):
    return make_user(Role.PROGRAMME_TEAM)


def actions(action):
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


def take_part(contributor, n=1, kind="design_session"):
    for _ in range(n):
        Participation.objects.create(contributor=contributor, kind=kind, took_part_on=DAY)


def recognise(contributor, amount, kind="voucher"):
    Recognition.objects.create(
        contributor=contributor, kind=kind, amount=Decimal(amount), given_on=DAY
    )


# --- access and audit ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.GOVERNANCE_MEMBER, Role.TRUSTED_PERSON, Role.DATA_PROTECTION_LEAD]
)
def test_only_the_programme_team_reaches_the_register(client, make_user, role):
    person = ContributorFactory()
    client.force_login(make_user(role))
    for url in (
        reverse("coproduction:register"),
        reverse("coproduction:contributor", args=[person.pk]),
        reverse("coproduction:feedback"),
    ):
        assert client.get(url).status_code == 403
    with pytest.raises(Forbidden):
        selectors.register_list(make_user(role))
    with pytest.raises(Forbidden):
        services.contributor_add(actor=make_user(role), named_as="X", consent_to_contact=False)
    assert actions("coproduction.register_listed") == []


def test_every_list_and_read_is_audited(client, programme):
    person = ContributorFactory(named_as="Dee")
    feedback = FeedbackFactory(contributor=person)
    client.force_login(programme)
    client.get(reverse("coproduction:register"))
    client.get(reverse("coproduction:contributor", args=[person.pk]))
    client.get(reverse("coproduction:edit", args=[person.pk]))
    client.get(reverse("coproduction:feedback"))
    client.get(reverse("coproduction:feedback-item", args=[feedback.pk]))
    listed = actions("coproduction.register_listed")
    assert [e.data["list"] for e in listed] == ["register", "feedback"]
    assert all(e.actor_id == programme.pk for e in listed)
    read = actions("coproduction.contributor_read")
    assert [(e.object_id, e.data["purpose"]) for e in read] == [
        (str(person.pk), "read"),
        (str(person.pk), "change"),
        (str(person.pk), "feedback"),
    ]
    # The trail records that the entry was read, never what it says.
    assert all("dee" not in str(e.data).lower() for e in read)


def test_a_missing_entry_is_404(client, programme):
    client.force_login(programme)
    assert client.get(reverse("coproduction:contributor", args=[999999])).status_code == 404
    assert client.get(reverse("coproduction:feedback-item", args=[999999])).status_code == 404


# --- contact details only with agreement ----------------------------------------------------------


def test_contact_details_without_agreement_are_refused(client, programme):
    with pytest.raises(ValidationFailed) as refused:
        services.contributor_add(
            actor=programme, named_as="Sam", consent_to_contact=False, email="sam@example.org"
        )
    assert "consent_to_contact" in refused.value.field_errors
    client.force_login(programme)
    response = client.post(
        reverse("coproduction:new"),
        {"named_as": "Sam", "consent_to_contact": "no", "phone": "07700 900123"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Only keep contact details for someone who agreed to be contacted" in page
    assert "07700 900123" in page  # what was typed is kept
    assert "<title>Error:" in page
    assert not Contributor.objects.exists()


def test_agreeing_to_be_contacted_needs_the_date_it_was_recorded(programme):
    with pytest.raises(ValidationFailed) as refused:
        services.contributor_add(actor=programme, named_as="Sam", consent_to_contact=True)
    assert "consent_recorded_on" in refused.value.field_errors


def test_turning_agreement_off_clears_contact_details(client, programme):
    client.force_login(programme)
    response = client.post(
        reverse("coproduction:new"),
        {
            "named_as": "Sam",
            "consent_to_contact": "yes",
            "consent_recorded_on_0": "1",
            "consent_recorded_on_1": "2",
            "consent_recorded_on_2": "2024",
            "how_to_contact": "Text first",
            "email": "sam@example.org",
            "phone": "07700 900123",
        },
    )
    assert response.status_code == 302
    person = Contributor.objects.get()
    assert person.email == "sam@example.org"
    assert (person.created_by, person.consent_recorded_on) == (programme, dt.date(2024, 2, 1))
    # The change form still shows the old details; saving with "No" deletes them.
    response = client.post(
        reverse("coproduction:edit", args=[person.pk]),
        {
            "named_as": "Sam",
            "consent_to_contact": "no",
            "how_to_contact": "Text first",
            "email": "sam@example.org",
            "phone": "07700 900123",
            "active": "yes",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.how_to_contact, person.email, person.phone) == ("", "", "")
    assert person.consent_to_contact is False
    (changed,) = actions("coproduction.contributor_changed")
    assert changed.data["contact_details_cleared"] is True
    assert "sam@example.org" not in str(changed.data)
    page = client.get(reverse("coproduction:contributor", args=[person.pk])).content.decode()
    assert "sam@example.org" not in page
    # And once off, typing details again without agreement is refused.
    with pytest.raises(ValidationFailed):
        services.contributor_change(
            actor=programme,
            contributor_id=person.pk,
            named_as="Sam",
            consent_to_contact=False,
            email="sam@example.org",
        )


def test_a_bad_email_is_refused_on_the_form(client, programme):
    client.force_login(programme)
    response = client.post(
        reverse("coproduction:new"),
        {
            "named_as": "Sam",
            "consent_to_contact": "yes",
            "consent_recorded_on_0": "1",
            "consent_recorded_on_1": "2",
            "consent_recorded_on_2": "2024",
            "email": "not an email",
        },
    )
    assert response.status_code == 200
    assert "Enter an email address in the correct format" in response.content.decode()


# --- taking part, recognition, the register list ---------------------------------------------------


def test_recording_taking_part_and_recognition(client, programme):
    person = ContributorFactory()
    client.force_login(programme)
    response = client.post(
        reverse("coproduction:participation-new", args=[person.pk]),
        {
            "kind": "tactical_group",
            "took_part_on_0": "14",
            "took_part_on_1": "3",
            "took_part_on_2": "2024",
            "description": "Spoke about letters",
        },
    )
    assert response.status_code == 302
    participation = Participation.objects.get()
    assert participation.get_kind_display() == "Tactical Group meeting"
    response = client.post(
        reverse("coproduction:recognition-new", args=[person.pk]),
        {
            "kind": "voucher",
            "amount": "£25",
            "given_on_0": "14",
            "given_on_1": "3",
            "given_on_2": "2024",
            "participation": str(participation.pk),
        },
    )
    assert response.status_code == 302
    recognition = Recognition.objects.get()
    assert recognition.amount == Decimal("25.00")
    assert recognition.participation == participation
    assert len(actions("coproduction.participation_recorded")) == 1
    assert len(actions("coproduction.recognition_recorded")) == 1


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("", "Enter the amount in pounds"),
        ("lots", "Enter the amount in pounds, like 25 or 12.50"),
        ("-5", "more than £0"),
        ("0", "more than £0"),
        ("12.345", "pounds and pence"),
        ("1000000", "£99,999.99 or less"),
        ("NaN", "more than £0"),
    ],
)
def test_a_bad_amount_gets_a_clear_message(client, programme, amount, message):
    person = ContributorFactory()
    client.force_login(programme)
    response = client.post(
        reverse("coproduction:recognition-new", args=[person.pk]),
        {
            "kind": "payment",
            "amount": amount,
            "given_on_0": "1",
            "given_on_1": "1",
            "given_on_2": "2024",
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Recognition.objects.exists()


def test_recognition_cannot_name_someone_elses_taking_part(programme):
    person, other = ContributorFactory(), ContributorFactory()
    take_part(other)
    with pytest.raises(ValidationFailed) as refused:
        services.recognition_record(
            actor=programme,
            contributor_id=person.pk,
            kind="voucher",
            amount="10",
            given_on=DAY,
            participation_id=Participation.objects.get().pk,
        )
    assert "participation" in refused.value.field_errors


def test_the_register_shows_times_taken_part_and_recognition_and_totals_by_kind(client, programme):
    ana, ben, cal = (ContributorFactory(named_as=n) for n in ("Ana", "Ben", "Cal"))
    take_part(ana, 3)
    take_part(ben, 1)
    recognise(ana, "25.00")
    recognise(ana, "30.50", kind="payment")
    recognise(ben, "12.40", kind="expenses")
    register = selectors.register_list(programme)
    rows = {c.named_as: (c.times_taken_part, c.total_recognition) for c in register.page}
    assert rows == {
        "Ana": (3, Decimal("55.50")),
        "Ben": (1, Decimal("12.40")),
        "Cal": (0, Decimal("0")),
    }
    assert dict(register.totals["by_kind"]) == {
        "Voucher": Decimal("25.00"),
        "Payment": Decimal("30.50"),
        "Expenses": Decimal("12.40"),
    }
    assert register.totals["total"] == Decimal("67.90")
    client.force_login(programme)
    page = client.get(reverse("coproduction:register")).content.decode()
    assert "£55.50" in page
    assert "£67.90" in page
    assert cal.named_as in page


def test_the_register_and_feedback_lists_make_no_query_per_row(client, programme):
    client.force_login(programme)
    for _ in range(2):
        person = ContributorFactory()
        take_part(person, 2)
        recognise(person, "10")
        FeedbackFactory(contributor=person)
    client.get(reverse("coproduction:register"))
    client.get(reverse("coproduction:feedback"))
    with CaptureQueriesContext(connection) as few_register:
        client.get(reverse("coproduction:register"))
    with CaptureQueriesContext(connection) as few_feedback:
        client.get(reverse("coproduction:feedback"))
    for _ in range(10):
        person = ContributorFactory()
        take_part(person, 2)
        recognise(person, "10")
        FeedbackFactory(contributor=person)
        FeedbackFactory(contributor=None)
    with CaptureQueriesContext(connection) as many_register:
        page = client.get(reverse("coproduction:register")).content.decode()
    with CaptureQueriesContext(connection) as many_feedback:
        client.get(reverse("coproduction:feedback"))
    assert len(many_register) == len(few_register)
    assert len(many_feedback) == len(few_feedback)
    assert "12 people in the register" in page


# --- feedback ------------------------------------------------------------------------------------


def test_feedback_is_recorded_responded_to_and_published_only_with_a_response(client, programme):
    person = ContributorFactory()
    client.force_login(programme)
    response = client.post(
        reverse("coproduction:feedback-new"),
        {
            "contributor": str(person.pk),
            "received_on_0": "1",
            "received_on_1": "6",
            "received_on_2": "2023",
            "where": "Design session",
            "said": "Letters arrive after the appointment.",
        },
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.contributor == person
    url = reverse("coproduction:feedback-publish", args=[feedback.pk])
    response = client.post(url, {"publish": "yes"})
    assert response.status_code == 200
    assert "Record what we did in response before publishing it" in response.content.decode()
    feedback.refresh_from_db()
    assert feedback.published_at is None

    response = client.post(
        reverse("coproduction:feedback-item", args=[feedback.pk]),
        {
            "response": "Reminders now go by text a week before.",
            "responded_on_0": "1",
            "responded_on_1": "5",
            "responded_on_2": "2023",
        },
    )
    assert response.status_code == 200
    assert "on or after the date it was received" in response.content.decode()
    response = client.post(
        reverse("coproduction:feedback-item", args=[feedback.pk]),
        {
            "response": "Reminders now go by text a week before.",
            "responded_on_0": "1",
            "responded_on_1": "7",
            "responded_on_2": "2023",
        },
    )
    assert response.status_code == 302
    assert client.post(url, {"publish": "yes"}).status_code == 302
    feedback.refresh_from_db()
    assert feedback.published_at is not None
    assert client.post(url, {"publish": "no"}).status_code == 302
    feedback.refresh_from_db()
    assert feedback.published_at is None
    for action in ("feedback.recorded", "feedback.responded"):
        assert len(actions(action)) == 1
    assert len(actions("feedback.published")) == 1
    assert len(actions("feedback.unpublished")) == 1


def test_anonymous_feedback_and_someone_not_in_the_list_is_refused(programme):
    feedback = services.feedback_record(
        actor=programme, contributor_id=None, received_on=DAY, said="Too many forms."
    )
    assert feedback.contributor is None
    with pytest.raises(ValidationFailed) as refused:
        services.feedback_record(actor=programme, contributor_id=999999, received_on=DAY, said="x")
    assert "contributor" in refused.value.field_errors
