"""Stub: written by the barriers issue."""

from django.http import Http404


def pack(request, meeting_id: int):
    raise Http404("Not built yet")
