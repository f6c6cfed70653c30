"""A merge through the service takes the merged ticket out of the SLA (issue 6) and leaves
its target's clock running."""

from relaydesk.sla.models import Record
from relaydesk.tickets import services
from relaydesk.tickets.merging import merge_tickets
from relaydesk.tickets.models import Ticket


def test_merging_clears_the_sources_due_times_and_keeps_the_targets(
    policy, ticket, customer, agent
):
    target = services.create_ticket(
        actor=customer, requester=customer, subject="Dup", body=services.Body("x"), channel="portal"
    )
    assert Ticket.objects.get(pk=ticket.pk).resolution_due_at is not None
    merge_tickets(ticket, into=target, actor=agent)
    source = Ticket.objects.get(pk=ticket.pk)
    assert (source.first_response_due_at, source.resolution_due_at) == (None, None)
    assert not Record.objects.filter(ticket=source).exists()
    assert Ticket.objects.get(pk=target.pk).resolution_due_at is not None
