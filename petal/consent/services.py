"""Every write about consent, sharing agreements, break-glass and a person's own sign-in: one
transaction each, with its audit event. Notifications never carry a person's details: a
reference number and a link to sign in, nothing more."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from petal.access.categories import Category
from petal.access.people import can_change_person, consent_scope
from petal.access.policy import PEOPLE_ROLES, roles_of
from petal.accounts.models import sign_in_email
from petal.audit.services import audit_record
from petal.consent.models import (
    BreakGlass,
    BreakGlassReason,
    Consent,
    GivenHow,
    LawfulBasis,
    OwnAccess,
    Purpose,
    Review,
    SharingAgreement,
    StoryReuse,
    WithdrawnHow,
    bits_for,
)
from petal.core.errors import NotFound, ValidationFailed, fail
from petal.core.notify import deliverable as _deliverable
from petal.core.tasks import email_enqueue

# Longest a consent may run before it must be renewed with the person.
MAX_CONSENT_DAYS = 3 * 366
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to read aloud
CODE_DAYS = 30


def reference(person) -> str:
    """How notifications and oversight pages name a person: a number, never a name. Takes the
    person or their id (oversight pages need not read the record to name it)."""
    return f"P-{getattr(person, 'pk', person):06d}"


def _link(name: str, **kwargs) -> str:
    return settings.PETAL_BASE_URL + reverse(name, kwargs=kwargs or None)


# --- sharing agreements -------------------------------------------------------------------


@transaction.atomic
def agreement_create(
    *,
    actor,
    title: str,
    purpose: str,
    parties,
    starts_on: dt.date,
    review_on: dt.date,
    reference: str = "",
) -> SharingAgreement:
    from petal.reference.selectors import programme_area

    parties = list(parties)
    if len(parties) < 2:
        fail("parties", "Select at least two organisations that signed the agreement")
    if review_on <= starts_on:
        fail("review_on", "The review date must be after the date the agreement started")
    agreement = SharingAgreement.objects.create(
        programme_area=programme_area(),
        title=title.strip(),
        purpose=purpose.strip(),
        starts_on=starts_on,
        review_on=review_on,
        reference=reference.strip(),
        created_by=actor,
    )
    agreement.parties.set(parties)
    audit_record(
        actor=actor,
        action="consent.agreement_created",
        obj=agreement,
        data={"parties": [p.pk for p in parties]},
    )
    return agreement


# --- consent --------------------------------------------------------------------------------


def _check_consent(
    *,
    person,
    grantee_user,
    grantee_organisation,
    grantee_partnership,
    categories,
    purposes,
    purpose_text,
    starts_on,
    ends_on,
    given_how,
    agreement,
) -> None:
    grantees = [g for g in (grantee_user, grantee_organisation, grantee_partnership) if g]
    if len(grantees) != 1:
        fail(
            "grantee",
            "Choose who the information is shared with: one person, organisation or partnership",
        )
    if grantee_user is not None and (
        not grantee_user.is_active
        or getattr(grantee_user, "is_individual", False)
        or not (roles_of(grantee_user) & PEOPLE_ROLES)
    ):
        fail("grantee_user", "That person does not have a Petal sign-in for working with people")
    categories = {Category(c) for c in categories}
    if not categories:
        fail("categories", "Select what information they agreed to share")
    if Category.IDENTITY not in categories:
        fail(
            "categories",
            "Include ‘who they are’: a service cannot use information without knowing whose it is",
        )
    purposes = list(purposes)
    if any(p not in Purpose.values for p in purposes):
        fail("purposes", "Select a purpose from the list")
    if not purposes and not purpose_text.strip():
        fail("purposes", "Select what the information is for, or describe it")
    if given_how not in GivenHow.values:
        fail("given_how", "Select how they gave their consent")
    if ends_on < starts_on:
        fail("ends_on", "The end date must be the same as or after the start date")
    if ends_on < timezone.localdate():
        fail("ends_on", "The end date must be today or in the future")
    if (ends_on - starts_on).days > MAX_CONSENT_DAYS:
        fail("ends_on", "Consent can last at most 3 years; it can be renewed with the person")
    if agreement is not None and grantee_organisation is not None:
        if not agreement.parties.filter(pk=grantee_organisation.pk).exists():
            fail("agreement", f"{grantee_organisation.name} is not a party to that agreement")


def grantee_by_email(email: str, *, field: str):
    """The staff sign-in a consent will name, looked up by email, or a message on ``field``."""
    from petal.consent.selectors import sharing_user

    user = sharing_user(email)
    if user is None:
        fail(field, "No one with that email address works with people in Petal")
    return user


@transaction.atomic
def consent_record(
    *,
    actor,
    person,
    categories,
    purposes=(),
    purpose_text: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date,
    given_how: str,
    conditions: str = "",
    agreement: SharingAgreement | None = None,
    grantee_user=None,
    grantee_organisation=None,
    grantee_partnership=None,
    renewal_of: Consent | None = None,
) -> Consent:
    """Record what a person agreed to share, with whom, why and until when. Only one of the
    person's current trusted persons records it."""
    if not can_change_person(actor, person):
        raise NotFound("No such person")
    starts_on = starts_on or timezone.localdate()
    _check_consent(
        person=person,
        grantee_user=grantee_user,
        grantee_organisation=grantee_organisation,
        grantee_partnership=grantee_partnership,
        categories=categories,
        purposes=purposes,
        purpose_text=purpose_text,
        starts_on=starts_on,
        ends_on=ends_on,
        given_how=given_how,
        agreement=agreement,
    )
    consent = Consent.objects.create(
        programme_area=person.programme_area,
        person=person,
        grantee_user=grantee_user,
        grantee_organisation=grantee_organisation,
        grantee_partnership=grantee_partnership,
        category_bits=bits_for(categories),
        purposes=sorted(set(purposes)),
        purpose_text=purpose_text.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        given_how=given_how,
        conditions=conditions.strip(),
        agreement=agreement,
        renewal_of=renewal_of,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="consent.renewed" if renewal_of else "consent.recorded",
        obj=person,
        categories=[str(c) for c in consent.categories],
        data={
            "consent": consent.pk,
            "grantee": consent.grantee_label,
            "until": ends_on.isoformat(),
            **({"renews": renewal_of.pk} if renewal_of else {}),
        },
    )
    return consent


