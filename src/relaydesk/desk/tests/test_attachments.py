import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from relaydesk.tickets import services


def attach(ticket, actor, name, content=b"data", internal=False):
    message = services.add_message(
        ticket,
        actor=actor,
        body=services.Body("file"),
        internal=internal,
        attachments=[SimpleUploadedFile(name, content)],
    )
    return message.attachments.get()


def test_download_is_an_attachment_with_an_encoded_name(as_agent, ticket, agent):
    attachment = attach(ticket, agent, "отчёт 2024.pdf", b"%PDF")
    response = as_agent.get(f"/desk/attachments/{attachment.pk}/")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content) == b"%PDF"


def test_images_are_shown_inline(as_agent, ticket, agent):
    attachment = attach(ticket, agent, "photo.png", b"\x89PNG")
    response = as_agent.get(f"/desk/attachments/{attachment.pk}/")
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Type"] == "image/png"


@pytest.mark.parametrize("attachment_id", [999999, 2**63 + 1])
def test_unknown_attachment_is_404(as_agent, attachment_id):
    assert as_agent.get(f"/desk/attachments/{attachment_id}/").status_code == 404


def test_agent_of_another_department_gets_404(as_other_agent, ticket, agent):
    attachment = attach(ticket, agent, "a.txt")
    assert as_other_agent.get(f"/desk/attachments/{attachment.pk}/").status_code == 404


def test_customer_cannot_download_through_the_desk(as_customer, ticket, agent):
    attachment = attach(ticket, agent, "note.txt", internal=True)
    assert as_customer.get(f"/desk/attachments/{attachment.pk}/").status_code == 403
