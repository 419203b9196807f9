"""The Content-Security-Policy holds in a real Chromium: an inline script is refused
(and says so in the console, which the every-page test listens to), while the desk's
own scripts run."""
import pytest

pytestmark = pytest.mark.browser


def test_an_inline_script_is_refused_and_the_desks_own_scripts_run(live_server, page):
    messages = []
    page.on("console", lambda msg: messages.append(msg.text))
    page.goto(live_server + "/")
    # desk.js ran: the phone menu button is wired (it toggles aria-expanded).
    page.set_viewport_size({"width": 390, "height": 844})
    toggle = page.locator(".menu-toggle")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    page.evaluate("""() => { const s = document.createElement('script');
        s.textContent = 'window.injected = true'; document.body.appendChild(s); }""")
    page.wait_for_timeout(200)
    assert page.evaluate("window.injected === undefined")
    assert any("Content Security Policy" in m for m in messages), messages
