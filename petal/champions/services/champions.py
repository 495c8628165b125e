"""Every write about the pledge, the champions directory, support connections and barriers
raised in the network: one transaction each, with its audit event and its notifications.

A notification names a pledge ("CH-000012"), a connection ("C-000034") or a barrier
("NB-000056") by its reference and links to it: never a person's details, not even the
champion's own name.

A support connection's note, the champion's reply and either side's closing note never name
the people the writer supports: each is checked against the names of the writer's own caseload
(never anyone else's, so the check cannot reveal who else Petal holds) and refused if one
appears. A connection is about a person only through its "about" field, which is checked
against the consent at every request; a name typed in free text could not be hidden again.

A visitor's pledge proves its email address before it counts: it waits, unconfirmed, until they
follow the link emailed to them; the public form answers every visitor alike, so it never tells
anyone whether an email address belongs to a champion.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from petal.access.champions import caseload_people, connection_visibility, directory_filter
from petal.access.policy import can
from petal.access.roles import Role
from petal.accounts.models import Membership, User
from petal.accounts.selectors import users_with_role
from petal.audit.services import audit_record
from petal.champions.models import (
    CHAMPION_CURRENT,
    Champion,
    ChampionStatus,
    ConnectionKind,
    ConnectionStatus,
    NetworkBarrier,
    SupportConnection,
)
from petal.core.errors import Forbidden, NotFound, clean_text, fail
from petal.core.notify import deliverable, notify
from petal.core.tasks import email_enqueue
from petal.meetings.services import names_in

MAX_NOTE = 1000
MAX_TEXT = 5000
HOW_OFTEN = ("This once", "Now and then", "Often", "Every time")
PLEDGE_SALT = "petal.champions.pledge"
PLEDGE_LINK_DAYS = 7


def pledge_reference(champion: Champion) -> str:
    return f"CH-{champion.pk:06d}"


def barrier_reference(barrier: NetworkBarrier) -> str:
    return f"NB-{barrier.pk:06d}"


def _tell(emails, *, subject: str, message: str, reference: str, link: str) -> None:
    """Notify once the transaction is kept (constant text, a reference and a link only)."""
    to = deliverable(emails)
    if to:
        transaction.on_commit(
            lambda: notify(to=to, subject=subject, message=message, reference=reference, link=link)
        )


def _is_worker(user) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and not getattr(user, "is_individual", False)
    )


def _partnership_for(district):
    from petal.reference.selectors import partnership_for_district

    if district is None:
        return None
    return partnership_for_district(district, on=timezone.localdate())


def _entry_fields(*, job_title, district, help_with, how_to_reach, phone) -> dict:
    """The parts of a directory entry a champion writes, checked."""
    return {
        "job_title": clean_text(job_title, field="job_title", label="your job title", limit=200),
        "district": district,
        "partnership": _partnership_for(district),
        "help_with": clean_text(
            help_with,
            field="help_with",
            label="what you can help with",
            required=True,
            limit=MAX_NOTE,
        ),
        "how_to_reach": clean_text(
            how_to_reach,
            field="how_to_reach",
            label="how to reach you",
            required=True,
            limit=300,
        ),
        "phone": clean_text(phone, field="phone", label="your phone number", limit=40),
    }


# --- the pledge ----------------------------------------------------------------------------------


def pledge_token(champion: Champion) -> str:
    """The token in the link that confirms a visitor's email address (signed, dated)."""
    return signing.TimestampSigner(salt=PLEDGE_SALT).sign(str(champion.pk))


def pledge_confirm_link(champion: Champion) -> str:
    return settings.PETAL_BASE_URL + reverse(
        "champions:pledge-confirm", kwargs={"token": pledge_token(champion)}
    )


def _email(to: str, *, subject: str, template: str, context: dict) -> None:
    """A plain email to one address, queued once the transaction is kept."""
    body = render_to_string(template, context)
    transaction.on_commit(lambda: email_enqueue(to=[to], subject=subject, body=body))


