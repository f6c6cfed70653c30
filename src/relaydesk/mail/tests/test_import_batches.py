"""An import processes its mails in batches (one transaction, a savepoint per mail): a mail
that fails is quarantined alone, duplicates inside a batch make one message, and the
automation runs for each mail as if it had committed alone."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relaydesk.accounts.models import User
from relaydesk.automation import services as auto
from relaydesk.automation.models import TriggerOn
from relaydesk.mail.models import InboundMail, Outcome
from relaydesk.mail.tests.conftest import make_mail
from relaydesk.mail.tests.test_import import run_import, write_mbox
from relaydesk.search.models import SearchDocument
from relaydesk.sla import engine
from relaydesk.sla.tests.conftest import fresh_policies, policy  # noqa: F401 (fixtures)
from relaydesk.tickets import services
from relaydesk.tickets.models import Message, Ticket


def rule(admin: User, *, on: str, tag: str) -> None:
    auto.save_trigger(
        actor=admin,
        trigger=None,
        name=f"Tag {tag}",
        on=on,
        match="all",
        is_active=True,
        position=0,
        conditions=[],
        actions=[("add_tags", tag)],
    )


def tags(ticket: Ticket) -> set[str]:
    return set(ticket.tags.values_list("name", flat=True))


@pytest.mark.django_db
@pytest.mark.usefixtures("mailbox", "agent")
def test_a_failing_mail_is_quarantined_alone_and_the_rest_of_its_batch_commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    mails = [
        make_mail(sender="first@acme.test", subject="First"),
        make_mail(sender="", subject="No sender at all"),
        make_mail(sender="alice@example.com", subject="From an agent"),
        # fails after its new customer was created: the customer goes with its savepoint
        make_mail(sender="newcomer@acme.test", subject="Breaks late"),
        make_mail(sender="newcomer@acme.test", subject="Same sender, fine"),
        make_mail(sender="last@acme.test", subject="Last"),
    ]
    real = services.create_tickets

    def create_tickets(new):  # a fault after the ticket and its customer were written
        tickets = real(new)  # (one by one or a run of new tickets together)
        if any(ticket.subject == "Breaks late" for ticket in tickets):
            raise RuntimeError("disk full")
        return tickets

    monkeypatch.setattr(services, "create_tickets", create_tickets)
    summary = run_import(write_mbox(tmp_path / "m.mbox", mails))

    assert summary["created"] == 3
    assert summary["quarantined"] == 3
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == [
        "First",
        "Last",
        "Same sender, fine",
    ]
    held = dict(
        InboundMail.objects.filter(outcome=Outcome.QUARANTINED).values_list("subject", "error")
    )
    assert held["No sender at all"] == "The mail has no sender address."
    assert "agent" in held["From an agent"]
    assert held["Breaks late"] == "RuntimeError: disk full"
    assert User.objects.filter(email="newcomer@acme.test").count() == 1
    assert SearchDocument.objects.count() == 3  # one pass for the batch, every ticket indexed


@pytest.mark.django_db
@pytest.mark.usefixtures("mailbox")
def test_the_same_message_id_twice_in_one_batch_makes_one_message(tmp_path: Path):
    first = make_mail(subject="Hello", body="One")
    resent = first.replace(b"One", b"One, sent again")  # other bytes, same Message-ID
    summary = run_import(write_mbox(tmp_path / "m.mbox", [first, resent, first]))
    assert (summary["created"], summary["duplicates"]) == (1, 2)
    assert Message.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("mailbox")
def test_triggers_run_for_every_mail_of_a_batch_as_if_each_had_committed_alone(
    tmp_path: Path, admin_user: User
):
    rule(admin_user, on=TriggerOn.CREATED, tag="new")
    rule(admin_user, on=TriggerOn.CUSTOMER_REPLIED, tag="replied")
    opening = make_mail(sender="carol@acme.test", subject="Opening")
    message_id = opening.split(b"Message-ID: ")[1].split(b"\n")[0].decode().strip()
    reply = make_mail(sender="carol@acme.test", subject="Re: Opening", in_reply_to=message_id)
    others = [make_mail(sender=f"c{i}@acme.test", subject=f"Other {i}") for i in range(5)]
    summary = run_import(write_mbox(tmp_path / "m.mbox", [opening, reply, *others]))
    assert (summary["created"], summary["threaded"]) == (6, 1)
    for ticket in Ticket.objects.exclude(subject="Opening"):
        assert tags(ticket) == {"new"}
    # the opening mail's action and its reply's are two actions, in one batch's transaction
    assert tags(Ticket.objects.get(subject="Opening")) == {"new", "replied"}
    assert not InboundMail.objects.filter(outcome=Outcome.RECEIVED).exists()


def due_times(ticket: Ticket) -> tuple[object, ...]:
    ticket.refresh_from_db()
    return (ticket.first_response_due_at, ticket.next_response_due_at, ticket.resolution_due_at)


@pytest.mark.django_db
@pytest.mark.usefixtures("mailbox", "policy")
def test_sla_due_times_of_a_batch_are_those_each_mail_gets_alone(tmp_path: Path):
    opening = make_mail(sender="carol@acme.test", subject="Opening")
    message_id = opening.split(b"Message-ID: ")[1].split(b"\n")[0].decode().strip()
    reply = make_mail(sender="carol@acme.test", subject="Re: Opening", in_reply_to=message_id)
    other = make_mail(sender="dave@acme.test", subject="Other")
    run_import(write_mbox(tmp_path / "m.mbox", [opening, reply, other]))
    for ticket in Ticket.objects.all():
        stored = due_times(ticket)
        assert stored[0] is not None
        assert stored[0] == ticket.created_at + dt.timedelta(minutes=60)
        engine.recompute(ticket)  # what the action's own recompute writes
        assert due_times(ticket) == stored


@pytest.mark.django_db
@pytest.mark.usefixtures("mailbox")
def test_every_mail_of_a_batch_writes_its_webhook_deliveries(
    tmp_path: Path, admin_user: User, settings
):
    from relaydesk.webhooks import outbox
    from relaydesk.webhooks.models import Delivery

    settings.WEBHOOK_ALLOW_PRIVATE = True
    outbox.create_endpoint(actor=admin_user, name="CRM", url="http://127.0.0.1:9/hook")
    mails = [make_mail(sender=f"c{i}@acme.test", subject=f"Mail {i}") for i in range(3)]
    run_import(write_mbox(tmp_path / "m.mbox", mails))
    created = Delivery.objects.filter(event_type="ticket.created")
    assert sorted(d.payload["ticket"]["subject"] for d in created) == ["Mail 0", "Mail 1", "Mail 2"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("mailbox")
def test_an_import_tells_open_pages_of_the_tickets_it_changed(tmp_path: Path):
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    from relaydesk.mail import ingest
    from relaydesk.tickets import live

    opening = make_mail(sender="carol@acme.test", subject="Opening")
    ingest.receive(opening)
    ticket = Ticket.objects.get()
    layer = get_channel_layer()
    page = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(live.ticket_group(ticket.pk), page)
    message_id = opening.split(b"Message-ID: ")[1].split(b"\n")[0].decode().strip()
    reply = make_mail(sender="carol@acme.test", subject="Re: Opening", in_reply_to=message_id)
    others = [make_mail(sender=f"c{i}@acme.test", subject=f"Other {i}") for i in range(3)]
    run_import(write_mbox(tmp_path / "m.mbox", [*others, reply]))

    async def hear() -> dict[str, str]:
        return await asyncio.wait_for(layer.receive(page), timeout=10)

    heard = async_to_sync(hear)()
    assert heard == {"type": "ticket.changed", "what": "message"}


@pytest.mark.django_db
@pytest.mark.usefixtures("mailbox")
def test_blocked_senders_read_once_per_batch_still_block(tmp_path: Path):
    from relaydesk.mail.models import BlockedSender

    BlockedSender.objects.create(pattern="lottery.test")
    BlockedSender.objects.create(pattern="pest@acme.test")
    mails = [
        make_mail(sender="Win <Winner@Lottery.test>", subject="Prize"),
        make_mail(sender="pest@acme.test", subject="Again"),
        make_mail(sender="carol@acme.test", subject="Real question"),
    ]
    summary = run_import(write_mbox(tmp_path / "m.mbox", mails))
    assert (summary["spam"], summary["created"]) == (2, 1)
    assert list(Ticket.objects.values_list("subject", flat=True)) == ["Real question"]


@pytest.mark.django_db
@pytest.mark.usefixtures("mailbox")
def test_a_batch_that_fails_as_a_whole_is_processed_mail_by_mail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from relaydesk.search import indexer

    def broken(ids: list[int]) -> None:  # the batch's one search pass fails
        raise RuntimeError("index unavailable")

    monkeypatch.setattr(indexer, "index_tickets", broken)
    mails = [make_mail(sender=f"c{i}@acme.test", subject=f"Mail {i}") for i in range(4)]
    summary = run_import(write_mbox(tmp_path / "m.mbox", mails))
    assert summary["created"] == 4
    assert Ticket.objects.count() == 4
    assert SearchDocument.objects.count() == 4  # indexed by each mail's own action
    assert not InboundMail.objects.filter(outcome=Outcome.RECEIVED).exists()


def import_alone_or_batched(tmp_path: Path, mails: list[bytes], *, batched: bool) -> None:
    from relaydesk.mail import ingest

    if batched:
        run_import(write_mbox(tmp_path / "m.mbox", mails))
    else:
        for raw in mails:
            ingest.receive(raw)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("batched", [False, True])
def test_routing_and_notifications_of_a_batch_are_those_each_mail_gets_alone(
    tmp_path: Path, mailbox, agent: User, batched: bool
):
    from relaydesk.automation.models import AssignmentMode
    from relaydesk.automation.tests.conftest import set_mode
    from relaydesk.notifications.models import Notification

    set_mode(mailbox.department, AssignmentMode.ROUND_ROBIN)
    opening = make_mail(sender="carol@acme.test", subject="Opening")
    message_id = opening.split(b"Message-ID: ")[1].split(b"\n")[0].decode().strip()
    # routed after the batch's commit: the reply's notification must see the new assignee
    reply = make_mail(sender="carol@acme.test", subject="Re: Opening", in_reply_to=message_id)
    other = make_mail(sender="dave@acme.test", subject="Other")
    import_alone_or_batched(tmp_path, [opening, reply, other], batched=batched)

    assert set(Ticket.objects.values_list("subject", "assignee")) == {
        ("Opening", agent.pk),
        ("Other", agent.pk),
    }
    heard = Notification.objects.filter(recipient=agent)
    assert sorted(heard.values_list("event", "ticket__subject")) == [
        ("assigned", "Opening"),  # the new ticket's line, heard with its assignee
        ("assigned", "Opening"),  # and the assignment's own line
        ("assigned", "Other"),
        ("assigned", "Other"),
        ("customer_replied", "Opening"),
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("mailbox")
def test_a_reply_in_a_batch_takes_its_ticket_out_of_a_manual_departments_queue(tmp_path: Path):
    from relaydesk.automation.models import QueueEntry

    opening = make_mail(sender="carol@acme.test", subject="Opening")
    run_import(write_mbox(tmp_path / "first.mbox", [opening]))
    ticket = Ticket.objects.get()
    QueueEntry.objects.create(ticket=ticket, department_id=ticket.department_id)  # left over
    message_id = opening.split(b"Message-ID: ")[1].split(b"\n")[0].decode().strip()
    reply = make_mail(sender="carol@acme.test", subject="Re: Opening", in_reply_to=message_id)
    other = make_mail(sender="dave@acme.test", subject="Other")
    run_import(write_mbox(tmp_path / "second.mbox", [other, reply]))
    assert not QueueEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("mailbox")
def test_a_mail_failing_unforeseen_runs_its_batch_again_with_savepoints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """No mail of the batch looks bound to fail, so it runs without savepoints first; the
    fault rolls it all back and the second run keeps everything but the failing mail."""
    from relaydesk.mail import ingest

    opening = make_mail(sender="carol@acme.test", subject="Opening")
    message_id = opening.split(b"Message-ID: ")[1].split(b"\n")[0].decode().strip()
    mails = [
        opening,
        make_mail(sender="carol@acme.test", subject="Re: Opening", in_reply_to=message_id),
        make_mail(sender="newcomer@acme.test", subject="Breaks late"),
        make_mail(sender="last@acme.test", subject="Last"),
    ]
    real, runs = services.create_tickets, []

    def create_tickets(new):
        tickets = real(new)
        if any(ticket.subject == "Breaks late" for ticket in tickets):
            raise RuntimeError("disk full")
        return tickets

    real_batch = ingest._process_batch

    def process_batch(ids, *, savepoints):
        runs.append(savepoints)
        return real_batch(ids, savepoints=savepoints)

    monkeypatch.setattr(services, "create_tickets", create_tickets)
    monkeypatch.setattr(ingest, "_process_batch", process_batch)
    summary = run_import(write_mbox(tmp_path / "m.mbox", mails))

    assert runs == [False, True]
    assert (summary["created"], summary["threaded"], summary["quarantined"]) == (2, 1, 1)
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["Last", "Opening"]
    assert Message.objects.count() == 3
    assert not User.objects.filter(email="newcomer@acme.test").exists()
    assert User.objects.filter(email="carol@acme.test").count() == 1
    held = InboundMail.objects.get(outcome=Outcome.QUARANTINED)
    assert (held.subject, held.error) == ("Breaks late", "RuntimeError: disk full")
    assert SearchDocument.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.usefixtures("mailbox", "agent")
def test_a_batch_with_a_mail_bound_to_fail_runs_with_savepoints_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from relaydesk.mail import ingest

    runs = []
    real_batch = ingest._process_batch

    def process_batch(ids, *, savepoints):
        runs.append(savepoints)
        return real_batch(ids, savepoints=savepoints)

    monkeypatch.setattr(ingest, "_process_batch", process_batch)
    mails = [
        make_mail(sender="carol@acme.test", subject="Fine"),
        make_mail(sender="alice@example.com", subject="From an agent"),
    ]
    summary = run_import(write_mbox(tmp_path / "m.mbox", mails))
    assert runs == [False, True]  # the first run stops after its reads
    assert (summary["created"], summary["quarantined"]) == (1, 1)


def message_id_of(raw: bytes) -> str:
    return raw.split(b"Message-ID: ")[1].split(b"\n")[0].decode().strip()


@pytest.mark.django_db
@pytest.mark.usefixtures("mailbox")
def test_a_batch_without_failures_opens_no_savepoint_per_mail_or_action(tmp_path: Path):
    opening = make_mail(sender="carol@acme.test", subject="Opening")
    run_import(write_mbox(tmp_path / "first.mbox", [opening]))  # carol is a customer now

    def savepoints(name: str, mails: list[bytes]) -> int:
        with CaptureQueriesContext(connection) as queries:
            run_import(write_mbox(tmp_path / name, mails))
        return sum(query["sql"].startswith("SAVEPOINT") for query in queries)

    one = savepoints("one.mbox", [make_mail(sender="carol@acme.test", subject="One")])
    reply = make_mail(sender="carol@acme.test", subject="Re", in_reply_to=message_id_of(opening))
    many = [make_mail(sender=f"new{n}@acme.test", subject=f"New {n}") for n in range(3)]
    assert savepoints("many.mbox", [*many, reply]) == one  # new senders included
    assert Ticket.objects.count() == 5
    assert Message.objects.filter(ticket__subject="Opening").count() == 2
    assert User.objects.filter(email__startswith="new").count() == 3


@pytest.mark.django_db
@pytest.mark.usefixtures("mailbox")
def test_a_sender_created_meanwhile_by_another_process_still_gets_the_ticket(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from relaydesk.accounts.services import find_or_create_customer
    from relaydesk.mail import lookups

    carol = find_or_create_customer("carol@acme.test")
    # the batch found nobody: the insert, with no savepoint of its own, hits the unique index
    monkeypatch.setattr(lookups, "unknown", lambda address: True)
    summary = run_import(write_mbox(tmp_path / "m.mbox", [make_mail(sender="carol@acme.test")]))
    assert summary["created"] == 1
    assert Ticket.objects.get().requester == carol


@pytest.mark.django_db
@pytest.mark.usefixtures("mailbox")
def test_the_messages_a_batch_answers_are_read_once_for_the_batch(tmp_path: Path):
    first = make_mail(sender="carol@acme.test", subject="First")
    second = make_mail(sender="dave@acme.test", subject="Second")
    run_import(write_mbox(tmp_path / "before.mbox", [first, second]))
    newer = make_mail(sender="carol@acme.test", subject="Newer")
    replies = [
        make_mail(sender="carol@acme.test", subject="Re 1", in_reply_to=message_id_of(first)),
        make_mail(sender="dave@acme.test", subject="Re 2", in_reply_to=message_id_of(second)),
        newer,
        # answers a mail of the same batch, written after the batch read ahead: read again
        make_mail(sender="carol@acme.test", subject="Re 3", in_reply_to=message_id_of(newer)),
        make_mail(sender="carol@acme.test", subject="Re 4", in_reply_to=message_id_of(first)),
    ]
    with CaptureQueriesContext(connection) as queries:
        summary = run_import(write_mbox(tmp_path / "replies.mbox", replies))
    threads = [q["sql"] for q in queries if 'FROM "tickets_message" INNER JOIN' in q["sql"]]
    assert len(threads) == 2  # the batch's read ahead, and "Re 3"
    assert (summary["created"], summary["threaded"]) == (1, 4)
    answered = Message.objects.exclude(ticket__subject="Second").values_list("ticket__subject")
    assert sorted(s for (s,) in answered) == ["First", "First", "First", "Newer", "Newer"]
    assert Message.objects.filter(ticket__subject="Second").count() == 2


@pytest.mark.django_db
@pytest.mark.usefixtures("mailbox")
def test_a_cc_address_too_long_to_keep_leaves_its_batch_whole(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
):
    """An address of 255–320 characters passes the syntax check but not the column: refused
    before anything is written, it spoils no transaction of a batch run without savepoints,
    so the batch commits in its first run (and the CC is left out)."""
    from relaydesk.mail import ingest

    runs: list[bool] = []
    real = ingest._process_batch

    def spy(ids: list[int], *, savepoints: bool) -> dict[int, Outcome]:
        runs.append(savepoints)
        return real(ids, savepoints=savepoints)

    monkeypatch.setattr(ingest, "_process_batch", spy)
    long_cc = "x" * 64 + "@" + ".".join(["a" * 60] * 4) + ".test"  # 313 characters
    mails = [
        make_mail(sender="first@acme.test", subject="First"),
        make_mail(sender="second@acme.test", subject="Copied", cc=long_cc),
        make_mail(sender="third@acme.test", subject="Third"),
    ]
    summary = run_import(write_mbox(tmp_path / "m.mbox", mails))
    assert summary["created"] == 3
    assert runs == [False]  # not run again with savepoints
    assert "processing each alone" not in caplog.text
    assert not User.objects.filter(email=long_cc).exists()
    assert not InboundMail.objects.filter(outcome=Outcome.RECEIVED).exists()
