"""Caseload import: check a spreadsheet, import it whole, undo it whole.

1. ``import_check`` reads the file (``petal.outcomes.imports``), checks every row and keeps the
   result as an ImportBatch that only its uploader sees: for each row, what will happen (a new
   person, a person already recorded, or a problem) and each problem in plain words naming the
   column. A file that cannot be read at all (wrong type, empty, too big, too many rows) is
   refused on the upload form and no batch is kept.
2. ``import_run`` checks the file again (the records may have changed since) and, only if no
   row has a problem, imports everything in one transaction: a bad row means nothing is
   imported. Every record it creates is listed in ImportedRecord.
3. ``import_undo`` removes exactly what the import created. It is refused, changing nothing,
   when a person it added has since gained records that undoing would delete (referrals,
   consents, contacts, changes …), and it says which.

Duplicates. A row must give a date of birth: with the name, it is how a person already
recorded is recognised (and a namesake the trusted person supports on a record without one is
a problem, not a second record). Within the file, a second row with the same name and date of birth as an earlier
one is a problem (one person, one row): merging two rows would mean guessing which trusted
person, district and dates are right. Against the records, a row whose named trusted person
already supports someone with the same name (full name, preferred name or other name) and date
of birth is matched: nothing is created, only areas not already on their timeline are added, so
importing the same file again creates nothing. A row matching someone the named trusted person
does not support is a problem — "may already have a record with another trusted person" — with
nothing said about that record: that is no more than ``people.selectors.possible_duplicates``
tells anyone (that a record with the same date of birth exists). It is not turned into a
request to connect, because the check must not send anything for a file that may never be
imported; the trusted person asks to connect from "Add a person" instead.

People are created here rather than by ``petal.people.services.person_create``, which makes
the actor the lead trusted person (a coordinator imports for others) and writes one audit
event and several queries per person. The same models and rules are used — programme area,
search names, version 1, a lead relationship, an empty story — with one ``person.created``
event per person (and one ``person.episode_added`` per already-recorded person given new
areas, with a version of their record), appended in bulk, plus the batch's own
``import.completed`` event listing the ids.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone

from petal.access.categories import Category
from petal.access.outcomes import (
    coordinated_partnerships,
    imports_for_self,
    may_import,
    trusted_person_memberships,
)
from petal.access.people import relationships_in_force
from petal.audit.services import audit_bulk_append, audit_record
from petal.core.errors import Forbidden, NotFound, ValidationFailed, fail
from petal.core.middleware import current_request_id
from petal.outcomes import imports as sheet_io
from petal.outcomes.models import ImportBatch, ImportedRecord, ImportStatus
from petal.people.selectors import normalise_name, people_visible_to

PERSON = "people.person"
STORY = "people.story"
EPISODE = "people.needepisode"
RELATIONSHIP = "people.trustedrelationship"
KINDS = ("professional", "social", "voluntary")
MAX_NAME = 200
MAX_PREFERRED = 100

ANOTHER_TRUSTED_PERSON = (
    "This person may already have a record with another trusted person, so Petal will not "
    "add them again. Remove this row, and ask to connect with their trusted person instead "
    "(from ‘Add a person’)."
)


def _require_importer(actor) -> None:
    if not may_import(actor):
        raise Forbidden("Only trusted persons and partnership coordinators import caseloads")


# ---------------------------------------------------------------------------------------------
# Checking
# ---------------------------------------------------------------------------------------------


def _district_key(text: str) -> str:
    """ "South Cambs", "Cambridge City Council" and "Fenland District" as the districts they
    name."""
    words = normalise_name(text).replace("cambs", "cambridgeshire").split()
    return " ".join(w for w in words if w not in {"city", "district", "council"})


@dataclass
class References:
    areas: list[tuple[int, str, str]]  # (pk, code, name), in order
    districts: dict[str, tuple[int, str, str]]  # normalised name or code → (pk, code, name)
    district_names: list[str]

    @classmethod
    def load(cls) -> References:
        from petal.reference.models import District
        from petal.reference.selectors import areas_of_disadvantage

        areas = list(areas_of_disadvantage().values_list("pk", "code", "name"))
        districts: dict[str, tuple[int, str, str]] = {}
        names = []
        for pk, code, name in District.objects.order_by("name").values_list("pk", "code", "name"):
            for key in (name, code.replace("-", " ")):
                districts[_district_key(key)] = (pk, code, name)
            names.append(name)
        return cls(areas=areas, districts=districts, district_names=names)

    @property
    def area_pairs(self) -> list[tuple[str, str]]:
        return [(code, name) for _pk, code, name in self.areas]


@dataclass
class Plan:
    rows: list[dict]
    problems: list[dict]
    summary: dict


class _Row:
    """One row being checked; becomes a plain dict for the batch."""

    def __init__(self, number: int, values: dict, headings: sheet_io.Headings, defaults: dict):
        self.values = values
        self.headings = headings
        self.defaults = defaults
        self.data = {
            "number": number,
            "full_name": "",
            "preferred_name": "",
            "date_of_birth": None,
            "date_of_birth_text": "",
            "district": None,
            "district_name": "",
            "trusted_person_email": "",
            "trusted_person": None,
            "trusted_person_name": "",
            "organisation": None,
            "relationship": "professional",
            "areas": [],
            "action": "",
            "person": None,
            "problems": [],
        }

    def column(self, key: str) -> str:
        """The column as the file calls it (or as the template does, if the file has none)."""
        return self.headings.names.get(key) or self.defaults.get(key, key)

    def problem(self, key: str, message: str) -> None:
        self.data["problems"].append({"column": self.column(key), "message": message})

    def text(self, key: str) -> str:
        return sheet_io.cell_text(self.values.get(key))


def _check_dates(row: _Row, refs: References, today: dt.date) -> None:
    data = row.data
    raw = row.values.get("date_of_birth")
    data["date_of_birth_text"] = row.text("date_of_birth")
    try:
        born = sheet_io.parse_date(raw)
    except sheet_io.NotADate as reason:
        born = None
        row.problem(
            "date_of_birth",
            f"‘{row.text('date_of_birth')}’ {reason}. Enter their date of birth as "
            "day/month/year, for example 27/03/1985.",
        )
    else:
        if born is None:
            row.problem(
                "date_of_birth",
                "Enter their date of birth, for example 27/03/1985: with the name, it is how "
                "Petal knows whether it already has them.",
            )
        elif born >= today:
            row.problem("date_of_birth", "The date of birth must be in the past.")
            born = None
        elif born.year < 1900:
            row.problem("date_of_birth", "The date of birth must be after 1900.")
            born = None
    data["date_of_birth"] = born.isoformat() if born else None

    for _pk, code, name in refs.areas:
        since_key, ended_key = f"since:{code}", f"ended:{code}"
        since = ended = None
        ok = True
        try:
            since = sheet_io.parse_date(row.values.get(since_key))
        except sheet_io.NotADate as reason:
            ok = False
            row.problem(
                since_key,
                f"‘{row.text(since_key)}’ {reason}. Enter the date {name.lower()} started as "
                "day/month/year, or leave it empty if it is not one of their areas.",
            )
        try:
            ended = sheet_io.parse_date(row.values.get(ended_key))
        except sheet_io.NotADate as reason:
            ok = False
            row.problem(
                ended_key,
                f"‘{row.text(ended_key)}’ {reason}. Enter the date {name.lower()} stopped as "
                "day/month/year, or leave it empty if it is still going on.",
            )
        if not ok:
            continue
        if since is None:
            if ended is not None:
                row.problem(
                    ended_key,
                    f"There is an end date but no start date: enter when {name.lower()} "
                    f"started in ‘{row.column(since_key)}’.",
                )
            continue
        if since > today:
            row.problem(since_key, "The date it started must be today or in the past.")
            continue
        if born is not None and since < born:
            row.problem(since_key, "The date it started must be after their date of birth.")
            continue
        if ended is not None:
            if ended < since:
                row.problem(
                    ended_key, "The date it stopped must be on or after the date it started."
                )
                continue
            if ended > today:
                row.problem(
                    ended_key,
                    "The date it stopped must be today or in the past: leave it empty if it "
                    "is still going on.",
                )
                continue
        row.data["areas"].append(
            {
                "area": code,
                "name": name,
                "starts_on": since.isoformat(),
                "ends_on": ended.isoformat() if ended else None,
                "new": True,
            }
        )


def _check_row(row: _Row, refs: References, today: dt.date) -> None:
    data = row.data
    full_name = row.text("full_name")
    data["full_name"] = full_name
    if not full_name:
        row.problem("full_name", "Enter the person's full name.")
    elif len(full_name) > MAX_NAME:
        row.problem("full_name", f"The full name must be {MAX_NAME} characters or fewer.")
    elif not normalise_name(full_name):
        row.problem("full_name", "Enter the person's full name in letters.")
    preferred = row.text("preferred_name")
    data["preferred_name"] = preferred
    if len(preferred) > MAX_PREFERRED:
        row.problem(
            "preferred_name", f"The preferred name must be {MAX_PREFERRED} characters or fewer."
        )
    _check_dates(row, refs, today)

    district = row.text("district")
    data["district_name"] = district
    if district:
        found = refs.districts.get(_district_key(district))
        if found is None:
            row.problem(
                "district",
                f"‘{district}’ is not a district Petal knows. Enter one of: "
                f"{', '.join(refs.district_names)}; or leave it empty.",
            )
        else:
            data["district"], data["district_name"] = found[1], found[2]

    kind = row.text("relationship").lower()
    if kind:
        if kind not in KINDS:
            row.problem(
                "relationship",
                f"‘{row.text('relationship')}’ is not a kind of relationship Petal records. "
                "Enter professional, social or voluntary; or leave it empty for professional.",
            )
        else:
            data["relationship"] = kind
    data["trusted_person_email"] = row.text("trusted_person").lower()


def _name_trusted_persons(actor, rows: list[_Row]) -> None:
    """Who each row names as trusted person, and whether the importer may name them — one
    query for every row (petal.access.outcomes decides)."""
    own = imports_for_self(actor)
    emails = {r.data["trusted_person_email"] for r in rows if r.data["trusted_person_email"]}
    if own:
        emails.add(actor.email.lower())
    nameable: dict[str, tuple[int, str, int | None]] = {}
    if emails:
        found = (
            trusted_person_memberships(actor)
            .annotate(email_lower=Lower("user__email"))
            .filter(email_lower__in=sorted(emails))
            .order_by("pk")
            .values_list("email_lower", "user_id", "user__full_name", "organisation_id")
        )
        for email, user_id, name, organisation_id in found:
            nameable.setdefault(email, (user_id, name or email, organisation_id))
    partnerships = None
    for row in rows:
        email = row.data["trusted_person_email"]
        if not email:
            if not own:
                row.problem(
                    "trusted_person",
                    "Enter the email address of the person's trusted person: someone with a "
                    "trusted person sign-in in your partnership.",
                )
                continue
            email = actor.email.lower()
        if email in nameable:
            user_id, name, organisation_id = nameable[email]
            row.data["trusted_person"] = user_id
            row.data["trusted_person_name"] = name
            row.data["trusted_person_email"] = email
            row.data["organisation"] = organisation_id
            continue
        if partnerships is None:
            partnerships = _partnership_names(actor)
        shown = row.text("trusted_person")
        if partnerships:
            row.problem(
                "trusted_person",
                f"‘{shown}’ is not a trusted person in {partnerships}. Name a trusted person "
                "who has a sign-in in your partnership"
                + (", or leave it empty for people you support yourself." if own else "."),
            )
        else:
            row.problem(
                "trusted_person",
                "You can only import people you support yourself: enter your own email "
                "address here, or leave it empty.",
            )


def _partnership_names(actor) -> str:
    from petal.reference.models import Partnership

    ids = coordinated_partnerships(actor)
    if not ids:
        return ""
    names = list(
        Partnership.objects.filter(pk__in=ids).order_by("name").values_list("name", flat=True)
    )
    return " or ".join(f"the {n} partnership" for n in names)


def _same_person_twice(rows: list[_Row]) -> None:
    """One person, one row: a later row with the same name and date of birth is a problem."""
    first: dict[tuple[str, str], int] = {}
    for row in rows:
        name, born = normalise_name(row.data["full_name"]), row.data["date_of_birth"]
        if not name or not born:
            continue
        key = (name, born)
        if key in first:
            row.problem(
                "full_name",
                f"Row {first[key]} has the same name and date of birth. Put everything about "
                "one person on one row, and delete the other.",
            )
        else:
            first[key] = row.data["number"]


def _overlaps(a_start: str, a_end: str | None, b_start: str, b_end: str | None) -> bool:
    # ISO dates compare as text; an open end is "still going on".
    return a_start <= (b_end or "9999-12-31") and b_start <= (a_end or "9999-12-31")


def _undated_namesakes(rows: list[_Row]) -> None:
    """A row naming someone its trusted person already supports under the same name, on a
    record with no date of birth, may be that person: Petal cannot tell, so it asks for the
    date of birth on the record first rather than add them twice (one query)."""
    wanted = {r.data["trusted_person"] for r in rows if r.data["trusted_person"]}
    if not wanted:
        return
    undated = set()
    for trusted_person_id, names in (
        relationships_in_force()
        .filter(trusted_person_id__in=sorted(wanted), person__date_of_birth__isnull=True)
        .values_list("trusted_person_id", "person__search_names")
    ):
        undated.update((trusted_person_id, n) for n in (names or "").split("|") if n)
    for row in rows:
        if (row.data["trusted_person"], normalise_name(row.data["full_name"])) in undated:
            row.problem(
                "full_name",
                f"{row.data['trusted_person_name']} already supports someone with this name "
                "whose record has no date of birth, so Petal cannot tell whether it is them. "
                "Add the date of birth to their record first, then upload the file again.",
            )


def _match_existing(rows: list[_Row]) -> None:
    """Who is already recorded: a fixed number of queries for the whole file.

    Every record with a date of birth in the file is looked at (whoever may see it), so a row
    is never added twice; what a row is told about a record its trusted person does not
    support is only that there may be one (see the module's docstring)."""
    from petal.people.models import NeedEpisode, Person

    keyed = [r for r in rows if r.data["date_of_birth"] and normalise_name(r.data["full_name"])]
    if not keyed:
        return
    _undated_namesakes(keyed)
    births = sorted({r.data["date_of_birth"] for r in keyed})
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    for pk, born, names in Person.objects.filter(date_of_birth__in=births).values_list(
        "pk", "date_of_birth", "search_names"
    ):
        for name in {n for n in (names or "").split("|") if n}:
            by_key[(name, born.isoformat())].append(pk)
    if not by_key:
        return
    supported = set(
        relationships_in_force()
        .filter(person__date_of_birth__in=births)
        .values_list("person_id", "trusted_person_id")
    )
    matched: dict[int, _Row] = {}
    for row in keyed:
        candidates = by_key.get((normalise_name(row.data["full_name"]), row.data["date_of_birth"]))
        if not candidates or row.data["trusted_person"] is None:
            continue
        theirs = sorted({pk for pk in candidates if (pk, row.data["trusted_person"]) in supported})
        if len(theirs) == 1 and theirs[0] in matched:
            row.problem(
                "full_name",
                f"Row {matched[theirs[0]].data['number']} is the same person (a name they are "
                "known by, and the same date of birth). Put everything about one person on one "
                "row, and delete the other.",
            )
        elif len(theirs) == 1:
            row.data["person"] = theirs[0]
            matched[theirs[0]] = row
        elif len(theirs) > 1:
            row.problem(
                "full_name",
                f"{row.data['trusted_person_name']} already supports more than one person with "
                "this name and date of birth. Add these areas on the right record instead, and "
                "remove this row.",
            )
        else:
            row.problem("full_name", ANOTHER_TRUSTED_PERSON)
    if not matched:
        return
    existing = defaultdict(list)
    for person_id, code, starts, ends in NeedEpisode.objects.filter(
        person_id__in=list(matched)
    ).values_list("person_id", "area__code", "starts_on", "ends_on"):
        existing[person_id].append((code, starts.isoformat(), ends.isoformat() if ends else None))
    for person_id, row in matched.items():
        for area in row.data["areas"]:
            area["new"] = not any(
                code == area["area"] and _overlaps(starts, ends, area["starts_on"], area["ends_on"])
                for code, starts, ends in existing[person_id]
            )


def _plan(actor, filename: str, content: bytes) -> Plan:
    """Read and check the whole file. Raises FileProblem when it cannot be read at all."""
    sheet = sheet_io.read_sheet(filename, content)
    refs = References.load()
    headings = sheet_io.match_headings(sheet.headings, refs.area_pairs)
    today = timezone.localdate()
    defaults = {c.key: c.heading for c in sheet_io.all_columns(refs.area_pairs)}
    rows = []
    for number, cells in sheet.rows:
        values = {key: cells[i] for i, key in enumerate(headings.keys) if key and i < len(cells)}
        row = _Row(number, values, headings, defaults)
        _check_row(row, refs, today)
        rows.append(row)
    _name_trusted_persons(actor, rows)
    _same_person_twice(rows)
    _match_existing(rows)

    problems = []
    counts = {"new": 0, "matched": 0, "problem": 0}
    areas_to_add = 0
    for row in rows:
        data = row.data
        if data["problems"]:
            data["action"] = "problem"
            data["person"] = None
            problems.extend({"row": data["number"], **p} for p in data["problems"])
        elif data["person"]:
            data["action"] = "matched"
            areas_to_add += sum(1 for a in data["areas"] if a["new"])
        else:
            data["action"] = "new"
            areas_to_add += len(data["areas"])
        counts[data["action"]] += 1
    summary = {
        "rows": len(rows),
        "new": counts["new"],
        "matched": counts["matched"],
        "with_problems": counts["problem"],
        "areas_to_add": areas_to_add,
        "nothing_new": not problems and counts["new"] == 0 and areas_to_add == 0,
        "notes": sheet.notes,
        "unread": headings.unread,
        "contact": headings.contact,
    }
    return Plan(rows=[r.data for r in rows], problems=problems, summary=summary)


def _clean_filename(filename: str) -> str:
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].replace("\x00", "").strip()
    return name[-200:] or "spreadsheet"


