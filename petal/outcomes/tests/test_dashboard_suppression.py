"""Suppression on the dashboards, from a reader's side: for a crafted dataset with a partnership
of 3 people (and other small groups), no count from 1 to 4 appears in the page or the API, and
no hidden figure can be worked out from the published figures — neither by solving a line with
one unknown, nor by any combination of the lines the tables publish (exact linear algebra)."""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from petal.access.roles import Role
from petal.outcomes import dashboards
from petal.outcomes.suppression import FEWER_THAN_5, NOT_SHOWN, protect, suppress
from petal.outcomes.tables import COUNT
from petal.outcomes.tests.factories import NDT_CODES, RISK_CODES, AssessmentFactory
from petal.people.tests.factories import EpisodeFactory, PersonFactory
from petal.reference.models import AreaOfDisadvantage, District

DAY = dt.date(2026, 3, 2)
THREE = ("homelessness", "substance-misuse", "mental-health")


def _person_in_cohort(district, codes=THREE, start=dt.date(2025, 1, 1)):
    person = PersonFactory(district=district)
    for code in codes:
        EpisodeFactory(
            person=person, area=AreaOfDisadvantage.objects.get(code=code), starts_on=start
        )
    return person


@pytest.fixture
def crafted(db):
    """Peterborough: 3 people. Cambridge 12, Huntingdonshire 7, South Cambridgeshire 6,
    East Cambridgeshire 5, Fenland 6; one person with all five areas, two with four."""
    d = {x.code: x for x in District.objects.all()}
    sizes = {
        "peterborough": 3,
        "cambridge": 12,
        "huntingdonshire": 7,
        "south-cambridgeshire": 6,
        "east-cambridgeshire": 5,
        "fenland": 6,
    }
    people = []
    for code, n in sizes.items():
        for _ in range(n):
            people.append(_person_in_cohort(d[code]))
    every = [a.code for a in AreaOfDisadvantage.objects.all()]
    _person_in_cohort(d["cambridge"], every)
    _person_in_cohort(d["cambridge"], every[:4])
    _person_in_cohort(d["fenland"], every[1:])
    # NDT: three people in Peterborough assessed twice; eight in Cambridge.
    for i, person in enumerate(people[:3] + people[3:11]):
        AssessmentFactory(person=person, assessed_on=DAY - dt.timedelta(days=200), scores=_ndt(3))
        AssessmentFactory(
            person=person, assessed_on=DAY - dt.timedelta(days=10), scores=_ndt(i % 4)
        )
    return people


def _ndt(score: int) -> dict:
    """The same score for every item scored 0–4 (the risk items stay at 0)."""
    return {code: score for code in NDT_CODES if code not in RISK_CODES}


# --- what a reader can work out ---------------------------------------------------------------


def _recoverable(values: dict, lines: list, hidden: set) -> set:
    """Hidden members a reader could work out by solving lines with one unknown, repeatedly
    (what differencing the published totals gives)."""
    known = {k for k in values if k not in hidden}
    recovered = set()
    found = True
    while found:
        found = False
        for line in lines:
            unknown = [k for k in line if k in values and k not in known]
            if len(unknown) == 1:
                known.add(unknown[0])
                recovered.add(unknown[0])
                found = True
    return recovered


def _determined(values: dict, lines: list, hidden: set) -> set:
    """Hidden members fixed by the published figures through any combination of the lines:
    each line says (members) − total = 0; an unknown is determined exactly when its unit
    vector lies in the row space of the lines' coefficients on the unknowns."""
    unknowns = sorted((k for k in hidden if k in values), key=repr)
    index = {k: i for i, k in enumerate(unknowns)}
    rows = []
    for line in lines:
        members = [k for k in line if k in values]
        if not members:
            continue
        row = [Fraction(0)] * len(unknowns)
        for position, key in enumerate(members):
            sign = -1 if position == len(members) - 1 else 1
            if key in index:
                row[index[key]] += sign
        if any(row):
            rows.append(row)
    basis = _echelon(rows)
    rank = len(basis)
    determined = set()
    for key, i in index.items():
        unit = [Fraction(0)] * len(unknowns)
        unit[i] = Fraction(1)
        if len(_echelon([*basis, unit])) == rank:
            determined.add(key)
    return determined


