"""Browser fixtures: a live server per test, one Chromium per session, a context per test.

Chromium is Debian's (`apt-get install -y chromium`); Playwright's own browser downloads are
never used, because the machines that run this suite have no internet. Every context records
the requests its pages make and the response headers they get, so that a test can prove the
journey talks to no other host and sets no cookie. axe-core is injected from the copy bundled
in the `axe-playwright-python` wheel, so checking a page fetches nothing either.
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    Request,
    Response,
    sync_playwright,
)

from scan.content import Bank, Question
from scan.domain.scoring import score_scan
from tests.serving import serving

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
#: Generous enough for a slow CI machine, short enough that a hang fails within the budget.
TIMEOUT_MS = 10_000
#: A valid Dutch postcode in Utrecht (a werkplaats city), typed as people type it.
POSTCODE = "3511 AB"
#: The staff area's cookies: limited to its path, out of reach of scripts and other sites.
STAFF_COOKIE_PATH = "/medewerkers"
STAFF_COOKIE_ATTRIBUTES = {"httponly", "samesite=lax", f"path={STAFF_COOKIE_PATH}"}


HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder `browser`, also one whose module forgot `pytestmark`."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


# --- the live server ----------------------------------------------------------------------


@dataclass
class ServedResponse:
    """A response as the app sent it, recorded by a WSGI wrapper around the live app."""

    method: str
    path: str
    status: int
    headers: list[tuple[str, str]]


class HeldAnswers:
    """Requests the app has handled but whose answers the server holds back until release.

    A browser only sends a second form submission to the app if the first is still waiting
    for its answer; holding the answer makes that moment last as long as a test needs.
    """

    #: Longest a request thread waits for release, so a failing test cannot hang the server.
    MAX_HOLD_SECONDS = 10

    def __init__(self, method: str, path: str) -> None:
        self.method, self.path = method, path
        self._handled = 0
        self._changed = threading.Condition()
        self._released = threading.Event()

    def matches(self, environ: dict) -> bool:
        return environ["REQUEST_METHOD"] == self.method and environ.get("PATH_INFO") == self.path

    def hold(self) -> None:
        """Count one handled request, then wait (in its server thread) until released."""
        with self._changed:
            self._handled += 1
            self._changed.notify_all()
        self._released.wait(self.MAX_HOLD_SECONDS)

    def wait_for(self, handled: int, timeout: float = TIMEOUT_MS / 1000) -> None:
        """Block until the app has handled `handled` matching requests; fail after `timeout`."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._handled >= handled, timeout):
                pytest.fail(
                    f"the app handled {self._handled} {self.method} {self.path}, expected {handled}"
                )

    def release(self) -> None:
        self._released.set()


@dataclass
class LiveServer:
    """The running app: its base URL, host:port, the app itself and what it answered."""

    url: str
    netloc: str
    app: object
    responses: list[ServedResponse] = field(default_factory=list)
    holds: list[HeldAnswers] = field(default_factory=list)

    @property
    def bank(self) -> Bank:
        """The bank as the firm of profile_answers() is asked it (its sector's questions)."""
        whole = self.app.extensions["scan.bank"]
        return whole.for_sector(profile_answers(whole)["sector"])

    @contextmanager
    def holding_answers(self, method: str, path: str) -> Iterator[HeldAnswers]:
        """Hold back the answers to `method path` inside the block; send them on leaving it."""
        held = HeldAnswers(method, path)
        self.holds.append(held)
        try:
            yield held
        finally:
            self.holds.remove(held)
            held.release()


def _record_responses(wsgi_app, log: list[ServedResponse], holds: list[HeldAnswers]):
    """Wrap a WSGI app so that the status and headers of every response are kept.

    The app handles a request fully before a hold (see HeldAnswers) delays sending its answer.
    """

    def recording_app(environ, start_response):
        def recording_start_response(status, headers, exc_info=None):
            log.append(
                ServedResponse(
                    environ["REQUEST_METHOD"],
                    environ.get("PATH_INFO", ""),
                    int(status.split(" ", 1)[0]),
                    list(headers),
                )
            )
            return start_response(status, headers, exc_info)

        answer = wsgi_app(environ, recording_start_response)
        for held in list(holds):
            if held.matches(environ):
                held.hold()
        return answer

    return recording_app


