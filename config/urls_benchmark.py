"""The normal URLs plus a floor view, for benchmarks only (PETAL_URLCONF=config.urls_benchmark).

The floor goes through every middleware (sessions, authentication, CSP, access policy) but
reads nothing and renders nothing, so page timings can be given as ratios against it.
"""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as petal_urlpatterns
from petal.access.decorators import public


def floor(request):
    return HttpResponse(b"floor", content_type="text/plain")


urlpatterns = [path("_floor", public(floor), name="floor"), *petal_urlpatterns]
