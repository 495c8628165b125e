"""Stub: written by the barriers issue."""

from django.http import Http404


def learning_write(request, barrier_id: int):
    raise Http404("Not built yet")


def learning_list(request):
    raise Http404("Not built yet")


def learning_entry(request, entry_id: int):
    raise Http404("Not built yet")


def learning_publish(request, entry_id: int):
    raise Http404("Not built yet")


def public_list(request):
    raise Http404("Not built yet")


def public_entry(request, entry_id: int):
    raise Http404("Not built yet")
