"""Rows of the access matrix for the programme and outcomes apps, one module per part, each
with ``PAGES`` and ``API_OPERATIONS`` (as in tests/test_access_matrix.py) and ``ids()``, which
makes the records its rows' paths name and returns their ids."""

from tests.access_rows import (
    contact,
    coproduction,
    library,
    newsletters,
    outcomes_dashboards,
    outcomes_exports,
    outcomes_import,
    outcomes_people,
    partners,
    retention,
    rights,
    selfassessment,
)

ROW_MODULES = [
    partners,
    newsletters,
    library,
    selfassessment,
    coproduction,
    contact,
    outcomes_people,
    outcomes_dashboards,
    outcomes_exports,
    outcomes_import,
    retention,
    rights,
]
