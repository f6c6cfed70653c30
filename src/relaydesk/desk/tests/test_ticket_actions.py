"""The ticket page's merge (confirm page), split, link and snooze, and bulk merge."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from relaydesk.conftest import HTMX, signed_in
from relaydesk.tickets import events, merging, services
from relaydesk.tickets.models import Channel, StatusCategory, Ticket, TicketEvent
from relaydesk.tickets.tests.helpers import nothing_changes


def _ticket(customer, department, subject="Printers", body="Paper jam."):
    return services.create_ticket(
        actor=customer,
        requester=customer,
        subject=subject,
        body=services.Body(body),
        channel=Channel.EMAIL,
        department=department,
    )


@pytest.fixture
def target(customer, support):
    return _ticket(customer, support)


def url(ticket, action):
    return f"/desk/tickets/{ticket.number}/{action}/"


def test_merge_confirm_page_shows_both_tickets_then_merges(as_agent, ticket, target):
    page = as_agent.get(url(ticket, "merge"), {"number": target.number})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Printer on fire" in text
    assert "Printers" in text
    assert f"Merge #{ticket.number} into #{target.number}" in text
    assert not Ticket.objects.filter(merged_into__isnull=False).exists()  # GET changes nothing
    done = as_agent.post(url(ticket, "merge"), {"number": target.number})
    assert done.status_code == 302
    assert done["Location"] == f"/desk/tickets/{target.number}/"
    ticket.refresh_from_db()
    assert ticket.merged_into == target
    source_page = as_agent.get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert f'This ticket was merged into <a href="/desk/tickets/{target.number}/">' in source_page


@pytest.mark.parametrize("number", ["", "abc", "0", "-5", str(2**70), "99999999"])
def test_bad_merge_targets_are_422_and_change_nothing(as_agent, ticket, number):
    with nothing_changes():
        answer = as_agent.post(url(ticket, "merge"), {"number": number})
    assert answer.status_code == 422


def test_merging_into_itself_is_refused(as_agent, ticket):
    with nothing_changes():
        answer = as_agent.post(url(ticket, "merge"), {"number": ticket.number})
    assert answer.status_code == 422


def test_merge_candidates_find_by_number_words_and_the_requesters_tickets(as_agent, ticket, target):
    by_default = as_agent.get(url(ticket, "merge/candidates"), HTMX).content.decode()
    assert f"#{target.number}" in by_default
    assert f"?number={ticket.number}" not in by_default
    by_number = as_agent.get(url(ticket, "merge/candidates"), {"q": str(target.number)})
    assert f"?number={target.number}" in by_number.content.decode()


@pytest.mark.parametrize(
    ("who", "status"), [("as_other_agent", 404), ("as_readonly", 403), ("as_customer", 403)]
)
@pytest.mark.parametrize("action", ["merge", "split", "links", "snooze"])
def test_permission_matrix(who, status, action, request, ticket, target):
    client = request.getfixturevalue(who)
    data = {"number": target.number, "preset": "tomorrow", "message": [1], "subject": "x"}
    with nothing_changes():
        assert client.post(url(ticket, action), data).status_code == status


def test_customer_and_other_department_cannot_list_candidates(as_customer, as_other_agent, ticket):
    assert as_customer.get(url(ticket, "merge/candidates")).status_code == 403
    assert as_other_agent.get(url(ticket, "merge/candidates")).status_code == 404


def test_split_page_ticks_the_message_and_moves_it(as_agent, agent, ticket):
    note = services.add_message(ticket, actor=agent, body=services.Body("Another question"))
    page = as_agent.get(url(ticket, "split"), {"message": note.pk}).content.decode()
    assert f'value="{note.pk}" checked' in page
    done = as_agent.post(url(ticket, "split"), {"message": [note.pk], "subject": "Another"})
    new = Ticket.objects.get(subject="Another")
    assert done["Location"] == f"/desk/tickets/{new.number}/"
    assert list(new.messages.all()) == [note]


@pytest.mark.parametrize(
    "data",
    [
        {"message": [], "subject": "x"},
        {"message": ["abc"], "subject": "x"},
        {"message": ["999999"], "subject": "x"},
        {"subject": ""},
    ],
)
def test_bad_splits_are_422_and_change_nothing(as_agent, ticket, data):
    with nothing_changes():
        assert as_agent.post(url(ticket, "split"), data).status_code == 422


def test_splitting_every_message_is_refused(as_agent, ticket):
    only = ticket.messages.get().pk
    with nothing_changes():
        answer = as_agent.post(url(ticket, "split"), {"message": [only], "subject": "x"})
    assert answer.status_code == 422
    assert "Leave at least one message" in answer.content.decode()


def test_link_and_unlink_from_the_panel(as_agent, ticket, target):
    answer = as_agent.post(url(ticket, "links"), {"number": target.number}, **HTMX)
    assert answer.status_code == 200
    assert f"/desk/tickets/{target.number}/" in answer.content.decode()
    assert list(ticket.linked.all()) == [target]
    as_agent.post(url(ticket, "links"), {"number": target.number, "unlink": "1"}, **HTMX)
    assert not ticket.linked.exists()


@pytest.mark.parametrize("number", ["", "x", "99999999"])
def test_bad_links_are_422(as_agent, ticket, number):
    with nothing_changes():
        assert as_agent.post(url(ticket, "links"), {"number": number}, **HTMX).status_code == 422


def test_snooze_presets_are_in_the_agents_time_zone(as_agent, agent, ticket):
    agent.timezone = "Asia/Tehran"
    agent.save()
    answer = as_agent.post(url(ticket, "snooze"), {"preset": "tomorrow"}, **HTMX)
    assert answer.status_code == 200
    ticket.refresh_from_db()
    local = ticket.snoozed_until.astimezone(zoneinfo.ZoneInfo("Asia/Tehran"))
    tomorrow = timezone.now().astimezone(zoneinfo.ZoneInfo("Asia/Tehran")).date()
    assert (local.date(), local.time()) == (tomorrow + dt.timedelta(days=1), dt.time(9, 0))
    assert ticket.status == StatusCategory.PENDING
    as_agent.post(url(ticket, "snooze"), {"preset": "next_week"}, **HTMX)
    ticket.refresh_from_db()
    assert ticket.snoozed_until.astimezone(zoneinfo.ZoneInfo("Asia/Tehran")).weekday() == 0


def test_snooze_until_a_chosen_time_and_wake(as_agent, ticket):
    later = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    assert as_agent.post(url(ticket, "snooze"), {"until": later}, **HTMX).status_code == 200
    ticket.refresh_from_db()
    assert ticket.snoozed_until is not None
    page = as_agent.get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert "Snoozed until" in page
    as_agent.post(url(ticket, "snooze"), {"wake": "on"}, **HTMX)
    ticket.refresh_from_db()
    assert (ticket.snoozed_until, ticket.status) == (None, StatusCategory.OPEN)


@pytest.mark.parametrize(
    "data", [{}, {"until": "yesterday"}, {"until": "2001-01-01T10:00"}, {"preset": "never"}]
)
def test_bad_snoozes_are_422_and_change_nothing(as_agent, ticket, data):
    with nothing_changes():
        assert as_agent.post(url(ticket, "snooze"), data, **HTMX).status_code == 422


def test_history_tells_merge_split_link_and_snooze(as_agent, agent, ticket, target):
    merging.set_link(ticket, other=target, actor=agent, linked=True)
    note = services.add_message(ticket, actor=agent, body=services.Body("Other"))
    merging.split_ticket(ticket, actor=agent, messages=[note.pk])
    merging.merge_tickets(ticket, into=target, actor=agent)
    page = as_agent.get(f"/desk/tickets/{target.number}/", {"part": "history"}).content.decode()
    assert "linked #" in page
    assert f"merged #{ticket.number}" in page
    page = as_agent.get(f"/desk/tickets/{ticket.number}/", {"part": "history"}).content.decode()
    assert "moved 1 message to #" in page
    assert f"merged this ticket into #{target.number}" in page


def test_bulk_merge_confirms_then_merges_into_the_chosen_ticket(
    as_agent, ticket, target, customer, support
):
    third = _ticket(customer, support, subject="Third")
    numbers = [ticket.number, target.number, third.number]
    page = as_agent.post("/desk/bulk/merge/", {"ticket": numbers})
    assert page.status_code == 200
    assert f'value="{ticket.number}" checked' in page.content.decode()  # the oldest by default
    done = as_agent.post(
        "/desk/bulk/merge/", {"ticket": numbers, "into": target.number, "confirm": "1"}
    )
    assert done["Location"] == f"/desk/tickets/{target.number}/"
    merged = set(Ticket.objects.filter(merged_into=target).values_list("number", flat=True))
    assert merged == {ticket.number, third.number}
    assert TicketEvent.objects.filter(ticket=target, field=events.MERGED_FROM).count() == 2


def test_bulk_merge_needs_two_tickets(as_agent, ticket):
    with nothing_changes():
        answer = as_agent.post("/desk/bulk/merge/", {"ticket": [ticket.number]})
    assert answer.status_code == 302


def test_bulk_merge_refuses_read_only_and_unseen_tickets(
    as_readonly, as_other_agent, ticket, target
):
    numbers = [ticket.number, target.number]
    with nothing_changes():
        as_readonly.post(
            "/desk/bulk/merge/", {"ticket": numbers, "into": target.number, "confirm": "1"}
        )
        as_other_agent.post(
            "/desk/bulk/merge/", {"ticket": numbers, "into": target.number, "confirm": "1"}
        )


def test_customer_cannot_bulk_merge(as_customer, ticket, target):
    with nothing_changes():
        answer = as_customer.post(
            "/desk/bulk/merge/",
            {"ticket": [ticket.number, target.number], "into": target.number, "confirm": "1"},
        )
    assert answer.status_code == 403


def test_merge_pages_render_right_to_left(agent, ticket, target):
    agent.language = "fa"
    agent.save()
    client = signed_in(agent)
    page = client.get(url(ticket, "merge"), {"number": target.number}).content.decode()
    assert 'dir="rtl"' in page


def test_merge_candidates_find_by_words(as_agent, ticket, target):
    found = as_agent.get(url(ticket, "merge/candidates"), {"q": "paper"}).content.decode()
    assert f"?number={target.number}" in found


def test_the_merge_page_without_a_target_asks_for_one(as_agent, ticket):
    page = as_agent.get(url(ticket, "merge"))
    assert page.status_code == 200
    assert 'name="number"' in page.content.decode()
