"""Running time rules (AU2): tickets in a status, or untouched, for longer than a rule's time.

The periodic job (`automation/periodic.py`) calls `run_all`. For each active rule, in position
order, the due tickets come from one indexed range (`status` + the clock column, both in an
index) minus those the rule has a mark for in the current episode, in keyset batches of
`BATCH`. Each batch is loaded once with what conditions read and tested in memory:

- a ticket that matches gets the rule's actions in one transaction that first locks the ticket
  (unchanged since it was read) and inserts the fired mark; the mark's unique key makes a
  second worker, or a second run, find it taken and act on nothing;
- a ticket that does not match gets a "seen" mark with its `updated_at`, so it is not tested
  again until it changes (unless a condition depends on the clock, like business hours).

An episode is one value of the clock column: one stay in the status (`status_changed_at`) or
one quiet spell (`updated_at`, which the rule's own change ends, so such a rule may act again
after another quiet spell). Marks of past episodes are deleted as batches pass.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from relaydesk.automation import rules
from relaydesk.automation.models import TimeRule, TimeRuleMark
from relaydesk.tickets.models import Ticket

BATCH = 500


def run_all(now: dt.datetime | None = None) -> int:
    """Run every active time rule once; how many times a rule acted."""
    now = now or timezone.now()
    acted = 0
    rules_ = TimeRule.objects.filter(is_active=True).prefetch_related("conditions", "actions")
    for rule in rules_:
        acted += run_rule(rule, now=now)
    return acted


def due(
    rule: TimeRule, *, now: dt.datetime, tickets: QuerySet[Ticket] | None = None
) -> QuerySet[Ticket]:
    """The tickets past the rule's time that it has neither acted on in this episode nor
    found not matching as they are now, oldest episode first."""
    column = rule.clock_column
    settled = TimeRuleMark.objects.filter(
        rule=rule, ticket=OuterRef("pk"), episode=OuterRef(column)
    ).filter(Q(fired=True) | Q(seen=OuterRef("updated_at")))
    base = Ticket.objects.all() if tickets is None else tickets
    return (
        base.filter(
            status=rule.status, **{f"{column}__lte": now - dt.timedelta(minutes=rule.minutes)}
        )
        .filter(~Exists(settled))
        .order_by(column, "id")
    )


def run_rule(rule: TimeRule, *, now: dt.datetime) -> int:
    column = rule.clock_column
    conditions = [(c.field, c.operator, c.value) for c in rule.conditions.all()]
    actions = [(a.kind, a.value) for a in rule.actions.all()]
    remember_misses = not rules.time_dependent(conditions)
    reads = {field for field, _op, _value in conditions}
    acted = 0
    after: tuple[dt.datetime, int] | None = None
    while True:
        batch = due(rule, now=now)
        if after is not None:
            batch = batch.filter(
                Q(**{f"{column}__gt": after[0]}) | Q(**{column: after[0], "id__gt": after[1]})
            )
        tickets = list(rules.loaded(batch, reads)[:BATCH])
        if not tickets:
            return acted
        after = (getattr(tickets[-1], column), tickets[-1].pk)
        misses = []
        with translation.override(settings.LANGUAGE_CODE):  # history and errors in one language
            for ticket in tickets:
                if rules.matches(rule.match, conditions, ticket):
                    acted += _fire(rule, ticket, actions)
                else:
                    misses.append(ticket)
        if remember_misses and misses:
            TimeRuleMark.objects.bulk_create(
                [
                    TimeRuleMark(
                        rule=rule,
                        ticket=t,
                        episode=getattr(t, column),
                        fired=False,
                        seen=t.updated_at,
                    )
                    for t in misses
                ],
                update_conflicts=True,
                unique_fields=["rule", "ticket", "episode"],
                update_fields=["seen"],
            )
        TimeRuleMark.objects.filter(rule=rule, ticket_id__in=[t.pk for t in tickets]).exclude(
            episode=F(f"ticket__{column}")
        ).delete()
        if len(tickets) < BATCH:
            return acted


def _fire(rule: TimeRule, ticket: Ticket, actions: list[tuple[str, str]]) -> int:
    """Claim the ticket's episode for the rule and act, in one transaction; 1 if it acted."""
    episode = getattr(ticket, rule.clock_column)
    with transaction.atomic():
        unchanged = Ticket.objects.select_for_update(of=("self",)).filter(
            pk=ticket.pk, status=rule.status, updated_at=ticket.updated_at
        )
        if not unchanged.exists() or not _claim(rule, ticket, episode):
            return 0  # changed since it was read (tested again next run), or taken
        cause = _("Time rule: %(name)s") % {"name": rule.name}
        try:
            rules.perform(actions, ticket, cause=cause)
        except ValidationError as error:  # the claim stays: no retry every run
            rules.record_error(TimeRule, rule.pk, ticket, "; ".join(error.messages))
            return 0
    return 1


def _claim(rule: TimeRule, ticket: Ticket, episode: dt.datetime) -> bool:
    try:
        with transaction.atomic():
            TimeRuleMark.objects.create(
                rule=rule, ticket=ticket, episode=episode, fired=True, seen=ticket.updated_at
            )
        return True
    except IntegrityError:  # a mark exists: take it only if it says "seen, not fired"
        return bool(
            TimeRuleMark.objects.filter(
                rule=rule, ticket=ticket, episode=episode, fired=False
            ).update(fired=True, seen=ticket.updated_at)
        )
