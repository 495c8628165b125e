"""The outcomes app's API: /api/v1/reports/… (suppressed figures, as on the dashboards) and
/api/v1/people/{id}/assessments."""

from ninja import Router

from petal.outcomes.api.assessments import router as assessments_router
from petal.outcomes.api.reports import router as reports_router

router = Router()
router.add_router("", reports_router)
router.add_router("", assessments_router)
