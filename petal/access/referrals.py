"""Who may see a referral, and how much of the person in it.

Two sides see a referral:

- the **referring side**: the person's current trusted persons (the referrer among them) see
  all of it, as they see the person's whole record;
- the **receiving side**: service staff of the receiving organisation see the referral, and of
  the person only the categories the referrer included **and** an active consent to the
  receiving organisation still covers — worked out at every request, so a withdrawal or an
  expiry hides the person at once. Without ``identity`` they see nothing of the person (nor
  the notes, which are about the person): only the reference, the service and the steps.

Anyone else — other organisations, colleagues of the referrer, the data protection lead — is
answered as if the referral did not exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from petal.access.categories import Category
from petal.access.people import _is_active_user, active_consent_filter, current_relationships
from petal.access.policy import organisations_with_role
from petal.access.roles import Role

REFERRER = "referrer"
RECEIVER = "receiver"


def receiving_organisations(actor) -> list[int]:
    """Organisations whose referral inbox the actor works: their service-staff memberships."""
    if not _is_active_user(actor):
        return []
    return organisations_with_role(actor, Role.SERVICE_STAFF)


def referral_visibility(actor, *, side: str | None = None, on: dt.date | None = None) -> Q:
    """A filter over Referral: those the actor may see (on one side, or either)."""
    if not _is_active_user(actor):
        return Q(pk__in=[])
    sending = Q(person_id__in=current_relationships(actor, on=on).order_by().values("person_id"))
    receiving = Q(organisation_id__in=receiving_organisations(actor))
    if side == REFERRER:
        return sending
    if side == RECEIVER:
        return receiving
    return sending | receiving


def consent_bits_to_organisations(
    pairs: Iterable[tuple[int, int]], *, on: dt.date | None = None
) -> dict[tuple[int, int], int]:
    """For (person id, organisation id) pairs: the categories (bits) active consents to that
    organisation cover now, in one query."""
    from petal.consent.models import Consent

    pairs = set(pairs)
    if not pairs:
        return {}
    people = {p for p, _ in pairs}
    organisations = {o for _, o in pairs}
    bits: dict[tuple[int, int], int] = {}
    rows = (
        Consent.objects.filter(active_consent_filter(on=on))
        .filter(person_id__in=people, grantee_organisation_id__in=organisations)
        .order_by()
        .values_list("person_id", "grantee_organisation_id", "category_bits")
    )
    for person_id, organisation_id, category_bits in rows:
        key = (person_id, organisation_id)
        if key in pairs:
            bits[key] = bits.get(key, 0) | category_bits
    return bits


def shareable_bits(person_id: int, organisation_id: int, *, on: dt.date | None = None) -> int:
    """What a referral of this person to this organisation may include now."""
    return consent_bits_to_organisations([(person_id, organisation_id)], on=on).get(
        (person_id, organisation_id), 0
    )


@dataclass(frozen=True)
class ReferralAccess:
    side: str
    categories: frozenset[Category]

    @property
    def sees_person(self) -> bool:
        return Category.IDENTITY in self.categories


def _categories(bits: int) -> frozenset[Category]:
    from petal.consent.models import categories_in

    found = frozenset(categories_in(bits))
    return found if Category.IDENTITY in found else frozenset()


def receiver_categories(referral, consent_bits: int) -> frozenset[Category]:
    """What the receiving side sees: included by the referrer and still consented."""
    return _categories(referral.category_bits & consent_bits)


def referral_access(actor, referral, *, on: dt.date | None = None) -> ReferralAccess | None:
    """Which side the actor is on and what they see of the person; None if they may not see
    the referral at all."""
    if not _is_active_user(actor):
        return None
    if current_relationships(actor, on=on).filter(person_id=referral.person_id).exists():
        from petal.access.categories import ALL_CATEGORIES

        return ReferralAccess(REFERRER, frozenset(ALL_CATEGORIES))
    if referral.organisation_id in receiving_organisations(actor):
        bits = shareable_bits(referral.person_id, referral.organisation_id, on=on)
        return ReferralAccess(RECEIVER, receiver_categories(referral, bits))
    return None
