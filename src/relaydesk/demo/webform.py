"""The demo's embeddable contact form, shown embedded at /form/contact/example/."""

from __future__ import annotations

from relaydesk.accounts.models import Department
from relaydesk.portal.models import WebForm


def load_webform(department: Department) -> WebForm:
    return WebForm.objects.create(key="contact", name="Contact us", department=department)
