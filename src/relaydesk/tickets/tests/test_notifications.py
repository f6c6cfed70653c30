"""Side effects after commit: the requester's mail, through the task backends."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from relaydesk.core.worker import make_worker
from relaydesk.tickets import services
from relaydesk.tickets.models import Channel

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def persian_ticket(customer, subject="Tom & Jerry <3"):
    customer.language = "fa"
    customer.save()
    return services.create_ticket(
        actor=customer,
        requester=customer,
        subject=subject,
        body=services.Body("سلام"),
        channel=Channel.PORTAL,
    )


@override_settings(TASKS=IMMEDIATE)
def test_public_reply_mails_the_requester_in_their_language(
    customer, agent, django_capture_on_commit_callbacks
):
    ticket = persian_ticket(customer)
    with django_capture_on_commit_callbacks(execute=True):
        services.add_message(ticket, actor=agent, body=services.Body("We are on it."))
    [sent] = mail.outbox
    assert sent.to == [customer.email]
    assert sent.subject == f"[#{ticket.number}] Re: Tom & Jerry <3"
    assert sent.extra_headers["Auto-Submitted"] == "auto-replied"
    assert sent.extra_headers["X-Relaydesk-Ticket"] == str(ticket.number)
    assert "We are on it." in sent.body
    [(html, mimetype)] = sent.alternatives
    assert mimetype == "text/html"
    assert 'lang="fa"' in html
    assert 'dir="rtl"' in html
    assert "Tom &amp; Jerry &lt;3" in html


@override_settings(TASKS=IMMEDIATE)
def test_notes_and_customer_messages_send_no_mail(
    ticket, agent, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.add_message(ticket, actor=agent, body=services.Body("internal"), internal=True)
        services.add_message(ticket, actor=customer, body=services.Body("more info"))
    assert mail.outbox == []


@override_settings(TASKS=IMMEDIATE)
def test_no_mail_to_an_inactive_requester(
    ticket, agent, customer, django_capture_on_commit_callbacks
):
    customer.is_active = False
    customer.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.add_message(ticket, actor=agent, body=services.Body("hello"))
    assert mail.outbox == []


@override_settings(TASKS=IMMEDIATE)
def test_failed_reply_schedules_nothing(ticket, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError):
        services.add_message(ticket, actor=agent, body=services.Body("x"), status="bogus")
    assert callbacks == []


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE)
def test_real_database_worker_delivers_the_reply(ticket, agent, customer):
    services.add_message(ticket, actor=agent, body=services.Body("Fixed it."))
    assert mail.outbox == []
    assert DBTaskResult.objects.count() == 1
    make_worker(batch=True).run()
    [sent] = mail.outbox
    assert sent.to == [customer.email]
    assert "Fixed it." in sent.body
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
