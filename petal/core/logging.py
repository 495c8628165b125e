"""Process-log helpers: every line carries the request id (as the audit trail does), so a log
line and an audit event can be matched, and times carry their offset."""

from __future__ import annotations

import logging


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from petal.core.middleware import current_request_id

        record.request_id = current_request_id() or "-"
        return True
