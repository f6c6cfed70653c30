"""The sweep of stuck deliveries runs by itself: it is one of the periodic jobs."""

import datetime as dt

import pytest

from relaydesk.core.schedule import jobs
from relaydesk.webhooks import periodic


def test_the_sweep_is_a_periodic_job_every_five_minutes():
    job = jobs()["relaydesk.webhooks.periodic.sweep_stuck"]
    assert job.every == dt.timedelta(minutes=5)


@pytest.mark.django_db
def test_with_nothing_stuck_the_sweep_takes_nothing_back():
    assert periodic.sweep_stuck() == 0
