"""The anonymous journey in a real browser: without JavaScript, resumed, and stepping back.

Answers come from the app's loaded question bank and are found on the page by their visible
labels inside the question's fieldset, the way assistive technology finds them.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def start_scan(browsing, journey) -> str:
    """Open the landing page, press the start button; return the scan's token."""
    page = browsing.page
    response = page.goto(browsing.server.url + "/")
    assert response is not None and response.status == 200
    response = journey.submit(page, "Start de scan")
    assert response.status == 200
    parts = journey.step_path(page.url)
    assert parts[0] == "scan" and parts[2] == "profiel", page.url
    token = parts[1]
    assert len(token) >= 22, "a token of at least 128 bits"
    return token


def assert_checked(page, journey, answers: dict, questions) -> None:
    """Assert exactly the answers' options are checked for each question (and no others)."""
    for question in questions:
        answer = answers.get(question.id)
        expected = [] if answer is None else [answer] if isinstance(answer, str) else answer
        assert sorted(journey.checked_values(page, question.id)) == sorted(expected), question.id


def test_full_journey_without_javascript(open_browsing, bank, journey):
    browsing = open_browsing(javascript=False)
    page = browsing.page
    token = start_scan(browsing, journey)

    profile = journey.profile_answers(bank)
    journey.fill_profile(page, bank, profile)
    response = journey.submit(page, "Volgende stap")
    assert response.status == 200
    assert journey.step_path(page.url) == ["scan", token, bank.themes[0].id]

    answers = journey.best_answers(bank)
    first = bank.themes[0]
    # Leave one question open: the page comes back with 422 and an error summary.
    skipped = first.questions[1]
    answered = [q for q in first.all_questions if q is not skipped]
    journey.answer_theme(page, answered, answers)
    response = journey.submit(page, "Volgende stap")
    assert response.status == 422
    assert journey.step_path(page.url) == ["scan", token, first.id]

    summary = page.get_by_role("alert")
    assert summary.is_visible()
    links = summary.get_by_role("link")
    assert links.count() == 1
    link = links.first
    assert skipped.text in link.inner_text()
    href = link.get_attribute("href")
    assert href and href.startswith("#")
    target = page.locator(href)
    assert target.count() == 1, f"the error link {href} points at nothing"
    first_input_id = page.eval_on_selector(f'input[name="{skipped.id}"]', "e => e.id")
    assert href == f"#{first_input_id}", "the link goes to the first input of the question"
    # The field itself says what is wrong, tied to the fieldset for screen readers.
    message = link.inner_text().replace(skipped.text, "").strip()
    group = journey.question_group(page, skipped)
    description = group.evaluate(
        "el => (el.getAttribute('aria-describedby') || '').split(' ')"
        ".map(id => document.getElementById(id)?.textContent || '').join(' ')"
    )
    assert message and message in " ".join(description.split())
    # Nothing the ondernemer chose is lost.
    assert_checked(page, journey, answers, answered)
    assert journey.checked_values(page, skipped.id) == []

    link.click()
    assert page.url.endswith(href)
    assert page.evaluate("document.activeElement.id") == first_input_id

    journey.choose(page, skipped, answers[skipped.id])
    response = journey.submit(page, "Volgende stap")
    assert response.status == 200
    for index, theme in enumerate(bank.themes[1:], start=1):
        assert journey.step_path(page.url) == ["scan", token, theme.id]
        for question in theme.all_questions:
            dont_know = next(o for o in question.options if o.dont_know)
            assert journey.option_input(page, question, dont_know.id).count() == 1, (
                f"{question.id} offers no '{dont_know.label}'"
            )
        journey.answer_theme(page, theme.all_questions, answers)
        last = index == len(bank.themes) - 1
        response = journey.submit(page, "Bekijk je resultaat" if last else "Volgende stap")
        assert response.status == 200

    assert journey.step_path(page.url) == ["scan", token, "resultaat"]
    expected = journey.expected_scores(bank, answers)
    assert set(expected.values()) == {100}, "the best answers score 100 everywhere"
    assert journey.shown_scores(page, bank) == expected

    assert not [r.url for r in browsing.network.requests if r.resource_type == "script"], (
        "JavaScript was off, so no script may have been loaded"
    )
    browsing.assert_private()


def test_exclusive_option_cannot_be_combined_without_javascript(open_browsing, bank, journey):
    browsing = open_browsing(javascript=False)
    page = browsing.page
    token = start_scan(browsing, journey)
    journey.fill_profile(page, bank, journey.profile_answers(bank))
    journey.submit(page, "Volgende stap")

    theme, question = next((t, q) for t in bank.themes for q in t.questions if q.type == "multiple")
    answers = journey.best_answers(bank)
    for earlier in bank.themes[: bank.themes.index(theme)]:
        journey.answer_theme(page, earlier.all_questions, answers)
        journey.submit(page, "Volgende stap")
    journey.answer_theme(page, [q for q in theme.all_questions if q is not question], answers)
    exclusive = next(o for o in question.options if o.exclusive)
    other = next(o for o in question.options if not o.exclusive)
    journey.choose(page, question, [other.id, exclusive.id])
    response = journey.submit(page, "Volgende stap")

    assert response.status == 422
    assert journey.step_path(page.url) == ["scan", token, theme.id]
    summary = page.get_by_role("alert")
    assert summary.get_by_role("link").count() == 1
    assert exclusive.label in summary.inner_text()
    assert sorted(journey.checked_values(page, question.id)) == sorted([other.id, exclusive.id])
    browsing.assert_private()


