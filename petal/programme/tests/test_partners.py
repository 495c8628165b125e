"""Partners: the programme team adds them (an organisation already in Petal, or a new one) and
changes them; the team's list groups them by tier with their sums in a fixed number of
queries; the public partners page lists only listed partners, with the kinds of support they
give but never what each gives; the API lists listed partners (every partner for the team)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petal.access.roles import Role
from petal.accounts.models import Organisation
from petal.accounts.tests.factories import OrganisationFactory
from petal.audit.models import AuditEvent
from petal.core.errors import Forbidden, ValidationFailed
from petal.programme.models import Partner
from petal.programme.services.partners import partner_add, partner_change
from petal.programme.tests.factories import ContributionFactory, PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(make_user):
    return make_user(Role.PROGRAMME_TEAM)


def test_the_seed_partners_are_all_there_in_their_two_lists():
    assert Partner.objects.filter(tier="supporting").count() == 11
    assert Partner.objects.filter(tier="other").count() == 12
    assert Partner.objects.get(organisation__name="Probation Service").tier == "supporting"


# --- adding and changing --------------------------------------------------------------------------


def test_adding_an_organisation_already_in_petal(team):
    org = OrganisationFactory(name="Wisbech Foodbank")
    partner = partner_add(
        actor=team, organisation_id=org.pk, tier="other", listed=False, summary="Food parcels"
    )
    assert (partner.organisation, partner.tier, partner.listed) == (org, "other", False)
    event = AuditEvent.objects.get(action="partner.added")
    assert event.object_type == "programme.partner" and event.data["organisation"] == org.pk


def test_naming_a_new_organisation_adds_it_to_petal_through_the_directory(team):
    partner = partner_add(actor=team, new_name="  March Community Hub ", tier="other")
    org = Organisation.objects.get(name="March Community Hub")
    assert partner.organisation == org and org.slug == "march-community-hub"
    assert AuditEvent.objects.filter(action="directory.organisation_added").count() == 1
    assert AuditEvent.objects.filter(action="partner.added").count() == 1


def test_adding_refuses_a_name_already_taken_both_or_neither_and_a_second_partner(team):
    with pytest.raises(ValidationFailed) as caught:
        partner_add(actor=team, new_name="probation service", tier="other")
    assert caught.value.field_errors == {
        "new_name": ["An organisation with this name is already in Petal"]
    }
    org = OrganisationFactory()
    with pytest.raises(ValidationFailed) as caught:
        partner_add(actor=team, organisation_id=org.pk, new_name="Another", tier="other")
    assert "not both" in caught.value.field_errors["new_name"][0]
    with pytest.raises(ValidationFailed) as caught:
        partner_add(actor=team, tier="other")
    assert caught.value.field_errors == {
        "organisation": ["Choose the organisation, or name a new one"]
    }
    seeded = Partner.objects.get(organisation__name="CPSL Mind")
    with pytest.raises(ValidationFailed) as caught:
        partner_add(actor=team, organisation_id=seeded.organisation_id, tier="other")
    assert caught.value.field_errors == {"organisation": ["CPSL Mind is already a partner"]}
    with pytest.raises(ValidationFailed):
        partner_add(actor=team, organisation_id=org.pk, tier="gold")
    assert not Organisation.objects.filter(name="Another").exists()
    assert not AuditEvent.objects.filter(action="partner.added").exists()


def test_only_the_programme_team_adds_or_changes_partners(make_user):
    governance = make_user(Role.GOVERNANCE_MEMBER)
    with pytest.raises(Forbidden):
        partner_add(actor=governance, new_name="Anything", tier="other")
    partner = Partner.objects.first()
    with pytest.raises(Forbidden):
        partner_change(actor=governance, partner_id=partner.pk, tier="other", listed=False)


def test_changing_a_partner_is_audited_with_the_fields_changed(team):
    partner = Partner.objects.get(organisation__name="CPSL Mind")
    partner_change(
        actor=team,
        partner_id=partner.pk,
        tier="supporting",
        listed=False,
        joined_on=dt.date(2022, 5, 1),
        summary="",
    )
    partner.refresh_from_db()
    assert (partner.tier, partner.listed, partner.joined_on) == (
        "supporting",
        False,
        dt.date(2022, 5, 1),
    )
    event = AuditEvent.objects.get(action="partner.changed")
    assert event.data["fields"] == ["joined_on", "listed", "tier"]
    # Saving with nothing changed records nothing.
    partner_change(
        actor=team,
        partner_id=partner.pk,
        tier="supporting",
        listed=False,
        joined_on=dt.date(2022, 5, 1),
    )
    assert AuditEvent.objects.filter(action="partner.changed").count() == 1


def test_the_add_form_creates_a_new_organisation_and_shows_errors_on_the_form(client, team):
    client.force_login(team)
    response = client.post(
        "/programme/partners/new", {"organisation": "", "new_name": "", "tier": "other"}
    )
    html = response.content.decode()
    assert "<title>Error: " in html and "Choose the organisation, or name a new one" in html
    response = client.post(
        "/programme/partners/new",
        {"new_name": "Probation Service", "new_kind": "probation", "tier": "other"},
    )
    html = response.content.decode()
    assert "An organisation with this name is already in Petal" in html
    assert 'value="Probation Service"' in html
    response = client.post(
        "/programme/partners/new",
        {
            "new_name": "Fenland Food Network",
            "new_kind": "charity",
            "tier": "other",
            "listed": "on",
            "joined_on_0": "3",
            "joined_on_1": "10",
            "joined_on_2": "2023",
        },
    )
    partner = Partner.objects.get(organisation__name="Fenland Food Network")
    assert (
        response.status_code == 302 and response["Location"] == f"/programme/partners/{partner.pk}"
    )
    assert partner.organisation.kind == "charity"
    assert partner.listed and partner.joined_on == dt.date(2023, 10, 3)


def test_the_add_form_offers_only_organisations_not_yet_partners(client, team):
    free = OrganisationFactory(name="Not Yet A Partner Ltd")
    client.force_login(team)
    html = client.get("/programme/partners/new").content.decode()
    assert f'<option value="{free.pk}">Not Yet A Partner Ltd</option>' in html
    taken = Partner.objects.get(organisation__name="CPSL Mind").organisation_id
    assert f'<option value="{taken}">' not in html


def test_the_edit_form_saves_and_a_missing_partner_is_404(client, team):
    partner = Partner.objects.get(organisation__name="SUN network")
    client.force_login(team)
    assert client.get("/programme/partners/999999/edit").status_code == 404
    response = client.post(
        f"/programme/partners/{partner.pk}/edit",
        {"tier": "other", "summary": "Lived experience network"},
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.listed is False and partner.summary == "Lived experience network"


# --- the programme team's list -------------------------------------------------------------------


def test_the_list_groups_partners_by_tier_with_their_sums(client, team):
    county = Partner.objects.get(organisation__name="Cambridgeshire County Council")
    ContributionFactory(partner=county, amount=100_000)
    ContributionFactory(partner=county, amount=50_000, status="potential")
    ContributionFactory(
        partner=county, amount=1, withdrawn_at=dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
    )
    unlisted = PartnerFactory(organisation=OrganisationFactory(name="Quiet Partner"), listed=False)
    client.force_login(team)
    html = client.get("/programme/partners/").content.decode()
    supporting = html.split('id="partners-supporting"')[1].split("</table>")[0]
    other = html.split('id="partners-other"')[1].split("</table>")[0]
    assert "Cambridgeshire County Council" in supporting and "CPSL Mind" in other
    row = supporting.split("Cambridgeshire County Council")[1].split("</tr>")[0]
    assert "£100,000" in row and "£50,000" in row and "Financial" in row
    assert "Quiet Partner" in other and "Not listed publicly" in other.split("Quiet Partner")[1]
    totals = html.split('id="totals"')[1].split("</table>")[0]
    assert "£100,000" in totals and "£50,000" in totals
    assert unlisted.pk


def test_the_list_filters_totals_and_sums_by_financial_year(client, team):
    county = Partner.objects.get(organisation__name="Cambridgeshire County Council")
    ContributionFactory(partner=county, amount=100_000, financial_year=2022)
    ContributionFactory(partner=county, amount=7_000, financial_year=2023)
    client.force_login(team)
    html = client.get("/programme/partners/?year=2023").content.decode()
    assert "Totals, 2023/24" in html
    row = html.split("Cambridgeshire County Council</a>")[1].split("</tr>")[0]
    assert "£7,000" in row and "£100,000" not in row
    # A year that is not offered is every year.
    assert "Totals, every year" in client.get("/programme/partners/?year=1066").content.decode()


def test_the_list_does_not_query_per_partner(client, team):
    client.force_login(team)
    client.get("/programme/partners/")  # warm up (session, roles)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/programme/partners/").status_code == 200
    for _ in range(15):
        ContributionFactory(kind="staffing", amount=None, role="Officer", fte=Decimal("0.2"))
        ContributionFactory(kind="other", amount=None, description="Rooms")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/programme/partners/").status_code == 200
    assert len(many) == len(few) <= 10


def test_a_partners_page_lists_its_contributions_newest_year_first(client, team):
    partner = PartnerFactory()
    ContributionFactory(partner=partner, financial_year=2021, amount=3_000)
    ContributionFactory(partner=partner, financial_year=2023, amount=4_000)
    ContributionFactory(
        partner=partner,
        kind="staffing",
        amount=None,
        role="Coordinator",
        fte=Decimal("0.5"),
        period_start=dt.date(2022, 4, 1),
        period_end=dt.date(2023, 3, 31),
        status="potential",
    )
    client.force_login(team)
    html = client.get(f"/programme/partners/{partner.pk}").content.decode()
    assert html.index("2023/24") < html.index("2021/22")
    assert "Coordinator, 0.5 FTE, April 2022 to March 2023" in html
    assert "Subject to formal agreement." in html
    assert 'id="partner-committed">£7,000' in html
    assert client.get("/programme/partners/999999").status_code == 404


def test_a_partners_page_does_not_query_per_contribution(client, team):
    partner = PartnerFactory()
    ContributionFactory(partner=partner)
    client.force_login(team)
    url = f"/programme/partners/{partner.pk}"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    ContributionFactory.create_batch(10, partner=partner)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


# --- the public page -----------------------------------------------------------------------------


def test_the_public_page_lists_listed_partners_by_tier_with_their_kinds_of_support(client):
    county = Partner.objects.get(organisation__name="Cambridgeshire County Council")
    ContributionFactory(partner=county, amount=123_456)
    ContributionFactory(partner=county, kind="staffing", amount=None, role="Officer", fte=1)
    mind = Partner.objects.get(organisation__name="CPSL Mind")
    ContributionFactory(partner=mind, kind="other", amount=None, description="Rooms")
    Partner.objects.filter(organisation__name="SUN network").update(listed=False)
    withdrawn = Partner.objects.get(organisation__name="Fenland District Council")
    ContributionFactory(
        partner=withdrawn,
        kind="staffing",
        amount=None,
        role="x",
        fte=1,
        withdrawn_at=dt.datetime(2023, 1, 1, tzinfo=dt.UTC),
    )
    html = client.get("/partners").content.decode()
    assert '<h1 class="govuk-heading-l">Partners</h1>' in html
    assert "Taking a lead from the Cambridgeshire &amp; Peterborough Public Service Board" in html
    supporting = html.split('id="partners-supporting"')[1].split("</ul>")[0]
    other = html.split('id="partners-other"')[1].split("</ul>")[0]
    assert "Cambridgeshire County Council" in supporting
    assert "(Financial, staffing)" in supporting.split("Cambridgeshire County Council")[1]
    assert "CPSL Mind" in other and "(Other support)" in other.split("CPSL Mind")[1]
    assert "Fenland District Council</li>" in supporting  # withdrawn support is not shown
    assert "SUN network" not in html
    assert "The list of other partners keeps growing" in html
    # The total is public; what each partner gives is not.
    assert "Contributions total" in html and "£123,456" in html
    totals = html.split('id="contribution-totals">')[1].split("</p>")[0]
    assert "£" not in html.replace(totals, "")


def test_the_public_page_says_so_when_nothing_is_recorded(client):
    html = client.get("/partners").content.decode()
    assert "will be shown here once they are recorded" in html
    assert "£" not in html


def test_the_public_page_with_only_potential_support(client):
    ContributionFactory(status="potential", amount=180_000)
    html = client.get("/partners").content.decode()
    assert "Partners have pledged a potential" in html and ">£180K</strong>" in html


def test_the_public_page_does_not_query_per_partner(client):
    client.get("/partners")
    with CaptureQueriesContext(connection) as few:
        client.get("/partners")
    for _ in range(10):
        ContributionFactory(partner=PartnerFactory(), kind="other", amount=None, description="x")
    with CaptureQueriesContext(connection) as many:
        client.get("/partners")
    assert len(many) == len(few) <= 6


# --- the API -------------------------------------------------------------------------------------


def test_the_api_lists_listed_partners_and_the_team_sees_every_one(client, make_user):
    hidden = PartnerFactory(
        organisation=OrganisationFactory(name="Unannounced Partner"), listed=False
    )
    county = Partner.objects.get(organisation__name="Cambridgeshire County Council")
    ContributionFactory(partner=county)
    client.force_login(make_user(Role.TRUSTED_PERSON))
    rows = client.get("/api/v1/partners").json()
    names = {r["name"] for r in rows}
    assert "Unannounced Partner" not in names and len(rows) == 23
    row = next(r for r in rows if r["id"] == county.pk)
    assert row == {
        "id": county.pk,
        "name": "Cambridgeshire County Council",
        "tier": "supporting",
        "tier_label": "Partners who have pledged support",
        "listed": True,
        "joined_on": None,
        "summary": "",
        "support": ["financial"],
    }
    client.force_login(make_user(Role.PROGRAMME_TEAM))
    assert hidden.pk in {r["id"] for r in client.get("/api/v1/partners").json()}


def test_the_api_refuses_those_without_a_role(client, make_user):
    client.force_login(make_user())
    assert client.get("/api/v1/partners").status_code == 403
    assert client.get("/api/v1/contributions/summary").status_code == 403
    client.logout()
    assert client.get("/api/v1/partners").status_code == 401
