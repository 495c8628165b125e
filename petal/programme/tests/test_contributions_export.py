"""The contributions download (CSV and Excel) and /api/v1/contributions: one row per
contribution, read back from the file; formulas neutralised (an apostrophe in the CSV, text cells in the XLSX); the download audited; notes never
included; filters and withdrawn rows in the API; 403 without ``contributions.view``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from petal.access.roles import Role
from petal.accounts.tests.factories import OrganisationFactory
from petal.audit.models import AuditEvent
from petal.programme.exports import HEADERS, safe
from petal.programme.tests.factories import ContributionFactory, PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    partner = PartnerFactory(
        organisation=OrganisationFactory(name='=HYPERLINK("http://evil")'), tier="supporting"
    )
    money = ContributionFactory(partner=partner, amount=25_000, notes="Secret team note")
    staff = ContributionFactory(
        partner=partner,
        kind="staffing",
        status="potential",
        amount=None,
        role="+Coordinator",
        fte=Decimal("0.5"),
        period_start=dt.date(2022, 4, 1),
        period_end=dt.date(2023, 3, 31),
        financial_year=2023,
    )
    other = ContributionFactory(
        partner=partner,
        kind="other",
        amount=None,
        description="@rooms -and more",
        withdrawn_at=dt.datetime(2023, 2, 1, 12, tzinfo=dt.UTC),
    )
    return money, staff, other


def test_safe_prefixes_formula_starts_only():
    assert [safe(v) for v in ("=1+1", "+44", "-3", "@x", "\tx", "plain", "")] == [
        "'=1+1",
        "'+44",
        "'-3",
        "'@x",
        "'\tx",
        "plain",
        "",
    ]


def test_the_csv_has_one_row_per_contribution_read_back(client, make_user, rows):
    money, staff, other = rows
    user = make_user(Role.GOVERNANCE_MEMBER)
    client.force_login(user)
    response = client.get("/programme/contributions.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="contributions-' in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0] == HEADERS
    body = {r[0]: dict(zip(HEADERS, r, strict=True)) for r in table[1:]}
    assert set(body) == {money.reference, staff.reference, other.reference}
    first = body[money.reference]
    assert first["Partner"] == '\'=HYPERLINK("http://evil")'
    assert (first["Tier"], first["Kind"], first["Status"]) == (
        "Partners who have pledged support",
        "Financial",
        "Committed",
    )
    assert (first["Financial year"], first["Amount (£)"], first["Withdrawn"]) == (
        "2022/23",
        "25000",
        "",
    )
    second = body[staff.reference]
    assert second["Role"] == "'+Coordinator"
    assert (second["FTE"], second["Hours a week"], second["Status"]) == ("0.5", "", "Potential")
    assert (second["Period start"], second["Period end"]) == ("2022-04-01", "2023-03-31")
    third = body[other.reference]
    assert third["Description"] == "'@rooms -and more"
    assert third["Withdrawn"] == "2023-02-01" and third["Amount (£)"] == ""
    assert "Secret team note" not in response.content.decode()
    event = AuditEvent.objects.get(action="contributions.exported")
    assert event.actor_id == user.pk and event.data == {"format": "csv", "rows": 3}


def test_the_xlsx_has_typed_cells_read_back(client, make_user, rows):
    money, staff, other = rows
    client.force_login(make_user(Role.PROGRAMME_TEAM))
    response = client.get("/programme/contributions.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Contributions"]
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert table[0] == HEADERS
    body = {r[0]: dict(zip(HEADERS, r, strict=True)) for r in table[1:]}
    assert len(body) == 3
    first = body[money.reference]
    assert first["Amount (£)"] == 25_000 and isinstance(first["Amount (£)"], int)
    # What was typed, exactly (no apostrophe), as text Excel never evaluates.
    assert first["Partner"] == '=HYPERLINK("http://evil")'
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
    typed = [
        cell
        for row in sheet.iter_rows(min_row=2)
        for cell in row
        if cell.value in ('=HYPERLINK("http://evil")', "+Coordinator", "@rooms -and more")
    ]
    assert len(typed) == 5  # the partner's name on each of the 3 rows, the role, the description
    for cell in typed:
        assert cell.data_type == "s" and cell.quotePrefix
    # The file itself holds no formula, only inline text.
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    assert 't="inlineStr"><is><t>=HYPERLINK("http://evil")</t>' in xml
    second = body[staff.reference]
    assert second["FTE"] == 0.5 and second["Role"] == "+Coordinator"
    assert second["Period start"].date() == dt.date(2022, 4, 1)
    assert body[other.reference]["Withdrawn"].date() == dt.date(2023, 2, 1)
    assert AuditEvent.objects.get(action="contributions.exported").data["format"] == "xlsx"


def test_the_downloads_are_refused_without_contributions_view(client, make_user, rows):
    client.force_login(make_user(Role.TRUSTED_PERSON))
    assert client.get("/programme/contributions.csv").status_code == 403
    assert client.get("/programme/contributions.xlsx").status_code == 403
    assert not AuditEvent.objects.filter(action="contributions.exported").exists()


# --- /api/v1/contributions -----------------------------------------------------------------------


def test_the_api_lists_contributions_without_withdrawn_ones_or_notes(client, make_user, rows):
    money, staff, other = rows
    client.force_login(make_user(Role.GOVERNANCE_MEMBER))
    body = client.get("/api/v1/contributions").json()
    assert {r["id"] for r in body} == {money.pk, staff.pk}
    row = next(r for r in body if r["id"] == staff.pk)
    assert row == {
        "id": staff.pk,
        "reference": staff.reference,
        "partner": {"id": staff.partner_id, "name": '=HYPERLINK("http://evil")'},
        "kind": "staffing",
        "status": "potential",
        "financial_year": 2023,
        "financial_year_label": "2023/24",
        "amount": None,
        "role": "+Coordinator",
        "hours_per_week": None,
        "fte": 0.5,
        "period_start": "2022-04-01",
        "period_end": "2023-03-31",
        "description": "",
        "withdrawn": False,
        "withdrawn_at": None,
    }
    assert "notes" not in body[0]
    everything = client.get("/api/v1/contributions?withdrawn=true").json()
    assert {r["id"] for r in everything} == {money.pk, staff.pk, other.pk}


def test_the_api_filters_by_year_kind_and_status(client, make_user, rows):
    money, staff, other = rows
    client.force_login(make_user(Role.PROGRAMME_TEAM))

    def ids(query):
        return {r["id"] for r in client.get(f"/api/v1/contributions?{query}").json()}

    assert ids("financial_year=2023") == {staff.pk}
    assert ids("kind=financial") == {money.pk}
    assert ids("status=potential") == {staff.pk}
    assert ids("kind=other&withdrawn=true") == {other.pk}
    assert client.get("/api/v1/contributions?kind=gift").status_code == 422
    assert client.get("/api/v1/contributions?financial_year=abc").status_code == 422


def test_the_api_refuses_contributions_to_other_roles(client, make_user, rows):
    client.force_login(make_user(Role.SERVICE_STAFF))
    assert client.get("/api/v1/contributions").status_code == 403
    # The totals are public: every role reads them.
    assert client.get("/api/v1/contributions/summary").status_code == 200


def test_the_api_list_does_not_query_per_contribution(
    client, make_user, rows, django_assert_max_num_queries
):
    client.force_login(make_user(Role.PROGRAMME_TEAM))
    client.get("/api/v1/contributions")
    ContributionFactory.create_batch(10)
    with django_assert_max_num_queries(4):
        assert len(client.get("/api/v1/contributions").json()) == 12
