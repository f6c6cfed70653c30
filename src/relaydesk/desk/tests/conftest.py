import pytest
from django.test import Client

from relaydesk.conftest import PASSWORD


def signed_in(user) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


@pytest.fixture
def as_agent(agent):
    return signed_in(agent)


@pytest.fixture
def as_readonly(readonly_agent):
    return signed_in(readonly_agent)


@pytest.fixture
def as_other_agent(other_agent):
    return signed_in(other_agent)


@pytest.fixture
def as_customer(customer):
    return signed_in(customer)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


HTMX = {"HTTP_HX_REQUEST": "true"}
