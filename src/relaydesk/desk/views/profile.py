"""The signed-in person's preferences: name, language, time zone."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relaydesk.desk.forms import ProfileForm
from relaydesk.desk.views.common import agent_required, desk_user, switch_language


@agent_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=desk_user(request))
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Your preferences are saved."))
            return redirect("desk:profile")
        return render(request, "desk/profile.html", {"form": form}, status=422)
    return render(request, "desk/profile.html", {"form": form})


@agent_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The top bar's switcher: the language is kept on the user, not in a cookie."""
    return switch_language(request, desk_user(request), fallback="/desk/")
