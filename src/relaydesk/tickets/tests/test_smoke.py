from relaydesk.tickets import services
from relaydesk.tickets.models import EventKind, MessageKind
from relaydesk.tickets.visibility import visible_messages, visible_tickets


def test_internal_note_never_reaches_the_customer(ticket, agent, customer):
    services.add_message(ticket, actor=agent, body=services.Body("secret"), internal=True)
    services.add_message(ticket, actor=agent, body=services.Body("hello"))
    kinds = set(visible_messages(customer).values_list("kind", flat=True))
    assert kinds == {MessageKind.CUSTOMER, MessageKind.REPLY}
    assert ticket.events.filter(kind=EventKind.MESSAGE).count() == 2


def test_agent_of_another_department_does_not_see_the_ticket(ticket, other_agent, agent):
    assert not visible_tickets(other_agent).filter(pk=ticket.pk).exists()
    assert visible_tickets(agent).filter(pk=ticket.pk).exists()
