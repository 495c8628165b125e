"""Plain-words names for audit actions and record types, for the people who read the trail."""

ACTIONS = {
    "account.signed_in": "Signed in",
    "account.signed_out": "Signed out",
    "account.sign_in_failed": "Sign-in failed",
    "account.sign_in_locked": "Sign-in refused: too many attempts",
    "account.password_reset": "Password reset",
    "account.user_created": "Sign-in created",
    "account.role_granted": "Role given",
    "account.role_ended": "Role ended",
    "account.user_disabled": "Sign-in disabled",
    "account.user_enabled": "Sign-in enabled again",
    "account.token_created": "API token created",
    "account.token_revoked": "API token revoked",
    "site.page_updated": "Public page changed",
    "people.listed": "List of people viewed",
    "people.exported": "List of people downloaded",
    "people.duplicates_shown": "Possible duplicates shown",
    "person.read": "Person's record read",
    "person.created": "Person added",
    "person.updated": "Person's record changed",
    "person.episode_added": "Area added to a person's timeline",
    "person.episode_ended": "Area on a person's timeline ended",
    "person.contact_recorded": "Contact recorded",
    "person.relationship_added": "Trusted person added",
    "person.handover_planned": "Handover planned",
    "person.handover_completed": "Handover completed",
    "people.connection_requested": "Asked to connect about a possible shared person",
    "people.connection_closed": "Request to connect dealt with",
    "audit.trail_viewed": "Audit trail viewed",
    "consent.agreement_created": "Information-sharing agreement added",
    "consent.recorded": "Consent to share recorded",
    "directory.service_added": "Service added to the directory",
    "directory.service_changed": "Service in the directory changed",
    "directory.location_added": "Location added to the directory",
    "directory.organisation_added": "Organisation added",
    "directory.organisation_changed": "Organisation changed",
    "directory.imported": "Services imported from another directory",
    "referral.sent": "Referral sent",
    "referral.read": "Referral read",
    "referrals.listed": "List of referrals viewed",
    "referral.status_changed": "Referral moved on a step",
    "referral.note_added": "Note added to a referral",
    "referral.reminded": "Reminder sent about an unacknowledged referral",
    "consent.renewed": "Consent to share renewed",
    "consent.withdrawn": "Consent to share withdrawn",
    "consent.expiry_warned": "Told that a consent ends soon",
    "consent.own_access_invited": "Given their own sign-in",
    "consent.own_access_started": "Set up their own sign-in",
    "consent.own_access_ended": "Own sign-in turned off",
    "consent.access_report_viewed": "Access report viewed",
    "consent.own_record_viewed": "Looked at their own record",
    "story.read_instead_of_retold": "Story read instead of asked again",
    "breakglass.opened": "Opened without consent (break-glass)",
    "breakglass.closed": "Access without consent ended early",
    "breakglass.reviewed": "Access without consent reviewed",
    "breakglass.searched": "Searched for a record to open without consent",
    "account.users_listed": "List of sign-ins viewed",
}

OBJECT_TYPES = {
    "accounts.user": "Sign-in",
    "accounts.personalaccesstoken": "API token",
    "site.page": "Public page",
    "people.person": "Person",
    "people.connectionrequest": "Request to connect",
    "consent.sharingagreement": "Information-sharing agreement",
}


def action_label(action: str) -> str:
    return ACTIONS.get(action, action)


def object_label(object_type: str, object_id: str) -> str:
    if not object_type:
        return ""
    return f"{OBJECT_TYPES.get(object_type, object_type)} {object_id}".strip()
