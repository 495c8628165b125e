"""Support connections and barriers raised in the network.

A trusted person asks a champion for support with a short note that must not name any of their
people (a covered person is chosen in the "about" field instead); names of people off their
caseload are never checked nor shown. A connection may point at a covered person, shown to the
champion only while the consent lasts (each showing audited); only the two sides see it. The
champion accepts or suggests another; either side closes it; neither reply nor closing note may
name the writer's people. A champion raises a barrier about the system, never a person."""

from __future__ import annotations

import pytest
from django.db import connection as db
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.champions.models import Champion, ConnectionStatus, NetworkBarrier, SupportConnection
from petal.champions.tests.factories import (
    ChampionFactory,
    SupportConnectionFactory,
    champion_user,
)
from petal.consent.models import WithdrawnHow
from petal.consent.services import consent_withdraw
from petal.consent.tests.factories import ConsentFactory
from petal.people.tests.factories import person_of
from petal.reference.models import Partnership

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):
    tp = make_user(Role.TRUSTED_PERSON)
    champ_user = champion_user()
    champion = Champion.objects.get(user=champ_user)
    covered = person_of(tp, full_name="Casey Covered")
    consent = ConsentFactory(person=covered, grantee_user=champ_user, recorded_by=tp)
    uncovered = person_of(tp, full_name="Umberto Pemberton")
    other_tp = make_user(Role.TRUSTED_PERSON)
    stranger = person_of(other_tp, full_name="Zebedee Quillfeather")
    return {
        "tp": tp,
        "champ_user": champ_user,
        "champion": champion,
        "covered": covered,
        "consent": consent,
        "uncovered": uncovered,
        "other_tp": other_tp,
        "stranger": stranger,
        "third": make_user(Role.TRUSTED_PERSON),
    }


def _ask(client, world, **data):
    client.force_login(world["tp"])
    form = {"kind": "support", "note": "How do I get a GP to register someone?", "person": ""}
    form.update(data)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("champions:connect", args=[world["champion"].pk]), form)


def _page(client, user, connection):
    client.force_login(user)
    return client.get(reverse("champions:connection", args=[connection.pk]))


# --- asking --------------------------------------------------------------------------------------


def test_the_person_choice_lists_only_people_whose_consent_covers_the_champion(client, world):
    client.force_login(world["tp"])
    html = client.get(reverse("champions:connect", args=[world["champion"].pk])).content.decode()
    assert "Casey Covered" in html
    assert "Umberto Pemberton" not in html and "Zebedee" not in html
    # The names listed are a read of those people: audited, naming exactly them.
    event = AuditEvent.objects.get(action="people.listed", actor_id=world["tp"].pk)
    assert event.data == {"context": "support connection", "people": [world["covered"].pk]}


def test_a_trusted_person_asks_and_the_champion_is_told(client, world, mailoutbox):
    response = _ask(client, world, person=str(world["covered"].pk))
    connection = SupportConnection.objects.get()
    assert response["Location"] == reverse("champions:connection", args=[connection.pk])
    assert connection.requested_by == world["tp"] and connection.person == world["covered"]
    assert connection.status == ConnectionStatus.REQUESTED
    assert AuditEvent.objects.filter(
        action="connection.requested", object_id=str(connection.pk)
    ).exists()
    assert [m.to for m in mailoutbox] == [[world["champ_user"].email]]
    assert "Casey" not in mailoutbox[0].body and "GP" not in mailoutbox[0].body


def test_a_note_naming_an_uncovered_person_on_the_caseload_is_refused(client, world):
    response = _ask(client, world, note="Umberto has lost his housing benefit")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Write this without naming Umberto Pemberton" in html
    assert "Umberto has lost his housing benefit" in html  # what was typed is kept
    assert not SupportConnection.objects.exists()


