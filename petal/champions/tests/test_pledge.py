"""The pledge: anyone signs it (a visitor with their name, organisation and email, or a signed-in
worker from their sign-in); a visitor's pledge counts only once they follow the link emailed to
them, and the public form answers every visitor alike (it never tells who is a champion); the
programme team approves or declines; approval gives the champion role (a new sign-in with an
emailed invitation for a visitor); a champion changes their entry or withdraws, which ends the
role and closes their open connections."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from petal.access.roles import Role
from petal.accounts.models import Membership, User
from petal.accounts.tests.factories import MembershipFactory, OrganisationFactory
from petal.audit.models import AuditEvent
from petal.champions.models import Champion, ChampionStatus, ConnectionStatus
from petal.champions.services import champions as services
from petal.champions.tests.factories import (
    ChampionFactory,
    SupportConnectionFactory,
    TopicFactory,
    champion_user,
)
from petal.site.models import Page

pytestmark = pytest.mark.django_db

PLEDGE = reverse("champions:pledge")


def _visitor_form(org=None, **overrides) -> dict:
    data = {
        "full_name": "Robin Ashdown",
        "email": "Robin.Ashdown@Example.org",
        "organisation": str(org.pk) if org else "not-listed",
        "organisation_name": "" if org else "Wisbech Community Pantry",
        "job_title": "Outreach worker",
        "district": "fenland",
        "areas": ["homelessness", "mental-health"],
        "skills": ["benefits"],
        "help_with": "Getting someone registered with a GP without an address",
        "how_to_reach": "Email me, Mondays and Tuesdays",
        "phone": "01945 000000",
        "listed": "on",
        "pledged": "on",
        "website": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def team(make_user):
    return make_user(Role.PROGRAMME_TEAM)


def _sign(client, data):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(PLEDGE, data)


CONFIRM_SUBJECT = "Confirm your Trusted Person Champions pledge"


def _link_in(message) -> str:
    """The confirmation link's path, from the email sent to the visitor."""
    found = re.search(r"https?://[^/\s]+(/champions/pledge/confirm/\S+)", message.body)
    assert found, message.body
    return found.group(1)


def _confirm(client, path):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.get(path)


def _sign_and_confirm(client, data=None):
    """A visitor signs and follows the link emailed to them: the pledge now waits."""
    sent = len(mail.outbox)
    _sign(client, data or _visitor_form())
    email = next(m for m in mail.outbox[sent:] if m.subject == CONFIRM_SUBJECT)
    response = _confirm(client, _link_in(email))
    assert "Your email address is confirmed" in response.content.decode()
    return Champion.objects.get(email=email.to[0], status=ChampionStatus.PENDING)


# --- the public page -----------------------------------------------------------------------------


def test_the_pledge_page_shows_the_editable_text_and_counts_only_approved_champions(client):
    Page.objects.filter(slug="champions-pledge").update(body="I pledge to **listen first**.")
    shared = OrganisationFactory()
    ChampionFactory(organisation=shared)
    ChampionFactory(organisation=shared)
    # Two visitors who typed the same organisation, in different cases: one organisation.
    ChampionFactory(organisation=None, organisation_name="Acme Trust")
    ChampionFactory(organisation=None, organisation_name="acme trust")
    ChampionFactory(status=ChampionStatus.PENDING, user=None, email="pending@example.org")
    ChampionFactory(status=ChampionStatus.WITHDRAWN)
    ChampionFactory(status=ChampionStatus.DECLINED)
    html = client.get(PLEDGE).content.decode()
    assert "<strong>listen first</strong>" in html
    assert "<strong>4 champions</strong> in <strong>2 organisations</strong>" in html
    assert "Edit the pledge" not in html
    assert 'name="full_name"' in html and 'name="email"' in html


def test_the_programme_team_gets_a_link_to_edit_the_pledge(client, team):
    client.force_login(team)
    html = client.get(PLEDGE).content.decode()
    assert "Edit the pledge" in html
    assert reverse("site:page-edit", kwargs={"slug": "champions-pledge"}) in html


# --- signing -------------------------------------------------------------------------------------