@pytest.fixture
def live_server(make_app) -> Iterator[LiveServer]:
    """Serve a fresh app on its own database from a background thread; stop it afterwards."""
    app = make_app(SERVER_NAME=None)
    served: list[ServedResponse] = []
    holds: list[HeldAnswers] = []
    with serving(_record_responses(app.wsgi_app, served, holds)) as netloc:
        yield LiveServer(
            url=f"http://{netloc}", netloc=netloc, app=app, responses=served, holds=holds
        )


# --- Playwright and Chromium ----------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Return Debian's Chromium; fail (never skip) when it is missing."""
    path = shutil.which("chromium")
    if path is None:
        pytest.fail(
            "Chromium is not installed, so the browser tests cannot run. Install Debian's "
            "package with `apt-get install -y chromium` (do not run `playwright install`: "
            "the machines have no internet).",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    """Start Playwright's driver once per session."""
    playwright = sync_playwright().start()
    try:
        yield playwright
    finally:
        playwright.stop()


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright, chromium_path: str) -> Iterator[Browser]:
    """One headless Chromium for the whole session."""
    browser = playwright_instance.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


class NetworkLog:
    """Every request the pages of one context made, and every response they received."""

    def __init__(self, context: BrowserContext):
        self.requests: list[Request] = []
        self.responses: list[Response] = []
        context.on("request", self._on_request)
        context.on("response", self._on_response)

    def _on_request(self, request: Request) -> None:
        self.requests.append(request)

    def _on_response(self, response: Response) -> None:
        self.responses.append(response)

    def foreign_requests(self, netloc: str) -> list[str]:
        """Return the requests that went anywhere but `netloc` (scheme http)."""
        return [
            f"{r.method} {r.url}"
            for r in self.requests
            if urlsplit(r.url).scheme != "http" or urlsplit(r.url).netloc != netloc
        ]

    def cookie_setting_responses(self) -> list[str]:
        """Return the responses that carried a Set-Cookie header (redirects included)."""
        found = []
        for response in self.responses:
            for header in response.headers_array():
                if header["name"].lower() == "set-cookie":
                    found.append(f"{response.status} {response.url}: {header['value']}")
        return found


@dataclass
class Browsing:
    """A browser context on the live server with its first page and its network log."""

    context: BrowserContext
    page: Page
    network: NetworkLog
    server: LiveServer
    #: The staff area (under /medewerkers) sets cookies of its own; the journey sets none.
    staff: bool = False
    closed: bool = False

    def close(self) -> None:
        """Check the privacy promises, then close the context (like closing the browser)."""
        if not self.closed:
            self.assert_private()
            self.closed = True
            self.context.close()

    def assert_private(self) -> None:
        """Assert the DESIGN's promises: no other host contacted, no cookie set or stored.

        A staff context may hold the staff area's own cookies (see `assert_staff_cookies`).
        """
        assert self.network.requests, "the network log recorded no request at all"
        foreign = self.network.foreign_requests(self.server.netloc)
        assert not foreign, "requests to another host than the live server:\n" + "\n".join(foreign)
        if self.staff:
            self.assert_staff_cookies()
            return
        cookies = self.network.cookie_setting_responses()
        assert not cookies, "responses that set a cookie:\n" + "\n".join(cookies)
        served = [
            f"{r.status} {r.method} {r.path}"
            for r in self.server.responses
            if any(name.lower() == "set-cookie" for name, _ in r.headers)
        ]
        assert not served, "the app sent Set-Cookie on:\n" + "\n".join(served)
        assert self.context.cookies() == [], f"cookies stored: {self.context.cookies()}"

    def assert_staff_cookies(self) -> None:
        """Assert every cookie is the staff area's: HttpOnly, SameSite=Lax, Path=/medewerkers.

        Checked three times: the Set-Cookie headers the app sent, those the browser received,
        and the cookies the browser stored. Pages outside /medewerkers still set none.
        """
        wrong = []
        sent = [
            (f"{r.status} {r.method} {r.path}", r.path, value)
            for r in self.server.responses
            for name, value in r.headers
            if name.lower() == "set-cookie"
        ]
        received = [
            (f"{response.status} {response.url}", urlsplit(response.url).path, value)
            for response in self.network.responses
            for header in response.headers_array()
            if header["name"].lower() == "set-cookie"
            for value in header["value"].split("\n")
        ]
        for where, path, value in sent + received:
            attributes = {a.strip().lower() for a in value.split(";")[1:]}
            missing = STAFF_COOKIE_ATTRIBUTES - attributes
            if missing or not path.startswith(STAFF_COOKIE_PATH):
                wrong.append(f"{where}: {value} (missing: {sorted(missing)})")
        assert not wrong, "cookies set otherwise than the staff area's way:\n" + "\n".join(wrong)
        stored = [
            cookie
            for cookie in self.context.cookies()
            if (cookie["path"], cookie["httpOnly"], cookie["sameSite"])
            != (STAFF_COOKIE_PATH, True, "Lax")
        ]
        assert not stored, f"cookies stored otherwise than the staff area's way: {stored}"


