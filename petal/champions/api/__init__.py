"""The champions app's API: /api/v1/champions, /api/v1/questions, /api/v1/events."""

from ninja import Router

from petal.champions.api.champions import router as champions_router
from petal.champions.api.events import router as events_router
from petal.champions.api.network import router as network_router

router = Router()
router.add_router("/champions", champions_router)
router.add_router("/questions", network_router)
router.add_router("/events", events_router)
