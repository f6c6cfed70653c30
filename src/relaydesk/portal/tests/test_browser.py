"""One real browser run of the customer's side: sign up, ask with a file, get the agent's
reply (written in the desk by another browser), rate it."""

import re
import shutil

import pytest
from django.core import mail

from relaydesk.conftest import PASSWORD
from relaydesk.desk.tests.test_browser import CHROMIUM, FLAGS
from relaydesk.portal.models import SatisfactionRating
from relaydesk.tickets.models import Ticket


@pytest.mark.browser
@pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian chromium is not installed")
def test_new_customer_signs_up_asks_gets_the_reply_and_rates_it(
    transactional_db, live_server, agent, tmp_path
):
    from playwright.sync_api import expect, sync_playwright

    screenshot = tmp_path / "screen.png"
    screenshot.write_bytes(b"\x89PNG pretend screenshot")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        customer = browser.new_page()
        failures = []
        customer.on("console", lambda m: failures.append(m.text) if m.type == "error" else None)

        customer.goto(f"{live_server.url}/")
        customer.click("a.button:has-text('Create an account')")
        customer.fill("input[name=email]", "nina@example.test")
        customer.fill("input[name=name]", "Nina New")
        customer.click("button[type=submit]:has-text('Sign up')")
        expect(customer.locator("h1")).to_have_text("Check your mail")
        [link] = re.findall(r"http://\S+/signup/\S+/", mail.outbox[0].body)
        customer.goto(live_server.url + link.split("8000", 1)[1])
        customer.fill("input[name=password1]", PASSWORD)
        customer.fill("input[name=password2]", PASSWORD)
        customer.click("button[type=submit]")
        expect(customer.locator("h1")).to_have_text("My requests")

        customer.click("nav >> text=New request")
        customer.fill("input[name=subject]", "Screen flickers")
        customer.click(".rich-area")  # the rich-text editor over the description
        customer.keyboard.type("Since the update the ")
        customer.click("button[data-command=bold]")
        customer.keyboard.type("screen flickers")
        customer.click("button[data-command=bold]")
        customer.keyboard.type(".")
        customer.set_input_files("input[name=attachments]", str(screenshot))
        customer.click("button[type=submit]:has-text('Send request')")
        expect(customer.locator("#conversation")).to_contain_text("screen flickers")
        expect(customer.locator("#conversation .message-body b")).to_have_text("screen flickers")
        expect(customer.locator("#conversation .attachments")).to_contain_text("screen.png")
        number = customer.url.rstrip("/").rsplit("/", 1)[1]  # no ORM inside Playwright's loop

        desk = browser.new_page()
        desk.goto(f"{live_server.url}/desk/tickets/{number}/")
        desk.fill("input[name=username]", agent.email)
        desk.fill("input[name=password]", PASSWORD)
        desk.click("button[type=submit]:has-text('Sign in')")
        desk.fill("#composer textarea", "Please update the graphics driver.")
        desk.select_option("#composer select[name=status]", "solved")
        desk.click("#composer button[type=submit]")
        expect(desk.locator("#conversation .message-reply")).to_contain_text("graphics driver")

        customer.reload()
        expect(customer.locator("#conversation")).to_contain_text("graphics driver")
        customer.check("input[name=score][value='5']")
        customer.fill("textarea[name=comment]", "Fixed, thanks!")
        customer.click("button:has-text('Send rating')")
        expect(customer.locator(".rating-given")).to_contain_text("Fixed, thanks!")
        browser.close()
    assert [f for f in failures if "Content Security Policy" in f] == []
    rating = SatisfactionRating.objects.get(ticket=Ticket.objects.get(number=number))
    assert (rating.score, rating.requester.email) == (5, "nina@example.test")
