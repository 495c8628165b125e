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


def fail(field: str, message: str):
    """Refuse what was given for one field, with the message the form shows beside it."""
    raise ValidationFailed(message, field_errors={field: [message]})


MAX_TEXT = 5000


def clean_text(value, *, field: str, label: str, required: bool = False, limit: int = MAX_TEXT):
    """Text a person typed, trimmed, for a service to keep: refused with a clear message when it
    is required and empty, or longer than ``limit``. NUL characters, which PostgreSQL cannot
    store and no one means to type, are dropped. ``label`` completes "Enter …"."""
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        fail(field, f"Enter {label}")
    if len(value) > limit:
        fail(field, f"{label[0].upper()}{label[1:]} must be {limit:,} characters or fewer")
    return value