@pytest.fixture
def open_browsing(browser: Browser, live_server: LiveServer) -> Iterator[Callable[..., Browsing]]:
    """Return a factory of new browser contexts ("a browser window") on the live server.

    Each context is closed after the test, and checked once more for foreign requests and
    cookies, so that no browser test can quietly break the privacy promises. With
    `staff=True` the context may hold the staff area's own cookies, and only those.
    """
    opened: list[Browsing] = []

    def factory(*, javascript: bool = True, staff: bool = False, **options) -> Browsing:
        context = browser.new_context(java_script_enabled=javascript, **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        network = NetworkLog(context)
        browsing = Browsing(context, context.new_page(), network, live_server, staff=staff)
        opened.append(browsing)
        return browsing

    yield factory
    try:
        for browsing in opened:
            if not browsing.closed and browsing.network.requests:
                browsing.assert_private()
    finally:
        for browsing in opened:
            if not browsing.closed:
                browsing.closed = True
                browsing.context.close()


# --- axe-core -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def axe() -> Axe:
    """axe-core from the wheel's bundled axe.min.js, injected into the page (no CDN)."""
    axe = Axe()
    assert axe.axe_script.lstrip().startswith("/*! axe v"), "the bundled axe.min.js is missing"
    return axe


def format_violations(where: str, violations: list[dict]) -> str:
    """Describe axe violations readably: rule, impact, help, and the failing nodes."""
    lines = [f"{where}: {len(violations)} axe violation(s)"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
            f" [{violation.get('helpUrl', '')}]"
        )
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}: {node.get('failureSummary', '').strip()}")
            lines.append(f"       {node.get('html', '')[:200]}")
    return "\n".join(lines)


@pytest.fixture
def axe_violations(axe: Axe) -> Callable[[Page, str], str | None]:
    """Return a check that runs axe (default rules, best practices included) on a page.

    It answers a readable report of the violations, or None when there are none; tests gather
    the reports of several pages and fail once with all of them.
    """

    def check(page: Page, where: str) -> str | None:
        results = axe.run(page)
        violations = results.response["violations"]
        return format_violations(where, violations) if violations else None

    return check


# --- the journey ------------------------------------------------------------------------------

Answer = str | list[str]


def best_answers(bank: Bank) -> dict[str, Answer]:
    """The best answer to every theme question: the top option, or all positive options.

    The unscored importance question gets its heaviest option.
    """
    answers: dict[str, Answer] = {}
    for theme in bank.themes:
        for question in theme.questions:
            if question.type == "multiple":
                answers[question.id] = [o.id for o in question.options if o.points > 0]
            else:
                answers[question.id] = max(question.options, key=lambda o: o.points).id
        importance = theme.importance
        weighted = [o for o in importance.options if o.weight is not None]
        answers[importance.id] = max(weighted, key=lambda o: o.weight).id
    return answers


