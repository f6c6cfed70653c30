"""Periodic jobs: claimed once however many workers look, run as tasks, failures kept."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from relaydesk.core import schedule
from relaydesk.core.models import PeriodicRun

pytestmark = pytest.mark.django_db

calls: list[str] = []


@pytest.fixture
def job():
    calls.clear()

    @schedule.periodic(every=dt.timedelta(minutes=10))
    def count() -> None:
        calls.append("ran")

    name = f"{count.__module__}.{count.__qualname__}"
    yield name
    schedule.registry.pop(name)


@pytest.fixture
def failing_job():
    @schedule.periodic(every=dt.timedelta(minutes=10))
    def explode() -> None:
        raise RuntimeError("the job broke")

    name = f"{explode.__module__}.{explode.__qualname__}"
    yield name
    schedule.registry.pop(name)


def test_a_due_job_is_claimed_once_per_period(job):
    now = timezone.now()
    assert job in schedule.tick(now)
    # A second worker looking at the same moment, or a minute later, finds nothing due.
    assert job not in schedule.tick(now)
    assert job not in schedule.tick(now + dt.timedelta(minutes=1))
    assert PeriodicRun.objects.get(name=job).next_run_at == now + dt.timedelta(minutes=10)
    assert job in schedule.tick(now + dt.timedelta(minutes=10))


def test_a_late_job_runs_once_not_once_per_missed_period(job):
    now = timezone.now()
    schedule.tick(now)
    later = now + dt.timedelta(days=1)
    assert job in schedule.tick(later)
    assert job not in schedule.tick(later)
    assert PeriodicRun.objects.get(name=job).next_run_at == later + dt.timedelta(minutes=10)


def test_a_stale_claim_loses(job):
    """Two workers read the row; only the first conditional update wins."""
    now = timezone.now()
    schedule.tick(now)
    seen = PeriodicRun.objects.get(name=job)
    assert job in schedule.tick(seen.next_run_at)  # the other worker claims it first
    claimed = PeriodicRun.objects.filter(pk=seen.pk, next_run_at=seen.next_run_at).update(
        next_run_at=seen.next_run_at + dt.timedelta(minutes=10)
    )
    assert claimed == 0


@pytest.mark.django_db(transaction=True)  # the worker closes connections between tasks
def test_worker_batch_runs_the_due_jobs_as_tasks(job):
    call_command("worker", batch=True)
    assert calls == ["ran"]
    run = PeriodicRun.objects.get(name=job)
    assert run.last_started_at
    assert run.last_finished_at
    assert run.last_error == ""
    call_command("worker", batch=True)  # not due again yet
    assert calls == ["ran"]


@pytest.mark.django_db(transaction=True)
def test_a_failure_is_kept_on_the_row_and_cleared_by_a_success(failing_job):
    call_command("worker", batch=True)
    run = PeriodicRun.objects.get(name=failing_job)
    assert "the job broke" in run.last_error
    schedule.registry[failing_job] = schedule.Job(
        name=failing_job, every=dt.timedelta(minutes=10), function=lambda: None
    )
    schedule.run_job.call(failing_job)
    run.refresh_from_db()
    assert run.last_error == ""


def test_a_job_removed_since_it_was_enqueued_is_skipped():
    schedule.run_job.call("relaydesk.gone.job")  # logs, does not raise
    assert not PeriodicRun.objects.filter(name="relaydesk.gone.job").exists()


def test_a_job_more_often_than_a_second_is_refused():
    with pytest.raises(ValueError, match="once a second"):
        schedule.periodic(every=dt.timedelta(milliseconds=10))


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_thread_enqueues_due_jobs_until_stopped(job, settings):
    from django_tasks_db.models import DBTaskResult

    def queued() -> list[DBTaskResult]:
        # The apps' own periodic jobs (archiving...) are enqueued beside the test's job.
        runs = DBTaskResult.objects.filter(task_path__endswith="run_job")
        return [run for run in runs if run.args_kwargs["args"] == [job]]

    settings.SCHEDULER_INTERVAL = 1

    stop = schedule.start_scheduler_thread()
    try:
        for _ in range(100):
            if queued():
                break
            stop.wait(0.1)
    finally:
        stop.set()
    assert len(queued()) == 1