def consent_renew(*, actor, consent: Consent, ends_on: dt.date, given_how: str) -> Consent:
    """The same sharing, agreed again until a new date. The earlier consent is kept as it was."""
    consent = Consent.objects.select_related("person").get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        fail("ends_on", "A withdrawn consent cannot be renewed: record a new one with the person")
    return consent_record(
        actor=actor,
        person=consent.person,
        categories=consent.categories,
        purposes=consent.purposes,
        purpose_text=consent.purpose_text,
        starts_on=timezone.localdate(),
        ends_on=ends_on,
        given_how=given_how,
        conditions=consent.conditions,
        agreement=consent.agreement,
        grantee_user=consent.grantee_user,
        grantee_organisation=consent.grantee_organisation,
        grantee_partnership=consent.grantee_partnership,
        renewal_of=consent,
    )


def _may_withdraw(actor, consent: Consent) -> bool:
    own = getattr(actor, "own_access", None) if getattr(actor, "is_individual", False) else None
    if own is not None:
        return own.ended_at is None and own.person_id == consent.person_id
    return can_change_person(actor, consent.person)


@transaction.atomic
def consent_withdraw(*, actor, consent_id: int, how: str, note: str = "") -> Consent:
    """Withdraw a consent at once: the next request of every reader it covered no longer sees
    what it shared. The person themselves, or their trusted person, withdraws it."""
    consent = (
        Consent.objects.select_for_update(of=("self",))
        .select_related("person", "grantee_user", "grantee_organisation", "grantee_partnership")
        .filter(pk=consent_id)
        .first()
    )
    if consent is None or not _may_withdraw(actor, consent):
        raise NotFound("No such consent")
    if how not in WithdrawnHow.values:
        fail("how", "Select how they withdrew their consent")
    if consent.withdrawn_at is not None:
        return consent
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_how = how
    consent.withdrawn_note = note.strip()[:500]
    consent.withdrawn_by = actor
    consent.save(update_fields=["withdrawn_at", "withdrawn_how", "withdrawn_note", "withdrawn_by"])
    audit_record(
        actor=actor,
        action="consent.withdrawn",
        obj=consent.person,
        categories=[str(c) for c in consent.categories],
        data={"consent": consent.pk, "how": how},
    )
    return consent