def test_a_name_off_the_caseload_is_never_checked_nor_shown(client, world):
    response = _ask(client, world, note="Quillfeather and Zebedee are just words to me")
    assert response.status_code == 302
    assert SupportConnection.objects.count() == 1
    # Another trusted person, whose person it is, is refused: proving the check is per author.
    client.force_login(world["other_tp"])
    response = client.post(
        reverse("champions:connect", args=[world["champion"].pk]),
        {"kind": "support", "note": "Zebedee needs help"},
    )
    assert "Zebedee Quillfeather" in response.content.decode()
    assert SupportConnection.objects.count() == 1


def test_a_covered_person_is_not_named_in_the_note_but_chosen_as_who_it_is_about(client, world):
    """A name in the note would stay in front of the champion after the consent ended; the
    "about" field is checked at every request."""
    response = _ask(client, world, note="Casey needs a GP")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Write this without naming Casey Covered" in html
    assert "choose them under ‘Is it about someone you support?’ instead" in html
    assert "Casey needs a GP" in html  # what was typed is kept
    assert not SupportConnection.objects.exists()
    response = _ask(client, world, note="Needs a GP", person=str(world["covered"].pk))
    assert response.status_code == 302
    assert SupportConnection.objects.get().person == world["covered"]


def test_sending_the_same_request_twice_keeps_one_and_tells_the_champion_once(
    client, world, mailoutbox
):
    first = _ask(client, world)
    second = _ask(client, world)
    connection = SupportConnection.objects.get()
    assert first["Location"] == second["Location"]
    assert [m.to for m in mailoutbox] == [[world["champ_user"].email]]
    assert AuditEvent.objects.filter(action="connection.requested").count() == 1
    # Once closed, or with another note, asking again is a new request.
    _ask(client, world, note="Another question about benefits")
    assert SupportConnection.objects.count() == 2
    connection.status = ConnectionStatus.CLOSED
    connection.save()
    _ask(client, world)
    assert SupportConnection.objects.count() == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"note": "x" * 1001}, "Your note must be 1,000 characters or fewer"),
        ({"note": ""}, "Enter a note to the champion"),
        ({"kind": "gossip"}, "Choose whether you are asking for support or raising a concern"),
        ({"person": "not-a-number"}, "Choose someone from the list, or no one"),
    ],
)
def test_bad_input_is_a_message_not_an_error_page(client, world, data, message):
    response = _ask(client, world, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SupportConnection.objects.exists()


def test_an_uncovered_person_cannot_be_pointed_at(client, world):
    response = _ask(client, world, person=str(world["uncovered"].pk))
    assert response.status_code == 200
    assert "Choose someone from the list" in response.content.decode()
    assert not SupportConnection.objects.exists()


def test_a_champion_cannot_ask_themself_and_bad_ids_are_404(client, world, make_user):
    both = champion_user()
    from petal.accounts.tests.factories import MembershipFactory

    MembershipFactory(user=both, role=Role.TRUSTED_PERSON)
    own = Champion.objects.get(user=both)
    client.force_login(both)
    response = client.post(
        reverse("champions:connect", args=[own.pk]), {"kind": "support", "note": "Hello"}
    )
    assert response.status_code == 302
    assert not SupportConnection.objects.exists()
    client.force_login(world["tp"])
    assert client.get(reverse("champions:connect", args=[999999])).status_code == 404
    assert client.get(reverse("champions:connection", args=[999999])).status_code == 404


# --- who sees the person -------------------------------------------------------------------------


def test_the_champion_sees_a_covered_person_until_consent_is_withdrawn(client, world):
    _ask(client, world, person=str(world["covered"].pk))
    connection = SupportConnection.objects.get()
    html = _page(client, world["champ_user"], connection).content.decode()
    assert "Casey Covered" in html
    read = AuditEvent.objects.get(action="connection.read")
    assert read.object_type == "people.person" and read.object_id == str(world["covered"].pk)
    assert read.categories == ["identity"] and read.actor_id == world["champ_user"].pk
    consent_withdraw(actor=world["tp"], consent_id=world["consent"].pk, how=WithdrawnHow.VERBAL)
    html = _page(client, world["champ_user"], connection).content.decode()
    assert "Casey Covered" not in html
    assert "Consent no longer covers you: details hidden" in html
    assert AuditEvent.objects.filter(action="connection.read").count() == 1
    # The requester always sees their own person, and that read is audited too.
    assert "Casey Covered" in _page(client, world["tp"], connection).content.decode()
    reads = AuditEvent.objects.filter(action="connection.read").order_by("sequence")
    assert [r.actor_id for r in reads] == [world["champ_user"].pk, world["tp"].pk]


def test_third_parties_get_404(client, world, make_user):
    connection = SupportConnectionFactory(
        requested_by=world["tp"], champion=world["champion"], person=world["covered"]
    )
    for outsider in (world["third"], make_user(Role.PROGRAMME_TEAM), champion_user()):
        assert _page(client, outsider, connection).status_code == 404
        for name in ("connection-respond", "connection-close"):
            url = reverse(f"champions:{name}", args=[connection.pk])
            assert client.post(url, {"decision": "accept", "note": ""}).status_code == 404
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.REQUESTED


# --- replying and closing ------------------------------------------------------------------------


def test_the_champion_accepts_and_the_requester_is_told(client, world, mailoutbox):
    connection = SupportConnectionFactory(requested_by=world["tp"], champion=world["champion"])
    client.force_login(world["champ_user"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("champions:connection-respond", args=[connection.pk]),
            {"decision": "accept", "message": "Call me on Tuesday"},
        )
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACCEPTED
    assert connection.response == "Call me on Tuesday"
    assert AuditEvent.objects.filter(action="connection.accepted").exists()
    assert [m.to for m in mailoutbox] == [[world["tp"].email]]
    assert "Tuesday" not in mailoutbox[0].body
    # Only the champion replies: the requester cannot.
    client.force_login(world["tp"])
    client.post(
        reverse("champions:connection-respond", args=[connection.pk]), {"decision": "accept"}
    )
    assert AuditEvent.objects.filter(action="connection.accepted").count() == 1


def test_the_champion_suggests_another_and_the_requester_can_ask_them(client, world):
    connection = SupportConnectionFactory(requested_by=world["tp"], champion=world["champion"])
    other = ChampionFactory(full_name="Olive Other")
    url = reverse("champions:connection-respond", args=[connection.pk])
    client.force_login(world["champ_user"])
    # Missing champion and reason: messages, not a 500.
    response = client.post(url, {"decision": "suggest"})
    html = response.content.decode()
    assert "Choose another champion from the directory" in html
    assert "Say why this champion may help more" in html
    # Suggesting themself is not offered, and refused if posted.
    assert f'value="{world["champion"].pk}"' not in html
    response = client.post(
        url, {"decision": "suggest", "suggested": world["champion"].pk, "message": "Me"}
    )
    assert "Choose a champion from the list" in response.content.decode()
    response = client.post(
        url, {"decision": "suggest", "suggested": other.pk, "message": "Olive knows housing"}
    )
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.SUGGESTED and connection.suggested == other
    assert AuditEvent.objects.filter(action="connection.suggested").exists()
    html = _page(client, world["tp"], connection).content.decode()
    assert "Olive Other" in html
    assert reverse("champions:connect", args=[other.pk]) in html


@pytest.mark.parametrize("side", ["tp", "champ_user"])
def test_either_side_closes_and_the_other_is_told(client, world, mailoutbox, side):
    connection = SupportConnectionFactory(requested_by=world["tp"], champion=world["champion"])
    client.force_login(world[side])
    url = reverse("champions:connection-close", args=[connection.pk])
    response = client.post(url, {"note": "x" * 1001})
    assert "Your note must be 1,000 characters or fewer" in response.content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client.post(url, {"note": "Sorted, thank you"}).status_code == 302
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.CLOSED
    assert connection.closed_by == world[side] and connection.closing_note == "Sorted, thank you"
    other = "champ_user" if side == "tp" else "tp"
    assert [m.to for m in mailoutbox] == [[world[other].email]]
    assert AuditEvent.objects.filter(action="connection.closed").count() == 1
    # Closed: closing again is a message, not a second event.
    response = client.post(url, {"note": ""})
    assert AuditEvent.objects.filter(action="connection.closed").count() == 1


def test_a_reply_naming_the_champions_own_person_is_refused_keeping_what_was_typed(client, world):
    person_of(world["champ_user"], full_name="Fenella Champsperson")
    connection = SupportConnectionFactory(requested_by=world["tp"], champion=world["champion"])
    other = ChampionFactory(full_name="Olive Other")
    url = reverse("champions:connection-respond", args=[connection.pk])
    client.force_login(world["champ_user"])
    for data in (
        {"decision": "accept", "message": "I helped Fenella with this last year"},
        {"decision": "suggest", "suggested": other.pk, "message": "Olive helped Fenella"},
    ):
        response = client.post(url, data)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Write this without naming Fenella Champsperson" in html
        assert data["message"] in html
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.REQUESTED and connection.response == ""
    # The requester's people are not the champion's to be checked against.
    response = client.post(url, {"decision": "accept", "message": "Umberto is a common name"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("side", "named"), [("tp", "Umberto Pemberton"), ("champ_user", "Fenella Champsperson")]
)
def test_a_closing_note_naming_the_writers_own_person_is_refused(client, world, side, named):
    person_of(world["champ_user"], full_name="Fenella Champsperson")
    connection = SupportConnectionFactory(requested_by=world["tp"], champion=world["champion"])
    client.force_login(world[side])
    note = f"All done for {named.split()[0]}"
    response = client.post(
        reverse("champions:connection-close", args=[connection.pk]), {"note": note}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Write this without naming {named}" in html and note in html
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.REQUESTED


def test_a_suggested_champion_no_longer_in_the_directory_is_not_offered(client, world):
    from petal.champions.services import champions as services

    other_user = champion_user()
    other = Champion.objects.get(user=other_user)
    connection = SupportConnectionFactory(
        requested_by=world["tp"],
        champion=world["champion"],
        status=ConnectionStatus.SUGGESTED,
        suggested=other,
    )
    ask = reverse("champions:connect", args=[other.pk])
    html = _page(client, world["tp"], connection).content.decode()
    assert f"Ask {other.full_name} instead" in html and ask in html
    services.champion_withdraw(actor=other_user, reason="")
    html = _page(client, world["tp"], connection).content.decode()
    assert ask not in html and other.full_name not in html
    assert "no longer in the champions directory" in html


def test_a_persons_own_sign_in_cannot_open_the_champion_pages(client, world):
    from petal.consent.tests.factories import make_individual

    connection = SupportConnectionFactory(requested_by=world["tp"], champion=world["champion"])
    client.force_login(make_individual())
    for url in (
        reverse("champions:profile"),
        reverse("champions:withdraw"),
        reverse("champions:connections"),
        reverse("champions:connection", args=[connection.pk]),
        reverse("champions:connection-respond", args=[connection.pk]),
        reverse("champions:connection-close", args=[connection.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_the_connections_page_shows_both_tables(client, world):
    asked = SupportConnectionFactory(requested_by=world["tp"], champion=world["champion"])
    client.force_login(world["champ_user"])
    html = client.get(reverse("champions:connections")).content.decode()
    assert "Asked of you" in html and asked.reference in html
    client.force_login(world["third"])
    assert asked.reference not in client.get(reverse("champions:connections")).content.decode()


def _list_queries(client, user) -> int:
    client.force_login(user)
    client.get(reverse("champions:connections"))
    with CaptureQueriesContext(db) as queries:
        assert client.get(reverse("champions:connections")).status_code == 200
    return len(queries)


def test_the_connections_list_does_not_query_per_row(client, world):
    def add(n):
        for _ in range(n):
            SupportConnectionFactory(
                requested_by=world["tp"],
                champion=ChampionFactory(),
                suggested=ChampionFactory(),
                status=ConnectionStatus.SUGGESTED,
            )
            SupportConnectionFactory(requested_by=world["third"], champion=world["champion"])

    # The trusted person is a champion too, so both tables fill.
    ChampionFactory(user=world["tp"], email=world["tp"].email)
    add(2)
    few = _list_queries(client, world["tp"])
    add(15)
    assert _list_queries(client, world["tp"]) == few


# --- barriers ------------------------------------------------------------------------------------


def _raise(client, world, **data):
    client.force_login(world["champ_user"])
    form = {
        "summary": "Housing forms need photo ID that people leaving prison rarely have",
        "detail": "",
        "services": "District council housing teams",
        "areas": ["homelessness", "criminal-justice"],
        "how_often": "Often",
        "on_behalf_of": "",
        # Neither the champion nor the trusted person belongs to a partnership: it is chosen.
        "partnership": str(Partnership.objects.get(slug="cambridgeshire").pk),
    }
    form.update(data)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("champions:barrier-new"), form)


def test_a_champion_raises_a_barrier_on_behalf_of_a_trusted_person(client, world, mailoutbox):
    SupportConnectionFactory(requested_by=world["tp"], champion=world["champion"])
    client.force_login(world["champ_user"])
    html = client.get(reverse("champions:barrier-new")).content.decode()
    assert world["tp"].full_name in html and world["third"].full_name not in html
    response = _raise(client, world, on_behalf_of=str(world["tp"].pk))
    assert response.status_code == 302
    barrier = NetworkBarrier.objects.get()
    assert barrier.raised_by == world["champ_user"] and barrier.on_behalf_of == world["tp"]
    assert barrier.barrier_ref.startswith("B-")  # raised on the governance ladder too
    assert {a.code for a in barrier.areas.all()} == {"homelessness", "criminal-justice"}
    assert AuditEvent.objects.filter(action="champion.barrier_raised").exists()
    assert [m.to for m in mailoutbox] == [[world["tp"].email]]
    html = client.get(reverse("champions:barriers")).content.decode()
    assert barrier.barrier_ref in html and "photo ID" in html


def test_a_barrier_for_someone_who_never_asked_is_refused(client, world):
    response = _raise(client, world, on_behalf_of=str(world["third"].pk))
    assert response.status_code == 200
    assert "Choose a trusted person from the list" in response.content.decode()
    assert not NetworkBarrier.objects.exists()


def test_a_barrier_naming_a_person_is_refused_without_saying_who(client, world):
    person_of(world["champ_user"], full_name="Fenella Champsperson")
    response = _raise(client, world, summary="Fenella cannot get a bank account")
    html = response.content.decode()
    assert "A barrier is about the system, never a named person" in html
    assert "Champsperson" not in html
    assert "Fenella cannot get a bank account" in html  # what was typed is kept
    assert not NetworkBarrier.objects.exists()
    # Someone on no one's caseload here: not checked.
    assert _raise(client, world, detail="Zebedee the council officer").status_code == 302


def test_a_barrier_is_not_checked_against_the_trusted_persons_caseload(client, world):
    """Checking it would let the champion find out, word by word, the names of people the
    trusted person supports whom the champion cannot see; the barriers issue checks again when
    the trusted person or coordinator takes it up."""
    SupportConnectionFactory(requested_by=world["tp"], champion=world["champion"])
    response = _raise(
        client, world, on_behalf_of=str(world["tp"].pk), detail="Umberto was turned away"
    )
    assert response.status_code == 302
    assert NetworkBarrier.objects.get().on_behalf_of == world["tp"]


def test_only_champions_raise_barriers(client, world):
    client.force_login(world["tp"])
    assert client.get(reverse("champions:barrier-new")).status_code == 403
    assert client.get(reverse("champions:barriers")).status_code == 403