def test_a_visitor_signs_and_is_emailed_a_link_before_the_pledge_counts(client, team, mailoutbox):
    body = Page.objects.get(slug="champions-pledge").body
    response = _sign(client, _visitor_form())
    assert response.status_code == 302
    assert response["Location"] == reverse("champions:pledge-signed")
    champion = Champion.objects.get()
    assert champion.status == ChampionStatus.UNCONFIRMED
    assert champion.user is None
    assert champion.email == "robin.ashdown@example.org"
    assert champion.organisation is None
    assert champion.organisation_name == "Wisbech Community Pantry"
    assert champion.district.code == "fenland"
    assert champion.partnership.slug == "fenland-east-cambridgeshire"
    assert {a.code for a in champion.areas.all()} == {"homelessness", "mental-health"}
    assert [s.slug for s in champion.skills.all()] == ["benefits"]
    assert champion.pledge_text == body
    # Nothing counts yet: no signature recorded, the programme team not told, only the visitor
    # emailed, at the address they typed.
    assert not AuditEvent.objects.filter(action="champion.pledge_signed").exists()
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["robin.ashdown@example.org"], CONFIRM_SUBJECT)
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Check your email" in page and "What happens next" in page


def test_following_the_link_confirms_and_tells_the_programme_team_without_details(
    client, team, mailoutbox
):
    _sign(client, _visitor_form())
    link = _link_in(mailoutbox[0])
    mailoutbox.clear()
    response = _confirm(client, link)
    assert response.status_code == 200
    assert "Your email address is confirmed" in response.content.decode()
    champion = Champion.objects.get()
    assert champion.status == ChampionStatus.PENDING
    event = AuditEvent.objects.get(action="champion.pledge_signed")
    assert event.object_id == str(champion.pk) and event.actor_id is None
    assert [m.to for m in mailoutbox] == [[team.email]]
    message = mailoutbox[0].body
    assert reverse("champions:pledges") in message
    for detail in ("Robin", "Ashdown", "robin.ashdown", "Pantry", "Outreach"):
        assert detail not in message and detail not in mailoutbox[0].subject
    # Following it again changes nothing and tells no one twice.
    mailoutbox.clear()
    again = _confirm(client, link)
    assert "Your email address is confirmed" in again.content.decode()
    assert AuditEvent.objects.filter(action="champion.pledge_signed").count() == 1
    assert mailoutbox == []


def test_an_unconfirmed_pledge_is_nowhere_the_programme_team_or_the_user_would_see_it(
    client, team, make_user
):
    worker = make_user(Role.TRUSTED_PERSON)
    # Someone typed this worker's email on the public form and never followed the link.
    unconfirmed = ChampionFactory(
        user=None,
        status=ChampionStatus.UNCONFIRMED,
        email=worker.email,
        full_name="Ursula Unconfirmed",
        decided_at=None,
    )
    from petal.champions.selectors.champions import current_pledge_for, pledge_counts

    assert current_pledge_for(worker) is None
    assert pledge_counts()["champions"] == 0
    client.force_login(worker)
    html = client.get(PLEDGE).content.decode()
    assert 'name="pledged"' in html  # they may sign: nothing is theirs yet
    client.force_login(team)
    assert "Ursula" not in client.get(reverse("champions:pledges")).content.decode()
    review = reverse("champions:pledge-review", args=[unconfirmed.pk])
    assert client.get(review).status_code == 404
    assert client.post(review, {"decision": "approve"}).status_code == 404
    unconfirmed.refresh_from_db()
    assert unconfirmed.status == ChampionStatus.UNCONFIRMED
    # And the worker signing now is not refused by the stranger's row.
    client.force_login(worker)
    assert _sign(client, _visitor_form(worker.memberships.get().organisation)).status_code == 302
    assert current_pledge_for(worker).status == ChampionStatus.PENDING


def test_the_pledge_text_is_kept_as_it_read_when_signed(client):
    _sign(client, _visitor_form())
    Page.objects.filter(slug="champions-pledge").update(body="A new version.")
    assert Champion.objects.get().pledge_text != "A new version."


def test_a_bot_filling_the_hidden_field_is_thanked_and_nothing_is_kept(client, team, mailoutbox):
    response = _sign(client, _visitor_form(website="http://spam.example"))
    assert response.status_code == 302
    assert not Champion.objects.exists()
    assert mailoutbox == []


