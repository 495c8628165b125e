"""Who gets what, for every URL and every API operation.

The table is written by hand, not derived from the policy, so it checks the policy. It is
compared with the URL conf and the OpenAPI schema: a new URL or operation without a row here
fails ``test_every_url_has_an_expectation`` until someone decides who may reach it.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from config.api import api
from petal.access.roles import Role
from tests.access_rows import ROW_MODULES
from tests.access_rows.common import (  # noqa: F401 - names the rows below use
    ANON,
    EVERY_ROLE,
    EVERYONE,
    INDIVIDUAL,
    NO_ROLE,
    PEOPLE,
    PRINCIPALS,
    SIGNED_IN,
    R,
    allow,
)

# url name → (path to request, expected status per principal)
PAGES: dict[str, tuple[str, dict[str, int]]] = {
    "site:home": ("/", allow(EVERYONE)),
    "site:page": ("/about", allow(EVERYONE)),
    "site:page-list": ("/pages", allow({R.PROGRAMME_TEAM, R.ADMINISTRATOR})),
    "site:page-edit": ("/pages/about/edit", allow({R.PROGRAMME_TEAM, R.ADMINISTRATOR})),
    # Signed-in visitors to the sign-in page are sent on to their dashboard.
    "accounts:sign-in": ("/sign-in", {p: (200 if p == ANON else 302) for p in PRINCIPALS}),
    "accounts:sign-out": ("/sign-out", {p: 405 for p in PRINCIPALS}),
    # A person's own sign-in is sent on to their record.
    "accounts:home": (
        "/dashboard",
        {**allow(SIGNED_IN), INDIVIDUAL: 302},
    ),
    "accounts:account": ("/account", allow(SIGNED_IN)),
    "accounts:token-create": ("/account/tokens/new", allow(SIGNED_IN)),
    # The second step of signing in needs a password checked moments before: without one,
    # back to the sign-in page; new recovery codes are shown once, straight after they are made.
    "accounts:sign-in-code": ("/sign-in/code", {p: 302 for p in PRINCIPALS}),
    "accounts:recovery-codes": ("/account/recovery-codes", {p: 302 for p in PRINCIPALS}),
    "accounts:recovery-codes-new": (
        "/account/recovery-codes/new",
        allow(SIGNED_IN, ok_status=405),
    ),
    "accounts:mfa-setup": ("/account/two-step", allow(SIGNED_IN)),
    "accounts:mfa-remove": ("/account/two-step/off", allow(SIGNED_IN, ok_status=405)),
    "accounts:password-change": ("/account/password", allow(SIGNED_IN)),
    "accounts:email-change": ("/account/email", allow(SIGNED_IN)),
    "accounts:email-confirm": ("/account/email/not-a-token", allow(SIGNED_IN)),
    "accounts:sessions-end": ("/account/sessions/end", allow(SIGNED_IN, ok_status=405)),
    "accounts:user-sessions-end": (
        "/users/{other}/sessions/end",
        allow({R.ADMINISTRATOR}, ok_status=405),
    ),
    "accounts:user-mfa-reset": (
        "/users/{other}/two-step/reset",
        allow({R.ADMINISTRATOR}, ok_status=405),
    ),
    "accounts:token-revoke": ("/account/tokens/1/revoke", allow(set(), anon=302, denied=405)),
    "accounts:organisations": ("/organisations", allow(EVERY_ROLE)),
    "accounts:users": (
        "/users",
        allow({R.ADMINISTRATOR, R.DATA_PROTECTION_LEAD, R.PROGRAMME_TEAM}),
    ),
    "accounts:user-new": ("/users/new", allow({R.ADMINISTRATOR})),
    "accounts:user": (
        "/users/{other}",
        allow({R.ADMINISTRATOR, R.DATA_PROTECTION_LEAD, R.PROGRAMME_TEAM}),
    ),
    "accounts:user-role-new": ("/users/{other}/roles/new", allow({R.ADMINISTRATOR})),
    # POST-only actions: a GET is refused once the role check has passed.
    "accounts:user-role-end": (
        "/users/{other}/roles/{other_membership}/end",
        allow({R.ADMINISTRATOR}, ok_status=405),
    ),
    "accounts:user-active": ("/users/{other}/active", allow({R.ADMINISTRATOR}, ok_status=405)),
    "accounts:password-reset": ("/password-reset", allow(EVERYONE)),
    "accounts:password-reset-sent": ("/password-reset/sent", allow(EVERYONE)),
    "accounts:password-reset-confirm": ("/password-reset/MQ/not-a-token", allow(EVERYONE)),
    "accounts:password-reset-complete": ("/password-reset/complete", allow(EVERYONE)),
    "people:caseload": ("/people/", allow(PEOPLE)),
    "people:export": ("/people/export.csv", allow(PEOPLE)),
    "people:new": ("/people/new", allow({R.TRUSTED_PERSON})),
    "people:new-step": ("/people/new/contact", allow({R.TRUSTED_PERSON})),
    # With nothing typed yet, checking answers sends you back to the first question.
    "people:new-check": ("/people/new/check", allow({R.TRUSTED_PERSON}, ok_status=302)),
    # Someone else's person: as if it did not exist, even for a trusted person.
    "people:person": ("/people/{person}", allow(PEOPLE, ok_status=404)),
    "people:edit": ("/people/{person}/edit/story", allow(PEOPLE, ok_status=404)),
    "people:episode-new": (
        "/people/{person}/episodes/new",
        allow(PEOPLE, ok_status=404),
    ),
    "people:episode-end": (
        "/people/{person}/episodes/{episode}/end",
        allow(PEOPLE, ok_status=404),
    ),
    "people:contact-new": (
        "/people/{person}/contacts/new",
        allow(PEOPLE, ok_status=404),
    ),
    "people:relationship-new": (
        "/people/{person}/relationships/new",
        allow(PEOPLE, ok_status=404),
    ),
    "people:handover-new": (
        "/people/{person}/handover/new",
        allow(PEOPLE, ok_status=404),
    ),
    # POST only: a GET is refused before any record is looked up, whatever the id.
    "people:handover-complete": (
        "/people/{person}/handover/1/complete",
        allow(PEOPLE, ok_status=405),
    ),
    "people:new-connect": ("/people/new/connect", allow({R.TRUSTED_PERSON}, ok_status=405)),
    "people:connections": ("/people/connections", allow({R.TRUSTED_PERSON})),
    "people:connection-close": (
        "/people/connections/1/close",
        allow({R.TRUSTED_PERSON}, ok_status=405),
    ),
    # Consent pages of someone else's person: as if they did not exist.
    "consent:person": ("/people/{person}/consents", allow(PEOPLE, ok_status=404)),
    "consent:new": ("/people/{person}/consents/new", allow(PEOPLE, ok_status=404)),
    "consent:receipt": (
        "/people/{person}/consents/{consent}/receipt",
        allow(PEOPLE, ok_status=404),
    ),
    "consent:receipt-pdf": (
        "/people/{person}/consents/{consent}/receipt.pdf",
        allow(PEOPLE, ok_status=404),
    ),
    "consent:withdraw": (
        "/people/{person}/consents/{consent}/withdraw",
        allow(PEOPLE, ok_status=404),
    ),
    "consent:renew": (
        "/people/{person}/consents/{consent}/renew",
        allow(PEOPLE, ok_status=404),
    ),
    "consent:own-access": ("/people/{person}/own-sign-in", allow(PEOPLE, ok_status=404)),
    "consent:own-access-end": (
        "/people/{person}/own-sign-in/end",
        allow(PEOPLE, ok_status=405),
    ),
    "consent:safeguarding": ("/safeguarding/", allow({R.SAFEGUARDING_LEAD})),
    "consent:break-glass-close": (
        "/safeguarding/1/close",
        allow({R.SAFEGUARDING_LEAD}, ok_status=405),
    ),
    "consent:oversight": ("/consent/", allow({R.DATA_PROTECTION_LEAD})),
    "consent:expiring": ("/consent/expiring", allow({R.DATA_PROTECTION_LEAD})),
    "consent:break-glass-queue": ("/consent/break-glass", allow({R.DATA_PROTECTION_LEAD})),
    "consent:break-glass-review": (
        "/consent/break-glass/999999",
        allow({R.DATA_PROTECTION_LEAD}, ok_status=404),
    ),
    "consent:access-report": ("/consent/access-report", allow({R.DATA_PROTECTION_LEAD})),
    "consent:agreements": ("/consent/agreements", allow({R.DATA_PROTECTION_LEAD})),
    "consent:agreement-new": ("/consent/agreements/new", allow({R.DATA_PROTECTION_LEAD})),
    "consent:own": ("/your-record/", allow({INDIVIDUAL})),
    # Someone else's consent: as if it did not exist.
    "consent:own-withdraw": (
        "/your-record/consents/{consent}/withdraw",
        allow({INDIVIDUAL}, ok_status=404),
    ),
    "consent:own-start": ("/your-record/start", allow(EVERYONE)),
    # The service directory is public; changing it is for service staff (their own
    # organisation's: {service} belongs to another) and the programme team (everything).
    "directory:directory": ("/directory/", allow(EVERYONE)),
    "directory:service": ("/directory/services/{service}", allow(EVERYONE)),
    "directory:service-new": (
        "/directory/services/new",
        allow({R.SERVICE_STAFF, R.PROGRAMME_TEAM}),
    ),
    "directory:service-edit": ("/directory/services/{service}/edit", allow({R.PROGRAMME_TEAM})),
    "directory:organisation": ("/directory/organisations/{organisation}", allow(EVERYONE)),
    "directory:organisation-new": ("/directory/organisations/new", allow({R.PROGRAMME_TEAM})),
    "directory:organisation-edit": (
        "/directory/organisations/{organisation}/edit",
        allow({R.PROGRAMME_TEAM}),
    ),
    "directory:location-new": (
        "/directory/organisations/{organisation}/locations/new",
        allow({R.PROGRAMME_TEAM}),
    ),
    # Open Referral UK: the directory, read-only, for other directories.
    "openreferral:root": ("/openreferral/", allow(EVERYONE)),
    "openreferral:services": ("/openreferral/services", allow(EVERYONE)),
    "openreferral:service": ("/openreferral/services/{service}", allow(EVERYONE)),
    "openreferral:taxonomies": ("/openreferral/taxonomies", allow(EVERYONE)),
    "openreferral:taxonomy": ("/openreferral/taxonomies/{taxonomy}", allow(EVERYONE)),
    "openreferral:taxonomy_terms": ("/openreferral/taxonomy_terms", allow(EVERYONE)),
    "openreferral:taxonomy_term": ("/openreferral/taxonomy_terms/{term}", allow(EVERYONE)),
    "openreferral:service_at_locations": ("/openreferral/service_at_locations", allow(EVERYONE)),
    "openreferral:service_at_location": (
        "/openreferral/service_at_locations/{service_at_location}",
        allow(EVERYONE),
    ),
    # Referrals: a referral of someone else's person, to another organisation, is as if it
    # did not exist.
    "referrals:sent": ("/referrals/", allow({R.TRUSTED_PERSON})),
    "referrals:inbox": ("/referrals/inbox", allow({R.SERVICE_STAFF})),
    "referrals:new": ("/referrals/new", allow({R.TRUSTED_PERSON})),
    "referrals:referral": (
        "/referrals/{referral}",
        allow({R.TRUSTED_PERSON, R.SERVICE_STAFF}, ok_status=404),
    ),
    "referrals:move": (
        "/referrals/{referral}/move",
        allow({R.TRUSTED_PERSON, R.SERVICE_STAFF}, ok_status=405),
    ),
    "referrals:note": (
        "/referrals/{referral}/notes",
        allow({R.TRUSTED_PERSON, R.SERVICE_STAFF}, ok_status=405),
    ),
    # Time to access: durations and counts of referrals, never a person.
    "referrals:times": ("/referrals/times/", allow(EVERY_ROLE)),
    "referrals:times-service": ("/referrals/times/services/{service}", allow(EVERY_ROLE)),
    "referrals:times-district": ("/referrals/times/districts/fenland", allow(EVERY_ROLE)),
    "referrals:times-partnership": (
        "/referrals/times/partnerships/cambridgeshire",
        allow(EVERY_ROLE),
    ),
    # Meetings: a meeting about someone else's person, to which no one here is invited, is as
    # if it did not exist; anyone may own an action.
    "meetings:list": ("/meetings/", allow(EVERY_ROLE)),
    "meetings:new": ("/meetings/new", allow({R.TRUSTED_PERSON})),
    "meetings:session-new": ("/meetings/sessions/new", allow({R.PARTNERSHIP_COORDINATOR})),
    "meetings:session-bring": (
        "/meetings/sessions/bring",
        allow({R.TRUSTED_PERSON}, ok_status=404),
    ),
    "meetings:actions": ("/meetings/actions/", allow(EVERY_ROLE)),
    "meetings:action-status": (
        "/meetings/actions/{action}/status",
        allow(EVERY_ROLE, ok_status=404),
    ),
    **{
        f"meetings:{name}": (f"/meetings/{{meeting}}{suffix}", allow(EVERY_ROLE, ok_status=404))
        for name, suffix in (
            ("meeting", ""),
            ("change", "/change"),
            ("cancel", "/cancel"),
            ("invitees", "/invitees"),
            ("pack", "/pack"),
            ("calendar", "/calendar.ics"),
            ("minutes", "/minutes"),
            ("action-new", "/actions/new"),
            ("barrier-new", "/barriers/new"),
            ("pack-preview", "/invitees/1/pack"),
        )
    },
    **{
        f"meetings:{name}": (f"/meetings/{{meeting}}{suffix}", allow(EVERY_ROLE, ok_status=405))
        for name, suffix in (
            ("send", "/send"),
            ("reply", "/reply"),
            ("decision-new", "/decisions"),
            ("invitee-without-details", "/invitees/1/without-details"),
            ("invitee-remove", "/invitees/1/remove"),
        )
    },
    "meetings:case-new": (
        "/meetings/{meeting}/cases/new",
        allow({R.TRUSTED_PERSON}, ok_status=404),
    ),
    "api:meetings_list": ("/api/v1/meetings", allow(EVERY_ROLE, anon=401)),
    "api:meeting_get": ("/api/v1/meetings/{meeting}", allow(EVERY_ROLE, ok_status=404, anon=401)),
    "api:meeting_pack": (
        "/api/v1/meetings/{meeting}/pack",
        allow(EVERY_ROLE, ok_status=404, anon=401),
    ),
    "api:actions_list": ("/api/v1/actions", allow(EVERY_ROLE, anon=401)),
    "api:action_status": ("/api/v1/actions/{action}/status", {p: 405 for p in PRINCIPALS}),
    # Trusted Person Champions: the pledge is public; the directory is for every role; the
    # programme team approves. A connection no one here is a side of is as if it did not exist.
    "champions:directory": ("/champions/", allow(EVERY_ROLE)),
    "champions:pledge": ("/champions/pledge", allow(EVERYONE)),
    "champions:pledge-signed": ("/champions/pledge/signed", allow(EVERYONE)),
    # A link that is not valid is a page saying so, for anyone.
    "champions:pledge-confirm": ("/champions/pledge/confirm/not-a-token", allow(EVERYONE)),
    "champions:pledges": ("/champions/pledges", allow({R.PROGRAMME_TEAM})),
    "champions:pledge-review": (
        "/champions/pledges/{champion}",
        allow({R.PROGRAMME_TEAM}),
    ),
    "champions:profile": ("/champions/me", allow(EVERY_ROLE)),
    # Without a directory entry there is nothing to withdraw: sent to "your entry".
    "champions:withdraw": ("/champions/me/withdraw", allow(EVERY_ROLE, ok_status=302)),
    "champions:connections": ("/champions/connections", allow(EVERY_ROLE)),
    "champions:connection": (
        "/champions/connections/{connection}",
        allow(EVERY_ROLE, ok_status=404),
    ),
    "champions:connection-respond": (
        "/champions/connections/{connection}/respond",
        allow(EVERY_ROLE, ok_status=404),
    ),
    "champions:connection-close": (
        "/champions/connections/{connection}/close",
        allow(EVERY_ROLE, ok_status=404),
    ),
    "champions:barrier-new": ("/champions/barriers/new", allow({R.CHAMPION})),
    "champions:barriers": ("/champions/barriers", allow({R.CHAMPION})),
    "champions:topics": ("/champions/topics", allow({R.PROGRAMME_TEAM})),
    "champions:topic": ("/champions/topics/{topic}", allow({R.PROGRAMME_TEAM})),
    "champions:champion": ("/champions/{champion}", allow(EVERY_ROLE)),
    "champions:connect": ("/champions/{champion}/connect", allow({R.TRUSTED_PERSON})),
    "api:champions_list": ("/api/v1/champions", allow(EVERY_ROLE, anon=401)),
    "api:champion_get": ("/api/v1/champions/{champion}", allow(EVERY_ROLE, anon=401)),
    # Events: every role sees published events; the programme team publishes and records
    # attendance. 999999 does not exist: those allowed get as far as the look-up (404).
    "events:list": ("/events/", allow(EVERY_ROLE)),
    "events:new": ("/events/new", allow({R.PROGRAMME_TEAM})),
    "events:event": ("/events/999999", allow(EVERY_ROLE, ok_status=404)),
    "events:change": ("/events/999999/change", allow({R.PROGRAMME_TEAM}, ok_status=404)),
    "events:cancel": ("/events/999999/cancel", allow({R.PROGRAMME_TEAM}, ok_status=404)),
    "events:register": ("/events/999999/register", allow(EVERY_ROLE, ok_status=405)),
    "events:attendance": ("/events/999999/attendance", allow({R.PROGRAMME_TEAM}, ok_status=404)),
    "events:calendar": ("/events/999999/calendar.ics", allow(EVERY_ROLE, ok_status=404)),
    "api:events_list": ("/api/v1/events", allow(EVERY_ROLE, anon=401)),
    "api:event_get": ("/api/v1/events/999999", allow(EVERY_ROLE, ok_status=404, anon=401)),
    "api:event_registration_create": (
        "/api/v1/events/999999/registration",
        {p: 405 for p in PRINCIPALS},
    ),
    "api:event_registration_delete": (
        "/api/v1/events/999999/registration",
        {p: 405 for p in PRINCIPALS},
    ),
    # The Champion Network: every role reads and posts; the programme team moderates.
    # {question}, {answer} and {story} are visible posts; {featured_story} is featured.
    "network:questions": ("/network/", allow(EVERY_ROLE)),
    "network:ask": ("/network/ask", allow(EVERY_ROLE)),
    "network:tags": ("/network/tags", allow(EVERY_ROLE)),
    "network:moderation": ("/network/moderation", allow({R.PROGRAMME_TEAM})),
    "network:moderate-question": (
        "/network/moderation/questions/{question}",
        allow({R.PROGRAMME_TEAM}, ok_status=405),
    ),
    "network:moderate-answer": (
        "/network/moderation/answers/{answer}",
        allow({R.PROGRAMME_TEAM}, ok_status=405),
    ),
    "network:question": ("/network/{question}", allow(EVERY_ROLE)),
    "network:answer": ("/network/{question}/answer", allow(EVERY_ROLE, ok_status=405)),
    "network:question-helped": (
        "/network/{question}/helped",
        allow(EVERY_ROLE, ok_status=405),
    ),
    "network:report-question": ("/network/{question}/report", allow(EVERY_ROLE)),
    "network:accept": ("/network/answers/{answer}/accept", allow(EVERY_ROLE, ok_status=405)),
    "network:answer-helped": (
        "/network/answers/{answer}/helped",
        allow(EVERY_ROLE, ok_status=405),
    ),
    "network:report-answer": ("/network/answers/{answer}/report", allow(EVERY_ROLE)),
    "network:stories": ("/network/stories/", allow(EVERY_ROLE)),
    "network:story-new": ("/network/stories/new", allow({R.CHAMPION, R.TRUSTED_PERSON})),
    "network:story": ("/network/stories/{story}", allow(EVERY_ROLE)),
    "network:story-feature": (
        "/network/stories/{story}/feature",
        allow({R.PROGRAMME_TEAM}, ok_status=405),
    ),
    "network:story-moderate": (
        "/network/stories/{story}/moderate",
        allow({R.PROGRAMME_TEAM}, ok_status=405),
    ),
    # Featured stories are public.
    "stories:featured": ("/stories/", allow(EVERYONE)),
    "stories:story": ("/stories/{featured_story}", allow(EVERYONE)),
    "api:questions_list": ("/api/v1/questions", allow(EVERY_ROLE, anon=401)),
    "api:question_ask": ("/api/v1/questions", allow(EVERY_ROLE, anon=401)),
    "api:question_get": ("/api/v1/questions/{question}", allow(EVERY_ROLE, anon=401)),
    "api:answer_add": ("/api/v1/questions/{question}/answers", {p: 405 for p in PRINCIPALS}),
    # Barriers: about the system, so every role reads them and raises them. Deciding, merging
    # and writing learning are for whoever runs the group the barrier sits with: {barrier}
    # waits at the Cambridgeshire partnership, whose coordinator runs it (the test's
    # coordinator), as the programme team runs every group; a governance member (of the
    # Tactical Group) may decide barriers, but not this one.
    "barriers:list": ("/barriers/", allow(EVERY_ROLE)),
    "barriers:new": ("/barriers/new", allow(EVERY_ROLE)),
    "barriers:mine": ("/barriers/mine", allow(EVERY_ROLE)),
    "barriers:barrier": ("/barriers/{barrier}", allow(EVERY_ROLE)),
    "barriers:me-too": ("/barriers/{barrier}/me-too", allow(EVERY_ROLE, ok_status=405)),
    "barriers:decide": (
        "/barriers/{barrier}/decide",
        allow({R.PARTNERSHIP_COORDINATOR, R.PROGRAMME_TEAM}),
    ),
    "barriers:merge": (
        "/barriers/{barrier}/merge",
        allow({R.PARTNERSHIP_COORDINATOR, R.PROGRAMME_TEAM}),
    ),
    "barriers:learning-write": (
        "/barriers/{barrier}/learning",
        allow({R.PARTNERSHIP_COORDINATOR, R.PROGRAMME_TEAM}),
    ),
    # Learning inside Petal, published or not ({learning} is not yet): every role.
    "barriers:learning-list": ("/barriers/learning/", allow(EVERY_ROLE)),
    "barriers:learning-entry": ("/barriers/learning/{learning}", allow(EVERY_ROLE)),
    "barriers:learning-publish": (
        "/barriers/learning/{learning}/publish",
        allow({R.PROGRAMME_TEAM}, ok_status=405),
    ),
    # Governance: every role reads the structure, the report, groups, meetings and board packs
    # (none holds personal details). Changing a group or its meetings is for its runners:
    # {group} and {governance_meeting} are the Tactical Group's, run by the test's governance
    # member and the programme team; a coordinator (who runs only their partnership's group)
    # is refused.
    "governance:structure": ("/governance/", allow(EVERY_ROLE)),
    "governance:report": ("/governance/report", allow(EVERY_ROLE)),
    "governance:group": ("/governance/groups/{group}", allow(EVERY_ROLE)),
    "governance:member-add": (
        "/governance/groups/{group}/members",
        allow({R.GOVERNANCE_MEMBER, R.PROGRAMME_TEAM}),
    ),
    "governance:member-end": (
        "/governance/groups/{group}/members/{group_member}/end",
        allow({R.GOVERNANCE_MEMBER, R.PROGRAMME_TEAM, R.PARTNERSHIP_COORDINATOR}, ok_status=405),
    ),
    "governance:meeting-new": (
        "/governance/groups/{group}/meetings/new",
        allow({R.GOVERNANCE_MEMBER, R.PROGRAMME_TEAM}),
    ),
    "governance:meeting": ("/governance/meetings/{governance_meeting}", allow(EVERY_ROLE)),
    **{
        f"governance:{name}": (
            f"/governance/meetings/{{governance_meeting}}/{suffix}",
            allow({R.GOVERNANCE_MEMBER, R.PROGRAMME_TEAM}),
        )
        for name, suffix in (
            ("agenda", "agenda"),
            ("attendance", "attendance"),
            ("minutes", "minutes"),
            ("action-new", "actions"),
        )
    },
    "governance:agenda-remove": (
        "/governance/meetings/{governance_meeting}/agenda/{agenda_item}/remove",
        allow({R.GOVERNANCE_MEMBER, R.PROGRAMME_TEAM, R.PARTNERSHIP_COORDINATOR}, ok_status=405),
    ),
    "governance:pack": (
        "/governance/meetings/{governance_meeting}/pack.pdf",
        allow(EVERY_ROLE),
    ),
    # "You said, we did": published learning, public.
    "learning:list": ("/you-said-we-did/", allow(EVERYONE)),
    "learning:entry": ("/you-said-we-did/{published_learning}", allow(EVERYONE)),
    "api:barriers_list": ("/api/v1/barriers", allow(EVERY_ROLE, anon=401)),
    "api:barrier_create": ("/api/v1/barriers", allow(EVERY_ROLE, anon=401)),
    "api:barrier_get": ("/api/v1/barriers/{barrier}", allow(EVERY_ROLE, anon=401)),
    "api:barrier_me_too": ("/api/v1/barriers/{barrier}/me-too", {p: 405 for p in PRINCIPALS}),
    "api:groups_list": ("/api/v1/groups", allow(EVERY_ROLE, anon=401)),
    "audit:events": ("/audit/", allow({R.DATA_PROTECTION_LEAD, R.ADMINISTRATOR})),
    "audit:verify": ("/audit/verify", allow({R.DATA_PROTECTION_LEAD, R.ADMINISTRATOR})),
    # The API's own pages: its description is public, its root lists nothing.
    "api:openapi-json": ("/api/v1/openapi.json", allow(EVERYONE)),
    "api:openapi-view": ("/api/v1/docs", allow(EVERYONE)),
    "api:api-root": ("/api/v1/", {p: 404 for p in PRINCIPALS}),
    "api:me": ("/api/v1/me", allow(SIGNED_IN, anon=401)),
    # API operations sharing a path share a URL; each is checked in API_OPERATIONS below.
    "api:people_list": ("/api/v1/people", allow(PEOPLE, anon=401)),
    "api:people_create": ("/api/v1/people", allow(PEOPLE, anon=401)),
    # POST only: a GET is refused (405) before anyone is asked who they are.
    "api:people_search": ("/api/v1/people/search", {p: 405 for p in PRINCIPALS}),
    "api:people_get": (
        "/api/v1/people/{person}",
        allow(PEOPLE, ok_status=404, anon=401),
    ),
    "api:people_patch": (
        "/api/v1/people/{person}",
        allow(PEOPLE, ok_status=404, anon=401),
    ),
    "api:episodes_list": (
        "/api/v1/people/{person}/episodes",
        allow(PEOPLE, ok_status=404, anon=401),
    ),
    "api:episodes_create": (
        "/api/v1/people/{person}/episodes",
        allow(PEOPLE, ok_status=404, anon=401),
    ),
    "api:relationships_create": (
        "/api/v1/people/{person}/relationships",
        allow(PEOPLE, ok_status=404, anon=401),
    ),
    "api:relationships_list": (
        "/api/v1/people/{person}/relationships",
        allow(PEOPLE, ok_status=404, anon=401),
    ),
    "api:consents_list": (
        "/api/v1/people/{person}/consents",
        allow(PEOPLE, ok_status=404, anon=401),
    ),
    "api:consents_create": (
        "/api/v1/people/{person}/consents",
        allow(PEOPLE, ok_status=404, anon=401),
    ),
    # POST-only operations: a GET is refused by the API before anyone is identified.
    "api:consents_withdraw": ("/api/v1/consents/{consent}/withdraw", {p: 405 for p in PRINCIPALS}),
    "api:break_glass_create": (
        "/api/v1/people/{person}/break-glass",
        {p: 405 for p in PRINCIPALS},
    ),
    "api:services_list": ("/api/v1/services", allow(EVERY_ROLE, anon=401)),
    "api:referrals_list": (
        "/api/v1/referrals",
        allow({R.TRUSTED_PERSON, R.SERVICE_STAFF}, anon=401),
    ),
    "api:referral_create": (
        "/api/v1/referrals",
        allow({R.TRUSTED_PERSON, R.SERVICE_STAFF}, anon=401),
    ),
    "api:referral_get": (
        "/api/v1/referrals/{referral}",
        allow({R.TRUSTED_PERSON, R.SERVICE_STAFF}, ok_status=404, anon=401),
    ),
    "api:referral_status": ("/api/v1/referrals/{referral}/status", {p: 405 for p in PRINCIPALS}),
    "api:referral_add_note": (
        "/api/v1/referrals/{referral}/notes",
        {p: 405 for p in PRINCIPALS},
    ),
}

# (method, OpenAPI path) → (path to call, JSON body, expected status per principal), through
# a bearer token. {person} is someone else's person: a trusted person gets 404 for it.
API_OPERATIONS: dict[tuple[str, str], tuple[str, dict | None, dict[str, int]]] = {
    ("get", "/api/v1/me"): ("/api/v1/me", None, allow(SIGNED_IN, anon=401)),
    ("get", "/api/v1/people"): ("/api/v1/people", None, allow(PEOPLE, anon=401)),
    ("post", "/api/v1/people"): (
        "/api/v1/people",
        {"full_name": "Matrix Person"},
        allow({R.TRUSTED_PERSON}, ok_status=201, anon=401),
    ),
    ("post", "/api/v1/people/search"): (
        "/api/v1/people/search",
        {"search": "Matrix"},
        allow(PEOPLE, anon=401),
    ),
    ("get", "/api/v1/people/{person_id}"): (
        "/api/v1/people/{person}",
        None,
        allow(PEOPLE, ok_status=404, anon=401),
    ),
    ("patch", "/api/v1/people/{person_id}"): (
        "/api/v1/people/{person}",
        {"version": 1, "full_name": "Changed"},
        allow(PEOPLE, ok_status=404, anon=401),
    ),
    ("get", "/api/v1/people/{person_id}/episodes"): (
        "/api/v1/people/{person}/episodes",
        None,
        allow(PEOPLE, ok_status=404, anon=401),
    ),
    ("post", "/api/v1/people/{person_id}/episodes"): (
        "/api/v1/people/{person}/episodes",
        {"area": "homelessness", "starts_on": "2026-01-01"},
        allow(PEOPLE, ok_status=404, anon=401),
    ),
    ("post", "/api/v1/people/{person_id}/relationships"): (
        "/api/v1/people/{person}/relationships",
        {"email": "nobody@example.org", "kind": "social"},
        allow(PEOPLE, ok_status=404, anon=401),
    ),
    ("get", "/api/v1/people/{person_id}/relationships"): (
        "/api/v1/people/{person}/relationships",
        None,
        allow(PEOPLE, ok_status=404, anon=401),
    ),
    ("get", "/api/v1/people/{person_id}/consents"): (
        "/api/v1/people/{person}/consents",
        None,
        allow(PEOPLE, ok_status=404, anon=401),
    ),
    ("post", "/api/v1/people/{person_id}/consents"): (
        "/api/v1/people/{person}/consents",
        {"categories": ["identity"], "ends_on": "2030-01-01", "given_how": "verbal"},
        allow(PEOPLE, ok_status=404, anon=401),
    ),
    # Someone else's person's consent: as if it did not exist.
    ("post", "/api/v1/consents/{consent_id}/withdraw"): (
        "/api/v1/consents/{consent}/withdraw",
        {"how": "verbal"},
        allow(PEOPLE, ok_status=404, anon=401),
    ),
    # A safeguarding lead may open any record: {person} exists, so it opens.
    ("post", "/api/v1/people/{person_id}/break-glass"): (
        "/api/v1/people/{person}/break-glass",
        {"lawful_basis": "safeguarding", "reason": "missing", "details": "Missing since Friday"},
        allow({R.SAFEGUARDING_LEAD}, ok_status=201, anon=401),
    ),
    ("get", "/api/v1/services"): ("/api/v1/services", None, allow(EVERY_ROLE, anon=401)),
    ("get", "/api/v1/referrals"): (
        "/api/v1/referrals",
        None,
        allow({R.TRUSTED_PERSON, R.SERVICE_STAFF}, anon=401),
    ),
    # Someone else's person: as if they did not exist.
    ("post", "/api/v1/referrals"): (
        "/api/v1/referrals",
        {"person_id": "{person}", "service_id": "{service}", "reason": "Needs a bed"},
        allow({R.TRUSTED_PERSON}, ok_status=404, anon=401),
    ),
    ("get", "/api/v1/referrals/{referral_id}"): (
        "/api/v1/referrals/{referral}",
        None,
        allow({R.TRUSTED_PERSON, R.SERVICE_STAFF}, ok_status=404, anon=401),
    ),
    ("post", "/api/v1/referrals/{referral_id}/status"): (
        "/api/v1/referrals/{referral}/status",
        {"status": "acknowledged"},
        allow({R.TRUSTED_PERSON, R.SERVICE_STAFF}, ok_status=404, anon=401),
    ),
    ("post", "/api/v1/referrals/{referral_id}/notes"): (
        "/api/v1/referrals/{referral}/notes",
        {"body": "A note"},
        allow({R.TRUSTED_PERSON, R.SERVICE_STAFF}, ok_status=404, anon=401),
    ),
    # Meetings and actions: anyone with a role may be invited or own an action; a meeting
    # about someone else's person, to which they are not invited, is as if it did not exist,
    # and so is an action someone else owns.
    ("get", "/api/v1/meetings"): ("/api/v1/meetings", None, allow(EVERY_ROLE, anon=401)),
    ("get", "/api/v1/meetings/{meeting_id}"): (
        "/api/v1/meetings/{meeting}",
        None,
        allow(EVERY_ROLE, ok_status=404, anon=401),
    ),
    ("get", "/api/v1/meetings/{meeting_id}/pack"): (
        "/api/v1/meetings/{meeting}/pack",
        None,
        allow(EVERY_ROLE, ok_status=404, anon=401),
    ),
    ("get", "/api/v1/actions"): ("/api/v1/actions", None, allow(EVERY_ROLE, anon=401)),
    ("post", "/api/v1/actions/{action_id}/status"): (
        "/api/v1/actions/{action}/status",
        {"status": "done"},
        allow(EVERY_ROLE, ok_status=404, anon=401),
    ),
    # Events.
    ("get", "/api/v1/events"): ("/api/v1/events", None, allow(EVERY_ROLE, anon=401)),
    ("get", "/api/v1/events/{event_id}"): (
        "/api/v1/events/999999",
        None,
        allow(EVERY_ROLE, ok_status=404, anon=401),
    ),
    ("post", "/api/v1/events/{event_id}/registration"): (
        "/api/v1/events/999999/registration",
        {},
        allow(EVERY_ROLE, ok_status=404, anon=401),
    ),
    ("delete", "/api/v1/events/{event_id}/registration"): (
        "/api/v1/events/999999/registration",
        None,
        allow(EVERY_ROLE, ok_status=404, anon=401),
    ),
    # The Champion Network.
    ("get", "/api/v1/questions"): ("/api/v1/questions", None, allow(EVERY_ROLE, anon=401)),
    ("post", "/api/v1/questions"): (
        "/api/v1/questions",
        {"title": "Where do I start with a PIP claim?", "body": "What helps first?"},
        allow(EVERY_ROLE, ok_status=201, anon=401),
    ),
    ("get", "/api/v1/questions/{question_id}"): (
        "/api/v1/questions/{question}",
        None,
        allow(EVERY_ROLE, anon=401),
    ),
    ("post", "/api/v1/questions/{question_id}/answers"): (
        "/api/v1/questions/{question}/answers",
        {"body": "Start with the form, and ask for help with it."},
        allow(EVERY_ROLE, ok_status=201, anon=401),
    ),
    # Trusted Person Champions.
    ("get", "/api/v1/champions"): ("/api/v1/champions", None, allow(EVERY_ROLE, anon=401)),
    ("get", "/api/v1/champions/{champion_id}"): (
        "/api/v1/champions/{champion}",
        None,
        allow(EVERY_ROLE, anon=401),
    ),
    # Barriers and governance groups: every role reads and raises; "I have met this too" by
    # anyone but the raiser ({barrier} was raised by someone else).
    ("get", "/api/v1/barriers"): ("/api/v1/barriers", None, allow(EVERY_ROLE, anon=401)),
    ("post", "/api/v1/barriers"): (
        "/api/v1/barriers",
        {"summary": "Letters go to an old address", "partnership": "cambridgeshire"},
        allow(EVERY_ROLE, ok_status=201, anon=401),
    ),
    ("get", "/api/v1/barriers/{barrier_id}"): (
        "/api/v1/barriers/{barrier}",
        None,
        allow(EVERY_ROLE, anon=401),
    ),
    ("post", "/api/v1/barriers/{barrier_id}/me-too"): (
        "/api/v1/barriers/{barrier}/me-too",
        {"example": "The same happened last week."},
        allow(EVERY_ROLE, ok_status=201, anon=401),
    ),
    ("get", "/api/v1/groups"): ("/api/v1/groups", None, allow(EVERY_ROLE, anon=401)),
}

for _rows in ROW_MODULES:
    PAGES.update(_rows.PAGES)
    API_OPERATIONS.update(_rows.API_OPERATIONS)


def _directory_ids(person) -> dict:
    """A service of another organisation with a location, and a referral to it of someone
    else's person; a meeting about that person convened by their trusted person, with an
    action owned by another organisation."""
    from django.utils import timezone

    from petal.accounts.tests.factories import OrganisationFactory
    from petal.champions.tests.factories import (
        AnswerFactory,
        ChampionFactory,
        StoryFactory,
        SupportConnectionFactory,
        TopicFactory,
    )
    from petal.directory.models import ServiceAtLocation, TaxonomyTerm
    from petal.directory.tests.factories import LocationFactory, ServiceFactory
    from petal.meetings.tests.factories import ActionFactory, MeetingCaseFactory, MeetingFactory
    from petal.referrals.tests.factories import ReferralFactory

    service = ServiceFactory()
    location = LocationFactory(organisation=service.organisation)
    term = TaxonomyTerm.objects.get(area__code="homelessness")
    meeting = MeetingFactory(convened_by=person.relationships.get().trusted_person)
    case = MeetingCaseFactory(meeting=meeting, person=person)
    action = ActionFactory(meeting=meeting, case=case, owner_organisation=OrganisationFactory())
    answer = AnswerFactory()
    # An approved champion in the directory, and a support connection between two others.
    champion = ChampionFactory()
    # A barrier waiting at the Cambridgeshire partnership, raised by someone else; a meeting
    # of the Tactical Group with an item on its agenda and a member; learning, one published.
    from petal.barriers.tests.factories import (
        AgendaItemFactory,
        BarrierFactory,
        GovernanceMeetingFactory,
        GroupMemberFactory,
        LearningEntryFactory,
    )

    governance_meeting = GovernanceMeetingFactory()
    barriers = {
        "barrier": BarrierFactory(raised_by=person.relationships.get().trusted_person).pk,
        "group": governance_meeting.group.slug,
        "group_member": GroupMemberFactory(group=governance_meeting.group).pk,
        "governance_meeting": governance_meeting.pk,
        "agenda_item": AgendaItemFactory(meeting=governance_meeting).pk,
        "learning": LearningEntryFactory().pk,
        "published_learning": LearningEntryFactory(published_at=timezone.now()).pk,
    }
    extra = {}
    for rows in ROW_MODULES:
        extra.update(rows.ids())
    return {
        **barriers,
        **extra,
        "champion": champion.pk,
        "connection": SupportConnectionFactory().pk,
        "topic": TopicFactory().pk,
        "question": answer.question_id,
        "answer": answer.pk,
        "story": StoryFactory().pk,
        "featured_story": StoryFactory(featured_at=timezone.now()).pk,
        "meeting": meeting.pk,
        "action": action.pk,
        "service": service.pk,
        "organisation": service.organisation.slug,
        "service_at_location": ServiceAtLocation.objects.create(
            service=service, location=location
        ).pk,
        "taxonomy": term.taxonomy_id,
        "term": term.pk,
        "referral": ReferralFactory(person=person, service=service).pk,
    }


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_has_an_expectation():
    names = set(_walk(get_resolver().url_patterns))
    assert names - set(PAGES) == set(), "URLs with no row in the access matrix"
    assert set(PAGES) - names == set(), "rows for URLs that no longer exist"


def test_every_api_operation_has_an_expectation():
    schema = api.get_openapi_schema()
    operations = {(method, path) for path, item in schema["paths"].items() for method in item}
    assert operations == set(API_OPERATIONS)


@pytest.fixture
def principal_client(client, make_user):
    def for_principal(principal):
        if principal == ANON:
            return client
        client.force_login(_principal_user(principal, make_user))
        return client

    return for_principal


def _principal_user(principal, make_user):
    if principal == INDIVIDUAL:
        from petal.consent.tests.factories import make_individual

        return make_individual()
    return make_user(None if principal == NO_ROLE else Role(principal))


@pytest.mark.django_db
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_pages_answer_each_principal_as_expected(principal, principal_client, make_user):
    from petal.consent.tests.factories import ConsentFactory
    from petal.people.tests.factories import EpisodeFactory, person_of

    other = make_user(Role.TRUSTED_PERSON)
    person = person_of(other)
    ids = {
        "other": other.pk,
        "other_membership": other.memberships.get().pk,
        "person": person.pk,
        "episode": EpisodeFactory(person=person).pk,
        "consent": ConsentFactory(person=person, grantee_user=other).pk,
        **_directory_ids(person),
    }
    c = principal_client(principal)
    wrong = {}
    for name, (template, expected) in PAGES.items():
        path = template.format(**ids)
        status = c.get(path).status_code
        if status != expected[principal]:
            wrong[name] = (path, status, expected[principal])
    assert wrong == {}, f"{principal}: (path, got, expected)"


@pytest.mark.django_db
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_api_operations_answer_each_principal_as_expected(principal, make_user, client):
    import json

    from petal.accounts.services import token_create
    from petal.consent.tests.factories import ConsentFactory
    from petal.people.tests.factories import person_of

    owner = make_user(Role.TRUSTED_PERSON)
    person = person_of(owner)
    consent = ConsentFactory(person=person, grantee_user=owner)
    ids = {"person": person.pk, "consent": consent.pk, **_directory_ids(person)}
    headers = {}
    if principal != ANON:
        user = _principal_user(principal, make_user)
        _, raw = token_create(actor=user, name="matrix")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    wrong = {}
    for (method, _), (template, body, expected) in API_OPERATIONS.items():
        path = template.format(**ids)
        if body is None:
            response = getattr(client, method)(path, **headers)
        else:
            # "{person}"-style values are filled in with the ids made for this test.
            filled = {
                k: str(ids[v[1:-1]]) if isinstance(v, str) and v[:1] + v[-1:] == "{}" else v
                for k, v in body.items()
            }
            data = json.dumps(filled)
            response = getattr(client, method)(
                path, data=data, content_type="application/json", **headers
            )
        if response.status_code != expected[principal]:
            wrong[(method, path)] = (response.status_code, expected[principal])
    assert wrong == {}


@pytest.mark.django_db
def test_disabled_user_is_treated_as_signed_out(client, make_user):
    user = make_user(Role.ADMINISTRATOR)
    client.force_login(user)
    user.is_active = False
    user.save()
    assert client.get("/dashboard").status_code == 302


@pytest.mark.django_db
def test_ended_membership_no_longer_grants_its_role(client, make_user):
    from django.utils import timezone

    user = make_user(Role.DATA_PROTECTION_LEAD)
    client.force_login(user)
    assert client.get("/audit/").status_code == 200
    user.memberships.update(ended_at=timezone.now())
    assert client.get("/audit/").status_code == 403
