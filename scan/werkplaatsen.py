"""Werkplaatsen: the sourced seed file, seeding the table, and routing a scan to one."""

from __future__ import annotations

from importlib import resources
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from .content.loader import ContentError, Problem, field_path
from .domain.routing import Route, Site, parse_claims, route
from .models import Werkplaats

SEED_FILE = "scan/data/werkplaatsen.yaml"
#: Stands where a werkplaats id would, for leads without one (the national queue).
NATIONAL = "landelijk"

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=40)]
Url = Annotated[str, StringConstraints(pattern=r"^https://\S+$", max_length=500)]


class WerkplaatsSeed(BaseModel):
    """One werkplaats in the seed file; every one needs a public source."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Slug
    name: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    city: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    lat: float = Field(ge=50.7, le=53.6)  # within the Netherlands
    lon: float = Field(ge=3.3, le=7.3)
    institutions: tuple[str, ...] = ()
    offer: str = ""
    website: Url | None = None
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")] | None = None
    claims: tuple[str, ...] = ()
    active: bool = True
    source: Url
    sources: tuple[Url, ...] = ()


class SeedFile(BaseModel):
    """The seed file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    werkplaatsen: tuple[WerkplaatsSeed, ...] = Field(min_length=1)


def load_seed(text: str | None = None) -> tuple[WerkplaatsSeed, ...]:
    """Read and validate the seed file; raise ContentError naming the field."""
    if text is None:
        text = resources.files("scan").joinpath("data", "werkplaatsen.yaml").read_text("utf-8")
    try:
        data = yaml.safe_load(text)
        seeds = SeedFile.model_validate(data).werkplaatsen
    except yaml.YAMLError as exc:
        raise ContentError([Problem(SEED_FILE, "", f"not valid YAML: {exc}")]) from exc
    except ValidationError as exc:
        raise ContentError(
            [
                Problem(SEED_FILE, field_path(e["loc"]), e["msg"].removeprefix("Value error, "))
                for e in exc.errors(include_url=False)
            ]
        ) from exc
    problems = []
    ids = [s.id for s in seeds]
    for index, seed in enumerate(seeds):
        if ids.count(seed.id) > 1:
            problems.append(Problem(SEED_FILE, f"werkplaatsen[{index}].id", "is not unique"))
        try:
            parse_claims(seed.claims)
        except ValueError as exc:
            problems.append(Problem(SEED_FILE, f"werkplaatsen[{index}].claims", str(exc)))
    if problems:
        raise ContentError(problems)
    return seeds


def seed_werkplaatsen(session: Session, seeds: tuple[WerkplaatsSeed, ...]) -> int:
    """Add the seeds that are not in the table yet; never overwrite an admin's edits."""
    existing = set(session.scalars(select(Werkplaats.id)))
    added = 0
    for seed in seeds:
        if seed.id in existing:
            continue
        session.add(
            Werkplaats(
                id=seed.id,
                name=seed.name,
                city=seed.city,
                lat=seed.lat,
                lon=seed.lon,
                institutions=list(seed.institutions),
                offer=seed.offer,
                website=seed.website,
                email=seed.email,
                claims=list(seed.claims),
                active=seed.active,
                source_url=seed.source,
            )
        )
        added += 1
    session.flush()
    return added


def all_werkplaatsen() -> Select[Werkplaats]:
    """Select every werkplaats, by name."""
    return select(Werkplaats).order_by(Werkplaats.name)


def route_pc4(session: Session, pc4: str | None) -> tuple[Werkplaats | None, Route | None]:
    """Route a PC4 to a werkplaats (None, None: the national queue).

    Reads the table each time: a few dozen rows, once per completed scan, and always as the
    admins left it.
    """
    if not pc4:
        return None, None
    werkplaatsen = {w.id: w for w in session.scalars(select(Werkplaats))}
    sites = [
        Site(w.id, w.lat, w.lon, w.active, parse_claims(w.claims)) for w in werkplaatsen.values()
    ]
    found = route(pc4, sites)
    if found is None:
        return None, None
    return werkplaatsen[found.site.id], found