def _tell_programme_team(champion: Champion) -> None:
    _tell(
        users_with_role(Role.PROGRAMME_TEAM).values_list("email", flat=True),
        subject="A champions pledge is waiting for approval",
        message="Someone has signed the Trusted Person Champions pledge. "
        "Approve or decline it from the queue.",
        reference=pledge_reference(champion),
        link=reverse("champions:pledges"),
    )


@transaction.atomic
def pledge_sign(
    *,
    actor,
    full_name: str = "",
    email: str = "",
    organisation=None,
    organisation_name: str = "",
    job_title: str = "",
    district=None,
    areas=(),
    skills=(),
    help_with: str = "",
    how_to_reach: str = "",
    phone: str = "",
    listed: bool = False,
    pledged: bool = False,
) -> Champion | None:
    """Sign the pledge.

    A signed-in worker signs with their sign-in's name and email (already proven): the pledge
    waits for the programme team's approval at once, and they are told a pledge is waiting,
    with no one's details.

    A visitor gives their name and email. Their pledge is kept unconfirmed and a link is
    emailed to that address; it counts (and the programme team hears of it) only once they
    follow it (``pledge_confirm``). Whether or not the address already has a pledge or a Petal
    sign-in, the visitor is answered alike: when it already has a pledge waiting or approved,
    nothing is kept and the address's owner is emailed that they have already signed. Returns
    the pledge kept, or None when nothing was."""
    from petal.champions.selectors.champions import pledge_page

    worker = _is_worker(actor)
    if worker:
        full_name, email = actor.full_name or actor.email, actor.email
    full_name = clean_text(
        full_name, field="full_name", label="your full name", required=True, limit=200
    )
    email = (email or "").strip().lower()
    if not email:
        fail("email", "Enter your email address")
    if len(email) > 254:
        fail("email", "Your email address must be 254 characters or fewer")
    organisation_name = "" if organisation is not None else (organisation_name or "").strip()
    if organisation is None and not organisation_name:
        fail("organisation", "Choose your organisation, or say it is not listed and name it")
    if len(organisation_name) > 200:
        fail("organisation_name", "The organisation's name must be 200 characters or fewer")
    fields = _entry_fields(
        job_title=job_title,
        district=district,
        help_with=help_with,
        how_to_reach=how_to_reach,
        phone=phone,
    )
    if not listed:
        fail("listed", "Agree to be listed in the champions directory to sign the pledge")
    if not pledged:
        fail("pledged", "Tick to sign the pledge")
    already = Champion.objects.filter(email=email, status__in=CHAMPION_CURRENT).exists()
    if already and not worker:
        # Said only to the address's owner, never on screen.
        _email(
            email,
            subject="You have already signed the pledge",
            template="champions/email/pledge_already.txt",
            context={"link": settings.PETAL_BASE_URL + reverse("champions:pledge")},
        )
        return None
    duplicate = (
        "There is already a pledge with this email address, waiting for approval or approved"
    )
    if already:
        fail("email", duplicate)
    try:
        page = pledge_page()
        pledge_text = page.body
    except NotFound:
        pledge_text = ""
    try:
        with transaction.atomic():
            champion = Champion.objects.create(
                user=actor if worker else None,
                full_name=full_name,
                email=email,
                organisation=organisation,
                organisation_name=organisation_name,
                pledge_text=pledge_text,
                status=ChampionStatus.PENDING if worker else ChampionStatus.UNCONFIRMED,
                **fields,
            )
    except IntegrityError:
        # Signed twice at the same moment: the database keeps one current pledge per email.
        fail("email", duplicate)
    champion.areas.set(list(areas))
    champion.skills.set(list(skills))
    if not worker:
        _email(
            email,
            subject="Confirm your Trusted Person Champions pledge",
            template="champions/email/pledge_confirm.txt",
            context={
                "champion": champion,
                "link": pledge_confirm_link(champion),
                "days": PLEDGE_LINK_DAYS,
            },
        )
        return champion
    audit_record(
        actor=actor, action="champion.pledge_signed", obj=champion, data={"signed_in": True}
    )
    _tell_programme_team(champion)
    return champion


