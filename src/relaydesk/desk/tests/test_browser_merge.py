"""A real browser merges two tickets: search in the panel, the confirm page, the target."""

import shutil

import pytest

from relaydesk.desk.tests.test_browser import CHROMIUM, FLAGS, sign_in
from relaydesk.tickets import services
from relaydesk.tickets.models import Channel, Ticket


@pytest.mark.browser
@pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian chromium is not installed")
def test_agent_merges_a_duplicate_from_the_ticket_page(
    transactional_db, live_server, agent, ticket, customer, support
):
    from playwright.sync_api import expect, sync_playwright

    target = services.create_ticket(
        actor=customer,
        requester=customer,
        subject="Printer smoking again",
        body=services.Body("Same printer, more smoke."),
        channel=Channel.EMAIL,
        department=support,
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        failures = []
        page.on("console", lambda m: failures.append(m.text) if m.type == "error" else None)
        sign_in(page, live_server.url, agent, then=f"/desk/tickets/{ticket.number}/")
        page.click("summary:has-text('Merge into')")
        page.fill("details.merge input[name=q]", "smoking")
        page.click(f"#merge-candidates a:has-text('#{target.number}')")
        expect(page.locator(".merge-target")).to_contain_text("Printer smoking again")
        page.click(f"button:has-text('Merge #{ticket.number} into #{target.number}')")
        expect(page).to_have_url(f"{live_server.url}/desk/tickets/{target.number}/")
        expect(page.locator("#conversation")).to_contain_text("It started smoking")
        browser.close()
    assert [f for f in failures if "Content Security Policy" in f] == []
    assert Ticket.objects.get(pk=ticket.pk).merged_into == target
