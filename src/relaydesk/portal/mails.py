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
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from relaydesk.accounts.models import User
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
    with translation.override(language or (user.language if user else settings.LANGUAGE_CODE)):
        if purpose == SIGNUP:
            token = tokens.signup_token(email, name, language)
            url = _absolute(reverse("portal:signup_confirm", args=[token]))
            subject = _("Confirm your email address")
            intro = _("Open this link to confirm your address and choose a password:")
        elif purpose == LOGIN:
            assert user is not None
            url = _absolute(reverse("portal:login_link", args=[tokens.login_token(user)]))
            subject = _("Your sign-in link")
            intro = _("Open this link within 15 minutes to sign in. It works once:")
        else:
            assert user is not None
            url = _reset_url(user)
            subject = _("Choose a new password")
            intro = _("Open this link to choose a new password for your account:")
        context = {
            "intro": intro,
            "url": url,
            "site_name": settings.SITE_NAME,
            "name": (user.first_name if user else name) or email,
        }
        text = render_to_string("portal/mail/account.txt", context)
        html = render_to_string("portal/mail/account.html", context)
        subject = f"{subject} · {settings.SITE_NAME}"
    mail = EmailMultiAlternatives(
        subject=subject, body=text, to=[email], headers={"Auto-Submitted": "auto-generated"}
    )
    mail.attach_alternative(html, "text/html")
    mail.send()
