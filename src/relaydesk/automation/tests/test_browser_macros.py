"""An agent makes a personal macro in the desk's editor and applies it on a ticket, in a real
browser (headless Debian Chromium), in English and in Persian (right to left). Screenshots of
the editor go to $RELAYDESK_SCREENSHOT_DIR if set."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from relaydesk.automation.models import Macro
from relaydesk.desk.tests.test_browser import CHROMIUM, FLAGS, sign_in
from relaydesk.tickets.models import CustomField, FieldKind, MessageKind


@pytest.mark.browser
@pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian chromium is not installed")
@pytest.mark.parametrize("language", ["en", "fa"])
def test_agent_makes_a_personal_macro_and_applies_it(
    transactional_db, live_server, language, ticket, agent, tmp_path
):
    from playwright.sync_api import expect, sync_playwright

    out = Path(os.environ.get("RELAYDESK_SCREENSHOT_DIR") or tmp_path)
    CustomField.objects.create(key="warranty", label="Under warranty", kind=FieldKind.CHECKBOX)
    CustomField.objects.create(key="order", label="Order number", kind=FieldKind.TEXT)
    agent.language = language
    agent.save()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        failures: list[str] = []
        page.on("console", lambda m: failures.append(m.text) if m.type == "error" else None)
        sign_in(page, live_server.url, agent)
        page.goto(f"{live_server.url}/desk/automation/macros/new/")
        page.fill("input[name=name]", "Send a replacement")
        page.fill("textarea[name=body]", "A new printer is on its way for #{{ ticket.number }}.")
        page.select_option("select[name=status]", "pending")
        page.select_option("select[name=priority]", "3")
        page.select_option("select[name=assign]", "me")
        page.fill("input[name=add_tags]", "replacement")
        page.select_option("select[name=cf_warranty]", "true")
        page.fill("input[name=cf_order]", "A-17")
        expect(page.locator("#macro-preview li")).to_have_count(7)  # the live preview
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(out / f"macro-editor-{language}.png"), full_page=True)
        page.click("form.card button[type=submit].primary")
        expect(page.locator("#macro-preview li")).to_have_count(7)  # saved, shown again
        macro_id = page.url.rstrip("/").rsplit("/", 1)[-1]  # the saved macro's page

        page.goto(f"{live_server.url}/desk/tickets/{ticket.number}/")
        page.select_option("select[name=macro]", macro_id)
        page.click(".composer-tools button[formaction]")
        expect(page.locator("#conversation .message-reply")).to_contain_text(
            f"A new printer is on its way for #{ticket.number}."
        )
        expect(page.locator("#panel select[name=priority]")).to_have_value("3")
        expect(page.locator("#panel select[name=status]")).to_have_value("pending")
        expect(page.locator("#panel input[name=tags]")).to_have_value("replacement")
        expect(page.locator("#panel input[name=cf_order]")).to_have_value("A-17")
        expect(page.locator("#panel input[name=cf_warranty]")).to_be_checked()
        page.screenshot(path=str(out / f"macro-applied-{language}.png"), full_page=True)
        browser.close()
    assert [f for f in failures if "Content Security Policy" in f] == []
    assert Macro.objects.get(pk=int(macro_id)).owner == agent
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.assignee) == ("pending", 3, agent)
    assert ticket.custom_fields == {"warranty": True, "order": "A-17"}
    assert ticket.messages.filter(kind=MessageKind.REPLY).count() == 1