@transaction.atomic
def import_check(*, actor, filename: str, content: bytes) -> ImportBatch:
    """Check a caseload spreadsheet and keep the result for its uploader's preview. A file
    that cannot be read at all is refused on the upload form (``file``) and nothing is kept."""
    _require_importer(actor)
    filename = _clean_filename(filename)
    try:
        plan = _plan(actor, filename, content)
    except sheet_io.FileProblem as problem:
        fail("file", problem.message)
    batch = ImportBatch.objects.create(
        uploaded_by=actor,
        filename=filename,
        content=content,
        rows=plan.rows,
        problems=plan.problems,
        summary=plan.summary,
    )
    _audit_checked(actor, batch)
    return batch


def _audit_checked(actor, batch: ImportBatch, *, again: bool = False) -> None:
    summary = batch.summary
    audit_record(
        actor=actor,
        action="import.checked",
        obj=batch,
        categories=[Category.IDENTITY, Category.NEEDS, Category.INVOLVEMENT],
        data={
            "rows": summary["rows"],
            "new": summary["new"],
            "matched": summary["matched"],
            "with_problems": summary["with_problems"],
            **({"again": True} if again else {}),
        },
    )


# ---------------------------------------------------------------------------------------------
# Importing
# ---------------------------------------------------------------------------------------------


