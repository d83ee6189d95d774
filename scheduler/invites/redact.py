"""Keep email addresses out of logs and stored errors; ids stay.

A mail server's reply often quotes the recipient ("550 5.1.1 <ann@example.org>: no such
user"), and so does a Python exception about it. Every error text that is stored
(``outbox.last_error``) or logged by a worker passes through `redact_addresses`; the
worker's log handlers also carry `RedactingFilter`, so a traceback cannot leak one
either. What is left to find the person is the outbox row's id and its
``recipient_kind``/``recipient_id``.
"""

from __future__ import annotations

import logging
import re

ADDRESS = "<address>"
# Loose on purpose: anything shaped like local@domain.tld is hidden, quoted or not.
_ADDRESS_RE = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)


def redact_addresses(text: str) -> str:
    """`text` with every email address replaced by ``<address>``."""
    return _ADDRESS_RE.sub(ADDRESS, text)


class RedactingFilter(logging.Filter):
    """A handler filter that redacts addresses in the message and in its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it to logging to report
            return True
        record.msg, record.args = redact_addresses(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_addresses(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_addresses(record.stack_info)
        return True


def install(logger: logging.Logger | None = None) -> None:
    """Put one `RedactingFilter` on every handler of `logger` (default: the root logger)."""
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
