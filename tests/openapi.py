"""Check real API responses against the component schemas of the served OpenAPI document."""

from __future__ import annotations

from jsonschema import Draft202012Validator
from referencing import Registry, Resource


def schema_validator(openapi: dict, name: str) -> Draft202012Validator:
    """A validator for one component schema, resolving the document's $refs."""
    registry = Registry().with_resource("urn:openapi", Resource.opaque(openapi))
    return Draft202012Validator(
        {"$ref": f"urn:openapi#/components/schemas/{name}"}, registry=registry
    )


def assert_matches(openapi: dict, name: str, document) -> None:
    """Fail with every schema error when `document` does not match schema `name`."""
    errors = sorted(schema_validator(openapi, name).iter_errors(document), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
