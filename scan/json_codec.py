"""JSON through orjson: the API's bodies and answers, and the scans' JSON columns.

An API scan encodes its answers, profile, steps and result for the database and its answer
for the client, and every page that shows a scan decodes three columns; with the standard
library's json that was a tenth of an API scan's time (bench/in_process.py: 1.18 -> 1.04 ms).
orjson writes compact UTF-8 and keeps Flask's sorted keys; non-string keys become strings, as
with json.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask.json.provider import JSONProvider

_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS


def dumps(value: Any) -> str:
    """Encode a value as JSON text."""
    return orjson.dumps(value, option=_OPTIONS).decode()


def loads(text: str | bytes) -> Any:
    """Decode JSON text; raises ValueError (json.JSONDecodeError) when it is not JSON."""
    return orjson.loads(text)


class OrjsonProvider(JSONProvider):
    """Flask's jsonify() and request.get_json() through orjson."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:  # noqa: D102 - as JSONProvider.dumps
        return dumps(obj)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:  # noqa: D102
        return loads(s)
