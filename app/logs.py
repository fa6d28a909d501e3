"""The log: Palabra's own lines beside uvicorn's and Alembic's, as text or as JSON.

Palabra's info lines (a Redis connection lost and made again, a migration applied, a render
that failed) are shown with uvicorn's start-up and access lines, all through one handler on
standard error. ``PALABRA_LOG_FORMAT=json`` writes one JSON object a line (``time`` in UTC,
``level``, ``logger``, ``message``, and ``exception`` when there is one) for log collectors.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any, Literal

LogFormat = Literal["text", "json"]
TEXT = "%(asctime)s %(levelname)-7s [%(name)s] %(message)s"
# Whose info lines are shown; everything else from warnings up.
INFO_LOGGERS = ("app", "alembic", "uvicorn", "uvicorn.error", "uvicorn.access")


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configuration(log_format: LogFormat) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` mapping, also given to uvicorn for its workers."""
    formatter: dict[str, Any] = {"()": JsonFormatter} if log_format == "json" else {"format": TEXT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"palabra": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "palabra",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": "WARNING", "handlers": ["stderr"]},
        # uvicorn's own configuration gives its loggers handlers: here they go to the root's.
        "loggers": {
            **{name: {"level": "INFO", "handlers": [], "propagate": True} for name in INFO_LOGGERS},
            # Alembic's list of its own plugins at each migration says nothing to an operator.
            "alembic.runtime.plugins": {"level": "WARNING"},
        },
    }