def _locked_batch(actor, batch_id) -> ImportBatch:
    batch = (
        ImportBatch.objects.select_for_update().filter(pk=batch_id, uploaded_by=actor).first()
        if str(batch_id).isdigit()
        else None
    )
    if batch is None:
        raise NotFound("No such import")
    return batch


def _search_names(full_name: str, preferred_name: str) -> str:
    # The same shape petal.people.services gives every person: "|full|preferred|".
    names = [n for n in (full_name, preferred_name) if n and n.strip()]
    return "|" + "|".join(normalise_name(n) for n in names) + "|"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@transaction.atomic
def import_run(*, actor, batch_id: int) -> ImportBatch:
    """Import a checked file whole, or nothing. The file is checked again first, against the
    records as they are now: if a row has a problem now, nothing is imported and the batch
    shows the new problems (its status stays "checked")."""
    from petal.people.models import NeedEpisode, Person, RecordVersion, Story, TrustedRelationship
    from petal.reference.models import ProgrammeArea
    from petal.reference.selectors import programme_area

    _require_importer(actor)
    batch = _locked_batch(actor, batch_id)
    if batch.status == ImportStatus.IMPORTED:
        return batch
    area = programme_area()
    # One import at a time in a programme area (imports are rare): two files naming the same
    # new person, imported at once, must not both add them. The check below runs after the
    # lock, so it sees what an import just before this one added. (SQLite serialises writers
    # already.)
    ProgrammeArea.objects.select_for_update().filter(pk=area.pk).exists()
    if batch.status == ImportStatus.UNDONE:
        fail("import", "This import was undone. To import the file again, upload it again.")
    try:
        plan = _plan(actor, batch.filename, bytes(batch.content))
    except sheet_io.FileProblem as problem:
        fail("import", problem.message)
    if plan.problems:
        batch.rows, batch.problems, batch.summary = plan.rows, plan.problems, plan.summary
        batch.save(update_fields=["rows", "problems", "summary"])
        _audit_checked(actor, batch, again=True)
        return batch

    refs = References.load()
    area_ids = {code: pk for pk, code, _name in refs.areas}
    district_ids = {code: pk for pk, code, _name in refs.districts.values()}
    today = timezone.localdate()

    new_rows = [r for r in plan.rows if r["action"] == "new"]
    matched_rows = [r for r in plan.rows if r["action"] == "matched"]
    people = [
        Person(
            programme_area=area,
            full_name=r["full_name"],
            preferred_name=r["preferred_name"],
            date_of_birth=_date(r["date_of_birth"]),
            district_id=district_ids.get(r["district"]) if r["district"] else None,
            search_names=_search_names(r["full_name"], r["preferred_name"]),
            created_by=actor,
        )
        for r in new_rows
    ]
    Person.objects.bulk_create(people)
    for row, person in zip(new_rows, people, strict=True):
        row["person"] = person.pk
    stories = Story.objects.bulk_create([Story(person=p) for p in people])
    relationships = TrustedRelationship.objects.bulk_create(
        [
            TrustedRelationship(
                programme_area=area,
                person=p,
                trusted_person_id=r["trusted_person"],
                kind=r["relationship"],
                organisation_id=r["organisation"] if r["relationship"] == "professional" else None,
                starts_on=today,
                is_lead=True,
            )
            for r, p in zip(new_rows, people, strict=True)
        ]
    )
    episode_rows = [
        (r, a)
        for r in plan.rows
        if r["action"] in ("new", "matched")
        for a in r["areas"]
        if a["new"]
    ]
    episodes = NeedEpisode.objects.bulk_create(
        [
            NeedEpisode(
                programme_area=area,
                person_id=r["person"],
                area_id=area_ids[a["area"]],
                starts_on=_date(a["starts_on"]),
                ends_on=_date(a["ends_on"]),
                recorded_by=actor,
            )
            for r, a in episode_rows
        ]
    )
    added_to_matched: dict[int, list[int]] = defaultdict(list)
    versions = []
    matched_ids = {r["person"] for r in matched_rows}
    for (row, a), episode in zip(episode_rows, episodes, strict=True):
        a["episode"] = episode.pk
        if row["person"] in matched_ids:
            added_to_matched[row["person"]].append(episode.pk)
            versions.append(
                RecordVersion(
                    person_id=row["person"],
                    category=Category.NEEDS,
                    changes={"episode": [None, f"{a['name']} from {a['starts_on']}"]},
                    changed_by=actor,
                )
            )
    RecordVersion.objects.bulk_create(versions)
    ImportedRecord.objects.bulk_create(
        [ImportedRecord(batch=batch, model=PERSON, object_id=p.pk) for p in people]
        + [ImportedRecord(batch=batch, model=STORY, object_id=s.pk) for s in stories]
        + [ImportedRecord(batch=batch, model=RELATIONSHIP, object_id=t.pk) for t in relationships]
        + [ImportedRecord(batch=batch, model=EPISODE, object_id=e.pk) for e in episodes]
        + [
            ImportedRecord(batch=batch, model=PERSON, object_id=pk, created=False)
            for pk in sorted(matched_ids)
        ]
    )

    request_id = current_request_id()
    common = {"actor_id": actor.pk, "actor_label": actor.email, "request_id": request_id}
    audit_bulk_append(
        [
            {
                **common,
                "action": "person.created",
                "object_type": PERSON,
                "object_id": p.pk,
                "categories": [
                    Category.IDENTITY,
                    Category.CONTACT,
                    Category.NEEDS,
                    Category.INVOLVEMENT,
                ],
                "data": {"import": batch.pk, "trusted_person": r["trusted_person"]},
            }
            for r, p in zip(new_rows, people, strict=True)
        ]
        + [
            {
                **common,
                "action": "person.episode_added",
                "object_type": PERSON,
                "object_id": pk,
                "categories": [Category.NEEDS],
                "data": {"import": batch.pk, "episodes": ids},
            }
            for pk, ids in sorted(added_to_matched.items())
        ]
    )
    summary = {
        **plan.summary,
        "created": {
            "people": len(people),
            "episodes": len(episodes),
            "relationships": len(relationships),
        },
        # How each area added to an already-recorded person ended, so undoing can tell
        # whether someone has changed it since.
        "matched_episode_ends": {
            str(a["episode"]): a["ends_on"] for r, a in episode_rows if r["person"] in matched_ids
        },
    }
    batch.rows, batch.problems, batch.summary = plan.rows, [], summary
    batch.status = ImportStatus.IMPORTED
    batch.imported_at = timezone.now()
    batch.save(update_fields=["rows", "problems", "summary", "status", "imported_at"])
    audit_record(
        actor=actor,
        action="import.completed",
        obj=batch,
        categories=[Category.IDENTITY, Category.NEEDS, Category.INVOLVEMENT],
        data={
            "people_created": [p.pk for p in people],
            "people_matched": sorted(matched_ids),
            "episodes": len(episodes),
            "relationships": len(relationships),
        },
    )
    return batch


