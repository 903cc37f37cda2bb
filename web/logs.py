"""How log lines look: readable text, or one JSON object per line (`BILATERAL_LOG_FORMAT=json`).

Every line written while a request runs carries its id; the access log's lines carry their fields too.
"""

import logging
import traceback
from datetime import UTC, datetime
from typing import Any

import orjson

from web import access


class RequestId(logging.Filter):
    """Puts the id of the request being answered on each record (`-` outside of any)."""

    def filter(self, record: logging.LogRecord) -> bool:
        exchange = access.current()
        record.request_id = exchange.id if exchange else "-"
        return True


class TextFormatter(logging.Formatter):
    """One line per record (and its traceback after it): a line break or an escape sequence in a message, from
    whatever text it quotes, is written escaped."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s %(request_id)s %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 -- the name logging.Formatter gives it
        record.message = access.clean(record.message, limit=None)
        return super().formatMessage(record)


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and an access line's fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", "-")
        if request_id != "-":
            line["request_id"] = request_id
        line |= getattr(record, "fields", {})
        if record.exc_info:
            line["exception"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        return orjson.dumps(line, default=str).decode()


def config(json: bool, level: str) -> dict[str, Any]:
    """A `logging.config.dictConfig` for uvicorn's loggers and the app's, all to standard error."""
    handler = {
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
        "formatter": "json" if json else "text",
        "filters": ["request_id"],
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestId}},
        "formatters": {"text": {"()": TextFormatter}, "json": {"()": JSONFormatter}},
        "handlers": {"stderr": handler},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},  # the app logs each request
            "bilateral": {"handlers": ["stderr"], "level": level, "propagate": False},
        },
    }
