from django.test import Client

from relaydesk.conftest import PASSWORD
from relaydesk.webhooks import keys, outbox
from relaydesk.webhooks.models import Delivery, Endpoint


def admin_client(user) -> Client:
    client = Client()
    client.login(username=user.email, password=PASSWORD)
    return client


def test_admin_adds_an_endpoint_and_sees_its_secret(admin_user):
    client = admin_client(admin_user)
    response = client.post(
        "/admin/webhooks/endpoint/add/",
        {
            "name": "CRM",
            "url": "https://crm.example.com/hook",
            "events": ["ticket.created"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content
    endpoint = Endpoint.objects.get()
    assert endpoint.events == ["ticket.created"]
    page = client.get(f"/admin/webhooks/endpoint/{endpoint.pk}/change/").content.decode()
    assert keys.unseal(endpoint.sealed_secret) in page


def test_admin_refuses_a_bad_endpoint_url(admin_user):
    response = admin_client(admin_user).post(
        "/admin/webhooks/endpoint/add/", {"name": "x", "url": "ftp://files.example.com/"}
    )
    assert response.status_code == 200
    assert not Endpoint.objects.exists()


def test_admin_redelivers_from_the_log(admin_user, customer, support, ticket):
    outbox.create_endpoint(actor=admin_user, name="CRM", url="http://hooks.test/")
    from relaydesk.tickets import services

    services.update_ticket(ticket, actor=admin_user, priority=3)
    first = Delivery.objects.get()
    response = admin_client(admin_user).post(
        "/admin/webhooks/delivery/", {"action": "redeliver", "_selected_action": [first.pk]}
    )
    assert response.status_code == 302
    assert Delivery.objects.filter(event_id=first.event_id).count() == 2


def test_agents_cannot_reach_webhook_admin(agent):
    assert admin_client(agent).get("/admin/webhooks/endpoint/").status_code == 302