def test_resume_in_a_new_browser(open_browsing, bank, journey):
    first = open_browsing()
    page = first.page
    token = start_scan(first, journey)
    profile = journey.profile_answers(bank)
    journey.fill_profile(page, bank, profile)
    journey.submit(page, "Volgende stap")
    answers = journey.mixed_answers(bank)
    journey.answer_theme(page, bank.themes[0].all_questions, answers)
    journey.submit(page, "Volgende stap")
    second_step = bank.themes[1].id
    assert journey.step_path(page.url) == ["scan", token, second_step]
    copied_url = page.url
    resume_link = page.get_by_role("link", name=re.compile(re.escape(token)))
    resume_url = resume_link.get_attribute("href")
    assert resume_url and token in resume_url
    first.close()  # as if the browser was closed

    again = open_browsing()
    page = again.page
    response = page.goto(copied_url)
    assert response is not None and response.status == 200
    assert journey.step_path(page.url) == ["scan", token, second_step]
    assert page.get_by_role("alert").count() == 0

    # The resume link leads to the first step not yet done.
    response = page.goto(resume_url)
    assert response is not None and response.status == 200
    assert journey.step_path(page.url) == ["scan", token, second_step]

    # What was sent before is still there, one and two steps back.
    response = journey.submit(page, "Vorige stap")
    assert journey.step_path(page.url) == ["scan", token, bank.themes[0].id]
    assert_checked(page, journey, answers, bank.themes[0].all_questions)
    response = journey.submit(page, "Vorige stap")
    assert journey.step_path(page.url) == ["scan", token, "profiel"]
    for item in bank.profile:
        if item.type == "postcode":
            shown = page.get_by_label(item.text, exact=True).input_value()
            # Only the four digits are stored (privacy); they come back.
            assert shown.replace(" ", "").upper()[:4] == profile[item.id][:4]
        else:
            assert journey.checked_values(page, item.id) == [profile[item.id]]

    # And the journey goes on to a result that matches the app's scoring of these answers.
    journey.submit(page, "Volgende stap")
    journey.submit(page, "Volgende stap")
    for index, theme in enumerate(bank.themes[1:], start=1):
        assert journey.step_path(page.url) == ["scan", token, theme.id]
        journey.answer_theme(page, theme.all_questions, answers)
        last = index == len(bank.themes) - 1
        journey.submit(page, "Bekijk je resultaat" if last else "Volgende stap")
    assert journey.step_path(page.url) == ["scan", token, "resultaat"]
    expected = journey.expected_scores(bank, answers)
    assert len(set(expected.values())) > 1 and 100 not in expected.values()
    assert journey.shown_scores(page, bank) == expected
    again.close()


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_previous_step_keeps_answers(open_browsing, bank, journey, javascript):
    browsing = open_browsing(javascript=javascript)
    page = browsing.page
    token = start_scan(browsing, journey)
    profile = journey.profile_answers(bank)
    journey.fill_profile(page, bank, profile)
    journey.submit(page, "Volgende stap")
    answers = journey.mixed_answers(bank)
    journey.answer_theme(page, bank.themes[0].all_questions, answers)
    journey.submit(page, "Volgende stap")

    theme = bank.themes[1]
    assert journey.step_path(page.url) == ["scan", token, theme.id]
    questions = theme.all_questions
    # Half of the page, a multiple-choice question among them when the theme has one.
    partly = list(questions[: len(questions) // 2])
    partly += [q for q in questions[len(questions) // 2 :] if q.type == "multiple"][:1]
    journey.answer_theme(page, partly, answers)
    response = journey.submit(page, "Vorige stap")
    assert response.status == 200
    assert journey.step_path(page.url) == ["scan", token, bank.themes[0].id]
    assert page.get_by_role("alert").count() == 0, "going back shows no errors"
    assert_checked(page, journey, answers, bank.themes[0].all_questions)

    response = journey.submit(page, "Volgende stap")
    assert response.status == 200
    assert journey.step_path(page.url) == ["scan", token, theme.id]
    assert page.get_by_role("alert").count() == 0, "coming back shows no errors yet"
    kept = {q.id: answers[q.id] for q in partly}
    assert_checked(page, journey, kept, questions)

    # From the first theme back to the profile: the profile is kept too.
    journey.submit(page, "Vorige stap")
    journey.submit(page, "Vorige stap")
    assert journey.step_path(page.url) == ["scan", token, "profiel"]
    for item in bank.profile:
        if item.type != "postcode":
            assert journey.checked_values(page, item.id) == [profile[item.id]]
    browsing.assert_private()


def test_an_error_link_shows_the_whole_question(open_browsing, bank, journey):
    """With JavaScript, a link in the error summary brings the question into view, not only
    its first answer (the browser alone scrolls the answer to the top edge, question above)."""
    browsing = open_browsing(viewport={"width": 1280, "height": 700})
    page = browsing.page
    start_scan(browsing, journey)
    response = journey.submit(page, "Volgende stap")  # nothing answered
    assert response.status == 422
    summary = page.locator(".error-summary")
    # The summary has the focus, so a keyboard or screen reader user starts there.
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    link = summary.get_by_role("link").first
    target_id = link.get_attribute("href")[1:]
    link.click()
    focused = page.evaluate("document.activeElement.id")
    assert focused == target_id
    question = page.locator(f"#{target_id}").locator(
        "xpath=ancestor::*[contains(@class,'question')][1]"
    )
    heading = question.locator(".question-text")
    top = heading.evaluate("el => el.getBoundingClientRect().top")
    assert 0 <= top < 700, f"the question's text is out of view (top {top})"
    assert question.locator(".field-error").is_visible()
    browsing.assert_private()