def _echelon(rows):
    rows = [list(r) for r in rows]
    basis = []
    width = len(rows[0]) if rows else 0
    col = 0
    while rows and col < width:
        pivot = next((r for r in rows if r[col] != 0), None)
        if pivot is None:
            col += 1
            continue
        rows.remove(pivot)
        pivot = [x / pivot[col] for x in pivot]
        rows = [[a - r[col] * b for a, b in zip(r, pivot, strict=True)] for r in rows]
        rows = [r for r in rows if any(r)]
        basis.append(pivot)
        col += 1
    return basis


def _published(table_json: dict, table) -> tuple[dict, set]:
    """The figures a reader has, from the API's JSON (keys as the Table's: (row, column)),
    and which are hidden."""
    values, hidden = {}, set()
    count_columns = [c for c, col in enumerate(table.columns) if col.kind == COUNT]
    columns = list(range(len(table.columns))) + (["total"] if table.totals_column else [])
    for r, row in enumerate(table_json["rows"]):
        key_r = "total" if row.get("total") else r
        for c, cell in zip(columns, row["values"], strict=True):
            if c != "total" and c not in count_columns:
                continue
            key = (key_r, c)
            if cell["value"] is None:
                if cell["shown"] in (FEWER_THAN_5, NOT_SHOWN):
                    values[key] = None
                    hidden.add(key)
            else:
                values[key] = cell["value"]
    return values, hidden


def _check_table(table, table_json):
    values, hidden = _published(table_json, table)
    lines = table._lines()
    # Every small count is hidden, every hidden one is accounted for.
    for key, value in table._values.items():
        if 1 <= value <= 4 and table.suppressed:
            assert key in hidden, (table.slug, key, value)
    assert not _recoverable(values, lines, hidden), table.slug
    assert not _determined(values, lines, hidden), table.slug


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["cohort", "ndt", "referrals", "tell-it-once", "service-use"])
def test_no_hidden_figure_can_be_worked_out_from_the_api(crafted, client, make_user, slug):
    user = make_user(Role.PROGRAMME_TEAM)
    client.force_login(user)
    query = {"on": DAY.isoformat()} if slug == "cohort" else {}
    url = "/api/v1/reports/" + ("time-to-access" if slug == "referrals" else slug)
    response = client.get(url, query)
    assert response.status_code == 200, response.content
    body = response.json()
    built = dashboards.get(slug).build(user, query)
    assert [t["slug"] for t in body["tables"]] == [t.slug for t in built.tables]
    for table, table_json in zip(built.tables, body["tables"], strict=True):
        if table.suppressed:
            _check_table(table, table_json)


@pytest.mark.django_db
def test_the_partnership_of_three_is_hidden_and_cannot_be_differenced(crafted, client, make_user):
    client.force_login(make_user(Role.PARTNERSHIP_COORDINATOR))
    body = client.get("/api/v1/reports/cohort", {"on": DAY.isoformat()}).json()
    table = next(t for t in body["tables"] if t["slug"] == "by-partnership")
    rows = {r["label"]: r["values"][0] for r in table["rows"]}
    assert rows["Peterborough"] == {"value": None, "shown": FEWER_THAN_5}
    assert rows["All of Peterborough"] == {"value": None, "shown": FEWER_THAN_5}
    # Enough else is hidden that the total minus the rest does not give Peterborough away.
    assert sum(1 for r in table["rows"] if r["values"][0]["value"] is None) >= 4
    total = rows["Total"]["value"]
    assert total == 42


def _count_cells(html: str, table) -> list[str]:
    """The text of the count cells (and totals) of one table as the page shows it."""
    match = re.search(rf'<table[^>]*data-testid="table-{table.slug}".*?</table>', html, re.S)
    assert match, table.slug
    counts = {c for c, col in enumerate(table.columns) if col.kind == COUNT}
    if table.totals_column:
        counts.add(len(table.columns))
    texts = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", match.group(0), flags=re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        if len(cells) < len(table.columns):
            continue  # a section heading
        texts += [re.sub(r"<[^>]+>", "", c).strip() for i, c in enumerate(cells) if i in counts]
    return texts