def test_the_form_answers_alike_whether_or_not_the_email_is_a_champion_or_a_sign_in(
    client, mailoutbox
):
    """Nothing on screen tells a visitor whether an email address belongs to a champion (or to
    a Petal sign-in): the same redirect, the same page. The address's owner is emailed."""
    from petal.accounts.tests.factories import UserFactory

    ChampionFactory(user=None, status=ChampionStatus.PENDING, email="pending@example.org")
    approved = MembershipFactory(role=Role.CHAMPION, user__email="approved@example.org").user
    ChampionFactory(user=approved)
    UserFactory(email="staff.member@example.org")
    pages = {}
    for email in (
        "pending@example.org",
        "approved@example.org",
        "staff.member@example.org",
        "nobody@example.org",
    ):
        response = _sign(client, _visitor_form(email=email.upper()))
        assert response.status_code == 302
        html = client.get(response["Location"]).content.decode()
        # The page's main content (the whole page differs only by its per-response nonces).
        pages[email] = (response["Location"], re.search(r"<main.*</main>", html, re.S).group(0))
    assert len(set(pages.values())) == 1
    assert "Check your email" in pages["nobody@example.org"][1]
    # The current pledges were not signed a second time; the others wait for their link.
    assert Champion.objects.filter(email="pending@example.org").count() == 1
    assert Champion.objects.filter(email="approved@example.org").count() == 1
    for email in ("staff.member@example.org", "nobody@example.org"):
        assert Champion.objects.get(email=email).status == ChampionStatus.UNCONFIRMED
    subjects = {m.to[0]: m.subject for m in mailoutbox}
    assert subjects == {
        "pending@example.org": "You have already signed the pledge",
        "approved@example.org": "You have already signed the pledge",
        "staff.member@example.org": CONFIRM_SUBJECT,
        "nobody@example.org": CONFIRM_SUBJECT,
    }
    already = next(m for m in mailoutbox if m.to == ["pending@example.org"])
    assert "/confirm/" not in already.body


def test_a_link_for_an_email_that_meanwhile_has_a_pledge_is_refused_kindly(client, mailoutbox):
    _sign(client, _visitor_form())
    _sign(client, _visitor_form(job_title="Second go"))
    first, second = (_link_in(m) for m in mailoutbox)
    assert Champion.objects.filter(status=ChampionStatus.UNCONFIRMED).count() == 2
    _confirm(client, first)
    response = _confirm(client, second)
    assert response.status_code == 200
    html = response.content.decode()
    assert "You have already signed the pledge with this email address" in html
    assert Champion.objects.filter(status=ChampionStatus.PENDING).count() == 1
    assert Champion.objects.get(job_title="Second go").status == ChampionStatus.UNCONFIRMED
    assert AuditEvent.objects.filter(action="champion.pledge_signed").count() == 1


def test_an_expired_or_bad_link_is_a_clear_page_not_an_error(client, monkeypatch):
    from django.core import signing

    _sign(client, _visitor_form())
    champion = Champion.objects.get()
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now - 8 * 24 * 3600)
    old = services.pledge_token(champion)
    monkeypatch.undo()
    html = _confirm(client, reverse("champions:pledge-confirm", args=[old])).content.decode()
    assert "This link has expired" in html
    forged = signing.TimestampSigner(salt="another.salt").sign(str(champion.pk))
    not_a_number = signing.TimestampSigner(salt=services.PLEDGE_SALT).sign("x")
    for token in ("not-a-token", forged, not_a_number, old[:-2]):
        response = _confirm(client, reverse("champions:pledge-confirm", args=[token]))
        assert response.status_code == 200
        assert "This link is not valid" in response.content.decode()
    champion.refresh_from_db()
    assert champion.status == ChampionStatus.UNCONFIRMED
    # A fresh link still works.
    fresh = reverse("champions:pledge-confirm", args=[services.pledge_token(champion)])
    assert "Your email address is confirmed" in _confirm(client, fresh).content.decode()


