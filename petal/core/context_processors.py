from __future__ import annotations

from django.conf import settings


def petal(request):
    from petal.access.navigation import navigation_for

    return {
        "service_name": "Petal",
        "programme_name": "Changing Futures Cambridgeshire & Peterborough",
        "contact_email": settings.PETAL_CONTACT_EMAIL,
        "petal_demo": settings.PETAL_DEMO,
        "navigation": navigation_for(request),
    }
