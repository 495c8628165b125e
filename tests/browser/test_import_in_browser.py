"""The caseload import in a real browser: a partnership coordinator uploads a spreadsheet with a
mistake and sees the row and the problem, uploads the corrected one, imports it, sees the
people added for their trusted person, and undoes it. Every page passes axe."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TP = "trusted.person@example.org"
COORDINATOR = "coordinator.fenland@example.org"


def _csv(path, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "Full name",
            "Known as",
            "DOB",
            "District",
            "Trusted person email",
            "Homelessness since",
            "Substance misuse since",
            "Mental health since",
            "Phone",
        ]
    )
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return str(path)


ROWS = [
    [
        "Jordan Ellis",
        "Jo",
        "27/03/1985",
        "Fenland",
        TP,
        "01/04/2024",
        "15/05/2024",
        "02/06/2024",
        "07700 900001",
    ],
    ["Sam Rivers", "", "02/11/1990", "East Cambridgeshire", TP, "01/01/2025", "", "", ""],
    ["Alex Moor", "", "03/03/1979", "Fenland", TP, "", "", "10/10/2024", ""],
]


def _checked(page, name: str) -> None:
    screenshot(page, name)
    assert axe_violations(page) == [], name
    assert page.problems.items == [], name


def test_a_coordinator_checks_imports_and_undoes_a_caseload(page, demo, tmp_path):
    from petal.accounts.models import Organisation, User
    from petal.accounts.services import membership_add
    from petal.people.models import Person
    from petal.reference.models import Partnership

    # The demo's trusted person at the Ferry Project works in the Fenland & East
    # Cambridgeshire partnership, which the Fenland coordinator coordinates.
    tp = User.objects.get(email=TP)
    membership_add(
        actor=None,
        user=tp,
        role="trusted_person",
        organisation=Organisation.objects.get(slug="ferry-project-wisbech"),
        partnership=Partnership.objects.get(slug="fenland-east-cambridgeshire"),
    )

    sign_in(page, COORDINATOR)
    page.goto("/people/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a caseload")
    _checked(page, "import-upload")

    # A mistake in row 3: nothing can be imported, and the preview says where and what.
    wrong = [list(r) for r in ROWS]
    wrong[1][2] = "31/02/1990"
    page.get_by_label("Upload a spreadsheet").set_input_files(_csv(tmp_path / "wrong.csv", wrong))
    page.get_by_role("button", name="Check the spreadsheet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your spreadsheet")
    summary = page.get_by_test_id("problem-summary")
    expect(summary).to_contain_text("Row 3, ‘DOB’: ‘31/02/1990’ is not a real date.")
    expect(page.get_by_test_id("row-3")).to_contain_text("Problem")
    expect(page.get_by_role("button", name="Import the spreadsheet")).to_have_count(0)
    # The phone column is named as not read, and no phone number is on the page.
    expect(page.locator("main")).to_contain_text("Petal does not import contact details")
    expect(page.locator("main")).not_to_contain_text("07700 900001")
    _checked(page, "import-preview-problem")

    # The corrected file: three new people, no problems.
    page.get_by_role("link", name="upload it again").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a caseload")
    page.get_by_label("Upload a spreadsheet").set_input_files(_csv(tmp_path / "right.csv", ROWS))
    page.get_by_role("button", name="Check the spreadsheet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your spreadsheet")
    expect(page.get_by_test_id("import-summary")).to_contain_text("New people to add3")
    expect(page.get_by_test_id("row-2")).to_contain_text("New person")
    expect(page.get_by_test_id("row-2")).to_contain_text("Amara Okafor")
    _checked(page, "import-preview")
    assert not Person.objects.exists()

    page.get_by_role("button", name="Import the spreadsheet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Imported")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Imported: 3 people added and 5 areas recorded."
    )
    expect(page.get_by_test_id("row-2")).to_contain_text("Added")
    _checked(page, "import-imported")
    assert set(Person.objects.values_list("full_name", flat=True)) == {
        "Jordan Ellis",
        "Sam Rivers",
        "Alex Moor",
    }
    assert {p.relationships.get().trusted_person.email for p in Person.objects.all()} == {TP}

    page.get_by_role("link", name="Back to your imports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a caseload")
    expect(page.get_by_test_id("imports")).to_contain_text("Imported")
    _checked(page, "import-list")
    page.get_by_role("link", name="right.csv").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Imported")

    # Their trusted person records a contact with Sam: undoing would delete it, so it is
    # refused, and the coordinator (who may not see Sam's record) is told no more than that.
    from django.utils import timezone

    from petal.people.services import contact_record

    sam = Person.objects.get(full_name="Sam Rivers")
    contact = contact_record(actor=tp, person=sam, happened_on=timezone.localdate(), method="phone")
    page.get_by_role("button", name="Undo the import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Imported")
    expect(page.get_by_test_id("refusal")).to_have_text(
        "Row 3 (Sam Rivers): their trusted person has added to their record since"
    )
    _checked(page, "import-undo-refused")
    assert Person.objects.count() == 3
    contact.delete()  # the contact was recorded by mistake (for this test)

    page.get_by_role("button", name="Undo the import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import undone")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The import has been undone")
    _checked(page, "import-undone")
    assert not Person.objects.exists()
