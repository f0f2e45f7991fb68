"""The OpenAPI document, made from the question bank and the checks it describes.

`openapi.json` beside this module holds what does not change with the content: the paths,
their statuses and links, the result schemas. What a valid request is comes from the code
that judges it: the question and option ids of the bank, per sector, which profile items are
required, and the patterns of domain.text, domain.postcode and domain.contact. So a body the
document allows is a body the API accepts, and the document changes with the bank's version.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from ..content import Bank, ProfileItem, Question
from ..content.model import DONT_KNOW_ID
from ..domain.answers import PARTNER_PATTERN, TOKEN_PATTERN
from ..domain.contact import FIELDS, LIMITS, OPTIONAL, PATTERNS
from ..domain.postcode import POSTCODE_PATTERN
from ..domain.steps_taken import NONE_ID
from ..domain.text import END
from .sessions import registration_request_schema

#: The API's own version; the bank's version is added as build metadata ("+bank.2026.12-2").
API_VERSION = "1.2.0"
#: An advice id (a content slug).
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"

_documents: dict[int, tuple[Bank, dict[str, Any]]] = {}


def openapi_document(bank: Bank) -> dict[str, Any]:
    """Return the OpenAPI document for this bank (made once per bank; do not change it)."""
    cached = _documents.get(id(bank))
    if cached is None or cached[0] is not bank:
        cached = _documents[id(bank)] = (bank, build_document(bank))
    return cached[1]


def build_document(bank: Bank) -> dict[str, Any]:
    """Make the document: the fixed part from openapi.json, the request schemas from the bank."""
    text = resources.files("scan.api").joinpath("openapi.json").read_text("utf-8")
    document = json.loads(text)
    document["info"]["version"] = f"{API_VERSION}+bank.{bank.version}"
    document["info"]["x-bank-version"] = bank.version
    schemas = document["components"]["schemas"]
    schemas.update(answer_schemas(bank))
    schemas.update(submission_schemas(bank))
    schemas["LeadRequest"] = lead_request_schema()
    schemas["RegistrationRequest"] = registration_request_schema()  # issue 20
    create = document["paths"]["/scans"]["post"]["requestBody"]["content"]["application/json"]
    create["examples"] = {
        "bakkerij": {
            "summary": "A bakery of five people in Utrecht (sector detailhandel)",
            "value": example_submission(bank, "detailhandel"),
        }
    }
    return document


def example_submission(bank: Bank, sector: str) -> dict[str, Any]:
    """A valid submission of this sector: each question's middle option, no multiple ticked."""
    asked = bank.for_sector(sector)
    answers: dict[str, Any] = {
        q.id: [] if q.type == "multiple" else q.options[(len(q.options) - 1) // 2].id
        for q in asked.questions_by_id.values()
    }
    profile: dict[str, Any] = {
        item.id: "3511 AB" if item.type == "postcode" else item.options[1].id
        for item in bank.profile
    }
    profile["sector"] = sector
    return {"answers": answers, "profile": profile, "partner": "kvk"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def answer_schema(question: Question) -> dict[str, Any]:
    """What a valid answer to this question (as one sector sees it) looks like."""
    ids = [o.id for o in question.options]
    if question.type == "single":
        return {"type": "string", "enum": ids}
    schema: dict[str, Any] = {"type": "array", "items": {"enum": ids}, "uniqueItems": True}
    exclusive = [o.id for o in question.options if o.exclusive]
    if exclusive:
        # An exclusive option ("Weet ik niet", "Geen van deze") stands alone.
        others = [i for i in ids if i not in exclusive]
        schema["anyOf"] = [{"maxItems": 1}, {"items": {"enum": others}}]
        schema["description"] = f"{', '.join(exclusive)}: only on its own"
    return schema


def _title(*parts: str) -> str:
    """A name a client generator can make a class of: Profile + size -> ProfileSize."""
    return "".join(word.capitalize() for part in parts for word in part.split("-"))


def _answer_name(question_id: str, sector: str | None) -> str:
    return f"Answer.{question_id}" + (f".{sector}" if sector else "")


def answer_schemas(bank: Bank) -> dict[str, Any]:
    """One schema per question, or per question and sector where the options differ."""
    schemas: dict[str, Any] = {}
    for question in bank.questions_by_id.values():
        variants: dict[str | None, dict[str, Any]] = (
            {
                sector: answer_schema(question.for_sector(sector))
                for sector in bank.sector_ids
                if question.shown_to(sector)
            }
            if _varies_by_sector(question)
            else {None: answer_schema(question)}
        )
        for sector, schema in variants.items():
            name = _answer_name(question.id, sector)
            schemas[name] = {"title": _title(*name.split(".")), **schema}
    return schemas


def _varies_by_sector(question: Question) -> bool:
    """Whether the options depend on the sector: then each sector gets its own answer schema."""
    return any(o.sectors for o in question.options)


def _answer_ref(bank: Bank, question_id: str, sector: str) -> dict[str, str]:
    question = bank.questions_by_id[question_id]
    return _ref(_answer_name(question_id, sector if _varies_by_sector(question) else None))


def profile_schema(item: ProfileItem) -> dict[str, Any]:
    """What a valid value of a profile item looks like; an optional one may be empty."""
    if item.type == "postcode":
        schema: dict[str, Any] = {
            "type": "string",
            "pattern": POSTCODE_PATTERN,
            "description": "A Dutch postcode like 1234 AB, or its four digits; only those are kept",
        }
    else:
        schema = {"type": "string", "enum": [o.id for o in item.options]}
    if item.required:
        return schema
    if "enum" in schema:
        return {"enum": [*schema["enum"], "", None]}
    return {
        "type": ["string", "null"],
        "pattern": f"^{END}|{schema['pattern']}",
        "description": schema["description"] + "; empty or null when not given",
    }


def submission_schemas(bank: Bank) -> dict[str, Any]:
    """ScanSubmission: one variant per sector, each naming every question that sector is asked."""
    schemas: dict[str, Any] = {
        _title("Profile", item.id): profile_schema(item) | {"title": _title("Profile", item.id)}
        for item in bank.profile
        if item.id != "sector"
    }
    schemas |= {
        "Partner": {
            "type": ["string", "null"],
            "pattern": PARTNER_PATTERN.pattern,
            "description": "The partner site the scan came through, for example kvk",
        },
        "PreviousToken": {
            "type": "string",
            "pattern": TOKEN_PATTERN.pattern,
            "description": (
                "A re-scan: the token of the completed scan this one is done again after. "
                "An unknown, erased or unfinished token answers 422. The result then "
                "carries a comparison, and erasing either scan erases both."
            ),
        },
        "StepsTaken": {
            "type": "array",
            "uniqueItems": True,
            "items": {"type": "string", "pattern": SLUG_PATTERN},
            "description": (
                "Only with previous: the answer to 'Welke van deze stappen heb je sinds de "
                "vorige scan gezet?'. Ids of the previous scan's advice (advice[].id of its "
                f"result), or '{NONE_ID}' or '{DONT_KNOW_ID}' alone; empty when not asked. "
                "Another id answers 422."
            ),
        },
    }
    for sector in bank.sector_ids:
        asked = bank.for_sector(sector)
        profile: dict[str, Any] = {
            item.id: _ref(_title("Profile", item.id)) for item in bank.profile
        }
        profile["sector"] = {"type": "string", "const": sector}
        schemas[f"ScanSubmission.{sector}"] = {
            "type": "object",
            "title": _title("ScanSubmission", sector),
            "description": f"A scan of a firm in the sector {sector}",
            "required": ["answers", "profile"],
            "additionalProperties": False,
            "properties": {
                "answers": {
                    "type": "object",
                    "description": "Every question this sector is asked, with its answer",
                    "required": list(asked.questions_by_id),
                    "additionalProperties": False,
                    "properties": {
                        question_id: _answer_ref(bank, question_id, sector)
                        for question_id in asked.questions_by_id
                    },
                },
                "profile": {
                    "type": "object",
                    "required": [item.id for item in bank.profile if item.required],
                    "additionalProperties": False,
                    "properties": profile,
                },
                "partner": _ref("Partner"),
                "previous": _ref("PreviousToken"),
                "steps_taken": _ref("StepsTaken"),
            },
            "dependentRequired": {"steps_taken": ["previous"]},
        }
    schemas["ScanSubmission"] = {
        "description": (
            "A complete scan. The questions and options depend on the sector in the profile: "
            "one variant per sector, each listing exactly the questions that sector is asked "
            "(importance questions included) and the option ids it may choose. A multiple "
            "question takes a list of option ids, which may be empty."
        ),
        "oneOf": [_ref(f"ScanSubmission.{sector}") for sector in bank.sector_ids],
    }
    return schemas


def lead_request_schema() -> dict[str, Any]:
    """LeadRequest: the contact form's fields with the patterns that check them."""
    properties: dict[str, Any] = {
        name: {
            "type": ["string", "null"] if name in OPTIONAL else "string",
            "maxLength": LIMITS[name],
            "pattern": PATTERNS[name],
        }
        for name in FIELDS
    }
    descriptions = {
        "email": "Like naam@bedrijf.nl",
        "phone": "10 to 15 digits; spaces, brackets, dots or dashes between; a + first",
        "kvk": "Chamber of Commerce number: 8 digits, spaces or dots between",
        "message": "Line breaks and tabs allowed, other control characters not",
    }
    for name, description in descriptions.items():
        properties[name]["description"] = description
    properties["consent"] = {
        "const": True,
        "description": "Explicit consent to be contacted; the consent text's version and the "
        "time are stored",
    }
    properties["follow_up"] = {
        "type": "boolean",
        "default": False,
        "description": "Consent of its own to one e-mail after FOLLOW_UP_DAYS (90 by default) "
        "with a link to do the scan again and a one-click unsubscribe; the consent text's "
        "version and the time are stored. Sending the same lead again with the other choice "
        "is another request (409)",
    }
    return {
        "type": "object",
        "description": (
            "Text fields refuse control characters; spaces around a value are trimmed when "
            "it is stored. Optional fields may be null, empty or left out."
        ),
        "required": ["name", "company", "email", "consent"],
        "additionalProperties": False,
        "properties": properties,
    }
