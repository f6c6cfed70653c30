from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Max, Min
from django.utils import timezone

from relaydesk.accounts.models import Access, Department, Membership, Organization, Role, User
from relaydesk.mail.demo import MAIL_TICKETS
from relaydesk.tickets.models import (
    Category,
    Channel,
    CustomField,
    FieldKind,
    Message,
    MessageKind,
    Priority,
    StatusCategory,
    Ticket,
    TicketEvent,
)

LANGUAGES = {"en", "ru", "ro", "pl", "fa"}


@pytest.fixture(scope="module")
def demo_workspace(django_db_setup, django_db_blocker):
    """The demo loaded once for this module, rolled back afterwards. Its output is the value."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_demo_has_the_departments_people_and_organizations_promised(demo_workspace):
    assert dict(Department.objects.values_list("name", "email")) == {
        "Support": "support@example.com",
        "Sales": "sales@example.com",
        "Billing": "billing@example.com",
    }
    roles = dict(User.objects.values_list("role").annotate(n=Count("id")).values_list("role", "n"))
    assert roles == {Role.ADMIN: 1, Role.SUPERVISOR: 1, Role.AGENT: 4, Role.CUSTOMER: 50}
    assert Membership.objects.filter(access=Access.READ).exists()
    assert Membership.objects.filter(
        user__email="agent@example.com", department__name="Support", access=Access.FULL
    ).exists()
    assert Organization.objects.count() == 2
    assert not Organization.objects.filter(domains="").exists()
    customers = User.objects.filter(role=Role.CUSTOMER)
    assert set(customers.values_list("language", flat=True)) == LANGUAGES
    assert {
        "Europe/Moscow",
        "Europe/Bucharest",
        "Europe/Warsaw",
        "Asia/Tehran",
        "Europe/London",
    } <= set(customers.values_list("timezone", flat=True))
    domains = {email.rsplit("@", 1)[1] for email in User.objects.values_list("email", flat=True)}
    assert all(d.endswith(("example.com", "example.org")) for d in domains)


@pytest.mark.django_db
def test_demo_configures_types_categories_fields_and_a_custom_status(demo_workspace):
    assert set(CustomField.objects.values_list("kind", flat=True)) == set(FieldKind.values)
    assert Category.objects.filter(parent__isnull=False).exists()
    held = Ticket.objects.filter(custom_status__name="Waiting for parts")
    assert held.exists()
    assert set(held.values_list("status", flat=True)) == {StatusCategory.ON_HOLD}
    assert Ticket.objects.exclude(type=None).count() == 300
    assert Ticket.objects.filter(tags__isnull=False).distinct().count() == 300
    assert Ticket.objects.exclude(custom_fields={}).exists()


@pytest.mark.django_db
def test_demo_tickets_cover_every_status_priority_and_channel(demo_workspace):
    tickets = Ticket.objects.all()
    assert tickets.count() == 300 + MAIL_TICKETS
    assert set(tickets.values_list("status", flat=True)) == set(StatusCategory.values)
    assert set(tickets.values_list("priority", flat=True)) == set(Priority.values)
    assert set(tickets.values_list("channel", flat=True)) == set(Channel.values)
    assert tickets.filter(events__kind="transfer").exists()
    assert Message.objects.filter(kind=MessageKind.NOTE).exists()


@pytest.mark.django_db
def test_demo_conversations_are_in_the_requesters_language(demo_workspace):
    assert not Ticket.objects.exclude(language=F("requester__language")).exists()
    assert set(Ticket.objects.values_list("language", flat=True)) == LANGUAGES
    persian = Message.objects.filter(ticket__language="fa", kind=MessageKind.REPLY).first()
    assert persian is not None
    assert "سلام" in persian.body_text


@pytest.mark.django_db
def test_demo_history_is_spread_over_the_last_sixty_days_in_order(demo_workspace):
    now = timezone.now()
    span = Ticket.objects.aggregate(first=Min("created_at"), last=Max("updated_at"))
    assert span["first"] >= now - timedelta(days=61)
    assert span["first"] <= now - timedelta(days=30)
    assert span["last"] <= now
    assert not TicketEvent.objects.filter(created_at__gt=now).exists()
    for ticket in Ticket.objects.filter(status=StatusCategory.CLOSED)[:20]:
        times = list(ticket.messages.values_list("created_at", flat=True))
        assert times == sorted(times)
        assert times[0] == ticket.created_at
        assert ticket.first_responded_at is not None
        assert ticket.created_at < ticket.first_responded_at <= ticket.solved_at


@pytest.mark.django_db
def test_demo_fixed_logins_authenticate_and_are_printed(demo_workspace):
    for email, password, role in (
        ("admin@example.com", "admin", Role.ADMIN),
        ("agent@example.com", "agent", Role.AGENT),
        ("customer@example.com", "customer", Role.CUSTOMER),
    ):
        user = authenticate(None, username=email, password=password)
        assert user is not None
        assert user.role == role
        assert f"{email} / {password}" in demo_workspace
    assert Ticket.objects.filter(requester__email="customer@example.com").exists()


@pytest.mark.django_db
def test_demo_customer_has_solved_and_rated_requests(demo_workspace):
    from relaydesk.portal.models import SatisfactionRating

    ratings = SatisfactionRating.objects.select_related("ticket", "requester")
    assert ratings.filter(requester__email="customer@example.com").exists()
    assert {r.score for r in ratings} == {1, 5}
    assert all(r.ticket.status in (StatusCategory.SOLVED, StatusCategory.CLOSED) for r in ratings)
    assert ratings.filter(requester__language="fa").exclude(comment="").exists()


@pytest.mark.django_db
def test_demo_has_published_articles_in_every_language(demo_workspace):
    from relaydesk.kb.models import Article, Translation, Visibility

    published = Translation.objects.filter(article__visibility=Visibility.PUBLISHED)
    assert set(published.values_list("language", flat=True)) == LANGUAGES
    assert Article.objects.filter(visibility=Visibility.INTERNAL).exists()
    assert Article.objects.filter(visibility=Visibility.DRAFT).exists()
    assert not published.filter(body_html="").exists()


@pytest.mark.django_db
def test_demo_has_contacts_with_several_addresses_and_organizations_with_notes(demo_workspace):
    from relaydesk.accounts.services import find_or_create_customer

    chris = User.objects.get(email="customer@example.com")
    assert chris.extra_emails.count() == 2
    assert chris.extra_phones.exists()
    assert chris.notes
    assert find_or_create_customer("chris.taylor@home.example.net") == chris
    assert User.objects.filter(name="Иван Петров", extra_emails__isnull=False).exists()
    assert Organization.objects.exclude(notes="").count() == 2


@pytest.mark.django_db
def test_demo_has_an_embeddable_contact_form(demo_workspace, client):
    assert client.get("/form/contact/example/").status_code == 200
    assert client.get("/form/contact/").status_code == 200


@pytest.mark.django_db
def test_demo_configures_assignment_and_triggers(demo_workspace):
    from relaydesk.automation.models import AssignmentMode, DepartmentRouting, QueueEntry, Trigger

    modes = dict(DepartmentRouting.objects.values_list("department__name", "mode"))
    assert modes["Support"] == AssignmentMode.LEAST_LOADED
    assert modes["Sales"] == AssignmentMode.ROUND_ROBIN
    assert Membership.objects.filter(department__name="Support", capacity=30).exists()
    assert Trigger.objects.filter(is_active=True).count() >= 4
    assert not Trigger.objects.exclude(last_error="").exists()
    assert not QueueEntry.objects.exists()  # the seeded history is not routed again


@pytest.mark.django_db
def test_demo_time_rules_act_on_the_seeded_story(demo_workspace):
    from relaydesk.automation import timerules
    from relaydesk.automation.models import TimeRule

    assert TimeRule.objects.filter(is_active=True).count() == 3
    assert timerules.run_all() > 0  # old pending and solved tickets of the story are due
    assert not TimeRule.objects.exclude(last_error="").exists()
    assert timerules.run_all() == 0


@pytest.mark.django_db
def test_demo_has_shared_canned_responses_in_every_language_and_macros(demo_workspace):
    from relaydesk.automation.models import CannedResponse, Macro

    languages = set(CannedResponse.objects.filter(owner=None).values_list("language", flat=True))
    assert languages == {"en", "ru", "ro", "pl", "fa"}
    shared = Macro.objects.filter(owner=None)
    assert set(shared.values_list("language", flat=True)) == {"en", "ru", "ro", "pl", "fa"}
    assert shared.exclude(department=None).exists()
    assert shared.exclude(custom_fields={}).exists()
    assert shared.exclude(remove_tags="").exists()
    assert shared.exclude(type=None).exclude(category=None).exists()
    (personal,) = Macro.objects.exclude(owner=None)
    assert personal.owner.email == "agent@example.com"


@pytest.mark.django_db
def test_demo_has_shared_views_each_agent_sees_through_their_own_door(demo_workspace):
    from relaydesk.desk.listing import VIEW_COUNT_CAP
    from relaydesk.savedviews import services as saved

    agent = User.objects.filter(role=Role.AGENT).first()
    assert agent is not None
    views = list(saved.views_for(agent))
    names = [v.name for v in views]
    assert names == [
        "My open tickets",
        "Unassigned",
        "Urgent",
        "Breaching soon",
        "Waiting for customer",
        "No activity for a week",
    ]
    assert all(v.shared for v in views)
    counts = saved.view_counts(agent, views)
    mine = counts[views[0].pk][0]
    assert mine == min(
        Ticket.objects.filter(
            assignee=agent, status__in=("new", "open", "pending", "on_hold")
        ).count(),
        VIEW_COUNT_CAP,
    )
