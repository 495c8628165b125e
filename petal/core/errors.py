"""One application error type, turned into one error shape by one handler per surface."""

from __future__ import annotations


class PetalError(Exception):
    """Base for errors the application raises on purpose."""

    status = 400

    def __init__(self, message: str = "", *, field_errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class NotFound(PetalError):
    """Missing or not visible to the reader: the two are answered the same way."""

    status = 404


class Forbidden(PetalError):
    """The reader can see the record but may not do this to it."""

    status = 403


class ValidationFailed(PetalError):
    status = 422
