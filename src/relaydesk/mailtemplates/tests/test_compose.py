"""Which wording a mail gets, and that nothing in a ticket can run as a template."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import translation

from relaydesk.mail import outbound
from relaydesk.mail.models import Mailbox
from relaydesk.mailtemplates import compose, services
from relaydesk.mailtemplates.catalog import PURPOSES
from relaydesk.mailtemplates.models import MailTemplate
from relaydesk.tickets import services as tickets
from relaydesk.tickets.models import Channel

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def stored(language: str, subject: str, body: str = "Body {{ ticket.number }}") -> MailTemplate:
    return MailTemplate.objects.create(
        purpose="status", language=language, subject=subject, body=body
    )


def test_built_in_text_without_templates(ticket):
    made = compose.compose("status", language="en", values={}, ticket=ticket)
    assert made.subject == f"[#{ticket.number}] New: Printer on fire"
    assert made.text.startswith("Hello Carol,")


def test_the_recipients_language_comes_first(ticket):
    stored("en", "EN {{ ticket.number }}")
    stored("fa", "FA {{ ticket.number }}")
    assert compose.compose("status", language="fa", values={}, ticket=ticket).subject == (
        f"FA {ticket.number}"
    )


def test_then_the_default_language(ticket):
    stored("en", "EN {{ ticket.number }}")
    assert compose.compose("status", language="fa", values={}, ticket=ticket).subject == (
        f"EN {ticket.number}"
    )


def test_then_the_built_in_text_in_the_recipients_language(ticket, settings):
    stored("ru", "RU only")
    made = compose.compose("status", language="pl", values={}, ticket=ticket)
    with translation.override("pl"):
        values = {**compose.ticket_values(ticket), "site.name": settings.SITE_NAME}
    assert made.subject == compose.fill(compose.builtin("status", "pl")[0], values)


@pytest.mark.parametrize(
    "subject",
    [
        "{{ customer.email }}",
        "{% debug %}{{ settings.SECRET_KEY }}",
        "{{ ticket.subject }}",
        "{% include 'base.html' %}",
    ],
)
@override_settings(TASKS=IMMEDIATE)
def test_template_syntax_in_a_ticket_subject_stays_text(
    subject, customer, agent, support, django_capture_on_commit_callbacks
):
    ticket = tickets.create_ticket(
        actor=customer,
        requester=customer,
        subject=subject,
        body=tickets.Body("Hi"),
        channel=Channel.PORTAL,
        department=support,
    )
    with django_capture_on_commit_callbacks(execute=True):
        tickets.add_message(ticket, actor=agent, body=tickets.Body("Reply {{ customer.email }}"))
    [sent] = mail.outbox
    assert subject in sent.subject
    assert customer.email not in sent.subject
    assert "Reply {{ customer.email }}" in sent.body
    assert subject in sent.body  # the footer names the request as written


def test_html_part_escapes_the_text(ticket):
    made = compose.render(
        "S",
        "<script>alert(1)</script> https://example.com/x",
        language="en",
        values={},
        ticket=ticket,
    )
    assert "<script>" not in made.html
    assert "&lt;script&gt;" in made.html
    assert 'href="https://example.com/x"' in made.html


def test_persian_html_is_right_to_left(ticket):
    made = compose.compose("status", language="fa", values={}, ticket=ticket)
    assert 'dir="rtl"' in made.html


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("", "Hello"),
        ("Hi", ""),
        ("Line\nbreak", "Hello"),
        ("x" * 201, "Hello"),
        ("Hi", "x" * 10_001),
        ("Hi {{ ticket.secret }}", "Hello"),
        ("Hi", "{% if 1 %}x{% endif %}"),
        ("Hi", "{# comment #}"),
        ("Hi", "Hello {{ customer.name"),
        ("Hi", "Hello customer.name }}"),
        ("Hi", "{{ message.body }}"),  # not a placeholder of the status mail
        ("Hi", "{{ ticket.number|upper }}"),
        ("Hi", "Hello\x00"),
    ],
)
def test_malformed_templates_are_refused(admin_user, subject, body):
    with pytest.raises(ValidationError):
        services.save(admin_user, purpose="status", language="en", subject=subject, body=body)
    assert not MailTemplate.objects.exists()


def test_every_built_in_text_passes_its_own_check():
    for purpose in PURPOSES.values():
        for language in ("en", "fa"):
            subject, body = compose.builtin(purpose.key, language)
            compose.check(purpose, subject, body)


def test_only_administrators_save(agent, supervisor):
    from django.core.exceptions import PermissionDenied

    for user in (agent, supervisor):
        with pytest.raises(PermissionDenied):
            services.save(user, purpose="status", language="en", subject="S", body="B")


@override_settings(TASKS=IMMEDIATE)
def test_acknowledgement_uses_the_edited_template(ticket, support, admin_user):
    mailbox = Mailbox.objects.create(
        name="Support", address="support@example.com", department=support, signature="The team"
    )
    services.save(
        admin_user,
        purpose="acknowledgement",
        language="en",
        subject="Got it",
        body="Dear {{ customer.name }}, we have #{{ ticket.number }}.",
    )
    row = outbound.queue_acknowledgement(ticket, mailbox=mailbox)
    assert row.body_text.startswith(f"Dear Carol Customer, we have #{ticket.number}.")
    assert "The team" in row.body_text  # the mailbox's signature stays
    assert row.subject.startswith("Re: Printer on fire")  # the thread's subject stays


def test_reset_returns_to_the_built_in_text(admin_user, ticket):
    services.save(admin_user, purpose="status", language="en", subject="Mine", body="Mine")
    assert services.reset(admin_user, purpose="status", language="en")
    assert compose.wording("status", "en") == compose.builtin("status", "en")


def test_built_in_text_keeps_the_mails_existing_translations(ticket):
    made = compose.compose("acknowledgement", language="ru", values={}, ticket=ticket)
    assert made.text.startswith("Здравствуйте, Carol!")
    assert f"№{ticket.number}" in made.text
