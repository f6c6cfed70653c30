import datetime
import io
import json
import time

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from relaydesk.tickets import services
from relaydesk.tickets.models import Channel
from relaydesk.webhooks import keys, outbox, signing
from relaydesk.webhooks.models import Delivery, DeliveryState, Endpoint
from relaydesk.webhooks.tests.receiver import receiver


@pytest.fixture(autouse=True)
def _loopback_allowed(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True


def open_ticket(customer, support, subject="Printer on fire"):
    return services.create_ticket(
        actor=customer,
        requester=customer,
        subject=subject,
        body=services.Body("Smoke everywhere."),
        channel=Channel.PORTAL,
        department=support,
    )


def test_ticket_event_reaches_the_receiver_signed(
    admin_user, customer, support, django_capture_on_commit_callbacks
):
    with receiver() as hook:
        endpoint, secret = outbox.create_endpoint(actor=admin_user, name="CRM", url=hook.url)
        with django_capture_on_commit_callbacks(execute=True):
            ticket = open_ticket(customer, support)
        delivery = Delivery.objects.get()
        assert DBTaskResult.objects.filter(args_kwargs__args=[delivery.pk]).exists()
        outbox.deliver.call(delivery.pk)
    request = hook.requests[0]
    assert signing.verify(secret, request.body, request.headers["Relaydesk-Signature"])
    assert request.headers["Relaydesk-Event"] == "ticket.created"
    body = json.loads(request.body)
    assert (body["type"], body["ticket"]["number"]) == ("ticket.created", ticket.number)
    assert body["id"] == request.headers["Relaydesk-Delivery"]
    delivery.refresh_from_db()
    assert (delivery.state, delivery.last_status, delivery.attempts) == ("delivered", 200, 1)
    assert secret not in endpoint.sealed_secret
    assert keys.unseal(endpoint.sealed_secret) == secret


def test_a_failed_delivery_is_retried_with_backoff(admin_user, customer, support):
    with receiver(statuses=[503]) as hook:
        outbox.create_endpoint(actor=admin_user, name="CRM", url=hook.url)
        open_ticket(customer, support)
        delivery = Delivery.objects.get()
        outbox.deliver.call(delivery.pk)
        delivery.refresh_from_db()
        assert (delivery.state, delivery.last_status, delivery.attempts) == ("pending", 503, 1)
        assert delivery.last_response == "receiver says no"
        assert delivery.next_attempt_at > timezone.now() + datetime.timedelta(seconds=20)
        retry = DBTaskResult.objects.get(args_kwargs__args=[delivery.pk])
        assert retry.run_after == delivery.next_attempt_at
        outbox.deliver.call(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("delivered", 2)
    assert len(hook.requests) == 2
    assert Endpoint.objects.get().consecutive_failures == 0


def test_backoff_grows_and_is_capped():
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 120, 480]
    assert outbox.backoff(30).total_seconds() == 24 * 3600


def test_persistent_failures_disable_the_endpoint_and_tell_admins(
    admin_user, customer, support, settings
):
    settings.WEBHOOK_DISABLE_AFTER = 2
    with receiver(statuses=[500, 500]) as hook:
        outbox.create_endpoint(actor=admin_user, name="CRM", url=hook.url)
        open_ticket(customer, support, "one")
        open_ticket(customer, support, "two")
        for delivery in Delivery.objects.all():
            outbox.deliver.call(delivery.pk)
    endpoint = Endpoint.objects.get()
    assert not endpoint.is_active
    assert "2 failed deliveries" in endpoint.disabled_reason
    outbox.notify_disabled.call(endpoint.pk)
    assert mail.outbox[-1].to == [admin_user.email]
    assert "CRM" in mail.outbox[-1].subject
    open_ticket(customer, support, "three")
    assert Delivery.objects.count() == 2  # a disabled endpoint gets nothing new


def test_gives_up_after_the_last_attempt(admin_user, customer, support, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    with receiver(statuses=[500]) as hook:
        outbox.create_endpoint(actor=admin_user, name="CRM", url=hook.url)
        open_ticket(customer, support)
        delivery = Delivery.objects.get()
        outbox.deliver.call(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.next_attempt_at) == ("failed", None)


def test_a_delivery_left_sending_by_a_crashed_worker_is_sent_again(
    admin_user, customer, support, django_capture_on_commit_callbacks
):
    with receiver() as hook:
        outbox.create_endpoint(actor=admin_user, name="CRM", url=hook.url)
        open_ticket(customer, support)
        delivery = Delivery.objects.get()
        assert outbox.claim(delivery.pk)  # the worker took it, then died before recording
        assert hook.requests == []
        assert outbox.sweep_stuck_deliveries() == 0  # within its lease: maybe still in flight
        later = timezone.now() + outbox.lease() + datetime.timedelta(seconds=1)
        with django_capture_on_commit_callbacks(execute=True):
            assert outbox.sweep_stuck_deliveries(now=later) == 1
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts) == ("pending", 1)
        assert "stopped during attempt 1" in delivery.last_error
        assert DBTaskResult.objects.filter(args_kwargs__args=[delivery.pk]).exists()
        outbox.deliver.call(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("delivered", 2)
    assert len(hook.requests) == 1
    assert outbox.sweep_stuck_deliveries(now=later) == 0  # a finished delivery stays finished


def test_a_stuck_last_attempt_fails_instead_of_retrying(admin_user, customer, support, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    outbox.create_endpoint(actor=admin_user, name="CRM", url="http://hooks.test/")
    open_ticket(customer, support)
    delivery = Delivery.objects.get()
    outbox.claim(delivery.pk)
    later = timezone.now() + outbox.lease() + datetime.timedelta(seconds=1)
    assert outbox.sweep_stuck_deliveries(now=later) == 0
    delivery.refresh_from_db()
    assert (delivery.state, delivery.next_attempt_at) == ("failed", None)


def test_sweepwebhooks_command_reports_what_it_took_back(admin_user, customer, support):
    from django.core.management import call_command

    outbox.create_endpoint(actor=admin_user, name="CRM", url="http://hooks.test/")
    open_ticket(customer, support)
    delivery = Delivery.objects.get()
    outbox.claim(delivery.pk)
    Delivery.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
    out = io.StringIO()
    call_command("sweepwebhooks", stdout=out)
    assert "1 stuck deliveries" in out.getvalue()
    assert Delivery.objects.get().state == DeliveryState.PENDING


def test_private_addresses_are_refused_without_the_flag(admin_user, customer, support, settings):
    with receiver() as hook:
        outbox.create_endpoint(actor=admin_user, name="CRM", url=hook.url)
        open_ticket(customer, support)
        settings.WEBHOOK_ALLOW_PRIVATE = False
        delivery = Delivery.objects.get()
        outbox.deliver.call(delivery.pk)
    assert hook.requests == []
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED
    assert "private address" in delivery.last_error


def test_unreachable_receiver_is_a_transient_failure(admin_user, customer, support):
    with receiver() as hook:
        url = hook.url
    outbox.create_endpoint(actor=admin_user, name="CRM", url=url)  # the server is gone
    open_ticket(customer, support)
    delivery = Delivery.objects.get()
    outbox.deliver.call(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING
    assert "ConnectionRefusedError" in delivery.last_error


def test_endpoints_get_only_the_events_they_subscribe_to(admin_user, agent, customer, support):
    outbox.create_endpoint(
        actor=admin_user, name="Replies", url="http://hooks.test/", events=["message.created"]
    )
    ticket = open_ticket(customer, support)
    assert not Delivery.objects.exists()
    services.add_message(ticket, actor=agent, body=services.Body("On it."))
    delivery = Delivery.objects.get()
    assert delivery.payload["message"]["body_text"] == "On it."


def test_a_rolled_back_change_sends_nothing(admin_user, customer, support):
    outbox.create_endpoint(actor=admin_user, name="CRM", url="http://hooks.test/")

    def open_then_fail():
        with transaction.atomic():
            open_ticket(customer, support)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        open_then_fail()
    assert not Delivery.objects.exists()


def test_redeliver_sends_the_same_event_again(admin_user, customer, support):
    with receiver() as hook:
        outbox.create_endpoint(actor=admin_user, name="CRM", url=hook.url)
        open_ticket(customer, support)
        first = Delivery.objects.get()
        outbox.deliver.call(first.pk)
        again = outbox.redeliver(first, actor=admin_user)
        outbox.deliver.call(again.pk)
    assert again.pk != first.pk
    assert again.event_id == first.event_id
    assert [json.loads(r.body)["id"] for r in hook.requests] == [str(first.event_id)] * 2


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("ftp://hooks.test/", "url"),
        ("http://user:pw@hooks.test/", "url"),
        ("not a url", "url"),
    ],
)
def test_bad_endpoints_are_refused(admin_user, url, field):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        outbox.create_endpoint(actor=admin_user, name="x", url=url)
    assert field in error.value.message_dict
    assert not Endpoint.objects.exists()


def test_only_admins_add_endpoints(agent):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        outbox.create_endpoint(actor=agent, name="x", url="http://hooks.test/")


def test_signature_refuses_tampering_and_replay():
    now = int(time.time())
    header = signing.sign("s3cret", b'{"a":1}', now)
    assert signing.verify("s3cret", b'{"a":1}', header)
    assert not signing.verify("s3cret", b'{"a":2}', header)
    assert not signing.verify("other", b'{"a":1}', header)
    assert not signing.verify("s3cret", b'{"a":1}', header, now=now + 301)
    assert not signing.verify("s3cret", b'{"a":1}', "t=abc,v1=00")
    assert not signing.verify("s3cret", b'{"a":1}', "garbage")


def test_an_endpoint_added_here_hears_the_next_event_at_once(
    admin_user, customer, support, monkeypatch
):
    from relaydesk.core import kept

    monkeypatch.setattr(kept, "KEEP_SECONDS", 60.0)  # kept as in production
    open_ticket(customer, support)  # nobody listens, and that is kept
    endpoint, _secret = outbox.create_endpoint(
        actor=admin_user, name="CRM", url="http://127.0.0.1:9/hook"
    )
    ticket = open_ticket(customer, support, subject="Second")
    [delivery] = Delivery.objects.all()
    assert (delivery.endpoint, delivery.payload["ticket"]["number"]) == (endpoint, ticket.number)
