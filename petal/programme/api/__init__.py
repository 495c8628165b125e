"""The programme app's API: /api/v1/partners, /api/v1/contributions, /api/v1/milestones and
/api/v1/newsletters."""

from ninja import Router

from petal.programme.api.newsletters import router as newsletters_router
from petal.programme.api.partners import router as partners_router

router = Router()
router.add_router("", partners_router)
router.add_router("", newsletters_router)
