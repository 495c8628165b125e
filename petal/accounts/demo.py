"""Deterministic, fictional demo sign-ins. Every later issue adds its own records here."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from petal.access.roles import Role
from petal.accounts.models import Membership, Organisation, User
from petal.accounts.services import membership_add, user_create
from petal.reference.models import GovernanceLevel, Partnership

DEFAULT_PASSWORD = "petal-demo-2026"  # noqa: S105 - fictional demo data, printed on screen.


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: Role
    organisation: str | None = None  # slug
    partnership: str | None = None
    governance_level: str | None = None
    what: str = ""


DEMO_USERS = [
    DemoUser(
        "trusted.person@example.org",
        "Amara Okafor",
        Role.TRUSTED_PERSON,
        "ferry-project-wisbech",
        what="trusted person, Ferry Project (Wisbech)",
    ),
    DemoUser(
        "trusted.person2@example.org",
        "Tomasz Nowicki",
        Role.TRUSTED_PERSON,
        "peterborough-light-project",
        what="trusted person, Peterborough Light Project",
    ),
    DemoUser(
        "champion@example.org",
        "Grace Whitfield",
        Role.CHAMPION,
        "cpsl-mind",
        what="Trusted Person Champion, CPSL Mind",
    ),
    DemoUser(
        "coordinator@example.org",
        "Daniel Mensah",
        Role.PARTNERSHIP_COORDINATOR,
        "cambridgeshire-county-council",
        partnership="cambridgeshire",
        what="coordinator, Cambridgeshire partnership",
    ),
    DemoUser(
        "coordinator.peterborough@example.org",
        "Siân Pritchard",
        Role.PARTNERSHIP_COORDINATOR,
        "peterborough-city-council",
        partnership="peterborough",
        what="coordinator, Peterborough partnership",
    ),
    DemoUser(
        "coordinator.fenland@example.org",
        "Joel Ferreira",
        Role.PARTNERSHIP_COORDINATOR,
        "fenland-district-council",
        partnership="fenland-east-cambridgeshire",
        what="coordinator, Fenland & East Cambridgeshire partnership",
    ),
    DemoUser(
        "programme@example.org",
        "Helen Marsh",
        Role.PROGRAMME_TEAM,
        "cambridgeshire-county-council",
        what="Changing Futures programme team",
    ),
    DemoUser(
        "dpo@example.org",
        "Rashid Karim",
        Role.DATA_PROTECTION_LEAD,
        "cambridgeshire-county-council",
        what="data protection lead",
    ),
    DemoUser(
        "board@example.org",
        "Margaret Eze",
        Role.GOVERNANCE_MEMBER,
        "peterborough-city-council",
        governance_level="public-service-board",
        what="Public Service Board member",
    ),
    DemoUser(
        "tactical@example.org",
        "Rebecca Langford",
        Role.GOVERNANCE_MEMBER,
        "cambridge-city-council",
        governance_level="tactical-group",
        what="Tactical Group member, Cambridge City Council",
    ),
    DemoUser(
        "strategic@example.org",
        "Martin Osborne",
        Role.GOVERNANCE_MEMBER,
        "cambridgeshire-and-peterborough-public-health",
        governance_level="strategic-group",
        what="Strategic Group member, Cambridgeshire & Peterborough Public Health",
    ),
    DemoUser(
        "admin@example.org", "Owen Pryce", Role.ADMINISTRATOR, None, what="Petal administrator"
    ),
    DemoUser(
        "service.staff@example.org",
        "Bethany Cole",
        Role.SERVICE_STAFF,
        "cgl-change-grow-live",
        what="service staff, CGL (receives referrals)",
    ),
    DemoUser(
        "services@example.org",
        "Priya Shah",
        Role.SERVICE_STAFF,
        "cgl-change-grow-live",
        what="service staff, CGL: the referrals inbox",
    ),
    DemoUser(
        "safeguarding@example.org",
        "Imran Chaudhry",
        Role.SAFEGUARDING_LEAD,
        "peterborough-city-council",
        what="safeguarding lead, Peterborough City Council",
    ),
]


@transaction.atomic
def load_demo(*, password: str = DEFAULT_PASSWORD) -> list[DemoUser]:
    """Create or refresh the demo sign-ins. Safe to run again: nothing is duplicated."""
    orgs = {o.slug: o for o in Organisation.objects.all()}
    for demo in DEMO_USERS:
        user = User.objects.filter(email=demo.email).first()
        if user is None:
            user = user_create(
                actor=None, email=demo.email, full_name=demo.full_name, password=password
            )
        else:
            user.full_name = demo.full_name
            user.is_active = True
            user.set_password(password)
            user.save()
        organisation = orgs[demo.organisation] if demo.organisation else None
        partnership = Partnership.objects.get(slug=demo.partnership) if demo.partnership else None
        level = (
            GovernanceLevel.objects.get(slug=demo.governance_level)
            if demo.governance_level
            else None
        )
        exists = Membership.objects.filter(
            user=user,
            role=demo.role,
            organisation=organisation,
            partnership=partnership,
            governance_level=level,
            ended_at__isnull=True,
        ).exists()
        if not exists:
            membership_add(
                actor=None,
                user=user,
                role=demo.role,
                organisation=organisation,
                partnership=partnership,
                governance_level=level,
            )
    return DEMO_USERS