@transaction.atomic
def pledge_confirm(*, token: str) -> Champion:
    """A visitor follows the link emailed to them: their pledge now waits for approval, the
    signature is recorded in the audit trail and the programme team is told. Following it again
    changes nothing. A link that is not valid or is more than a week old, or an address that
    meanwhile has another pledge waiting or approved, is refused with a message."""
    try:
        value = signing.TimestampSigner(salt=PLEDGE_SALT).unsign(
            str(token or ""), max_age=dt.timedelta(days=PLEDGE_LINK_DAYS)
        )
    except signing.SignatureExpired:
        fail(
            "token",
            f"This link has expired: links work for {PLEDGE_LINK_DAYS} days. "
            "Sign the pledge again and we will email you a new one",
        )
    except signing.BadSignature:
        fail(
            "token",
            "This link is not valid. Check you copied the whole link from the email, or sign "
            "the pledge again",
        )
    champion = (
        Champion.objects.select_for_update(of=("self",)).filter(pk=int(value)).first()
        if value.isascii() and value.isdecimal() and len(value) < 12
        else None
    )
    if champion is None:
        fail("token", "This link is not valid. Sign the pledge again")
    if champion.status in CHAMPION_CURRENT:
        return champion  # already confirmed
    if champion.status != ChampionStatus.UNCONFIRMED:
        fail("token", "This pledge has already been decided, so the link no longer works")
    already = (
        "You have already signed the pledge with this email address, and that pledge is "
        "waiting for approval or approved. There is nothing more to do"
    )
    if Champion.objects.filter(email=champion.email, status__in=CHAMPION_CURRENT).exists():
        fail("token", already)
    champion.status = ChampionStatus.PENDING
    try:
        with transaction.atomic():
            champion.save(update_fields=["status"])
    except IntegrityError:
        fail("token", already)
    audit_record(
        actor=None,
        action="champion.pledge_signed",
        obj=champion,
        data={"signed_in": False, "email_confirmed": True},
    )
    _tell_programme_team(champion)
    return champion


def _pending(champion_id) -> Champion:
    champion = (
        Champion.objects.select_for_update(of=("self",))
        .select_related("organisation", "user")
        .filter(pk=champion_id)
        .first()
    )
    if champion is None:
        raise NotFound("No such pledge")
    if champion.status != ChampionStatus.PENDING:
        fail("decision", "This pledge has already been decided")
    return champion


def _require(actor, permission: str) -> None:
    if not can(actor, permission):
        raise Forbidden("Your role does not allow this")


@transaction.atomic
def pledge_approve(*, actor, champion_id: int, organisation=None) -> Champion:
    """Approve a pledge: the champion is in the directory from now on, with the champion role.
    An existing sign-in with the pledge's email gets the role; otherwise a new sign-in is made
    and they are emailed a link to set a password. The programme team may confirm, choose or
    leave out the organisation (a visitor may have typed one not yet in Petal's list)."""
    from petal.accounts.services import membership_give, user_invite

    _require(actor, "champions.approve")
    champion = _pending(champion_id)
    user = champion.user or User.objects.filter(email__iexact=champion.email).first()
    if user is not None and user.is_individual:
        fail(
            "decision",
            "This email address is a person's own sign-in to their record: it cannot be given "
            "the champion role. Decline the pledge and ask them to sign with a work address",
        )
    if user is not None and not user.is_active:
        fail(
            "decision",
            "This email address belongs to a Petal sign-in that is turned off: an "
            "administrator must turn it back on before the pledge can be approved, or decline it",
        )
    if user is None:
        user = user_invite(
            actor=actor,
            email=champion.email,
            full_name=champion.full_name,
            role=Role.CHAMPION,
            organisation=organisation,
        )
    else:
        holds = Membership.objects.filter(
            user=user, role=Role.CHAMPION, ended_at__isnull=True, organisation=organisation
        ).exists()
        if not holds:
            membership_give(actor=actor, user=user, role=Role.CHAMPION, organisation=organisation)
    champion.user = user
    champion.organisation = organisation
    if organisation is not None:
        champion.organisation_name = ""
    champion.status = ChampionStatus.APPROVED
    champion.decided_at = timezone.now()
    champion.decided_by = actor
    champion.decision_reason = ""
    champion.save()
    audit_record(
        actor=actor,
        action="champion.approved",
        obj=champion,
        data={"user": user.pk, "organisation": organisation.pk if organisation else None},
    )
    _tell(
        [user.email],
        subject="Your champions pledge is approved",
        message="Thank you for signing the Trusted Person Champions pledge. You are now in the "
        "champions directory: sign in to Petal to see your entry.",
        reference=pledge_reference(champion),
        link=reverse("champions:profile"),
    )
    return champion