# ---------------------------------------------------------------------------------------------
# Undoing
# ---------------------------------------------------------------------------------------------

# What a person gains after an import, in the words the refusal uses.
BLOCKER_LABELS = {
    "people.alias": "other names",
    "people.story": "their story",
    "people.needepisode": "areas added since",
    "people.trustedrelationship": "trusted persons added since",
    "people.contactrecord": "contacts",
    "people.recordversion": "changes to their record",
    "people.handover": "handovers",
    "people.connectionrequest": "requests to connect",
    "consent.consent": "consents",
    "consent.breakglass": "safeguarding access (break-glass)",
    "consent.storyreuse": "story reads",
    "consent.ownaccess": "their own sign-in",
    "referrals.referral": "referrals",
    "meetings.meetingcase": "meetings",
    "champions.supportconnection": "requests for a champion's support",
    "barriers.barrier": "barriers",
    "outcomes.assessment": "assessments",
    "outcomes.serviceuse": "service use",
}
STORY_TEXT = (
    "what_happened",
    "what_matters",
    "what_helps",
    "what_does_not_help",
    "never_ask_again",
)


def _person_relations():
    """Every relation from another model to Person (hidden ones too), so a record added by any
    app — now or later — blocks undoing."""
    from petal.people.models import Person

    return [
        f
        for f in Person._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
    ]


