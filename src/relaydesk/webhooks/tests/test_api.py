import pytest

from relaydesk.api.tests.conftest import api_as
from relaydesk.webhooks import keys, outbox, signing
from relaydesk.webhooks.models import Delivery, Endpoint
from relaydesk.webhooks.tests.receiver import receiver


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.WEBHOOK_ALLOW_PRIVATE = True


def test_admin_subscribes_and_a_ticket_made_over_the_api_is_delivered(admin_user, support):
    api = api_as(admin_user)
    with receiver() as hook:
        created = api.post(
            "/webhooks", {"name": "CRM", "url": hook.url, "events": ["ticket.created"]}
        )
        assert created.status_code == 201, created.content
        secret = created.json()["secret"]
        assert keys.unseal(Endpoint.objects.get().sealed_secret) == secret
        api.post("/tickets", {"subject": "Hi", "body": "x", "requester_email": "a@b.test"})
        delivery = Delivery.objects.get()
        outbox.deliver.call(delivery.pk)
        request = hook.requests[0]
        assert signing.verify(secret, request.body, request.headers["Relaydesk-Signature"])
        endpoint_id = created.json()["id"]
        log = api.get(f"/webhooks/{endpoint_id}/deliveries").json()
        assert [(d["state"], d["last_status"]) for d in log] == [("delivered", 200)]
        again = api.post(f"/webhook-deliveries/{delivery.pk}/redeliver", {})
        assert again.status_code == 202
        assert again.json()["event_id"] == str(delivery.event_id)
    assert "secret" not in api.get("/webhooks").json()[0]
    assert api.client.delete(f"/api/v1/webhooks/{endpoint_id}").status_code == 204
    assert not Endpoint.objects.exists()


def test_bad_subscriptions_are_refused(admin_user):
    api = api_as(admin_user)
    assert api.post("/webhooks", {"name": "x", "url": "gopher://x.test/"}).status_code == 422
    assert (
        api.post(
            "/webhooks", {"name": "x", "url": "http://x.test/", "events": ["boom"]}
        ).status_code
        == 422
    )
    assert not Endpoint.objects.exists()


@pytest.mark.parametrize("persona", ["agent", "supervisor", "customer"])
def test_only_admins_manage_webhooks(request, persona):
    api = api_as(request.getfixturevalue(persona))
    assert api.get("/webhooks").status_code == 403
    assert api.post("/webhooks", {"name": "x", "url": "http://x.test/"}).status_code == 403
    assert not Endpoint.objects.exists()