def test_a_decided_pledges_link_no_longer_works(client):
    champion = ChampionFactory(user=None, status=ChampionStatus.DECLINED)
    link = reverse("champions:pledge-confirm", args=[services.pledge_token(champion)])
    html = _confirm(client, link).content.decode()
    assert "already been decided" in html
    champion.refresh_from_db()
    assert champion.status == ChampionStatus.DECLINED


def test_a_declined_pledge_does_not_stop_signing_again(client):
    ChampionFactory(user=None, status=ChampionStatus.DECLINED, email="robin.ashdown@example.org")
    _sign_and_confirm(client)
    assert Champion.objects.filter(status=ChampionStatus.PENDING).count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"listed": ""}, "Agree to be listed in the champions directory"),
        ({"pledged": ""}, "I sign the pledge"),
        ({"full_name": ""}, "Enter your full name"),
        ({"email": "not an email"}, "Enter an email address in the correct format"),
        ({"organisation_name": ""}, "Enter the name of your organisation"),
        ({"organisation": "999999"}, "Choose your organisation from the list"),
        ({"district": "atlantis"}, "Choose a district from the list"),
        ({"areas": ["nonsense"]}, "Choose from the areas listed"),
        ({"help_with": "x" * 1001}, "1,000 characters or fewer"),
        ({"help_with": ""}, "Enter what you can help with"),
    ],
)
def test_bad_input_is_a_message_on_the_form_not_an_error_page(client, overrides, message):
    response = _sign(client, _visitor_form(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Champion.objects.exists()


def test_a_signed_in_worker_signs_with_their_own_name_and_email(client, make_user):
    worker = make_user(Role.TRUSTED_PERSON)
    organisation = worker.memberships.get().organisation
    client.force_login(worker)
    html = client.get(PLEDGE).content.decode()
    assert 'name="full_name"' not in html and 'name="email"' not in html
    assert worker.email in html
    assert f'value="{organisation.pk}" selected' in html  # their organisation suggested
    data = _visitor_form(organisation, full_name="Someone Else", email="else@example.org")
    assert _sign(client, data).status_code == 302
    champion = Champion.objects.get()
    assert champion.user == worker
    assert (champion.full_name, champion.email) == (worker.full_name, worker.email)
    assert champion.organisation == organisation
    html = client.get(PLEDGE).content.decode()
    assert "The programme team will look at it" in html
    assert 'name="pledged"' not in html


def test_an_approved_champion_sees_they_are_a_champion(client):
    user = champion_user()
    client.force_login(user)
    html = client.get(PLEDGE).content.decode()
    assert "You are a champion" in html
    assert reverse("champions:profile") in html and reverse("champions:withdraw") in html
    assert 'name="pledged"' not in html


# --- the programme team's queue ------------------------------------------------------------------


def test_only_the_programme_team_sees_the_queue(client, make_user, team):
    pending = ChampionFactory(
        user=None, status=ChampionStatus.PENDING, full_name="Pat Pending", email="pat@example.org"
    )
    ChampionFactory(full_name="Alex Approved", decided_at=None)
    client.force_login(make_user(Role.CHAMPION))
    assert client.get(reverse("champions:pledges")).status_code == 403
    client.force_login(team)
    html = client.get(reverse("champions:pledges")).content.decode()
    assert "Pat Pending" in html
    review = client.get(reverse("champions:pledge-review", args=[pending.pk]))
    assert "Pat Pending" in review.content.decode()
    assert client.get(reverse("champions:pledge-review", args=[999999])).status_code == 404


def test_a_visitor_approved_gets_a_sign_in_with_the_champion_role_and_an_invitation(
    client, team, mailoutbox
):
    champion = _sign_and_confirm(client)
    organisation = OrganisationFactory(name="Wisbech Community Pantry CIC")
    mailoutbox.clear()
    client.force_login(team)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("champions:pledge-review", args=[champion.pk]),
            {"decision": "approve", "organisation": organisation.pk},
        )
    assert response.status_code == 302
    champion.refresh_from_db()
    user = User.objects.get(email="robin.ashdown@example.org")
    assert champion.status == ChampionStatus.APPROVED
    assert champion.user == user and champion.organisation == organisation
    assert champion.decided_by == team
    assert Membership.objects.filter(
        user=user, role=Role.CHAMPION, organisation=organisation, ended_at__isnull=True
    ).exists()
    assert not user.has_usable_password()
    invitation = next(m for m in mailoutbox if "/password-reset/" in m.body)
    assert invitation.to == [user.email]
    assert AuditEvent.objects.filter(
        action="champion.approved", object_id=str(champion.pk)
    ).exists()
    assert any("approved" in m.subject for m in mailoutbox if m.to == [user.email])
    # And they are in the directory.
    client.force_login(user)
    assert "Robin Ashdown" in client.get(reverse("champions:directory")).content.decode()


def test_an_existing_sign_in_gets_the_role_without_a_new_sign_in(client, team, mailoutbox):
    worker = MembershipFactory(role=Role.SERVICE_STAFF).user
    champion = ChampionFactory(
        user=None, status=ChampionStatus.PENDING, email=worker.email.upper(), organisation=None
    )
    users = User.objects.count()
    services.pledge_approve(actor=team, champion_id=champion.pk, organisation=None)
    champion.refresh_from_db()
    assert User.objects.count() == users
    assert champion.user == worker
    assert Membership.objects.filter(user=worker, role=Role.CHAMPION, ended_at=None).count() == 1
    assert not any("/password-reset/" in m.body for m in mailoutbox)


def test_the_review_page_says_when_the_email_already_has_a_sign_in(client, team):
    worker = MembershipFactory(role=Role.SERVICE_STAFF).user
    theirs = ChampionFactory(user=None, status=ChampionStatus.PENDING, email=worker.email)
    stranger = ChampionFactory(user=None, status=ChampionStatus.PENDING)
    client.force_login(team)
    said = "This email already has a Petal sign-in: approving gives that sign-in the champion role"
    html = client.get(reverse("champions:pledge-review", args=[theirs.pk])).content.decode()
    assert said in html
    html = client.get(reverse("champions:pledge-review", args=[stranger.pk])).content.decode()
    assert said not in html


def test_a_pledge_whose_sign_in_is_turned_off_cannot_be_approved(client, team):
    worker = MembershipFactory(role=Role.SERVICE_STAFF).user
    worker.is_active = False
    worker.save(update_fields=["is_active"])
    champion = ChampionFactory(user=None, status=ChampionStatus.PENDING, email=worker.email)
    client.force_login(team)
    url = reverse("champions:pledge-review", args=[champion.pk])
    assert "is turned off" in client.get(url).content.decode()
    response = client.post(url, {"decision": "approve"})
    assert response.status_code == 200
    assert "a Petal sign-in that is turned off" in response.content.decode()
    champion.refresh_from_db()
    assert champion.status == ChampionStatus.PENDING
    assert not Membership.objects.filter(user=worker, role=Role.CHAMPION).exists()


def test_approval_does_not_give_the_role_twice(team):
    membership = MembershipFactory(role=Role.CHAMPION)
    champion = ChampionFactory(
        user=membership.user, status=ChampionStatus.PENDING, organisation=None
    )
    services.pledge_approve(
        actor=team, champion_id=champion.pk, organisation=membership.organisation
    )
    assert Membership.objects.filter(user=membership.user, role=Role.CHAMPION).count() == 1


def test_a_persons_own_sign_in_cannot_be_made_a_champion(client, team):
    from petal.consent.tests.factories import make_individual

    individual = make_individual()
    champion = ChampionFactory(user=None, status=ChampionStatus.PENDING, email=individual.email)
    client.force_login(team)
    response = client.post(
        reverse("champions:pledge-review", args=[champion.pk]), {"decision": "approve"}
    )
    assert response.status_code == 200
    assert "cannot be given the champion role" in response.content.decode()
    champion.refresh_from_db()
    assert champion.status == ChampionStatus.PENDING


def test_declining_needs_a_reason_and_tells_them(client, team, mailoutbox):
    champion = ChampionFactory(
        user=None, status=ChampionStatus.PENDING, email="someone@example.org"
    )
    client.force_login(team)
    url = reverse("champions:pledge-review", args=[champion.pk])
    response = client.post(url, {"decision": "decline", "reason": ""})
    assert response.status_code == 200
    assert "Enter why the pledge is not approved" in response.content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, {"decision": "decline", "reason": "Not working in the area"})
    assert response.status_code == 302
    champion.refresh_from_db()
    assert champion.status == ChampionStatus.DECLINED
    assert champion.decision_reason == "Not working in the area"
    assert AuditEvent.objects.filter(action="champion.declined").exists()
    assert [m.to for m in mailoutbox] == [["someone@example.org"]]
    assert "Not working in the area" not in mailoutbox[0].body
    # Decided: a second decision is refused calmly.
    again = client.post(url, {"decision": "approve"})
    assert again.status_code == 302
    champion.refresh_from_db()
    assert champion.status == ChampionStatus.DECLINED