def _blockers(batch: ImportBatch, people: list[int]) -> dict[int, dict[str, int]]:
    """For each person the import created: the records made since that undoing would
    delete (or orphan), counted by kind — one query per kind of record."""
    from petal.people.models import NeedEpisode

    found: dict[int, dict[str, int]] = defaultdict(dict)
    if people:
        for relation in _person_relations():
            model = relation.related_model
            label = model._meta.label_lower
            column = relation.field.attname
            rows = model._default_manager.filter(**{f"{relation.field.name}__in": people})
            if label == "people.story":
                # The import made an empty story; one with words in it was written since.
                written = Q()
                for name in STORY_TEXT:
                    written |= ~Q(**{name: ""})
                rows = rows.filter(written)
            else:
                rows = rows.exclude(
                    pk__in=ImportedRecord.objects.filter(
                        batch=batch, model=label, created=True
                    ).values("object_id")
                )
            for person_id, count in (
                rows.order_by().values_list(column).annotate(n=Count("pk")).values_list(column, "n")
            ):
                found[person_id][
                    BLOCKER_LABELS.get(label, str(model._meta.verbose_name_plural))
                ] = count
    # Areas added to people already recorded: changed since (ended, or its end moved)?
    ends = batch.summary.get("matched_episode_ends") or {}
    if ends:
        for pk, person_id, ended in NeedEpisode.objects.filter(
            pk__in=[int(k) for k in ends]
        ).values_list("pk", "person_id", "ends_on"):
            if (ended.isoformat() if ended else None) != ends[str(pk)]:
                found[person_id]["areas this import added, changed since"] = 1
    return found


