"""TK13: closed tickets past the setting leave the lists for the Archived one, by a periodic
job, and stay searchable and reachable by number."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from relaydesk.core import schedule
from relaydesk.search.service import search, ticket_for_number
from relaydesk.tickets import archive, services
from relaydesk.tickets.models import Channel, StatusCategory, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def closed_ticket(customer, support, agent, subject: str, days_ago: int) -> Ticket:
    ticket = services.create_ticket(
        actor=customer,
        requester=customer,
        subject=subject,
        body=services.Body("The lantern flickers."),
        channel=Channel.EMAIL,
        department=support,
    )
    services.update_ticket(ticket, actor=agent, status=StatusCategory.CLOSED)
    Ticket.objects.filter(pk=ticket.pk).update(
        updated_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    ticket.refresh_from_db()
    return ticket


@pytest.fixture
def old(customer, support, agent):
    return closed_ticket(customer, support, agent, "Old lantern", days_ago=120)


@pytest.fixture
def recent(customer, support, agent):
    return closed_ticket(customer, support, agent, "Recent lantern", days_ago=10)


def test_closed_tickets_past_the_setting_are_archived_with_history(old, recent):
    updated = old.updated_at
    assert archive.archive_closed(after_days=90) == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.archived_at is not None
    assert recent.archived_at is None
    assert old.status == StatusCategory.CLOSED
    assert old.updated_at == updated  # archiving is not activity
    line = TicketEvent.objects.filter(ticket=old, field="archived_at").get()
    assert line.actor is None
    assert line.note == "Archive"
    assert archive.archive_closed(after_days=90) == 0  # nothing twice


def test_solved_and_open_tickets_are_never_archived(ticket, agent):
    services.update_ticket(ticket, actor=agent, status=StatusCategory.SOLVED)
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now() - dt.timedelta(days=400))
    assert archive.archive_closed(after_days=90) == 0


def test_zero_days_turns_the_archive_off(old):
    assert archive.archive_closed(after_days=0) == 0


def test_a_backlog_is_archived_in_batches(customer, support, agent, monkeypatch):
    monkeypatch.setattr(archive, "BATCH", 2)
    for n in range(5):
        closed_ticket(customer, support, agent, f"Backlog {n}", days_ago=200)
    assert archive.archive_closed(after_days=90) == 5
    assert not Ticket.objects.filter(archived_at=None).exists()


def test_the_job_is_declared_and_reads_the_setting(old, settings):
    jobs = schedule.jobs()
    name = "relaydesk.tickets.periodic.archive_old_closed"
    assert name in jobs
    settings.ARCHIVE_AFTER_DAYS = 200
    assert jobs[name].function() == 0
    settings.ARCHIVE_AFTER_DAYS = 100
    assert jobs[name].function() == 1


def test_reopening_brings_an_archived_ticket_back(old, agent):
    archive.archive_closed(after_days=90)
    old.refresh_from_db()
    services.update_ticket(old, actor=agent, status=StatusCategory.OPEN)
    old.refresh_from_db()
    assert old.archived_at is None
    assert TicketEvent.objects.filter(ticket=old, field="archived_at").count() == 2


def test_archived_tickets_stay_searchable_and_reachable_by_number(old, agent):
    archive.archive_closed(after_days=90)
    assert ticket_for_number(agent, str(old.number)) == old
    assert [t.pk for t in search(agent, "lantern").page.tickets] == [old.pk]
    assert [t.pk for t in search(agent, old.requester.email).page.tickets] == [old.pk]


def test_a_customer_cannot_write_on_an_archived_ticket(old, customer):
    archive.archive_closed(after_days=90)
    old.refresh_from_db()
    with pytest.raises(ValidationError):
        services.add_message(old, actor=customer, body=services.Body("Again?"))


def listed(client, query: str) -> str:
    return client.get(f"/desk/?{query}").content.decode()


def test_the_archived_list_holds_them_and_the_closed_list_does_not(old, recent, as_agent):
    archive.archive_closed(after_days=90)
    closed = listed(as_agent, "group=closed")
    assert f"#{recent.number}<" in closed
    assert f"#{old.number}<" not in closed
    archived = listed(as_agent, "group=archived")
    assert f"#{old.number}<" in archived
    assert f"#{recent.number}<" not in archived
    assert f"#{old.number}<" in listed(as_agent, "status=closed")  # a status, not the group


def test_the_closed_count_leaves_archived_tickets_out(old, recent, agent):
    from relaydesk.desk.listing import group_counts

    assert group_counts(agent)["closed"] == 2
    archive.archive_closed(after_days=90)
    assert group_counts(agent)["closed"] == 1


def test_other_departments_and_customers_see_no_archived_list_of_others(
    old, as_other_agent, as_customer
):
    archive.archive_closed(after_days=90)
    assert f"#{old.number}<" not in listed(as_other_agent, "group=archived")
    assert as_customer.get("/desk/?group=archived").status_code in (302, 403)
