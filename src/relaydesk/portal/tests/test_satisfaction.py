"""Mail on replies and status changes with an opt-out (PO4); rating solved requests (PO5)."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from relaydesk.conftest import signed_in
from relaydesk.portal.models import MailPreference, SatisfactionRating
from relaydesk.tickets import services
from relaydesk.tickets.models import EventKind, StatusCategory


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a service action and what it queued after commit (the mails)."""

    def call(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return call


def links_in(body: str, kind: str) -> list[str]:
    return [
        u.removeprefix("http://127.0.0.1:8000")
        for u in re.findall(r"http://\S+", body)
        if f"/{kind}/" in u
    ]


def test_solving_mails_the_requester_with_rating_links(run, ticket, agent, customer):
    run(services.update_ticket, ticket, actor=agent, status=StatusCategory.SOLVED)
    [sent] = mail.outbox
    assert sent.to == [customer.email]
    assert f"[#{ticket.number}] Solved" in sent.subject
    assert f"/requests/{ticket.number}/" in sent.body
    assert len(links_in(sent.body, "rate")) == 2
    assert sent.extra_headers["List-Unsubscribe"].startswith("<http")


def test_rating_from_the_mail_link_is_kept_on_the_ticket_and_in_history(
    run, ticket, agent, customer
):
    run(services.update_ticket, ticket, actor=agent, status=StatusCategory.SOLVED)
    good, _bad = links_in(mail.outbox[0].body, "rate")
    client = Client()  # not signed in: the link is the proof
    page = client.get(good)
    assert page.status_code == 200
    assert re.search(r'value="5"[^>]*checked', page.content.decode())
    response = client.post(good.split("?")[0], {"score": 5, "comment": "Quick and kind"})
    assert response.status_code == 200
    rating = SatisfactionRating.objects.get(ticket=ticket)
    assert (rating.score, rating.comment, rating.requester) == (5, "Quick and kind", customer)
    event = ticket.events.get(kind=EventKind.FIELD, field="satisfaction")
    assert (event.actor, event.after["id"]) == (customer, 5)
    # Changing one's mind is one more history line, the rating stays one row.
    client.post(good.split("?")[0], {"score": 1, "comment": ""})
    assert SatisfactionRating.objects.get().score == 1
    assert ticket.events.filter(field="satisfaction").count() == 2


@pytest.mark.parametrize(
    "data", [{"score": 3}, {"score": "good"}, {"score": ""}, {"score": 5, "comment": "x" * 2001}]
)
def test_bad_ratings_are_refused_and_change_nothing(run, ticket, agent, data):
    run(services.update_ticket, ticket, actor=agent, status=StatusCategory.SOLVED)
    url = links_in(mail.outbox[0].body, "rate")[0].split("?")[0]
    assert Client().post(url, data).status_code == 422
    assert not SatisfactionRating.objects.exists()


def test_five_point_scale_when_admins_choose_it(run, settings, ticket, agent):
    settings.CSAT_SCALE = "five"
    run(services.update_ticket, ticket, actor=agent, status=StatusCategory.SOLVED)
    urls = links_in(mail.outbox[0].body, "rate")
    assert len(urls) == 5
    assert Client().post(urls[0].split("?")[0], {"score": 3}).status_code == 200
    assert SatisfactionRating.objects.get().label == "3/5"


def test_forged_or_unsolved_rating_links_are_refused(run, ticket, agent):
    assert Client().get(reverse("portal:rate_link", args=["forged"])).status_code == 400
    run(services.update_ticket, ticket, actor=agent, status=StatusCategory.SOLVED)
    url = links_in(mail.outbox[0].body, "rate")[0].split("?")[0]
    run(services.add_message, ticket, actor=agent, body=services.Body("Reopened"), status="open")
    assert Client().post(url, {"score": 5}).status_code == 422
    assert not SatisfactionRating.objects.exists()


def test_a_reply_that_solves_sends_one_mail_with_the_rating(run, ticket, agent):
    run(services.add_message, ticket, actor=agent, body=services.Body("Done."), status="solved")
    [sent] = mail.outbox
    assert "Done." in sent.body
    assert len(links_in(sent.body, "rate")) == 2


def test_the_customers_own_changes_send_them_no_mail(run, ticket, customer):
    run(services.close_request, ticket, actor=customer)
    assert mail.outbox == []


def test_every_status_change_by_an_agent_is_mailed(run, ticket, agent):
    run(services.update_ticket, ticket, actor=agent, status=StatusCategory.PENDING)
    run(services.update_ticket, ticket, actor=agent, priority=3)
    assert [m.subject for m in mail.outbox] == [f"[#{ticket.number}] Pending: {ticket.subject}"]


def test_opting_out_stops_reply_and_status_mail(run, ticket, agent, customer):
    run(services.update_ticket, ticket, actor=agent, status=StatusCategory.PENDING)
    [stop] = links_in(mail.outbox[0].body, "stop")
    client = Client()
    assert client.get(stop).status_code == 200
    assert wants_mail(customer)
    assert client.post(stop).status_code == 200
    assert not wants_mail(customer)
    mail.outbox.clear()
    run(services.add_message, ticket, actor=agent, body=services.Body("hi"), status="solved")
    assert mail.outbox == []
    assert Client().get(reverse("portal:unsubscribe", args=["forged"])).status_code == 400


def wants_mail(user) -> bool:
    return not MailPreference.objects.filter(user=user, ticket_updates=False).exists()


def test_profile_turns_request_mail_back_on(customer):
    MailPreference.objects.create(user=customer, ticket_updates=False)
    client = signed_in(customer)
    data = {"name": "Carol", "language": "en", "timezone": "UTC", "ticket_updates": "on"}
    assert client.post(reverse("portal:profile"), data).status_code == 302
    assert wants_mail(customer)


def test_requester_rates_in_the_portal_once_solved(run, ticket, agent, customer):
    client = signed_in(customer)
    page = reverse("portal:request", args=[ticket.number])
    assert "How did we do?" not in client.get(page).content.decode()
    assert (
        client.post(reverse("portal:rate", args=[ticket.number]), {"score": 5}).status_code == 302
    )
    assert not SatisfactionRating.objects.exists()
    run(services.update_ticket, ticket, actor=agent, status=StatusCategory.SOLVED)
    assert "How did we do?" in client.get(page).content.decode()
    client.post(
        reverse("portal:rate", args=[ticket.number]), {"score": 1, "comment": "<b>slow</b>"}
    )
    body = client.get(page).content.decode()
    assert "How did we do?" not in body
    assert "&lt;b&gt;slow&lt;/b&gt;" in body


@pytest.mark.parametrize("who", ["colleague", "other_customer", "other_agent", "agent"])
def test_only_the_requester_rates(request, run, ticket, agent, acme, who):
    acme.members_see_all_tickets = True
    acme.save()
    run(services.update_ticket, ticket, actor=agent, status=StatusCategory.SOLVED)
    client = signed_in(request.getfixturevalue(who))
    response = client.post(reverse("portal:rate", args=[ticket.number]), {"score": 5})
    assert response.status_code in (403, 404)
    assert not SatisfactionRating.objects.exists()


def test_the_rating_shows_on_the_desk_ticket_page(run, ticket, agent, customer):
    run(services.update_ticket, ticket, actor=agent, status=StatusCategory.SOLVED)
    from relaydesk.portal import satisfaction

    satisfaction.rate(ticket, actor=customer, score=5, comment="Great <3")
    page = signed_in(agent).get(reverse("desk:ticket", args=[ticket.number])).content.decode()
    assert "Satisfaction" in page
    assert "Great &lt;3" in page
