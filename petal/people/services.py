"""Every write to a person's record: one transaction each, with its audit event and, for
edits, a version that says who changed what and when."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from petal.access.categories import Category
from petal.access.people import can_change_person
from petal.audit.services import audit_record
from petal.core.errors import Forbidden, NotFound, PetalError, ValidationFailed
from petal.people.categories import PERSON_FIELDS, STORY_FIELDS
from petal.people.models import (
    Alias,
    ContactRecord,
    NeedEpisode,
    Person,
    RecordVersion,
    RelationshipKind,
    Story,
    TrustedRelationship,
)
from petal.people.selectors import normalise_name, people_visible_to


class EditConflict(PetalError):
    """Someone else saved the record since this edit began."""

    status = 409


def _search_names(person: Person, aliases: list[str]) -> str:
    names = [person.full_name, person.preferred_name, *aliases]
    return "|" + "|".join(normalise_name(n) for n in names if n and n.strip()) + "|"


def _programme_area():
    from petal.reference.selectors import programme_area

    return programme_area()


def _record_change(*, actor, person, category, changes: dict, action: str, data: dict) -> None:
    """Every change to a person's record leaves a version (who, when, what changed) for readers
    of that category, and an audit event, in the caller's transaction."""
    RecordVersion.objects.create(
        person=person, category=category, changes=changes, changed_by=actor
    )
    audit_record(actor=actor, action=action, obj=person, categories=[category], data=data)


def _require_change(actor, person: Person) -> None:
    # The caller fetched the person through a selector, so the actor can see them; changing
    # is a separate question. Not allowed → not found, so nothing leaks either way.
    if not can_change_person(actor, person):
        raise NotFound("No such person")


