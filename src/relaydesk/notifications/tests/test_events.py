"""Which changes notify whom: assignment, mentions, customer replies; never the actor, never
someone who cannot see the ticket; each agent's choices honoured."""

from __future__ import annotations

import pytest
from django.core import mail

from relaydesk.notifications import mentions, services
from relaydesk.notifications.models import Event, MailState, Notification, Preference
from relaydesk.tickets import services as tickets
from relaydesk.tickets.services import Body


def mails_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def rows(user):
    return list(Notification.objects.filter(recipient=user).order_by("id"))


def test_assigning_a_ticket_notifies_the_assignee(ticket, supervisor, agent, committed):
    committed(tickets.update_ticket, ticket, actor=supervisor, assignee=agent)
    [row] = rows(agent)
    assert (row.event, row.ticket, row.actor) == (Event.ASSIGNED, ticket, supervisor)
    assert rows(supervisor) == []
    [sent] = mails_to(agent)
    assert f"#{ticket.number}" in sent.subject
    assert "Sam Supervisor assigned" in sent.body


def test_taking_a_ticket_yourself_notifies_nobody(ticket, agent, committed):
    committed(tickets.update_ticket, ticket, actor=agent, assignee=agent)
    assert Notification.objects.count() == 0
    assert mails_to(agent) == []


def test_mention_by_name_and_by_address(ticket, supervisor, agent, readonly_agent, committed):
    text = "@alice please look, and @rita@example.com too. Mail bob@example.com later."
    committed(tickets.add_message, ticket, actor=supervisor, body=Body(text), internal=True)
    assert [r.event for r in rows(agent)] == [Event.MENTIONED]
    assert [r.event for r in rows(readonly_agent)] == [Event.MENTIONED]
    assert rows(agent)[0].text == text


def test_a_mention_of_someone_who_cannot_see_the_ticket_is_ignored(
    ticket, supervisor, other_agent, customer, committed
):
    note = Body(f"@bob and @{other_agent.email} and @{customer.email} and @carol")
    committed(tickets.add_message, ticket, actor=supervisor, body=note, internal=True)
    assert Notification.objects.count() == 0


def test_mentioning_yourself_notifies_nobody(ticket, agent, committed):
    committed(tickets.add_message, ticket, actor=agent, body=Body("@alice note"), internal=True)
    assert Notification.objects.count() == 0


def test_a_public_reply_is_no_mention(ticket, supervisor, agent, committed):
    committed(tickets.add_message, ticket, actor=supervisor, body=Body("@alice hi"))
    assert rows(agent) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("@alice", ["alice"]),
        ("(@Alice), @alice.", ["alice"]),
        ("x@alice", []),
        ("mail a.b@example.com", []),
        ("@@alice", []),
        ("@alice@example.com.", ["alice@example.com"]),
        ("@" * 5000, []),
        ("@a " * 100, ["a"]),
    ],
)
def test_mention_parsing(text, names):
    assert mentions.mentioned_names(text) == names


def test_mentions_are_capped():
    text = " ".join(f"@agent{n}" for n in range(100))
    assert len(mentions.mentioned_names(text)) == mentions.MAX_MENTIONS


def test_an_ambiguous_short_name_mentions_nobody(ticket, supervisor, agent, support, committed):
    from relaydesk.accounts.models import Access, Membership, Role
    from relaydesk.conftest import make_user

    twin = make_user("alice.b@example.com", Role.AGENT, name="Alice Twin")
    Membership.objects.create(user=twin, department=support, access=Access.FULL)
    committed(tickets.add_message, ticket, actor=supervisor, body=Body("@alice"), internal=True)
    assert Notification.objects.count() == 0


def test_customer_reply_notifies_the_assignee_and_followers(
    ticket, customer, agent, supervisor, committed
):
    committed(tickets.update_ticket, ticket, actor=agent, assignee=agent)
    ticket.followers.add(supervisor)
    committed(tickets.add_message, ticket, actor=customer, body=Body("Still broken"))
    assert [r.event for r in rows(agent)] == [Event.CUSTOMER_REPLIED]
    assert [r.event for r in rows(supervisor)] == [Event.CUSTOMER_REPLIED]
    assert rows(agent)[0].actor == customer


