"""The embeddable contact form: `/form/<key>/` (the page to put in an iframe) and its POST,
which a plain HTML form on any other site may use too (no CSRF token there: the checks are
the honeypot, the time trap and the rate limits)."""

from __future__ import annotations

from collections.abc import Collection
from typing import cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from relaydesk.desk.forms import apply_errors
from relaydesk.portal import throttle, webform
from relaydesk.portal.forms import ContactForm
from relaydesk.portal.models import WebForm

# Framed by any site; the rest of the site-wide policy stays.
EMBEDDABLE = cast(
    dict[str, Collection[str] | str], {**settings.SECURE_CSP, "frame-ancestors": ["*"]}
)
PER_IP = (10, 60 * 60)
PER_ADDRESS = (5, 60 * 60)


def _form_or_404(key: str) -> WebForm:
    found = WebForm.objects.filter(key=key, is_active=True).select_related("department").first()
    if found is None:
        raise Http404(_("No such form."))
    return found


def _page(
    request: HttpRequest, web_form: WebForm, form: ContactForm, status: int = 200
) -> HttpResponse:
    context = {"web_form": web_form, "form": form}
    return render(request, "portal/webform.html", context, status=status)


@xframe_options_exempt
@csp_override(EMBEDDABLE)
@csrf_exempt
@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest, key: str) -> HttpResponse:
    web_form = _form_or_404(key)
    if request.method == "GET":
        return _page(request, web_form, ContactForm(initial={"ts": webform.stamp()}))
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _page(request, web_form, form, status=422)
    data = form.cleaned_data
    thanks = {"web_form": web_form}
    if data["website"]:
        return render(request, "portal/webform_thanks.html", thanks)  # a bot: say nothing
    refusal = webform.too_fast_or_stale(data["ts"])
    if refusal:
        fresh = request.POST.copy()
        fresh["ts"] = webform.stamp()  # a new clock for the next try
        form = ContactForm(fresh)
        form.is_valid()
        form.add_error(None, refusal)
        return _page(request, web_form, form, status=422)
    ip_ok = throttle.allow(
        "webform-ip", throttle.client_ip(request), limit=PER_IP[0], window=PER_IP[1]
    )
    address_ok = throttle.allow(
        "webform-email", data["email"], limit=PER_ADDRESS[0], window=PER_ADDRESS[1]
    )
    if not (ip_ok and address_ok):
        form.add_error(None, _("Too many messages. Please wait a while and try again."))
        return _page(request, web_form, form, status=429)
    try:
        webform.submit(
            web_form,
            email=data["email"],
            name=data["name"],
            subject=data["subject"],
            message=data["message"],
            language=request.LANGUAGE_CODE,
        )
    except PermissionDenied as error:
        form.add_error(None, str(error))
        return _page(request, web_form, form, status=403)
    except ValidationError as error:
        apply_errors(form, error)
        if "requester" in getattr(error, "error_dict", {}):
            form.add_error("email", error.error_dict["requester"])
        return _page(request, web_form, form, status=422)
    return render(request, "portal/webform_thanks.html", thanks)


@require_GET
def example(request: HttpRequest, key: str) -> HttpResponse:
    """How the form looks embedded in another page, with the snippet to copy."""
    web_form = _form_or_404(key)
    return render(
        request,
        "portal/webform_example.html",
        {"web_form": web_form, "base_url": settings.BASE_URL},
    )
