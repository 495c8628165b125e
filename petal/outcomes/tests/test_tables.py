from petal.outcomes.suppression import FEWER_THAN_5, NOT_SHOWN
from petal.outcomes.tables import MEASURE, Column, Row, Table


def _table(suppressed=True):
    return Table(
        slug="t",
        title="Referrals",
        row_header="Service",
        columns=[Column("Referrals"), Column("Median days", kind=MEASURE, base=0, fmt="{:.1f}")],
        rows=[
            Row("Housing", [3, 12.0]),
            Row("Drugs", [40, 8.5]),
            Row("Health", [9, 20.0]),
        ],
        suppressed=suppressed,
    )


def test_counts_measures_and_totals_as_shown():
    rows = _table().text_rows()
    assert rows[0] == ["Service", "Referrals", "Median days"]
    assert rows[1] == ["Housing", FEWER_THAN_5, NOT_SHOWN]
    # The next smallest count goes too, or the total would give Housing away; its median
    # (9 referrals behind it) still shows.
    assert rows[3] == ["Health", NOT_SHOWN, "20.0"]
    assert rows[2] == ["Drugs", "40", "8.5"]
    assert rows[4] == ["Total", "52", ""]


def test_values_for_the_api_are_none_when_hidden():
    table = _table()
    assert table.value(0, 0) is None
    assert table.value(0, 1) is None
    assert table.value(1, 0) == 40
    assert table.value("total", 0) == 52


def test_a_reader_who_sees_the_people_sees_every_figure():
    rows = _table(suppressed=False).text_rows()
    assert rows[1] == ["Housing", "3", "12.0"]


def test_totals_column_and_row():
    table = Table(
        slug="x",
        title="Cohort",
        row_header="Partnership",
        columns=[Column("A"), Column("B")],
        rows=[Row("P1", [2, 10]), Row("P2", [20, 30])],
        totals_column=True,
    )
    rows = table.text_rows()
    assert rows[0] == ["Partnership", "A", "B", "Total"]
    assert rows[1][1] == FEWER_THAN_5
    assert rows[-1][-1] == "62"
    hidden_in_row_1 = sum(1 for cell in rows[1][1:] if cell in (FEWER_THAN_5, NOT_SHOWN))
    assert hidden_in_row_1 >= 2
