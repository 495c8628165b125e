"""Stub: /api/v1/barriers (written by the barriers issue)."""

from ninja import Router

router = Router(tags=["barriers"])
