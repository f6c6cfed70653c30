"""Bulk changes over every ticket a list's filters match (TK14, "all N matching").

The request only records a `BulkJob` and enqueues it; the task works through the matching
tickets in id order, BATCH at a time (one task run per batch, so a large change never holds
one long transaction and other tasks interleave), each ticket through `bulk.bulk_update`
(`update_ticket`: permission-checked, history kept). The tickets are those matching when the
job starts, up to the highest id then: tickets created later are not touched."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.tasks import task
from django.utils import timezone

from relaydesk.accounts.models import User
from relaydesk.desk import listing
from relaydesk.desk.models import BulkJob, BulkJobState
from relaydesk.tickets.bulk import bulk_update, change_from

BATCH = 200
REFUSED_KEPT = 200  # the first refusals are listed; the rest are counted


@transaction.atomic
def start(*, actor: User, query: Mapping[str, Any], spec: dict[str, Any]) -> BulkJob:
    """Check the filters and the change now (a bad one is refused here, not later), record
    the job and enqueue its first batch after commit."""
    params = {key: str(query[key]) for key in query}  # one value a key, as the list reads it
    listing.tickets_for(actor, params)
    change_from(spec)
    job = BulkJob.objects.create(actor=actor, query=params, changes=spec)
    transaction.on_commit(lambda: run_bulk_job.enqueue(job.pk))
    return job


@task()
def run_bulk_job(job_id: int) -> None:
    """One batch; enqueues the next until every matching ticket has been seen."""
    with transaction.atomic():
        job = BulkJob.objects.select_for_update().select_related("actor").filter(pk=job_id).first()
        if job is None or job.finished:
            return
        try:
            change = change_from(job.changes)
            tickets = listing.tickets_for(job.actor, job.query)
        except ValidationError as error:  # a department, agent or status gone meanwhile
            job.state, job.error = BulkJobState.FAILED, " ".join(error.messages)
            job.finished_at = timezone.now()
            job.save()
            return
        if job.state == BulkJobState.QUEUED:
            job.upto_id = tickets.aggregate(last=Max("id"))["last"] or 0
            job.total = tickets.filter(id__lte=job.upto_id).count()
            job.state = BulkJobState.RUNNING
        rows = list(
            tickets.filter(id__gt=job.last_id, id__lte=job.upto_id)
            .order_by("id")
            .values_list("id", "number")[:BATCH]
        )
        job.save()
    # Each ticket in its own transaction (as from the list), outside the job's lock.
    result = bulk_update(
        actor=job.actor,
        numbers=[number for _pk, number in rows if number is not None],
        changes=change.changes,
        add_tags=change.add_tags,
        remove_tags=change.remove_tags,
    )
    with transaction.atomic():
        job = BulkJob.objects.select_for_update().get(pk=job_id)
        if rows:
            job.last_id = rows[-1][0]
        job.done += len(rows)
        job.changed += len(result.changed)
        job.refused_count += len(result.refused)
        for number, reason in sorted(result.refused.items()):
            if len(job.refused) < REFUSED_KEPT:
                job.refused[str(number)] = reason
        if len(rows) < BATCH:
            job.state, job.finished_at = BulkJobState.DONE, timezone.now()
        else:
            transaction.on_commit(lambda: run_bulk_job.enqueue(job_id))
        job.save()
