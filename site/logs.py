"""Structured logs: one JSON object per line, each carrying the id of the request it belongs to.

Every request gets an id (the `X-Request-ID` a proxy sent, if it looks like one, or a new
one), returned in the `X-Request-ID` response header, so a person reporting a problem, the
proxy's log and ours can be matched up.

What never goes into a log line: request bodies, query strings, headers or cookies, and the
secret part of links that carry a token (invites, certificate codes, password resets). Every
value the current request submitted in a form is replaced by "[redacted]" wherever it appears
in a message or a traceback, so an error raised while saving what a learner wrote cannot copy
their words into the log.
"""

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

REQUEST_ID_HEADER = "X-Request-ID"
REDACTED = "[redacted]"
# Shorter values ("yes", "1", "on") would only blank out ordinary words of the message.
MIN_REDACTED_LENGTH = 4
_VALID_ID = re.compile(r"[A-Za-z0-9._:-]{8,100}")
# Path segments that are secrets: /invite/<token>/, /certificates/<code>/,
# /password/reset/<uidb64>/<token>/.
_SECRET_PATH = re.compile(
    r"/(invite|certificates)/[^/\s\"']+|/password/reset/(?!sent/|done/)[^/\s\"']+/[^/\s\"']+"
)

_current_request = contextvars.ContextVar("emilia_current_request", default=None)
access_logger = logging.getLogger("emilia.request")


def safe_path(path):
    """The request path without its secret parts (and never the query string)."""
    return _SECRET_PATH.sub(
        lambda match: (
            f"/{match.group(1)}/{REDACTED}" if match.group(1) else f"/password/reset/{REDACTED}"
        ),
        path,
    )


class RequestIdMiddleware:
    """First in the middleware list: gives the request its id and logs one line per request
    (at INFO, so only when LOG_LEVEL=INFO)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = incoming if _VALID_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = _current_request.set(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request.request_id
            if access_logger.isEnabledFor(logging.INFO):
                access_logger.info(
                    "%s %s %s",
                    request.method,
                    safe_path(request.path),
                    response.status_code,
                    extra={
                        "status_code": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
            return response
        finally:
            _current_request.reset(token)


def _submitted_values(request):
    """What the request sent in its query string and form (only if the form was read)."""
    if request is None:
        return []
    values = []
    for data in (request.__dict__.get("_post"), request.__dict__.get("GET")):
        if data is None:
            continue
        for _name, items in data.lists():
            values.extend(str(item) for item in items)
    return sorted(
        {value for value in values if len(value.strip()) >= MIN_REDACTED_LENGTH},
        key=len,
        reverse=True,
    )


def redact(text, request):
    """`text` without anything the request submitted, nor the secret parts of paths."""
    text = safe_path(text)
    for value in _submitted_values(request):
        text = text.replace(value, REDACTED)
        stripped = value.strip()
        if stripped != value:
            text = text.replace(stripped, REDACTED)
    return text


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON."""

    def format(self, record):
        request = getattr(record, "request", None) or _current_request.get()
        if not hasattr(request, "method"):
            request = None  # gunicorn and others pass objects of their own as "request"
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage(), request),
        }
        if request is not None:
            entry["request_id"] = getattr(request, "request_id", None)
            entry["method"] = request.method
            entry["path"] = safe_path(request.path)
        for name in ("status_code", "duration_ms"):
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = record.exc_info[0].__name__
            entry["traceback"] = redact(self.formatException(record.exc_info), request)
        if record.stack_info:
            entry["stack"] = redact(self.formatStack(record.stack_info), request)
        return json.dumps(entry, ensure_ascii=False, default=str)
