"""Stub: /api/v1/groups (written by the barriers issue)."""

from ninja import Router

router = Router(tags=["governance groups"])
