"""Reading a caseload spreadsheet (CSV or XLSX): the columns Petal reads, how their headings are
recognised, and the cells turned into text and dates. Nothing here touches the database: the
checking and importing are in ``petal.outcomes.services.imports``.

The columns (one row per person; the first row holds the headings):

- **Full name** (required) and **Preferred name** (optional): identity.
- **Date of birth** (required): with the name, it is how Petal knows it already has someone.
- **District** (optional): Cambridge, East Cambridgeshire, Fenland, Huntingdonshire, South
  Cambridgeshire or Peterborough.
- **Trusted person email** (optional for a trusted person importing their own people, whom an
  empty cell means; required for a partnership coordinator): who supports the person. They
  become the person's lead trusted person.
- **Relationship** (optional): professional (the default), social or voluntary.
- For each of the five areas, **<Area> since**: the date it started applying to them (an empty
  cell: not one of their areas), and optionally **<Area> ended**: the date it stopped.

Headings are matched loosely (case, punctuation, "(optional)" and common other words such as
"DOB", "Known as" or "Offending since" are accepted), so a coordinator's own spreadsheet can
be used with its headings as they are. Columns Petal does not read (addresses, phone numbers,
notes) are listed on the preview and left out: contact details are never imported, because a
list is the wrong place for them (a domestic-abuse survivor's address above all).

Text is kept as text: a cell such as ``=HYPERLINK(...)`` is a name like any other (XLSX
formulas are read as their text, never run). Dates are read as day/month/year, as in the UK.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

MAX_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED_BYTES = 60 * 1024 * 1024
MAX_ROWS = 2000
MAX_COLUMNS = 60
# A cell longer than this is cut when read: no field Petal reads is anywhere near as long, so
# the row's check still says it is too long.
MAX_CELL = 2000

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


class FileProblem(Exception):
    """The file as a whole cannot be read (wrong type, empty, too big, too many rows)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    required: bool
    what: str
    example: str
    aliases: tuple[str, ...] = ()


FIXED_COLUMNS = [
    Column(
        "full_name",
        "Full name",
        True,
        "Their full name, as on their record.",
        "Jordan Ellis",
        ("name", "person", "person name", "persons name", "person s name", "client name"),
    ),
    Column(
        "preferred_name",
        "Preferred name",
        False,
        "What they like to be called, if it is not their full name.",
        "Jo",
        ("known as", "preferred", "prefers to be called", "what they like to be called"),
    ),
    Column(
        "date_of_birth",
        "Date of birth",
        True,
        "Day/month/year. With the name, it is how Petal knows it already has someone.",
        "27/03/1985",
        ("dob", "d o b", "birth date", "birthdate", "date born", "born"),
    ),
    Column(
        "district",
        "District",
        False,
        "Cambridge, East Cambridgeshire, Fenland, Huntingdonshire, South Cambridgeshire or "
        "Peterborough.",
        "Fenland",
        ("local authority", "council area", "district council"),
    ),
    Column(
        "trusted_person",
        "Trusted person email",
        False,
        "The email address of their trusted person, who must have a trusted person sign-in. "
        "Leave it empty for people you support yourself.",
        "amara.okafor@example.org",
        (
            "trusted person",
            "trusted person email address",
            "trusted person s email",
            "trusted persons email",
            "tp email",
            "tp",
        ),
    ),
    Column(
        "relationship",
        "Relationship",
        False,
        "Professional, social or voluntary. Empty means professional.",
        "Professional",
        (
            "relationship kind",
            "kind of relationship",
            "relationship type",
            "type of relationship",
            "relationship to trusted person",
        ),
    ),
]

# Other words coordinators use for the five areas (the names themselves come from the
# reference data).
AREA_SYNONYMS = {
    "homelessness": ("homeless", "housing"),
    "substance-misuse": (
        "substance use",
        "substances",
        "drugs and alcohol",
        "drug and alcohol",
        "alcohol and drugs",
    ),
    "mental-health": ("mental ill health",),
    "domestic-abuse": ("domestic violence", "dv", "dva"),
    "criminal-justice": ("offending", "justice"),
}
SINCE_WORDS = ("since", "from", "start", "started", "start date", "date started", "began")
ENDED_WORDS = ("ended", "end", "end date", "date ended", "until", "to", "finished", "stopped")
# Headings that are contact details: named on the preview as never imported.
CONTACT_WORDS = ("address", "phone", "mobile", "telephone", "postcode", "post code", "tel")


