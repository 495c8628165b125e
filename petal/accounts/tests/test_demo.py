"""The demo data: deterministic, fictional, safe to load twice."""

from io import StringIO

import pytest
from django.core.management import call_command

from petal.accounts.demo import DEMO_USERS
from petal.accounts.models import Membership, User
from petal.audit.selectors import audit_chain_verify

pytestmark = pytest.mark.django_db

REQUIRED = {
    "trusted.person@example.org",
    "trusted.person2@example.org",
    "champion@example.org",
    "coordinator@example.org",
    "programme@example.org",
    "dpo@example.org",
    "board@example.org",
    "tactical@example.org",
    "strategic@example.org",
    "admin@example.org",
}


def test_demo_loads_every_required_sign_in_and_is_safe_to_run_twice(client):
    out = StringIO()
    call_command("demo", "--password", "a demo passphrase", stdout=out)
    call_command("demo", "--password", "a demo passphrase", stdout=StringIO())
    from petal.champions.demo import CHAMPIONS

    assert REQUIRED <= set(User.objects.values_list("email", flat=True))
    # The demo champions have sign-ins too (champion@example.org is one of them already).
    extra = len({c.email for c in CHAMPIONS} - {u.email for u in DEMO_USERS})
    # Plus one person's own sign-in (individual@example.org), who holds no role.
    assert User.objects.filter(is_individual=False).count() == len(DEMO_USERS) + extra
    assert list(User.objects.filter(is_individual=True).values_list("email", flat=True)) == [
        "individual@example.org"
    ]
    assert Membership.objects.count() == len(DEMO_USERS) + extra
    assert "a demo passphrase" in out.getvalue()
    for email in REQUIRED:
        response = client.post("/sign-in", {"email": email, "password": "a demo passphrase"})
        assert response.status_code == 302, email
        client.post("/sign-out")
    assert audit_chain_verify().ok


def test_demo_names_are_unique_and_trusted_persons_are_in_two_organisations():
    names = [u.full_name for u in DEMO_USERS]
    assert len(names) == len(set(names))
    call_command("demo", stdout=StringIO())
    orgs = set(
        Membership.objects.filter(user__email__startswith="trusted.person").values_list(
            "organisation__slug", flat=True
        )
    )
    assert len(orgs) == 2
    coordinator = Membership.objects.get(user__email="coordinator@example.org")
    assert coordinator.partnership.slug == "cambridgeshire"
    # A governance member at each level above the operational partnerships.
    levels = dict(
        Membership.objects.filter(role="governance_member").values_list(
            "user__email", "governance_level__slug"
        )
    )
    assert levels == {
        "tactical@example.org": "tactical-group",
        "strategic@example.org": "strategic-group",
        "board@example.org": "public-service-board",
    }


def test_synth_makes_a_large_chained_data_set():
    out = StringIO()
    call_command("synth", "--organisations", "5", "--users", "20", "--events", "300", stdout=out)
    assert "300 audit events" in out.getvalue()
    assert User.objects.filter(email__startswith="synthetic-").count() == 20
    report = audit_chain_verify()
    assert report.ok
    assert report.checked >= 300
