"""Eight firms as a werkplaats coach meets them: their answers, and what their advice must do.

Each persona answers every question of the bank as that firm would. The tests in
tests/unit/test_personas.py check the properties a coach would check before signing the
result; tests/integration/test_result_page.py shows some of them on the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

IMPORTANT = {"osm-belang": "belangrijk", "data-belang": "belangrijk", "auto-belang": "belangrijk"}


@dataclass(frozen=True)
class Persona:
    """A firm: its profile and answers, and the advice ids it must and must not get."""

    name: str
    profile: dict[str, Any]
    answers: dict[str, Any]
    #: Advice that must be shown, and that must rank before these others (pairs).
    must: tuple[str, ...] = ()
    must_not: tuple[str, ...] = ()
    before: tuple[tuple[str, str], ...] = ()
    #: An item and a question that must be among the answers it names as its reason.
    because: dict[str, str] = field(default_factory=dict)
    first: str | None = None
    route: str | None = None
    safety: dict[str, str] = field(default_factory=dict)


def profile(sector: str, size: str, time: str, ambition: str, postcode: str = "8911") -> dict:
    return {
        "sector": sector,
        "size": size,
        "postcode": postcode,
        "time": time,
        "ambition": ambition,
    }


BAKKERIJ = Persona(
    name="bakkerij zonder back-ups",
    profile=profile("detailhandel", "micro", "uur-per-maand", "klanten-bereiken"),
    answers=IMPORTANT
    | {"osm-belang": "heel-belangrijk"}
    | {
        "osm-website": "verouderd",
        "osm-google": "vanzelf",
        "osm-social": "af-en-toe",
        "osm-online-regelen": ["geen"],
        "osm-domein": "gratis",
        "osm-antwoord": "werkdag",
        "osm-reviews": "lezen",
        "data-klantgegevens": "papier",
        "data-boekhouding": "achter",
        "data-cijfers": ["omzet"],
        "data-backup": "geen",
        "data-avg": "ongeveer",
        "data-phishing": "niet",
        "data-ai": "nee",
        "auto-facturen": "programma",
        "auto-planning": "agenda",
        "auto-opdrachten": "los",
        "auto-taken": ["geen"],
        "auto-cloud": "papier",
        "auto-updates": "hand",
        "auto-vertrek": "soms",
        "auto-beveiliging": "sterk",
    },
    first="data-backup-regelen",
    # The outdated website is taken on (by the workshop that also covers Google, which wins
    # more than either step alone); an AI course is not for a firm without back-ups.
    must=("data-backup-regelen", "data-avg-basis", "osm-workshop-gevonden-worden"),
    because={"osm-workshop-gevonden-worden": "osm-website"},
    must_not=("data-masterclass-ai", "osm-traject"),
    safety={
        "updates": "risk",
        "vertrek": "risk",
        "terugzetten": "risk",
        "back-ups": "risk",
        "privacy": "risk",
        "wachtwoorden": "ok",
        "nepberichten": "risk",
        "mfa": "risk",
    },
    route="training",
)

KAPPER = Persona(
    name="zzp-kapper",
    profile=profile("persoonlijk", "zzp", "uur-per-week", "tijd-besparen", postcode="3512"),
    answers=IMPORTANT
    | {
        "osm-website": "mobiel",
        "osm-google": "profiel",
        "osm-social": "planning",
        "osm-online-regelen": ["salon-afspraak", "betalen"],
        "osm-domein": "gratis",
        "osm-antwoord": "uren",
        "osm-reviews": "reageren",
        "data-klantgegevens": "programma",
        "data-boekhouding": "bij",
        "data-cijfers": ["omzet"],
        "data-backup": "automatisch",
        "data-avg": "verklaring",
        "data-phishing": "opletten",
        "data-ai": "geprobeerd",
        "auto-facturen": "automatisch",
        "auto-planning": "hoofd",
        "auto-opdrachten": "programma",
        "auto-taken": ["afspraken"],
        "auto-cloud": "alles",
        "auto-updates": "automatisch",
        "auto-vertrek": "past-niet",
        "auto-beveiliging": "mfa",
    }
    | {"auto-belang": "heel-belangrijk"},
    # Posting weekly by plan: no social-media workshop. A planning shared with a team is not
    # for someone who works alone (the zzp variant is); working in the cloud: no cloud workshop.
    must=("auto-planning-digitaal",),
    must_not=(
        "osm-workshop-sociale-media",
        "auto-planning-gedeeld",
        "auto-workshop-samenwerken-cloud",
    ),
    safety={
        "updates": "ok",
        "terugzetten": "risk",
        "back-ups": "ok",
        "privacy": "ok",
        "wachtwoorden": "ok",
        "nepberichten": "risk",
        "mfa": "ok",
    },
)

INSTALLATEUR = Persona(
    name="installateur met 12 mensen",
    profile=profile("bouw", "klein", "meerdere-uren", "tijd-besparen", postcode="7311"),
    answers={"osm-belang": "beetje", "data-belang": "belangrijk", "auto-belang": "heel-belangrijk"}
    | {
        "osm-website": "mobiel",
        "osm-google": "profiel",
        "osm-social": "zelden",
        "osm-online-regelen": ["offerte"],
        "osm-domein": "eigen",
        "osm-antwoord": "werkdag",
        "osm-reviews": "reageren",
        "data-klantgegevens": "excel",
        "data-boekhouding": "bij",
        "data-cijfers": ["omzet", "onbetaald", "uren"],
        "data-backup": "automatisch",
        "data-avg": "verklaring",
        "data-phishing": "opletten",
        "data-ai": "geprobeerd",
        "auto-facturen": "programma",
        "auto-planning": "agenda",
        "auto-werkbon": "papier",
        "auto-taken": ["geen"],
        "auto-cloud": "deels",
        "auto-updates": "deels",
        "auto-vertrek": "blijven",
        "auto-beveiliging": "sterk",
    },
    # Weekly hours, people, automatisering very important at level 1-2: its traject, ranked
    # after the MFA step (safety first).
    first="auto-mfa-aanzetten",
    # Paper werkbonnen: the werkbon app, a question only bouw is asked.
    must=("auto-traject", "auto-facturen-koppelen", "auto-werkbon-app"),
    route="traject",
    safety={
        "updates": "risk",
        "vertrek": "risk",
        "terugzetten": "risk",
        "back-ups": "ok",
        "privacy": "ok",
        "wachtwoorden": "ok",
        "nepberichten": "risk",
        "mfa": "risk",
    },
)

WEBSHOP = Persona(
    name="webshop met één wachtwoord",
    profile=profile("webwinkel", "micro", "uur-per-week", "groeien", postcode="9711"),
    answers=IMPORTANT
    | {"osm-belang": "heel-belangrijk"}
    | {
        "osm-website": "bijwerken",
        "osm-google": "hoger",
        "osm-social": "planning",
        "osm-online-regelen": ["webwinkel", "platform", "betalen"],
        "osm-domein": "eigen",
        "osm-antwoord": "uren",
        "osm-reviews": "vragen",
        "data-klantgegevens": "programma",
        "data-boekhouding": "bij",
        "data-cijfers": ["omzet", "marge", "klanten"],
        "data-backup": "automatisch",
        "data-avg": "geregeld",
        "data-phishing": "geoefend",
        "data-ai": "vaak",
        "auto-facturen": "automatisch",
        "auto-planning": "programma",
        "auto-bestellingen": "verzending",
        "auto-taken": ["voorraad", "standaardteksten"],
        "auto-cloud": "alles",
        "auto-updates": "automatisch",
        "auto-vertrek": "soms",
        "auto-beveiliging": "zwak",
    },
    # A high automatisering score must not hide one password everywhere.
    first="auto-mfa-aanzetten",
    # Uses AI often: first agree what never goes in, no course to start with AI.
    must=("auto-mfa-aanzetten", "auto-wachtwoordmanager", "data-ai-afspraken"),
    must_not=(
        "osm-website-basis",
        "osm-workshop-sociale-media",
        "osm-traject",
        "data-masterclass-ai",
    ),
    safety={
        "updates": "ok",
        "vertrek": "risk",
        "terugzetten": "risk",
        "back-ups": "ok",
        "privacy": "ok",
        "wachtwoorden": "risk",
        "nepberichten": "ok",
        "mfa": "risk",
    },
)

HORECA = Persona(
    name="eetcafé",
    profile=profile("horeca", "micro", "uur-per-maand", "klanten-bereiken", postcode="6211"),
    answers=IMPORTANT
    | {
        "osm-website": "mobiel",
        "osm-google": "vanzelf",
        "osm-social": "planning",
        "osm-online-regelen": ["afspraak", "bezorgplatform"],
        "osm-domein": "gratis",
        "osm-antwoord": "dagen",
        "osm-reviews": "niets",
        "data-klantgegevens": "programma",
        "data-boekhouding": "achter",
        "data-cijfers": ["omzet"],
        "data-backup": "hand",
        "data-avg": "niet",
        "data-phishing": "niet",
        "data-ai": "nee",
        "auto-facturen": "programma",
        "auto-planning": "agenda",
        "auto-opdrachten": "los",
        "auto-taken": ["geen"],
        "auto-cloud": "deels",
        "auto-updates": "deels",
        "auto-vertrek": "soms",
        "auto-beveiliging": "mfa",
    },
    first="data-backup-regelen",
    must=("data-backup-regelen", "data-avg-basis", "osm-reviews-vragen"),
    must_not=("osm-workshop-sociale-media", "data-masterclass-ai", "auto-mfa-aanzetten"),
    # No reviews read at all loses more than a Google listing that is there by itself.
    before=(("osm-reviews-vragen", "osm-google-bedrijfsprofiel"),),
    safety={
        "updates": "risk",
        "vertrek": "risk",
        "terugzetten": "risk",
        "back-ups": "risk",
        "privacy": "risk",
        "wachtwoorden": "ok",
        "nepberichten": "risk",
        "mfa": "ok",
    },
)

WEET_NIET = Persona(
    name="'Weet ik niet' overal",
    profile=profile("anders", "micro", "weet-niet", "weet-niet"),
    answers={},  # filled in below: every question "Weet ik niet"
    must=("data-backup-regelen", "data-avg-basis", "auto-mfa-aanzetten", "auto-wachtwoordmanager"),
    must_not=("osm-traject", "data-traject", "auto-traject", "data-masterclass-ai"),
    route="training",
    safety={
        "updates": "unknown",
        "vertrek": "unknown",
        "terugzetten": "unknown",
        "back-ups": "unknown",
        "privacy": "unknown",
        "wachtwoorden": "unknown",
        "nepberichten": "unknown",
        "mfa": "unknown",
    },
)

ALLES_GOED = Persona(
    name="alles op orde",
    profile=profile("zakelijk", "micro", "uur-per-week", "groeien", postcode="1011"),
    answers=IMPORTANT
    | {
        "osm-website": "bijwerken",
        "osm-google": "hoger",
        "osm-social": "planning",
        "osm-online-regelen": ["webwinkel", "afspraak", "offerte", "betalen"],
        "osm-domein": "eigen",
        "osm-antwoord": "uren",
        "osm-reviews": "vragen",
        "data-klantgegevens": "crm",
        "data-boekhouding": "bij",
        "data-cijfers": ["omzet", "marge", "onbetaald", "klanten", "uren"],
        "data-backup": "getest",
        "data-avg": "geregeld",
        "data-phishing": "geoefend",
        "data-ai": "afspraken",
        "auto-facturen": "e-factuur",
        "auto-planning": "gekoppeld",
        "auto-opdrachten": "doorgezet",
        "auto-taken": ["afspraken", "standaardteksten", "bonnetjes", "berichten"],
        "auto-cloud": "alles",
        "auto-updates": "automatisch",
        "auto-vertrek": "lijst",
        "auto-beveiliging": "overal",
    },
    route="training",
    safety={
        "updates": "ok",
        "vertrek": "ok",
        "terugzetten": "ok",
        "back-ups": "ok",
        "privacy": "ok",
        "wachtwoorden": "ok",
        "nepberichten": "ok",
        "mfa": "ok",
    },
)

ADVIESBUREAU = Persona(
    name="adviesbureau, zwak beveiligd, automatisering niet belangrijk",
    profile=profile("zakelijk", "micro", "uur-per-week", "klanten-bereiken", postcode="3511"),
    answers={"osm-belang": "heel-belangrijk", "data-belang": "belangrijk", "auto-belang": "niet"}
    | {
        "osm-website": "mobiel",
        "osm-google": "profiel",
        "osm-social": "zelden",
        "osm-online-regelen": ["offerte"],
        "osm-domein": "eigen",
        "osm-antwoord": "werkdag",
        "osm-reviews": "lezen",
        "data-klantgegevens": "excel",
        "data-boekhouding": "bij",
        "data-cijfers": ["omzet", "onbetaald"],
        "data-backup": "weet-ik-niet",
        "data-avg": "verklaring",
        "data-phishing": "opletten",
        "data-ai": "vaak",
        "auto-facturen": "hand",
        "auto-planning": "hoofd",
        "auto-opdrachten": "voorbeeld",
        "auto-taken": ["geen"],
        "auto-cloud": "mailen",
        "auto-updates": "hand",
        "auto-vertrek": "blijven",
        "auto-beveiliging": "zwak",
    },
    # "Niet belangrijk" caps automatisering's other advice, never its safety steps.
    must=("auto-mfa-aanzetten", "auto-wachtwoordmanager", "data-backup-regelen"),
    must_not=("data-masterclass-ai",),
    safety={
        "updates": "risk",
        "vertrek": "risk",
        "terugzetten": "unknown",
        "back-ups": "unknown",
        "privacy": "ok",
        "wachtwoorden": "risk",
        "nepberichten": "risk",
        "mfa": "risk",
    },
)

PERSONAS = (BAKKERIJ, KAPPER, INSTALLATEUR, WEBSHOP, HORECA, WEET_NIET, ALLES_GOED, ADVIESBUREAU)


def answers_of(persona: Persona, bank) -> dict[str, Any]:
    """The persona's answers to what its sector is asked; 'Weet ik niet' where it gave none."""
    answers = {}
    for question in bank.for_sector(persona.profile["sector"]).questions_by_id.values():
        dont_know = ["weet-ik-niet"] if question.type == "multiple" else "weet-ik-niet"
        answers[question.id] = persona.answers.get(question.id, dont_know)
    return answers