def _plain(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


@transaction.atomic
def person_create(
    *,
    actor,
    full_name: str,
    preferred_name: str = "",
    pronouns: str = "",
    date_of_birth: dt.date | None = None,
    aliases: list[str] = (),
    district=None,
    address: str = "",
    no_fixed_abode: bool = False,
    phone: str = "",
    safe_contact: str = "",
    communication_needs: str = "",
    languages: str = "",
    relationship_kind: str = RelationshipKind.PROFESSIONAL,
    organisation=None,
    starts_on: dt.date | None = None,
) -> Person:
    """Record a person the actor supports. The actor becomes their lead trusted person."""
    full_name = full_name.strip()
    if not full_name:
        raise ValidationFailed("Enter their name", field_errors={"full_name": ["Enter their name"]})
    person = Person(
        programme_area=_programme_area(),
        full_name=full_name,
        preferred_name=preferred_name.strip(),
        pronouns=pronouns.strip(),
        date_of_birth=date_of_birth,
        district=district,
        address="" if no_fixed_abode else address.strip(),
        no_fixed_abode=no_fixed_abode,
        phone=phone.strip(),
        safe_contact=safe_contact.strip(),
        communication_needs=communication_needs.strip(),
        languages=languages.strip(),
        created_by=actor,
    )
    clean_aliases = [a.strip() for a in aliases if a and a.strip()]
    person.search_names = _search_names(person, clean_aliases)
    person.save()
    Alias.objects.bulk_create([Alias(person=person, name=a) for a in clean_aliases])
    Story.objects.create(person=person)
    TrustedRelationship.objects.create(
        programme_area=person.programme_area,
        person=person,
        trusted_person=actor,
        kind=RelationshipKind(relationship_kind),
        organisation=organisation,
        starts_on=starts_on or timezone.localdate(),
        is_lead=True,
    )
    audit_record(
        actor=actor,
        action="person.created",
        obj=person,
        categories=[Category.IDENTITY, Category.CONTACT, Category.INVOLVEMENT],
    )
    return person


@transaction.atomic
def person_update(
    *, actor, person: Person, category: str, values: dict, expected_version: int
) -> Person:
    """Change one category of the record, if nobody else saved it since the editor opened it.

    The second of two overlapping saves is refused (EditConflict) and changes nothing, so the
    first is never silently overwritten; the page shows the second editor what they typed.
    """
    _require_change(actor, person)
    category = Category(category)
    if category == Category.STORY:
        allowed = set(STORY_FIELDS)
    else:
        allowed = set(PERSON_FIELDS.get(category, ()))
    unknown = set(values) - allowed - {"aliases"}
    if unknown:
        raise ValidationFailed(f"Not part of {category.label}: {', '.join(sorted(unknown))}")
    if "full_name" in values and not (values["full_name"] or "").strip():
        raise ValidationFailed("Enter their name", field_errors={"full_name": ["Enter their name"]})
    for alias in values.get("aliases") or ():
        if len(alias.strip()) > 200:
            message = "Each other name must be 200 characters or fewer"
            raise ValidationFailed(message, field_errors={"aliases": [message]})
    # Lock the row, then compare versions: a save from an out-of-date page changes nothing.
    fresh = Person.objects.select_for_update().get(pk=person.pk)
    if fresh.version != expected_version:
        raise EditConflict(
            "Someone else saved changes to this record while you were editing it. "
            "Your changes have not been saved: they are shown below so you can copy them."
        )
    if category == Category.STORY:
        target, _ = Story.objects.get_or_create(person=fresh)
    else:
        target = fresh
    changes = {}
    for name in sorted(set(values) & allowed):
        before, after = getattr(target, name), values[name]
        if isinstance(after, str):
            after = after.strip() if name not in STORY_FIELDS else after
        if _plain(before) != _plain(after):
            changes[name] = [_plain(before), _plain(after)]
            setattr(target, name, after)
    new_aliases = None
    if "aliases" in values and category == Category.IDENTITY:
        old = list(fresh.aliases.values_list("name", flat=True))
        new_aliases = [a.strip() for a in values["aliases"] if a.strip()]
        if sorted(old) == sorted(new_aliases):
            new_aliases = None
        else:
            changes["aliases"] = [sorted(old), sorted(new_aliases)]
    if fresh.no_fixed_abode and fresh.address:
        changes.setdefault("address", [fresh.address, ""])
        fresh.address = ""
    if not changes:
        # Nothing changed: no new version, so a colleague editing at the same time is not
        # told someone else saved.
        return fresh
    if new_aliases is not None:
        fresh.aliases.all().delete()
        Alias.objects.bulk_create([Alias(person=fresh, name=a) for a in new_aliases])
    if target is not fresh:
        target.save()
    aliases = list(fresh.aliases.values_list("name", flat=True))
    fresh.search_names = _search_names(fresh, aliases)
    fresh.version = F("version") + 1
    fresh.save()
    fresh.refresh_from_db()
    _record_change(
        actor=actor,
        person=fresh,
        category=category,
        changes=changes,
        action="person.updated",
        data={"fields": sorted(changes)},
    )
    return fresh


@transaction.atomic
def episode_add(
    *,
    actor,
    person: Person,
    area,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    note: str = "",
) -> NeedEpisode:
    """Record a time when one of the five areas applied to the person."""
    _require_change(actor, person)
    if ends_on is not None and ends_on < starts_on:
        message = "The end date must be the same as or after the start date"
        raise ValidationFailed(message, field_errors={"ends_on": [message]})
    episode = NeedEpisode.objects.create(
        programme_area=person.programme_area,
        person=person,
        area=area,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note.strip(),
        recorded_by=actor,
    )
    _record_change(
        actor=actor,
        person=person,
        category=Category.NEEDS,
        changes={"episode": [None, f"{area.name} from {starts_on.isoformat()}"]},
        action="person.episode_added",
        data={"episode": episode.pk},
    )
    return episode


@transaction.atomic
def episode_end(*, actor, person: Person, episode_id: int, ends_on: dt.date) -> NeedEpisode:
    """Close an open episode on a date."""
    _require_change(actor, person)
    episode = (
        NeedEpisode.objects.select_for_update()
        .filter(pk=episode_id, person=person, ends_on__isnull=True)
        .first()
    )
    if episode is None:
        raise NotFound("No such episode")
    if ends_on < episode.starts_on:
        message = "The end date must be the same as or after the start date"
        raise ValidationFailed(message, field_errors={"ends_on": [message]})
    before = episode.ends_on
    episode.ends_on = ends_on
    episode.save(update_fields=["ends_on"])
    _record_change(
        actor=actor,
        person=person,
        category=Category.NEEDS,
        changes={f"episode {episode.pk} ends": [_plain(before), ends_on.isoformat()]},
        action="person.episode_ended",
        data={"episode": episode.pk},
    )
    return episode


@transaction.atomic
def contact_record(
    *,
    actor,
    person: Person,
    happened_on: dt.date,
    method: str,
    note: str = "",
    next_contact_on: dt.date | None = None,
) -> ContactRecord:
    """Record a contact with the person, and when the trusted person plans the next one."""
    _require_change(actor, person)
    if happened_on > timezone.localdate():
        message = "The date of the contact must be today or in the past"
        raise ValidationFailed(message, field_errors={"happened_on": [message]})
    contact = ContactRecord.objects.create(
        programme_area=person.programme_area,
        person=person,
        happened_on=happened_on,
        method=method,
        note=note.strip(),
        recorded_by=actor,
    )
    TrustedRelationship.objects.filter(
        person=person, trusted_person=actor, ends_on__isnull=True
    ).update(next_contact_on=next_contact_on)
    audit_record(
        actor=actor,
        action="person.contact_recorded",
        obj=person,
        categories=[Category.INVOLVEMENT],
        data={"contact": contact.pk},
    )
    return contact


def _trusted_person_user(email: str):
    from petal.access.policy import has_role
    from petal.access.roles import Role
    from petal.accounts.models import User

    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None or not has_role(user, Role.TRUSTED_PERSON):
        message = "Enter the email address of someone with a trusted person sign-in in Petal"
        raise ValidationFailed(message, field_errors={"email": [message]})
    return user


@transaction.atomic
def relationship_add(
    *, actor, person: Person, email: str, kind: str, organisation=None
) -> TrustedRelationship:
    """Another trusted person the person has chosen joins them (not as lead)."""
    _require_change(actor, person)
    user = _trusted_person_user(email)
    if (
        user.pk == actor.pk
        or TrustedRelationship.objects.filter(
            person=person, trusted_person=user, ends_on__isnull=True
        ).exists()
    ):
        message = "They are already one of this person's trusted persons"
        raise ValidationFailed(message, field_errors={"email": [message]})
    relationship = TrustedRelationship.objects.create(
        programme_area=person.programme_area,
        person=person,
        trusted_person=user,
        kind=RelationshipKind(kind),
        organisation=organisation,
        starts_on=timezone.localdate(),
        is_lead=False,
    )
    _record_change(
        actor=actor,
        person=person,
        category=Category.INVOLVEMENT,
        changes={"trusted person": [None, user.display_name]},
        action="person.relationship_added",
        data={"trusted_person": user.pk},
    )
    return relationship


@transaction.atomic
def handover_plan(
    *,
    actor,
    person: Person,
    email: str,
    kind: str,
    organisation=None,
    planned_for: dt.date,
    agreed_how: str,
    agreement_note: str = "",
    previous_stays: bool = True,
):
    """Plan to hand the lead to another trusted person. The person's agreement, and how it was
    given, are required: nobody is handed on without being asked."""
    from petal.people.models import Handover, HandoverStatus

    _require_change(actor, person)
    user = _trusted_person_user(email)
    if user.pk == actor.pk:
        message = "Enter someone else's email address: you cannot hand over to yourself"
        raise ValidationFailed(message, field_errors={"email": [message]})
    if not agreed_how:
        message = "Select how they agreed to the handover"
        raise ValidationFailed(message, field_errors={"agreed_how": [message]})
    Handover.objects.filter(person=person, status=HandoverStatus.PLANNED).update(
        status=HandoverStatus.CANCELLED
    )
    handover = Handover.objects.create(
        programme_area=person.programme_area,
        person=person,
        from_user=actor,
        to_user=user,
        to_kind=RelationshipKind(kind),
        to_organisation=organisation,
        planned_for=planned_for,
        agreed_how=agreed_how,
        agreement_note=agreement_note.strip(),
        previous_stays=previous_stays,
    )
    audit_record(
        actor=actor,
        action="person.handover_planned",
        obj=person,
        categories=[Category.INVOLVEMENT],
        data={"to": user.pk, "planned_for": planned_for.isoformat(), "agreed_how": agreed_how},
    )
    return handover


@transaction.atomic
def handover_complete(*, actor, person: Person, handover_id: int):
    """Carry out a planned handover: the new trusted person becomes lead; the previous one
    stays involved or steps back, as planned."""
    from petal.people.models import Handover, HandoverStatus

    _require_change(actor, person)
    handover = (
        Handover.objects.select_for_update()
        .filter(pk=handover_id, person=person, status=HandoverStatus.PLANNED)
        .first()
    )
    if handover is None:
        raise NotFound("No such handover")
    lead = TrustedRelationship.objects.filter(
        person=person, is_lead=True, ends_on__isnull=True
    ).values_list("trusted_person_id", flat=True)
    if actor.pk not in {handover.from_user_id, *lead}:
        raise Forbidden("Only the lead trusted person, or whoever planned it, completes a handover")
    _trusted_person_user(handover.to_user.email)  # still an active trusted person?
    today = timezone.localdate()
    current = TrustedRelationship.objects.filter(person=person, ends_on__isnull=True)
    current.filter(is_lead=True).update(is_lead=False)
    if not handover.previous_stays:
        # ends_on is the day a relationship ended: from that day on it gives no access.
        current.filter(trusted_person=handover.from_user).update(ends_on=today)
    incoming = current.filter(trusted_person=handover.to_user).first()
    if incoming is None:
        incoming = TrustedRelationship.objects.create(
            programme_area=person.programme_area,
            person=person,
            trusted_person=handover.to_user,
            kind=handover.to_kind,
            organisation=handover.to_organisation,
            starts_on=today,
        )
    TrustedRelationship.objects.filter(pk=incoming.pk).update(is_lead=True)
    handover.status = HandoverStatus.COMPLETED
    handover.completed_at = timezone.now()
    handover.save(update_fields=["status", "completed_at"])
    _record_change(
        actor=actor,
        person=person,
        category=Category.INVOLVEMENT,
        changes={"lead": [handover.from_user.display_name, handover.to_user.display_name]},
        action="person.handover_completed",
        data={"handover": handover.pk},
    )
    return handover


@transaction.atomic
def connection_request(
    *, actor, full_name: str, date_of_birth: dt.date | None, aliases: list[str] = ()
) -> int:
    """Ask the lead trusted persons of possible matches the actor cannot see to get in touch.

    The actor is told only that the request was sent; the recipients get an email that names
    the requester (a colleague) and nobody else, and a link to sign in.
    """
    from django.conf import settings
    from django.urls import reverse

    from petal.core.tasks import email_enqueue
    from petal.people.models import ConnectionRequest
    from petal.people.selectors import hidden_duplicate_ids

    ids = hidden_duplicate_ids(
        actor, full_name=full_name, date_of_birth=date_of_birth, aliases=aliases
    )
    leads = (
        TrustedRelationship.objects.filter(person_id__in=ids, is_lead=True, ends_on__isnull=True)
        .select_related("trusted_person")
        .order_by("person_id")
    )
    link = settings.PETAL_BASE_URL + reverse("people:connections")
    sent = 0
    for lead in leads:
        if ConnectionRequest.objects.filter(
            requester=actor, person_id=lead.person_id, closed_at__isnull=True
        ).exists():
            continue
        request = ConnectionRequest.objects.create(
            programme_area=lead.programme_area, requester=actor, person_id=lead.person_id
        )
        email_enqueue(
            to=[lead.trusted_person.email],
            subject="A colleague asks to connect about someone you support",
            body=(
                f"{actor.display_name} ({actor.email}) may be supporting someone you support, "
                "and asks you to get in touch so their story does not have to be told again.\n\n"
                f"Sign in to Petal to see the request (reference C{request.pk}):\n{link}\n"
            ),
        )
        audit_record(
            actor=actor,
            action="people.connection_requested",
            obj=request,
            data={"recipient": lead.trusted_person_id},
        )
        sent += 1
    return sent


@transaction.atomic
def connection_close(*, actor, request_id: int):
    """The recipient has dealt with a request (got in touch, or it was someone else)."""
    from petal.people.models import ConnectionRequest

    request = (
        ConnectionRequest.objects.filter(pk=request_id, closed_at__isnull=True)
        .filter(person__in=people_visible_to(actor))
        .first()
    )
    if request is None:
        raise NotFound("No such request")
    request.closed_at = timezone.now()
    request.save(update_fields=["closed_at"])
    audit_record(actor=actor, action="people.connection_closed", obj=request)
    return request