def _chart_texts(html: str) -> list[str]:
    texts = []
    for svg in re.findall(r"<svg.*?</svg>", html, flags=re.S):
        texts += re.findall(r'<text[^>]*class="petal-chart__value"[^>]*>(.*?)</text>', svg, re.S)
        texts += re.findall(r"<title[^>]*>[^<]*?: ([^<]*)</title>", svg, flags=re.S)
    return texts


@pytest.mark.django_db
@pytest.mark.parametrize(
    "slug", ["cohort", "referrals", "tell-it-once", "ndt", "service-use", "champions"]
)
def test_no_small_count_reaches_the_page(crafted, client, make_user, slug):
    user = make_user(Role.GOVERNANCE_MEMBER)
    client.force_login(user)
    query = {"on": DAY.isoformat()} if slug == "cohort" else {}
    html = client.get(reverse("outcomes:dashboard", args=[slug]), query).content.decode()
    built = dashboards.get(slug).build(user, query)
    checked = 0
    for table in built.tables:
        texts = _count_cells(html, table)
        if not table.suppressed:
            continue
        checked += 1
        for text in texts:
            if text.replace(",", "").isdigit():
                assert not 1 <= int(text.replace(",", "")) <= 4, (slug, table.slug, text)
            else:
                assert text in (FEWER_THAN_5, NOT_SHOWN), (slug, table.slug, text)
    assert checked
    for text in _chart_texts(html):
        assert not re.fullmatch(r"[1-4]", text.strip()), (slug, text)
    if slug == "cohort":
        assert FEWER_THAN_5 in html
        assert 'data-testid="suppression-note"' in html


# --- the guard itself, on many random tables ----------------------------------------------------


SMALLISH = st.sampled_from([0, 0, 0, 1, 2, 3, 4, 5, 7, 12, 30])


def _combination_lines(counts: list[int]):
    """Sixteen combinations of five areas, their total and the five area rows."""
    from itertools import combinations

    masks = [
        sum(2**a for a in chosen) for size in (3, 4, 5) for chosen in combinations(range(5), size)
    ]
    values = {("c", i): n for i, n in enumerate(counts)}
    values["total"] = sum(counts)
    lines = [[("c", i) for i in range(16)] + ["total"]]
    for area in range(5):
        members = [("c", i) for i, m in enumerate(masks) if m & 2**area]
        values[("a", area)] = sum(values[k] for k in members)
        lines.append([*members, ("a", area)])
    return values, lines


@settings(max_examples=150, deadline=None)
@given(st.lists(SMALLISH, min_size=16, max_size=16))
def test_the_guard_leaves_no_combination_determined(counts):
    values, lines = _combination_lines(counts)
    hidden = protect(values, lines, suppress(values, lines))
    assert all(k in hidden for k, v in values.items() if 1 <= v <= 4)
    assert not _determined(values, lines, hidden)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=2, max_value=4).flatmap(
        lambda cols: st.lists(
            st.lists(SMALLISH, min_size=cols, max_size=cols), min_size=2, max_size=6
        )
    )
)
def test_the_guard_leaves_no_cell_of_a_grid_with_totals_determined(cells):
    values, lines = {}, []
    rows, cols = len(cells), len(cells[0])
    for r in range(rows):
        for c in range(cols):
            values[(r, c)] = cells[r][c]
        values[(r, "t")] = sum(cells[r])
        lines.append([(r, c) for c in range(cols)] + [(r, "t")])
    for c in range(cols):
        values[("t", c)] = sum(cells[r][c] for r in range(rows))
        lines.append([(r, c) for r in range(rows)] + [("t", c)])
    values[("t", "t")] = sum(map(sum, cells))
    lines.append([("t", c) for c in range(cols)] + [("t", "t")])
    lines.append([(r, "t") for r in range(rows)] + [("t", "t")])
    hidden = protect(values, lines, suppress(values, lines))
    assert all(k in hidden for k, v in values.items() if 1 <= v <= 4)
    assert not _determined(values, lines, hidden)
