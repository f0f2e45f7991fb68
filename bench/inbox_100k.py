"""Measure the staff inbox (/medewerkers/aanvragen) on a database with many leads.

The script builds a fresh, migrated database, seeds N leads (each with its completed scan)
spread over the three seeded werkplaatsen and the national queue over the last 365 days,
signs a medewerker of "utrecht" and an admin in through the real sign-in form, and times
inbox requests through the Flask test client: routing, sign-in check, queries and template,
everything but the network. Kept inbox pages (docs/decisions.md, 23) are switched off, so
each request costs what the first view of a page does after a lead changed. It prints a
table (rows matched, p50 / p95 / max in ms), the query plans of the inbox's count and page
queries, and one verdict line:

    inbox with N leads: slowest p95 X ms (target < 100 ms): OK      (exit 0)
    inbox with N leads: slowest p95 X ms (target < 100 ms): TOO SLOW (exit 1)

A response other than 200 stops the run with exit status 2.

Usage, from the project root:

    .venv/bin/python bench/inbox_100k.py                      # SQLite in a temp dir
    .venv/bin/python bench/inbox_100k.py --leads 20000 --runs 10
    .venv/bin/python bench/inbox_100k.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/test

Options:

    --leads N            leads to seed (default 100000)
    --runs N             timed runs per request (default 30), after --warmup runs (default 3)
    --database-url URL   PostgreSQL server to use: a database named "bench_inbox" is created
                         next to the one in the URL (dropped first WITH (FORCE), and dropped
                         again at the end unless --keep); the database in the URL itself is
                         not touched. Default: SQLite in a temp dir, removed at the end.
    --target-ms X        the p95 every request must stay under (default 100)
    --seed N             random seed, so runs are comparable (default 2026)
    --keep               keep the database afterwards (prints where it is)

The requests: as the medewerker the first page, ?status=intake, ?thema=data&route=traject,
the last 90 days (?van=&tot=), ?q=bouw (a common word in the company names), ?pagina=50 and
?partner=kvk; as the admin the first page, ?werkplaats=landelijk, ?status=new&pagina=10 and
?q=<the KvK number of one lead> (a rare term: the worst case of the LIKE search).

Notes. Leads get ids in the order of created_at, as real leads do. On PostgreSQL the script
runs VACUUM ANALYZE and a CHECKPOINT after seeding, as autovacuum and the checkpointer
would soon after a bulk load, so plans and writes are those of a settled database. On
SQLite it does not run ANALYZE, because the app never does. The app still writes its one
log line per request, but to /dev/null. EXPLAIN
(SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN (ANALYZE, BUFFERS)) is shown for the
statements the inbox view really sent (captured during one request), with their own SQL
time, for the medewerker's first page and status filter, and for every request whose p95
is over 50 ms. Timings are wall-clock: run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import itertools
import math
import os
import random
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, event, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.exc import DBAPIError  # noqa: E402

import scan  # noqa: E402
import scan.db  # noqa: E402
import scan.werkplaatsen  # noqa: E402
from scan.config import normalise_database_url  # noqa: E402
from scan.content import THEME_IDS  # noqa: E402
from scan.db import database  # noqa: E402
from scan.domain.contact import CONSENT_VERSION, Contact  # noqa: E402
from scan.models import Lead, Scan, Werkplaats  # noqa: E402
from scan.records.leads import search_text  # noqa: E402
from scan.records.scans import score_column  # noqa: E402
from scan.staff.auth import hash_password  # noqa: E402
from scan.staff.models import StaffUser  # noqa: E402

BENCH_DATABASE = "bench_inbox"
BATCH = 5_000
PASSWORD = "bench-wachtwoord-lang-genoeg"
SLOW_MS = 50.0
COUNT_RE = re.compile(r'class="inbox-count"[^>]*>\s*(\d+) aanvra(?:ag|gen)')
CSRF_RE = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')

# --- realistic-looking data ------------------------------------------------------------------

FIRST_NAMES = (  # noqa: SIM905
    "Jan Piet Kees Henk Gerrit Willem Joost Bram Daan Sem Lucas Thijs Ruben Bas Niels Mark "
    "Sanne Anouk Lisa Femke Eva Marloes Ingrid Petra Anja Linda Fleur Noor Iris Esther "
    "Karin Mohamed Ahmed Fatima Yasmin Sarah Emre Ayse Priya Wei Olga"
).split()
LAST_NAMES = (  # noqa: SIM905
    "de Jong|Jansen|de Vries|van den Berg|van Dijk|Bakker|Janssen|Visser|Smit|Meijer|"
    "de Boer|Mulder|de Groot|Bos|Vos|Peters|Hendriks|van Leeuwen|Dekker|Brouwer|de Wit|"
    "Dijkstra|Smits|de Graaf|van der Meer|van der Linden|Kok|Jacobs|de Haan|Vermeulen|"
    "van den Heuvel|van der Veen|van den Broek|de Bruijn|de Bruin|van der Heijden|Schouten|"
    "van Beek|Willems|van Vliet|Hoekstra|Maas|Verhoeven|Koster|van Dam|Prins|Blom|Huisman|"
    "Yilmaz|El Amrani"
).split("|")
#: (sector word, weight): "bouw" is common on purpose (Bouwbedrijf, Bouwmaterialen, ...).
SECTORS = (
    ("Bouwbedrijf", 9),
    ("Installatiebedrijf", 7),
    ("Transport", 6),
    ("Adviesbureau", 6),
    ("Bakkerij", 4),
    ("Schildersbedrijf", 4),
    ("Kapsalon", 4),
    ("Hoveniersbedrijf", 4),
    ("Autobedrijf", 5),
    ("Drukkerij", 2),
    ("Accountantskantoor", 3),
    ("Fietsenwinkel", 2),
    ("Slagerij", 2),
    ("Loonbedrijf", 3),
    ("Makelaardij", 3),
    ("Tandartspraktijk", 2),
    ("Webwinkel", 5),
    ("Architectenbureau", 2),
    ("Bouwmaterialen", 3),
    ("Zorgboerderij", 1),
    ("Metaalbewerking", 3),
    ("Schoonmaakbedrijf", 4),
    ("Kinderopvang", 2),
    ("Restaurant", 4),
)
PLACES = (  # noqa: SIM905
    "Utrechtse Heuvelrug|Amersfoort|Zeist|Nieuwegein|Houten|Leeuwarden|Sneek|Drachten|"
    "Heerenveen|Groningen|Assen|Hoogezand|Delfzijl|Zwolle|Deventer|Veenendaal|Woerden|"
    "Harderwijk"
).split("|")
LEGAL = ("B.V.", "", "", "V.O.F.", "& Zn.", "")
MAIL_HOSTS = ("gmail.com", "outlook.com", "hotmail.com", "ziggo.nl", "kpnmail.nl")
MESSAGES = (
    "Graag een gesprek over onze website.",
    "Wij willen meer doen met onze data, waar beginnen we?",
    "Onze administratie kost te veel tijd.",
    "Bel me gerust na vijven.",
    None,
    None,
)
PARTNERS = ((None, 70), ("kvk", 15), ("rabobank", 8), ("gemeente-zwolle", 7))
#: Share of leads per werkplaats; None is the national queue.
WERKPLAATS_WEIGHTS = {"utrecht": 35, "fryslan": 22, "groningen-woo": 25, None: 18}


class Weighted:
    """Draw from (value, weight) pairs quickly: random.choices re-adds the weights each call."""

    def __init__(self, pairs) -> None:
        self.values = [value for value, _ in pairs]
        self.cumulative = list(itertools.accumulate(weight for _, weight in pairs))
        self.total = self.cumulative[-1]

    def draw(self, rng: random.Random):
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


#: Leads under a week old are mostly new; older ones have moved on through the workflow.
STATUS_BY_AGE = (
    (7, Weighted((("new", 80), ("intake", 15), ("declined", 5)))),
    (
        30,
        Weighted(
            (("new", 30), ("intake", 35), ("training", 15), ("traject", 10), ("declined", 10))
        ),
    ),
    (
        math.inf,
        Weighted(
            (
                ("new", 5),
                ("intake", 10),
                ("training", 25),
                ("traject", 15),
                ("done", 33),
                ("declined", 12),
            )
        ),
    ),
)


def _status_for(age_days: float, rng: random.Random) -> str:
    for limit, table in STATUS_BY_AGE:
        if age_days < limit:
            return table.draw(rng)
    raise AssertionError("unreachable")


NOT_SLUG = re.compile(r"[^a-z0-9]")


def _slug(value: str) -> str:
    return NOT_SLUG.sub("", value.lower())


def make_rows(n: int, werkplaats_ids: list[str], bank_version: str, seed: int, now: datetime):
    """Yield (scan dict, lead dict) pairs with ids 1..n."""
    rng = random.Random(seed)
    sectors = Weighted(SECTORS)
    partners = Weighted(PARTNERS)
    werkplaatsen = Weighted(
        [(w, share) for w, share in WERKPLAATS_WEIGHTS.items() if w is None or w in werkplaats_ids]
    )
    year = 365 * 86400
    # Somewhat more leads recently than a year ago. Oldest first, as leads really arrive:
    # ids grow with created_at, so recent leads sit together at the end of the table.
    ages = sorted(((rng.random() ** 1.25) * year for _ in range(n)), reverse=True)
    for i, age_s in enumerate(ages, start=1):
        lead_at = now - timedelta(seconds=age_s)
        completed_at = lead_at - timedelta(seconds=rng.randint(0, 300))
        scan_created = completed_at - timedelta(seconds=rng.randint(300, 2400))
        werkplaats_id = werkplaatsen.draw(rng)
        partner = partners.draw(rng)

        scores = {t: max(0, min(100, round(rng.gauss(55, 18)))) for t in THEME_IDS}
        overall = round(sum(scores.values()) / len(scores))
        weakest = min(scores, key=lambda t: (scores[t], t))
        route = "traject" if overall < 45 or scores[weakest] < 30 else "training"
        level = {
            t: ("laag" if s < 40 else "midden" if s < 70 else "hoog") for t, s in scores.items()
        }
        result = {
            "route": route,
            "overall": overall,
            "themes": {
                t: {"score": s, "level": level[t], "costliest": []} for t, s in scores.items()
            },
            "traject_themes": [weakest] if route == "traject" else [],
            "advice": [],
        }
        scan_row = {
            "id": i,
            "token": secrets.token_urlsafe(24),
            "status": "completed",
            "bank_version": bank_version,
            "partner": partner,
            "profile": {},
            "answers": {},
            "steps_done": [],
            "result": result,
            "created_at": scan_created,
            "updated_at": completed_at,
            "completed_at": completed_at,
            "werkplaats_id": werkplaats_id,
            "distance_km": round(rng.uniform(1, 80), 1) if werkplaats_id else None,
            "overall_score": overall,
        }
        for t, s in scores.items():
            scan_row[score_column(t)] = s

        first = rng.choice(FIRST_NAMES)
        last = rng.choice(LAST_NAMES)
        name = f"{first} {last}"
        sector = sectors.draw(rng)
        style = rng.random()
        if style < 0.45:
            company = f"{sector} {last[0].upper()}{last[1:]}"
        elif style < 0.75:
            company = f"{rng.choice(LAST_NAMES).split()[-1]} {sector}"
        else:
            company = f"{sector} {rng.choice(PLACES)}"
        company = f"{company} {rng.choice(LEGAL)}".strip()
        if rng.random() < 0.7:
            email = f"{_slug(first)}.{_slug(last)}@{_slug(company)[:30]}.nl"
        else:
            email = f"{_slug(first)}{_slug(last)}{rng.randint(1, 999)}@{rng.choice(MAIL_HOSTS)}"
        kvk = f"{rng.randint(10_000_000, 99_999_999)}" if rng.random() < 0.85 else None
        phone = f"06-{rng.randint(10_000_000, 99_999_999)}" if rng.random() < 0.6 else None
        contact = Contact(name, company, email, phone, kvk, rng.choice(MESSAGES))
        status = _status_for(age_s / 86400, rng)
        if status in ("training", "traject"):
            track = status
        elif status == "done":
            track = route
        else:
            track = None
        updated_at = None
        if status != "new":
            updated_at = min(now, lead_at + timedelta(days=rng.uniform(0.5, 40)))
        lead_row = {
            "id": i,
            "scan_id": i,
            "werkplaats_id": werkplaats_id,
            "name": contact.name,
            "company": contact.company,
            "email": contact.email,
            "phone": contact.phone,
            "kvk": contact.kvk,
            "message": contact.message,
            "consent_version": CONSENT_VERSION,
            "consent_at": lead_at,
            "partner": partner,
            "status": status,
            "created_at": lead_at,
            "updated_at": updated_at,
            "weakest_theme": weakest,
            "route": route,
            "track": track,
            "overall_score": overall,
            "search_text": search_text(contact),
        }
        yield scan_row, lead_row


# --- database ---------------------------------------------------------------------------------


def fresh_postgres(url: str) -> str:
    """Create (afresh) the bench database next to the one in the URL; return its URL."""
    base = make_url(normalise_database_url(url))
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{BENCH_DATABASE}"'))
    admin.dispose()
    return base.set(database=BENCH_DATABASE).render_as_string(hide_password=False)


def drop_postgres(url: str) -> None:
    base = make_url(normalise_database_url(url))
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)'))
    admin.dispose()


def seed(app, n: int, seed_value: int) -> float:
    """Seed the werkplaatsen and n leads with their scans; return the seconds it took."""
    db = database(app)
    with db.sessions() as session:
        scan.werkplaatsen.seed_werkplaatsen(session, app.extensions["scan.werkplaats_seeds"])
        session.commit()
        werkplaats_ids = list(session.scalars(select(Werkplaats.id)))
    if "utrecht" not in werkplaats_ids:
        sys.exit(f"the seeded werkplaatsen lack 'utrecht': {werkplaats_ids}")
    bank_version = app.extensions["scan.bank"].version
    now = datetime.now(UTC)
    started = time.perf_counter()
    # Core inserts on the tables (executemany per batch of BATCH rows), in the session's
    # one transaction; about 2.5 times as fast as the ORM's bulk mode, insert(Scan).
    with db.sessions() as session:
        connection = session.connection()
        if db.engine.dialect.name == "sqlite":
            # A bigger page cache for the load only: the engine is disposed afterwards, so
            # the timed requests run on connections with the app's own settings.
            connection.exec_driver_sql("PRAGMA cache_size = -262144")
        scans: list[dict] = []
        leads: list[dict] = []
        for scan_row, lead_row in make_rows(n, werkplaats_ids, bank_version, seed_value, now):
            scans.append(scan_row)
            leads.append(lead_row)
            if len(scans) == BATCH:
                connection.execute(insert(Scan.__table__), scans)
                connection.execute(insert(Lead.__table__), leads)
                scans, leads = [], []
        if scans:
            connection.execute(insert(Scan.__table__), scans)
            connection.execute(insert(Lead.__table__), leads)
        if db.engine.dialect.name == "postgresql":
            # Explicit ids were inserted: move the sequences past them.
            for table in ("scans", "leads"):
                session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {table}))"
                    )
                )
        session.commit()
    inserted = time.perf_counter() - started
    db.engine.dispose()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE scans, leads"))
            # Write the bulk load's pages out now: otherwise the checkpoint that it set off
            # runs through the first minutes of measuring, and every page first changed
            # after it starts goes into the WAL whole (full-page writes).
            try:
                connection.execute(text("CHECKPOINT"))
            except DBAPIError as error:  # a role without pg_checkpoint
                print(f"no CHECKPOINT after seeding ({error.orig}); figures may be lower")
    elapsed = time.perf_counter() - started
    print(f"seeded {n} leads with their scans in {elapsed:.1f} s (inserts {inserted:.1f} s)")
    return elapsed


def make_staff(app) -> dict[str, str]:
    """Store a medewerker of utrecht and an admin; return role -> e-mail address."""
    emails = {"medewerker": "medewerker@bench.test", "admin": "admin@bench.test"}
    with database(app).sessions() as session:
        for role, email in emails.items():
            session.add(
                StaffUser(
                    email=email,
                    name=f"Bench {role}",
                    role=role,
                    werkplaats_id="utrecht" if role == "medewerker" else None,
                    password_hash=hash_password(PASSWORD),
                )
            )
        session.commit()
    return emails


def signed_in_client(app, email: str):
    """Sign in through the real form, as a browser would; return the test client."""
    client = app.test_client()
    page = client.get("/medewerkers/inloggen")
    if page.status_code != 200:
        fail(f"GET /medewerkers/inloggen answered {page.status_code}")
    match = CSRF_RE.search(page.get_data(as_text=True))
    if not match:
        fail("no csrf_token on the sign-in page")
    response = client.post(
        "/medewerkers/inloggen",
        data={"email": email, "password": PASSWORD, "csrf_token": match.group(1)},
    )
    if response.status_code != 303:
        fail(f"sign-in of {email} answered {response.status_code}, not 303")
    return client


@contextlib.contextmanager
def app_log_muted():
    """Send the app's one log line per request to /dev/null: it is still written (its cost
    is part of the request), but does not drown the report."""
    with open(os.devnull, "w") as devnull, contextlib.redirect_stderr(devnull):
        yield


def fail(message: str) -> None:
    # sys.__stderr__: the app's request log may be sent to /dev/null at this moment.
    print(f"FAILED: {message}", file=sys.__stderr__, flush=True)
    sys.exit(2)


# --- measuring --------------------------------------------------------------------------------


def get_page(client, url: str) -> tuple[float, str]:
    started = time.perf_counter()
    response = client.get(url)
    body = response.get_data(as_text=True)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        fail(f"GET {url} answered {response.status_code}:\n{body[:500]}")
    return elapsed, body


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def measure(client, url: str, warmup: int, runs: int) -> dict:
    with app_log_muted():
        for _ in range(warmup):
            get_page(client, url)
        times = []
        body = ""
        for _ in range(runs):
            elapsed, body = get_page(client, url)
            times.append(elapsed)
    match = COUNT_RE.search(body)
    if not match:
        fail(f"no 'N aanvragen' on the page of {url}")
    return {
        "rows": int(match.group(1)),
        "p50": statistics.median(times),
        "p95": percentile(times, 95),
        "max": max(times),
    }


def captured_lead_queries(app, client, url: str) -> list[tuple[str, object]]:
    """Return the statements on the leads table that one request of url sent."""
    engine = database(app).engine
    captured: list[tuple[str, object]] = []

    def listener(_conn, _cursor, statement, parameters, _context, _executemany):
        captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        with app_log_muted():
            get_page(client, url)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return [(s, p) for s, p in captured if re.search(r"\bFROM leads\b", s)]


def explain(app, statement: str, parameters) -> tuple[list[str], float]:
    """Return the plan of a statement and the median time of the statement alone, in ms."""
    engine = database(app).engine
    postgres = engine.dialect.name == "postgresql"
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if postgres:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            lines = [row[0] for row in cursor.fetchall()]
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            depth = {0: -1}
            lines = []
            for node, parent, _unused, detail in cursor.fetchall():
                depth[node] = depth.get(parent, -1) + 1
                lines.append("  " * depth[node] + detail)
        times = []
        cursor.execute(statement, parameters)  # warm the connection's cache first
        cursor.fetchall()
        for _ in range(5):
            started = time.perf_counter()
            cursor.execute(statement, parameters)
            cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
        raw.rollback()
    finally:
        raw.close()
    return lines, statistics.median(times)


def print_plans(app, client, label: str, url: str) -> None:
    print(f"\n--- {label}: {url}")
    for statement, parameters in captured_lead_queries(app, client, url):
        kind = "count" if "count(" in statement.lower() else "page"
        lines, ms = explain(app, statement, parameters)
        sql = " ".join(statement.split())
        print(f"[{kind} query, {ms:.1f} ms alone] {sql}")
        print(f"    parameters: {parameters}")
        for line in lines:
            print(f"    {line}")


def requests_to_time(today: datetime, kvk: str) -> list[tuple[str, str, str]]:
    since = (today - timedelta(days=90)).date().isoformat()
    base = "/medewerkers/aanvragen"
    return [
        ("medewerker", "first page", base),
        ("medewerker", "status=intake", f"{base}?status=intake"),
        ("medewerker", "thema=data&route=traject", f"{base}?thema=data&route=traject"),
        ("medewerker", "last 90 days", f"{base}?van={since}&tot={today.date().isoformat()}"),
        ("medewerker", "q=bouw", f"{base}?q=bouw"),
        ("medewerker", "pagina=50", f"{base}?pagina=50"),
        ("medewerker", "partner=kvk", f"{base}?partner=kvk"),
        ("admin", "first page", base),
        ("admin", "werkplaats=landelijk", f"{base}?werkplaats=landelijk"),
        ("admin", "status=new&pagina=10", f"{base}?status=new&pagina=10"),
        ("admin", f"q={kvk} (one KvK number)", f"{base}?q={kvk}"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--target-ms", type=float, default=100.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    if args.leads < 1 or args.runs < 1 or args.warmup < 0:
        parser.error("--leads and --runs must be at least 1, --warmup at least 0")

    tmpdir = None
    if args.database_url:
        url = fresh_postgres(args.database_url)
        where = f"PostgreSQL database {BENCH_DATABASE}"
    else:
        tmpdir = tempfile.mkdtemp(prefix="bench_inbox_")
        url = f"sqlite:///{Path(tmpdir) / 'scan.db'}"
        where = f"SQLite {Path(tmpdir) / 'scan.db'}"
    app = scan.create_app(
        {
            "SCAN_ENV": "testing",
            "SECRET_KEY": secrets.token_hex(20),
            "DATABASE_URL": url,
        }
    )
    try:
        engine = database(app).engine
        server = ""
        with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                server = connection.scalar(text("SHOW server_version"))
            else:
                server = connection.scalar(text("SELECT sqlite_version()"))
        print(f"database: {where} ({engine.dialect.name} {server})")
        revision = scan.db.upgrade_to_head(app)
        print(f"migrated to {revision}")
        seed(app, args.leads, args.seed)
        emails = make_staff(app)
        with app_log_muted():
            clients = {role: signed_in_client(app, email) for role, email in emails.items()}
        with database(app).sessions() as session:
            kvk = (
                session.scalar(
                    select(Lead.kvk)
                    .where(Lead.kvk.is_not(None))
                    .order_by(Lead.id)
                    .offset(args.leads // 2)
                )
                or "12345678"
            )

        requests = requests_to_time(datetime.now(UTC), kvk)
        print(f"\ntiming {len(requests)} requests, {args.warmup} warm-ups + {args.runs} runs each")
        results = []
        for role, label, path in requests:
            result = measure(clients[role], path, args.warmup, args.runs)
            results.append((role, label, path, result))
            print(
                f"  {role:<10} {label:<32} {result['rows']:>7} rows  p95 {result['p95']:6.1f} ms",
                flush=True,
            )

        print()
        header = f"{'request':<46} {'rows':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"
        print(header)
        print("-" * len(header))
        for role, label, _url, r in results:
            print(
                f"{role + ': ' + label:<46} {r['rows']:>7} "
                f"{r['p50']:>8.1f} {r['p95']:>8.1f} {r['max']:>8.1f}"
            )

        print("\nQuery plans (statements captured from one request of the inbox view)")
        for role, label, path, r in results:
            wanted = (role, label) in (
                ("medewerker", "first page"),
                ("medewerker", "status=intake"),
            )
            slow = r["p95"] > SLOW_MS
            if wanted or slow:
                note = f"{role} {label}" + (
                    f" (p95 {r['p95']:.1f} ms > {SLOW_MS:.0f})" if slow else ""
                )
                print_plans(app, clients[role], note, path)

        slowest = max(results, key=lambda item: item[3]["p95"])
        p95 = slowest[3]["p95"]
        ok = p95 < args.target_ms
        print(
            f"\nslowest: {slowest[0]} {slowest[1]}"
            f"\ninbox with {args.leads} leads: slowest p95 {p95:.1f} ms "
            f"(target < {args.target_ms:.0f} ms): {'OK' if ok else 'TOO SLOW'}"
        )
        return 0 if ok else 1
    finally:
        database(app).engine.dispose()
        if args.keep:
            print(f"kept: {url}")
        elif tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)
        elif args.database_url:
            drop_postgres(args.database_url)


if __name__ == "__main__":
    sys.exit(main())
