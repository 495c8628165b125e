"""The caseload import: a spreadsheet is checked whole, imported whole or not at all, matched
against people already recorded, audited, and undone exactly — or refused when undoing would
delete records made since."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.core.errors import Forbidden, NotFound, ValidationFailed
from petal.outcomes.models import ImportBatch, ImportedRecord, ImportStatus
from petal.outcomes.services import imports as services
from petal.people.models import NeedEpisode, Person, Story, TrustedRelationship
from petal.people.tests.factories import EpisodeFactory, person_of
from petal.reference.models import AreaOfDisadvantage, Partnership

pytestmark = pytest.mark.django_db

HEADINGS = [
    "Full name",
    "Preferred name",
    "Date of birth",
    "District",
    "Trusted person email",
    "Relationship",
    "Homelessness since",
    "Homelessness ended",
    "Substance misuse since",
    "Mental health since",
    "Domestic abuse since",
    "Criminal justice since",
]


def csv_bytes(rows, headings=HEADINGS, *, delimiter=",", bom=False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headings)
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def xlsx_bytes(rows, headings=HEADINGS) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def team(make_user):
    """A coordinator of the Cambridgeshire partnership, a trusted person in it, and one in
    Peterborough."""
    cambridgeshire = Partnership.objects.get(slug="cambridgeshire")
    peterborough = Partnership.objects.get(slug="peterborough")

    class Team:
        coordinator = make_user(Role.PARTNERSHIP_COORDINATOR, partnership=cambridgeshire)
        tp = make_user(Role.TRUSTED_PERSON, partnership=cambridgeshire)
        elsewhere = make_user(Role.TRUSTED_PERSON, partnership=peterborough)

    return Team


def good_rows(tp_email: str) -> list[list[str]]:
    return [
        [
            "Jordan Ellis",
            "Jo",
            "27/03/1985",
            "Fenland",
            tp_email,
            "",
            "01/04/2024",
            "",
            "15/05/2024",
            "2/6/2024",
            "",
            "",
        ],
        [
            "Sam Rivers",
            "",
            "1990-11-02",
            "cambridge",
            tp_email.upper(),
            "Voluntary",
            "",
            "",
            "",
            "01/01/2025",
            "",
            "",
        ],
        [
            "Alex Moor",
            "",
            "3 March 1979",
            "South Cambs",
            tp_email,
            "social",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ]


def check(actor, content, filename="people.csv") -> ImportBatch:
    return services.import_check(actor=actor, filename=filename, content=content)


def counts() -> tuple[int, int, int, int]:
    return (
        Person.objects.count(),
        NeedEpisode.objects.count(),
        TrustedRelationship.objects.count(),
        Story.objects.count(),
    )


# --- one bad row: nothing -----------------------------------------------------------------------


def test_one_bad_row_imports_nothing_and_the_preview_names_the_row_and_the_problem(client, team):
    rows = good_rows(team.tp.email)
    rows[1][2] = "32/13/1990"  # row 3 of the spreadsheet
    client.force_login(team.coordinator)
    before = counts()
    response = client.post(
        "/people/import/",
        {"file": _upload(csv_bytes(rows), "caseload.csv")},
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Row 3, ‘Date of birth’: ‘32/13/1990’ is not a real date." in html
    assert "1 row has a problem: nothing will be imported" in html
    assert "Import the spreadsheet</button>" not in html
    # Even asked directly, nothing is imported.
    response = client.post(f"/people/import/{batch.pk}/import")
    assert response.status_code == 200
    assert counts() == before
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CHECKED
    assert batch.problems == [
        {
            "row": 3,
            "column": "Date of birth",
            "message": "‘32/13/1990’ is not a real date. Enter their date of birth as "
            "day/month/year, for example 27/03/1985.",
        }
    ]


def _upload(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


# --- a good file: everything, once ----------------------------------------------------------------


def test_a_good_file_imports_everything_once_and_again_creates_nothing(team):
    from petal.people.disadvantage import multiply_disadvantaged_on
    from petal.people.selectors import people_visible_to

    before = counts()
    batch = check(team.coordinator, csv_bytes(good_rows(team.tp.email)))
    assert batch.problems == []
    assert (batch.summary["new"], batch.summary["matched"], batch.summary["areas_to_add"]) == (
        3,
        0,
        4,
    )
    services.import_run(actor=team.coordinator, batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.IMPORTED
    after = counts()
    assert (after[0] - before[0], after[1] - before[1], after[2] - before[2]) == (3, 4, 3)
    assert after[3] - before[3] == 3

    jordan = Person.objects.get(full_name="Jordan Ellis")
    assert jordan.preferred_name == "Jo"
    assert jordan.date_of_birth == dt.date(1985, 3, 27)
    assert jordan.district.code == "fenland"
    assert jordan.search_names == "|jordan ellis|jo|"
    assert jordan.version == 1
    assert jordan.programme_area.slug == "cambridgeshire-peterborough"
    assert jordan.created_by == team.coordinator
    assert {(e.area.code, e.starts_on, e.ends_on) for e in jordan.episodes.all()} == {
        ("homelessness", dt.date(2024, 4, 1), None),
        ("substance-misuse", dt.date(2024, 5, 15), None),
        ("mental-health", dt.date(2024, 6, 2), None),
    }
    lead = jordan.relationships.get()
    assert (lead.trusted_person, lead.is_lead, lead.kind) == (team.tp, True, "professional")
    sam = Person.objects.get(full_name="Sam Rivers")
    assert sam.relationships.get().kind == "voluntary"
    assert sam.district.code == "cambridge"
    assert Person.objects.get(full_name="Alex Moor").district.code == "south-cambridgeshire"
    assert Person.objects.get(full_name="Alex Moor").date_of_birth == dt.date(1979, 3, 3)

    # They are the trusted person's people now, and count in the cohort.
    assert set(people_visible_to(team.tp).values_list("full_name", flat=True)) == {
        "Jordan Ellis",
        "Sam Rivers",
        "Alex Moor",
    }
    assert list(
        multiply_disadvantaged_on(Person.objects.all(), timezone.localdate()).values_list(
            "full_name", flat=True
        )
    ) == ["Jordan Ellis"]
    assert ImportedRecord.objects.filter(batch=batch, created=True).count() == 3 + 3 + 3 + 4

    # The same file again: every row matched, nothing new, and importing creates nothing.
    again = check(team.coordinator, csv_bytes(good_rows(team.tp.email)))
    assert again.problems == []
    assert {r["action"] for r in again.rows} == {"matched"}
    assert again.summary["nothing_new"] is True
    services.import_run(actor=team.coordinator, batch_id=again.pk)
    assert counts() == after
    assert ImportedRecord.objects.filter(batch=again, created=True).count() == 0
    assert ImportedRecord.objects.filter(batch=again, created=False).count() == 3


def test_a_trusted_person_imports_their_own_people_with_the_column_left_empty(team):
    rows = good_rows("")
    batch = check(team.tp, csv_bytes(rows))
    assert batch.problems == []
    services.import_run(actor=team.tp, batch_id=batch.pk)
    assert set(
        TrustedRelationship.objects.filter(
            person__full_name__in=["Jordan Ellis", "Sam Rivers"]
        ).values_list("trusted_person_id", flat=True)
    ) == {team.tp.pk}


def test_a_matched_person_gets_only_the_new_areas(team):
    existing = person_of(team.tp, full_name="Jordan Ellis", date_of_birth=dt.date(1985, 3, 27))
    existing.search_names = "|jordan ellis|"
    existing.save()
    # Homelessness already on their timeline, overlapping the file's: not added again.
    EpisodeFactory(person=existing, starts_on=dt.date(2023, 1, 1))
    batch = check(team.coordinator, csv_bytes(good_rows(team.tp.email)[:1]))
    row = batch.rows[0]
    assert row["action"] == "matched"
    assert [(a["area"], a["new"]) for a in row["areas"]] == [
        ("homelessness", False),
        ("substance-misuse", True),
        ("mental-health", True),
    ]
    services.import_run(actor=team.coordinator, batch_id=batch.pk)
    assert Person.objects.filter(full_name="Jordan Ellis").count() == 1
    assert existing.episodes.count() == 3
    assert existing.relationships.count() == 1
    assert existing.versions.filter(category="needs").count() == 2


# --- undo -----------------------------------------------------------------------------------------


def test_two_rows_matching_one_recorded_person_is_a_problem(team):
    existing = person_of(team.tp, full_name="Jordan Ellis", date_of_birth=dt.date(1985, 3, 27))
    existing.search_names = "|jordan ellis|jo|"
    existing.save()
    rows = good_rows(team.tp.email)[:1] * 2
    rows[1] = ["Jo", *rows[1][1:]]
    batch = check(team.coordinator, csv_bytes(rows))
    assert [(p["row"], p["column"]) for p in batch.problems] == [(3, "Full name")]
    assert batch.problems[0]["message"].startswith("Row 2 is the same person")


def test_undo_removes_what_the_import_made_and_leaves_matched_people_as_they_were(team):
    existing = person_of(team.tp, full_name="Jordan Ellis", date_of_birth=dt.date(1985, 3, 27))
    existing.search_names = "|jordan ellis|"
    existing.save()
    own = EpisodeFactory(person=existing, starts_on=dt.date(2023, 1, 1))
    before = counts()
    batch = check(team.coordinator, csv_bytes(good_rows(team.tp.email)))
    services.import_run(actor=team.coordinator, batch_id=batch.pk)
    assert counts() != before
    services.import_undo(actor=team.coordinator, batch_id=batch.pk)
    assert counts() == before
    existing.refresh_from_db()
    assert list(existing.episodes.all()) == [own]
    assert existing.relationships.get().trusted_person == team.tp
    batch.refresh_from_db()
    assert (batch.status, batch.undone_by) == (ImportStatus.UNDONE, team.coordinator)
    # Undoing twice changes nothing more; importing an undone batch is refused.
    services.import_undo(actor=team.coordinator, batch_id=batch.pk)
    with pytest.raises(ValidationFailed):
        services.import_run(actor=team.coordinator, batch_id=batch.pk)


def _imported(actor, rows):
    batch = check(actor, csv_bytes(rows))
    services.import_run(actor=actor, batch_id=batch.pk)
    return batch


def test_undo_is_refused_when_people_it_added_have_records_since(team, client):
    from petal.people.services import contact_record

    batch = _imported(team.coordinator, good_rows(team.tp.email))
    sam = Person.objects.get(full_name="Sam Rivers")
    contact_record(
        actor=team.tp, person=sam, happened_on=timezone.localdate(), method="phone", note="Met"
    )
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        services.import_undo(actor=team.coordinator, batch_id=batch.pk)
    # The coordinator may not see Sam's record: told only that it has been added to.
    assert refused.value.field_errors["undo"] == [
        "Row 3 (Sam Rivers): their trusted person has added to their record since"
    ]
    assert counts() == before
    batch.refresh_from_db()
    assert batch.status == ImportStatus.IMPORTED

    # The same refusal on the page, with nothing undone.
    client.force_login(team.coordinator)
    response = client.post(f"/people/import/{batch.pk}/undo")
    html = response.content.decode()
    assert response.status_code == 200
    assert "This import cannot be undone" in html
    assert "Row 3 (Sam Rivers)" in html
    assert "<title>Error: " in html


def test_a_trusted_person_undoing_is_told_which_records_block_it(team):
    from petal.people.services import contact_record, episode_add

    batch = _imported(team.tp, good_rows(""))
    sam = Person.objects.get(full_name="Sam Rivers")
    contact_record(actor=team.tp, person=sam, happened_on=timezone.localdate(), method="phone")
    episode_add(
        actor=team.tp,
        person=sam,
        area=AreaOfDisadvantage.objects.get(code="criminal-justice"),
        starts_on=dt.date(2025, 2, 1),
    )
    with pytest.raises(ValidationFailed) as refused:
        services.import_undo(actor=team.tp, batch_id=batch.pk)
    assert refused.value.field_errors["undo"] == [
        "Row 3 (Sam Rivers): areas added since (1), changes to their record (1), contacts (1)"
    ]


def test_undo_is_refused_when_an_area_added_to_a_matched_person_has_changed(team):
    from petal.people.services import episode_end

    existing = person_of(team.tp, full_name="Jordan Ellis", date_of_birth=dt.date(1985, 3, 27))
    existing.search_names = "|jordan ellis|"
    existing.save()
    batch = _imported(team.tp, good_rows("")[:1])
    added = existing.episodes.get(area__code="homelessness")
    episode_end(actor=team.tp, person=existing, episode_id=added.pk, ends_on=timezone.localdate())
    with pytest.raises(ValidationFailed) as refused:
        services.import_undo(actor=team.tp, batch_id=batch.pk)
    assert "areas this import added, changed since" in refused.value.field_errors["undo"][0]
    assert existing.episodes.count() == 3


# --- formats and headings -------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["xlsx", "csv-semicolon-bom"])
def test_xlsx_and_csv_read_the_same(team, form):
    rows = good_rows(team.tp.email)
    if form == "xlsx":
        # Excel dates and date-times as themselves.
        rows[0][2] = dt.datetime.combine(dt.date(1985, 3, 27), dt.time())
        rows[0][6] = dt.date(2024, 4, 1)
        content, name = xlsx_bytes(rows), "people.xlsx"
    else:
        content, name = csv_bytes(rows, delimiter=";", bom=True), "people.csv"
    batch = check(team.coordinator, content, name)
    assert batch.problems == []
    jordan = batch.rows[0]
    assert (jordan["full_name"], jordan["date_of_birth"], jordan["district"]) == (
        "Jordan Ellis",
        "1985-03-27",
        "fenland",
    )
    assert [a["starts_on"] for a in jordan["areas"]] == ["2024-04-01", "2024-05-15", "2024-06-02"]
    assert batch.summary["new"] == 3


def test_rows_are_numbered_as_the_spreadsheet_shows_them(team):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet["A2"], sheet["B2"], sheet["C2"] = "Full name", "DOB", "TP email"
    sheet["A5"], sheet["B5"], sheet["C5"] = "Jordan Ellis", "1/1/1980", team.tp.email
    sheet["A9"], sheet["B9"], sheet["C9"] = "Sam Rivers", "not known", team.tp.email
    out = io.BytesIO()
    book.save(out)
    batch = check(team.coordinator, out.getvalue(), "people.xlsx")
    assert [r["number"] for r in batch.rows] == [5, 9]
    assert [p["row"] for p in batch.problems] == [9]


def test_headings_are_recognised_loosely_and_unread_columns_are_named(team):
    headings = [
        "NAME",
        "Known as",
        "D.O.B.",
        "Address",
        "Phone (mobile)",
        "TP email",
        "Notes",
        "Homeless from",
        "Homeless until",
        "Drugs & alcohol started",
        "Offending since (optional)",
    ]
    rows = [
        [
            "Jordan Ellis",
            "Jo",
            "27/03/1985",
            "1 High St",
            "07700 900000",
            team.tp.email,
            "likes tea",
            "01/04/2024",
            "01/05/2024",
            "02/04/2024",
            "03/04/2024",
        ]
    ]
    batch = check(team.coordinator, csv_bytes(rows, headings))
    assert batch.problems == []
    assert batch.summary["contact"] == ["Address", "Phone (mobile)"]
    assert batch.summary["unread"] == ["Notes"]
    row = batch.rows[0]
    assert [(a["area"], a["starts_on"], a["ends_on"]) for a in row["areas"]] == [
        ("homelessness", "2024-04-01", "2024-05-01"),
        ("substance-misuse", "2024-04-02", None),
        ("criminal-justice", "2024-04-03", None),
    ]
    # Contact details are never kept in the batch's rows.
    assert "1 High St" not in str(batch.rows) and "07700" not in str(batch.rows)
    services.import_run(actor=team.coordinator, batch_id=batch.pk)
    person = Person.objects.get(full_name="Jordan Ellis")
    assert (person.address, person.phone) == ("", "")


def test_a_problem_names_the_column_as_the_file_calls_it(team):
    batch = check(
        team.coordinator,
        csv_bytes([["Jordan Ellis", "yesterday", team.tp.email]], ["Name", "DOB", "TP email"]),
    )
    assert batch.problems[0]["column"] == "DOB"


def test_formula_and_odd_input_is_just_text(team):
    rows = good_rows(team.tp.email)[:2]
    rows[0][0] = '=HYPERLINK("http://evil.example","Jordan")'
    rows[1][0] = "Sam\x00 Rivers"
    batch = check(team.coordinator, csv_bytes(rows))
    assert batch.problems == []
    services.import_run(actor=team.coordinator, batch_id=batch.pk)
    assert Person.objects.filter(full_name='=HYPERLINK("http://evil.example","Jordan")').exists()
    assert Person.objects.filter(full_name="Sam Rivers").exists()

    # An XLSX formula is read as its text, never worked out.
    content = xlsx_bytes([["=1+1", "=TODAY()", team.tp.email]], ["Full name", "DOB", "TP email"])
    batch = check(team.coordinator, content, "sheet.xlsx")
    assert batch.rows[0]["full_name"] == "=1+1"
    assert batch.problems[0]["message"].startswith("‘=TODAY()’ is not a date.")


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("", "Enter their date of birth"),
        ("1/2/85", "‘1/2/85’ needs a 4-digit year."),
        ("31/02/1985", "‘31/02/1985’ is not a real date."),
        ("next week", "‘next week’ is not a date."),
        ("01/01/2999", "The date of birth must be in the past."),
        ("01/01/1850", "The date of birth must be after 1900."),
    ],
)
def test_a_date_of_birth_that_is_not_right_is_a_problem(team, cell, message):
    batch = check(
        team.coordinator,
        csv_bytes([["Jordan Ellis", cell, team.tp.email]], ["Full name", "DOB", "TP email"]),
    )
    assert batch.problems[0]["message"].startswith(message)


def test_row_problems_in_plain_words(team):
    rows = [
        ["", "01/01/1980", team.tp.email, "Narnia", "friend", "", "01/01/2020"],
        ["Ann Lee", "01/01/1980", team.tp.email, "", "", "01/01/1970", ""],
        ["Bo Lee", "01/01/1980", team.tp.email, "", "", "01/01/2020", "01/01/2019"],
        ["Cy Lee", "01/01/1980", team.tp.email, "", "", "", "01/01/2019"],
        ["Di Lee", "01/01/1980", team.tp.email, "", "", "yes", ""],
    ]
    headings = [
        "Full name",
        "DOB",
        "TP email",
        "District",
        "Relationship",
        "Homelessness since",
        "Homelessness ended",
    ]
    batch = check(team.coordinator, csv_bytes(rows, headings))
    said = {(p["row"], p["column"]): p["message"] for p in batch.problems}
    assert said[(2, "Full name")] == "Enter the person's full name."
    assert said[(2, "District")].startswith("‘Narnia’ is not a district Petal knows.")
    assert said[(2, "Relationship")].startswith("‘friend’ is not a kind of relationship")
    assert said[(2, "Homelessness ended")].startswith("There is an end date but no start date")
    assert said[(3, "Homelessness since")] == (
        "The date it started must be after their date of birth."
    )
    assert said[(4, "Homelessness ended")] == (
        "The date it stopped must be on or after the date it started."
    )
    assert said[(5, "Homelessness ended")].startswith("There is an end date but no start")
    assert said[(6, "Homelessness since")].startswith("‘yes’ is not a date.")
    assert batch.summary["with_problems"] == 5


def test_the_same_person_twice_in_a_file_is_a_problem(team):
    rows = good_rows(team.tp.email)[:2]
    rows.append(["JORDAN  ellis", "", "27-03-1985", "", team.tp.email, "", "", "", "", "", "", ""])
    batch = check(team.coordinator, csv_bytes(rows))
    assert batch.problems == [
        {
            "row": 4,
            "column": "Full name",
            "message": "Row 2 has the same name and date of birth. Put everything about one "
            "person on one row, and delete the other.",
        }
    ]


def test_a_namesake_with_no_date_of_birth_is_not_added_twice(team):
    undated = person_of(team.tp, full_name="Jordan Ellis", date_of_birth=None)
    undated.search_names = "|jordan ellis|"
    undated.save()
    batch = check(team.coordinator, csv_bytes(good_rows(team.tp.email)[:2]))
    assert [(p["row"], p["column"]) for p in batch.problems] == [(2, "Full name")]
    assert "whose record has no date of birth" in batch.problems[0]["message"]


def test_someone_recorded_with_another_trusted_person_is_a_problem_that_reveals_nothing(
    team, make_user
):
    from petal.people.models import ConnectionRequest

    other = make_user(Role.TRUSTED_PERSON)
    hidden = person_of(other, full_name="Jordan Ellis", date_of_birth=dt.date(1985, 3, 27))
    hidden.search_names = "|jordan ellis|"
    hidden.save()
    batch = check(team.coordinator, csv_bytes(good_rows(team.tp.email)[:1]))
    assert batch.problems == [
        {"row": 2, "column": "Full name", "message": services.ANOTHER_TRUSTED_PERSON}
    ]
    text = str(batch.rows) + str(batch.summary)
    assert other.email not in text and other.full_name not in text
    assert batch.rows[0]["person"] is None
    assert not ConnectionRequest.objects.exists()


def test_a_file_problem_is_shown_on_the_upload_form_and_keeps_nothing(client, team):
    client.force_login(team.coordinator)
    too_many = csv_bytes([[f"Person {i}", "01/01/1980"] for i in range(2001)], HEADINGS[::2])
    cases = [
        (b"", "x.csv", "The selected file is empty"),
        (b"%PDF-1.4", "x.pdf", "must be a CSV file or an Excel workbook"),
        (b"\xd0\xcf\x11\xe0old", "x.xls", "older Excel files"),
        (b"PK\x03\x04broken", "x.xlsx", "not an Excel workbook"),
        ("Full name,DOB\nJosé,1/1/1980\n".encode("latin-1"), "x.csv", "CSV UTF-8"),
        (b"Full name,District\nJo,Fenland\n", "x.csv", "The file has no ‘Date of birth’ column"),
        (b"Full name,Date of birth\n", "x.csv", "The file has no rows of people"),
        (too_many, "x.csv", "more than 2,000 rows"),
        (b'Full name,Date of birth\n"Jo,1/1/1980\n', "x.csv", "not laid out as Petal expects"),
        (b"Name,Full name,DOB\nJo,Jo,1/1/1980\n", "x.csv", "both seem to be ‘Full name’"),
    ]
    for content, name, message in cases:
        response = client.post("/people/import/", {"file": _upload(content, name)})
        html = response.content.decode()
        assert response.status_code == 200, name
        assert message in html, (name, message)
        assert "<title>Error: " in html
    assert not ImportBatch.objects.exists()


def test_a_file_too_big_is_refused_before_it_is_read(client, team, monkeypatch):
    from petal.outcomes import imports

    monkeypatch.setattr(imports, "MAX_BYTES", 100)
    client.force_login(team.coordinator)
    response = client.post("/people/import/", {"file": _upload(b"x" * 200, "big.csv")})
    assert "The file must be smaller than" in response.content.decode()
    assert not ImportBatch.objects.exists()


# --- who ------------------------------------------------------------------------------------------


def test_a_coordinator_may_not_name_a_trusted_person_outside_their_partnership(team, make_user):
    no_sign_in = "nobody@example.org"
    ended = make_user(
        Role.TRUSTED_PERSON, partnership=Partnership.objects.get(slug="cambridgeshire")
    )
    ended.memberships.update(ended_at=timezone.now() - dt.timedelta(days=1))
    rows = good_rows(team.tp.email)
    rows[0][4] = team.elsewhere.email
    rows[1][4] = no_sign_in
    rows[2][4] = ended.email
    batch = check(team.coordinator, csv_bytes(rows))
    messages = [p["message"] for p in batch.problems]
    assert len(messages) == 3
    assert messages[0] == (
        f"‘{team.elsewhere.email}’ is not a trusted person in the Cambridgeshire partnership. "
        "Name a trusted person who has a sign-in in your partnership."
    )
    # The same words whether or not the address has a sign-in.
    assert messages[1] == messages[0].replace(team.elsewhere.email, no_sign_in)
    assert messages[2] == messages[0].replace(team.elsewhere.email, ended.email)
    # An empty cell is not the coordinator.
    rows = good_rows("")
    batch = check(team.coordinator, csv_bytes(rows[:1]))
    assert batch.problems[0]["message"].startswith("Enter the email address of the person's")


def test_a_trusted_person_may_name_only_themselves(team):
    batch = check(team.tp, csv_bytes(good_rows(team.elsewhere.email)[:1]))
    assert batch.problems[0]["message"] == (
        "You can only import people you support yourself: enter your own email address here, "
        "or leave it empty."
    )
    assert check(team.tp, csv_bytes(good_rows(team.tp.email)[:1])).problems == []


def test_may_name_trusted_person_rule(team, make_user):
    from petal.access.outcomes import may_name_trusted_person

    other_coordinator = make_user(
        Role.PARTNERSHIP_COORDINATOR, partnership=Partnership.objects.get(slug="peterborough")
    )
    programme = make_user(Role.PROGRAMME_TEAM)
    table = [
        (team.tp, team.tp, True),
        (team.tp, team.elsewhere, False),
        (team.coordinator, team.tp, True),
        (team.coordinator, team.elsewhere, False),
        (team.coordinator, team.coordinator, False),
        (other_coordinator, team.elsewhere, True),
        (other_coordinator, team.tp, False),
        (programme, team.tp, False),
        (team.coordinator, None, False),
    ]
    for actor, user, allowed in table:
        assert may_name_trusted_person(actor, user) is allowed, (actor, user)


def test_only_importers_import_and_a_batch_is_its_uploaders_alone(team, client, make_user):
    batch = check(team.coordinator, csv_bytes(good_rows(team.tp.email)))
    with pytest.raises(Forbidden):
        check(make_user(Role.CHAMPION), csv_bytes(good_rows(team.tp.email)))
    for call in (services.import_run, services.import_undo):
        with pytest.raises(NotFound):
            call(actor=team.tp, batch_id=batch.pk)
    client.force_login(team.tp)
    assert client.get(f"/people/import/{batch.pk}").status_code == 404
    assert client.post(f"/people/import/{batch.pk}/import").status_code == 404
    assert client.post(f"/people/import/{batch.pk}/undo").status_code == 404
    assert batch.filename not in client.get("/people/import/").content.decode()
    assert Person.objects.filter(full_name="Jordan Ellis").count() == 0


def test_the_file_is_checked_again_when_it_is_imported(team):
    batch = check(team.coordinator, csv_bytes(good_rows(team.tp.email)))
    assert batch.problems == []
    # The trusted person leaves the partnership before the import.
    team.tp.memberships.update(ended_at=timezone.now() - dt.timedelta(minutes=1))
    result = services.import_run(actor=team.coordinator, batch_id=batch.pk)
    assert result.status == ImportStatus.CHECKED
    assert len(result.problems) == 3
    assert not Person.objects.exists()


# --- audit ----------------------------------------------------------------------------------------


def test_checking_importing_and_undoing_are_audited(team):
    batch = check(team.coordinator, csv_bytes(good_rows(team.tp.email)))
    checked = AuditEvent.objects.get(action="import.checked")
    assert (checked.actor_id, checked.object_type, checked.object_id) == (
        team.coordinator.pk,
        "outcomes.importbatch",
        str(batch.pk),
    )
    assert checked.data == {"rows": 3, "new": 3, "matched": 0, "with_problems": 0}
    services.import_run(actor=team.coordinator, batch_id=batch.pk)
    completed = AuditEvent.objects.get(action="import.completed")
    ids = set(Person.objects.values_list("pk", flat=True))
    assert set(completed.data["people_created"]) == ids
    assert completed.data["episodes"] == 4
    created = AuditEvent.objects.filter(action="person.created")
    assert {int(e.object_id) for e in created} == ids
    assert {e.data["import"] for e in created} == {batch.pk}
    services.import_undo(actor=team.coordinator, batch_id=batch.pk)
    undone = AuditEvent.objects.get(action="import.undone")
    assert set(undone.data["people_removed"]) == ids
    from petal.audit.selectors import audit_chain_verify

    assert audit_chain_verify().ok


# --- queries --------------------------------------------------------------------------------------


def _many(tp_email: str, n: int) -> bytes:
    rows = [
        [
            f"Person Number{i}",
            "",
            f"{1 + i % 28}/{1 + i % 12}/{1950 + i % 50}",
            "Fenland",
            tp_email,
            "",
            "01/04/2024",
            "",
            "02/04/2024",
            "",
            "",
            "",
        ]
        for i in range(n)
    ]
    return csv_bytes(rows)


def test_checking_and_previewing_take_a_fixed_number_of_queries(team, client, make_user):
    # Some people already recorded, a few of them with the same dates of birth.
    for i in range(0, 200, 7):
        person_of(
            team.tp,
            full_name=f"Person Number{i}",
            date_of_birth=dt.date(1950 + i % 50, 1 + i % 12, 1 + i % 28),
        )
    check(team.coordinator, _many(team.tp.email, 5))  # warm up
    sizes = {}
    for n in (20, 200):
        with CaptureQueriesContext(connection) as queries:
            batch = check(team.coordinator, _many(team.tp.email, n))
        sizes[n] = len(queries)
        assert batch.summary["rows"] == n
    assert sizes[20] == sizes[200], sizes
    assert sizes[200] <= 15, sizes
    client.force_login(team.coordinator)
    client.get(f"/people/import/{batch.pk}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/people/import/{batch.pk}")
    assert response.status_code == 200
    assert "Row by row" in response.content.decode()
    assert len(queries) <= 10, [q["sql"] for q in queries]


def test_importing_200_rows_takes_a_fixed_number_of_queries(team):
    small = check(team.coordinator, _many(team.tp.email, 20))
    with CaptureQueriesContext(connection) as few:
        services.import_run(actor=team.coordinator, batch_id=small.pk)
    Person.objects.all().delete()
    large = check(team.coordinator, _many(team.tp.email.replace("@", "@"), 200))
    with CaptureQueriesContext(connection) as many:
        services.import_run(actor=team.coordinator, batch_id=large.pk)
    assert Person.objects.count() == 200
    # Inserts are batched (SQLite takes at most 999 values a statement): far fewer than one
    # query a row.
    assert len(few) <= 30, len(few)
    assert len(many) <= 45, len(many)


# --- the template ---------------------------------------------------------------------------------


def test_the_template_has_every_column_petal_reads(client, team):
    from petal.outcomes.imports import all_columns, match_headings

    client.force_login(team.coordinator)
    response = client.get("/people/import/template.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    headings = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    areas = list(AreaOfDisadvantage.objects.order_by("order").values_list("code", "name"))
    matched = match_headings(headings, areas)
    assert matched.unread == [] and matched.contact == []
    assert set(matched.keys) == {c.key for c in all_columns(areas)}
