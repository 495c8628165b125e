"""Every dashboard module, imported so that each registers itself."""

from petal.outcomes.dashboards import (  # noqa: F401
    barriers,
    champions,
    cohort,
    contributions,
    ndt,
    referrals,
    service_use,
    tell_it_once,
)
