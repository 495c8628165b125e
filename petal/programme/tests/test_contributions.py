"""Contributions: what each kind needs, how the form reads pounds, withdrawing, and the totals —
which equal a plain sum over the rows, on the programme team's page, the public partners page
and the API summary alike."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.core.errors import Forbidden, NotFound, ValidationFailed
from petal.programme.models import Contribution, Partner, financial_year_of
from petal.programme.selectors.partners import contribution_totals, money
from petal.programme.services.partners import (
    contribution_change,
    contribution_record,
    contribution_withdraw,
)
from petal.programme.tests.factories import ContributionFactory, PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(make_user):
    return make_user(Role.PROGRAMME_TEAM)


@pytest.fixture
def partner():
    return PartnerFactory(tier="supporting")


def financial(**extra):
    return {
        "kind": "financial",
        "status": "committed",
        "financial_year": 2022,
        "amount": 25_000,
        **extra,
    }


def staffing(**extra):
    return {
        "kind": "staffing",
        "status": "committed",
        "financial_year": 2022,
        "role": "Trusted Person coordinator",
        "fte": "0.5",
        "period_start": dt.date(2022, 4, 1),
        "period_end": dt.date(2023, 3, 31),
        **extra,
    }


def refused(call, field: str) -> str:
    with pytest.raises(ValidationFailed) as caught:
        call()
    assert field in caught.value.field_errors, caught.value.field_errors
    return caught.value.field_errors[field][0]


# --- the rules of each kind ---------------------------------------------------------------------


def test_a_financial_contribution_is_recorded_and_audited(team, partner):
    c = contribution_record(actor=team, partner_id=partner.pk, data=financial(notes="By letter"))
    assert (c.kind, c.status, c.financial_year, c.amount) == ("financial", "committed", 2022, 25000)
    assert c.created_by == team
    event = AuditEvent.objects.get(action="contribution.recorded")
    assert event.object_type == "programme.contribution"
    assert event.object_id == str(c.pk)
    assert event.data["amount"] == 25000 and event.data["partner"] == partner.pk


def test_a_financial_contribution_needs_an_amount_above_nothing(team, partner):
    assert (
        refused(
            lambda: contribution_record(
                actor=team, partner_id=partner.pk, data=financial(amount=None)
            ),
            "amount",
        )
        == "Enter the amount in pounds"
    )
    assert "more than £0" in refused(
        lambda: contribution_record(actor=team, partner_id=partner.pk, data=financial(amount=0)),
        "amount",
    )
    assert not Contribution.objects.exists()


def test_a_staffing_contribution_needs_a_role_and_hours_or_fte(team, partner):
    assert (
        refused(
            lambda: contribution_record(
                actor=team, partner_id=partner.pk, data=staffing(role="  ")
            ),
            "role",
        )
        == "Enter the role"
    )
    message = refused(
        lambda: contribution_record(actor=team, partner_id=partner.pk, data=staffing(fte="")),
        "hours_per_week",
    )
    assert message == "Enter the hours a week or the full-time equivalent (FTE)"
    both = refused(
        lambda: contribution_record(
            actor=team, partner_id=partner.pk, data=staffing(hours_per_week="18.5")
        ),
        "fte",
    )
    assert "not both" in both
    assert not Contribution.objects.exists()


def test_a_staffing_period_needs_a_start_and_may_not_end_before_it(team, partner):
    assert "starts" in refused(
        lambda: contribution_record(
            actor=team, partner_id=partner.pk, data=staffing(period_start=None)
        ),
        "period_start",
    )
    message = refused(
        lambda: contribution_record(
            actor=team, partner_id=partner.pk, data=staffing(period_end=dt.date(2022, 3, 31))
        ),
        "period_end",
    )
    assert message == "The end of the period must be the same as or after its start"
    same_day = contribution_record(
        actor=team, partner_id=partner.pk, data=staffing(period_end=dt.date(2022, 4, 1))
    )
    assert same_day.period_end == same_day.period_start


def test_staffing_keeps_its_time_and_an_optional_value(team, partner):
    c = contribution_record(
        actor=team, partner_id=partner.pk, data=staffing(fte=None, hours_per_week="7.5")
    )
    assert c.hours_per_week == Decimal("7.50") and c.fte is None and c.amount is None
    valued = contribution_record(actor=team, partner_id=partner.pk, data=staffing(amount=18_000))
    assert valued.amount == 18_000


def test_hours_and_fte_must_be_sensible_numbers(team, partner):
    assert "more than 0" in refused(
        lambda: contribution_record(actor=team, partner_id=partner.pk, data=staffing(fte="0")),
        "fte",
    )
    assert "168" in refused(
        lambda: contribution_record(
            actor=team, partner_id=partner.pk, data=staffing(fte=None, hours_per_week="200")
        ),
        "hours_per_week",
    )
    assert "number" in refused(
        lambda: contribution_record(actor=team, partner_id=partner.pk, data=staffing(fte="half")),
        "fte",
    )


def test_other_support_needs_a_description_and_no_value(team, partner):
    data = {"kind": "other", "status": "potential", "financial_year": 2023}
    assert (
        refused(
            lambda: contribution_record(actor=team, partner_id=partner.pk, data=data), "description"
        )
        == "Enter what the contribution is"
    )
    c = contribution_record(
        actor=team, partner_id=partner.pk, data={**data, "description": "Meeting rooms"}
    )
    assert c.amount is None and c.description == "Meeting rooms"


def test_fields_of_another_kind_are_not_kept(team, partner):
    c = contribution_record(
        actor=team,
        partner_id=partner.pk,
        data=financial(role="Coordinator", fte="1", period_start=dt.date(2022, 4, 1)),
    )
    assert c.role == "" and c.fte is None and c.period_start is None


def test_status_kind_and_year_must_be_from_the_lists(team, partner):
    refused(
        lambda: contribution_record(
            actor=team, partner_id=partner.pk, data=financial(status="maybe")
        ),
        "status",
    )
    refused(
        lambda: contribution_record(actor=team, partner_id=partner.pk, data=financial(kind="gift")),
        "kind",
    )
    refused(
        lambda: contribution_record(
            actor=team, partner_id=partner.pk, data=financial(financial_year=1850)
        ),
        "financial_year",
    )


def test_only_the_programme_team_records_contributions(make_user, partner):
    governance = make_user(Role.GOVERNANCE_MEMBER)
    with pytest.raises(Forbidden):
        contribution_record(actor=governance, partner_id=partner.pk, data=financial())
    with pytest.raises(NotFound):
        contribution_record(
            actor=make_user(Role.PROGRAMME_TEAM), partner_id=999_999, data=financial()
        )


def test_a_change_is_audited_with_what_changed(team, partner):
    c = contribution_record(actor=team, partner_id=partner.pk, data=financial())
    contribution_change(
        actor=team, contribution_id=c.pk, data=financial(status="potential", amount=30_000)
    )
    c.refresh_from_db()
    assert (c.status, c.amount) == ("potential", 30_000)
    event = AuditEvent.objects.get(action="contribution.changed")
    assert event.data["changes"]["amount"] == [25000, 30000]
    assert event.data["changes"]["status"] == ["committed", "potential"]


def test_withdrawing_keeps_the_row_takes_it_out_of_every_total_and_is_audited(team, partner):
    kept = contribution_record(actor=team, partner_id=partner.pk, data=financial(amount=1_000))
    gone = contribution_record(actor=team, partner_id=partner.pk, data=financial(amount=5_000))
    assert contribution_totals()["financial"]["committed"] == 6_000
    contribution_withdraw(actor=team, contribution_id=gone.pk, reason="Budget cut")
    gone.refresh_from_db()
    assert gone.withdrawn_at is not None and "Budget cut" in gone.notes
    assert contribution_totals()["financial"]["committed"] == 1_000
    assert contribution_totals(financial_year=2022)["total"]["committed"] == 1_000
    assert Contribution.objects.filter(pk=gone.pk).exists() and kept.withdrawn_at is None
    event = AuditEvent.objects.get(action="contribution.withdrawn")
    assert event.object_id == str(gone.pk) and event.data["amount"] == 5_000
    # Withdrawing again changes nothing; changing a withdrawn contribution is refused.
    contribution_withdraw(actor=team, contribution_id=gone.pk)
    assert AuditEvent.objects.filter(action="contribution.withdrawn").count() == 1
    with pytest.raises(ValidationFailed):
        contribution_change(actor=team, contribution_id=gone.pk, data=financial(amount=9))


# --- the form: pounds as people type them -------------------------------------------------------


def post_new(client, partner, **fields):
    data = {
        "kind": "financial",
        "status": "committed",
        "financial_year": "2022",
        "amount": "",
        "role": "",
        "hours_per_week": "",
        "fte": "",
        "description": "",
        "notes": "",
        **fields,
    }
    return client.post(f"/programme/partners/{partner.pk}/contributions/new", data)


def test_the_form_takes_commas_and_refuses_the_pound_sign_and_pence(client, team, partner):
    client.force_login(team)
    response = post_new(client, partner, amount="£25,000")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert "Enter the amount without the £ sign" in html
    assert 'value="£25,000"' in html  # what was typed is kept
    assert "without pence" in post_new(client, partner, amount="25000.50").content.decode()
    assert "whole number" in post_new(client, partner, amount="25,00").content.decode()
    assert not Contribution.objects.exists()
    response = post_new(client, partner, amount="25,000")
    assert response.status_code == 302
    assert Contribution.objects.get().amount == 25_000


def test_the_form_shows_the_services_messages_and_keeps_what_was_typed(client, team, partner):
    client.force_login(team)
    response = post_new(
        client,
        partner,
        kind="staffing",
        role="Coordinator",
        period_start_0="1",
        period_start_1="4",
        period_start_2="2023",
        period_end_0="1",
        period_end_1="4",
        period_end_2="2022",
        fte="0.5",
    )
    html = response.content.decode()
    assert "The end of the period must be the same as or after its start" in html
    assert 'value="Coordinator"' in html
    assert not Contribution.objects.exists()
    html = post_new(client, partner, kind="staffing", role="Coordinator").content.decode()
    assert "Enter the hours a week or the full-time equivalent (FTE)" in html


def test_the_form_defaults_to_the_current_financial_year(client, team, partner):
    client.force_login(team)
    html = client.get(f"/programme/partners/{partner.pk}/contributions/new").content.decode()
    from django.utils import timezone

    year = financial_year_of(timezone.localdate())
    label = f"{year}/{(year + 1) % 100:02d}"
    assert re.search(rf'<option value="{year}" selected>{label}</option>', html)


def test_withdrawing_through_the_page(client, team, partner):
    c = ContributionFactory(partner=partner, amount=4_000)
    client.force_login(team)
    assert client.get(f"/programme/contributions/{c.pk}/withdraw").status_code == 405
    response = client.post(f"/programme/contributions/{c.pk}/withdraw", {"reason": ""})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.withdrawn_at is not None
    html = client.get(f"/programme/partners/{partner.pk}").content.decode()
    assert "Withdrawn" in html and "not counted in any total" in html
    html = client.get(f"/programme/contributions/{c.pk}/edit").content.decode()
    assert "It is kept as it was" in html and "Save the contribution" not in html


def test_saving_a_withdrawn_contribution_says_why_it_cannot_be_changed(client, team, partner):
    c = ContributionFactory(partner=partner, amount=4_000, withdrawn_at=dt.datetime.now(dt.UTC))
    client.force_login(team)
    response = client.post(
        f"/programme/contributions/{c.pk}/edit",
        {"kind": "financial", "status": "committed", "financial_year": "2022", "amount": "9,000"},
        follow=True,
    )
    assert response.redirect_chain == [(f"/programme/partners/{partner.pk}", 302)]
    html = response.content.decode()
    assert "This contribution was withdrawn, so it cannot be changed" in html
    c.refresh_from_db()
    assert c.amount == 4_000
    assert not AuditEvent.objects.filter(action="contribution.changed").exists()


def test_a_governance_member_reads_contributions_but_changes_nothing(client, make_user, partner):
    c = ContributionFactory(partner=partner, notes="Private note for the team")
    client.force_login(make_user(Role.GOVERNANCE_MEMBER))
    html = client.get(f"/programme/partners/{partner.pk}").content.decode()
    assert c.reference in html
    assert "Private note for the team" not in html
    assert "Record a contribution" not in html
    assert client.get(f"/programme/contributions/{c.pk}/edit").status_code == 403
    assert client.post(f"/programme/contributions/{c.pk}/withdraw").status_code == 403
    c.refresh_from_db()
    assert c.withdrawn_at is None


# --- totals -------------------------------------------------------------------------------------


def plain_totals(rows, *, financial_year=None, public=False) -> dict:
    """The totals worked out the plain way, row by row, for comparison: the public figures
    count listed partners only; the programme team's count every partner and say how much is
    from partners not listed."""
    out = {k: {"committed": 0, "potential": 0} for k in ("financial", "staffing", "other", "total")}
    fte = {"committed": Decimal(0), "potential": Decimal(0)}
    hours = {"committed": Decimal(0), "potential": Decimal(0)}
    unlisted = {"committed": 0, "potential": 0, "contributions": 0}
    for row in rows:
        if row.withdrawn_at is not None:
            continue
        if financial_year is not None and row.financial_year != financial_year:
            continue
        if public and not row.partner.listed:
            continue
        out[row.kind][row.status] += row.amount or 0
        out["total"][row.status] += row.amount or 0
        if row.kind == "staffing":
            fte[row.status] += row.fte or 0
            hours[row.status] += row.hours_per_week or 0
        if not row.partner.listed:
            unlisted[row.status] += row.amount or 0
            unlisted["contributions"] += 1
    return {**out, "staffing_fte": fte, "staffing_hours": hours, "unlisted": unlisted}


def test_totals_come_from_one_query(django_assert_num_queries):
    ContributionFactory.create_batch(3)
    ContributionFactory(kind="staffing", amount=None, fte=Decimal("0.5"), role="Coordinator")
    with django_assert_num_queries(1):
        contribution_totals()
    with django_assert_num_queries(1):
        contribution_totals(financial_year=2022)
    with django_assert_num_queries(1):
        contribution_totals(financial_year=2022, public=True)


def test_totals_by_kind_status_and_year():
    a = PartnerFactory()
    ContributionFactory(partner=a, amount=100_000)
    ContributionFactory(partner=a, amount=60_000, status="potential")
    ContributionFactory(partner=a, amount=5_000, financial_year=2023)
    ContributionFactory(
        partner=a, kind="staffing", amount=None, role="Officer", hours_per_week=Decimal("15")
    )
    ContributionFactory(partner=a, kind="staffing", amount=9_000, role="Lead", fte=Decimal("0.5"))
    ContributionFactory(partner=a, kind="other", amount=None, description="Rooms")
    ContributionFactory(
        partner=a, amount=7_777, withdrawn_at=dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
    )
    totals = contribution_totals()
    assert totals["financial"] == {"committed": 105_000, "potential": 60_000}
    assert totals["staffing"] == {"committed": 9_000, "potential": 0}
    assert totals["other"] == {"committed": 0, "potential": 0}
    assert totals["total"] == {"committed": 114_000, "potential": 60_000}
    assert totals["staffing_fte"]["committed"] == Decimal("0.5")
    assert totals["staffing_hours"]["committed"] == Decimal("15")
    assert contribution_totals(financial_year=2023)["total"] == {"committed": 5_000, "potential": 0}
    assert contribution_totals(financial_year=2019)["total"] == {"committed": 0, "potential": 0}


def test_a_partner_not_listed_yet_never_moves_the_public_figures(client, make_user):
    announced = PartnerFactory(tier="supporting")
    ContributionFactory(partner=announced, amount=100_000)
    hidden = PartnerFactory(tier="supporting", listed=False)
    ContributionFactory(partner=hidden, amount=40_000)
    ContributionFactory(partner=hidden, amount=6_000, status="potential")

    def public_figure():
        html = client.get("/partners").content.decode()
        return figures_on_public_page(html)

    assert public_figure() == {"committed": 100_000, "potential": 0}
    assert "£46,000" not in client.get("/partners").content.decode()
    governance = make_user(Role.GOVERNANCE_MEMBER)
    client.force_login(governance)
    summary = client.get("/api/v1/contributions/summary").json()
    assert summary["total"] == {"committed": 100_000, "potential": 0}
    # The programme team's pages count every partner, and say how much is not public yet.
    html = client.get("/programme/partners/").content.decode()
    totals = html.split('id="totals"')[1].split("</table>")[0]
    assert "£140,000" in totals and "£6,000" in totals
    note = html.split('id="unlisted-totals">')[1].split("</div>")[0]
    assert "£40,000 committed and £6,000 potential (2 contributions)" in note
    assert "not listed publicly yet" in note
    rows = client.get("/api/v1/contributions").json()
    assert {r["amount"] for r in rows} == {100_000, 40_000, 6_000}
    # Listing the partner puts its pledges in the public figures.
    client.logout()
    Partner.objects.filter(pk=hidden.pk).update(listed=True)
    assert public_figure() == {"committed": 140_000, "potential": 6_000}
    client.force_login(governance)
    assert 'id="unlisted-totals"' not in client.get("/programme/partners/").content.decode()


def test_money_is_written_as_the_seed_writes_it():
    assert money(377_000) == "£377K"
    assert money(1_250_000) == "£1,250K"
    assert money(377_250) == "£377,250"
    assert money(0) == "£0"
    assert money(999) == "£999"


def figures_on_public_page(html: str) -> dict:
    """The committed and potential figures the public partners page shows, in pounds."""
    found = dict.fromkeys(("committed", "potential"), 0)
    paragraph = re.search(r'<p class="govuk-body" id="contribution-totals">(.*?)</p>', html, re.S)
    text = paragraph.group(1)
    values = re.findall(r'data-amount="(\d+)"[^>]*>£([\d,]+)(K?)</strong>', text)
    parsed = []
    for raw, shown, thousands in values:
        number = int(shown.replace(",", "")) * (1000 if thousands else 1)
        assert number == int(raw)
        parsed.append(number)
    if "Contributions total" in text:
        found["committed"] = parsed[0]
        if "potential further" in text:
            found["potential"] = parsed[1]
    elif parsed:
        found["potential"] = parsed[0]
    return found


def test_the_public_page_and_the_api_show_the_seed_figures_for_the_demo(client, make_user):
    from petal.programme.demo import partners as demo

    demo.load()
    html = client.get("/partners").content.decode()
    assert (
        "Contributions total <strong" in html
        and ">£377K</strong>, with a potential further <strong" in html
        and ">£180K</strong>, subject to formal agreement." in html
    )
    client.force_login(make_user(Role.TRUSTED_PERSON))
    body = client.get("/api/v1/contributions/summary").json()
    assert body["financial"] == {"committed": 377_000, "potential": 180_000}
    assert body["total"] == {"committed": 377_000, "potential": 180_000}
    assert body["staffing_fte"]["committed"] == 0.5


kinds = st.sampled_from(["financial", "staffing", "other"])
rows_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "kind": kinds,
            "status": st.sampled_from(["committed", "potential"]),
            "year": st.sampled_from([2021, 2022, 2023]),
            "amount": st.one_of(st.none(), st.integers(min_value=1, max_value=2_000_000)),
            "thousands": st.booleans(),
            "fte": st.one_of(st.none(), st.decimals(min_value="0.01", max_value="5", places=2)),
            "withdrawn": st.booleans(),
            "partner": st.integers(min_value=0, max_value=3),
        }
    ),
    max_size=25,
)
# Whether each of the four partners is listed publicly (announced) yet.
listed_strategy = st.lists(st.booleans(), min_size=4, max_size=4)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=rows_strategy, listed=listed_strategy)
def test_totals_the_public_page_and_the_api_equal_a_plain_sum_over_the_rows(
    rows, listed, client, make_user
):
    """The issue's rule: contribution totals equal a plain computation over the rows. The
    public figures (the public partners page, the API summary) sum the rows of listed partners
    only; the programme team's figures sum every partner's and say how much is from partners
    not listed yet."""
    Contribution.objects.all().delete()
    Partner.objects.filter(organisation__name__startswith="Test organisation").delete()
    partners = [
        PartnerFactory(tier="supporting" if i % 2 else "other", listed=listed[i]) for i in range(4)
    ]
    for row in rows:
        amount = row["amount"]
        if amount is not None and row["thousands"]:
            amount = (amount // 1000 + 1) * 1000  # round thousands show as £…K
        if row["kind"] == "financial" and amount is None:
            amount = 1_000
        ContributionFactory(
            partner=partners[row["partner"]],
            kind=row["kind"],
            status=row["status"],
            financial_year=row["year"],
            amount=amount,
            fte=row["fte"] if row["kind"] == "staffing" else None,
            withdrawn_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC) if row["withdrawn"] else None,
        )
    every_row = list(Contribution.objects.select_related("partner"))
    expected = plain_totals(every_row)
    public = plain_totals(every_row, public=True)
    assert contribution_totals() == expected
    assert contribution_totals(public=True) == public
    for year in (2021, 2022, 2023):
        assert contribution_totals(financial_year=year) == plain_totals(
            every_row, financial_year=year
        )
        assert contribution_totals(financial_year=year, public=True) == plain_totals(
            every_row, financial_year=year, public=True
        )

    client.logout()
    html = client.get("/partners").content.decode()
    assert figures_on_public_page(html) == public["total"]

    # Every role reads the public figures: partners not listed yet are left out.
    for role in (Role.SERVICE_STAFF, Role.PROGRAMME_TEAM):
        client.force_login(make_user(role))
        body = client.get("/api/v1/contributions/summary").json()
        for key in ("financial", "staffing", "other", "total"):
            assert body[key] == public[key]
        for key in ("staffing_fte", "staffing_hours"):
            assert body[key] == {s: float(v) for s, v in public[key].items()}
        body = client.get("/api/v1/contributions/summary?financial_year=2022").json()
        assert body["total"] == plain_totals(every_row, financial_year=2022, public=True)["total"]
        assert body["financial_year"] == 2022

    # The programme team's page shows each partner's sums, from the same rows.
    client.force_login(make_user(Role.PROGRAMME_TEAM))
    html = client.get("/programme/partners/").content.decode()
    for partner in partners:
        live = [r for r in every_row if r.partner_id == partner.pk and not r.withdrawn_at]
        committed = sum(r.amount or 0 for r in live if r.status == "committed")
        potential = sum(r.amount or 0 for r in live if r.status == "potential")
        cells = re.search(
            rf'href="/programme/partners/{partner.pk}">.*?</td>.*?</td>\s*'
            r"<td[^>]*>£([\d,]+)</td>\s*<td[^>]*>£([\d,]+)</td>",
            html,
            re.S,
        )
        shown = (int(cells.group(1).replace(",", "")), int(cells.group(2).replace(",", "")))
        assert shown == (committed, potential)
    # Its totals count every partner, and say how much is from partners not listed yet.
    total = re.search(
        r'<th scope="row" class="govuk-table__header">Total</th>\s*'
        r"<td[^>]*>£([\d,]+)</td>\s*<td[^>]*>£([\d,]+)</td>",
        html,
    )
    assert (int(total.group(1).replace(",", "")), int(total.group(2).replace(",", ""))) == (
        expected["total"]["committed"],
        expected["total"]["potential"],
    )
    unlisted = expected["unlisted"]
    if unlisted["contributions"]:
        note = html.split('id="unlisted-totals">')[1].split("</div>")[0]
        assert f"£{unlisted['committed']:,} committed" in note
        assert f"£{unlisted['potential']:,} potential" in note
    else:
        assert 'id="unlisted-totals"' not in html