def normalise_heading(text) -> str:
    """Lower case, "&" as "and", words in brackets dropped, punctuation as spaces."""
    text = str(text or "").lower().replace("&", " and ")
    text = re.sub(r"\([^)]*\)", " ", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def area_columns(areas: list[tuple[str, str]]) -> list[Column]:
    """A "since" and an "ended" column for each area, given as (code, name) pairs in order."""
    columns = []
    for code, name in areas:
        names = {normalise_heading(name), *AREA_SYNONYMS.get(code, ())}
        since = tuple(f"{n} {w}" for n in sorted(names) for w in SINCE_WORDS) + tuple(sorted(names))
        ended = tuple(f"{n} {w}" for n in sorted(names) for w in ENDED_WORDS)
        columns.append(
            Column(
                f"since:{code}",
                f"{name} since",
                False,
                f"The date {name.lower()} started applying to them. Empty: not one of their areas.",
                "01/04/2024" if code == "homelessness" else "",
                since,
            )
        )
        columns.append(
            Column(
                f"ended:{code}",
                f"{name} ended",
                False,
                "The date it stopped, if it has. Empty: still going on.",
                "",
                ended,
            )
        )
    return columns


def all_columns(areas: list[tuple[str, str]]) -> list[Column]:
    return [*FIXED_COLUMNS, *area_columns(areas)]


@dataclass
class Headings:
    """Which field each column of the file holds (None: not read), and what it is called in
    the file (for messages that name the column as the reader sees it)."""

    keys: list[str | None]
    names: dict[str, str]
    unread: list[str]
    contact: list[str]


def match_headings(headings: list, areas: list[tuple[str, str]]) -> Headings:
    """Recognise the file's headings. Raises FileProblem for a missing required column or two
    columns that say the same thing."""
    lookup: dict[str, Column] = {}
    for column in all_columns(areas):
        for text in (column.heading, *column.aliases):
            lookup.setdefault(normalise_heading(text), column)
    keys: list[str | None] = []
    names: dict[str, str] = {}
    unread, contact = [], []
    for raw in headings:
        shown = str(raw or "").strip()
        column = lookup.get(normalise_heading(raw))
        if column is None:
            keys.append(None)
            if shown:
                words = normalise_heading(raw)
                if any(word in words for word in CONTACT_WORDS):
                    contact.append(shown)
                else:
                    unread.append(shown)
            continue
        if column.key in names:
            raise FileProblem(
                f"The columns ‘{names[column.key]}’ and ‘{shown}’ both seem to be "
                f"‘{column.heading}’. Keep one of them."
            )
        names[column.key] = shown
        keys.append(column.key)
    missing = [c.heading for c in FIXED_COLUMNS if c.required and c.key not in names]
    if missing:
        wanted = " and ".join(f"‘{m}’" for m in missing)
        raise FileProblem(
            f"The file has no {wanted} column. The first row must hold the column headings: "
            "download the template to see them."
        )
    return Headings(keys=keys, names=names, unread=unread, contact=contact)


def template_csv(areas: list[tuple[str, str]]) -> bytes:
    """The headings, for a coordinator to fill in (UTF-8 with a byte order mark, so Excel
    opens names with accents correctly). No example row: it would be imported."""
    out = io.StringIO()
    csv.writer(out).writerow([c.heading for c in all_columns(areas)])
    return out.getvalue().encode("utf-8-sig")


# ---------------------------------------------------------------------------------------------
# Reading the file
# ---------------------------------------------------------------------------------------------


@dataclass
class Sheet:
    headings: list
    # (row number as the spreadsheet shows it, cells)
    rows: list[tuple[int, list]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _blank(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _cut(value):
    if isinstance(value, str):
        value = value.replace("\x00", "")
        return value[:MAX_CELL]
    return value


def _collect(numbered_rows, *, notes: list[str]) -> Sheet:
    headings = None
    sheet = None
    for number, cells in numbered_rows:
        cells = [_cut(c) for c in list(cells)[:MAX_COLUMNS]]
        if _blank(cells):
            continue
        while cells and _blank(cells[-1:]):
            cells.pop()
        if headings is None:
            headings = cells
            sheet = Sheet(headings=headings, notes=notes)
            continue
        if len(sheet.rows) >= MAX_ROWS:
            raise FileProblem(
                f"The file has more than {MAX_ROWS:,} rows of people. Split it into files of "
                f"{MAX_ROWS:,} rows or fewer and import each one."
            )
        sheet.rows.append((number, cells))
    if sheet is None or not sheet.rows:
        raise FileProblem(
            "The file has no rows of people. The first row must hold the column headings and "
            "each row after it one person."
        )
    return sheet


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(content: bytes) -> Sheet:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(
            "The file could not be read as text. In Excel, save it as ‘CSV UTF-8 (Comma "
            "delimited)’, or upload the Excel file (.xlsx) itself."
        ) from None
    # NUL characters: no one means to type them, and PostgreSQL cannot store them.
    text = text.replace("\x00", "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    try:
        # The reader counts lines, not rows: a quoted cell may span lines, so use its count.
        def numbered():
            for cells in reader:
                yield reader.line_num, cells

        return _collect(numbered(), notes=[])
    except csv.Error:
        raise FileProblem(
            "The CSV file is not laid out as Petal expects (a cell may be missing a closing "
            "quote mark). Save it again from your spreadsheet program and upload it again."
        ) from None


def read_xlsx(content: bytes) -> Sheet:
    from openpyxl import load_workbook

    not_excel = FileProblem(
        "The file is not an Excel workbook Petal can read. Save it as an Excel workbook "
        "(.xlsx) or as ‘CSV UTF-8’, and upload it again."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            unzipped = sum(i.file_size for i in infos)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise not_excel from None
    if "xl/workbook.xml" not in names:
        raise not_excel
    if unzipped > MAX_UNZIPPED_BYTES:
        raise FileProblem(
            "The workbook is too big to read. Delete the sheets and columns Petal does not "
            "need, or save the sheet of people as ‘CSV UTF-8’, and upload it again."
        )
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - any fault in a damaged workbook is the same problem
        raise not_excel from None
    try:
        sheets = book.worksheets
        if not sheets:
            raise not_excel
        notes = []
        if len(sheets) > 1:
            notes.append(
                f"Only the first sheet, ‘{sheets[0].title}’, was read: the workbook has "
                f"{len(sheets)} sheets."
            )
        rows = sheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True)
        try:
            return _collect(enumerate(rows, start=1), notes=notes)
        except FileProblem:
            raise
        except Exception:  # noqa: BLE001 - a damaged sheet part
            raise not_excel from None
    finally:
        book.close()


def read_sheet(filename: str, content: bytes) -> Sheet:
    """The headings and rows of an uploaded CSV or XLSX file, or FileProblem saying why not."""
    name = (filename or "").lower()
    if not content:
        raise FileProblem("The selected file is empty.")
    if len(content) > MAX_BYTES:
        raise FileProblem(
            f"The file must be smaller than {MAX_BYTES // (1024 * 1024)} MB. Split it into "
            "smaller files and import each one."
        )
    if content.startswith(OLE_MAGIC) or name.endswith(".xls"):
        raise FileProblem(
            "Petal cannot read older Excel files (.xls) or password-protected workbooks. Save "
            "it as an Excel workbook (.xlsx) without a password, or as ‘CSV UTF-8’."
        )
    if name.endswith(".xlsx"):
        return read_xlsx(content)
    if name.endswith((".csv", ".txt")):
        if content.startswith(XLSX_MAGIC):
            return read_xlsx(content)
        return read_csv(content)
    raise FileProblem("The selected file must be a CSV file or an Excel workbook (.xlsx).")


# ---------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------

_DMY = re.compile(r"^(\d{1,2})\s*[/.\- ]\s*(\d{1,2})\s*[/.\- ]\s*(\d{2,4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_WORDS = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$")
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}


def cell_text(value) -> str:
    """A cell as the text it shows: numbers without a needless ".0", dates as day/month/year."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time(0) else value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    return str(value).replace("\x00", "").strip()


class NotADate(ValueError):
    pass


def parse_date(value) -> dt.date | None:
    """A date from a cell: an Excel date, or text as day/month/year (27/3/1985, 27-03-1985,
    27 March 1985) or year-month-day (1985-03-27). None when the cell is empty; NotADate
    (with a reason) otherwise. Two-digit years are refused: 01/02/03 could be any century."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise NotADate("is a number, not a date")
    text = str(value).strip().lower()
    if not text:
        return None
    try:
        match = _DMY.match(text)
        if match:
            day, month, year = match.groups()
            if len(year) != 4:
                raise NotADate("needs a 4-digit year")
            return dt.date(int(year), int(month), int(day))
        match = _ISO.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        match = _WORDS.match(text)
        if match and match.group(2) in MONTHS:
            return dt.date(int(match.group(3)), MONTHS[match.group(2)], int(match.group(1)))
    except ValueError as error:
        if isinstance(error, NotADate):
            raise
        raise NotADate("is not a real date") from None
    raise NotADate("is not a date")
