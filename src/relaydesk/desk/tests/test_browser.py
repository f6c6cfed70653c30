"""One real browser run: headless Debian Chromium through Playwright against the live server."""

import shutil

import pytest

from relaydesk.conftest import PASSWORD
from relaydesk.tickets.models import MessageKind

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def sign_in(page, url, user, then=""):
    """Sign `user` in through the desk's login form, then on to `then` (a path) if given."""
    page.goto(f"{url}/desk/login/" + (f"?next={then}" if then else ""))
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


@pytest.mark.browser
@pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian chromium is not installed")
def test_agent_signs_in_opens_a_ticket_and_replies(transactional_db, live_server, agent, ticket):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        failures = []
        page.on("console", lambda m: failures.append(m.text) if m.type == "error" else None)
        page.goto(f"{live_server.url}/desk/")
        page.fill("input[name=username]", agent.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]:has-text('Sign in')")
        page.click(f"a.subject-link:has-text('{ticket.subject}')")
        expect(page.locator("#conversation")).to_contain_text("It started smoking")
        page.keyboard.press("r")
        expect(page.locator("#composer textarea")).to_be_focused()
        page.keyboard.type("Please unplug it, we are sending a technician.")
        page.click("#composer button[type=submit]")
        expect(page.locator("#conversation .message-reply")).to_contain_text(
            "we are sending a technician"
        )
        expect(page.locator("#composer textarea")).to_have_value("")
        browser.close()
    # CSP must not have refused anything (the live websocket is absent on this WSGI server).
    assert [f for f in failures if "Content Security Policy" in f] == []
    reply = ticket.messages.get(kind=MessageKind.REPLY)
    assert reply.author == agent
