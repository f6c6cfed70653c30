"""Portal accounts: sign-up with a verified address, emailed one-time sign-in links, password
reset, password sign-in — and the same answer whether an address is known or not."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from relaydesk.accounts.models import Role, User
from relaydesk.accounts.services import find_or_create_customer
from relaydesk.conftest import PASSWORD
from relaydesk.portal import tokens

NEW_PASSWORD = "violet orbit canal 42"


def link_in(message) -> str:
    [url] = re.findall(r"http://\S+", message.body)
    return url.removeprefix("http://127.0.0.1:8000")


def test_sign_up_verifies_the_address_then_the_password_is_chosen(db, mails):
    client = Client()
    data = {"email": "New.Person@Example.test", "name": "Nia  New", "language": "pl"}
    response = mails.post(client, reverse("portal:signup"), data)
    assert response.status_code == 200
    assert "new.person@example.test" in response.content.decode()
    assert not User.objects.filter(email="new.person@example.test").exists()
    [sent] = mails.outbox
    assert sent.to == ["new.person@example.test"]
    assert "Potwierdź" in sent.subject or "Confirm" in sent.subject
    url = link_in(sent)

    assert client.get(url).status_code == 200
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    person = User.objects.get(email="new.person@example.test")
    assert (person.role, person.name, person.language) == (Role.CUSTOMER, "Nia New", "pl")
    assert person.check_password(NEW_PASSWORD)
    assert client.get(reverse("portal:requests")).status_code == 200
    # The link is spent once the account has a password.
    assert Client().get(url).status_code == 400


def test_sign_up_refuses_weak_or_mismatched_passwords(db, mails):
    mails.post(Client(), reverse("portal:signup"), {"email": "w@example.test", "language": "en"})
    url = link_in(mails.outbox[0])
    response = Client().post(url, {"password1": "123", "password2": "123"})
    assert response.status_code == 422
    response = Client().post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert response.status_code == 422
    assert not User.objects.filter(email="w@example.test").exists()


def test_customer_created_from_mail_claims_the_account_by_signing_up(db, mails, ticket):
    from_mail = find_or_create_customer("mailer@example.test", "Mo Mailer")
    assert not from_mail.has_usable_password()
    mails.post(Client(), reverse("portal:signup"), {"email": from_mail.email, "language": "en"})
    client = Client()
    client.post(link_in(mails.outbox[0]), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    from_mail.refresh_from_db()
    assert from_mail.check_password(NEW_PASSWORD)
    assert User.objects.filter(email=from_mail.email).count() == 1


def test_sign_up_with_a_known_address_sends_a_password_link_not_an_account(mails, customer):
    response = mails.post(
        Client(), reverse("portal:signup"), {"email": customer.email, "language": "en"}
    )
    assert response.status_code == 200
    [sent] = mails.outbox
    assert "/password/reset/" in link_in(sent)
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


def test_sign_in_link_signs_in_once(mails, customer):
    client = Client()
    response = mails.post(client, reverse("portal:login_link_request"), {"email": customer.email})
    assert response.status_code == 200
    url = link_in(mails.outbox[0])
    assert client.get(url).status_code == 200  # a mail scanner's GET does not sign in
    assert client.get(reverse("portal:requests")).status_code == 302
    assert client.post(url).status_code == 302
    assert client.get(reverse("portal:requests")).status_code == 200
    assert Client().post(url).status_code == 400


def test_unknown_address_gets_the_same_answer_and_no_mail(db, mails):
    response = mails.post(
        Client(), reverse("portal:login_link_request"), {"email": "x@nowhere.test"}
    )
    assert response.status_code == 200
    assert mails.outbox == []


@pytest.mark.parametrize("token", ["", "abc", "x" * 5000, "<script>alert(1)</script>"])
def test_forged_links_are_refused(db, token):
    assert tokens.user_for_login_token(token) is None
    assert tokens.signup_for_token(token) is None


def test_a_link_for_one_purpose_does_not_work_for_another(mails, customer):
    mails.post(Client(), reverse("portal:login_link_request"), {"email": customer.email})
    token = link_in(mails.outbox[0]).rstrip("/").rsplit("/", 1)[1]
    assert Client().get(reverse("portal:signup_confirm", args=[token])).status_code == 400


def test_password_reset_lets_a_mail_customer_set_a_password(db, mails):
    person = find_or_create_customer("reset@example.test")
    client = Client()
    response = mails.post(client, reverse("portal:password_reset"), {"email": person.email})
    assert response.status_code == 302
    url = link_in(mails.outbox[0])
    form_url = client.get(url).url  # Django moves the token into the session
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert Client().login(username=person.email, password=NEW_PASSWORD)


def test_customer_signs_in_with_a_password(customer):
    client = Client()
    response = client.post(
        reverse("portal:login"), {"username": customer.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(response.url, follow=True).request["PATH_INFO"] == "/requests/"


def test_password_attempts_are_limited_per_address(customer):
    client = Client()
    for _ in range(10):
        response = client.post(
            reverse("portal:login"), {"username": customer.email, "password": "wrong"}
        )
        assert response.status_code == 200
    response = client.post(
        reverse("portal:login"), {"username": customer.email, "password": PASSWORD}
    )
    assert response.status_code == 429


def test_account_mails_are_limited_per_address(mails, customer):
    for _ in range(5):
        mails.post(Client(), reverse("portal:login_link_request"), {"email": customer.email})
    response = mails.post(Client(), reverse("portal:login_link_request"), {"email": customer.email})
    assert response.status_code == 429
    assert len(mails.outbox) == 5


@pytest.mark.parametrize(
    "data",
    [
        {"email": "not an address", "language": "en"},
        {"email": "a@example.test", "language": "xx"},
        {"email": "a@example.test" + "a" * 300, "language": "en"},
        {"email": "a@example.test", "name": "n" * 201, "language": "en"},
        {"email": "a@example.test\x00", "language": "en"},
        {"email": "<script>@example.test", "language": "en"},
    ],
)
def test_sign_up_refuses_bad_input(db, mails, data):
    response = mails.post(Client(), reverse("portal:signup"), data)
    assert response.status_code == 422
    assert mails.outbox == []


def test_account_forms_need_the_csrf_token(db):
    client = Client(enforce_csrf_checks=True)
    for name in (
        "portal:signup",
        "portal:login_link_request",
        "portal:login",
        "portal:password_reset",
    ):
        response = client.post(reverse(name), {"email": "a@example.test", "language": "en"})
        assert response.status_code == 403


def test_agent_signing_in_by_link_lands_in_the_desk(mails, agent):
    client = Client()
    mails.post(client, reverse("portal:login_link_request"), {"email": agent.email})
    assert client.post(link_in(mails.outbox[0])).url == reverse("desk:home")
