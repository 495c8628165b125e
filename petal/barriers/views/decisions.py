"""Stub: written by the barriers issue."""

from django.http import Http404


def decide(request, barrier_id: int):
    raise Http404("Not built yet")