def test_the_programme_team_removes_a_champion_with_a_reason(client, team):
    user = champion_user()
    champion = Champion.objects.get(user=user)
    client.force_login(team)
    url = reverse("champions:pledge-review", args=[champion.pk])
    response = client.post(url, {"reason": ""})
    assert "Enter why they are removed" in response.content.decode()
    assert client.post(url, {"reason": "Left the organisation"}).status_code == 302
    champion.refresh_from_db()
    assert champion.status == ChampionStatus.WITHDRAWN
    assert champion.withdrawal_reason == "Left the organisation"
    assert not Membership.objects.filter(user=user, role=Role.CHAMPION, ended_at=None).exists()
    event = AuditEvent.objects.get(action="champion.withdrawn")
    assert event.data["by_programme_team"] is True


# --- a champion's own entry ----------------------------------------------------------------------


def test_a_champion_changes_their_entry_but_not_their_name(client):
    user = champion_user()
    champion = Champion.objects.get(user=user)
    TopicFactory(slug="housing-applications")
    client.force_login(user)
    html = client.get(reverse("champions:profile")).content.decode()
    assert 'name="full_name"' not in html and 'name="email"' not in html
    response = client.post(
        reverse("champions:profile"),
        {
            "full_name": "A New Name",
            "job_title": "Team leader",
            "district": "peterborough",
            "areas": ["criminal-justice"],
            "skills": ["housing-applications"],
            "help_with": "Probation appointments",
            "how_to_reach": "Phone me",
            "phone": "",
        },
    )
    assert response.status_code == 302
    champion.refresh_from_db()
    assert champion.full_name == user.full_name
    assert champion.job_title == "Team leader"
    assert champion.partnership.slug == "peterborough"
    assert [s.slug for s in champion.skills.all()] == ["housing-applications"]
    assert AuditEvent.objects.filter(action="champion.profile_updated").exists()


