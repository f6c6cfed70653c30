"""A real browser sets up service levels: a business calendar, then a policy on it whose
organization is found by the search, listed on the setup page."""

import shutil

import pytest

from relaydesk.accounts.models import Organization
from relaydesk.desk.tests.test_browser import CHROMIUM, FLAGS, sign_in
from relaydesk.sla.models import Policy


@pytest.mark.browser
@pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian chromium is not installed")
def test_admin_creates_a_calendar_and_a_policy_and_sees_it_listed(
    transactional_db, live_server, admin_user
):
    from playwright.sync_api import expect, sync_playwright

    globex = Organization.objects.create(name="Globex")
    Organization.objects.create(name="Initech")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        failures = []
        page.on("console", lambda m: failures.append(m.text) if m.type == "error" else None)
        sign_in(page, live_server.url, admin_user, then="/desk/sla/")

        page.click("a:has-text('New calendar')")
        page.fill("input[name=name]", "Warsaw office")
        page.select_option("select[name=time_zone]", "Europe/Warsaw")
        page.fill("input[name=country]", "PL")
        page.select_option("select[name=ranges-0-weekday]", "0")
        page.fill("input[name=ranges-0-start]", "09:00")
        page.fill("input[name=ranges-0-end]", "17:00")
        page.click("button[type=submit]:has-text('Save')")
        expect(page.locator("#flash")).to_contain_text("calendar is saved")

        page.goto(f"{live_server.url}/desk/sla/")
        page.click("a:has-text('New policy')")
        page.fill("input[name=name]", "Gold customers")
        page.select_option("select[name=calendar]", label="Warsaw office")
        page.fill("input[name=targets-2-first_response]", "60")
        page.fill("#organization-search", "glob")
        page.check(f"#organization-choices input[value='{globex.pk}']")
        expect(page.locator("#organization-choices")).not_to_contain_text("Initech")
        page.click("button[type=submit]:has-text('Save')")
        expect(page.locator("#flash")).to_contain_text("policy is saved")

        page.goto(f"{live_server.url}/desk/sla/")
        row = page.locator(".rule-row", has_text="Gold customers")
        expect(row).to_contain_text("Warsaw office")
        browser.close()
    assert [f for f in failures if "Content Security Policy" in f] == []
    policy = Policy.objects.get(name="Gold customers")
    assert list(policy.organizations.all()) == [globex]
    assert policy.calendar is not None
    assert policy.calendar.ranges.count() == 1
