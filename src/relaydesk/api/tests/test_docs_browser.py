"""The browsable reference renders under the site's CSP, in a real headless Chromium."""

import shutil

import pytest

from relaydesk.desk.tests.test_browser import CHROMIUM, FLAGS


@pytest.mark.browser
@pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian chromium is not installed")
def test_api_docs_render_under_the_content_security_policy(live_server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        failures: list[str] = []
        page.on("console", lambda m: failures.append(m.text) if m.type == "error" else None)
        page.goto(f"{live_server.url}/api/v1/docs")
        # A generous wait, not a speed check: the schema takes seconds on a loaded machine.
        expect(page.locator(".swagger-ui .info .title")).to_contain_text(
            "Relaydesk API", timeout=60_000
        )
        expect(page.locator(".opblock-summary-path").first).to_be_visible()
        page.screenshot(path=str(tmp_path / "api-docs.png"), full_page=False)
        browser.close()
    assert [f for f in failures if "Content Security Policy" in f] == []
