import pytest

from relaydesk.tickets import services
from relaydesk.tickets.models import Channel


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def open_ticket(customer, support):
    def make(subject, body, *, language="en", requester=None, **fields):
        requester = requester or customer
        return services.create_ticket(
            actor=requester,
            requester=requester,
            subject=subject,
            body=services.Body(body),
            channel=Channel.PORTAL,
            department=fields.pop("department", support),
            language=language,
            **fields,
        )

    return make
