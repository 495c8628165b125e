"""Who may do what: the one place Petal decides it.

Permissions are declared here, once, as the set of roles that hold them. Views, API
operations and navigation all ask these functions; none decides by itself. Later issues add
the rules about people's information (categories, consent) to this package.
"""

from __future__ import annotations

from collections.abc import Iterable

from petal.access.roles import ALL_ROLES, Role

R = Role

# Marks a permission every signed-in, active user holds, whatever their roles (or none yet).
ANY_SIGNED_IN: frozenset = frozenset({"*"})
# Marks a permission held only by a person Petal supports, signed in to see their own record.
SELF: frozenset = frozenset({"self"})

# Roles whose work is with people's records. Which records, and which categories of them, is
# decided per person in petal.access.people: a trusted person sees their own people; others
# see what a person's consent (or a break-glass) gives them, and nothing else.
PEOPLE_ROLES = frozenset(
    {
        R.TRUSTED_PERSON,
        R.SERVICE_STAFF,
        R.CHAMPION,
        R.PARTNERSHIP_COORDINATOR,
        R.SAFEGUARDING_LEAD,
    }
)

PERMISSIONS: dict[str, frozenset] = {
    "account.use": ANY_SIGNED_IN,
    # Two-step sign-in is required (when PETAL_MFA_REQUIRED, the default in production) for
    # every role that reads personal data: people's records, staff sign-ins, the audit trail,
    # contact messages and the co-production register. Governance members read suppressed
    # counts and barriers (never a person), so the one-page sign-in is enough for them; they
    # may still turn two-step sign-in on.
    "account.mfa_required": frozenset(ALL_ROLES - {R.GOVERNANCE_MEMBER}),
    # The organisations taking part: every signed-in worker needs to find partners.
    "organisations.view": frozenset(ALL_ROLES),
    # Public pages' content is the programme team's to keep up to date.
    "site.edit_pages": frozenset({R.PROGRAMME_TEAM, R.ADMINISTRATOR}),
    # The audit trail shows who read whose information: data protection and administration.
    "audit.view": frozenset({R.DATA_PROTECTION_LEAD, R.ADMINISTRATOR}),
    # Who has a sign-in and which roles they hold.
    "users.view": frozenset({R.ADMINISTRATOR, R.DATA_PROTECTION_LEAD, R.PROGRAMME_TEAM}),
    # Giving people sign-ins and roles, and disabling sign-ins.
    "users.manage": frozenset({R.ADMINISTRATOR}),
    # Reading the records of people: your own people, or those shared with you by consent.
    # Which people's records a reader sees is decided per person in petal.access.people.
    "people.use": PEOPLE_ROLES,
    # Adding a person, as their trusted person, and answering requests to connect.
    "people.add": frozenset({R.TRUSTED_PERSON}),
    # Opening a record without consent on a safeguarding or other lawful basis (break-glass).
    "people.break_glass": frozenset({R.SAFEGUARDING_LEAD}),
    # Consents due to expire, the break-glass review queue, access reports, sharing agreements.
    "consent.oversee": frozenset({R.DATA_PROTECTION_LEAD}),
    # A person supported by Petal, signed in: their consents and who read their record.
    "self.view": SELF,
    # The service directory is public; changing a service is for the organisation's own
    # service staff (their services only: petal.directory.services checks) and the programme
    # team (every service).
    "directory.edit": frozenset({R.SERVICE_STAFF, R.PROGRAMME_TEAM}),
    # Adding and changing organisations in the directory.
    "directory.manage": frozenset({R.PROGRAMME_TEAM}),
    # Referring a person a trusted person supports to a service.
    "referrals.make": frozenset({R.TRUSTED_PERSON}),
    # The inbox of referrals to an organisation's services.
    "referrals.receive": frozenset({R.SERVICE_STAFF}),
    # A referral's page: its referrer's side or its receiving side (decided per referral in
    # petal.referrals.selectors).
    "referrals.view": frozenset({R.TRUSTED_PERSON, R.SERVICE_STAFF}),
    # Time to access services: durations only, never a person.
    "referrals.measures": frozenset(ALL_ROLES),
    # Meetings: a meeting's page is seen by those it concerns (decided per meeting in
    # petal.access.meetings); anyone can be invited or own an action.
    "meetings.view": frozenset(ALL_ROLES),
    # Convening a professionals meeting about a person they support; bringing them to a
    # partnership's problem-solving session.
    "meetings.convene": frozenset({R.TRUSTED_PERSON}),
    # Planning and running a partnership's problem-solving sessions.
    "meetings.sessions": frozenset({R.PARTNERSHIP_COORDINATOR}),
    # Your own actions, and your organisation's, from every meeting.
    "actions.view": frozenset(ALL_ROLES),
    # Trusted Person Champions. The champions directory: every worker with a role.
    "champions.view": frozenset(ALL_ROLES),
    # Approving pledges, declining them, and keeping the pledge text and topics up to date.
    "champions.approve": frozenset({R.PROGRAMME_TEAM}),
    # Asking a champion for support, or raising a concern through them.
    "champions.connect": frozenset({R.TRUSTED_PERSON}),
    # Raising a barrier on behalf of a trusted person (the barriers issue builds the ladder).
    "champions.raise_barrier": frozenset({R.CHAMPION}),
    # The Champion Network: questions, answers, tags and digests, for every worker with a role.
    "network.use": frozenset(ALL_ROLES),
    # Hiding and restoring posts and stories, with a reason; the reports queue.
    "network.moderate": frozenset({R.PROGRAMME_TEAM}),
    # Sharing a success story: champions and trusted persons.
    "stories.share": frozenset({R.CHAMPION, R.TRUSTED_PERSON}),
    # Featuring a story on the public pages.
    "stories.feature": frozenset({R.PROGRAMME_TEAM}),
    # Events: every worker with a role sees published events and registers.
    "events.view": frozenset(ALL_ROLES),
    # Publishing events, changing and cancelling them, recording attendance.
    "events.manage": frozenset({R.PROGRAMME_TEAM}),
    # Barriers: about the system, never a named person, so every worker with a role reads them,
    # the governance structure and governance groups' meetings (petal.access.barriers).
    "barriers.view": frozenset(ALL_ROLES),
    # Raising a barrier, and saying "I have met this too": anyone working in the system.
    "barriers.raise": frozenset(ALL_ROLES),
    # Deciding barriers at a group's meeting (resolve, escalate, close), merging similar ones
    # and writing the learning a resolved one becomes: the groups a user runs, decided per
    # group in petal.access.barriers (coordinators their partnership's; governance members
    # their level's; the programme team every group).
    "barriers.decide": frozenset(
        {R.PARTNERSHIP_COORDINATOR, R.GOVERNANCE_MEMBER, R.PROGRAMME_TEAM}
    ),
    # Governance groups' members, and meetings above the operational level: agendas,
    # attendance, actions, board packs (per group in petal.access.barriers).
    "governance.manage": frozenset(
        {R.PARTNERSHIP_COORDINATOR, R.GOVERNANCE_MEMBER, R.PROGRAMME_TEAM}
    ),
    # Publishing learning entries on the public "You said, we did" page.
    "learning.publish": frozenset({R.PROGRAMME_TEAM}),
    # Running the programme: partners and their contributions, milestones, newsletters, the
    # learning library, the co-production register and the contact inbox.
    "programme.manage": frozenset({R.PROGRAMME_TEAM}),
    # What is public on the site, through the API for every worker: partners, milestones,
    # published newsletters and the totals of contributions.
    "programme.view": frozenset(ALL_ROLES),
    # Each partner's contributions, pledge by pledge (the totals are public): the programme
    # team, and governance members who oversee the programme.
    "contributions.view": frozenset({R.PROGRAMME_TEAM, R.GOVERNANCE_MEMBER}),
    # Trauma-informed self-assessment and staff training records: workers for their own
    # organisations (per organisation in petal.access.programme); the programme team reads every
    # organisation's, side by side.
    "selfassessment.use": frozenset(ALL_ROLES),
    # Outcomes dashboards, their exports, the quarterly report and the reports API: counts
    # only, never a person, with small numbers suppressed (petal.outcomes.suppression). The
    # programme team, partnership coordinators and board members (governance members).
    "outcomes.dashboards": frozenset(
        {R.PROGRAMME_TEAM, R.PARTNERSHIP_COORDINATOR, R.GOVERNANCE_MEMBER}
    ),
    # Importing a caseload spreadsheet (people, needs and trusted persons): trusted persons for
    # their own people; partnership coordinators for their Counting Every Adult team
    # (petal.access.outcomes decides which trusted persons a row may name).
    "people.import": frozenset({R.TRUSTED_PERSON, R.PARTNERSHIP_COORDINATOR}),
    # Reference data (areas, districts, partnerships, governance levels).
    "reference.view": frozenset(ALL_ROLES),
    # Data-protection rights (UK GDPR articles 15–18): subject access requests and their
    # one-month clock, rectification, restriction and erasure cases. The data protection lead
    # only; a restricted record is readable by them alone (petal.rights).
    "rights.manage": frozenset({R.DATA_PROTECTION_LEAD}),
    # Retention schedules per record type and the reports of what each run deleted or
    # anonymised (petal.retention): the data protection lead and administrators.
    "retention.view": frozenset({R.DATA_PROTECTION_LEAD, R.ADMINISTRATOR}),
}


