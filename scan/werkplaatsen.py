"""Werkplaatsen: the sourced seed file, seeding the table, and routing a scan to one."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Annotated
from weakref import WeakKeyDictionary

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from sqlalchemy import Engine, Select, select
from sqlalchemy.orm import Session

from .changes import WERKPLAATSEN, change_counters
from .content.loader import ContentError, Problem, field_path
from .lean_sql import Reader
from .models import Werkplaats
from .routing import Route, Site, parse_claims, route
from .scan_reads import WERKPLAATS_COLUMNS, WerkplaatsRecord, werkplaats_record

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


def all_werkplaatsen() -> Select[tuple[Werkplaats]]:
    """Select every werkplaats, by name."""
    return select(Werkplaats).order_by(Werkplaats.name)


_w = Werkplaats.__table__
_ROUTING = select(*WERKPLAATS_COLUMNS, _w.c.lat, _w.c.lon, _w.c.active, _w.c.claims)


@dataclass(frozen=True)
class RoutingTable:
    """The werkplaatsen as routing needs them, made from one version of the table."""

    records: dict[str, WerkplaatsRecord]
    sites: tuple[Site, ...]


#: Per engine (so per database), the counter value and the table read under it.
_routing_tables: WeakKeyDictionary[Engine, tuple[int, RoutingTable]] = WeakKeyDictionary()


def _read_routing_table(connection: Reader) -> RoutingTable:
    rows = list(connection.execute(_ROUTING))
    return RoutingTable(
        {row.w_id: werkplaats_record(row) for row in rows},
        tuple(Site(r.w_id, r.lat, r.lon, r.active, parse_claims(r.claims)) for r in rows),
    )


def routing_table(connection: Reader) -> RoutingTable:
    """Return the routing table, read again only after a werkplaats changed.

    Every scan is routed, and reading and parsing the table was a fifth of an API scan's time
    (bench/in_process.py); the werkplaatsen change a few times a year.
    """
    version = change_counters(connection).get(WERKPLAATSEN)
    if version is None:  # no counter (a database not migrated to 0006): nothing to trust
        return _read_routing_table(connection)
    engine = connection.engine
    kept = _routing_tables.get(engine)
    if kept is not None and kept[0] == version:
        return kept[1]
    table = _read_routing_table(connection)
    _routing_tables[engine] = (version, table)
    return table


def route_pc4(connection: Reader, pc4: str | None) -> tuple[WerkplaatsRecord | None, Route | None]:
    """Route a PC4 to a werkplaats of the table (None, None: the national queue)."""
    table = routing_table(connection)
    found = route(pc4, table.sites)
    if found is None:
        return None, None
    return table.records[found.site.id], found
