from __future__ import annotations

from ninja import Router

from petal.access.policy import permissions_of, roles_of
from petal.accounts import selectors
from petal.accounts.schemas import MembershipOut, MeOut

router = Router(tags=["accounts"])


@router.get("/me", response=MeOut, summary="Who you are and the roles you hold")
def me(request):
    user = request.auth
    memberships = [
        MembershipOut(
            role=m.role,
            role_label=m.get_role_display(),
            organisation=m.organisation.name if m.organisation else None,
            partnership=m.partnership.name if m.partnership else None,
            governance_level=m.governance_level.name if m.governance_level else None,
        )
        for m in selectors.memberships_for(user)
    ]
    return MeOut(
        id=user.pk,
        email=user.email,
        full_name=user.full_name,
        roles=sorted(str(r) for r in roles_of(user)),
        permissions=permissions_of(user),
        memberships=memberships,
    )
