"""The quarantine page in the desk: administrators list held mail, read its headers as
text, process it again or discard it; nobody else reaches it."""

import pytest
from django.urls import reverse

from relaydesk.conftest import signed_in
from relaydesk.mail import ingest
from relaydesk.mail.models import InboundMail, Outcome
from relaydesk.mail.tests.conftest import make_mail
from relaydesk.tickets.models import Ticket

LIST = reverse("mail:quarantine")


def held(**options) -> InboundMail:
    assert ingest.receive(make_mail(**options)) == Outcome.QUARANTINED
    return InboundMail.objects.latest("id")


def test_admin_sees_error_sender_subject_and_received(mailbox, admin_user, agent):
    held(sender="Alice <alice@example.com>", subject="From an agent")
    page = signed_in(admin_user).get(LIST).content.decode()
    assert "belongs to an agent" in page
    assert "alice@example.com" in page
    assert "From an agent" in page
    assert "support@example.com" in page
    assert "<time datetime=" in page


def test_held_mail_is_named_from_its_headers(mailbox, admin_user, agent):
    raw = b"From: Alice <alice@example.com>\r\nSubject: =?utf-8?q?Caf=C3=A9?=\r\n\r\nhello"
    assert ingest.receive(raw) == Outcome.QUARANTINED
    page = signed_in(admin_user).get(LIST).content.decode()
    assert "alice@example.com" in page
    assert "Café" in page


def test_headers_are_shown_as_text_never_as_html(mailbox, admin_user, agent):
    row = held(
        sender="alice@example.com",
        subject="<script>alert(1)</script>",
        headers={"X-Evil": '<img src=x onerror="alert(2)">'},
    )
    page = signed_in(admin_user).get(reverse("mail:quarantined", args=[row.pk])).content.decode()
    assert "<script>alert(1)" not in page
    assert '<img src=x onerror="alert(2)">' not in page
    assert "X-Evil: &lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in page
    assert "It started smoking" not in page  # the body is not shown, only the headers


def test_raw_headers_stop_at_the_body_and_at_64_kb(mailbox):
    from relaydesk.mail.quarantine import MAX_HEADER_BYTES, raw_headers

    small = InboundMail(raw=b"Subject: x\n\nbody")
    assert raw_headers(small) == "Subject: x"
    huge = InboundMail(raw=b"X-Long: " + b"a\xff" * MAX_HEADER_BYTES + b"\r\n\r\nbody")
    shown = raw_headers(huge)
    assert shown.endswith("\n…")
    assert len(shown) <= MAX_HEADER_BYTES + 2
    assert "\ufffd" in shown


def test_admin_processes_again_after_the_cause_is_fixed(mailbox, admin_user, agent):
    row = held(sender="alice@example.com", subject="Retry me")
    agent.email = "alice@elsewhere.example.com"
    agent.save()
    client = signed_in(admin_user)
    response = client.post(reverse("mail:quarantine_action", args=[row.pk]), {"action": "retry"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.outcome == Outcome.CREATED
    assert Ticket.objects.get().subject == "Retry me"
    assert "Retry me" not in client.get(LIST).content.decode()


def test_a_retry_that_fails_again_says_why_and_keeps_the_mail(mailbox, admin_user, agent):
    row = held(sender="alice@example.com")
    client = signed_in(admin_user)
    response = client.post(
        reverse("mail:quarantine_action", args=[row.pk]), {"action": "retry"}, follow=True
    )
    assert "Still quarantined" in response.content.decode()
    row.refresh_from_db()
    assert row.outcome == Outcome.QUARANTINED


def test_admin_discards_and_the_raw_mail_stays(mailbox, admin_user, agent):
    row = held(sender="alice@example.com")
    signed_in(admin_user).post(
        reverse("mail:quarantine_action", args=[row.pk]), {"action": "discard"}
    )
    row.refresh_from_db()
    assert row.outcome == Outcome.DISCARDED
    assert b"alice@example.com" in bytes(row.raw)


def test_mail_that_is_not_quarantined_is_not_found(mailbox, admin_user):
    ingest.receive(make_mail(subject="Fine"))
    row = InboundMail.objects.get()
    client = signed_in(admin_user)
    assert client.get(reverse("mail:quarantined", args=[row.pk])).status_code == 404
    response = client.post(reverse("mail:quarantine_action", args=[row.pk]), {"action": "discard"})
    assert response.status_code == 404
    assert client.get(reverse("mail:quarantined", args=[999999])).status_code == 404


def test_the_list_pages_and_ignores_a_bad_page_number(mailbox, admin_user, agent):
    for n in range(51):
        held(sender="alice@example.com", subject=f"Held {n}")
    client = signed_in(admin_user)
    first = client.get(LIST).content.decode()
    assert "Held 50" in first
    assert "Held 0<" not in first
    assert "Older" in first
    assert "Held 0<" in client.get(LIST, {"page": "2"}).content.decode()
    assert client.get(LIST, {"page": "x' OR 1=1"}).status_code == 200


def test_the_sidebar_count_links_to_the_page(mailbox, admin_user, agent):
    held(sender="alice@example.com")
    page = signed_in(admin_user).get(reverse("desk:home")).content.decode()
    assert f'href="{LIST}"' in page


@pytest.mark.parametrize("persona", ["customer", "agent", "other_agent", "supervisor"])
def test_only_administrators_reach_the_quarantine(persona, request, mailbox, agent):
    row = held(sender="alice@example.com")
    client = signed_in(request.getfixturevalue(persona))
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("mail:quarantined", args=[row.pk])).status_code == 403
    for action in ("retry", "discard"):
        response = client.post(reverse("mail:quarantine_action", args=[row.pk]), {"action": action})
        assert response.status_code == 403
    row.refresh_from_db()
    assert row.outcome == Outcome.QUARANTINED


def test_signed_out_visitors_are_sent_to_sign_in(client, mailbox, agent):
    row = held(sender="alice@example.com")
    assert client.get(LIST).status_code == 302
    client.post(reverse("mail:quarantine_action", args=[row.pk]), {"action": "discard"})
    row.refresh_from_db()
    assert row.outcome == Outcome.QUARANTINED