def roles_of(user) -> frozenset[Role]:
    """The roles a user holds now through active memberships (none for anonymous or disabled).

    Cached on the user object for the request, so a page asks the database once.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_petal_roles", None)
    if cached is None:
        cached = frozenset(Role(m[0]) for m in memberships_of(user))
        user._petal_roles = cached
    return cached


def memberships_of(user) -> list[tuple[str, int | None, int | None]]:
    """(role, organisation id, partnership id) for the user's memberships in force now, cached
    on the user object for the request (one query for roles and for consent scope)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_petal_memberships", None)
    if cached is None:
        from petal.accounts.selectors import active_memberships_for_user_id

        cached = active_memberships_for_user_id(user.pk)
        user._petal_memberships = cached
    return cached


def organisations_with_role(user, role: Role) -> list[int]:
    """The organisations in which the user holds a role now (through memberships in force)."""
    if getattr(user, "is_individual", False):
        return []
    return sorted({org for held, org, _ in memberships_of(user) if held == role and org})


def has_role(user, *roles: Role) -> bool:
    """True when the user holds at least one of the roles."""
    return bool(roles_of(user) & set(roles))


def can(user, permission: str) -> bool:
    """True when the signed-in, active user holds a role that carries the permission."""
    if permission not in PERMISSIONS:
        raise KeyError(f"Unknown permission {permission!r}: declare it in petal.access.policy")
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    allowed = PERMISSIONS[permission]
    if getattr(user, "is_individual", False):
        # A person's own sign-in never holds a staff permission, whatever else is recorded.
        return allowed is SELF or allowed is ANY_SIGNED_IN
    if allowed is SELF:
        return False
    if allowed is ANY_SIGNED_IN:
        return True
    return bool(roles_of(user) & allowed)


def roles_with(permission: str) -> frozenset[Role]:
    allowed = PERMISSIONS[permission]
    if allowed is SELF:
        return frozenset()
    return frozenset(ALL_ROLES) if allowed is ANY_SIGNED_IN else allowed


def permissions_of(user) -> list[str]:
    return sorted(p for p in PERMISSIONS if can(user, p))


def role_labels(roles: Iterable[Role]) -> list[str]:
    return [Role(r).label for r in sorted(roles)]
