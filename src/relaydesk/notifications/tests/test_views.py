"""The bell, the list and the preferences: each person sees and changes only their own."""

from __future__ import annotations

from django.urls import reverse

from relaydesk.notifications import services
from relaydesk.notifications.models import Event, Notification, Preference


def note_for(user, ticket, **fields):
    return Notification.objects.create(
        recipient=user, event=Event.MENTIONED, ticket=ticket, **fields
    )


def test_bell_shows_the_unread_count(as_agent, agent, ticket):
    note_for(agent, ticket)
    note_for(agent, ticket)
    note_for(agent, ticket, in_app=False)
    page = as_agent.get(reverse("desk:home")).content.decode()
    assert 'id="notification-bell"' in page
    assert 'class="bell-count">2<' in page
    bell = as_agent.get(reverse("notifications:bell")).content.decode()
    assert 'hx-trigger="every 60s"' in bell
    assert ">2<" in bell


def test_list_shows_only_your_own(as_agent, agent, supervisor, ticket):
    note_for(agent, ticket, text="mine")
    note_for(supervisor, ticket, text="someone else's")
    page = as_agent.get(reverse("notifications:list")).content.decode()
    assert "mine" in page
    assert "someone else" not in page


def test_opening_marks_read_and_goes_to_the_ticket(as_agent, agent, ticket):
    row = note_for(agent, ticket)
    response = as_agent.post(reverse("notifications:open", args=[row.pk]))
    assert response.status_code == 302
    assert response.url == reverse("desk:ticket", args=[ticket.number])
    row.refresh_from_db()
    assert row.read_at is not None


def test_someone_elses_notification_is_a_404(as_agent, supervisor, ticket):
    row = note_for(supervisor, ticket)
    assert as_agent.post(reverse("notifications:open", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_opening_is_post_only(as_agent, agent, ticket):
    row = note_for(agent, ticket)
    assert as_agent.get(reverse("notifications:open", args=[row.pk])).status_code == 405


def test_mark_all_read_touches_only_your_own(as_agent, agent, supervisor, ticket):
    note_for(agent, ticket)
    theirs = note_for(supervisor, ticket)
    as_agent.post(reverse("notifications:read_all"))
    assert services.unread_count(agent) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_customers_are_refused(as_customer):
    for name in ("list", "bell", "preferences"):
        assert as_customer.get(reverse(f"notifications:{name}")).status_code == 403
    assert as_customer.post(reverse("notifications:read_all")).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert "/login/" in response.url


def test_preferences_are_saved(as_agent, agent):
    page = as_agent.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    response = as_agent.post(
        reverse("notifications:preferences"),
        {"assigned_app": "on", "mentioned_email": "on", "unknown_field": "x" * 10_000},
    )
    assert response.status_code == 302
    assert services.preferences(agent)[Event.ASSIGNED] == (True, False)
    assert services.preferences(agent)[Event.MENTIONED] == (False, True)
    assert services.preferences(agent)[Event.QUEUE_WAIT] == (False, False)
    assert Preference.objects.filter(user=agent).count() == len(Event.values)


def test_preferences_page_of_one_agent_never_changes_another(as_agent, agent, other_agent):
    as_agent.post(reverse("notifications:preferences"), {})
    assert not Preference.objects.filter(user=other_agent).exists()


def test_the_list_costs_the_same_queries_for_few_or_many(as_agent, agent, supervisor, ticket):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert as_agent.get(reverse("notifications:list")).status_code == 200
        return len(queries)

    for _n in range(3):
        note_for(agent, ticket, actor=supervisor)
    few = count()
    for _n in range(40):
        note_for(agent, ticket, actor=supervisor)
    assert count() == few
