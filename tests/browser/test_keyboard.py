"""The whole journey by keyboard only: Tab, Shift+Tab, Space, arrow keys, typing and Enter.

No mouse click, no Playwright check()/click()/fill(): the test reads `document.activeElement`
after each key press and decides what to press next, like someone who cannot use a mouse.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

#: More Tab presses than any page of the scan needs; a focus trap or a lost element fails.
MAX_TABS = 150

ACTIVE_ELEMENT = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  return {
    tag: e.tagName.toLowerCase(), type: e.type || null, name: e.getAttribute('name'),
    value: e.value ?? null, checked: !!e.checked, text: (e.innerText || '').trim(), id: e.id,
  };
}"""

FOCUS_STYLE = """e => {
  const s = getComputedStyle(e);
  return {
    focused: document.activeElement === e,
    focusVisible: e.matches(':focus-visible'),
    outlineStyle: s.outlineStyle, outlineWidth: s.outlineWidth, outlineColor: s.outlineColor,
    boxShadow: s.boxShadow,
  };
}"""


def active(page) -> dict | None:
    return page.evaluate(ACTIVE_ELEMENT)


def has_indicator(style: dict) -> bool:
    outline = style["outlineStyle"] != "none" and style["outlineWidth"] not in ("0px", "")
    return outline or style["boxShadow"] != "none"


def check_focus_indicator(page, what: str, focus_checks: dict) -> None:
    """Assert the focused element shows a focus indicator that it lacks without focus.

    Measures it focused, presses Shift+Tab to look at it unfocused, and Tab to come back.
    """
    if what in focus_checks:
        return
    before = active(page)
    element = page.evaluate_handle("() => document.activeElement")
    focused = element.evaluate(FOCUS_STYLE)
    assert focused["focused"] and focused["focusVisible"], focused
    assert has_indicator(focused), f"the focused {what} shows no focus indicator: {focused}"
    page.keyboard.press("Shift+Tab")
    unfocused = element.evaluate(FOCUS_STYLE)
    assert not unfocused["focused"], f"Shift+Tab did not move focus off the {what}"
    look = ("outlineStyle", "outlineWidth", "outlineColor", "boxShadow")
    assert any(focused[k] != unfocused[k] for k in look), (
        f"the {what} looks the same with and without focus: {unfocused}"
    )
    page.keyboard.press("Tab")
    assert element.evaluate("e => document.activeElement === e"), f"Tab did not return to {what}"
    assert active(page) == before
    element.dispose()
    focus_checks[what] = True


def press_enter_and_wait(page):
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    return navigation.value


