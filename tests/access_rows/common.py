"""The access matrix's principals and helpers, shared by tests/test_access_matrix.py and the
row modules beside this file (one per part of the programme app, each with its own writer)."""

from __future__ import annotations

from petal.access.roles import Role

R = Role
ANON = "anonymous"
NO_ROLE = "no role"
# A person Petal supports, signed in to their own record (no staff role, ever).
INDIVIDUAL = "individual"
PRINCIPALS = [ANON, NO_ROLE, INDIVIDUAL, *[r.value for r in Role]]
EVERY_ROLE = {r.value for r in Role}
SIGNED_IN = EVERY_ROLE | {NO_ROLE, INDIVIDUAL}
EVERYONE = SIGNED_IN | {ANON}
# Roles whose work is with people's records (which records: decided per person).
PEOPLE = {
    R.TRUSTED_PERSON,
    R.SERVICE_STAFF,
    R.CHAMPION,
    R.PARTNERSHIP_COORDINATOR,
    R.SAFEGUARDING_LEAD,
}


def allow(ok: set[str], *, ok_status=200, denied=403, anon=302):
    """Status for each principal: ok_status for those allowed, 302 to sign-in for anonymous
    (unless allowed), and ``denied`` for everyone else."""
    table = {}
    for p in PRINCIPALS:
        if p in ok:
            table[p] = ok_status
        elif p == ANON:
            table[p] = anon
        else:
            table[p] = denied
    return table
