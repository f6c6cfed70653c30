"""The assignment screens: leads configure their departments; others are refused."""

from __future__ import annotations

import pytest

from relaydesk.accounts.backends import EmailBackend
from relaydesk.automation import services
from relaydesk.automation.models import AgentState, AssignmentMode, Availability, DepartmentRouting
from relaydesk.automation.templatetags.automation import availability_of
from relaydesk.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_supervisor_sets_round_robin_for_their_department(supervisor, support):
    client = signed_in(supervisor)
    page = client.get("/desk/automation/assignment/", follow=True)
    assert page.status_code == 200
    assert "Assignment in Support" in page.content.decode()
    response = client.post(
        f"/desk/automation/assignment/{support.pk}/", {"mode": "round_robin", "sticky": "on"}
    )
    assert response.status_code == 302
    routing = DepartmentRouting.objects.get(department=support)
    assert (routing.mode, routing.sticky, routing.match_language) == (
        AssignmentMode.ROUND_ROBIN,
        True,
        False,
    )


def test_supervisor_sets_an_agents_cap_skills_and_languages(supervisor, support, agent):
    client = signed_in(supervisor)
    prefix = f"agent{agent.pk}"
    response = client.post(
        f"/desk/automation/assignment/{support.pk}/agents/{agent.pk}/",
        {
            f"{prefix}-capacity": "5",
            f"{prefix}-skills": "Billing, refunds",
            f"{prefix}-languages": ["en", "ru"],
        },
    )
    assert response.status_code == 302
    assert agent.memberships.get().capacity == 5
    state = AgentState.objects.get(user=agent)
    assert sorted(s.name for s in state.skills.all()) == ["billing", "refunds"]
    assert state.languages == ["en", "ru"]
    page = client.get(f"/desk/automation/assignment/{support.pk}/").content.decode()
    assert "billing, refunds" in page


@pytest.mark.parametrize("capacity", ["-1", "abc", "99999999999999999999", "", "1e3"])
def test_bad_cap_is_refused_and_changes_nothing(supervisor, support, agent, capacity):
    client = signed_in(supervisor)
    prefix = f"agent{agent.pk}"
    response = client.post(
        f"/desk/automation/assignment/{support.pk}/agents/{agent.pk}/",
        {f"{prefix}-capacity": capacity, f"{prefix}-skills": "x" * 60},
    )
    assert response.status_code == 422
    assert agent.memberships.get().capacity == 0
    assert not AgentState.objects.filter(user=agent).exists()


def test_oversized_skill_is_refused(supervisor, support, agent):
    prefix = f"agent{agent.pk}"
    response = signed_in(supervisor).post(
        f"/desk/automation/assignment/{support.pk}/agents/{agent.pk}/",
        {f"{prefix}-capacity": "1", f"{prefix}-skills": "x" * 60},
    )
    assert response.status_code == 422
    assert "longer than 50" in response.content.decode()
    assert agent.memberships.get().capacity == 0


def test_unknown_mode_is_refused(supervisor, support):
    response = signed_in(supervisor).post(
        f"/desk/automation/assignment/{support.pk}/", {"mode": "lottery"}
    )
    assert response.status_code == 422
    assert not DepartmentRouting.objects.filter(mode="lottery").exists()


@pytest.mark.parametrize("persona", ["agent", "other_agent", "customer"])
def test_others_cannot_configure_support(request, support, persona):
    client = signed_in(request.getfixturevalue(persona))
    assert client.get(f"/desk/automation/assignment/{support.pk}/").status_code == 403
    response = client.post(f"/desk/automation/assignment/{support.pk}/", {"mode": "round_robin"})
    assert response.status_code == 403
    assert not DepartmentRouting.objects.filter(mode="round_robin").exists()


def test_supervisor_of_support_cannot_configure_sales(supervisor, sales, other_agent):
    client = signed_in(supervisor)
    assert client.get(f"/desk/automation/assignment/{sales.pk}/").status_code == 403
    url = f"/desk/automation/assignment/{sales.pk}/agents/{other_agent.pk}/"
    assert client.post(url, {f"agent{other_agent.pk}-capacity": "3"}).status_code == 403
    assert other_agent.memberships.get().capacity == 0


def test_agent_switches_availability_from_the_top_bar(as_agent, agent):
    response = as_agent.post(
        "/desk/automation/availability/", {"availability": "away", "next": "/desk/"}
    )
    assert response["Location"] == "/desk/"
    assert AgentState.objects.get(user=agent).availability == Availability.AWAY
    page = as_agent.get("/desk/").content.decode()
    assert '<option value="away" selected>' in page


def test_the_top_bar_reads_availability_with_the_signed_in_agent(agent, django_assert_num_queries):
    backend = EmailBackend()
    with django_assert_num_queries(1):
        assert availability_of(backend.get_user(agent.pk)) == Availability.ONLINE  # no row yet
    services.set_availability(actor=agent, availability=Availability.AWAY)
    with django_assert_num_queries(1):
        assert availability_of(backend.get_user(agent.pk)) == Availability.AWAY


def test_bad_availability_changes_nothing(as_agent, agent):
    response = as_agent.post(
        "/desk/automation/availability/", {"availability": "x" * 500, "next": "https://evil/"}
    )
    assert response["Location"] == "/desk/"
    assert not AgentState.objects.filter(user=agent).exists()


def test_customer_has_no_availability(customer):
    response = signed_in(customer).post(
        "/desk/automation/availability/", {"availability": "online"}
    )
    assert response.status_code == 403


@pytest.fixture
def as_agent(agent):
    return signed_in(agent)
