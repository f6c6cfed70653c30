"""Accounts in the portal, on Django's own auth: password sign-in, emailed one-time sign-in
links, sign-up with address verification (which is also how a customer created from a mail
claims the account), password reset."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from relaydesk.accounts.models import Role, User
from relaydesk.portal import throttle, tokens
from relaydesk.portal.forms import (
    ChoosePasswordForm,
    EmailForm,
    PortalLoginForm,
    QueuedPasswordResetForm,
    SignupForm,
)
from relaydesk.portal.mails import LOGIN, SIGNUP, queue_account_mail

MAIL_LIMIT = (5, 60 * 60)  # account mails per address per hour
IP_LIMIT = (30, 60 * 60)  # account mails and sign-in attempts per IP per hour
LOGIN_LIMIT = (10, 15 * 60)  # password attempts per address per 15 minutes
BACKEND = "relaydesk.accounts.backends.EmailBackend"


def _throttled(request: HttpRequest, scope: str, email: str, per_email: tuple[int, int]) -> bool:
    ip_ok = throttle.allow(
        scope, throttle.client_ip(request), limit=IP_LIMIT[0], window=IP_LIMIT[1]
    )
    email_ok = throttle.allow(scope, email, limit=per_email[0], window=per_email[1])
    return not (ip_ok and email_ok)


def _too_many(request: HttpRequest, template: str, form: Any) -> HttpResponse:
    form.add_error(None, _("Too many attempts. Please wait a while and try again."))
    return render(request, template, {"form": form}, status=429)


class PortalLoginView(auth_views.LoginView):
    form_class = PortalLoginForm
    template_name = "portal/login.html"
    redirect_authenticated_user = True
    next_page = "portal:home"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = str(request.POST.get("username", ""))[:254].strip().lower()
        if _throttled(request, "portal-login", email, LOGIN_LIMIT):
            return _too_many(request, self.template_name, self.get_form())
        return super().post(request, *args, **kwargs)


def _mail_request(
    request: HttpRequest, form_class: type[EmailForm], template: str, send: Any
) -> HttpResponse:
    """A form that asks for a mail: always the same answer, whether the address is known."""
    form = form_class(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, template, {"form": form}, status=422)
        email = form.cleaned_data["email"]
        if _throttled(request, f"portal-mail-{template}", email, MAIL_LIMIT):
            return _too_many(request, template, form)
        send(form.cleaned_data)
        return render(request, "portal/mail_sent.html", {"email": email})
    return render(request, template, {"form": form})


@require_http_methods(["GET", "POST"])
def login_link_request(request: HttpRequest) -> HttpResponse:
    return _mail_request(
        request,
        EmailForm,
        "portal/login_link.html",
        lambda data: queue_account_mail(LOGIN, data["email"], language=request.LANGUAGE_CODE),
    )


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal:home")

    def send(data: dict[str, Any]) -> None:
        queue_account_mail(SIGNUP, data["email"], name=data["name"], language=data["language"])

    return _mail_request(request, SignupForm, "portal/signup.html", send)


@require_http_methods(["GET", "POST"])
def login_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST signs in: mail scanners that follow links must not use it."""
    user = tokens.user_for_login_token(token)
    if user is None:
        return render(request, "portal/link_invalid.html", status=400)
    if request.method == "POST":
        login(request, user, backend=BACKEND)
        return redirect("desk:home" if user.is_agent else "portal:home")
    return render(request, "portal/login_link_confirm.html", {"person": user})


@require_http_methods(["GET", "POST"])
def signup_confirm(request: HttpRequest, token: str) -> HttpResponse:
    data = tokens.signup_for_token(token)
    if data is None:
        return render(request, "portal/link_invalid.html", status=400)
    existing = User.objects.filter(email=data["email"]).first()
    person = existing or User(
        email=data["email"], name=data["name"], language=data["language"], role=Role.CUSTOMER
    )
    form = ChoosePasswordForm(request.POST or None, user=person)
    if request.method == "POST":
        if not form.is_valid():
            context = {"form": form, "email": data["email"]}
            return render(request, "portal/signup_confirm.html", context, status=422)
        try:
            with transaction.atomic():
                if existing is None:
                    person = User.objects.create_user(
                        data["email"],
                        form.cleaned_data["password1"],
                        name=data["name"],
                        language=data["language"],
                        role=Role.CUSTOMER,
                    )
                else:
                    person.set_password(form.cleaned_data["password1"])
                    if data["name"] and not person.name:
                        person.name = data["name"]
                    person.save(update_fields=["password", "name"])
        except IntegrityError:  # the same link used twice at once
            return render(request, "portal/link_invalid.html", status=400)
        login(request, person, backend=BACKEND)
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect("portal:home")
    return render(request, "portal/signup_confirm.html", {"form": form, "email": data["email"]})


class PortalPasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "portal/password_reset.html"
    success_url = reverse_lazy("portal:password_reset_done")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = str(request.POST.get("email", ""))[:254].strip().lower()
        if _throttled(request, "portal-reset", email, MAIL_LIMIT):
            return _too_many(request, self.template_name, self.get_form())
        return super().post(request, *args, **kwargs)


class PortalPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/password_reset_confirm.html"
    success_url = reverse_lazy("portal:login")
    post_reset_login = False

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, _("Your password is set. Please sign in."))
        return super().form_valid(form)