def mixed_answers(bank: Bank) -> dict[str, Answer]:
    """A realistic mix: each question gets another option, some 'Weet ik niet', some partial.

    Deterministic, and far from the best answers, so that the result page must show scores
    the app really computed.
    """
    answers: dict[str, Answer] = {}
    for index, question in enumerate(q for t in bank.themes for q in t.all_questions):
        real = [o for o in question.options if not o.dont_know and not o.exclusive]
        dont_know = next(o for o in question.options if o.dont_know)
        if index % 5 == 4:
            answers[question.id] = [dont_know.id] if question.type == "multiple" else dont_know.id
        elif question.type == "multiple":
            answers[question.id] = [o.id for o in real[index % 2 :: 2]] or [real[0].id]
        else:
            answers[question.id] = real[index % len(real)].id
    return answers


def profile_answers(bank: Bank) -> dict[str, str]:
    """A profile: the second option of every item, and a postcode typed with a space."""
    return {
        item.id: POSTCODE if item.type == "postcode" else item.options[1].id
        for item in bank.profile
    }


def weak_answers(bank: Bank) -> dict[str, Answer]:
    """A weak business: the fewest points on every question, never 'Weet ik niet'.

    A multiple-choice question gets its own exclusive option ('Geen van deze') where it has
    one; every theme is marked as important as possible.
    """
    answers: dict[str, Answer] = {}
    for theme in bank.themes:
        for question in theme.questions:
            real = [o for o in question.options if not o.dont_know]
            if question.type == "multiple":
                lowest = min(real, key=lambda o: (not o.exclusive, o.points))
                answers[question.id] = [lowest.id]
            else:
                answers[question.id] = min(real, key=lambda o: o.points).id
        weighted = [o for o in theme.importance.options if o.weight is not None]
        answers[theme.importance.id] = max(weighted, key=lambda o: o.weight).id
    return answers


def traject_profile(server: LiveServer) -> dict[str, str]:
    """A profile that adviezen/regels.yaml deems fit for an intensive traject (people, time)."""
    rule = server.app.extensions["scan.catalogue"].rules.traject
    return {**profile_answers(server.bank), "size": rule.sizes[0], "time": rule.time[-1]}


