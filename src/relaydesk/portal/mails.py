"""Account mails of the portal: sign-up verification, sign-in link, password reset.

Views only enqueue `send_account_mail` after commit with an address; the task looks the
account up, makes the signed link and sends. So the request answers the same whether the
address is known or not, sends no mail itself, and no link is ever stored in the task table.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from relaydesk.accounts.models import User
from relaydesk.mailtemplates.compose import compose
from relaydesk.portal import tokens

LOGIN, SIGNUP, RESET = "login", "signup", "reset"


def queue_account_mail(purpose: str, email: str, *, name: str = "", language: str = "") -> None:
    transaction.on_commit(
        lambda: send_account_mail.enqueue(purpose, email, name=name, language=language)
    )


def _absolute(path: str) -> str:
    return f"{settings.BASE_URL}{path}"


def _reset_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return _absolute(reverse("portal:password_reset_confirm", args=[uid, token]))


@task()
def send_account_mail(purpose: str, email: str, name: str = "", language: str = "") -> None:
    user = User.objects.filter(email=email, is_active=True).first()
    if purpose == SIGNUP and user is not None and (user.has_usable_password() or user.is_agent):
        purpose = RESET  # the address has an account already: offer a new password instead
    if purpose in (LOGIN, RESET) and user is None:
        return  # unknown address: nothing to send, and the visitor was told the same anyway
    if purpose == SIGNUP:
        url = _absolute(
            reverse("portal:signup_confirm", args=[tokens.signup_token(email, name, language)])
        )
    elif purpose == LOGIN:
        assert user is not None
        url = _absolute(reverse("portal:login_link", args=[tokens.login_token(user)]))
    else:
        assert user is not None
        url = _reset_url(user)
    composed = compose(
        f"account_{purpose}",
        language=language or (user.language if user else settings.LANGUAGE_CODE),
        values={"link.url": url, "recipient.name": (user.first_name if user else name) or email},
    )
    mail = EmailMultiAlternatives(
        subject=composed.subject,
        body=composed.text,
        to=[email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    mail.attach_alternative(composed.html, "text/html")
    mail.send()