def _blocker_lines(actor, batch: ImportBatch, found: dict[int, dict[str, int]]) -> list[str]:
    """One line per blocked row. The kinds of record are named only to a reader who may see
    who is involved with the person; anyone else is told the record has been added to."""
    rows = {r["person"]: r for r in batch.rows if r.get("person")}
    visible = set(
        people_visible_to(actor, Category.INVOLVEMENT)
        .filter(pk__in=list(found))
        .values_list("pk", flat=True)
    )
    lines = []
    for person_id in sorted(found, key=lambda pk: rows.get(pk, {}).get("number", 0)):
        row = rows.get(person_id, {})
        who = f"Row {row.get('number', '?')} ({row.get('full_name', 'a person')})"
        if person_id in visible:
            kinds = ", ".join(f"{label} ({n})" for label, n in sorted(found[person_id].items()))
            lines.append(f"{who}: {kinds}")
        else:
            lines.append(f"{who}: their trusted person has added to their record since")
    return lines


@transaction.atomic
def import_undo(*, actor, batch_id: int) -> ImportBatch:
    """Remove exactly what the import created: the people it added (with their story, lead
    relationship and areas) and the areas it added to people already recorded, who otherwise
    stay as they were. Refused, changing nothing, when anything has been recorded about the
    people it added since — undoing would delete it — with what blocks it, row by row."""
    from petal.people.models import NeedEpisode, Person, RecordVersion, TrustedRelationship

    _require_importer(actor)
    batch = _locked_batch(actor, batch_id)
    if batch.status == ImportStatus.UNDONE:
        return batch
    if batch.status != ImportStatus.IMPORTED:
        fail("undo", "This file has not been imported, so there is nothing to undo.")
    created = defaultdict(list)
    for model, object_id in ImportedRecord.objects.filter(batch=batch, created=True).values_list(
        "model", "object_id"
    ):
        created[model].append(object_id)
    people = sorted(created[PERSON])
    # Lock the people, so nothing is added to them while they are checked and removed.
    list(Person.objects.select_for_update().filter(pk__in=people).values_list("pk", flat=True))
    found = _blockers(batch, people)
    if found:
        lines = _blocker_lines(actor, batch, found)
        raise ValidationFailed(
            "This import cannot be undone: records have been made since about people it added, "
            "and undoing it would delete them. Nothing has been changed.",
            field_errors={"undo": lines},
        )
    # Areas added to people already recorded: removed, with a version saying so.
    others = NeedEpisode.objects.filter(pk__in=created[EPISODE]).exclude(person_id__in=people)
    removed = list(others.select_related("area"))
    RecordVersion.objects.bulk_create(
        [
            RecordVersion(
                person_id=e.person_id,
                category=Category.NEEDS,
                changes={"episode": [f"{e.area.name} from {e.starts_on.isoformat()}", None]},
                changed_by=actor,
            )
            for e in removed
        ]
    )
    NeedEpisode.objects.filter(pk__in=[e.pk for e in removed]).delete()
    TrustedRelationship.objects.filter(pk__in=created[RELATIONSHIP]).delete()
    Person.objects.filter(pk__in=people).delete()  # their story and areas go with them
    batch.status = ImportStatus.UNDONE
    batch.undone_at = timezone.now()
    batch.undone_by = actor
    batch.save(update_fields=["status", "undone_at", "undone_by"])
    audit_record(
        actor=actor,
        action="import.undone",
        obj=batch,
        categories=[Category.IDENTITY, Category.NEEDS, Category.INVOLVEMENT],
        data={
            "people_removed": people,
            "episodes_removed": len(created[EPISODE]),
            "relationships_removed": len(created[RELATIONSHIP]),
            "episodes_removed_from_matched": [e.pk for e in removed],
        },
    )
    return batch