@transaction.atomic
def pledge_decline(*, actor, champion_id: int, reason: str) -> Champion:
    """Decline a pledge, with a reason the programme team keeps (the email does not carry it)."""
    _require(actor, "champions.approve")
    reason = clean_text(reason, field="reason", label="why it is not approved", required=True)
    champion = _pending(champion_id)
    champion.status = ChampionStatus.DECLINED
    champion.decided_at = timezone.now()
    champion.decided_by = actor
    champion.decision_reason = reason
    champion.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    audit_record(actor=actor, action="champion.declined", obj=champion)
    _tell(
        [champion.email],
        subject="Your champions pledge",
        message="Thank you for signing the Trusted Person Champions pledge. The programme team "
        "could not approve it this time and will be in touch to say why.",
        reference=pledge_reference(champion),
        link=reverse("champions:pledge"),
    )
    return champion


def _withdraw(champion: Champion, *, actor, reason: str, by_programme_team: bool) -> Champion:
    """Take a champion out of the directory at once: their champion roles end and their open
    connections close, each requester told."""
    from petal.accounts.services import membership_end

    champion.status = ChampionStatus.WITHDRAWN
    champion.withdrawn_at = timezone.now()
    champion.withdrawal_reason = reason
    champion.save(update_fields=["status", "withdrawn_at", "withdrawal_reason"])
    if champion.user_id:
        for membership in Membership.objects.filter(
            user_id=champion.user_id, role=Role.CHAMPION, ended_at__isnull=True
        ):
            membership_end(actor=actor, user=champion.user, membership_id=membership.pk)
    note = (
        "Closed: the champion was removed from the directory"
        if by_programme_team
        else "Closed: the champion withdrew from the pledge"
    )
    for connection in (
        SupportConnection.objects.select_for_update(of=("self",))
        .select_related("requested_by")
        .filter(champion=champion)
        .exclude(status=ConnectionStatus.CLOSED)
    ):
        _close(connection, actor=actor, note=note)
        _tell(
            [connection.requested_by.email],
            subject="A request for support was closed",
            message="The champion you asked is no longer in the champions directory, so your "
            "request is closed. You can ask another champion.",
            reference=connection.reference,
            link=reverse("champions:connection", kwargs={"connection_id": connection.pk}),
        )
    audit_record(
        actor=actor,
        action="champion.withdrawn",
        obj=champion,
        data={"by_programme_team": by_programme_team},
    )
    return champion


@transaction.atomic
def champion_withdraw(*, actor, reason: str = "") -> Champion:
    """A champion withdraws from the pledge: out of the directory from the next request."""
    reason = clean_text(reason, field="reason", label="your reason", limit=MAX_NOTE)
    champion = (
        Champion.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(user=actor, status__in=CHAMPION_CURRENT)
        .first()
        if _is_worker(actor)
        else None
    )
    if champion is None:
        raise NotFound("You have no entry in the champions directory")
    return _withdraw(champion, actor=actor, reason=reason, by_programme_team=False)


@transaction.atomic
def champion_remove(*, actor, champion_id: int, reason: str) -> Champion:
    """The programme team takes an approved champion out of the directory, with a reason."""
    _require(actor, "champions.approve")
    reason = clean_text(reason, field="reason", label="why they are removed", required=True)
    champion = (
        Champion.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(pk=champion_id)
        .first()
    )
    if champion is None:
        raise NotFound("No such champion")
    if champion.status != ChampionStatus.APPROVED:
        fail("reason", "Only an approved champion can be removed from the directory")
    return _withdraw(champion, actor=actor, reason=reason, by_programme_team=True)


