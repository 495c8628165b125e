"""The barriers app's API: /api/v1/barriers and /api/v1/groups."""

from ninja import Router

from petal.barriers.api.barriers import router as barriers_router
from petal.barriers.api.governance import router as groups_router

router = Router()
router.add_router("/barriers", barriers_router)
router.add_router("/groups", groups_router)
