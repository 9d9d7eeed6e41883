"""Under the Content-Security-Policy, injected code does not run, and every browser test
hears of it: the page fixture fails a test whose pages met a violation."""

import pytest

from tests.kits.browser import watch_csp

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

INJECT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.injected = true";
  document.head.append(script);
  document.body.insertAdjacentHTML("beforeend", '<p id="styled" style="color: red">x</p>');
}"""


def test_injected_inline_code_is_refused_and_reported(browser, live_server):
    context = browser.new_context()
    violations = watch_csp(context)
    tab = context.new_page()
    try:
        tab.goto(live_server.url + "/accounts/login/")
        assert violations == []  # the page itself needs nothing the policy refuses
        with tab.expect_console_message(lambda message: "style-src" in message.text):
            tab.evaluate(INJECT)
        assert tab.evaluate("window.injected") is None
        assert any("script-src" in text for text in violations)
        assert any("style-src" in text for text in violations)
    finally:
        context.close()