@transaction.atomic
def champion_profile_update(
    *,
    actor,
    job_title: str = "",
    district=None,
    areas=(),
    skills=(),
    help_with: str = "",
    how_to_reach: str = "",
    phone: str = "",
) -> Champion:
    """A champion changes their own directory entry (not their name or email)."""
    champion = (
        Champion.objects.select_for_update(of=("self",))
        .filter(user=actor, status__in=CHAMPION_CURRENT)
        .first()
        if _is_worker(actor)
        else None
    )
    if champion is None:
        raise NotFound("You have no entry in the champions directory")
    fields = _entry_fields(
        job_title=job_title,
        district=district,
        help_with=help_with,
        how_to_reach=how_to_reach,
        phone=phone,
    )
    for name, value in fields.items():
        setattr(champion, name, value)
    champion.save(update_fields=list(fields))
    champion.areas.set(list(areas))
    champion.skills.set(list(skills))
    audit_record(
        actor=actor, action="champion.profile_updated", obj=champion, data={"fields": list(fields)}
    )
    return champion


# --- support connections -------------------------------------------------------------------------


OPEN_CONNECTION = (
    ConnectionStatus.REQUESTED,
    ConnectionStatus.ACCEPTED,
    ConnectionStatus.SUGGESTED,
)


def _refuse_caseload_names(text: str, *, writer, field: str) -> None:
    """Refuse text naming anyone on the writer's own caseload (and say whom: their own)."""
    named = names_in(text, caseload_people(writer)) if text else []
    if named:
        who = ", ".join(sorted(p.full_name for p in named))
        fail(
            field,
            f"Write this without naming {who}: the other side may not have their consent to "
            "know who they are. Describe the situation instead",
        )


def _connection_link(connection: SupportConnection) -> str:
    return reverse("champions:connection", kwargs={"connection_id": connection.pk})


@transaction.atomic
def connection_request(
    *, actor, champion_id: int, kind: str, note: str, person_id: int | None = None
) -> SupportConnection:
    """A trusted person asks a champion for support, or raises a concern through them.

    The note must not name any of the trusted person's own people (the message names them:
    they are the author's own). A connection is about one person only through ``person``, one
    whose consent covers the champion, and shown to the champion only while it still does: a
    name typed in the note would stay in front of the champion after the consent ended.

    Sending the same request twice (a double submit) keeps one: the open request already made
    is returned, with no second email."""
    from petal.champions.selectors.champions import covered_people

    _require(actor, "champions.connect")
    # Locked, so that two submits at once are taken one after the other.
    champion = (
        Champion.objects.select_for_update(of=("self",))
        .filter(directory_filter(), pk=champion_id)
        .select_related("user")
        .first()
    )
    if champion is None:
        raise NotFound("No such champion")
    if champion.user_id == actor.pk:
        fail("note", "You cannot ask yourself for support")
    if kind not in ConnectionKind.values:
        fail("kind", "Choose whether you are asking for support or raising a concern")
    note = clean_text(note, field="note", label="your note", required=True, limit=MAX_NOTE)
    named = names_in(note, caseload_people(actor))
    if named:
        who = ", ".join(sorted(p.full_name for p in named))
        fail(
            "note",
            f"Write this without naming {who}. If it is about someone whose consent covers "
            "this champion, choose them under ‘Is it about someone you support?’ instead: the "
            "champion then sees their name only while the consent lasts",
        )
    person = None
    if person_id:
        person = covered_people(actor, champion).filter(pk=person_id).first()
        if person is None:
            fail("person", "Choose someone whose consent covers this champion, or no one")
    sent = SupportConnection.objects.filter(
        requested_by=actor,
        champion=champion,
        kind=kind,
        note=note,
        person=person,
        status__in=OPEN_CONNECTION,
    ).first()
    if sent is not None:
        return sent
    connection = SupportConnection.objects.create(
        requested_by=actor, champion=champion, kind=kind, note=note, person=person
    )
    audit_record(
        actor=actor,
        action="connection.requested",
        obj=connection,
        data={"champion": champion.pk, "kind": kind, "person": person.pk if person else None},
    )
    _tell(
        [champion.user.email],
        subject="A trusted person has asked for your help",
        message="A trusted person has asked you, as a Trusted Person Champion, for support or "
        "raised a concern. Sign in to read it and reply.",
        reference=connection.reference,
        link=_connection_link(connection),
    )
    return connection