def consent_expiry_warnings(*, days: int = 14, today: dt.date | None = None) -> int:
    """Tell whoever recorded each consent that it ends within ``days``, once, so it can be
    renewed with the person before it lapses. Returns how many were sent."""
    today = today or timezone.localdate()
    from petal.consent.selectors import consents_ending

    due = (
        consents_ending(days=days, today=today)
        .filter(expiry_warned_at__isnull=True)
        .select_related("person", "recorded_by")
        .order_by("ends_on", "id")
    )
    sent = 0
    for consent in due:
        with transaction.atomic():
            updated = Consent.objects.filter(pk=consent.pk, expiry_warned_at__isnull=True).update(
                expiry_warned_at=timezone.now()
            )
            if not updated:
                continue
            to = _deliverable([consent.recorded_by.email] if consent.recorded_by else [])
            if to:
                body = render_to_string(
                    "consent/email/expiring.txt",
                    {
                        "reference": reference(consent.person),
                        "ends_on": consent.ends_on,
                        "link": _link("consent:person", person_id=consent.person_id),
                    },
                )
                email_enqueue(to=to, subject="A consent to share is ending soon", body=body)
                sent += 1
            audit_record(
                actor=None,
                action="consent.expiry_warned",
                obj=consent.person,
                data={"consent": consent.pk, "until": consent.ends_on.isoformat()},
            )
    return sent


def story_reuse_record(*, actor, person, consents) -> None:
    """Count a story read under consent instead of asked again (once per reader a day)."""
    organisations, _ = consent_scope(actor)
    today = timezone.localdate()
    if StoryReuse.objects.filter(person=person, reader=actor, read_on=today).exists():
        return
    consent = next((c for c in consents if Category.STORY in c.categories), None)
    try:
        with transaction.atomic():
            StoryReuse.objects.create(
                programme_area=person.programme_area,
                person=person,
                reader=actor,
                organisation_id=(
                    consent.grantee_organisation_id
                    if consent and consent.grantee_organisation_id
                    else (organisations[0] if organisations else None)
                ),
                consent=consent,
                read_on=today,
            )
            audit_record(
                actor=actor,
                action="story.read_instead_of_retold",
                obj=person,
                categories=[Category.STORY],
                data={"consent": consent.pk if consent else None},
            )
    except IntegrityError:
        # Another request from the same reader counted it a moment ago.
        return


# --- break-glass ----------------------------------------------------------------------------


def break_glass_hours() -> int:
    return int(getattr(settings, "PETAL_BREAK_GLASS_HOURS", 72))


