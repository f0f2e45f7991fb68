"""Operations: the health check."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..db import get_session

bp = Blueprint("ops", __name__)
logger = logging.getLogger("scan.health")


@bp.get("/healthz")
def healthz():
    """Answer 200 when the database answers, 503 when it does not."""
    try:
        get_session().execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        logger.warning("database check failed: %s", type(exc).__name__)
        return jsonify({"status": "unavailable", "database": "down"}), 503, {"Retry-After": "30"}
    return jsonify({"status": "ok", "database": "ok"})