def _locked_connection(actor, connection_id) -> SupportConnection:
    connection = (
        SupportConnection.objects.select_for_update(of=("self",))
        .select_related("champion", "champion__user", "requested_by")
        .filter(connection_visibility(actor), pk=connection_id)
        .first()
    )
    if connection is None:
        raise NotFound("No such connection")
    return connection


def _as_champion(actor, connection_id) -> SupportConnection:
    connection = _locked_connection(actor, connection_id)
    if connection.champion.user_id != actor.pk:
        raise NotFound("No such connection")
    if connection.status != ConnectionStatus.REQUESTED:
        fail("decision", "You have already replied to this request")
    return connection


@transaction.atomic
def connection_accept(*, actor, connection_id: int, message: str = "") -> SupportConnection:
    """The champion takes the request on, with an optional message to the requester."""
    connection = _as_champion(actor, connection_id)
    connection.response = clean_text(message, field="message", label="your message", limit=MAX_NOTE)
    _refuse_caseload_names(connection.response, writer=actor, field="message")
    connection.status = ConnectionStatus.ACCEPTED
    connection.responded_at = timezone.now()
    connection.save(update_fields=["response", "status", "responded_at"])
    audit_record(actor=actor, action="connection.accepted", obj=connection)
    _tell(
        [connection.requested_by.email],
        subject="A champion accepted your request",
        message="The champion you asked has accepted your request. Sign in to see their reply.",
        reference=connection.reference,
        link=_connection_link(connection),
    )
    return connection


@transaction.atomic
def connection_suggest(
    *, actor, connection_id: int, suggested_id: int | None, message: str
) -> SupportConnection:
    """The champion suggests another champion from the directory, with a message saying why;
    the requester can then ask that champion."""
    connection = _as_champion(actor, connection_id)
    message = clean_text(
        message, field="message", label="why this champion", required=True, limit=MAX_NOTE
    )
    _refuse_caseload_names(message, writer=actor, field="message")
    suggested = (
        Champion.objects.filter(directory_filter(), pk=suggested_id)
        .exclude(pk=connection.champion_id)
        .exclude(user_id=actor.pk)
        .first()
        if suggested_id
        else None
    )
    if suggested is None:
        fail("suggested", "Choose another champion from the directory")
    connection.suggested = suggested
    connection.response = message
    connection.status = ConnectionStatus.SUGGESTED
    connection.responded_at = timezone.now()
    connection.save(update_fields=["suggested", "response", "status", "responded_at"])
    audit_record(
        actor=actor, action="connection.suggested", obj=connection, data={"suggested": suggested.pk}
    )
    _tell(
        [connection.requested_by.email],
        subject="A champion suggested someone else",
        message="The champion you asked has suggested another champion who may help more. "
        "Sign in to see who and ask them.",
        reference=connection.reference,
        link=_connection_link(connection),
    )
    return connection


def _close(connection: SupportConnection, *, actor, note: str) -> None:
    connection.status = ConnectionStatus.CLOSED
    connection.closed_at = timezone.now()
    connection.closed_by = actor
    connection.closing_note = note
    connection.save(update_fields=["status", "closed_at", "closed_by", "closing_note"])
    audit_record(actor=actor, action="connection.closed", obj=connection)


@transaction.atomic
def connection_close(*, actor, connection_id: int, note: str = "") -> SupportConnection:
    """Either side closes the connection, with an optional note; the other side is told."""
    connection = _locked_connection(actor, connection_id)
    if connection.status == ConnectionStatus.CLOSED:
        fail("note", "This connection is already closed")
    note = clean_text(note, field="note", label="your note", limit=MAX_NOTE)
    _refuse_caseload_names(note, writer=actor, field="note")
    _close(connection, actor=actor, note=note)
    other = (
        connection.champion.user
        if connection.requested_by_id == actor.pk
        else connection.requested_by
    )
    if other is not None:
        _tell(
            [other.email],
            subject="A support connection was closed",
            message="A support connection between a trusted person and a champion has been "
            "closed. Sign in to see it.",
            reference=connection.reference,
            link=_connection_link(connection),
        )
    return connection