@transaction.atomic
def break_glass_open(
    *, actor, person, lawful_basis: str, reason: str, details: str, hours: int | None = None
) -> BreakGlass:
    """Open a record without consent, on a lawful basis, for a limited time. The data
    protection lead and the person's trusted persons are told at once."""
    from petal.access.policy import can

    if not can(actor, "people.break_glass"):
        raise NotFound("No such person")
    if lawful_basis not in LawfulBasis.values:
        fail("lawful_basis", "Select the lawful basis for opening the record")
    if reason not in BreakGlassReason.values:
        fail("reason", "Select the reason you need to open the record")
    if len(details.strip()) < 10:
        fail("details", "Describe why you need to open the record now, in a sentence or two")
    limit = break_glass_hours()
    hours = limit if hours is None else hours
    if not 1 <= hours <= limit:
        fail("hours", f"Access can last between 1 and {limit} hours")
    now = timezone.now()
    glass = BreakGlass.objects.create(
        programme_area=person.programme_area,
        person=person,
        opened_by=actor,
        lawful_basis=lawful_basis,
        reason=reason,
        details=details.strip(),
        opened_at=now,
        expires_at=now + dt.timedelta(hours=hours),
    )
    audit_record(
        actor=actor,
        action="breakglass.opened",
        obj=person,
        # The reason's kind only: the details (free text, often about the person) stay on the
        # break-glass record, which can be erased; the trail cannot.
        reason=glass.get_reason_display(),
        data={
            "break_glass": glass.pk,
            "lawful_basis": lawful_basis,
            "until": glass.expires_at.isoformat(),
        },
    )
    _notify_break_glass(glass)
    return glass


def _notify_break_glass(glass: BreakGlass) -> None:
    from petal.access.roles import Role
    from petal.accounts.selectors import users_with_role

    context = {
        "reference": reference(glass.person),
        "opened_by": glass.opened_by.display_name,
        "reason": glass.get_reason_display(),
        "basis": glass.get_lawful_basis_display(),
        "until": timezone.localtime(glass.expires_at),
    }
    leads = _deliverable(u.email for u in users_with_role(Role.DATA_PROTECTION_LEAD))
    if leads:
        email_enqueue(
            to=leads,
            subject="Break-glass access to review",
            body=render_to_string(
                "consent/email/break_glass_lead.txt",
                {**context, "link": _link("consent:break-glass-review", glass_id=glass.pk)},
            ),
        )
    from petal.access.people import relationships_in_force

    trusted = relationships_in_force().filter(person=glass.person).select_related("trusted_person")
    people = _deliverable(r.trusted_person.email for r in trusted if r.trusted_person.is_active)
    if people:
        email_enqueue(
            to=people,
            subject="Someone opened the record of a person you support",
            body=render_to_string(
                "consent/email/break_glass_trusted.txt",
                {**context, "link": _link("people:person", person_id=glass.person_id)},
            ),
        )


@transaction.atomic
def break_glass_close(*, actor, glass_id: int) -> BreakGlass:
    """End one's own break-glass early, when the need has passed."""
    glass = BreakGlass.objects.select_for_update().filter(pk=glass_id, opened_by=actor).first()
    if glass is None:
        raise NotFound("No such access")
    if glass.closed_at is None and glass.is_active():
        glass.closed_at = timezone.now()
        glass.save(update_fields=["closed_at"])
        audit_record(
            actor=actor,
            action="breakglass.closed",
            obj=glass.person,
            data={"break_glass": glass.pk},
        )
    return glass


@transaction.atomic
def break_glass_review(*, actor, glass_id: int, outcome: str, note: str) -> BreakGlass:
    """The data protection lead's decision on a break-glass: upheld or misused."""
    from petal.access.policy import can

    if not can(actor, "consent.oversee"):
        raise NotFound("No such access")
    glass = BreakGlass.objects.select_for_update().filter(pk=glass_id).first()
    if glass is None:
        raise NotFound("No such access")
    if outcome not in (Review.UPHELD, Review.MISUSED):
        fail("outcome", "Select whether the access was justified")
    if glass.opened_by_id == actor.pk:
        fail("outcome", "Someone else must review a break-glass you opened yourself")
    if outcome == Review.MISUSED and len(note.strip()) < 5:
        fail("note", "Say why the access was not justified")
    glass.review = outcome
    glass.reviewed_by = actor
    glass.reviewed_at = timezone.now()
    glass.review_note = note.strip()
    if outcome == Review.MISUSED and glass.is_active():
        glass.closed_at = glass.reviewed_at
    glass.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_note", "closed_at"])
    audit_record(
        actor=actor,
        action="breakglass.reviewed",
        # By id: the reviewer does not read the record (row-level security agrees).
        object_type="people.person",
        object_id=glass.person_id,
        data={"break_glass": glass.pk, "outcome": outcome},
    )
    return glass


