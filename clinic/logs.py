"""Keep questionnaire link tokens out of the logs: a token is a key to health data."""

import logging
import re

TOKEN_PATH = re.compile(r"/q/[^/\s\"']+")


def redact(value: object) -> object:
    return TOKEN_PATH.sub("/q/[redacted]", value) if isinstance(value, str) else value


class RedactLinkTokens(logging.Filter):
    """Replace the token in any /q/<token>/ path of a log record (message and arguments)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) for arg in record.args)
        request = getattr(record, "request", None)
        if request is not None and "/q/" in getattr(request, "path", ""):
            record.request = None  # the error reporter would print the path again
        return True