# --- barriers raised in the network --------------------------------------------------------------


@transaction.atomic
def network_barrier_raise(
    *,
    actor,
    summary: str,
    detail: str = "",
    services: str = "",
    areas=(),
    how_often: str = "",
    on_behalf_of_id: int | None = None,
    partnership_id: int | None = None,
) -> NetworkBarrier:
    """A champion raises a barrier, on behalf of a trusted person who asked them for support or
    of no one in particular. It is also raised as a barrier on the governance ladder
    (``petal.barriers``), for the trusted person, starting with the partnership chosen (else
    the champion's, else the trusted person's; with none of these it must be chosen: no
    partnership is assumed); ``barrier_ref`` holds its reference.

    A barrier is about the system, never a named person: text naming anyone on the champion's
    own caseload is refused, without saying whom. The caseload of the trusted person it is
    raised for is not checked here: a refusal would tell the champion that a word they typed is
    the name of someone that trusted person supports, whom the champion may not see (they could
    try word after word). The ladder's barrier checks the text again against the champion's own
    caseload only, for the same reason."""
    from petal.access.barriers import partnerships_of
    from petal.barriers.services.barriers import barrier_raise as ladder_raise
    from petal.champions.selectors.champions import requesters_of

    _require(actor, "champions.raise_barrier")
    summary = clean_text(
        summary, field="summary", label="what gets in the way", required=True, limit=300
    )
    detail = clean_text(detail, field="detail", label="the detail")
    services = clean_text(services, field="services", label="which services", limit=300)
    how_often = (how_often or "").strip()
    if how_often and how_often not in HOW_OFTEN:
        fail("how_often", "Choose how often it is met")
    trusted_person = None
    if on_behalf_of_id:
        trusted_person = requesters_of(actor).filter(pk=on_behalf_of_id).first()
        if trusted_person is None:
            fail("on_behalf_of", "Choose a trusted person who asked you for support, or no one")
    # On the ladder it starts with the partnership chosen, else the champion's, else the
    # trusted person's; with none, the champion chooses (no partnership is assumed).
    if partnership_id in (None, ""):
        starts_in = partnerships_of(actor) or (
            partnerships_of(trusted_person) if trusted_person is not None else []
        )
        if not starts_in:
            fail("partnership", "Choose which partnership should take it up first")
        partnership_id = starts_in[0]
    people = list(caseload_people(actor))
    for field, text in (("summary", summary), ("detail", detail), ("services", services)):
        if names_in(text, people):
            fail(
                field,
                "A barrier is about the system, never a named person: write it without "
                "anyone's name",
            )
    barrier = NetworkBarrier.objects.create(
        raised_by=actor,
        on_behalf_of=trusted_person,
        summary=summary,
        detail=detail,
        services=services,
        how_often=how_often,
    )
    barrier.areas.set(list(areas))
    on_ladder = ladder_raise(
        actor=actor,
        summary=summary,
        detail=detail,
        services=services,
        areas=list(barrier.areas.all()),
        how_often={
            "This once": "once",
            "Now and then": "now_and_then",
            "Often": "often",
            "Every time": "every_time",
        }.get(how_often, ""),
        raised_as="for_trusted_person" if trusted_person else "own_work",
        on_behalf_of=trusted_person,
        partnership_id=partnership_id,
    )
    barrier.barrier_ref = on_ladder.reference
    barrier.save(update_fields=["barrier_ref"])
    audit_record(
        actor=actor,
        action="champion.barrier_raised",
        obj=barrier,
        data={
            "on_behalf_of": trusted_person.pk if trusted_person else None,
            "barrier": on_ladder.pk,
        },
    )
    if trusted_person is not None:
        _tell(
            [trusted_person.email],
            subject="A champion raised a barrier for you",
            message="A Trusted Person Champion has raised a barrier on your behalf. It will go "
            "to the partnership.",
            reference=barrier_reference(barrier),
            link=reverse("champions:connections"),
        )
    return barrier
