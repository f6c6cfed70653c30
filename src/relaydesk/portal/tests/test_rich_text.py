"""The new request's rich-text description: the editor's formatting is kept, anything else
is cut away before it is stored, and the plain textarea still works without the script."""

import pytest
from django.urls import reverse

from relaydesk.conftest import signed_in
from relaydesk.tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db

URL = reverse("portal:new_request")


def send(client, **fields):
    data = {"subject": "Printer", "priority": 2, "body": "", **fields}
    return client.post(URL, data)


def test_editor_formatting_is_kept_and_the_text_derived(as_customer):
    html = (
        "<p>The <strong>printer</strong> is <em>broken</em>:</p>"
        '<ul><li>jams</li><li>see <a href="https://example.test/x">this</a></li></ul>'
    )
    answer = send(as_customer, body="ignored when rich text came", body_html=html)
    assert answer.status_code == 302
    message = Message.objects.get()
    assert "<strong>printer</strong>" in message.body_html
    assert "<li>jams</li>" in message.body_html
    assert 'href="https://example.test/x"' in message.body_html
    assert 'rel="noopener noreferrer nofollow"' in message.body_html
    assert message.body_text.startswith("The printer is broken:")
    assert "ignored" not in message.body_text


@pytest.mark.parametrize(
    ("hostile", "gone"),
    [
        ("<p>hi<script>alert(1)</script></p>", "<script"),
        ('<p onclick="alert(1)">hi</p>', "onclick"),
        ('<p><a href="javascript:alert(1)">hi</a></p>', "javascript:"),
        ('<p><img src="https://evil.test/pixel.gif">hi</p>', "<img"),
        ('<p style="position:fixed">hi</p>', "style"),
        ("<iframe src='https://evil.test'></iframe><p>hi</p>", "<iframe"),
        ("<svg><g onload='alert(1)'/></svg><p>hi</p>", "<svg"),
        ("<table><tr><td>hi</td></tr></table>", "<table"),
    ],
)
def test_anything_but_the_editors_formatting_is_cut_away(as_customer, hostile, gone):
    assert send(as_customer, body_html=hostile).status_code == 302
    message = Message.objects.get()
    assert gone not in message.body_html
    assert "hi" in message.body_text


def test_desk_shows_the_formatting(as_customer, admin_user):
    send(as_customer, body_html="<p>It is <strong>urgent</strong></p>")
    page = signed_in(admin_user).get(reverse("desk:ticket", args=[Ticket.objects.get().number]))
    assert "<strong>urgent</strong>" in page.content.decode()


def test_plain_textarea_works_without_the_script(as_customer):
    assert send(as_customer, body="Plain <b>words</b>").status_code == 302
    message = Message.objects.get()
    assert message.body_text == "Plain <b>words</b>"
    assert "<b>" not in message.body_html


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"body_html": "<p>   </p><br>"},
        {"body_html": "<script>only a script</script>"},
        {"body_html": "<p>" + "x" * 200_001 + "</p>"},
        {"body": "x" * 50_001},
    ],
    ids=["nothing", "empty-html", "script-only", "huge-html", "huge-text"],
)
def test_an_empty_or_oversized_description_is_refused(as_customer, fields):
    answer = send(as_customer, **fields)
    assert answer.status_code == 422
    assert "body" in answer.context["form"].errors or "body_html" in answer.context["form"].errors
    assert not Ticket.objects.exists()


def test_the_editor_gets_its_content_back_safe_after_an_error(as_customer):
    answer = send(
        as_customer,
        subject="",
        body_html='<p>Keep <strong>me</strong><img src=x onerror="alert(1)"></p>',
    )
    assert answer.status_code == 422
    page = answer.content.decode()
    assert "Keep &lt;strong&gt;me&lt;/strong&gt;" in page  # in the hidden field's value
    assert "onerror" not in page
