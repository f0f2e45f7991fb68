"""ScanRequest reads urlencoded forms exactly as werkzeug does, only in fewer steps."""

from __future__ import annotations

import io

import pytest
from flask import Request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.test import EnvironBuilder

from scan.inputs import ScanRequest

FORM = "application/x-www-form-urlencoded"
BODIES = [
    b"",
    b"a=1&b=2&a=3",
    b"q1=ja&q2=&q2=nee&leeg",
    b"naam=Caf%C3%A9+de+Hoek&x=%ZZ&y=%e9",  # broken and non-UTF-8 escapes
    b"\xff\xfe=1",  # not UTF-8 at all
    b"a=1;b=2&&c",
    ("tekst=" + "é" * 200).encode(),
]


def _pair(body: bytes, content_type: str = FORM, **limits):
    environ = EnvironBuilder(method="POST", data=body, content_type=content_type).get_environ()
    made = []
    for cls in (ScanRequest, Request):
        request = cls(dict(environ, **{"wsgi.input": io.BytesIO(body)}))
        for name, value in limits.items():
            setattr(request, name, value)
        made.append(request)
    return made


@pytest.mark.parametrize("body", BODIES)
def test_the_form_equals_werkzeugs(body):
    ours, theirs = _pair(body)
    assert list(ours.form.items(multi=True)) == list(theirs.form.items(multi=True))
    assert not ours.files and not theirs.files


def test_a_body_over_the_limit_is_refused_with_413_either_way():
    for request in _pair(b"a=" + b"x" * 100, max_content_length=50):
        with pytest.raises(RequestEntityTooLarge):
            request.form  # noqa: B018 - reading it parses it


def test_other_types_take_werkzeugs_way():
    ours, theirs = _pair(b'{"a": 1}', content_type="application/json")
    assert not ours.form and not theirs.form
    assert ours.get_json() == theirs.get_json() == {"a": 1}
