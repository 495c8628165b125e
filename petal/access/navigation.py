"""The service navigation a reader sees, from the permissions they hold."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from petal.access.policy import can


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


# (label, url name, permission or None for anyone signed in)
SIGNED_IN_NAV = [
    ("Home", "accounts:home", "account.use"),
    ("Your record", "consent:own", "self.view"),
    ("My people", "people:caseload", "people.use"),
    ("Referrals", "referrals:sent", "referrals.make"),
    ("Referral inbox", "referrals:inbox", "referrals.receive"),
    ("Meetings", "meetings:list", "meetings.view"),
    ("Your actions", "meetings:actions", "actions.view"),
    ("Champions", "champions:directory", "champions.view"),
    ("Champion Network", "network:questions", "network.use"),
    ("Events", "events:list", "events.view"),
    ("Barriers", "barriers:list", "barriers.view"),
    ("Governance", "governance:structure", "barriers.view"),
    ("Outcomes", "outcomes:dashboards", "outcomes.dashboards"),
    ("Find a service", "directory:directory", "organisations.view"),
    ("Self-assessment", "assessment:home", "selfassessment.use"),
    ("Programme", "programme:home", "programme.manage"),
    ("Safeguarding", "consent:safeguarding", "people.break_glass"),
    ("Consent oversight", "consent:oversight", "consent.oversee"),
    ("Data-protection requests", "rights:cases", "rights.manage"),
    ("Organisations", "accounts:organisations", "organisations.view"),
    ("People with sign-ins", "accounts:users", "users.view"),
    ("Public pages", "site:page-list", "site.edit_pages"),
    ("Retention", "retention:schedule", "retention.view"),
    ("Audit trail", "audit:events", "audit.view"),
    ("Your account", "accounts:account", "account.use"),
]

PUBLIC_NAV = [
    ("About", "site:page", {"slug": "about"}),
    ("Multiple disadvantage", "site:page", {"slug": "multiple-disadvantage"}),
    ("Trusted Person approach", "site:page", {"slug": "trusted-person-approach"}),
    ("Partnerships", "site:page", {"slug": "partnerships"}),
    ("Champions", "champions:pledge", None),
    ("You said, we did", "learning:list", None),
    ("Find a service", "directory:directory", None),
    ("Get involved", "contact:get-involved", None),
    ("Contact", "contact:contact", None),
]


def navigation_for(request) -> list[NavItem]:
    user = getattr(request, "user", None)
    path = getattr(request, "path", "")
    items: list[NavItem] = []
    if user is not None and user.is_authenticated:
        home = reverse("accounts:home")
        links = [
            (label, reverse(name))
            for label, name, permission in SIGNED_IN_NAV
            if can(user, permission)
        ]
        # The longest link the path starts with is the current one ("/referrals/inbox" is
        # the inbox, not "/referrals/").
        matching = [
            url for _, url in links if path == url or (url != home and path.startswith(url))
        ]
        current = max(matching, key=len) if matching else None
        items = [NavItem(label, url, url == current) for label, url in links]
    else:
        for label, name, kwargs in PUBLIC_NAV:
            url = reverse(name, kwargs=kwargs)
            active = path == url if kwargs else path.startswith(url)
            items.append(NavItem(label, url, active))
    return items
