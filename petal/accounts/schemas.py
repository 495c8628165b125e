from __future__ import annotations

from ninja import Schema


class MembershipOut(Schema):
    role: str
    role_label: str
    organisation: str | None
    partnership: str | None
    governance_level: str | None


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    roles: list[str]
    permissions: list[str]
    memberships: list[MembershipOut]
