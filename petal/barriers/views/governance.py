"""Stub: written by the barriers issue."""

from django.http import Http404


def structure(request):
    raise Http404("Not built yet")


def report(request):
    raise Http404("Not built yet")


def group(request, slug: str):
    raise Http404("Not built yet")


def member_add(request, slug: str):
    raise Http404("Not built yet")


def member_end(request, slug: str, member_id: int):
    raise Http404("Not built yet")


def meeting_new(request, slug: str):
    raise Http404("Not built yet")


def meeting(request, meeting_id: int):
    raise Http404("Not built yet")


def agenda(request, meeting_id: int):
    raise Http404("Not built yet")


def agenda_remove(request, meeting_id: int, item_id: int):
    raise Http404("Not built yet")


def attendance(request, meeting_id: int):
    raise Http404("Not built yet")


def minutes(request, meeting_id: int):
    raise Http404("Not built yet")


def action_new(request, meeting_id: int):
    raise Http404("Not built yet")
