import re

from relaydesk.api.models import ApiToken
from relaydesk.api.tests.conftest import ApiClient


def test_agent_creates_sees_once_and_revokes_a_token(as_agent, agent):
    page = as_agent.post("/desk/profile/tokens/", {"name": "Zapier", "scope": "write", "days": 30})
    assert page.status_code == 201
    secret = re.search(r'id="new-token">([^<]+)<', page.content.decode()).group(1)
    assert ApiClient(secret).get("/tickets").status_code == 200
    listing = as_agent.get("/desk/profile/tokens/").content.decode()
    assert "Zapier" in listing
    assert secret not in listing
    token = ApiToken.objects.get(user=agent)
    assert as_agent.post(f"/desk/profile/tokens/{token.pk}/revoke/").status_code == 302
    assert ApiClient(secret).get("/tickets").status_code == 401


def test_bad_token_form_is_refused_and_creates_nothing(as_agent):
    for data in (
        {"name": "", "scope": "read"},
        {"name": "x", "scope": "root"},
        {"name": "x", "scope": "read", "days": "-1"},
    ):
        assert as_agent.post("/desk/profile/tokens/", data).status_code == 422
    assert not ApiToken.objects.exists()


def test_agent_cannot_revoke_someone_elses_token(as_other_agent, agent):
    from relaydesk.api import tokens

    tokens.issue(user=agent, name="mine")
    token = ApiToken.objects.get()
    assert as_other_agent.post(f"/desk/profile/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_customers_cannot_manage_tokens_in_the_desk(as_customer):
    assert as_customer.get("/desk/profile/tokens/").status_code == 403
    assert (
        as_customer.post("/desk/profile/tokens/", {"name": "x", "scope": "write"}).status_code
        == 403
    )
    assert not ApiToken.objects.exists()