def test_without_an_entry_the_page_points_to_the_pledge(client, make_user):
    client.force_login(make_user(Role.TRUSTED_PERSON))
    html = client.get(reverse("champions:profile")).content.decode()
    assert reverse("champions:pledge") in html and 'name="job_title"' not in html
    assert client.get(reverse("champions:withdraw")).status_code == 302


def test_withdrawing_ends_the_role_closes_connections_and_tells_the_requesters(client, mailoutbox):
    user = champion_user()
    champion = Champion.objects.get(user=user)
    open_one = SupportConnectionFactory(champion=champion)
    accepted = SupportConnectionFactory(champion=champion, status=ConnectionStatus.ACCEPTED)
    closed = SupportConnectionFactory(champion=champion, status=ConnectionStatus.CLOSED)
    client.force_login(user)
    assert "Withdraw from the pledge" in client.get(reverse("champions:withdraw")).content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("champions:withdraw"), {"reason": "Changing jobs"})
    assert response.status_code == 302
    champion.refresh_from_db()
    assert champion.status == ChampionStatus.WITHDRAWN and champion.withdrawn_at
    assert champion.withdrawal_reason == "Changing jobs"
    assert not Membership.objects.filter(user=user, role=Role.CHAMPION, ended_at=None).exists()
    for connection in (open_one, accepted):
        connection.refresh_from_db()
        assert connection.status == ConnectionStatus.CLOSED
        assert "withdrew" in connection.closing_note
    told = sorted(m.to[0] for m in mailoutbox)
    assert told == sorted([open_one.requested_by.email, accepted.requested_by.email])
    assert closed.requested_by.email not in told
    assert AuditEvent.objects.filter(action="champion.withdrawn").exists()
