"""The scan embedded on a partner site, in a real Chromium that blocks third-party cookies.

A partner page is served from another origin on loopback (http://127.0.0.2:PORT) and embeds
the scan (http://localhost:PORT) with the documented snippet. Inside the iframe the whole
journey is walked, up to "Je vraag is verstuurd"; after every page the iframe must be exactly
as tall as its content (no inner scrollbar, also at phone width) and the partner page must
scroll to the top of the iframe when the ondernemer moves to another step. Two snippets on one
page make two independent embeds; the plain iframe alternative shows the scan at its fixed
height; a page of an origin that is not in EMBED_ALLOWED_ORIGINS (http://127.0.0.3:PORT) gets
no scan in its frame.

Third-party cookies are blocked through the Chromium profile's own setting (the preference
`profile.cookie_controls_mode` = 1, "Block third-party cookies", written into the profile of a
persistent context before launch), and the tests prove it is in effect: a cookie that the
scan's page sets from inside the partner's iframe does not stick; the very same cookie sticks
in a top-level page of the scan's origin (end of the journey test), and inside the iframe too
in a Chromium whose profile allows third-party cookies (the control test). Chromium's CDP
`Network.setCookieControls` and `--test-third-party-cookie-phaseout` were tried as well: in
Chromium 156 neither changes what the probe sees, so only the profile setting is used.

Chromium gives a cross-site iframe its viewport size only once the frame has been on screen,
so the tests scroll a fresh embed into view (as the ondernemer does) before measuring it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    BrowserContext,
    ConsoleMessage,
    Frame,
    Locator,
    Page,
    Playwright,
    Request,
    Response,
    WebError,
)
from sqlalchemy import select

from scan.db import database
from scan.models import Lead, Scan
from scan.records.scans import PROFILE_STEP, RESULT_STEP, step_ids
from tests.serving import serving

pytestmark = pytest.mark.browser

#: Debian's Chromium, launched like the other browser tests launch it.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 10_000
#: Chromium's profile preference behind Settings > "Third-party cookies": 0 allows them,
#: 1 blocks them, 2 blocks them in incognito only. `block_third_party_cookies` is its older
#: name, still read for migration.
BLOCK_THIRD_PARTY_COOKIES = {
    "profile": {"cookie_controls_mode": 1, "block_third_party_cookies": True}
}
ALLOW_THIRD_PARTY_COOKIES = {
    "profile": {"cookie_controls_mode": 0, "block_third_party_cookies": False}
}
#: A cookie that a cross-site iframe could only keep where third-party cookies are allowed:
#: SameSite=None needs Secure, which Chromium accepts on http://localhost (a secure context).
PROBE_COOKIE = "embedprobe=1; SameSite=None; Secure; Path=/"
PARTNER = "kvk"
POSTCODE = "3511 AB"
LANDING_HEADING = "Hoe digitaal is je bedrijf?"
SENT_HEADING = "Je vraag is verstuurd"
CONTACT = {"Je naam": "Jan de Vries", "Naam van je bedrijf": "Bakkerij De Vries"}
EMAIL = "jan@bakkerijdevries.nl"
#: How far the iframe's height may be from its document's (the frame rounds up).
HEIGHT_TOLERANCE = 2
DESKTOP = {"width": 1280, "height": 720}
PHONE = {"width": 375, "height": 667}
#: Filler of the partner page above and below the embed, taller than the window, so that
#: scrolling to the iframe is observable and always possible.
FILLER_PX = 1400

# --- servers on loopback ----------------------------------------------------------------------


@dataclass
class AppResponse:
    """A response as the scan app sent it."""

    method: str
    path: str
    query: str
    status: int
    headers: list[tuple[str, str]]

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def recording(wsgi_app, log: list[AppResponse]):
    """Wrap a WSGI app so that the status and headers of every response are kept."""

    def recording_app(environ, start_response):
        def recording_start_response(status, headers, exc_info=None):
            log.append(
                AppResponse(
                    environ["REQUEST_METHOD"],
                    environ.get("PATH_INFO", ""),
                    environ.get("QUERY_STRING", ""),
                    int(status.split(" ", 1)[0]),
                    list(headers),
                )
            )
            return start_response(status, headers, exc_info)

        return wsgi_app(environ, recording_start_response)

    return recording_app


def snippet(scan_url: str) -> str:
    """The partner snippet of the README."""
    return f'<script src="{scan_url}/static/embed.js" data-partner="{PARTNER}" async></script>'


def partner_page(title: str, body: str) -> str:
    filler = (
        '<div class="filler"><p>Nieuws, agenda en andere inhoud van de partner.</p>'
        "<p>Nog meer tekst van de partnerpagina.</p></div>"
    )
    return f"""<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ margin: 0; font-family: sans-serif; }}
  .filler {{ height: {FILLER_PX}px; padding: 1rem; background: #eef; }}
  .between {{ height: 300px; padding: 1rem; background: #efe; }}
</style>
</head>
<body>
<h1>{title}</h1>
{filler}
{body}
{filler}
</body>
</html>
"""


def partner_site(scan_url: Callable[[], str]):
    """The partner's own site: the snippet once, twice, or the plain iframe."""

    def pages() -> dict[str, str]:
        url = scan_url()
        return {
            "/": partner_page("Partner met de scan", snippet(url)),
            "/twee": partner_page(
                "Partner met twee scans",
                snippet(url) + '<div class="between">Tussen de scans</div>' + snippet(url),
            ),
            "/iframe": partner_page(
                "Partner met een gewone iframe",
                f'<iframe src="{url}/embed/?partner={PARTNER}" '
                'title="Digitale scan voor ondernemers" '
                'style="width:100%;height:1100px;border:0"></iframe>',
            ),
        }

    def app(environ, start_response):
        if environ.get("PATH_INFO") == "/favicon.ico":
            start_response("204 No Content", [])
            return []
        page = pages().get(environ.get("PATH_INFO", ""))
        if page is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"niet gevonden"]
        body = page.encode()
        start_response(
            "200 OK",
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
        )
        return [body]

    return app


@dataclass
class EmbedSite:
    """The scan on localhost, an allowed partner on 127.0.0.2, another site on 127.0.0.3."""

    app: object
    scan_url: str
    partner_url: str
    other_url: str
    responses: list[AppResponse]

    @property
    def bank(self):
        """The bank as the firm these tests play is asked it: they tick every first option."""
        whole = self.app.extensions["scan.bank"]
        return whole.for_sector(whole.profile_by_id["sector"].options[0].id)

    def embed_responses(self) -> list[AppResponse]:
        return [r for r in self.responses if r.method == "GET" and r.path == "/embed/"]


@pytest.fixture
def embed_site(make_app) -> Iterator[EmbedSite]:
    """Start the three servers; the scan allows framing by the partner origin only."""
    urls: dict[str, str] = {}
    with ExitStack() as servers:
        partner = servers.enter_context(
            serving(partner_site(lambda: urls["scan"]), host="127.0.0.2")
        )
        other = servers.enter_context(serving(partner_site(lambda: urls["scan"]), host="127.0.0.3"))
        partner_url = f"http://{partner}"
        app = make_app(SERVER_NAME=None, EMBED_ALLOWED_ORIGINS=partner_url)
        responses: list[AppResponse] = []
        app.wsgi_app = recording(app.wsgi_app, responses)
        scan = servers.enter_context(serving(app))
        # "localhost" resolves to 127.0.0.1, so the scan is another site than 127.0.0.2.
        urls["scan"] = "http://localhost:" + scan.rsplit(":", 1)[1]
        yield EmbedSite(app, urls["scan"], partner_url, f"http://{other}", responses)


# --- Chromium -----------------------------------------------------------------------------------


@dataclass
class BrowserLog:
    """What the pages of one browser asked for, got, and said on the console."""

    requests: list[Request] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    console: list[ConsoleMessage] = field(default_factory=list)
    errors: list[WebError] = field(default_factory=list)

    def watch(self, context: BrowserContext) -> None:
        context.on("request", lambda request: self.requests.append(request))
        context.on("response", lambda response: self.responses.append(response))
        context.on("console", lambda message: self.console.append(message))
        context.on("weberror", lambda error: self.errors.append(error))

    def problems(self) -> list[str]:
        """Console errors and warnings, and uncaught script errors, of every frame."""
        said = [
            f"{m.type}: {m.text} ({m.location.get('url', '')})"
            for m in self.console
            if m.type in ("error", "warning")
        ]
        return said + [f"uncaught: {e.error}" for e in self.errors]


@dataclass
class Chromium:
    context: BrowserContext
    page: Page
    log: BrowserLog


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture
def launch_chromium(
    playwright_instance: Playwright, chromium_path: str, tmp_path: Path, embed_site: EmbedSite
) -> Iterator[Callable[[dict], Chromium]]:
    """Return a launcher of Chromium on a fresh profile holding the given preferences.

    A persistent context is the whole browser on a profile directory, so the profile's own
    cookie setting applies (a context of `browser.new_context()` is an incognito-like profile
    whose preferences cannot be set). Depends on `embed_site`, so the browser is gone before
    the servers stop.
    """
    launched: list[BrowserContext] = []

    def launch(preferences: dict) -> Chromium:
        profile = tmp_path / f"profile-{len(launched)}"
        (profile / "Default").mkdir(parents=True)
        (profile / "Default" / "Preferences").write_text(json.dumps(preferences))
        context = playwright_instance.chromium.launch_persistent_context(
            profile, executable_path=chromium_path, args=CHROMIUM_ARGS, viewport=DESKTOP
        )
        launched.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        log = BrowserLog()
        log.watch(context)
        page = context.pages[0] if context.pages else context.new_page()
        return Chromium(context, page, log)

    yield launch
    for context in launched:
        context.close()


@pytest.fixture
def chromium(launch_chromium) -> Chromium:
    """Chromium with third-party cookies blocked in its settings."""
    return launch_chromium(BLOCK_THIRD_PARTY_COOKIES)


# --- third-party cookies ----------------------------------------------------------------------


def probe_cookie_in(frame: Frame) -> str:
    """Let the scan's page in `frame` set the probe cookie; answer document.cookie after."""
    return frame.evaluate(
        "cookie => { document.cookie = cookie; return document.cookie; }", PROBE_COOKIE
    )


def assert_frame_is_third_party(page: Page, frame: Frame, site: EmbedSite) -> None:
    assert origin(page.url) == site.partner_url
    assert origin(frame.url) == site.scan_url
    assert frame.parent_frame == page.main_frame


def assert_third_party_cookies_blocked(chromium: Chromium, frame: Frame, site: EmbedSite) -> None:
    """The scan's page inside the partner's iframe cannot keep a cookie."""
    assert_frame_is_third_party(chromium.page, frame, site)
    assert frame.evaluate("window.isSecureContext"), "the probe needs a secure context"
    assert "embedprobe" not in probe_cookie_in(frame), "third-party cookies are NOT blocked"
    assert chromium.context.cookies() == [], "the browser stored a third-party cookie"


def assert_first_party_cookies_kept(chromium: Chromium, site: EmbedSite) -> None:
    """The same cookie sticks in a top-level page of the scan's origin: only 3P is blocked."""
    page = chromium.context.new_page()
    try:
        page.goto(site.scan_url + "/privacy")
        assert "embedprobe=1" in probe_cookie_in(page.main_frame)
        stored = [c["name"] for c in chromium.context.cookies(site.scan_url)]
        assert stored == ["embedprobe"]
    finally:
        page.close()


# --- the iframe and the partner page ------------------------------------------------------------


def scan_frame(iframe: Locator, site: EmbedSite) -> Frame:
    """The Frame inside an iframe element, once it shows a page of the scan."""
    frame = iframe.element_handle().content_frame()
    assert frame is not None, "the iframe has no frame"
    frame.wait_for_load_state("load")
    assert origin(frame.url) == site.scan_url, frame.url
    return frame


def wait_until_embedded(page: Page, count: int = 1) -> Locator:
    """Wait for embed.js to have made `count` iframes; return them."""
    iframes = page.locator("iframe")
    page.wait_for_function("n => document.querySelectorAll('iframe').length === n", arg=count)
    return iframes


def measure(iframe: Locator, frame: Frame) -> dict:
    outer = iframe.evaluate("el => el.getBoundingClientRect().height")
    inner = frame.evaluate(
        """() => ({
            height: Math.ceil(document.documentElement.getBoundingClientRect().height),
            scrollHeight: document.documentElement.scrollHeight,
            innerHeight: window.innerHeight,
        })"""
    )
    return {"iframe": outer, **inner}


def fits(m: dict) -> bool:
    return (
        abs(m["iframe"] - m["height"]) <= HEIGHT_TOLERANCE
        and m["scrollHeight"] <= m["innerHeight"] + 1
    )


def assert_height_follows(page: Page, iframe: Locator, frame: Frame, where: str) -> float:
    """Wait until the iframe is as tall as its document, with no inner scrollbar.

    The two sides live in different processes (the frame is cross-site), so both are polled.
    Returns the iframe's height.
    """
    measured = []
    for _ in range(100):
        m = measure(iframe, frame)
        measured.append(m)
        if fits(m):
            return m["iframe"]
        page.wait_for_timeout(50)
    pytest.fail(
        f"{where}: the iframe's height does not follow its content "
        f"(iframe height vs ceil(documentElement height), scrollHeight vs innerHeight): "
        f"first {measured[0]}, last {measured[-1]}",
        pytrace=False,
    )


def assert_scrolled_to(page: Page, iframe: Locator, where: str) -> None:
    """The partner page shows the top of the iframe (data-offset is 0)."""
    handle = iframe.element_handle()
    try:
        page.wait_for_function(
            "el => Math.abs(el.getBoundingClientRect().top) <= 2", arg=handle, timeout=5000
        )
    except Exception:
        state = page.evaluate(
            "el => ({top: el.getBoundingClientRect().top, scrollY: window.scrollY,"
            " offsetTop: el.offsetTop})",
            handle,
        )
        pytest.fail(f"{where}: the partner page did not scroll to the iframe: {state}", False)
    state = page.evaluate("el => [window.scrollY, el.offsetTop]", handle)
    assert abs(state[0] - state[1]) <= 2, f"{where}: scrollY vs the iframe's offsetTop: {state}"


def scroll_away(page: Page, iframe: Locator) -> None:
    """Scroll the partner page to its bottom, far below the iframe's top."""
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    top = iframe.evaluate("el => el.getBoundingClientRect().top")
    assert top < -FILLER_PX / 2, f"the iframe's top is still near the view: {top}"


def navigate_in_frame(frame: Frame, click: Callable[[], None]) -> Response:
    """Click something that loads another page in the frame; it must load fine."""
    with frame.expect_navigation(wait_until="load") as navigation:
        click()
    response = navigation.value
    assert response is not None, "the click did not navigate the frame"
    if not response.ok:
        request = response.request
        sent = request.redirected_from or request
        pytest.fail(
            f"{sent.method} {sent.url} (Origin: {sent.all_headers().get('origin')}, "
            f"Sec-Fetch-Site: {sent.all_headers().get('sec-fetch-site')}) ended in "
            f"{response.status} {response.url}: "
            f"{frame.get_by_role('heading', level=1).inner_text()!r}",
            pytrace=False,
        )
    return response


def step_in_frame(page: Page, iframe: Locator, frame: Frame, click: Callable[[], None]) -> None:
    """Move the frame to another page of the journey, from a partner page scrolled away."""
    scroll_away(page, iframe)
    navigate_in_frame(frame, click)


def answer_from_the_page(frame: Frame) -> list[str]:
    """Answer every question the step shows: the first option of each radio group, the first
    checkbox of each checkbox group, the postcode typed in its field. Returns the questions."""
    form = frame.locator("form.step-form")
    asked = []
    postcode = form.locator("input.postcode")
    for index in range(postcode.count()):
        field_ = postcode.nth(index)
        asked.append(form.locator(f'label[for="{field_.get_attribute("id")}"]').inner_text())
        field_.fill(POSTCODE)
    groups = form.locator("fieldset")
    for index in range(groups.count()):
        group = groups.nth(index)
        asked.append(group.locator("legend").inner_text())
        radios = group.get_by_role("radio")
        if radios.count():
            radios.first.check()
        else:
            group.get_by_role("checkbox").first.check()
    return asked


def questions_of_step(bank, step: str) -> list[str]:
    items = bank.profile if step == PROFILE_STEP else bank.themes_by_id[step].all_questions
    return sorted(str(item.text) for item in items)


def path_of(frame: Frame) -> list[str]:
    return urlsplit(frame.url).path.strip("/").split("/")


def assert_private(chromium: Chromium, site: EmbedSite, host_page: str) -> None:
    """Nothing left localhost:<port> but the partner page's own requests; no cookies at all."""
    assert chromium.log.requests, "no request recorded"
    elsewhere = [
        f"{r.method} {r.url}"
        for r in chromium.log.requests
        if origin(r.url) not in (site.scan_url, host_page)
    ]
    assert not elsewhere, "requests to another host:\n" + "\n".join(elsewhere)
    from_frames = [
        f"{r.method} {r.url}"
        for r in chromium.log.requests
        if r.frame != chromium.page.main_frame and origin(r.url) != site.scan_url
    ]
    assert not from_frames, "the iframe asked another host:\n" + "\n".join(from_frames)
    received = [
        f"{r.status} {r.url}: {h['value']}"
        for r in chromium.log.responses
        for h in r.headers_array()
        if h["name"].lower() == "set-cookie"
    ]
    assert not received, "responses that set a cookie:\n" + "\n".join(received)
    sent = [f"{r.status} {r.method} {r.path}" for r in site.responses if r.header("Set-Cookie")]
    assert not sent, "the scan sent Set-Cookie on:\n" + "\n".join(sent)
    assert chromium.context.cookies() == [], chromium.context.cookies()


def assert_quiet(chromium: Chromium, where: str) -> None:
    problems = chromium.log.problems()
    assert not problems, f"{where}: console errors or warnings:\n" + "\n".join(problems)


# --- the tests ----------------------------------------------------------------------------------


def test_whole_scan_and_lead_inside_the_iframe_with_third_party_cookies_blocked(
    embed_site: EmbedSite, chromium: Chromium
):
    site, page, bank = embed_site, chromium.page, embed_site.bank
    response = page.goto(site.partner_url + "/")
    assert response is not None and response.status == 200
    iframe = wait_until_embedded(page).first
    assert iframe.get_attribute("title") == "Digitale scan voor ondernemers"
    frame = scan_frame(iframe, site)
    assert frame.get_by_role("heading", level=1).inner_text() == LANDING_HEADING
    assert_third_party_cookies_blocked(chromium, frame, site)
    # The ondernemer scrolls down to the scan (Chromium sizes a cross-site frame's viewport
    # only once it has been on screen).
    iframe.scroll_into_view_if_needed()
    assert_height_follows(page, iframe, frame, "landing page")

    step_in_frame(
        page, iframe, frame, lambda: frame.get_by_role("button", name="Start de scan").click()
    )
    steps = step_ids(bank)
    for index, step in enumerate(steps):
        where = f"step {step}"
        assert path_of(frame)[:2] == ["embed", "scan"] and path_of(frame)[3] == step, frame.url
        token = path_of(frame)[2]
        assert_scrolled_to(page, iframe, where)
        assert_height_follows(page, iframe, frame, where)
        assert sorted(answer_from_the_page(frame)) == questions_of_step(bank, step), where
        # Answering may change the height (nothing unfolds here, but it must still fit).
        assert_height_follows(page, iframe, frame, f"{where}, answered")
        button = "Bekijk je resultaat" if index == len(steps) - 1 else "Volgende stap"
        step_in_frame(
            page,
            iframe,
            frame,
            lambda name=button: frame.get_by_role("button", name=name, exact=True).click(),
        )

    assert path_of(frame) == ["embed", "scan", token, RESULT_STEP], frame.url
    assert_scrolled_to(page, iframe, "result page")
    wide = assert_height_follows(page, iframe, frame, "result page")
    # Unfolding a <details> makes the page taller: the iframe grows with it.
    frame.get_by_text("Hoe kiezen we het advies?").click()
    unfolded = assert_height_follows(page, iframe, frame, "result page, details open")
    assert unfolded > wide, (wide, unfolded)
    # A phone: narrower, so taller; and back.
    page.set_viewport_size(PHONE)
    phone = assert_height_follows(page, iframe, frame, "result page at 375 px")
    assert phone > unfolded, (unfolded, phone)
    page.set_viewport_size(DESKTOP)
    back = assert_height_follows(page, iframe, frame, "result page back at 1280 px")
    assert abs(back - unfolded) <= HEIGHT_TOLERANCE, (unfolded, back)

    step_in_frame(
        page,
        iframe,
        frame,
        lambda: frame.get_by_role("link", name="Neem contact met mij op", exact=True).click(),
    )
    assert path_of(frame) == ["embed", "scan", token, "contact"], frame.url
    assert_scrolled_to(page, iframe, "contact form")
    assert_height_follows(page, iframe, frame, "contact form")
    page.set_viewport_size(PHONE)
    assert_height_follows(page, iframe, frame, "contact form at 375 px")
    for label, value in CONTACT.items():
        frame.get_by_label(label, exact=True).fill(value)
    frame.get_by_label("E-mailadres", exact=True).fill(EMAIL)
    consent = frame.locator("form.contact-form #consent")
    assert not consent.is_checked(), "consent must not be pre-ticked"
    reminder = frame.locator("form.contact-form #follow_up")
    assert not reminder.is_checked(), "the reminder's consent must not be pre-ticked"
    consent.check()
    step_in_frame(
        page,
        iframe,
        frame,
        lambda: frame.get_by_role("button", name="Verstuur mijn vraag", exact=True).click(),
    )
    assert path_of(frame) == ["embed", "scan", token, "contact", "verstuurd"], frame.url
    assert frame.get_by_role("heading", level=1).inner_text() == SENT_HEADING
    assert_scrolled_to(page, iframe, "lead sent")
    assert_height_follows(page, iframe, frame, "lead sent at 375 px")
    assert page.url == site.partner_url + "/", "the partner page itself never navigated"

    with database(site.app).sessions() as session:
        scans = session.scalars(select(Scan)).all()
        assert [(s.token, s.partner, s.embed_origin) for s in scans] == [
            (token, PARTNER, site.partner_url)
        ]
        leads = session.scalars(select(Lead)).all()
        assert [(lead.partner, lead.email, lead.scan_id) for lead in leads] == [
            (PARTNER, EMAIL, scans[0].id)
        ]
    posts = [(r.path, r.status) for r in site.responses if r.method == "POST"]
    assert posts and all(status == 303 for _, status in posts), posts
    assert_quiet(chromium, "the embedded journey")
    assert_private(chromium, site, site.partner_url)
    # Only now (it stores a cookie): a first-party page of the scan's origin keeps it.
    assert_first_party_cookies_kept(chromium, site)


def test_the_cookie_probe_sees_third_party_cookies_where_they_are_allowed(
    embed_site: EmbedSite, launch_chromium
):
    """The control: the same probe in the same iframe sticks when the profile allows 3P
    cookies, so its failing to stick above is the blocking at work, not the probe."""
    allowing = launch_chromium(ALLOW_THIRD_PARTY_COOKIES)
    allowing.page.goto(embed_site.partner_url + "/")
    frame = scan_frame(wait_until_embedded(allowing.page).first, embed_site)
    assert_frame_is_third_party(allowing.page, frame, embed_site)
    assert "embedprobe=1" in probe_cookie_in(frame)
    assert [c["name"] for c in allowing.context.cookies(embed_site.scan_url)] == ["embedprobe"]


def test_two_embeds_on_one_page_are_independent(embed_site: EmbedSite, chromium: Chromium):
    site, page = embed_site, chromium.page
    page.goto(site.partner_url + "/twee")
    iframes = wait_until_embedded(page, 2)
    first, second = iframes.nth(0), iframes.nth(1)
    first_frame, second_frame = scan_frame(first, site), scan_frame(second, site)
    assert first_frame != second_frame
    assert_third_party_cookies_blocked(chromium, second_frame, site)
    first.scroll_into_view_if_needed()
    assert_height_follows(page, first, first_frame, "first embed, landing page")
    second.scroll_into_view_if_needed()
    second_height = assert_height_follows(page, second, second_frame, "second embed, landing")

    # The first moves on: its height follows, the page scrolls to it, the second stays put.
    step_in_frame(
        page,
        first,
        first_frame,
        lambda: first_frame.get_by_role("button", name="Start de scan").click(),
    )
    assert path_of(first_frame)[-1] == PROFILE_STEP
    assert_scrolled_to(page, first, "first embed, profile")
    first_height = assert_height_follows(page, first, first_frame, "first embed, profile")
    answer_from_the_page(first_frame)
    step_in_frame(
        page,
        first,
        first_frame,
        lambda: first_frame.get_by_role("button", name="Volgende stap").click(),
    )
    assert path_of(first_frame)[-1] == site.bank.themes[0].id
    assert_scrolled_to(page, first, "first embed, first theme")
    first_height = assert_height_follows(page, first, first_frame, "first embed, first theme")
    assert second.evaluate("el => el.getBoundingClientRect().height") == second_height
    assert second_frame.get_by_role("heading", level=1).inner_text() == LANDING_HEADING

    # Then the second: the page scrolls to the second iframe, the first keeps its height.
    step_in_frame(
        page,
        second,
        second_frame,
        lambda: second_frame.get_by_role("button", name="Start de scan").click(),
    )
    assert path_of(second_frame)[-1] == PROFILE_STEP
    assert_scrolled_to(page, second, "second embed, profile")
    assert_height_follows(page, second, second_frame, "second embed, profile")
    assert first.evaluate("el => el.getBoundingClientRect().height") == first_height
    assert path_of(first_frame)[-1] == site.bank.themes[0].id
    assert path_of(first_frame)[2] != path_of(second_frame)[2], "two scans, two tokens"

    with database(site.app).sessions() as session:
        scans = session.scalars(select(Scan)).all()
        assert sorted((s.partner, s.embed_origin) for s in scans) == [
            (PARTNER, site.partner_url),
            (PARTNER, site.partner_url),
        ]
    assert_quiet(chromium, "two embeds")
    assert_private(chromium, site, site.partner_url)


def test_plain_iframe_alternative_shows_the_scan_at_its_fixed_height(
    embed_site: EmbedSite, chromium: Chromium
):
    site, page = embed_site, chromium.page
    page.goto(site.partner_url + "/iframe")
    iframe = page.locator("iframe")
    frame = scan_frame(iframe, site)
    assert_third_party_cookies_blocked(chromium, frame, site)
    heading = frame.get_by_role("heading", level=1)
    assert heading.inner_text() == LANDING_HEADING and heading.is_visible()
    assert frame.get_by_role("button", name="Start de scan").is_visible()
    # No script of the partner: nothing resizes it, it keeps the height the partner gave it.
    page.wait_for_timeout(300)
    assert iframe.evaluate("el => el.getBoundingClientRect().height") == 1100
    navigate_in_frame(frame, lambda: frame.get_by_role("button", name="Start de scan").click())
    assert path_of(frame)[-1] == PROFILE_STEP
    assert frame.locator("form.step-form").is_visible()
    assert iframe.evaluate("el => el.getBoundingClientRect().height") == 1100
    with database(site.app).sessions() as session:
        assert [s.partner for s in session.scalars(select(Scan))] == [PARTNER]
    assert_quiet(chromium, "plain iframe")
    assert_private(chromium, site, site.partner_url)


def test_a_site_that_is_not_allowed_cannot_frame_the_scan(
    embed_site: EmbedSite, chromium: Chromium
):
    site, page = embed_site, chromium.page
    page.goto(site.other_url + "/")
    iframe = wait_until_embedded(page).first
    frame = iframe.element_handle().content_frame()
    assert frame is not None
    # Chromium replaces a frame refused by frame-ancestors with an error page.
    for _ in range(100):
        if frame.url.startswith("chrome-error://"):
            break
        page.wait_for_timeout(50)
    assert frame.url.startswith("chrome-error://"), f"the frame shows {frame.url}"
    assert LANDING_HEADING not in frame.content()
    # The server answered, with a policy that does not name this origin.
    (answered,) = site.embed_responses()
    assert answered.status == 200
    policy = answered.header("Content-Security-Policy") or ""
    ancestors = next(d for d in policy.split(";") if d.strip().startswith("frame-ancestors"))
    assert ancestors.split() == ["frame-ancestors", "'self'", site.partner_url], policy
    assert "127.0.0.3" not in policy
    assert answered.header("X-Frame-Options") is None
    # Nothing resized it: the scan never talked to this page.
    assert iframe.evaluate("el => el.getBoundingClientRect().height") == 600
    refused = [m.text for m in chromium.log.console if "frame-ancestors" in m.text]
    assert refused and all(f"'self' {site.partner_url}" in text for text in refused), (
        f"no CSP refusal naming the allowed origin on the console: {chromium.log.problems()}"
    )
    assert_private(chromium, site, site.other_url)


def test_errors_inside_the_frame_take_the_focus(embed_site: EmbedSite, chromium: Chromium):
    """Chromium blocks autofocus in a cross-site frame; scan.js focuses the error summary."""
    site, page = embed_site, chromium.page
    page.goto(site.partner_url + "/")
    iframe = wait_until_embedded(page).first
    frame = scan_frame(iframe, site)
    iframe.scroll_into_view_if_needed()
    navigate_in_frame(frame, lambda: frame.get_by_role("button", name="Start de scan").click())
    with frame.expect_navigation(wait_until="load") as navigation:
        frame.get_by_role("button", name="Volgende stap", exact=True).click()  # nothing answered
    assert navigation.value is not None and navigation.value.status == 422
    focused = "document.activeElement && document.activeElement.classList.contains('error-summary')"
    for _ in range(40):
        if frame.evaluate(focused):
            break
        page.wait_for_timeout(50)
    assert frame.evaluate(focused), "the error summary in the frame does not have the focus"
    assert page.evaluate("document.activeElement.tagName") == "IFRAME"


def test_a_rescan_inside_the_iframe_stays_in_the_frame(
    embed_site: EmbedSite, chromium: Chromium, axe_violations
):
    """Issue 17: "Doe de scan opnieuw" in the embed starts the re-scan in the same iframe,
    asks which steps were taken, and shows what changed; the frame fits every page and each
    page in it passes axe (run inside the frame)."""
    site, page, bank = embed_site, chromium.page, embed_site.bank
    page.goto(site.partner_url + "/")
    iframe = wait_until_embedded(page).first
    frame = scan_frame(iframe, site)
    iframe.scroll_into_view_if_needed()

    def next_page(name: str) -> None:
        step_in_frame(
            page, iframe, frame, lambda: frame.get_by_role("button", name=name, exact=True).click()
        )
        assert_scrolled_to(page, iframe, frame.url)
        assert_height_follows(page, iframe, frame, frame.url)

    next_page("Start de scan")
    steps = step_ids(bank)
    for index, _step in enumerate(steps):
        answer_from_the_page(frame)  # the first options: the weakest answers, much advice
        next_page("Bekijk je resultaat" if index == len(steps) - 1 else "Volgende stap")
    first = path_of(frame)[2]
    assert path_of(frame) == ["embed", "scan", first, RESULT_STEP]

    reports = []
    next_page("Doe de scan opnieuw")
    again = path_of(frame)[2]
    assert path_of(frame) == ["embed", "scan", again, "stappen"] and again != first
    reports.append(axe_violations(frame, "steps taken, in the iframe"))
    assert answer_from_the_page(frame) == [
        "Welke van deze stappen heb je sinds de vorige scan gezet?"
    ]
    taken = frame.locator("form.step-form").get_by_role("checkbox").first
    taken_title = frame.locator(f'label[for="{taken.get_attribute("id")}"]').inner_text()
    for _step in steps:  # every answer is filled in already
        next_page("Volgende stap")
    next_page("Bekijk je resultaat")
    assert path_of(frame) == ["embed", "scan", again, RESULT_STEP]
    section = frame.locator("#veranderd")
    assert section.get_by_role("heading", level=2).inner_text() == (
        "Wat is er veranderd sinds je vorige scan?"
    )
    assert taken_title in section.inner_text()
    reports.append(axe_violations(frame, "re-scan result, in the iframe"))
    assert not [r for r in reports if r], "\n\n".join(r for r in reports if r)

    with database(site.app).sessions() as session:
        scans = {s.token: s for s in session.scalars(select(Scan))}
        assert scans[again].previous_token == first
        assert scans[again].embed_origin == scans[first].embed_origin == site.partner_url
        assert scans[again].steps_taken and scans[again].partner == PARTNER
    assert page.url == site.partner_url + "/", "the partner page itself never navigated"
    assert_quiet(chromium, "the re-scan in the embed")
    assert_private(chromium, site, site.partner_url)