# --- the person's own sign-in ---------------------------------------------------------------


def hash_code(code: str) -> str:
    clean = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(clean.encode()).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def _sign_in_name() -> str:
    digits = "".join(secrets.choice("0123456789") for _ in range(8))
    return f"petal-{digits[:4]}-{digits[4:]}"


@transaction.atomic
def own_access_invite(*, actor, person, email: str = "") -> tuple[OwnAccess, str | None]:
    """Give a person their own sign-in. With an email address they get a link to set a
    password; without one, a one-time code (returned once, for the receipt) does the same.
    Returns the access and the code, if one was made."""
    from petal.accounts.models import User

    if not can_change_person(actor, person):
        raise NotFound("No such person")
    existing = OwnAccess.objects.filter(person=person).select_related("user").first()
    email = email.strip().lower()
    if (
        email
        and User.objects.filter(email__iexact=email)
        .exclude(pk=existing.user_id if existing else None)
        .exists()
    ):
        fail("email", "Someone already has a Petal sign-in with this email address")
    if existing is not None:
        own, user = existing, existing.user
        if email and user.email != email:
            user.email = email
        user.is_active = True
        user.save(update_fields=["email", "is_active"])
        own.ended_at = None
    else:
        user = User.objects.create_user(
            email=email or sign_in_email(_sign_in_name()),
            full_name=person.preferred_name or person.full_name,
            is_individual=True,
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        own = OwnAccess(person=person, user=user, invited_by=actor)
    code = None
    if email:
        own.code_hash, own.code_expires_at = "", None
    else:
        code = _new_code()
        own.code_hash = hash_code(code)
        own.code_expires_at = timezone.now() + dt.timedelta(days=CODE_DAYS)
    own.invited_by, own.invited_at = actor, timezone.now()
    own.save()
    audit_record(
        actor=actor,
        action="consent.own_access_invited",
        obj=person,
        data={"by": "email" if email else "code"},
    )
    if email:
        from petal.accounts.services import invitation_link

        email_enqueue(
            to=[email],
            subject="Your Petal sign-in",
            body=render_to_string(
                "consent/email/own_invitation.txt", {"link": invitation_link(user)}
            ),
        )
    return own, code


@transaction.atomic
def own_access_redeem(*, code: str, password: str):
    """A person sets their password with the one-time code from their receipt. Returns their
    user (whose sign-in name is then shown to them) or raises ValidationFailed."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    own = (
        OwnAccess.objects.select_for_update()
        .select_related("user")
        .filter(code_hash=hash_code(code), ended_at__isnull=True)
        .exclude(code_hash="")
        .first()
    )
    if own is None or own.code_expires_at is None or own.code_expires_at <= timezone.now():
        fail("code", "That code is not right or has expired. Ask your trusted person for a new one")
    try:
        validate_password(password, own.user)
    except ValidationError as error:
        raise ValidationFailed(
            "Choose a different password", field_errors={"password": list(error.messages)}
        ) from error
    own.user.set_password(password)
    own.user.save(update_fields=["password"])
    own.code_hash, own.code_expires_at = "", None
    own.save(update_fields=["code_hash", "code_expires_at"])
    audit_record(
        actor=own.user,
        action="consent.own_access_started",
        object_type="people.person",
        object_id=own.person_id,
    )
    return own.user


@transaction.atomic
def own_access_end(*, actor, person) -> None:
    if not can_change_person(actor, person):
        raise NotFound("No such person")
    own = (
        OwnAccess.objects.filter(person=person, ended_at__isnull=True)
        .select_related("user")
        .first()
    )
    if own is None:
        return
    own.ended_at = timezone.now()
    own.save(update_fields=["ended_at"])
    own.user.is_active = False
    own.user.save(update_fields=["is_active"])
    audit_record(actor=actor, action="consent.own_access_ended", obj=person)