def finish_scan(server: LiveServer, answers: dict[str, Answer], profile: dict[str, str]) -> str:
    """Store a completed scan through the JSON API (no browser: quick); return its token.

    For tests that start on the result page; the browser journey itself is tested elsewhere.
    """
    response = server.app.test_client().post(
        "/api/v1/scans", json={"answers": answers, "profile": profile}
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["token"]


def _half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


def expected_scores(bank: Bank, answers: dict[str, Answer]) -> dict[str, int]:
    """The scores the result page must show: {"overall": n, theme_id: n, ...}.

    Worked out here from DESIGN's contract (theme: 100 * awarded / max rounded half up, a
    question answered "Past niet bij ons" left out of both; overall: the mean of the theme
    scores rounded half up) and checked against the app's own scoring, so the page is
    compared with numbers that do not merely echo the app. A theme where fewer than half of
    the questions apply has no score; none of the answers used here leads to one.
    """
    expected: dict[str, int] = {}
    for theme in bank.themes:
        awarded = maximum = counted = 0
        for question in theme.questions:
            answer = answers[question.id]
            chosen = [answer] if isinstance(answer, str) else answer
            if any(question.options_by_id[c].not_applicable for c in chosen):
                continue
            counted += 1
            awarded += sum(question.options_by_id[c].points for c in chosen)
            points = [o.points for o in question.options if not o.exclusive]
            maximum += sum(points) if question.type == "multiple" else max(points)
        assert 2 * counted >= len(theme.questions), "these answers leave a theme unmeasured"
        expected[theme.id] = _half_up(100 * awarded, maximum)
    expected["overall"] = _half_up(sum(expected.values()), len(bank.themes))
    scored = score_scan(bank, answers)
    by_app = {"overall": scored.overall, **{t.theme_id: t.score for t in scored.themes}}
    assert by_app == expected, "the app's scoring disagrees with DESIGN's scoring contract"
    return expected


def question_group(page: Page, question):
    """The fieldset of a question, found by its legend like assistive technology does."""
    return page.get_by_role("group", name=question.text, exact=True)


def option_input(page: Page, question, option_id: str):
    """The radio button or checkbox of one option, found by its label."""
    role = "checkbox" if getattr(question, "type", "single") == "multiple" else "radio"
    label = question.options_by_id[option_id].label
    return question_group(page, question).get_by_role(role, name=label, exact=True)


def choose(page: Page, question, answer: Answer) -> None:
    """Tick the answer's option(s) with the mouse (Playwright's check)."""
    for option_id in [answer] if isinstance(answer, str) else answer:
        option_input(page, question, option_id).check()


def checked_values(page: Page, name: str) -> list[str]:
    """The values of the checked inputs of a question, read from the page."""
    return page.eval_on_selector_all(
        f'input[name="{name}"]:checked', "els => els.map(e => e.value)"
    )


def submit(page: Page, button: str) -> Response:
    """Press a submit button by its text and return the final response of the navigation."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=button, exact=True).click()
    response = navigation.value
    assert response is not None, f"pressing {button!r} did not navigate"
    return response


def fill_profile(page: Page, bank: Bank, profile: dict[str, str]) -> None:
    """Answer the profile step: options by label, the postcode typed in its field."""
    for item in bank.profile:
        if item.type == "postcode":
            page.get_by_label(item.text, exact=True).fill(profile[item.id])
        else:
            choose(page, item, profile[item.id])


def answer_theme(page: Page, questions: tuple[Question, ...], answers: dict[str, Answer]) -> None:
    """Answer the given questions of a theme page."""
    for question in questions:
        choose(page, question, answers[question.id])


OVERALL = re.compile(r"kom je uit op (\d+)")
SCORE = re.compile(r"Score (\d+) op een schaal van 0 tot 100")


def shown_scores(page: Page, bank: Bank) -> dict[str, int]:
    """Read the overall score and every theme's score from the result page.

    The overall score is the average said below the themes; a theme's is the "Score N" in the
    page region named after the theme (a section labelled by its heading).
    """
    overall = page.get_by_role("main").get_by_text(re.compile("Gemiddeld over de drie"))
    assert overall.count() == 1, "the result page shows one overall score"
    found = OVERALL.search(overall.inner_text())
    assert found, f"no overall score in {overall.inner_text()!r}"
    scores = {"overall": int(found.group(1))}
    for theme in bank.themes:
        region = page.get_by_role("region", name=re.compile("^" + re.escape(theme.title)))
        assert region.count() == 1, f"no single region for the theme {theme.title!r}"
        found = SCORE.search(region.inner_text())
        assert found, f"no score shown for {theme.title!r}"
        scores[theme.id] = int(found.group(1))
    return scores


def step_path(url: str) -> list[str]:
    """The path of a step URL split in parts: ['scan', token, step]."""
    return urlsplit(url).path.strip("/").split("/")


@pytest.fixture
def bank(live_server: LiveServer) -> Bank:
    """The question bank of the live app (overrides the top-level fixture of the same name)."""
    return live_server.bank


@pytest.fixture
def journey() -> SimpleNamespace:
    """The helpers that drive the scan's pages, handed over as one fixture (tests do not
    import from conftest)."""
    return SimpleNamespace(
        best_answers=best_answers,
        mixed_answers=mixed_answers,
        profile_answers=profile_answers,
        weak_answers=weak_answers,
        traject_profile=traject_profile,
        finish_scan=finish_scan,
        expected_scores=expected_scores,
        question_group=question_group,
        option_input=option_input,
        choose=choose,
        checked_values=checked_values,
        submit=submit,
        fill_profile=fill_profile,
        answer_theme=answer_theme,
        step_path=step_path,
        shown_scores=shown_scores,
        postcode=POSTCODE,
    )
