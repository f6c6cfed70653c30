"""The bell and the mail template editor in a real browser (headless Debian Chromium), in
English and in Persian (right to left). Screenshots go to $RELAYDESK_SCREENSHOT_DIR if set."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from relaydesk.desk.tests.test_browser import CHROMIUM, FLAGS, sign_in
from relaydesk.tickets import services
from relaydesk.tickets.services import Body


@pytest.mark.browser
@pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian chromium is not installed")
@pytest.mark.parametrize("language", ["en", "fa"])
def test_bell_list_and_template_editor(
    transactional_db,
    live_server,
    language,
    ticket,
    agent,
    supervisor,
    admin_user,
    tmp_path,
    settings,
):
    from playwright.sync_api import expect, sync_playwright

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    out = Path(os.environ.get("RELAYDESK_SCREENSHOT_DIR") or tmp_path)
    for user in (agent, admin_user):
        user.language = language
        user.save()
    services.update_ticket(ticket, actor=supervisor, assignee=agent)
    services.add_message(
        ticket, actor=supervisor, body=Body("@alice can you call them today?"), internal=True
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        failures: list[str] = []
        page.on("console", lambda m: failures.append(m.text) if m.type == "error" else None)
        sign_in(page, live_server.url, agent)
        expect(page.locator("#notification-bell .bell-count")).to_contain_text("2")
        page.click("#notification-bell")
        expect(page.locator(".notification.unread")).to_have_count(2)
        page.screenshot(path=str(out / f"notifications-{language}.png"))
        page.locator(".notification-open").first.click()
        expect(page.locator("#notification-bell .bell-count")).to_contain_text("1")
        page.context.clear_cookies()

        sign_in(page, live_server.url, admin_user)
        page.goto(f"{live_server.url}/desk/mail-templates/")
        page.screenshot(path=str(out / f"mail-templates-{language}.png"), full_page=True)
        page.goto(f"{live_server.url}/desk/mail-templates/status/{language}/")
        page.fill("textarea[name=body]", "Hello {{ customer.name }}, #{{ ticket.number }} moved.")
        expect(page.locator("#template-preview pre")).to_contain_text(
            f"Hello Carol Customer, #{ticket.number} moved."
        )
        page.screenshot(path=str(out / f"mail-template-edit-{language}.png"), full_page=True)
        browser.close()
    assert [f for f in failures if "Content Security Policy" in f] == []
