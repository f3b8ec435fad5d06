"""Keep the patient's link tokens out of the logs: a token is a key to health data. Both
links carry one: the questionnaire's (/q/<token>/) and the course's (/c/<token>/)."""

import logging
import re

TOKEN_PATH = re.compile(r"/([qc])/[^/\s\"']+")


def redact(value: object) -> object:
    return TOKEN_PATH.sub(r"/\1/[redacted]", value) if isinstance(value, str) else value


class RedactLinkTokens(logging.Filter):
    """Replace the token in any link path of a log record (message and arguments)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) for arg in record.args)
        request = getattr(record, "request", None)
        if request is not None and TOKEN_PATH.search(getattr(request, "path", "")):
            record.request = None  # the error reporter would print the path again
        return True


def gunicorn_logger_class() -> type:
    """gunicorn's logger, with the token taken out of every link path in the access log."""
    from gunicorn.glogging import Logger

    class RedactingLogger(Logger):
        def atoms(self, resp: object, req: object, environ: dict, request_time: object) -> dict:
            atoms = super().atoms(resp, req, environ, request_time)
            return {key: redact(value) for key, value in atoms.items()}

    return RedactingLogger