def tab_to_button(page, label: str) -> None:
    """Tab until the button with this text has focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        element = active(page)
        if element and element["tag"] == "button" and element["text"] == label:
            return
    pytest.fail(f"Tab never reached the button {label!r}")


def select_radio(page, element: dict, target: str, group_size: int) -> None:
    """Move through a radio group with the arrow keys (which select) until `target` is chosen."""
    for _ in range(group_size + 1):
        if element["value"] == target:
            if not element["checked"]:
                page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
        element = active(page)
        assert element["type"] == "radio", "an arrow key left the radio group"
    pytest.fail(f"the arrow keys never reached option {target!r} of {element['name']!r}")


def answer_page_by_keyboard(page, plan: dict, submit_label: str, focus_checks: dict) -> None:
    """Tab through one step, answer every planned question, and press Enter on submit."""
    handled: set[str] = set()
    seen_checkboxes: set[tuple[str, str]] = set()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        element = active(page)
        if element is None:
            continue
        name, kind = element["name"], element["type"]
        if element["tag"] == "button" and element["text"] == submit_label:
            check_focus_indicator(page, "submit button", focus_checks)
            break
        if element["tag"] != "input" or name not in plan:
            continue
        if kind == "radio" and name not in handled:
            check_focus_indicator(page, "radio button", focus_checks)
            size = page.eval_on_selector_all(f'input[name="{name}"]', "els => els.length")
            select_radio(page, element, plan[name], size)
            handled.add(name)
        elif kind == "checkbox":
            wanted = element["value"] in plan[name]
            if wanted != element["checked"]:
                page.keyboard.press("Space")
            seen_checkboxes.add((name, element["value"]))
            handled.add(name)
        elif kind == "text" and name not in handled:
            page.keyboard.press("ControlOrMeta+A")
            page.keyboard.type(plan[name])
            handled.add(name)
    else:
        pytest.fail(f"Tab never reached the button {submit_label!r}")

    missing = set(plan) - handled
    assert not missing, f"Tab never reached these questions: {sorted(missing)}"
    for name, answer in plan.items():
        if isinstance(answer, list):
            boxes = page.eval_on_selector_all(f'input[name="{name}"]', "els => els.length")
            assert len([c for c in seen_checkboxes if c[0] == name]) == boxes, (
                f"not every checkbox of {name!r} is reachable by Tab"
            )
    # Every answer is really chosen before the page is sent.
    for name, answer in plan.items():
        if isinstance(answer, list):
            chosen = page.eval_on_selector_all(
                f'input[name="{name}"]:checked', "els => els.map(e => e.value)"
            )
            assert sorted(chosen) == sorted(answer), name
        elif page.locator(f'input[name="{name}"][type="text"]').count():
            assert page.input_value(f'input[name="{name}"]') == answer
        else:
            assert page.is_checked(f'input[name="{name}"][value="{answer}"]'), name


def leave_one_open_and_recover(page, theme, plan: dict, focus_checks: dict) -> None:
    """Send a page with one question open; follow the error summary's link to fix it."""
    skipped = next(q for q in theme.questions[1:] if q.type == "single")
    partial = {name: answer for name, answer in plan.items() if name != skipped.id}
    answer_page_by_keyboard(page, partial, "Volgende stap", focus_checks)
    response = press_enter_and_wait(page)
    assert response.status == 422
    # The error summary takes focus, so the next Tab reaches its link.
    page.wait_for_function("() => document.activeElement.getAttribute('role') === 'alert'")
    page.keyboard.press("Tab")
    link = active(page)
    assert link["tag"] == "a" and skipped.text in link["text"], link
    page.keyboard.press("Enter")
    page.wait_for_function(
        "name => document.activeElement.getAttribute('name') === name", arg=skipped.id
    )
    element = active(page)
    assert element["type"] == "radio", element
    size = page.eval_on_selector_all(f'input[name="{skipped.id}"]', "els => els.length")
    select_radio(page, element, plan[skipped.id], size)
    tab_to_button(page, "Volgende stap")
    response = press_enter_and_wait(page)
    assert response.status == 200


def test_whole_journey_by_keyboard(open_browsing, bank, journey):
    browsing = open_browsing()
    page = browsing.page
    response = page.goto(browsing.server.url + "/")
    assert response is not None and response.status == 200
    focus_checks: dict = {}

    tab_to_button(page, "Start de scan")
    check_focus_indicator(page, "start button", focus_checks)
    response = press_enter_and_wait(page)
    assert response.status == 200
    token = journey.step_path(page.url)[1]
    assert journey.step_path(page.url) == ["scan", token, "profiel"]

    profile = journey.profile_answers(bank)
    answer_page_by_keyboard(page, profile, "Volgende stap", focus_checks)
    response = press_enter_and_wait(page)
    assert response.status == 200

    answers = journey.mixed_answers(bank)
    for index, theme in enumerate(bank.themes):
        assert journey.step_path(page.url) == ["scan", token, theme.id]
        last = index == len(bank.themes) - 1
        plan = {q.id: answers[q.id] for q in theme.all_questions}
        if index == 0:
            leave_one_open_and_recover(page, theme, plan, focus_checks)
            continue
        answer_page_by_keyboard(
            page, plan, "Bekijk je resultaat" if last else "Volgende stap", focus_checks
        )
        response = press_enter_and_wait(page)
        assert response.status == 200

    assert journey.step_path(page.url) == ["scan", token, "resultaat"]
    assert set(focus_checks) == {"start button", "radio button", "submit button"}
    expected = journey.expected_scores(bank, answers)
    assert journey.shown_scores(page, bank) == expected
    browsing.assert_private()