def test_a_new_ticket_is_no_customer_reply(customer, support, agent, committed):
    from relaydesk.tickets.models import Channel

    committed(
        tickets.create_ticket,
        actor=customer,
        requester=customer,
        subject="New",
        body=Body("Hi"),
        channel=Channel.PORTAL,
        department=support,
    )
    assert Notification.objects.count() == 0


def test_preferences_in_app_only(ticket, supervisor, agent, committed):
    services.save_preferences(agent, {Event.ASSIGNED: (True, False)})
    committed(tickets.update_ticket, ticket, actor=supervisor, assignee=agent)
    [row] = rows(agent)
    assert row.in_app
    assert row.mail_state == MailState.NONE
    assert mails_to(agent) == []


def test_preferences_mail_only(ticket, supervisor, agent, committed):
    services.save_preferences(agent, {Event.ASSIGNED: (False, True)})
    committed(tickets.update_ticket, ticket, actor=supervisor, assignee=agent)
    assert services.unread_count(agent) == 0
    assert list(services.listed(agent)) == []
    assert len(mails_to(agent)) == 1


def test_preferences_neither(ticket, supervisor, agent, committed):
    services.save_preferences(agent, {Event.ASSIGNED: (False, False)})
    committed(tickets.update_ticket, ticket, actor=supervisor, assignee=agent)
    assert Notification.objects.count() == 0
    assert mails_to(agent) == []


def test_defaults_until_an_agent_chooses(agent):
    assert Preference.objects.count() == 0
    assert services.preferences(agent)[Event.ASSIGNED] == (True, True)
    assert services.preferences(agent)[Event.CUSTOMER_REPLIED] == (True, False)


def test_customer_reply_is_not_mailed_by_default(ticket, customer, agent, committed):
    committed(tickets.update_ticket, ticket, actor=agent, assignee=agent)
    committed(tickets.add_message, ticket, actor=customer, body=Body("More"))
    assert len(rows(agent)) == 1
    assert mails_to(agent) == []


def test_a_rolled_back_change_notifies_nobody(ticket, supervisor, agent, committed):
    from django.db import transaction

    def failing() -> None:
        with transaction.atomic():
            tickets.update_ticket(ticket, actor=supervisor, assignee=agent)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        committed(failing)
    assert Notification.objects.count() == 0


def test_nothing_while_suspended(ticket, supervisor, agent, committed):
    from relaydesk.notifications.receivers import suspended

    with suspended():
        committed(tickets.update_ticket, ticket, actor=supervisor, assignee=agent)
    assert Notification.objects.count() == 0


def test_a_customer_reply_nobody_owns_reads_only_the_followers_after_commit(
    ticket, customer, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from relaydesk.notifications import receivers

    with django_capture_on_commit_callbacks() as callbacks:
        tickets.add_message(ticket, actor=customer, body=Body("Still broken"))
    (flush,) = [c for c in callbacks if getattr(c, "func", None) == receivers._collector._run]
    with CaptureQueriesContext(connection) as queries:
        flush()
    read = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]  # the test's transaction
    assert len(read) == 1  # the followers: the lines and the ticket are those in hand
    assert "followers" in read[0]
    assert Notification.objects.count() == 0


def test_a_customer_reply_nobody_owns_opens_no_transaction_after_commit(
    ticket, customer, django_capture_on_commit_callbacks
):
    """After a real commit, a transaction of its own for the one read would cost a BEGIN and
    a COMMIT for every customer's reply (inside the test's transaction: a savepoint)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from relaydesk.notifications import receivers

    with django_capture_on_commit_callbacks() as callbacks:
        tickets.add_message(ticket, actor=customer, body=Body("Still broken"))
    (flush,) = [c for c in callbacks if getattr(c, "func", None) == receivers._collector._run]
    with CaptureQueriesContext(connection) as queries:
        flush()
    assert not [q["sql"] for q in queries if "SAVEPOINT" in q["sql"]]
