"""Stub: written by the barriers issue."""

from django.http import Http404


def barriers(request):
    raise Http404("Not built yet")


def barrier_new(request):
    raise Http404("Not built yet")


def mine(request):
    raise Http404("Not built yet")


def barrier(request, barrier_id: int):
    raise Http404("Not built yet")


def me_too(request, barrier_id: int):
    raise Http404("Not built yet")


def merge(request, barrier_id: int):
    raise Http404("Not built yet")
