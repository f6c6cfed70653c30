"""The customer's preferences: name, language, time zone."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relaydesk.desk.forms import ProfileForm
from relaydesk.desk.views.common import switch_language
from relaydesk.portal.forms import MailPreferenceForm
from relaydesk.portal.models import MailPreference, wants_ticket_mail
from relaydesk.portal.views.common import customer_required, portal_user


@customer_required
def profile(request: HttpRequest) -> HttpResponse:
    user = portal_user(request)
    form = ProfileForm(request.POST or None, instance=user)
    mail_form = MailPreferenceForm(
        request.POST or None, initial={"ticket_updates": wants_ticket_mail(user)}
    )
    context = {"form": form, "mail_form": mail_form}
    if request.method == "POST":
        if form.is_valid() and mail_form.is_valid():
            form.save()
            MailPreference.objects.update_or_create(
                user=user,
                defaults={
                    "ticket_updates": mail_form.cleaned_data["ticket_updates"],
                    "updated_at": timezone.now(),
                },
            )
            messages.success(request, _("Your preferences are saved."))
            return redirect("portal:profile")
        return render(request, "portal/profile.html", context, status=422)
    return render(request, "portal/profile.html", context)


@customer_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The top bar's switcher: the language is kept on the customer, for pages and mails."""
    return switch_language(request, portal_user(request), fallback="/")
